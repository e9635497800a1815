"""Reading cases: show (with the steps allowed now), list, history. No writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.guards import GuardContext, competent_official, serving_effects
from sanctions.cases.machine import Option
from sanctions.cases.reading import closed_window, guard_context, open_deadlines, resolve_reference
from sanctions.cases.repeat import REPEAT_RULE, PriorSanction
from sanctions.cases.workflow import Workflow
from sanctions.catalogue.entries import Violation
from sanctions.db.models import Agency, Case, CaseEvent, Contest, Deadline, Employee
from sanctions.deadlines.rules import Direction, Unit, days_left
from sanctions.errors import InputError, NotFound, PermissionDenied
from sanctions.trust.access import roles_for, visible_agencies


def case_by_reference(session: Session, reference: str) -> Case:
    """The case of a reference (in any case) or of a register number."""
    reference = resolve_reference(session, reference)
    case = session.exec(select(Case).where(Case.reference == reference)).first()
    if case is None:
        raise NotFound(f"no case {reference!r}; list cases with `sanctions case list`")
    return case


@dataclass(frozen=True)
class DeadlineView:
    deadline: Deadline
    days_left: int
    overdue: bool


@dataclass(frozen=True)
class CaseView:
    case: Case
    agency: Agency
    employee: Employee
    contest: Contest
    allegations: list[Violation]
    workflow: Workflow
    options: list[Option]
    deadlines: list[DeadlineView]
    roles: set[str]
    authority: AuthorityView | None = None
    # The employee's earlier sanctions of the same kind this case repeats, latest first, and
    # the declared notion of "the same kind" (rule repeat_offence_same_kind).
    repeats: tuple[RepeatView, ...] = ()
    same_kind: str = ""
    # While a sedang or berat sanction is served: no KGB or promotion (guards.serving_effects)
    serving_effects: str | None = None


@dataclass(frozen=True)
class RepeatView:
    """An earlier sanction this case repeats (sanctions/cases/repeat.py), with its level."""

    prior: PriorSanction
    level: str


@dataclass(frozen=True)
class AuthorityView:
    """Who may decide the case's sanction (PP 94/2021), or why that cannot be said yet."""

    officials: tuple[str, ...]  # labels, the default first
    rule: str  # the rule in words, with its basis and confidence tag
    decided_by: str | None = None  # the label of the official recorded on the decision
    appeal_forum: str | None = None  # where a keberatan against that decision goes, tagged


def authority_view(app: App, ctx: GuardContext) -> AuthorityView | None:
    """The competent official for the sanction chosen (or the level recommended); None on
    the ethics track and before a level is known."""
    if ctx.track != "disiplin":
        return None
    resolution = competent_official(ctx)
    decided = ctx.facts.get("official")
    decided_by = app.authority.officials.get(decided) if decided else None
    if isinstance(resolution, str):
        if resolution.startswith("no disciplinary"):
            return None
        return AuthorityView((), resolution, decided_by)
    labels = tuple(app.authority.official_label(o) for o in resolution.officials)
    forum = app.authority.appeal_forum(decided or resolution.default, ctx.agency_tier)
    shown = f"{forum.to} ({forum.basis}) [{forum.confidence}]" if forum else None
    return AuthorityView(labels, app.authority.rule_in_words(resolution), decided_by, shown)


def show_case(app: App, session: Session, reference: str, *, actor: str, on: date) -> CaseView:
    case = case_by_reference(session, reference)
    roles = roles_for(session, actor, case.agency_id)
    if not roles:
        raise_no_access(actor, reference)
    workflow = app.workflow(case.workflow_version)
    ctx = guard_context(app, session, case, on=on, inputs={})
    options = app.engine(case.workflow_version).options(case.state, ctx, roles)
    agency = session.get(Agency, case.agency_id)
    employee = session.get(Employee, case.employee_id)
    contest = session.get(Contest, case.contest_id)
    assert agency and employee and contest
    rows = open_deadlines(session, case)
    options = [_window_closed(o, rows, workflow, on) for o in options]
    deadlines = [_deadline_view(app, d, on) for d in rows]
    return CaseView(
        case,
        agency,
        employee,
        contest,
        list(ctx.allegations),
        workflow,
        options,
        deadlines,
        roles,
        authority_view(app, ctx),
        tuple(RepeatView(p, app.catalogue.sanction(p.sanction).level) for p in ctx.repeated()),
        str(ctx.rules.get(REPEAT_RULE, "")),
        serving_effects(app.catalogue, case.facts, state=case.state, rules=ctx.rules),
    )


def _window_closed(option: Option, rows: list[Deadline], workflow: Workflow, on: date) -> Option:
    """The option, no longer offered once a strict time limit governing it has ended."""
    closed = closed_window(rows, workflow, option.transition.trigger, on)
    if closed is None:
        return option
    return replace(option, allowed=False, reasons=(*option.reasons, closed))


def _deadline_view(app: App, deadline: Deadline, on: date) -> DeadlineView:
    left = days_left(deadline.due_date, on, app.calendar, Unit(deadline.unit))
    overdue = deadline.direction == Direction.AFTER.value and on > deadline.due_date
    return DeadlineView(deadline, left, overdue)


def raise_no_access(actor: str, reference: str) -> None:
    raise PermissionDenied(
        f"user {actor!r} holds no role for the agency of case {reference}; "
        "an admin grants roles with `sanctions user add`"
    )


@dataclass(frozen=True)
class CaseRow:
    reference: str
    state: str
    state_label: str
    agency: str
    employee: str
    nip: str
    reported_on: date
    workflow_version: str
    overdue: list[str]
    register_number: str | None = None


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseRow]
    total: int  # cases matching the filters, of which `rows` is the page
    offset: int
    limit: int


def list_cases(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    agency_code: str | None = None,
    contest_code: str | None = None,
    state: str | None = None,
    trigger: str | None = None,
    search: str | None = None,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> CaseList:
    """The cases `actor` may see matching the filters, oldest first, one page of them.

    `search` matches the NIP (spaces ignored), the employee's name (any part, any case) or
    the forwarding body's register number; `trigger` keeps the cases in a state that step
    leaves. An unknown state, trigger, agency or contest is an error listing the valid ones,
    never an empty list."""
    if limit < 1 or offset < 0:
        raise InputError(
            f"--limit must be 1 or more and --offset 0 or more (got {limit}, {offset})"
        )
    from sanctions.registry.service import agency_by_code, contest_by_code  # writes: not for show

    if state is not None:
        states = sorted({n for w in app.workflows.versions.values() for n in w.states})
        if state not in states:
            raise InputError(f"unknown state {state!r} (valid: {', '.join(states)})")
    leaving: set[str] | None = None
    if trigger is not None:
        steps = [t for w in app.workflows.versions.values() for t in w.transitions]
        leaving = {s for t in steps if t.trigger == trigger for s in t.sources}
        if not leaving:
            known = sorted({t.trigger for t in steps})
            raise InputError(f"unknown step {trigger!r} (valid: {', '.join(known)})")
    query = (
        select(Case, Agency, Employee)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .join(Employee, col(Employee.id) == Case.employee_id)
    )
    if leaving is not None:
        query = query.where(col(Case.state).in_(sorted(leaving)))
    visible = visible_agencies(session, actor)
    if visible is not None:  # only per-agency grants: those agencies' cases
        query = query.where(col(Case.agency_id).in_(visible or [-1]))
    if agency_code:
        query = query.where(Case.agency_id == agency_by_code(session, agency_code).id)
    if contest_code:
        query = query.where(Case.contest_id == contest_by_code(session, contest_code).id)
    if state:
        query = query.where(Case.state == state)
    if search and search.strip():
        text = search.strip()
        digits = text.replace(" ", "")
        query = query.where(
            or_(
                col(Employee.nip) == digits,
                func.lower(col(Employee.name)).contains(text.lower()),
                col(Case.register_number) == text,
                col(Case.reference) == text.upper(),
            )
        )
    overdue_by_case: dict[int, list[str]] = {}
    late = (
        select(Deadline.case_id, Deadline.name)
        .where(col(Deadline.closed_seq).is_(None), col(Deadline.due_date) < on)
        .where(Deadline.direction == Direction.AFTER.value)
    )
    for case_id, name in session.exec(late).all():
        overdue_by_case.setdefault(case_id, []).append(name)
    if overdue_only:
        query = query.where(col(Case.id).in_(list(overdue_by_case) or [-1]))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Case.id)).offset(offset).limit(limit)).all()
    result = []
    for case, agency, employee in rows:
        workflow = app.workflow(case.workflow_version)
        result.append(
            CaseRow(
                reference=case.reference,
                state=case.state,
                state_label=workflow.state(case.state).label,
                agency=agency.code,
                employee=employee.name,
                nip=employee.nip,
                reported_on=case.reported_on,
                workflow_version=case.workflow_version,
                overdue=overdue_by_case.get(case.id or 0, []),
                register_number=case.register_number,
            )
        )
    return CaseList(result, total, offset, limit)


def history(session: Session, reference: str, *, actor: str) -> tuple[Case, list[CaseEvent]]:
    case = case_by_reference(session, reference)
    if not roles_for(session, actor, case.agency_id):
        raise_no_access(actor, reference)
    events = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
    ).all()
    return case, list(events)


def replay_state(events: Sequence[CaseEvent]) -> str | None:
    """The state the log says the case is in: the destination of its last event."""
    return events[-1].dest if events else None


def agency_code(session: Session, agency_id: int) -> str:
    """The code of agency `agency_id` (an issuer, for lookups by issuer and number)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    return agency.code
