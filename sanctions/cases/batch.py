"""The opening of new cases: the one write path's writer of cases that do not exist yet, for
every caller (a batch of one for `case open`, `case receive` and a case accepted from a
bundle; a thousand at a time for an import of a national register).

`open_batch` writes the cases, their references, allegations, first events sealed as the first
link of each chain, the deadlines the initial state opens, the letters it declares (or, for
letters another body issued on paper, the record of which) and the Merkle leaves of all of
them. It builds each row with the write path's own public steps (`first_change`,
`opening_event`, `entered_deadlines`, `check_letters`, `issue_letters`, `case_reference`) and
writes them one statement per table for the whole batch, as plain rows (no ORM unit of work;
the case ids reserved first, so each case is written once, with its reference), `COPY` on
PostgreSQL above `db.bulk.COPY_FROM` rows. A batch writes exactly the rows its cases opened
one by one (batches of one) write: tests/test_batch_open.py compares the two on SQLite and
PostgreSQL. The case objects it returns are not in the session (their rows were written by
Core): a caller reads them again to change them.

`open_records` is the same opening for an import (letters issued elsewhere), from plain values:
the case and event rows as dicts, hashed and logged from those dicts, without a row object per
case; built by the same steps, and compared with `open_batch`'s rows by the same test file.

In the caller's transaction: a batch is written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Literal, NamedTuple

from sqlmodel import Session

from sanctions.app import App
from sanctions.cases import follow_up
from sanctions.cases.changes import (
    IssueLetter,
    Opening,
    Written,
    case_reference,
    check_letters,
    entered_deadlines,
    event_values,
    first_change,
    issue_letters,
    not_issued,
    opening_event,
    report_columns,
)
from sanctions.cases.opening import OPEN_TRIGGER
from sanctions.db.bulk import insert_values, reserve_ids
from sanctions.db.models import Allegation, Case, CaseEvent, Deadline, report_values
from sanctions.letters.service import issue_letter
from sanctions.trust import log
from sanctions.trust.audit import sealed
from sanctions.trust.chain import GENESIS, fields_hash

_CASES: Any = Case.__table__  # type: ignore[attr-defined]
_ALLEGATIONS: Any = Allegation.__table__  # type: ignore[attr-defined]
_EVENTS: Any = CaseEvent.__table__  # type: ignore[attr-defined]
_DEADLINES: Any = Deadline.__table__  # type: ignore[attr-defined]


def _columns(table: Any) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.name != "id")


_CASE_COLUMNS = _columns(_CASES)
_EVENT_COLUMNS = _columns(_EVENTS)
_DEADLINE_COLUMNS = _columns(_DEADLINES)


def open_batch(
    app: App,
    session: Session,
    openings: Sequence[Opening],
    *,
    actor: str,
    now: datetime,
    letters: Literal["issue", "issued_elsewhere"] = "issue",
    issue: IssueLetter = issue_letter,
) -> list[Written]:
    """Write the new cases `openings` (built by `sanctions.cases.opening.opening`), one
    statement per table.

    `letters="issued_elsewhere"`: the first state's letters are not issued because the body
    that forwarded the file already issued them (an import of Bawaslu's register); the event
    records which, under `letters_not_issued`."""
    if not openings:
        return []
    db = session.connection()
    cases = [o.case for o in openings]
    for o in openings:
        report_columns(o.case, o.violation_codes)
    ids = reserve_ids(db, _CASES, len(cases))  # the rows written with their references
    for case, case_id in zip(cases, ids, strict=True):
        fields = case.__dict__  # as the ORM sets what it loads: no attribute events
        fields["id"], fields["reference"] = case_id, case_reference(case_id, case.reported_on)
    insert_values(db, _CASES, [_values(c, ("id", *_CASE_COLUMNS)) for c in cases])
    allegations = [
        {"case_id": o.case.id, "violation_code": code, "description": o.description}
        for o in openings
        for code in o.violation_codes
    ]
    insert_values(db, _ALLEGATIONS, allegations)  # before any letter, which cites them
    written: list[Written] = []
    events: list[CaseEvent] = []
    deadlines: list[Deadline] = []
    leaves: list[log.Leaf] = []
    for o in openings:
        case = o.case
        workflow = app.workflow(case.workflow_version)
        change = first_change(o.change, letters)
        issued = []
        if change.letters or change.letter_data or change.incoming:
            given = check_letters(app, session, case, change)
            issued = issue_letters(
                app, session, case, change, given, seq=1, actor=actor, now=now, issue=issue
            )
        event = sealed(
            opening_event(case, change, actor=actor, now=now),
            prev_hash=GENESIS,
            letters=[x.sha256 for x in issued],
        )
        opened = entered_deadlines(app, case, workflow, event)
        follow_up.opened_in(session, case, event.dest, event.on, opened)  # migration 0029
        events.append(event)
        deadlines.extend(opened)
        written.append(Written(case, event, workflow, issued))
        codes = [(code, o.description) for code in o.violation_codes]
        leaves += [
            log.case_leaf(case, codes),
            log.event_leaf(event, case, opened),
            *(log.letter_leaf(x) for x in issued),
        ]
    insert_values(db, _EVENTS, [_values(e, _EVENT_COLUMNS) for e in events])
    insert_values(db, _DEADLINES, [_values(d, _DEADLINE_COLUMNS) for d in deadlines])
    log.append(session, leaves)
    return written


class NewCase(NamedTuple):
    """A new case as plain values, for an opening of thousands (an import's checked rows):
    its row as `opening.case_values` builds it (no id or reference yet: given here), its
    allegations' codes and description, and its first event's inputs
    (`opening.opening_inputs`)."""

    values: dict[str, Any]
    violation_codes: Sequence[str]
    description: str
    inputs: dict[str, str]


def open_records(
    app: App, session: Session, cases: Sequence[NewCase], *, actor: str, now: datetime
) -> list[str]:
    """`open_batch` with `letters="issued_elsewhere"` (what an import writes), from plain
    values instead of `Opening` objects, and the references of the cases opened: the same
    rows, built by the same steps (`case_values`, `report_values`, `case_reference`,
    `event_values`, `not_issued`, the chain's `fields_hash`, the log's leaves of the values,
    `entered_deadlines`), without a `Case`, `Change` or `CaseEvent` object per case (their
    building was a fifth of an import's time). tests/test_batch_open.py compares an import's
    rows with those `open_batch` writes one case at a time."""
    if not cases:
        return []
    db = session.connection()
    ids = reserve_ids(db, _CASES, len(cases))
    rows, allegations, events, deadlines = [], [], [], []
    leaves: list[log.Leaf] = []
    flows: dict[str, tuple[Any, tuple[str, ...], bool]] = {}
    for new, case_id in zip(cases, ids, strict=True):
        values, codes = new.values, new.violation_codes
        version = values["workflow_version"]
        flow = flows.get(version)
        if flow is None:
            workflow = app.workflow(version)
            state = workflow.state(workflow.initial)
            flow = flows[version] = (workflow, tuple(state.letters), bool(state.deadlines))
        workflow, letters, opens = flow
        reported_on = values["reported_on"]
        values["id"], values["reference"] = case_id, case_reference(case_id, reported_on)
        values.update(report_values(values["employee_snapshot"], codes))
        rows.append(values)
        allegations += [
            {"case_id": case_id, "violation_code": code, "description": new.description}
            for code in codes
        ]
        event = event_values(
            case_id,
            version,
            seq=1,
            at=now,
            on=reported_on,
            actor=actor,
            trigger=OPEN_TRIGGER,
            source=None,
            dest=values["state"],
            note=new.description,
            inputs=not_issued(new.inputs, letters),
            late=[],
        )
        event["prev_hash"], event["hash"] = GENESIS, fields_hash(event, (), GENESIS)
        events.append(event)
        opened: list[Deadline] = []
        if opens:  # the row objects `entered_deadlines` reads, as plain namespaces
            case, entered = SimpleNamespace(**values), SimpleNamespace(**event)
            opened = entered_deadlines(app, case, workflow, entered)  # type: ignore[arg-type]
            deadlines += [_values(d, _DEADLINE_COLUMNS) for d in opened]
        after = (values["state"], values["version"], values["facts"], version)
        leaves += [
            log.case_leaf_of(values, [(code, new.description) for code in codes]),
            log.event_leaf_of(event, after, opened),
        ]
    insert_values(db, _CASES, rows)
    insert_values(db, _ALLEGATIONS, allegations)
    insert_values(db, _EVENTS, events)
    insert_values(db, _DEADLINES, deadlines)
    log.append(session, leaves)
    return [values["reference"] for values in rows]


def _values(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    fields = row.__dict__
    return {c: fields[c] for c in columns}
