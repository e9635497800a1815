"""Reading cases: show (with the steps allowed now), list, history. No writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import resolve_reference
from sanctions.cases.machine import Option
from sanctions.cases.service import guard_context, open_deadlines
from sanctions.cases.workflow import Workflow
from sanctions.catalogue.entries import Violation
from sanctions.db.models import Agency, Case, CaseEvent, Contest, Deadline, Employee
from sanctions.deadlines.rules import Direction, Unit, days_left
from sanctions.errors import NotFound, PermissionDenied
from sanctions.trust.access import roles_for


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
