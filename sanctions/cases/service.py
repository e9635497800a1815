"""Case use-cases that change a case: open, advance, issue a letter on demand. Each runs in
the caller's transaction and writes through the one write path, `sanctions.cases.changes`.

`advance` is the heart: load the case, check the actor's roles and the step's inputs, let the
workflow's state machine evaluate the guards, apply the deadline rules, then hand the change
to the write path, which claims the case's version, writes the event, the deadlines and the
letters the entered state declares, and seals the event into the chain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases import composition
from sanctions.cases.batch import open_batch
from sanctions.cases.changes import (
    CORRECTION_TRIGGER,
    Change,
    IssueLetter,
    Latest,
    LetterData,
    Written,
    case_and_last_hash,
    case_and_latest,
    last_event,
    last_step_date,
    loaded_row,
    record,
)
from sanctions.cases.dates import day_off_warning, future_problem
from sanctions.cases.guards import (
    EFFECT_DEADLINE,
    SANCTION_BEFORE_APPEAL,
    GuardContext,
    competent_official,
    examinee,
    reads_priors,
    sanction_end_fact,
)
from sanctions.cases.opening import (
    OpenCaseInput,
    opening,
    opening_problems,
    opening_warnings,
    opening_workflow,
)
from sanctions.cases.reading import (  # re-exported: the names its callers import
    closed_window as closed_window,
)
from sanctions.cases.reading import (
    deadline_rule as deadline_rule,
)
from sanctions.cases.reading import (
    guard_context as guard_context,
)
from sanctions.cases.reading import (
    open_deadlines as open_deadlines,
)
from sanctions.cases.workflow import InputSpec, TransitionSpec, Workflow
from sanctions.db.models import Agency, Allegation, Case, Contest, Deadline, Employee, Letter
from sanctions.deadlines.rules import is_late
from sanctions.errors import DeadlinePassed, InputError, RuleViolation
from sanctions.law import names
from sanctions.letters.incoming import IncomingLetter
from sanctions.letters.service import LETTER_WARNINGS, issue_letter
from sanctions.registry.service import contest_by_code, employee_by_nip
from sanctions.trust.access import require_role, roles_for


def checked_opening(
    app: App, session: Session, data: OpenCaseInput, *, now: datetime
) -> tuple[Employee, Contest, Workflow]:
    """The employee, contest and workflow of a case about to open, once every check of an
    opening holds (the first problem is raised: InputError, NotFound, RuleViolation)."""
    employee = employee_by_nip(session, data.nip)
    contest = contest_by_code(session, data.contest_code)
    today = now.astimezone().date()
    problems = opening_problems(app, data, employee=employee, contest=contest, today=today)
    if problems:
        raise problems[0][1]
    return employee, contest, opening_workflow(app, data)


def open_case(
    app: App,
    session: Session,
    data: OpenCaseInput,
    *,
    actor: str,
    now: datetime,
    letter_data: LetterData | None = None,
) -> Written:
    employee, contest, workflow = checked_opening(app, session, data, now=now)
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
    new = opening(
        data,
        employee=employee,
        contest=contest,
        workflow=workflow,
        actor=actor,
        now=now,
        letter_data=letter_data,
    )
    [written] = open_batch(app, session, [new], actor=actor, now=now)  # a batch of one
    written.warnings.extend(opening_warnings(app, data))
    return written


_DEADLINE_TABLE: Any = Deadline.__table__  # type: ignore[attr-defined]
_DEADLINE_FIELDS = tuple(c.name for c in _DEADLINE_TABLE.columns)  # as _CASE_DEADLINES reads
_CASE_DEADLINES = (
    select(_DEADLINE_TABLE)
    .where(_DEADLINE_TABLE.c.case_id == bindparam("case_id"))
    .order_by(_DEADLINE_TABLE.c.due_date, _DEADLINE_TABLE.c.id)
)


def guard_rows(session: Session, case_ids: Sequence[int]) -> dict[int, list[Sequence[Any]]]:
    """`_GUARD_ROWS` of many cases in one query per thousand (the desk's route checks): case
    id → its rows, as `guard_context` reads them."""
    found: dict[int, list[Sequence[Any]]] = {i: [] for i in case_ids}
    for start in range(0, len(case_ids), 1000):
        batch = case_ids[start : start + 1000]
        query = (
            sa_select(
                col(Case.id),
                col(Agency.kind),
                col(Agency.parent),
                col(Contest.candidate_determination_date),
                col(Allegation.violation_code),
                col(Contest.penetapan_by_office),
            )
            .select_from(Case)
            .join(Agency, col(Agency.id) == Case.agency_id)
            .outerjoin(Contest, col(Contest.id) == Case.contest_id)
            .outerjoin(
                Allegation,
                and_(col(Allegation.case_id) == Case.id, col(Contest.id).is_not(None)),
            )
            .where(col(Case.id).in_(batch))
            .order_by(col(Case.id), col(Allegation.id))
        )
        for case_id, *rest in session.connection().execute(query):
            found.setdefault(int(case_id or 0), []).append(tuple(rest))
    return found


def check_inputs(
    app: App, spec: TransitionSpec, inputs: Mapping[str, str], *, on: date
) -> dict[str, str]:
    """Reject unknown or malformed inputs before anything runs; returns normalised values
    (`members` as the canonical structured form the case records)."""
    unknown = sorted(set(inputs) - {i.name for i in spec.inputs})
    if unknown:
        takes = ", ".join(i.name for i in spec.inputs) or "no inputs"
        raise InputError(f"{spec.trigger!r} does not take {unknown[0]!r} (it takes: {takes})")
    return {name: _check_value(app, spec.input(name), value, on) for name, value in inputs.items()}  # type: ignore[arg-type]


def _check_value(app: App, spec: InputSpec, value: str, on: date) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{spec.name} is empty ({spec.label})")
    if spec.type == "members":
        return composition.to_fact(composition.parse_members(value, today=on))
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
    if spec.type == "official" and value not in app.authority.officials:
        known = ", ".join(app.authority.officials)
        raise InputError(f"{spec.name}: unknown official {value!r} (allowed: {known})")
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
    letter_data: LetterData | None = None,
    issue: IssueLetter = issue_letter,
    incoming: Mapping[str, IncomingLetter] | None = None,
) -> Written:
    """Take step `trigger` on the case; the write path issues the letters of the state it
    enters, with the officer's `letter_data` (document kind -> values). `issue` renders them
    (a preview passes one that renders drafts, in a transaction it rolls back). `incoming`:
    the letters received for the kinds whose issuer this installation does not host."""
    check_not_future(on, now, "the step's date")
    case, latest = case_and_latest(session, reference, attach=False)  # `record` attaches it
    workflow = app.workflow(case.workflow_version)
    last = last_step_date(case)
    if on < last:
        raise InputError(f"the step's date {on} is before the case's last step ({last})")
    check_entered_late(session, case, on, note, latest=latest)
    candidates = [t for t in workflow.transitions_from(case.state) if t.trigger == trigger]
    if candidates:
        inputs = check_inputs(app, candidates[0], inputs, on=on)
    roles = roles_for(session, actor, case.agency_id)
    every = case_deadlines(session, case)
    deadlines = [d for d in every if d.closed_seq is None]  # by due date, as open_deadlines
    # the employee's earlier sanctions only for a step one of whose guards reads them
    priors = any(reads_priors(t.guards) for t in candidates)
    ctx = guard_context(
        app, session, case, on=on, inputs=inputs, deadlines=deadlines, priors=priors
    )
    ctx = with_default_official(ctx, candidates[0] if candidates else None)
    inputs = dict(ctx.inputs)
    spec = app.engine(case.workflow_version).fire(case.state, trigger, ctx, roles)
    late = _check_deadlines(deadlines, workflow, trigger, on)
    dest = case.state if spec.stays else spec.dest
    # A step records the day its destination was entered; one that stays, the day it was taken.
    facts = {**case.facts, **inputs, f"{trigger if spec.stays else dest}_on": on.isoformat()}
    facts |= release_ended(workflow, facts, trigger=trigger, dest=dest, on=on)
    if trigger in names.APPEAL_CHANGE_TRIGGERS and case.facts.get("sanction"):
        facts[SANCTION_BEFORE_APPEAL] = case.facts["sanction"]  # what the appeal replaced
    # The period runs from the legal effective date: the day the waiting period ends (the 15th
    # working day after receipt) when no appeal was filed, else the appeal decision's date.
    effect = next((d.due_date for d in deadlines if d.name == EFFECT_DEADLINE), on)
    start = min(effect, on)
    facts |= sanction_end_fact(app.catalogue, facts, entered=dest, on=start, rules=ctx.rules)
    change = Change(
        trigger=trigger,
        on=on,
        dest=dest,
        inputs=inputs,
        facts=facts,
        note=note,
        late=late,
        moves=not spec.stays,
        letters=workflow.step_letters(spec),
        letter_data=letter_data or {},
        incoming=dict(incoming or {}),
    )
    written = record(
        app,
        session,
        case,
        change,
        prev_hash=latest.hash,
        open_deadlines=bool(deadlines),
        actor=actor,
        now=now,
        issue=issue,
        deadlines=every,
    )
    warning = day_off_warning(on, app.calendar, "the step's date")
    written.warnings.extend([warning] if warning else [])
    written.warnings.extend(members_warnings(ctx, spec))
    written.warnings.extend(session.info.pop(LETTER_WARNINGS, []))
    return written


def members_warnings(ctx: GuardContext, spec: TransitionSpec) -> list[str]:
    """Where a team or panel was formed and the rank rule could not be applied (the
    examinee's golongan not recorded, or PNS and PPPK golongan side by side): said, not
    refused (workflows: rule members_not_junior)."""
    given = [
        ctx.inputs[i.name] for i in spec.inputs if i.type == "members" and ctx.inputs.get(i.name)
    ]
    if not given or not ctx.rules.get("members_not_junior"):
        return []
    members = composition.from_fact(given[0])
    return composition.rank_warnings(members, examinee(ctx))


RELEASE_TRIGGER = names.RELEASE_TRIGGER
RELEASE_ENDED = "pembebasan_sementara_berakhir_on"  # the day the decision ended a release


def release_ended(
    workflow: Workflow, facts: Mapping[str, str], *, trigger: str, dest: str, on: date
) -> dict[str, str]:
    """A temporary release from duty lasts until the decision (PP 94/2021, as restated): the
    first step into a state from which the release is no longer offered ends it."""
    released = facts.get(f"{RELEASE_TRIGGER}_on")
    if not released or facts.get(RELEASE_ENDED) or trigger == RELEASE_TRIGGER:
        return {}
    offered = any(t.trigger == RELEASE_TRIGGER for t in workflow.transitions_from(dest))
    return {} if offered else {RELEASE_ENDED: on.isoformat()}


def with_default_official(ctx: GuardContext, spec: TransitionSpec | None) -> GuardContext:
    """A decision step that takes the deciding `official` and was not given one records the
    competent official (PP 94/2021, workflows/authority.yaml), so its event says who decided."""
    takes = spec is not None and any(i.type == "official" for i in spec.inputs)
    if not takes or spec is None or not ctx.inputs.get("sanction"):
        return ctx
    name = next(i.name for i in spec.inputs if i.type == "official")
    if ctx.inputs.get(name):
        return ctx
    resolution = competent_official(ctx)
    if isinstance(resolution, str):
        return ctx  # the guard says why
    return replace(ctx, inputs={**ctx.inputs, name: resolution.default})


def issue_on_demand(
    app: App,
    session: Session,
    reference: str,
    kind: str,
    *,
    on: date,
    actor: str,
    now: datetime,
    given: Mapping[str, Any] | None = None,
) -> Letter:
    """Issue a letter outside a step (e.g. a covering letter when a decision is posted). It is
    a change of the case like any other (recorded as an event, in the case's hash chain), one
    that leaves the state and its deadlines as they are. Only a kind the case's workflow
    declares under `on_demand`, in one of the states and by one of the roles it declares."""
    check_not_future(on, now, "the letter's date")
    case, prev_hash = case_and_last_hash(session, reference)
    declared = app.workflow(case.workflow_version).on_demand
    allowed = declared.get(kind)
    if allowed is None:
        raise RuleViolation(
            f"{kind} is not issued on demand under {case.workflow_version} (on demand: "
            f"{', '.join(sorted(declared)) or 'nothing'}); a step's letters are issued by "
            "the step itself (`sanctions case advance`)"
        )
    require_role(session, actor, allowed.roles, agency_id=case.agency_id, what=f"issuing {kind}")
    if case.state not in allowed.states:
        raise RuleViolation(
            f"{kind} is issued on demand only while the case is {' or '.join(allowed.states)}; "
            f"{reference} is {case.state}"
        )
    last = last_step_date(case)
    if on < last:
        raise InputError(f"the letter's date {on} is before the case's last step ({last})")
    change = Change(
        trigger=f"terbitkan:{kind}",
        on=on,
        dest=case.state,
        inputs={"letter": kind},
        moves=False,
        letters=(kind,),
        letter_data={kind: dict(given or {})},
        note_numbers=True,
    )
    written = record(
        app,
        session,
        case,
        change,
        prev_hash=prev_hash,
        open_deadlines=False,
        actor=actor,
        now=now,
    )
    return written.letters[0]


def check_entered_late(
    session: Session, case: Case, on: date, note: str, *, latest: Latest | None = None
) -> None:
    """A step that really happened before a later-dated event (a reminder the job issued
    meanwhile) is entered with its true date and a note saying why it comes late. `latest`:
    the case's latest event as the caller read it with the case (else it is read here)."""
    if latest is None:
        event = last_event(session, case)
        latest = Latest("", event.on, event.trigger) if event else Latest("", None, None)
    if latest.on is None or latest.trigger == CORRECTION_TRIGGER:
        return  # no event yet; or the step is taken again after a correction
    if on < latest.on and not note.strip():
        raise InputError(
            f"the step's date {on} is before event #{case.version} ({latest.trigger}, "
            f"{latest.on}); a step entered with its true date after later events needs "
            "--note saying why it is entered late"
        )


def check_not_future(on: date, now: datetime, what: str) -> None:
    """Refuse a date after the officer's today (`now` in local time)."""
    if on < now.date() - timedelta(days=1):
        # before the day before `now`'s own date: before today in every time zone (they are
        # less than a day apart), without asking the system for the local one (a step's
        # date is mostly days back; asking cost a step 1-2 % of its time)
        return
    problem = future_problem(on, now.astimezone().date(), what)
    if problem is not None:
        raise InputError(problem)


def case_deadlines(session: Session, case: Case) -> list[Deadline]:
    """Every deadline of the case, open and closed, by due date: read-only objects as the
    database has them now, outside the session (a step only reads them; plain rows cost a
    third of what the ORM's loading does)."""
    rows = session.connection().execute(_CASE_DEADLINES, {"case_id": case.id}).all()
    return [loaded_row(Deadline, dict(zip(_DEADLINE_FIELDS, row, strict=True))) for row in rows]


def _check_deadlines(
    deadlines: Sequence[Deadline], workflow: Workflow, trigger: str, on: date
) -> list[str]:
    closed = closed_window(deadlines, workflow, trigger, on)
    if closed is not None:
        raise DeadlinePassed(f"{trigger!r} refused: {closed}")
    return [
        d.name
        for d in deadlines
        if (rule := deadline_rule(workflow, d)) is not None
        and trigger in rule.governs
        and is_late(rule, d.due_date, on)
    ]
