"""Applying a migration plan (`sanctions.law.migrations`): open cases of one workflow version
handed to another, each in its own transaction through the write path.

`plan_cases` reads which cases the plan takes and what becomes of each (state now and after,
the deadlines carried, the letters to issue). `migrate` then writes each: the case's version
is claimed as read when the plan was made (a case someone changed meanwhile is refused and
left for the next run), its workflow version and state are set, its open deadlines carried,
recomputed or closed as the plan says, the successor body's hand-over letters issued, and one
event records the plan, both versions and the mapping used, sealed into the case's chain. A
case once migrated is no longer on the source version, so a re-run (or a run after a crash)
takes it no more: nothing is migrated twice, nothing skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import Change, case_and_last_hash, last_step_date, record
from sanctions.cases.reading import (  # re-exported: the names its callers import
    TRIGGER_PREFIX as TRIGGER_PREFIX,
)
from sanctions.cases.reading import (
    Migrated as Migrated,
)
from sanctions.cases.reading import (
    migrations_of as migrations_of,
)
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Deadline
from sanctions.errors import ConcurrencyConflict, InputError, NotFound, SanctionsError
from sanctions.law.migrations import MigrationPlan
from sanctions.trust.access import require_role

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PlannedCase:
    reference: str
    agency: str
    version: int  # the case's version when planned: the claim expects it unchanged
    state: str
    target_state: str
    deadlines: tuple[tuple[str, date], ...]  # the open deadlines and their due dates


@dataclass
class MigrationRow:
    case: PlannedCase
    status: str  # would_migrate | migrated | changed | failed
    detail: str = ""
    letters: list[str] = field(default_factory=list)  # numbers issued


@dataclass
class MigrationReport:
    plan: MigrationPlan
    dry_run: bool
    rows: list[MigrationRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def failed(self) -> bool:
        return any(row.status in ("changed", "failed") for row in self.rows)


def plan(app: App, key: str) -> MigrationPlan:
    try:
        return app.law.migrations[key]
    except KeyError:
        known = ", ".join(app.law.migrations) or "none"
        raise NotFound(f"no migration plan {key!r} (declared: {known})") from None


def plan_cases(session: Session, plan: MigrationPlan) -> list[PlannedCase]:
    """The cases `plan` takes now, oldest first."""
    rows = session.exec(
        select(Case, Agency.code)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .where(Case.workflow_version == plan.source, col(Case.state).in_(plan.takes_states))
        .order_by(col(Case.id))
    ).all()
    ids = [case.id for case, _ in rows]
    triggers: dict[int, set[str]] = {}
    deadlines: dict[int, list[tuple[str, date]]] = {}
    if ids:
        for case_id, trigger in session.exec(
            select(CaseEvent.case_id, CaseEvent.trigger).where(col(CaseEvent.case_id).in_(ids))
        ).all():
            triggers.setdefault(case_id, set()).add(trigger)
        for case_id, name, due in session.exec(
            select(col(Deadline.case_id), col(Deadline.name), col(Deadline.due_date))
            .where(col(Deadline.case_id).in_(ids), col(Deadline.closed_seq).is_(None))
            .order_by(col(Deadline.due_date))
        ).all():
            deadlines.setdefault(case_id, []).append((name, due))
    return [
        PlannedCase(
            reference=case.reference,
            agency=agency,
            version=case.version,
            state=case.state,
            target_state=plan.states[case.state],
            deadlines=tuple(deadlines.get(case.id or 0, [])),
        )
        for case, agency in rows
        if plan.takes(case.state, triggers.get(case.id or 0, set()))
    ]


def migrate(
    app: App,
    plan: MigrationPlan,
    *,
    actor: str,
    on: date,
    now: datetime,
    dry_run: bool,
    progress: Progress | None = None,
) -> MigrationReport:
    """Plan, then (unless `dry_run`) migrate each case in its own transaction."""
    with session_scope(app.db) as session:
        require_role(session, actor, ["admin"], what=f"migrating cases by plan {plan.key}")
        planned = plan_cases(session, plan)
    if dry_run:
        rows = [MigrationRow(item, "would_migrate") for item in planned]
        return MigrationReport(plan=plan, dry_run=True, rows=rows)
    return apply_planned(app, plan, planned, actor=actor, on=on, now=now, progress=progress)


def apply_planned(
    app: App,
    plan: MigrationPlan,
    planned: list[PlannedCase],
    *,
    actor: str,
    on: date,
    now: datetime,
    progress: Progress | None = None,
) -> MigrationReport:
    """Migrate each planned case in its own transaction; a case changed since it was planned
    is left as it is (status `changed`), a failure of one does not stop the others."""
    with session_scope(app.db) as session:
        require_role(session, actor, ["admin"], what=f"migrating cases by plan {plan.key}")
    report = MigrationReport(plan=plan, dry_run=False)
    for i, item in enumerate(planned, 1):
        row = MigrationRow(item, "migrated")
        try:
            with session_scope(app.db) as session:
                row.letters = _migrate_one(app, session, plan, item, actor, on, now)
        except ConcurrencyConflict:
            row.status = "changed"
            row.detail = "changed since the plan was read; nothing written (run again)"
        except SanctionsError as exc:
            row.status, row.detail = "failed", str(exc)
        report.rows.append(row)
        if progress is not None:
            progress(i, len(planned))
    return report


def _migrate_one(
    app: App,
    session: Session,
    plan: MigrationPlan,
    item: PlannedCase,
    actor: str,
    on: date,
    now: datetime,
) -> list[str]:
    case, prev_hash = case_and_last_hash(session, item.reference)
    if case.version != item.version or case.workflow_version != plan.source:
        raise ConcurrencyConflict(f"case {item.reference} changed since the plan was read")
    last = last_step_date(case)
    if on < last:
        raise InputError(f"the migration's date {on} is before the case's last step ({last})")
    previous = app.bodies[app.workflow(plan.source).supervisory_body].name
    letter_values = {"instrument": plan.instrument, "previous_body": previous,
                     "effective": plan.effective}  # fmt: skip
    change = Change(
        trigger=f"{TRIGGER_PREFIX}{plan.key}",
        on=on,
        dest=item.target_state,
        inputs={
            "plan": plan.key,
            "from": plan.source,
            "to": plan.target,
            "state": f"{item.state} -> {item.target_state}",
            "deadlines": plan.deadlines,
        },
        facts={"migrated_on": on.isoformat()},
        note=plan.title,
        moves=plan.deadlines == "close",
        recompute_deadlines=plan.deadlines == "recompute",
        letters=plan.letters,
        letter_data={kind: dict(letter_values) for kind in plan.letters},
        workflow_version=plan.target,
    )
    written = record(
        app,
        session,
        case,
        change,
        prev_hash=prev_hash,
        open_deadlines=bool(item.deadlines),
        actor=actor,
        now=now,
    )
    return [letter.number for letter in written.letters]
