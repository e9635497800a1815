"""The reports: each aggregated in the database over the cases a user may see
(`sanctions.reports.queries`), its few grouped rows turned into the report by the pure
arithmetic of `sanctions.reports.figures`. `load` reads the same cases into memory as
`CaseRecord`s, the reference the tests hold the SQL to.

Reports are aggregates, but they still name agencies and PPKs: a user with a role for all
agencies sees every agency; a user whose grants are per agency sees those agencies only; a user
with no role sees nothing (PermissionDenied).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import CORRECTION_TRIGGER, VOIDS
from sanctions.cases.follow_up import law_of
from sanctions.cases.workflow import Workflow
from sanctions.db.models import Agency, Allegation, Case, CaseEvent, Contest, Deadline
from sanctions.reports import figures as reports
from sanctions.reports import queries
from sanctions.reports.figures import (
    ALL_TIME,
    Campaign,
    CaseRecord,
    FollowUpLaw,
    Period,
    Step,
)
from sanctions.reports.pdf import ReportInput
from sanctions.trust.scope import visible_cases

CHUNK = 1000
REFUSAL = (
    "reports need a role; user {actor!r} has none (an admin grants roles with `sanctions user add`)"
)


@dataclass(frozen=True)
class ReportData:
    records: list[CaseRecord]
    campaigns: list[Campaign]
    conduct: dict[str, str]  # violation code → conduct
    labels: dict[str, str]  # state → label
    order: dict[str, int]  # state → position in its workflow


def load(app: App, session: Session, *, actor: str, agency_code: str | None = None) -> ReportData:
    """Every case `actor` may see (of `agency_code` only, when given), read into memory as
    `CaseRecord`s: the reference the SQL aggregates are checked against (the reports
    themselves never read every case; see `sanctions.reports.queries`)."""
    query = visible_cases(
        select(Case, Agency).join(Agency, col(Agency.id) == Case.agency_id),
        session,
        actor,
        agency_code=agency_code,
        refusal=REFUSAL.format(actor=actor),
    )
    rows = session.exec(query.order_by(col(Case.id))).all()
    ids = [case.id or 0 for case, _ in rows]
    codes = _by_case(session, select(Allegation.case_id, Allegation.violation_code), ids)
    steps = _steps(session, ids)
    deadline = col(Deadline.case_id)
    due = _first(
        session,
        select(deadline, col(Deadline.due_date), col(Deadline.met)).where(
            Deadline.name == reports.FOLLOW_UP_DEADLINE, Deadline.state == reports.RECOMMENDED
        ),
        deadline,
        ids,
    )
    terminal = {
        version: frozenset(n for n, s in w.states.items() if s.terminal)
        for version, w in app.workflows.versions.items()
    }
    laws = {version: follow_up_law(w) for version, w in app.workflows.versions.items()}
    records = [
        _record(case, agency, codes.get(case.id or 0, []), steps, due, terminal, laws)
        for case, agency in rows
    ]
    contests = session.exec(
        select(Contest).where(col(Contest.id).in_({case.contest_id for case, _ in rows}))
    ).all()
    return ReportData(
        records=records,
        campaigns=[
            Campaign(c.name, c.candidate_determination_date, c.campaign_start, c.campaign_end)
            for c in contests
        ],
        conduct={v.code: v.conduct for v in app.catalogue.violations},
        labels={n: s.label for w in app.workflows.versions.values() for n, s in w.states.items()},
        order={n: i for w in app.workflows.versions.values() for i, n in enumerate(w.states)},
    )


def follow_up_law(workflow: Workflow) -> FollowUpLaw:
    """The follow-up as the workflow declares it (`cases.follow_up.law_of`)."""
    return law_of(workflow)


def scope_of(
    app: App, *, actor: str, on: date | None, agency_code: str | None = None
) -> queries.Scope:
    """Who asks, for what, under the declared law: the input of every report query."""
    return queries.Scope(
        actor=actor,
        agency_code=agency_code,
        on=on,
        terminal={
            version: frozenset(n for n, s in w.states.items() if s.terminal)
            for version, w in app.workflows.versions.items()
        },
        laws={version: follow_up_law(w) for version, w in app.workflows.versions.items()},
        refusal=REFUSAL.format(actor=actor),
    )


def follow_up(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    period: Period = ALL_TIME,
    agency_code: str | None = None,
    by: str = "agency",
) -> list[reports.FollowUpRow]:
    scope = scope_of(app, actor=actor, on=on, agency_code=agency_code)
    return reports.follow_up_rows(_follow_up_groups(session, scope, period), by=by)


def _follow_up_groups(
    session: Session, scope: queries.Scope, period: Period
) -> list[reports.FollowUpGroup]:
    return [
        reports.FollowUpGroup(code, name, f"{title} ({ppk})", outcome, n, worst)
        for code, name, title, ppk, outcome, n, worst in queries.follow_up_groups(
            session, scope, period
        )
    ]


def violations(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date | None = None,
    period: Period = ALL_TIME,
    agency_code: str | None = None,
) -> list[reports.ViolationRow]:
    scope = scope_of(app, actor=actor, on=on, agency_code=agency_code)
    return reports.violation_rows(
        queries.code_groups(session, scope, period), conduct=_conduct(app)
    )


def positions(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date | None = None,
    period: Period = ALL_TIME,
    agency_code: str | None = None,
) -> list[reports.PositionRow]:
    scope = scope_of(app, actor=actor, on=on, agency_code=agency_code)
    return reports.position_rows(
        list(queries.position_counts(session, scope, period)),
        list(queries.code_groups(session, scope, period)),
    )


def backlog(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    period: Period = ALL_TIME,
    agency_code: str | None = None,
) -> list[reports.BacklogRow]:
    scope = scope_of(app, actor=actor, on=on, agency_code=agency_code)
    labels, order = _states(app)
    return reports.backlog_rows(
        queries.open_groups(session, scope, period),
        on=on,
        labels=labels,
        order=lambda state: order.get(state, 999),
    )


def _conduct(app: App) -> dict[str, str]:
    return {v.code: v.conduct for v in app.catalogue.violations}


def _states(app: App) -> tuple[dict[str, str], dict[str, int]]:
    """state → label, and state → position in its workflow."""
    versions = app.workflows.versions.values()
    return (
        {n: s.label for w in versions for n, s in w.states.items()},
        {n: i for w in versions for i, n in enumerate(w.states)},
    )


# -- helpers --------------------------------------------------------------------------------
def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _by_case(session: Session, query: Any, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for batch in _chunks(ids):
        for case_id, value in session.exec(query.where(col(Allegation.case_id).in_(batch))):
            found.setdefault(case_id, []).append(value)
    return found


def _steps(session: Session, ids: Sequence[int]) -> dict[int, tuple[Step, ...]]:
    """case id → its state-changing events (and corrections), in the order recorded. Events
    that stay (a reminder, an on-demand letter, a ledger entry) are not steps. Only the
    corrections' inputs are read (the event they void)."""
    found: dict[int, list[Step]] = {}
    e = CaseEvent
    steps = select(  # type: ignore[call-overload]
        col(e.case_id), col(e.seq), col(e.on), col(e.trigger), col(e.source), col(e.dest)
    ).where(
        or_(col(e.source).is_(None), col(e.source) != col(e.dest)),
        col(e.trigger) != CORRECTION_TRIGGER,
    )
    corrections = select(  # type: ignore[call-overload]
        col(e.case_id), col(e.seq), col(e.on), col(e.trigger), col(e.source), col(e.dest),
        col(e.inputs),
    ).where(col(e.trigger) == CORRECTION_TRIGGER)  # fmt: skip
    for batch in _chunks(ids):
        for case_id, seq, on, trigger, source, dest in session.exec(
            steps.where(col(e.case_id).in_(batch))
        ):
            found.setdefault(case_id, []).append(Step(seq, on, trigger, source, dest))
        for case_id, seq, on, trigger, source, dest, inputs in session.exec(
            corrections.where(col(e.case_id).in_(batch))
        ):
            voids = int((inputs or {}).get(VOIDS) or 0) or None
            found.setdefault(case_id, []).append(Step(seq, on, trigger, source, dest, voids))
    return {case_id: tuple(sorted(steps, key=lambda s: s.seq)) for case_id, steps in found.items()}


def _first(
    session: Session, query: Any, case_id: Any, ids: Sequence[int]
) -> dict[int, tuple[Any, ...]]:
    """case id → the rest of the first row (by id) `query` gives for it; `query` selects
    `case_id` first."""
    row_id = case_id.table.c.id
    found: dict[int, tuple[Any, ...]] = {}
    for batch in _chunks(ids):
        for row in session.exec(query.where(case_id.in_(batch)).order_by(row_id)):
            found.setdefault(row[0], tuple(row[1:]))
    return found


def _record(
    case: Case,
    agency: Agency,
    codes: list[str],
    steps: dict[int, tuple[Step, ...]],
    due: dict[int, tuple[Any, ...]],
    terminal: dict[str, frozenset[str]],
    laws: dict[str, FollowUpLaw],
) -> CaseRecord:
    """The case's record; the fields the log decides (state on a date, recommended, left) are
    derived per report date from its steps (`reports.as_of`)."""
    key = case.id or 0
    snapshot = case.employee_snapshot
    due_date, _ = due.get(key, (None, None))
    ends = terminal.get(case.workflow_version, frozenset())
    return CaseRecord(
        reference=case.reference,
        agency_code=agency.code,
        agency_name=agency.name,
        ppk=f"{agency.ppk_title} ({agency.ppk_name})",
        state=case.state,
        is_open=case.state not in ends,
        reported_on=case.reported_on,
        act_date=case.act_date,
        position=str(snapshot.get("position") or ""),
        position_type=str(snapshot.get("position_type") or ""),
        violation_codes=tuple(codes),
        follow_up_due=due_date,
        steps=steps.get(key, ()),
        terminal=ends,
        follow_up_law=laws.get(case.workflow_version, FollowUpLaw()),
    )


def leadership_report(
    app: App,
    session: Session,
    *,
    actor: str,
    on: date,
    now: datetime,
    period: Period = ALL_TIME,
    agency_code: str | None = None,
) -> ReportInput:
    """All four reports and the weekly timeline, each aggregated in the database, for
    `report_pdf`."""
    scope = scope_of(app, actor=actor, on=on, agency_code=agency_code)
    groups = _follow_up_groups(session, scope, period)
    coded = list(queries.code_groups(session, scope, period))
    counted = list(queries.position_counts(session, scope, period))
    labels, order = _states(app)
    contests = session.exec(
        select(Contest).where(col(Contest.id).in_(queries.contest_ids(session, scope)))
    ).all()
    return ReportInput(
        title="Laporan Pengawasan Netralitas ASN",
        period=period,
        agency=agency_code,
        on=on,
        generated_at=now,
        generated_by=actor,
        follow_up=reports.follow_up_rows(groups),
        follow_up_by_ppk=reports.follow_up_rows(groups, by="ppk"),
        violations=reports.violation_rows(coded, conduct=_conduct(app)),
        positions=reports.position_rows(counted, coded),
        backlog=reports.backlog_rows(
            queries.open_groups(session, scope, period),
            on=on,
            labels=labels,
            order=lambda state: order.get(state, 999),
        ),
        weeks=reports.weekly_rows(queries.act_dates(session, scope, period)),
        campaigns=[
            Campaign(c.name, c.candidate_determination_date, c.campaign_start, c.campaign_end)
            for c in contests
        ],
        total_cases=sum(n for _, _, n in counted),
    )
