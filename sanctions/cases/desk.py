"""The officer's day, read in a few queries: the cases waiting for a step the user's roles
may take (`desk`), and the deadlines past due with who must act and what the escalation
ladder does next (`overdue`). Reads only.

Both keep to the deadlines of the case's own route (`sanctions.cases.routes`): a case whose
decision is challenged by keberatan never shows the banding window. A user with the admin
role may take any step, but their desk lists the cases waiting for the other roles they hold
(an admin's desk would otherwise be every open case). Steps declared from every state (the
employee leaving the service) and steps off the case's route or track are not on a desk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases import routes
from sanctions.cases.guards import GuardContext, evaluate
from sanctions.cases.reading import guard_context
from sanctions.cases.service import guard_rows
from sanctions.cases.workflow import TransitionSpec, Workflow
from sanctions.db.models import Agency, Allegation, Case, Contest, Deadline, Employee
from sanctions.deadlines.ladder import next_step_due
from sanctions.deadlines.reminders import steps_done
from sanctions.deadlines.rules import Direction, OnMiss, Unit, days_left
from sanctions.errors import InputError
from sanctions.trust.access import roles_for
from sanctions.trust.scope import visible_cases

CHUNK = 1000


@dataclass(frozen=True)
class DeskRow:
    reference: str
    employee: str
    nip: str
    agency: str
    state: str
    stage: str  # the state in words
    steps: list[str]  # triggers the user may take
    step_labels: list[str]
    deadline: str | None  # label of the soonest deadline governing one of them
    due: date | None
    days_left: int | None  # working days (or the deadline's unit), negative when overdue
    since: date | None  # the day the case entered its state

    def as_dict(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "employee": self.employee,
            "nip": self.nip,
            "agency": self.agency,
            "state": self.state,
            "stage": self.stage,
            "steps": self.steps,
            "step_labels": self.step_labels,
            "deadline": self.deadline,
            "due": self.due,
            "days_left": self.days_left,
            "since": self.since,
        }


@dataclass(frozen=True)
class OverdueRow:
    reference: str
    employee: str
    nip: str
    agency: str
    state: str
    stage: str
    deadline: str  # the deadline's name
    deadline_label: str
    due: date
    working_days_late: int
    who_must_act: list[str]  # roles
    who_must_act_labels: list[str]  # the roles in words (the workflow's `roles:`)
    reminders: list[tuple[str, date]]  # ladder steps already issued
    next_step: str | None  # the ladder's next step, None when not escalating or done
    next_step_label: str | None
    next_step_on: date | None

    def as_dict(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "employee": self.employee,
            "nip": self.nip,
            "agency": self.agency,
            "state": self.state,
            "stage": self.stage,
            "deadline": self.deadline,
            "deadline_label": self.deadline_label,
            "due": self.due,
            "working_days_late": self.working_days_late,
            "who_must_act": self.who_must_act,
            "who_must_act_labels": self.who_must_act_labels,
            "reminders": [{"step": key, "on": on} for key, on in self.reminders],
            "next_step": self.next_step,
            "next_step_label": self.next_step_label,
            "next_step_on": self.next_step_on,
        }


@dataclass(frozen=True)
class _Open:
    case: Case
    agency: str  # its code
    employee: str  # the employee's name
    nip: str
    deadlines: list[Deadline]


@dataclass(frozen=True)
class DeskPage:
    """One page of a desk: its rows, and how many cases wait on every page."""

    rows: list[DeskRow]
    total: int
    offset: int = 0


class _Waiting(NamedTuple):
    """A case waiting on the desk, as far as its place in the order goes (plain columns)."""

    key: tuple[bool, date, date, str]
    case: Any  # the case's light row (`_LIGHT`)
    steps: list[TransitionSpec]
    soonest: Any  # its soonest governing deadline (a light row), or None


def desk(app: App, session: Session, *, actor: str, on: date) -> list[DeskRow]:
    """The open cases waiting for a step `actor`'s roles (admin aside) may take, the most
    pressing first: by due date (none last), then by how long the case has waited."""
    return desk_page(app, session, actor=actor, on=on).rows


def desk_page(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    limit: int | None = None,
    offset: int = 0,
) -> DeskPage:
    """`limit` rows of the desk from `offset` (every row when None), with the number of cases
    waiting. The order and the count need every waiting case's steps, its route check and its
    soonest governing deadline, read as plain columns (`_light_cases`, `_light_deadlines`,
    and `_guard_rows` for the route checks, each joined to the visible open cases); the rows
    themselves (the employee, the labels, the days left) are built for the page only."""
    cases = _light_cases(app, session, actor)
    deadlines = _light_deadlines(app, session, actor)
    roles_at: dict[int, frozenset[str]] = {}
    # (workflow version, state, roles) → the steps the roles may take, each with its route
    # guards (worked out once per key, not per case)
    steps_of: dict[tuple[str, str, frozenset[str]], list[tuple[TransitionSpec, tuple[str, ...]]]]
    steps_of = {}
    candidates: list[tuple[Any, list[tuple[TransitionSpec, tuple[str, ...]]]]] = []
    checked: set[str] = set()  # the states whose steps need a route check
    for case in cases:
        if case.agency_id not in roles_at:
            roles_at[case.agency_id] = frozenset(roles_for(session, actor, case.agency_id)) - {
                "admin"
            }
        roles = roles_at[case.agency_id]
        key = (case.workflow_version, case.state, roles)
        if key not in steps_of:
            workflow = app.workflow(case.workflow_version)
            steps_of[key] = [
                (t, routes.route_guards(t))
                for t in routes.forward_steps(workflow, case.state)
                if roles & set(t.roles)
            ]
        if steps_of[key]:
            candidates.append((case, steps_of[key]))
            if any(guards for _, guards in steps_of[key]):
                checked.add(case.state)
    # the route checks' rows of the cases in those states, read by joins to the same
    # restriction (not IN lists of their ids)
    guarded = _guard_rows(app, session, actor, cases, checked)
    memo: dict[Any, Any] = {}  # what the guard contexts share (`service.guard_context`)
    governs: dict[tuple[str, str, str, tuple[str, ...]], bool] = {}
    waiting: list[_Waiting] = []
    for case, guarded_steps in candidates:
        workflow = app.workflow(case.workflow_version)
        own = deadlines.get(case.id, [])
        if any(guards for _, guards in guarded_steps):
            ctx = _context(app, session, case, on, own, guarded[case.id], memo)
            steps = [t for t, guards in guarded_steps if not guards or not evaluate(guards, ctx)]
            if not steps:
                continue
        else:
            steps = [t for t, _ in guarded_steps]
        triggers = tuple(t.trigger for t in steps)
        governing = [
            d
            for d in own
            if d.direction == Direction.AFTER.value
            and _governs(governs, workflow, case.workflow_version, d.state, d.name, triggers)
        ]
        soonest = min(governing, key=lambda d: d.due_date, default=None)
        since = case.facts.get(f"{case.state}_on")
        since_on = date.fromisoformat(since) if since else None
        due = soonest.due_date if soonest else None
        order = (due is None, due or date.max, since_on or date.max, case.reference)
        waiting.append(_Waiting(order, case, steps, soonest))
    waiting.sort(key=lambda w: w.key)
    page = waiting[offset:] if limit is None else waiting[offset : offset + limit]
    employees = _employees(session, sorted({w.case.employee_id for w in page}))
    agencies = _agency_codes(session, sorted({w.case.agency_id for w in page}))
    labels = _labels(session, sorted({w.soonest.id for w in page if w.soonest is not None}))
    rows = []
    for w in page:
        case, soonest = w.case, w.soonest
        name, nip = employees[case.employee_id]
        rows.append(
            DeskRow(
                reference=case.reference,
                employee=name,
                nip=nip,
                agency=agencies[case.agency_id],
                state=case.state,
                stage=app.workflow(case.workflow_version).state(case.state).label,
                steps=[t.trigger for t in w.steps],
                step_labels=[t.label for t in w.steps],
                deadline=labels[soonest.id] if soonest else None,
                due=soonest.due_date if soonest else None,
                days_left=(
                    days_left(soonest.due_date, on, app.calendar, Unit(soonest.unit))
                    if soonest
                    else None
                ),
                since=w.key[2] if w.key[2] != date.max else None,
            )
        )
    return DeskPage(rows, len(waiting), offset)


def overdue(
    app: App, session: Session, *, actor: str, on: date, agency_code: str | None = None
) -> list[OverdueRow]:
    """Every open deadline of the case's own route past due on `on`, the longest late first,
    with who must act, the reminders already issued and the ladder's next step."""
    items = [
        item
        for item in _open_cases(app, session, actor=actor, agency_code=agency_code, late_on=on)
        if any(_late(d, on) for d in item.deadlines)
    ]
    late = [d for item in items for d in item.deadlines if _late(d, on)]
    sent = steps_done(session, late)
    guarded = guard_rows(session, [item.case.id or 0 for item in items])
    rows: list[OverdueRow] = []
    for item in items:
        case = item.case
        workflow = app.workflow(case.workflow_version)
        ctx: GuardContext | None = None
        for deadline in item.deadlines:
            if not _late(deadline, on):
                continue
            rule = routes.rule_of(workflow, case.state, deadline.name)
            if ctx is None and routes.needs_route_check(workflow, case.state, rule):
                ctx = _context(app, session, case, on, item.deadlines, guarded.get(case.id or 0))
            if not routes.on_route(workflow, case.state, rule, ctx):
                continue
            done = sent.get(deadline.id or 0, [])
            who = routes.who_acts(workflow, case.state, rule)
            upcoming = (
                next_step_due(
                    app.ladder,
                    overdue_since=deadline.due_date,
                    steps_done=done,
                    calendar=app.calendar,
                )
                if deadline.on_miss == OnMiss.ESCALATE.value
                else None
            )
            rows.append(
                OverdueRow(
                    reference=case.reference,
                    employee=item.employee,
                    nip=item.nip,
                    agency=item.agency,
                    state=case.state,
                    stage=workflow.state(case.state).label,
                    deadline=deadline.name,
                    deadline_label=deadline.label,
                    due=deadline.due_date,
                    working_days_late=max(
                        app.calendar.working_days_between(deadline.due_date, on), 0
                    ),
                    who_must_act=who,
                    who_must_act_labels=[workflow.roles.get(r, r) for r in who],
                    reminders=list(done),
                    next_step=upcoming[0].key if upcoming else None,
                    next_step_label=upcoming[0].label if upcoming else None,
                    next_step_on=upcoming[1] if upcoming else None,
                )
            )
    return sorted(rows, key=lambda r: (r.due, r.reference, r.deadline))


# -- helpers --------------------------------------------------------------------------------
def _governs(
    memo: dict[tuple[str, str, str, tuple[str, ...]], bool],
    workflow: Workflow,
    version: str,
    state: str,
    name: str,
    triggers: tuple[str, ...],
) -> bool:
    """Whether the deadline `name` of `state` governs one of `triggers` (once per key)."""
    key = (version, state, name, triggers)
    if key not in memo:
        rule = routes.rule_of(workflow, state, name)
        memo[key] = rule is not None and bool(set(triggers) & set(rule.governs))
    return memo[key]


def _late(deadline: Deadline, on: date) -> bool:
    return deadline.direction == Direction.AFTER.value and deadline.due_date < on


def _context(
    app: App,
    session: Session,
    case: Case,
    on: date,
    deadlines: Sequence[Deadline],
    rows: Sequence[Sequence[Any]] | None = None,
    memo: dict[Any, Any] | None = None,
) -> GuardContext:
    return guard_context(
        app, session, case, on=on, inputs={}, deadlines=deadlines, priors=False, rows=rows,
        memo=memo,
    )  # fmt: skip


def _open_query(app: App) -> Any:
    """The open cases (not in a terminal state of any workflow), with the agency's code (a
    column, not an ORM row). Their employees are read apart, by key (`_employees`): joined
    here, PostgreSQL hashed a sequential scan of the whole employees table for one agency's
    cases, a cost growing with the country's employees rather than with the desk."""
    terminal = {
        n for w in app.workflows.versions.values() for n, s in w.states.items() if s.terminal
    }
    return (
        select(Case, col(Agency.code))
        .join(Agency, col(Agency.id) == Case.agency_id)
        .where(col(Case.state).not_in(terminal))
    )


def _open_cases(
    app: App,
    session: Session,
    *,
    actor: str,
    agency_code: str | None = None,
    late_on: date | None = None,
) -> list[_Open]:
    """The open cases `actor` may see (of one agency), with their open deadlines; with
    `late_on`, only those with an open deadline past due on that day (read from the index
    `ix_deadlines_late`, not from every open case)."""
    query = _open_query(app)
    if late_on is not None:
        query = query.where(
            exists().where(
                col(Deadline.case_id) == Case.id,
                col(Deadline.closed_seq).is_(None),
                col(Deadline.direction) == Direction.AFTER.value,
                col(Deadline.due_date) < late_on,
            )
        )
    query = visible_cases(
        query,
        session,
        actor,
        agency_code=agency_code,
        refusal=f"user {actor!r} holds no role; an admin grants roles with `sanctions user add`",
    )
    found = session.exec(query.order_by(col(Case.id))).all()
    deadlines = _deadlines(session, [case.id or 0 for case, _ in found])
    employees = _employees(session, sorted({case.employee_id for case, _ in found}))
    return [
        _Open(case, agency, *employees[case.employee_id], deadlines.get(case.id or 0, []))
        for case, agency in found
    ]


_NO_ROLE = "user {!r} holds no role; an admin grants roles with `sanctions user add`"


def _terminal(app: App) -> set[str]:
    return {n for w in app.workflows.versions.values() for n, s in w.states.items() if s.terminal}


# what `service.guard_context` reads of the employee snapshot
_SNAPSHOT_KEYS = ("employee_type", "position_type", "nip", "rank")


def _light_query(app: App) -> Any:
    """The open cases as plain columns: what the desk's order and route checks read (the
    employee's type and position type out of the snapshot, not the snapshot)."""
    snapshot = col(Case.employee_snapshot)
    return sa_select(
        col(Case.id),
        col(Case.reference),
        col(Case.agency_id),
        col(Case.employee_id),
        col(Case.contest_id),
        col(Case.workflow_version),
        col(Case.state),
        col(Case.act_date),
        col(Case.facts),
        *(snapshot[key].as_string().label(key) for key in _SNAPSHOT_KEYS),
    ).where(col(Case.state).not_in(_terminal(app)))


def _light_cases(app: App, session: Session, actor: str) -> list[_Light]:
    """The open cases `actor` may see, as `_light_query` rows with the attributes the guard
    context reads of a case (`employee_snapshot` holding the values it reads); fetched at
    once (row by row, the driver's per-row calls cost more than the rows)."""
    query = visible_cases(
        _light_query(app), session, actor, agency_code=None, refusal=_NO_ROLE.format(actor)
    )
    rows = session.connection().execute(query.order_by(col(Case.id))).all()
    return [_Light(row) for row in rows]


class _Light:
    """A `_light_query` row as the case the guard context reads."""

    __slots__ = (
        "act_date", "agency_id", "contest_id", "employee_id", "employee_snapshot", "facts",
        "id", "reference", "state", "workflow_version",
    )  # fmt: skip

    def __init__(self, row: Sequence[Any]) -> None:
        (
            self.id, self.reference, self.agency_id, self.employee_id, self.contest_id,
            self.workflow_version, self.state, self.act_date, self.facts, *snapshot,
        ) = row  # fmt: skip
        self.employee_snapshot = {
            k: v for k, v in zip(_SNAPSHOT_KEYS, snapshot, strict=True) if v is not None
        }


def _light_deadlines(app: App, session: Session, actor: str) -> dict[int, list[Any]]:
    """The open deadlines of the open cases `actor` may see as plain rows, by due date: one
    query joined to the cases by the same restriction (an index-only scan of
    `ix_deadlines_case_open` per case; not an IN list of their ids, which cost twice the
    client's time); their labels are read for a page's rows only."""
    found: dict[int, list[Any]] = {}
    for row in session.connection().execute(_light_deadlines_query(app, session, actor)).all():
        found.setdefault(row.case_id, []).append(row)
    return found


def _labels(session: Session, ids: Sequence[int]) -> dict[int, str]:
    query = sa_select(col(Deadline.id), col(Deadline.label)).where(col(Deadline.id).in_(ids))
    return {int(i or 0): label for i, label in session.connection().execute(query)}


def _light_deadlines_query(app: App, session: Session, actor: str) -> Any:
    d = Deadline
    query = (
        sa_select(
            col(d.id), col(d.case_id), col(d.name), col(d.state), col(d.due_date),
            col(d.direction), col(d.unit),
        )
        .select_from(Deadline)
        .join(Case, col(Case.id) == Deadline.case_id)
        .where(col(Case.state).not_in(_terminal(app)), col(d.closed_seq).is_(None))
        .order_by(col(d.due_date), col(d.id))
    )  # fmt: skip
    return visible_cases(query, session, actor, agency_code=None, refusal=_NO_ROLE.format(actor))


def _guard_rows(
    app: App, session: Session, actor: str, cases: Sequence[Any], states: set[str]
) -> dict[int, list[tuple[Any, ...]]]:
    """`service.guard_rows` of the visible open cases in `states` (those whose steps need a
    route check), read as the agencies and contests of these cases (a few rows) and their
    allegations, joined to the cases by the same restriction as `_light_cases`."""
    if not states:
        return {}
    agencies = {
        int(i or 0): (kind, parent)
        for i, kind, parent in session.connection().execute(
            sa_select(col(Agency.id), col(Agency.kind), col(Agency.parent)).where(
                col(Agency.id).in_(sorted({c.agency_id for c in cases}))
            )
        )
    }
    contest_ids = sorted({c.contest_id for c in cases if c.contest_id is not None})
    contests = {
        int(i or 0): (day, by_office)
        for i, day, by_office in session.connection().execute(
            sa_select(
                col(Contest.id),
                col(Contest.candidate_determination_date),
                col(Contest.penetapan_by_office),
            ).where(col(Contest.id).in_(contest_ids))
        )
    }
    alleged: dict[int, list[str | None]] = {}
    for case_id, code in (
        session.connection().execute(_allegations_query(session, actor, states)).all()
    ):
        alleged.setdefault(case_id, []).append(code)
    found: dict[int, list[tuple[Any, ...]]] = {}
    for case in cases:
        if case.state not in states:
            continue
        kind, parent = agencies[case.agency_id]
        contest = contests.get(case.contest_id) if case.contest_id is not None else None
        if contest is None:
            found[case.id] = [(kind, parent, None, None, None)]
        else:
            day, by_office = contest
            codes = alleged.get(case.id) or [None]
            found[case.id] = [(kind, parent, day, code, by_office) for code in codes]
    return found


def _allegations_query(session: Session, actor: str, states: set[str]) -> Any:
    """The allegations of the visible cases in `states`, in `guard_rows`' order (an index-only
    scan of `ix_cases_report` for the cases; the cases without a contest are left out by the
    caller, not by a filter that would read their heap pages)."""
    query = (
        sa_select(col(Allegation.case_id), col(Allegation.violation_code))
        .select_from(Allegation)
        .join(Case, col(Case.id) == Allegation.case_id)
        .where(col(Case.state).in_(sorted(states)))
        .order_by(col(Allegation.case_id), col(Allegation.id))
    )
    return visible_cases(query, session, actor, agency_code=None, refusal=_NO_ROLE.format(actor))


def _agency_codes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    query = sa_select(col(Agency.id), col(Agency.code)).where(col(Agency.id).in_(ids))
    return {int(i or 0): code for i, code in session.connection().execute(query)}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _deadlines_query(batch: Sequence[int]) -> Any:
    """The open deadlines of these cases (the index `ix_deadlines_case_open`, migration 0030)."""
    return (
        select(Deadline)
        .where(col(Deadline.case_id).in_(batch), col(Deadline.closed_seq).is_(None))
        .order_by(col(Deadline.due_date), col(Deadline.id))
    )


def _employees(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Employee id → (name, NIP), by the primary key, `CHUNK` ids a query."""
    found: dict[int, tuple[str, str]] = {}
    for batch in _chunks(ids):
        query = sa_select(col(Employee.id), col(Employee.name), col(Employee.nip)).where(
            col(Employee.id).in_(batch)
        )
        for employee_id, name, nip in session.connection().execute(query):
            found[employee_id or 0] = (name, nip)
    return found


def _deadlines(session: Session, ids: Sequence[int]) -> dict[int, list[Deadline]]:
    found: dict[int, list[Deadline]] = {}
    for batch in _chunks(ids):
        for deadline in session.exec(_deadlines_query(batch)):
            found.setdefault(deadline.case_id, []).append(deadline)
    return found


def check_choice(value: str | None, allowed: Iterable[str], what: str) -> None:
    """An unknown value in a filter is an error listing the valid ones."""
    valid = sorted(set(allowed))
    if value is not None and value not in valid:
        raise InputError(f"unknown {what} {value!r} (valid: {', '.join(valid) or 'none'})")
