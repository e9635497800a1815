"""Suspending and extending an open deadline, and applying a calendar revision to every open
deadline it moves. Each is a change of the case through the write path: one event records who,
when, why and on what basis, the ledger line and the deadline's new (derived) due date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import Change, case_and_last_hash, record
from sanctions.cases.reading import ledger
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Deadline, DeadlineEntry
from sanctions.deadlines.calendar_file import CalendarRevision, read_calendar_file
from sanctions.deadlines.ledger import Budget, Dated, Entry, derived_due, redated
from sanctions.deadlines.rules import Direction, Unit
from sanctions.deadlines.workdays import WorkingCalendar, load_calendar
from sanctions.errors import ConcurrencyConflict, InputError, NotFound, SanctionsError
from sanctions.trust.access import require_role

LEDGER_TRIGGER = "tenggat:"
CALENDAR_TRIGGER = "kalender:"
CALENDAR_FILE = "calendar.yaml"


def budget_of(deadline: Deadline) -> Budget:
    return Budget(
        anchor=deadline.anchor_date,
        amount=deadline.amount,
        unit=Unit(deadline.unit),
        direction=Direction(deadline.direction),
    )


def entry_of(line: DeadlineEntry) -> Entry:
    return Entry(kind=line.kind, amount=line.amount, start=line.start, end=line.end)  # type: ignore[arg-type]


def _open_deadline(session: Session, case: Case, name: str) -> Deadline:
    found = session.exec(
        select(Deadline).where(
            Deadline.case_id == case.id, Deadline.name == name, col(Deadline.closed_seq).is_(None)
        )
    ).first()
    if found is None:
        names = session.exec(
            select(Deadline.name).where(
                Deadline.case_id == case.id, col(Deadline.closed_seq).is_(None)
            )
        ).all()
        raise NotFound(
            f"case {case.reference} has no open deadline {name!r} (open: "
            f"{', '.join(names) or 'none'})"
        )
    return found


def _governing_roles(app: App, case: Case, deadline: Deadline) -> list[str]:
    """Who may adjust a deadline: whoever may take a step it governs (and an admin)."""
    workflow = app.workflow(case.workflow_version)
    state = workflow.states.get(deadline.state)
    rule = next((r for r in state.deadlines if r.name == deadline.name), None) if state else None
    governs = set(rule.governs) if rule else set()
    return sorted({r for t in workflow.transitions if t.trigger in governs for r in t.roles})


@dataclass(frozen=True)
class Adjusted:
    reference: str
    deadline: str
    old_due: date
    new_due: date


def adjust(
    app: App,
    session: Session,
    reference: str,
    deadline_name: str,
    entry: DeadlineEntry,
    *,
    actor: str,
    on: date,
    now: datetime,
) -> Adjusted:
    """Record a suspension or an extension of an open deadline (`entry`, its case and event
    filled in here) and give the deadline the due date its budget and ledger then derive."""
    if on > now.astimezone().date():
        raise InputError(f"the entry's date {on} is after today ({now.astimezone().date()})")
    case, prev_hash = case_and_last_hash(session, reference)
    deadline = _open_deadline(session, case, deadline_name)
    require_role(
        session,
        actor,
        _governing_roles(app, case, deadline),
        agency_id=case.agency_id,
        what=f"adjusting the deadline {deadline_name} of {reference}",
    )
    _check(entry, deadline, on)
    entry.deadline_id = deadline.id or 0
    lines = [entry_of(x) for x in ledger(session, [deadline.id or 0]).get(deadline.id or 0, [])]
    new_due = derived_due(budget_of(deadline), [*lines, entry_of(entry)], app.calendar)
    what = (
        f"diperpanjang {entry.amount} {deadline.unit.replace('_', ' ')}"
        if entry.kind == "extension"
        else f"ditangguhkan {entry.start} s.d. {entry.end}"
    )
    change = Change(
        trigger=f"{LEDGER_TRIGGER}{entry.kind}:{deadline_name}",
        on=on,
        dest=case.state,
        inputs={
            "deadline": deadline_name,
            "kind": entry.kind,
            "amount": str(entry.amount),
            "start": entry.start.isoformat() if entry.start else "",
            "end": entry.end.isoformat() if entry.end else "",
            "reason": entry.reason,
            "basis": entry.basis,
            "due": f"{deadline.due_date.isoformat()} -> {new_due.isoformat()}",
        },
        note=f"{deadline.label}: {what}",
        moves=False,
        ledger=[entry],
        due_dates={deadline.id or 0: new_due},
    )
    record(app, session, case, change, prev_hash=prev_hash, open_deadlines=False, actor=actor,
           now=now)  # fmt: skip
    return Adjusted(reference, deadline_name, deadline.due_date, new_due)


def _check(entry: DeadlineEntry, deadline: Deadline, on: date) -> None:
    if not entry.reason.strip() or not entry.basis.strip():
        raise InputError("a ledger entry needs its reason (--reason) and legal basis (--basis)")
    if deadline.direction != Direction.AFTER.value:
        raise InputError(
            f"{deadline.name} is a latest date before an event; it has no clock to adjust"
        )
    if entry.kind == "extension":
        if entry.amount < 1:
            raise InputError(f"an extension adds at least 1 unit, got {entry.amount}")
        return
    if entry.start is None or entry.end is None:
        raise InputError("a suspension needs its first and last day (--from, --until)")
    if entry.end < entry.start:
        raise InputError(f"the suspension ends ({entry.end}) before it starts ({entry.start})")
    if entry.start > deadline.due_date:
        raise InputError(
            f"{deadline.name} was due on {deadline.due_date}; a suspension from {entry.start} "
            "comes after it and changes nothing (record the step as late instead)"
        )
    if entry.start < deadline.anchor_date:
        raise InputError(
            f"{deadline.name} runs from {deadline.anchor_date}; a suspension cannot start "
            f"before it ({entry.start})"
        )
    if entry.start > on:
        raise InputError(
            f"the suspension starts on {entry.start}, after the day it is recorded ({on}): "
            "record it when it begins"
        )


# -- calendar revisions -------------------------------------------------------------------
@dataclass(frozen=True)
class Redated:
    reference: str
    agency: str
    deadline_id: int
    deadline: str
    old_due: date
    new_due: date


@dataclass
class RevisionReport:
    revision: CalendarRevision
    rows: list[Redated] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # case -> why


def revision_of(app: App, key: str) -> tuple[CalendarRevision, WorkingCalendar]:
    """The revision `key` and the working calendar with it (and every earlier one) applied."""
    path = app.settings.workflows_dir / CALENDAR_FILE
    declared = read_calendar_file(path)
    try:
        revision = declared.revision(key)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None
    calendar = load_calendar(
        path, collective_leave_is_holiday=app.settings.collective_leave_is_holiday, up_to=key
    )
    return revision, calendar


def calendar_diff(app: App, session: Session, key: str) -> list[Redated]:
    """The open deadlines revision `key` moves, and how."""
    revision, calendar = revision_of(app, key)
    rows = session.exec(
        select(Deadline, Case.reference, Agency.code)
        .join(Case, col(Case.id) == Deadline.case_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .where(col(Deadline.closed_seq).is_(None))
        .order_by(col(Deadline.case_id), col(Deadline.id))
    ).all()
    lines = ledger(session, [d.id or 0 for d, _, _ in rows])
    dated = {d.id or 0: (d, ref, agency) for d, ref, agency in rows}
    moved = redated(
        (
            Dated(d.id or 0, budget_of(d), tuple(entry_of(x) for x in lines.get(d.id or 0, [])),
                  d.due_date)
            for d, _, _ in rows
        ),
        calendar,
        effective=revision.effective,
    )  # fmt: skip
    return [
        Redated(dated[m.key][1], dated[m.key][2], m.key, dated[m.key][0].name, m.due, new)
        for m, new in moved
    ]


def apply_revision(
    app: App,
    key: str,
    *,
    actor: str,
    on: date,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> RevisionReport:
    """Give every open deadline revision `key` moves its new due date: one event per case,
    recording the old and new dates and the instrument. A re-run finds nothing to move."""
    revision, _ = revision_of(app, key)
    declared = read_calendar_file(app.settings.workflows_dir / CALENDAR_FILE)
    later = [
        r.key for r in declared.revisions[[x.key for x in declared.revisions].index(key) + 1 :]
    ]
    with session_scope(app.db) as session:
        require_role(session, actor, ["admin"], what=f"applying calendar revision {key}")
        applied = session.exec(
            select(CaseEvent.trigger).where(
                col(CaseEvent.trigger).in_([f"{CALENDAR_TRIGGER}{k}" for k in later])
            )
        ).first()
        if applied is not None:
            raise InputError(
                f"{applied.removeprefix(CALENDAR_TRIGGER)} is a later revision and has been "
                f"applied already; {key} is included in it"
            )
        rows = calendar_diff(app, session, key)
    report = RevisionReport(revision)
    by_case: dict[str, list[Redated]] = {}
    for row in rows:
        by_case.setdefault(row.reference, []).append(row)
    for i, (reference, moved) in enumerate(by_case.items(), 1):
        try:
            with session_scope(app.db) as session:
                _redate(app, session, revision, reference, moved, actor=actor, on=on, now=now)
            report.rows.extend(moved)
        except (ConcurrencyConflict, SanctionsError) as exc:
            report.failed[reference] = str(exc)
        if progress is not None:
            progress(i, len(by_case))
    return report


def _redate(
    app: App,
    session: Session,
    revision: CalendarRevision,
    reference: str,
    moved: list[Redated],
    *,
    actor: str,
    on: date,
    now: datetime,
) -> None:
    case, prev_hash = case_and_last_hash(session, reference)
    changes = "; ".join(f"{m.deadline}: {m.old_due} -> {m.new_due}" for m in moved)
    change = Change(
        trigger=f"{CALENDAR_TRIGGER}{revision.key}",
        on=max(on, case.reported_on),
        dest=case.state,
        inputs={"revision": revision.key, "instrument": revision.instrument, "changes": changes},
        note=f"Perubahan kalender kerja: {revision.instrument}",
        moves=False,
        due_dates={m.deadline_id: m.new_due for m in moved},
    )
    record(app, session, case, change, prev_hash=prev_hash, open_deadlines=False, actor=actor,
           now=now)  # fmt: skip
