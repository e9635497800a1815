"""Case use-cases: open, advance, show, list, history. Each runs in the caller's transaction.

`advance` is the heart: load the case, check the actor's roles and the step's inputs, let
the workflow's state machine evaluate the guards, apply the deadline rules, then write the
new state (only if nobody else changed the case meanwhile), the event, the deadlines and
the letters — all in the one transaction the caller commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.guards import GuardContext, act_date_problems, sanction_end_fact
from sanctions.cases.machine import Option
from sanctions.cases.workflow import InputSpec, TransitionSpec, Workflow
from sanctions.catalogue.model import Violation
from sanctions.db.models import Agency, Allegation, Case, CaseEvent, Contest, Deadline, Employee
from sanctions.deadlines.rules import (
    DeadlineRule,
    Direction,
    OnMiss,
    Unit,
    days_left,
    due_date,
    is_late,
)
from sanctions.errors import (
    ConcurrencyConflict,
    DeadlinePassed,
    InputError,
    NotFound,
    RuleViolation,
    SanctionsError,
)
from sanctions.registry.service import contest_by_code, employee_by_nip
from sanctions.trust.access import require_role, roles_for
from sanctions.trust.audit import seal
from sanctions.trust.chain import GENESIS

OPEN_TRIGGER = "buka"

# Called after every step inside the same transaction (letters, notifications...).
StepHook = Callable[[Session, "StepResult"], None]


@dataclass(frozen=True)
class OpenCaseInput:
    nip: str
    contest_code: str
    reported_on: date
    act_date: date
    violation_codes: Sequence[str]
    description: str = ""
    register_number: str | None = None
    workflow_version: str | None = None


@dataclass
class StepResult:
    case: Case
    event: CaseEvent
    workflow: Workflow
    transition: TransitionSpec | None
    late: list[str] = field(default_factory=list)


def open_case(
    app: App,
    session: Session,
    data: OpenCaseInput,
    *,
    actor: str,
    now: datetime,
    hooks: Sequence[StepHook] = (),
) -> StepResult:
    employee = employee_by_nip(session, data.nip)
    contest = contest_by_code(session, data.contest_code)
    problems = opening_problems(app, data, employee=employee, contest=contest)
    if problems:
        raise problems[0][1]
    workflow = opening_workflow(app, data)
    require_role(
        session, actor, workflow.open_roles, agency_id=employee.agency_id, what="opening a case"
    )
    if (
        data.register_number
        and session.exec(
            select(Case.id).where(Case.register_number == data.register_number)
        ).first()
    ):
        raise InputError(f"a case with register number {data.register_number!r} already exists")
    case = new_case(
        data, employee=employee, contest=contest, workflow=workflow, actor=actor, now=now
    )
    session.add(case)
    session.flush()
    assign_reference(case)
    allegations, event = opening_records(case, data, workflow, actor=actor, now=now)
    if not hooks:  # no letter can follow: seal now and write the event once
        seal(session, event, prev_hash=GENESIS, letters=[])
    session.add_all([*allegations, event])
    session.flush()
    _open_deadlines(app, session, case, workflow, event)
    result = StepResult(case, event, workflow, None)
    for hook in hooks:
        hook(session, result)
    if hooks:  # last: the chain covers the letters the hooks issued
        seal(session, result.event, prev_hash=GENESIS)
    return result


# The parts of `open_case`, public so that a batch (sanctions.intake.service) applies the
# same rules and writes the same rows without a query per check.
def opening_problems(
    app: App, data: OpenCaseInput, *, employee: Employee, contest: Contest
) -> list[tuple[str, SanctionsError]]:
    """Every rule for opening a case that needs no query, as (input field, error), in the
    order `open_case` checks them (it raises the first). Role and register-number checks
    need the database and stay in the callers."""
    if not data.violation_codes:
        return [
            (
                "violation_codes",
                InputError("a case needs at least one allegation (--violation CODE)"),
            )
        ]
    problems: list[tuple[str, SanctionsError]] = []
    violations = []
    for code in data.violation_codes:
        try:
            violations.append(app.catalogue.violation(code))
        except SanctionsError as exc:
            problems.append(("violation_codes", exc))
    if data.act_date > data.reported_on:
        problems.append(
            (
                "act_date",
                InputError(
                    f"the act ({data.act_date}) cannot be after the report ({data.reported_on})"
                ),
            )
        )
    phase = act_date_problems(
        tuple(violations), data.act_date, contest.candidate_determination_date
    )
    if phase:
        problems.append(("act_date", RuleViolation("; ".join(phase))))
    if employee.status != "aktif":
        problems.append(
            ("nip", RuleViolation(f"{employee.name} is no longer in service ({employee.status})"))
        )
    try:
        opening_workflow(app, data)
    except SanctionsError as exc:
        problems.append(("workflow_version" if data.workflow_version else "reported_on", exc))
    return problems


def opening_workflow(app: App, data: OpenCaseInput) -> Workflow:
    """The workflow a new case follows: the one named, or the one in force on the report date."""
    if data.workflow_version:
        return app.workflow(data.workflow_version)
    return app.workflows.for_date(data.reported_on)


def new_case(
    data: OpenCaseInput,
    *,
    employee: Employee,
    contest: Contest,
    workflow: Workflow,
    actor: str,
    now: datetime,
) -> Case:
    """The case row, before it has an id (`assign_reference` once flushed)."""
    return Case(
        reference=f"tmp-{uuid.uuid4().hex}"[:40],  # replaced by the id-based one
        register_number=data.register_number,
        agency_id=employee.agency_id,
        employee_id=employee.id or 0,
        contest_id=contest.id or 0,
        workflow_version=workflow.version,
        state=workflow.initial,
        version=1,
        reported_on=data.reported_on,
        act_date=data.act_date,
        employee_snapshot=_snapshot(employee),
        facts={f"{workflow.initial}_on": data.reported_on.isoformat()},
        opened_by=actor,
        opened_at=now,
    )


def assign_reference(case: Case) -> None:
    case.reference = f"NET-{case.reported_on.year}-{case.id:06d}"


def opening_records(
    case: Case, data: OpenCaseInput, workflow: Workflow, *, actor: str, now: datetime
) -> tuple[list[Allegation], CaseEvent]:
    """The allegations and the first event of a flushed case."""
    allegations = [
        Allegation(case_id=case.id or 0, violation_code=code, description=data.description)
        for code in data.violation_codes
    ]
    event = CaseEvent(
        case_id=case.id or 0,
        seq=1,
        at=now,
        on=data.reported_on,
        actor=actor,
        trigger=OPEN_TRIGGER,
        source=None,
        dest=workflow.initial,
        note=data.description,
        inputs={"violations": ",".join(data.violation_codes)},
        late=[],
        workflow_version=workflow.version,
    )
    return allegations, event


def _snapshot(employee: Employee) -> dict[str, Any]:
    return {
        "nip": employee.nip,
        "name": employee.name,
        "employee_type": employee.employee_type,
        "rank": employee.rank,
        "position": employee.position,
        "position_type": employee.position_type,
        "unit": employee.unit,
        "address": employee.address,
    }


def case_by_reference(session: Session, reference: str) -> Case:
    case = session.exec(select(Case).where(Case.reference == reference)).first()
    if case is None:
        raise NotFound(f"no case {reference!r}; list cases with `sanctions case list`")
    return case


# The statements of a step, built once: SQLAlchemy then skips building and hashing the
# expression on every call (a third of a step's Python time on SQLite).
_CASE_AND_LAST_HASH = (
    select(Case, col(CaseEvent.hash))
    .join(
        CaseEvent,
        and_(col(CaseEvent.case_id) == Case.id, col(CaseEvent.seq) == Case.version),
        isouter=True,
    )
    .where(Case.reference == bindparam("reference"))
)
_GUARD_ROWS = (
    select(col(Contest.candidate_determination_date), col(Allegation.violation_code))
    .join(Allegation, col(Allegation.case_id) == bindparam("case_id"))
    .where(Contest.id == bindparam("contest_id"))
    .order_by(col(Allegation.id))
)
_OPEN_DEADLINES = (
    select(Deadline)
    .where(Deadline.case_id == bindparam("case_id"), col(Deadline.closed_seq).is_(None))
    .order_by(col(Deadline.due_date))
)
_UPDATE_CASE = (
    update(Case)
    .where(col(Case.id) == bindparam("b_id"), col(Case.version) == bindparam("b_old"))
    .values(state=bindparam("b_state"), version=bindparam("b_new"), facts=bindparam("b_facts"))
    .execution_options(synchronize_session=False)
)
_CLOSE_DEADLINES = (
    update(Deadline)
    .where(col(Deadline.case_id) == bindparam("b_case"), col(Deadline.closed_seq).is_(None))
    .values(
        closed_seq=bindparam("b_seq"),
        closed_on=bindparam("b_on"),
        met=bindparam("b_on", type_=Date()) <= col(Deadline.due_date),
    )
    .execution_options(synchronize_session=False)
)


def case_and_last_hash(session: Session, reference: str) -> tuple[Case, str]:
    """The case and the hash of its latest event (what the next event chains to): one query."""
    row = session.exec(_CASE_AND_LAST_HASH, params={"reference": reference}).first()
    if row is None:
        raise NotFound(f"no case {reference!r}; list cases with `sanctions case list`")
    return row[0], row[1] or GENESIS


def guard_context(
    app: App,
    session: Session,
    case: Case,
    *,
    on: date,
    inputs: Mapping[str, str],
    deadlines: Sequence[Deadline] | None = None,
) -> GuardContext:
    """Everything the guards may look at, read in two queries (deadlines may be passed in)."""
    rows = session.exec(
        _GUARD_ROWS, params={"case_id": case.id, "contest_id": case.contest_id}
    ).all()
    if deadlines is None:
        deadlines = open_deadlines(session, case)
    return GuardContext(
        on=on,
        employee_type=str(case.employee_snapshot.get("employee_type", "PNS")),
        act_date=case.act_date,
        candidate_determination_date=rows[0][0] if rows else None,
        allegations=tuple(app.catalogue.violation(code) for _, code in rows),
        facts=dict(case.facts),
        inputs=dict(inputs),
        catalogue=app.catalogue,
        calendar=app.calendar,
        deadlines={d.name: d.due_date for d in deadlines},
        rules=app.workflow(case.workflow_version).rule_values,
    )


def last_step_date(case: Case) -> date:
    """Every step records the day its destination was entered (`<state>_on`) in the facts;
    the latest of them is the day of the case's last step."""
    return max(date.fromisoformat(v) for k, v in case.facts.items() if k.endswith("_on"))


def check_inputs(app: App, spec: TransitionSpec, inputs: Mapping[str, str]) -> dict[str, str]:
    """Reject unknown or malformed inputs before anything runs; returns normalised values."""
    unknown = sorted(set(inputs) - {i.name for i in spec.inputs})
    if unknown:
        takes = ", ".join(i.name for i in spec.inputs) or "no inputs"
        raise InputError(f"{spec.trigger!r} does not take {unknown[0]!r} (it takes: {takes})")
    return {name: _check_value(app, spec.input(name), value) for name, value in inputs.items()}  # type: ignore[arg-type]


def _check_value(app: App, spec: InputSpec, value: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{spec.name} is empty ({spec.label})")
    if spec.type == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InputError(f"{spec.name}: not a date (YYYY-MM-DD): {value!r}") from None
    if spec.type == "level":
        levels = [level.code for level in app.catalogue.levels]
        if value not in levels:
            raise InputError(f"{spec.name}: unknown level {value!r} (allowed: {', '.join(levels)})")
    if spec.type == "sanction":
        app.catalogue.sanction(value)
    if spec.type == "choice" and value not in spec.choices:
        raise InputError(
            f"{spec.name}: unknown value {value!r} (allowed: {', '.join(spec.choices)})"
        )
    return value


def advance(
    app: App,
    session: Session,
    reference: str,
    trigger: str,
    *,
    inputs: Mapping[str, str],
    actor: str,
    on: date,
    now: datetime,
    note: str = "",
    hooks: Sequence[StepHook] = (),
) -> StepResult:
    case, prev_hash = case_and_last_hash(session, reference)
    workflow = app.workflow(case.workflow_version)
    last = last_step_date(case)
    if on < last:
        raise InputError(f"the step's date {on} is before the case's last step ({last})")
    candidates = [t for t in workflow.transitions_from(case.state) if t.trigger == trigger]
    if candidates:
        inputs = check_inputs(app, candidates[0], inputs)
    roles = roles_for(session, actor, case.agency_id)
    deadlines = open_deadlines(session, case)
    ctx = guard_context(app, session, case, on=on, inputs=inputs, deadlines=deadlines)
    spec = app.engine(case.workflow_version).fire(case.state, trigger, ctx, roles)
    late = _check_deadlines(deadlines, workflow, trigger, on)
    source, seq = case.state, case.version + 1
    facts = {**case.facts, **inputs, f"{spec.dest}_on": on.isoformat()}
    facts |= sanction_end_fact(app.catalogue, facts, entered=spec.dest, on=on, rules=ctx.rules)
    updated = session.execute(
        _UPDATE_CASE,
        {
            "b_id": case.id,
            "b_old": case.version,
            "b_state": spec.dest,
            "b_new": seq,
            "b_facts": facts,
        },
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrencyConflict(
            f"case {reference} was changed by someone else while you worked on it; "
            "nothing was written: look at it again (`sanctions case show`) and retry"
        )
    for name, value in (("state", spec.dest), ("version", seq), ("facts", facts)):
        set_committed_value(case, name, value)  # what the UPDATE wrote, without reloading
    event = CaseEvent(
        case_id=case.id or 0,
        seq=seq,
        at=now,
        on=on,
        actor=actor,
        trigger=trigger,
        source=source,
        dest=spec.dest,
        note=note,
        inputs=dict(inputs),
        late=late,
        workflow_version=workflow.version,
    )
    if not hooks:  # no letter can follow: seal now and write the event once
        seal(session, event, prev_hash=prev_hash, letters=[])
    session.add(event)
    if deadlines:
        _close_deadlines(session, case, event)
    _open_deadlines(app, session, case, workflow, event)
    result = StepResult(case, event, workflow, spec, late)
    for hook in hooks:
        hook(session, result)
    if hooks:  # last: the chain covers the letters the hooks issued
        seal(session, result.event, prev_hash=prev_hash)
    return result


def open_deadlines(session: Session, case: Case) -> list[Deadline]:
    return list(session.exec(_OPEN_DEADLINES, params={"case_id": case.id}).all())


def _rule(workflow: Workflow, deadline: Deadline) -> DeadlineRule | None:
    state = workflow.states.get(deadline.state)
    return next((r for r in state.deadlines if r.name == deadline.name), None) if state else None


def _check_deadlines(
    deadlines: Sequence[Deadline], workflow: Workflow, trigger: str, on: date
) -> list[str]:
    late = []
    for deadline in deadlines:
        rule = _rule(workflow, deadline)
        if rule is None or trigger not in rule.governs or not is_late(rule, deadline.due_date, on):
            continue
        if rule.on_miss == OnMiss.REFUSE:
            raise DeadlinePassed(
                f"{trigger!r} refused: {rule.label} — the time limit ended on "
                f"{deadline.due_date.isoformat()} ({rule.amount} {rule.unit.value}, "
                f"{rule.basis}); the step is dated {on.isoformat()}"
            )
        late.append(deadline.name)
    return late


def _close_deadlines(session: Session, case: Case, event: CaseEvent) -> None:
    """Close every open deadline of the case in one statement; met = in time."""
    session.execute(_CLOSE_DEADLINES, {"b_case": case.id, "b_seq": event.seq, "b_on": event.on})


def _open_deadlines(
    app: App, session: Session, case: Case, workflow: Workflow, event: CaseEvent
) -> None:
    for rule in workflow.state(event.dest).deadlines:
        if rule.anchor == "entered":
            anchor = event.on
        else:
            value = case.facts.get(rule.anchor)
            if value is None:
                continue  # the fact it counts from is not known on this path
            anchor = date.fromisoformat(value)
        session.add(
            Deadline(
                case_id=case.id or 0,
                name=rule.name,
                label=rule.label,
                state=event.dest,
                opened_seq=event.seq,
                anchor_date=anchor,
                due_date=due_date(rule, anchor, app.calendar),
                unit=rule.unit.value,
                amount=rule.amount,
                direction=rule.direction.value,
                on_miss=rule.on_miss.value,
                confidence=rule.confidence,
                basis=rule.basis,
            )
        )


# -- reading ----------------------------------------------------------------------------
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
    deadlines = [_deadline_view(app, d, on) for d in open_deadlines(session, case)]
    return CaseView(
        case, agency, employee, contest, list(ctx.allegations), workflow, options, deadlines, roles
    )


def _deadline_view(app: App, deadline: Deadline, on: date) -> DeadlineView:
    left = days_left(deadline.due_date, on, app.calendar, Unit(deadline.unit))
    overdue = deadline.direction == Direction.AFTER.value and on > deadline.due_date
    return DeadlineView(deadline, left, overdue)


def raise_no_access(actor: str, reference: str) -> None:
    from sanctions.errors import PermissionDenied

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


def list_cases(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    agency_code: str | None = None,
    state: str | None = None,
    overdue_only: bool = False,
    limit: int = 500,
) -> list[CaseRow]:
    query = (
        select(Case, Agency, Employee)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .join(Employee, col(Employee.id) == Case.employee_id)
    )
    all_roles = roles_for(session, actor, None)
    if not all_roles:  # only per-agency grants: show those agencies' cases
        from sanctions.db.models import RoleGrant

        agencies = select(RoleGrant.agency_id).where(RoleGrant.username == actor)
        query = query.where(col(Case.agency_id).in_(agencies))
    if agency_code:
        query = query.where(Agency.code == agency_code)
    if state:
        query = query.where(Case.state == state)
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
    rows = session.exec(query.order_by(col(Case.id)).limit(limit)).all()
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
            )
        )
    return result


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
