"""The reads of a case that both showing it and changing it need: its reference as typed,
its open deadlines, the context its guards read, the strict time limits that have closed a
step. Nothing here writes, so `case show` loads none of the write path (`sanctions.cases.changes`,
`sanctions.cases.service` re-export these for their callers; docs/performance.md, Start-up)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.guards import GuardContext
from sanctions.cases.penetapan import ACT_OFFICE, Penetapan, penetapan_for
from sanctions.cases.priors import prior_sanctions
from sanctions.cases.workflow import Workflow
from sanctions.db.models import (
    Agency,
    Allegation,
    Case,
    CaseEvent,
    Contest,
    Deadline,
    DeadlineEntry,
)
from sanctions.deadlines.rules import DeadlineRule, OnMiss, is_late

_REFERENCE = re.compile(r"NET-\d{4}-\d{6}", re.IGNORECASE)


def resolve_reference(session: Session, text: str) -> str:
    """A case reference as typed, in any case (net-2024-000001), or the forwarding body's
    register number: the case's reference (the text as given when it is neither)."""
    typed = text.strip()
    if _REFERENCE.fullmatch(typed):
        return typed.upper()
    found = session.exec(select(Case.reference).where(Case.register_number == typed)).first()
    return found or typed


# The case's agency (its tier), contest and allegations in one query: one row per allegation
# with the agency and the contest (one row without an allegation when it has none).
_GUARD_ROWS = (
    sa_select(  # five columns: more than sqlmodel's typed select takes
        col(Agency.kind),
        col(Agency.parent),
        col(Contest.candidate_determination_date),
        col(Allegation.violation_code),
        col(Contest.penetapan_by_office),
    )
    .select_from(Agency)
    .outerjoin(Contest, col(Contest.id) == bindparam("contest_id"))
    .outerjoin(
        Allegation,
        and_(col(Allegation.case_id) == bindparam("case_id"), col(Contest.id).is_not(None)),
    )
    .where(col(Agency.id) == bindparam("agency_id"))
    .order_by(col(Allegation.id))
)
_OPEN_DEADLINES = (
    select(Deadline)
    .where(Deadline.case_id == bindparam("case_id"), col(Deadline.closed_seq).is_(None))
    .order_by(col(Deadline.due_date))
)


def guard_context(
    app: App,
    session: Session,
    case: Case,
    *,
    on: date,
    inputs: Mapping[str, str],
    deadlines: Sequence[Deadline] | None = None,
    priors: bool = True,
    rows: Sequence[Sequence[Any]] | None = None,
    memo: dict[Any, Any] | None = None,
) -> GuardContext:
    """Everything the guards may look at, read in two queries (deadlines may be passed in;
    `priors=False` leaves out the employee's earlier sanctions, which only the guards that
    declare `priors` read; `rows`, the case's `guard_rows`, when read for many cases at once;
    `memo`, a dict kept across the contexts of many cases, holds what they share: the
    agency's tier, the penetapan date, the workflow's rule values)."""
    if rows is None:
        params = {"case_id": case.id, "contest_id": case.contest_id, "agency_id": case.agency_id}
        rows = session.connection().execute(_GUARD_ROWS, params).all()
    if deadlines is None:
        deadlines = open_deadlines(session, case)
    shared = {} if memo is None else memo
    tier = (
        _shared(shared, ("tier", *rows[0][:2]), app.authority.tier_of, *rows[0][:2])
        if rows
        else None
    )
    alleged = [(day, code) for _, _, day, code, _ in rows if code is not None]
    penetapan = Penetapan(None, "")
    if rows:
        office, by_office = case.facts.get(ACT_OFFICE), rows[0][4]
        key = ("penetapan", rows[0][2], office, *sorted((by_office or {}).items()))
        penetapan = _shared(shared, key, penetapan_for, rows[0][2], by_office, office)
    rules = _shared(shared, ("rules", case.workflow_version), _rule_values, app, case)
    return GuardContext(
        on=on,
        employee_type=str(case.employee_snapshot.get("employee_type", "PNS")),
        act_date=case.act_date,
        candidate_determination_date=penetapan.on,
        penetapan_which=penetapan.which,
        allegations=tuple(app.catalogue.violation(code) for _, code in alleged),
        facts=dict(case.facts),
        inputs=dict(inputs),
        catalogue=app.catalogue,
        calendar=app.calendar,
        deadlines={d.name: d.due_date for d in deadlines},
        rules=rules,
        position_type=str(case.employee_snapshot.get("position_type", "")),
        agency_tier=tier,
        authority=app.authority,
        employee_nip=str(case.employee_snapshot.get("nip", "")),
        employee_rank=case.employee_snapshot.get("rank"),
        prior_sanctions=prior_sanctions(session, case) if priors else (),
    )


def _shared(memo: dict[Any, Any], key: tuple[Any, ...], fn: Any, *args: Any) -> Any:
    if key not in memo:
        memo[key] = fn(*args)
    return memo[key]


def _rule_values(app: App, case: Case) -> dict[str, object]:
    return app.workflow(case.workflow_version).rule_values


def open_deadlines(session: Session, case: Case) -> list[Deadline]:
    return list(session.exec(_OPEN_DEADLINES, params={"case_id": case.id}).all())


def deadline_rule(workflow: Workflow, deadline: Deadline) -> DeadlineRule | None:
    state = workflow.states.get(deadline.state)
    return next((r for r in state.deadlines if r.name == deadline.name), None) if state else None


def closed_window(
    deadlines: Sequence[Deadline], workflow: Workflow, trigger: str, on: date
) -> str | None:
    """Why `trigger` can no longer be taken on `on`: a strict (`on_miss: refuse`) time limit
    governing it has ended; None when none has. `case show` offers no such step."""
    for deadline in deadlines:
        rule = deadline_rule(workflow, deadline)
        if rule is None or trigger not in rule.governs or rule.on_miss != OnMiss.REFUSE:
            continue
        if is_late(rule, deadline.due_date, on):
            return (
                f"{rule.label} — the time limit ended on {deadline.due_date.isoformat()} "
                f"({rule.amount} {rule.unit.value}, {rule.basis}); the step is dated "
                f"{on.isoformat()}"
            )
    return None


TRIGGER_PREFIX = "migrasi:"


@dataclass(frozen=True)
class Migrated:
    """A migration a case went through, as its event records it."""

    plan: str
    source: str
    target: str
    on: date
    seq: int


def migrations_of(session: Session, case_id: int) -> list[Migrated]:
    events = session.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id, col(CaseEvent.trigger).startswith(TRIGGER_PREFIX))
        .order_by(col(CaseEvent.seq))
    ).all()
    return [
        Migrated(e.inputs.get("plan", ""), e.inputs.get("from", ""), e.inputs.get("to", ""),
                 e.on, e.seq)
        for e in events
    ]  # fmt: skip


def ledger(session: Session, deadline_ids: Sequence[int]) -> dict[int, list[DeadlineEntry]]:
    """The ledger lines of the given deadlines, oldest first."""
    found: dict[int, list[DeadlineEntry]] = {}
    if deadline_ids:
        for line in session.exec(
            select(DeadlineEntry)
            .where(col(DeadlineEntry.deadline_id).in_(list(deadline_ids)))
            .order_by(col(DeadlineEntry.id))
        ).all():
            found.setdefault(line.deadline_id, []).append(line)
    return found
