"""The follow-up facts a case keeps (migration 0029), so `report followup` reads one index
instead of every case's events.

Per case: `recommended_on` (the date of its first standing step into `direkomendasikan`),
`follow_up_due` (the due date of its first `tindak_lanjut_ppk` deadline opened there),
`follow_up_left_on` (the date of the first standing step after the recommendation that ends the
follow-up, `FollowUpLaw.ends` of the case's workflow version) and `follow_up_acted` (that step
is one the deadline governs, `FollowUpLaw.acts`); NULL is "not yet". They are the facts
`figures.as_of` derives from the steps, taken over every standing step: a step is never dated
before the case's last standing step (`cases.service`, `cases.migration`), so the steps that
stand on a report date are a prefix of those standing now, and the report derives the facts on
any date from these four (`reports.queries.follow_up_groups`).

An opening (`cases.batch`) writes them when the case opens in `direkomendasikan` (received
from the recommendation's letter; `opened_in`). The write path (`cases.changes.record`) calls
`keep` after every change: a plain step updates them from the step itself (the row is written
only when one changes: the entering and the leaving step); a correction, a redate, a
recomputation or a move to another workflow version derives them again from the case's
events and deadlines (`refresh`). The audit (`sanctions audit verify`) derives them for every
case and names a case whose columns differ (`check`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from sanctions.cases import changes as _changes
from sanctions.cases.steps import (
    FOLLOW_UP_DEADLINE,
    RECOMMENDED,
    FollowUpLaw,
    Step,
    effective_steps,
)
from sanctions.cases.workflow import Workflow
from sanctions.db.models import Case, CaseEvent, Deadline
from sanctions.trust.log import LogFinding

if TYPE_CHECKING:
    from sanctions.cases.changes import Change

COLUMNS = ("recommended_on", "follow_up_due", "follow_up_left_on", "follow_up_acted")


@dataclass(frozen=True)
class Facts:
    """A case's follow-up facts over every step that stands now (None: not yet)."""

    recommended_on: date | None = None
    follow_up_due: date | None = None
    follow_up_left_on: date | None = None
    follow_up_acted: bool | None = None


def law_of(workflow: Workflow) -> FollowUpLaw:
    """The follow-up as the workflow declares it: the states that declare the follow-up
    deadline (the escalation ladder runs while one of them holds the case) and the steps that
    deadline governs in each, one declaration for the ladder and the report."""
    found = _LAWS.get(id(workflow))
    if found is not None and found[0] is workflow:
        return found[1]
    states = {
        name: rule
        for name, state in workflow.states.items()
        for rule in state.deadlines
        if rule.name == FOLLOW_UP_DEADLINE
    }
    law = FollowUpLaw(
        states=frozenset(states),
        governed=frozenset((name, t) for name, rule in states.items() for t in rule.governs),
    )
    _LAWS[id(workflow)] = (workflow, law)
    return law


_LAWS: dict[int, tuple[Workflow, FollowUpLaw]] = {}


def as_data(laws: Mapping[str, FollowUpLaw]) -> dict[str, dict[str, list[Any]]]:
    """The laws as plain data, what migration 0029 backfills by (it imports no package code)."""
    return {
        version: {"states": sorted(law.states), "governed": sorted(map(list, law.governed))}
        for version, law in sorted(laws.items())
    }


def derive(steps: Sequence[Step], law: FollowUpLaw, due: date | None) -> Facts:
    """The facts from the case's steps (corrections included) and its first follow-up
    deadline's due date, as `figures.as_of` derives them on a date after every step."""
    standing = effective_steps(steps, date.max)
    entered = next((i for i, s in enumerate(standing) if s.dest == RECOMMENDED), None)
    if entered is None:
        return Facts(follow_up_due=due)
    left = next((s for s in standing[entered + 1 :] if law.ends(s)), None)
    return Facts(
        recommended_on=standing[entered].on,
        follow_up_due=due,
        follow_up_left_on=None if left is None else left.on,
        follow_up_acted=None if left is None else law.acts(left),
    )


def kept(case: Case) -> Facts:
    """The facts as the case's columns hold them."""
    return Facts(*(getattr(case, name) for name in COLUMNS))


# -- the write path -------------------------------------------------------------------------
_E: Any = CaseEvent.__table__  # type: ignore[attr-defined]
_D: Any = Deadline.__table__  # type: ignore[attr-defined]
_STEPS = select(_E.c.seq, _E.c["on"], _E.c.trigger, _E.c.source, _E.c.dest, _E.c.inputs).where(
    _E.c.case_id == bindparam("case_id"),
    or_(_E.c.source.is_(None), _E.c.source != _E.c.dest, _E.c.trigger == bindparam("fix")),
)
_FIRST_DUE = (
    select(_D.c.due_date)
    .where(
        _D.c.case_id == bindparam("case_id"),
        _D.c.name == FOLLOW_UP_DEADLINE,
        _D.c.state == RECOMMENDED,
    )
    .order_by(_D.c.id)
    .limit(1)
)
_WRITE = (
    update(Case)
    .where(col(Case.id) == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in COLUMNS})
)


def keep(
    session: Session,
    case: Case,
    workflow: Workflow,
    change: Change,
    *,
    source: str | None,
    seq: int,
    opened: Iterable[Deadline],
    migrated: bool,
) -> None:
    """Bring the case's follow-up facts up to date after `change` (just written as event
    `seq` from state `source`, opening `opened`; `migrated`: to another workflow version). A
    step, or a change that stays, touching no earlier step and no due date, updates them from
    itself; anything else derives them again (`refresh`)."""
    plain = not (
        migrated
        or change.undoes is not None
        or change.due_dates
        or change.recompute_deadlines
        or change.trigger == _changes.CORRECTION_TRIGGER
    )
    step = Step(seq, change.on, change.trigger, source, change.dest)
    if not plain:
        write(session, case, refresh(session, case, law_of(workflow)))
        return
    now = kept(case)
    due = now.follow_up_due
    if due is None:
        due = next(
            (d.due_date for d in opened if d.name == FOLLOW_UP_DEADLINE and d.state == RECOMMENDED),
            None,
        )
    facts = Facts(now.recommended_on, due, now.follow_up_left_on, now.follow_up_acted)
    moved = step.source is None or step.source != step.dest
    if moved and now.recommended_on is None and step.dest == RECOMMENDED:
        facts = Facts(step.on, due)
    elif moved and now.recommended_on is not None and now.follow_up_left_on is None:
        law = law_of(workflow)
        if law.ends(step):
            facts = Facts(now.recommended_on, due, step.on, law.acts(step))
    if facts != now:
        write(session, case, facts)


def opened_in(
    session: Session, case: Case, dest: str, on: date, opened: Iterable[Deadline]
) -> None:
    """At an opening (`cases.batch`, the case's row already written) in `dest` on `on`: a
    case opened from a recommendation received (`case receive`) starts recommended."""
    due = next(
        (d.due_date for d in opened if d.name == FOLLOW_UP_DEADLINE and d.state == RECOMMENDED),
        None,
    )
    write(session, case, Facts(on if dest == RECOMMENDED else None, due))


def refresh(session: Session, case: Case, law: FollowUpLaw) -> Facts:
    """The case's facts derived from its events and deadlines as the database has them."""
    session.flush()  # deadlines a recomputation changed through the session
    db = session.connection()
    fix = _changes.CORRECTION_TRIGGER
    steps = [
        Step(seq, on, trigger, source, dest, _voids(inputs) if trigger == fix else None)
        for seq, on, trigger, source, dest, inputs in db.execute(
            _STEPS, {"case_id": case.id, "fix": fix}
        )
    ]
    due = db.execute(_FIRST_DUE, {"case_id": case.id}).scalar()
    return derive(steps, law, due)


def _voids(inputs: Mapping[str, Any] | None) -> int | None:
    return int((inputs or {}).get(_changes.VOIDS) or 0) or None


def write(session: Session, case: Case, facts: Facts) -> None:
    if facts == kept(case):
        return
    values = dict(zip(COLUMNS, astuple(facts), strict=True))
    session.connection().execute(
        _WRITE, {"b_id": case.id, **{f"b_{k}": v for k, v in values.items()}}
    )
    for name, value in values.items():
        set_committed_value(case, name, value)


# -- the audit ------------------------------------------------------------------------------
def laws_of(workflows: Mapping[str, Workflow]) -> dict[str, FollowUpLaw]:
    return {version: law_of(workflow) for version, workflow in workflows.items()}


def check(session: Session, laws: Mapping[str, FollowUpLaw]) -> list[LogFinding]:
    """Every case whose follow-up columns differ from what its events and deadlines give
    (`sanctions audit verify`: the Merkle log covers those, not these copies of them)."""
    db = session.connection()
    fix = _changes.CORRECTION_TRIGGER
    steps: dict[int, list[Step]] = {}
    for case_id, seq, on, trigger, source, dest, inputs in db.execute(
        select(
            _E.c.case_id, _E.c.seq, _E.c["on"], _E.c.trigger, _E.c.source, _E.c.dest, _E.c.inputs
        ).where(or_(_E.c.source.is_(None), _E.c.source != _E.c.dest, _E.c.trigger == fix))
    ):
        voids = _voids(inputs) if trigger == fix else None
        steps.setdefault(case_id, []).append(Step(seq, on, trigger, source, dest, voids))
    due: dict[int, date] = {}
    for case_id, due_date in db.execute(
        select(_D.c.case_id, _D.c.due_date)
        .where(_D.c.name == FOLLOW_UP_DEADLINE, _D.c.state == RECOMMENDED)
        .order_by(_D.c.id)
    ):
        due.setdefault(case_id, due_date)
    cases: Any = Case.__table__  # type: ignore[attr-defined]
    found = []
    for row in db.execute(
        select(cases.c.id, cases.c.workflow_version, *(cases.c[n] for n in COLUMNS)).order_by(
            cases.c.id
        )
    ):
        case_id, version, *live = row
        expected = derive(
            steps.get(case_id, []), laws.get(version, FollowUpLaw()), due.get(case_id)
        )
        if astuple(expected) != tuple(live):
            what = ", ".join(
                f"{name} {want!r} is {have!r}"
                for name, want, have in zip(COLUMNS, astuple(expected), live, strict=True)
                if want != have
            )
            what = f"its follow-up columns disagree with its events: {what}"
            found.append(LogFinding(None, f"cases:{case_id}", what))
    return found
