"""The reports' figures aggregated in the database (SQLAlchemy Core, SQLite and PostgreSQL).

The same rules as `sanctions.reports.figures.as_of`, written as set-based SQL over the cases
a user may see (`sanctions.trust.scope.visible_cases`), so a report over a million cases
reads no case into Python:

- a case's steps are its state-changing events (source differs from dest, or the opening)
  and its corrections; the steps that stand on the report date are those dated on or before
  it, without the corrections (`koreksi` with a `voids` input) and the steps they void;
- a case reported after the date, or with steps none of which stands on it, is not counted;
  a case without any step is taken as it is (its current state);
- its state on the date is the destination of its last standing step; it was recommended
  on the first standing step into `direkomendasikan`; it left the follow-up on the first
  standing step after that which ends it (`FollowUpLaw.ends`, per workflow version, as
  declared), acted when that step is governed (`FollowUpLaw.acts`), on time against the due
  date of its first `tindak_lanjut_ppk` deadline opened in `direkomendasikan`: facts the
  write path keeps on the case (`sanctions.cases.follow_up`), read on the date from them.

Each query returns grouped counts (per agency and outcome, per violation code and position,
per state and report date, per act date): a few hundred rows whatever the number of cases,
read as a stream. What stays in Python is the arithmetic over those groups (position groups
from the jabatan, age buckets, weeks, rates), in `sanctions.reports.figures`, and splitting a
group of cases by its violation codes into one count per code (`code_groups`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    Date,
    Integer,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union,
)
from sqlalchemy import case as when
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from sanctions.cases.changes import CORRECTION_TRIGGER, VOIDS
from sanctions.db.models import VIOLATION_CODES_SEPARATOR, Agency, Case, CaseEvent
from sanctions.reports.figures import FollowUpLaw, Period
from sanctions.trust.scope import visible_cases

STREAM = 1000  # rows fetched at a time from a grouped result (a server-side cursor on PostgreSQL)
OUTCOMES = ("on_time", "late", "overdue", "waiting", "moot")


@dataclass(frozen=True)
class Scope:
    """Who asks, for which agency, on which date, under which declared law."""

    actor: str
    agency_code: str | None
    on: date | None
    terminal: Mapping[str, frozenset[str]]  # workflow version → its terminal states
    laws: Mapping[str, FollowUpLaw]  # workflow version → its follow-up law
    refusal: str


def _events() -> Any:
    return CaseEvent.__table__  # type: ignore[attr-defined]


def _restriction(session: Session, scope: Scope) -> list[ColumnElement[bool]]:
    """The WHERE of the cases `scope.actor` may see (`visible_cases`: PermissionDenied for
    a user without a role; nothing when they see every agency): asked once, applied to
    every subquery."""
    base = visible_cases(
        select(col(Case.id)),
        session,
        scope.actor,
        agency_code=scope.agency_code,
        refusal=scope.refusal,
    )
    return [] if base.whereclause is None else [base.whereclause]


def _cases(where: list[ColumnElement[bool]], on: date | None, *, positions: bool = False) -> Any:
    """The visible cases with what the reports read (the jabatan only when asked), every
    column of them in `ix_cases_report`. A subquery, not a CTE, so PostgreSQL plans it into
    each query instead of materialising it."""
    columns: list[Any] = [
        col(Case.id).label("case_id"),
        col(Case.agency_id).label("agency_id"),
        col(Case.state).label("state"),
        col(Case.workflow_version).label("version"),
        col(Case.reported_on).label("reported_on"),
        col(Case.act_date).label("act_date"),
    ]
    if positions:
        columns += [
            col(Case.position).label("position"),
            col(Case.position_type).label("position_type"),
            col(Case.violation_codes).label("violation_codes"),
        ]
    dated = [] if on is None else [col(Case.reported_on) <= on]
    return select(*columns).where(*where, *dated).subquery("visible")


def standing(session: Session, scope: Scope, *, positions: bool = False) -> Any:
    """A subquery of the cases that stand on `scope.on` (every visible case as it is when
    `scope.on` is None), one row each: case_id, agency_id, state, version, reported_on,
    act_date (with `positions`, position, position_type and violation_codes: the case's own
    columns, in `ix_cases_report`) and `state_on` (the state on the date).

    One pass over the cases' steps, grouped per case: the last standing step and whether any
    step is dated after the date or is a correction. A case with neither stands in the state
    it is in (the destination of its last step), so only the others look their last standing
    step up (by the unique (case_id, seq) index); the voided steps come from the small set
    of the corrections' targets, anti-joined."""
    where = _restriction(session, scope)
    visible = _cases(where, scope.on, positions=positions)
    if scope.on is None:
        return select(*visible.c, visible.c.state.label("state_on")).subquery("standing")
    voided = _voided()
    e = _events().alias("e")
    effective = _effective(e, voided, scope.on)
    later = or_(e.c["on"] > scope.on, e.c.trigger == CORRECTION_TRIGGER)
    events = e.outerjoin(voided, and_(voided.c.case_id == e.c.case_id, voided.c.seq == e.c.seq))
    grouped = (
        select(
            e.c.case_id,
            func.max(when((effective, e.c.seq))).label("last_seq"),
            func.max(when((later, 1), else_=0)).label("later"),
        )
        .select_from(events)
        .where(_a_step(e), *_among(e.c.case_id, where), _unsettled(e, scope.on))
        .group_by(e.c.case_id)
    )
    agg: Any = grouped.subquery("agg")
    last = _events().alias("last")
    looked_up = (
        select(last.c.dest)
        .where(last.c.case_id == visible.c.case_id, last.c.seq == agg.c.last_seq)
        .scalar_subquery()
    )
    state_on = when(
        (or_(agg.c.case_id.is_(None), agg.c.later == 0), visible.c.state), else_=looked_up
    )
    columns: list[Any] = [*visible.c, state_on.label("state_on")]
    joined = visible.outerjoin(agg, agg.c.case_id == visible.c.case_id)
    # A case without any step is taken as it is; one whose steps all came later is left out.
    query = (
        select(*columns)
        .select_from(joined)
        .where(or_(agg.c.case_id.is_(None), agg.c.last_seq.is_not(None)))
    )
    return query.subquery("standing")


def _unsettled(e: Any, on: date) -> ColumnElement[bool]:
    """Only the cases with a step dated after the date or a correction need their steps read
    (`ix_case_events_on`, `ix_case_events_trigger`): any other case stands on the date in the
    state it is in now, which is what a case without a row in `agg` gets."""
    later = _events().alias("later")
    fixed = _events().alias("fixed")
    unsettled = union(
        select(later.c.case_id).where(later.c["on"] > on),
        select(fixed.c.case_id).where(fixed.c.trigger == CORRECTION_TRIGGER),
    )
    found: ColumnElement[bool] = e.c.case_id.in_(unsettled)
    return found


def _among(case_id: Any, where: list[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """Rows of the visible cases only (nothing to add when the user sees every case: the
    outer query keeps to the visible ones)."""
    return [case_id.in_(select(col(Case.id)).where(*where))] if where else []


def _voided() -> CTE:
    """(case, seq) of every step a correction voids, whatever its date."""
    v = _events().alias("v")
    return (
        select(v.c.case_id, cast(v.c.inputs[VOIDS].as_string(), Integer).label("seq"))
        .where(v.c.trigger == CORRECTION_TRIGGER)
        .cte("voided")
    )


def _a_step(e: Any) -> ColumnElement[bool]:
    """A state-changing event (or the opening), or a correction: `figures.Step`s."""
    return or_(e.c.trigger == CORRECTION_TRIGGER, e.c.source.is_(None), e.c.source != e.c.dest)


def _effective(e: Any, voided: CTE, on: date) -> ColumnElement[bool]:
    """The step stands on `on` (`figures.effective_steps`); `voided` is outer-joined on it.
    A correction without a step to void stays a step, as `effective_steps` has it."""
    correction = e.c.trigger == CORRECTION_TRIGGER
    changes = or_(e.c.source.is_(None), e.c.source != e.c.dest)
    voids = func.coalesce(cast(e.c.inputs[VOIDS].as_string(), Integer), 0)
    return and_(
        or_(and_(changes, ~correction), and_(correction, voids == 0)),
        e.c["on"] <= on,
        voided.c.case_id.is_(None),
    )


class _Days(FunctionElement[int]):
    """`end - start` in days: date subtraction on PostgreSQL, julianday on SQLite."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(_Days)
def _days_default(element: _Days, compiler: Any, **kw: Any) -> str:
    end, start = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(_Days, "sqlite")
def _days_sqlite(element: _Days, compiler: Any, **kw: Any) -> str:
    end, start = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


def _in(column: KeyedColumnElement[Any], period: Period) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [column.is_not(None)]
    if period.start is not None:
        where.append(column >= period.start)
    if period.end is not None:
        where.append(column <= period.end)
    return where


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    """The grouped rows of `query`, fetched `STREAM` at a time."""
    if session.get_bind().dialect.name == "postgresql":
        # compiling a report's plan with LLVM costs seconds and saves none on a scan; a
        # grouping of a million rows sorts or hashes in memory rather than on disk; and the
        # server-side cursor's plan is for all its rows: by default PostgreSQL plans a cursor
        # for its first tenth (cursor_tuple_fraction), which turns a grouped pass over every
        # case into nested loops (issue 16: `report followup` took minutes so)
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    yield from session.execute(query.execution_options(yield_per=STREAM))


# -- the grouped queries --------------------------------------------------------------------
def follow_up_groups(
    session: Session, scope: Scope, period: Period
) -> Iterator[tuple[str, str, str, str, str, int, int]]:
    """(agency code, agency name, PPK title, PPK name, outcome, cases, worst days late) per
    agency and outcome of the cases recommended in `period` (and by `scope.on`).

    Read from the follow-up facts each case keeps (`cases.follow_up`; migration 0029)
    through `ix_cases_follow_up`, an index-only range scan of the recommended cases: the
    steps standing on the date are a prefix of those standing now (no step is dated before
    the case's last), so on the date the case was recommended when `recommended_on` is not
    after it, and had left the follow-up when `follow_up_left_on` is not after it."""
    assert scope.on is not None
    on = literal(scope.on, Date)
    recommended: KeyedColumnElement[Any] = col(Case.recommended_on)  # type: ignore[assignment]
    due = col(Case.follow_up_due)
    left = when((col(Case.follow_up_left_on) <= on, col(Case.follow_up_left_on)))
    outcome = when(
        (
            and_(left.is_not(None), col(Case.follow_up_acted).is_(True)),
            when((and_(due.is_not(None), left > due), "late"), else_="on_time"),
        ),
        (left.is_not(None), "moot"),
        (and_(due.is_not(None), on > due), "overdue"),
        else_="waiting",
    )
    days_late = when((due.is_(None), 0), else_=_Days(func.coalesce(left, on), due))
    rows = (
        select(
            col(Case.agency_id).label("agency_id"),
            outcome.label("outcome"),
            when((outcome.in_(("late", "overdue")), days_late), else_=0).label("late"),
        )
        .where(
            *_restriction(session, scope),
            recommended.is_not(None),
            recommended <= on,
            col(Case.reported_on) <= on,
            *_in(recommended, period),
        )
        .subquery("followed")
    )
    query = (
        select(
            col(Agency.code),
            col(Agency.name),
            col(Agency.ppk_title),
            col(Agency.ppk_name),
            rows.c.outcome,
            func.count(),
            func.max(rows.c.late),
        )
        .join(Agency, col(Agency.id) == rows.c.agency_id)
        .group_by(
            col(Agency.code),
            col(Agency.name),
            col(Agency.ppk_title),
            col(Agency.ppk_name),
            rows.c.outcome,
        )
        .order_by(col(Agency.code), rows.c.outcome)
    )
    for code, name, title, ppk, outcome_, n, worst in _stream(session, query):
        yield code, name, title, ppk, outcome_, int(n), max(int(worst or 0), 0)


def code_groups(
    session: Session, scope: Scope, period: Period
) -> Iterator[tuple[str, str, str, int]]:
    """(violation code, position, position type, cases) of the cases reported in `period`:
    the cases grouped by their distinct codes (`Case.violation_codes`, in `ix_cases_report`)
    and position, then each group counted once for each of its codes (a case counts once per
    code it was alleged, whatever the number of its allegations)."""
    rows = standing(session, scope, positions=True)
    query = (
        select(rows.c.violation_codes, rows.c.position, rows.c.position_type, func.count())
        .where(*_in(rows.c.reported_on, period))
        .group_by(rows.c.violation_codes, rows.c.position, rows.c.position_type)
    )
    counted: dict[tuple[str, str, str], int] = {}
    for codes, position, position_type, n in _stream(session, query):
        for code in codes.split(VIOLATION_CODES_SEPARATOR) if codes else ():
            key = (code, position, position_type)
            counted[key] = counted.get(key, 0) + int(n)
    for (violation, position, position_type), n in sorted(counted.items()):
        yield violation, position, position_type, n


def position_counts(
    session: Session, scope: Scope, period: Period
) -> Iterator[tuple[str, str, int]]:
    """(position, position type, cases) of the cases reported in `period`."""
    rows = standing(session, scope, positions=True)
    query = (
        select(rows.c.position, rows.c.position_type, func.count())
        .where(*_in(rows.c.reported_on, period))
        .group_by(rows.c.position, rows.c.position_type)
        .order_by(rows.c.position, rows.c.position_type)
    )
    for position, position_type, n in _stream(session, query):
        yield position, position_type, int(n)


def open_groups(session: Session, scope: Scope, period: Period) -> Iterator[tuple[str, date, int]]:
    """(state on the date, reported on, cases) of the cases reported in `period` that are
    open on the date (not in a terminal state of their workflow version)."""
    rows = standing(session, scope)
    state = rows.c.state_on
    closed = or_(
        false(),
        *(
            and_(rows.c.version == version, state.in_(sorted(ends)))
            for version, ends in sorted(scope.terminal.items())
            if ends
        ),
    )
    query = (
        select(state, rows.c.reported_on, func.count())
        .where(~closed, *_in(rows.c.reported_on, period))
        .group_by(state, rows.c.reported_on)
        .order_by(state, rows.c.reported_on)
    )
    for name, reported_on, n in _stream(session, query):
        yield name, reported_on, int(n)


def act_dates(session: Session, scope: Scope, period: Period) -> Iterator[tuple[date, int]]:
    """(act date, cases) of the cases reported in `period`."""
    rows = standing(session, scope)
    query = (
        select(rows.c.act_date, func.count())
        .where(*_in(rows.c.reported_on, period))
        .group_by(rows.c.act_date)
        .order_by(rows.c.act_date)
    )
    for act_date, n in _stream(session, query):
        yield act_date, int(n)


def contest_ids(session: Session, scope: Scope) -> list[int]:
    """The contests of the visible cases (every one, whatever the date)."""
    where = _restriction(session, Scope(**{**scope.__dict__, "on": None}))
    query = select(col(Case.contest_id)).where(*where).distinct()
    return [int(i) for i in session.execute(query).scalars()]
