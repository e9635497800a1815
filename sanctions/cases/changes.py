"""The one write path for a case: every change to a case goes through `record` (or, for new
cases, `sanctions.cases.batch.open_batch`), in the caller's transaction.

A change claims the case's version (an UPDATE that only succeeds if nobody changed the case
since it was read: races have one winner), writes its event, closes the open deadlines and
opens those of the state entered when the change moves the case, issues the letters the
change declares (a step's letters are those its destination state declares: the path looks
them up itself, so no caller can forget them), and seals the event into the case's hash
chain over those letters. The importer, the reminder job, on-demand letters and the officer's
steps all call it; nothing else writes a case, an event or a deadline.

`transaction` (sanctions/trust/access.py, so that reading a case loads none of this module)
is the only way the edges open a writing transaction: it also records refused
attempts (a `PermissionDenied`) in a transaction of their own, so they survive the rollback.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Literal, NamedTuple, Protocol

from sqlalchemy import Date, and_, bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases import follow_up
from sanctions.cases.reading import resolve_reference
from sanctions.cases.workflow import Workflow
from sanctions.db.bulk import M, construct, values_of
from sanctions.db.models import (
    Agency,
    Case,
    CaseEvent,
    Deadline,
    DeadlineEntry,
    Letter,
    report_values,
)
from sanctions.deadlines.rules import due_date
from sanctions.errors import ConcurrencyConflict, InputError, NotFound
from sanctions.law.names import BLOCKING_FACT
from sanctions.letters import incoming as received
from sanctions.letters.incoming import IncomingLetter
from sanctions.letters.service import (
    CheckedLetter,
    check_letter,
    issue_letter,
    issuer_of,
    letter_kinds,
    spec_of,
)
from sanctions.trust import log
from sanctions.trust.access import transaction as transaction  # re-exported
from sanctions.trust.audit import sealed
from sanctions.trust.chain import GENESIS

LetterData = Mapping[str, Mapping[str, Any]]  # document kind -> the officer's values for it
# Letters a change does not issue itself because another body already issued them on paper
# (an imported report's receipt): recorded in the event, so the chain says so.
NOT_ISSUED = "letters_not_issued"
# A correction (`sanctions case correct`) is an event of its own: this trigger, the number of
# the event it voids under this input. The voided event stays in the log.
CORRECTION_TRIGGER = "koreksi"
VOIDS = "voids"

CONTEST_KIND = "contest_kind"  # the fact a case keeps of its contest's kind (pemilu | pilkada)


class IssueLetter(Protocol):
    """`sanctions.letters.service.issue_letter`'s shape (a benchmark may pass a stand-in)."""

    def __call__(
        self,
        app: App,
        session: Session,
        case: Case,
        kind: str,
        *,
        on: date,
        actor: str,
        now: datetime,
        event_seq: int | None = None,
        given: Mapping[str, Any] | None = None,
        step: tuple[str, Mapping[str, str]] | None = None,
        checked: CheckedLetter | None = None,
    ) -> Letter: ...


@dataclass(frozen=True)
class Change:
    """One change to a case, as its event will record it."""

    trigger: str
    on: date
    dest: str  # the state after the change (the current one for a change that stays)
    inputs: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)  # merged into the case's facts
    note: str = ""
    late: Sequence[str] = ()
    moves: bool = True  # closes the open deadlines and opens those of `dest`
    letters: Sequence[str] = ()  # document kinds this change issues, in order
    letter_data: LetterData = field(default_factory=dict)
    note_numbers: bool = False  # the note is the numbers the change's letters were given
    # A migration (sanctions.cases.migration) moves the case to another workflow version; its
    # open deadlines are then carried as they are, recomputed by the new version's rules, or
    # (`moves`) closed and those of the state entered opened.
    workflow_version: str | None = None
    recompute_deadlines: bool = False
    # Deadline ledger lines this change records, and open deadlines it gives a new (derived)
    # due date: a suspension or extension (sanctions.deadlines.ledger), a calendar revision.
    ledger: Sequence[DeadlineEntry] = ()
    due_dates: Mapping[int, date] = field(default_factory=dict)
    # A correction (sanctions.cases.correction): the facts the voided step added and nothing
    # before it held are dropped; `undoes` is the voided event's number, whose deadlines are
    # undone (those it closed reopen, those it opened close, neither met nor missed).
    drop_facts: Sequence[str] = ()
    undoes: int | None = None
    # The officer's values for each letter in `letters`, by position, when two letters of one
    # kind need different values (several voiding letters); else `letter_data` by kind.
    letter_data_each: Sequence[Mapping[str, Any]] = ()
    # The letters received for the kinds in `letters` whose issuer this installation does not
    # host (sanctions.letters.incoming): recorded instead of issued, by kind.
    incoming: Mapping[str, IncomingLetter] = field(default_factory=dict)


class Latest(NamedTuple):
    """What a change reads of the case's latest event, with the case itself."""

    hash: str  # what the next event chains to (GENESIS before the first)
    on: date | None  # its date (None: no event yet)
    trigger: str | None


@dataclass
class Written:
    case: Case
    event: CaseEvent
    workflow: Workflow
    letters: list[Letter]
    warnings: list[str] = field(default_factory=list)  # accepted, but worth a second look

    @property
    def late(self) -> list[str]:
        """The deadlines the change missed (recorded late)."""
        return list(self.event.late)


# The statements of a step, built once: SQLAlchemy then skips building and hashing the
# expression on every call (a third of a step's Python time on SQLite).
_CASE_AND_LAST_HASH = (
    select(Case, col(CaseEvent.hash), col(CaseEvent.on), col(CaseEvent.trigger))
    .join(
        CaseEvent,
        and_(col(CaseEvent.case_id) == Case.id, col(CaseEvent.seq) == Case.version),
        isouter=True,
    )
    .where(Case.reference == bindparam("reference"))
)
# The same read as plain columns (the case's, then the event's), loaded without the ORM's
# query machinery: the case object is then built as the ORM builds a loaded row and attached
# to the session as if loaded (a third of the step's ORM cost was this one query's loading).
_CASES: Any = Case.__table__  # type: ignore[attr-defined]
_CASE_FIELDS = tuple(c.name for c in _CASES.columns)
_CASE_ROW_AND_LAST_HASH = (
    core_select(_CASES, col(CaseEvent.hash), col(CaseEvent.on), col(CaseEvent.trigger))
    .select_from(
        _CASES.outerjoin(
            CaseEvent.__table__,  # type: ignore[attr-defined]
            and_(col(CaseEvent.case_id) == _CASES.c.id, col(CaseEvent.seq) == _CASES.c.version),
        )
    )
    .where(_CASES.c.reference == bindparam("reference"))
)
_CLAIM = (
    update(Case)
    .where(col(Case.id) == bindparam("b_id"), col(Case.version) == bindparam("b_old"))
    .values(
        state=bindparam("b_state"),
        version=bindparam("b_new"),
        facts=bindparam("b_facts"),
        workflow_version=bindparam("b_version"),
    )
    .execution_options(synchronize_session=False)
)
_CLOSE_DEADLINES = (
    update(Deadline)
    .where(col(Deadline.case_id) == bindparam("b_case"), col(Deadline.closed_seq).is_(None))
    .values(
        closed_seq=bindparam("b_seq"),
        closed_on=bindparam("b_on"),
        met=bindparam("b_on", type_=Date()) <= col(Deadline.due_date),
    )
    .execution_options(synchronize_session=False)
)
# The event and the deadlines a change opens are written by Core INSERTs (the ORM's unit of
# work cost more than the statements themselves); the objects stay as built, out of the session.
_EVENTS: Any = CaseEvent.__table__  # type: ignore[attr-defined]
_DEADLINES: Any = Deadline.__table__  # type: ignore[attr-defined]
_INSERT_EVENT = _EVENTS.insert()
_INSERT_DEADLINES = _DEADLINES.insert()
_EVENT_COLUMNS = tuple(c.name for c in _EVENTS.columns if c.name != "id")
_DEADLINE_COLUMNS = tuple(c.name for c in _DEADLINES.columns if c.name != "id")


_REDATE = (
    update(Deadline)
    .where(
        col(Deadline.id) == bindparam("b_id"),
        col(Deadline.case_id) == bindparam("b_case"),
        col(Deadline.closed_seq).is_(None),
    )
    .values(due_date=bindparam("b_due"))
    .execution_options(synchronize_session=False)
)


def case_and_last_hash(session: Session, reference: str) -> tuple[Case, str]:
    """The case and the hash of its latest event (what the next event chains to); the
    reference may be typed in any case or be the register number."""
    case, latest = case_and_latest(session, reference)
    return case, latest.hash


def case_and_latest(
    session: Session, reference: str, *, attach: bool = True
) -> tuple[Case, Latest]:
    """The case and its latest event's hash, date and trigger, in one query. `attach=False`:
    the case is not put in the session (`record` puts it there when the change issues
    letters; a step without letters never needs the session to hold it, and attaching cost
    such a step 2-3 % of its time)."""
    reference = resolve_reference(session, reference)
    if session.autoflush:
        session.flush()  # as the ORM's query would (nothing to do when nothing is pending)
    row = session.connection().execute(_CASE_ROW_AND_LAST_HASH, {"reference": reference}).first()
    if row is None:
        raise NotFound(f"no case {reference!r}; list cases with `sanctions case list`")
    n = len(_CASE_FIELDS)
    latest = Latest(row[n] or GENESIS, row[n + 1], row[n + 2])
    # the identity key as the ORM spells it (class, primary key, token), built directly
    if session.identity_map.get((Case, (row[0],), None)) is not None:
        # already in the session: the ORM's query keeps that object (and refreshes what of it
        # has expired), so it answers
        found = session.exec(_CASE_AND_LAST_HASH, params={"reference": reference}).one()
        return found[0], latest
    case = loaded_row(Case, dict(zip(_CASE_FIELDS, row[:n], strict=True)))
    if attach:
        _attach(session, case)
    return case, latest


def _attach(session: Session, case: Case) -> None:
    """Put `case`, built by `case_and_latest`, in the session as loaded (every column its
    committed value), unless it is there already or the session holds another object of it."""
    if case._sa_instance_state.key is not None:  # type: ignore[attr-defined]
        return  # attached (or loaded by the ORM) already
    if session.identity_map.get((Case, (case.id,), None)) is not None:
        return
    make_transient_to_detached(case)
    session.add(case)


def loaded_row(model: type[M], values: dict[str, Any]) -> M:
    """A row object of `model` from `values`, one for each of its fields (a row read with
    every column): `db.bulk.construct` without its per-field defaults loop."""
    if len(values) != len(model.model_fields):
        return construct(model, values)
    if not model.__mapper__.configured:  # type: ignore[attr-defined]
        return construct(model, values)  # configures the mappers once
    row: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    row.__dict__.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row


def last_step_date(case: Case) -> date:
    """Every step records the day its destination was entered (`<state>_on`) in the facts;
    the latest of them is the day of the case's last step (the day the reminder job asked
    for blocking is not a step)."""
    return max(
        date.fromisoformat(v)
        for k, v in case.facts.items()
        if k.endswith("_on") and k != BLOCKING_FACT
    )


def last_event(session: Session, case: Case) -> CaseEvent | None:
    """The case's latest event (by number)."""
    return session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.seq == case.version)
    ).first()


def check_letter_data(letter_data: LetterData, known: Sequence[str]) -> None:
    """Refuse values for a name that is no document kind (a typo would be lost). One file may
    hold the values of every letter of a case: a step takes the kinds it issues and leaves the
    others for the steps that issue them."""
    if not letter_data:
        return  # most changes: no values given
    for name in sorted(set(letter_data) - set(known)):
        near = difflib.get_close_matches(name, list(known), n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(sorted(known))}"
        raise InputError(f"letter data for {name!r}, which is no document kind ({hint})")


def check_letters(app: App, session: Session, case: Case, change: Change) -> list[CheckedLetter]:
    """Every letter `change` issues checked before any is rendered: each as checked, in the
    order issued (the officer's values, dates read as dates, and the facts `issue_letters`
    issues it from), or one refusal listing every problem of every kind. A change may give
    each letter its own values (`letter_data_each`: a correction voids several letters of one
    kind)."""
    check_letter_data(change.letter_data, letter_kinds(app))
    checked: list[CheckedLetter] = []
    refused: list[str] = []
    # what the change writes between this check and its letters, which issuing reads again
    deadlines_written = (
        change.moves
        or change.recompute_deadlines
        or bool(change.due_dates)
        or change.undoes is not None
    )
    external = external_kinds(app, session, case, change.letters, values_by_kind(change))
    for kind in sorted(set(change.incoming) - set(external)):
        raise InputError(
            f"a received letter was given for {kind}, which this step "
            + ("issues itself" if kind in change.letters else "does not carry")
            + f" (it carries: {', '.join(change.letters) or 'no letter'}); nothing was written"
        )
    for i, kind in enumerate(change.letters):
        if kind in external:
            letter = received.require_data(change.incoming.get(kind), kind, external[kind])
            checked.append(CheckedLetter({}))
            refused.extend(f"  {kind}: {p}" for p in received.problems(letter, step_on=change.on))
            continue
        checked_letter, problems = check_letter(
            app,
            session,
            case,
            kind,
            on=change.on,
            given=(
                change.letter_data_each[i]
                if change.letter_data_each
                else change.letter_data.get(kind, {})
            ),
            step=(change.trigger, change.inputs),
            before=change.letters[:i],
            deadlines_written=deadlines_written,
        )
        checked.append(checked_letter)
        refused.extend(f"  {kind}: {p}" for p in problems)
    if refused:
        raise InputError(
            "the letters of this step cannot be issued with the values given; nothing was "
            "written:\n" + "\n".join(refused) + "\ngive the values with --letter-data FILE "
            "(document kind -> values); `sanctions letter template KIND` prints a skeleton"
        )
    return checked


def values_by_kind(change: Change) -> Mapping[str, Mapping[str, Any]]:
    """The officer's values by kind; a change that gives each letter its own (a correction)
    gives the first of each kind (the void of a temporary release names its office there)."""
    if not change.letter_data_each:
        return change.letter_data
    found: dict[str, Mapping[str, Any]] = {}
    for kind, values in zip(change.letters, change.letter_data_each, strict=True):
        found.setdefault(kind, values)
    return found


def external_kinds(
    app: App,
    session: Session,
    case: Case,
    kinds: Sequence[str],
    letter_data: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Agency]:
    """The kinds among `kinds` whose issuer this installation does not host, with the issuer:
    their letters are received (recorded), not issued (docs/exchange.md). `letter_data`: the
    officer's values by kind (a letter's data may name its signer's office)."""
    found = {}
    for kind in dict.fromkeys(kinds):
        issuer = issuer_of(app, session, case, kind, (letter_data or {}).get(kind))
        if not issuer.hosted:
            found[kind] = issuer
    return found


def record(
    app: App,
    session: Session,
    case: Case,
    change: Change,
    *,
    prev_hash: str,
    open_deadlines: bool,
    actor: str,
    now: datetime,
    issue: IssueLetter = issue_letter,
    deadlines: Sequence[Deadline] | None = None,
) -> Written:
    """Write `change` to `case` (as read, with the hash of its last event): claim, event,
    deadlines, letters, seal. `open_deadlines`: whether the case has open deadlines to close
    (the caller read them; saves a statement when it has none). `deadlines`: every deadline
    of the case as the caller read it in this transaction (open and closed), when it did: the
    log then digests the deadlines after a step from them instead of reading them back."""
    check_letter_data(change.letter_data, letter_kinds(app))
    version = change.workflow_version or case.workflow_version
    workflow = app.workflow(version)
    source, seq = case.state, case.version + 1
    migrated = version != case.workflow_version
    facts = {k: v for k, v in {**case.facts, **change.facts}.items() if k not in change.drop_facts}
    db = session.connection()  # the statements of a change go to it (no ORM round)
    claimed = db.execute(
        _CLAIM,
        {"b_id": case.id, "b_old": case.version, "b_state": change.dest, "b_new": seq,
         "b_facts": facts, "b_version": version},
    )  # fmt: skip
    if claimed.rowcount != 1:
        raise ConcurrencyConflict(
            f"case {case.reference} was changed by someone else while you worked on it; "
            "nothing was written: look at it again (`sanctions case show`) and retry"
        )
    # what the UPDATE wrote, without reloading
    written = {"state": change.dest, "version": seq, "facts": facts, "workflow_version": version}
    if case._sa_instance_state.key is None:  # type: ignore[attr-defined]
        case.__dict__.update(written)  # built by `case_and_latest` and in no session yet
    else:
        for name, value in written.items():
            set_committed_value(case, name, value)
    if change.letters or change.incoming:
        _attach(session, case)  # as the letters' path always had it: held by the session
    given = check_letters(app, session, case, change)  # refused: the transaction rolls back
    event = _event(case, change, seq=seq, source=source, actor=actor, now=now)
    opened: list[Deadline] = []
    if change.moves:
        if open_deadlines:
            closing = {"b_case": case.id, "b_seq": seq, "b_on": change.on}
            db.execute(_CLOSE_DEADLINES, closing)
        opened = entered_deadlines(app, case, workflow, event)
        if opened:
            rows = [values_of(d, _DEADLINE_COLUMNS) for d in opened]  # one: no executemany
            db.execute(_INSERT_DEADLINES, rows[0] if len(rows) == 1 else rows)
    elif change.recompute_deadlines:
        _recompute(app, session, case, workflow)
    if change.undoes is not None:
        _undo_deadlines(session, case, undone=change.undoes, seq=seq, on=change.on)
    for line in change.ledger:
        line.case_id, line.event_seq = case.id or 0, seq
        session.add(line)
    for deadline_id, due in change.due_dates.items():
        session.execute(_REDATE, {"b_id": deadline_id, "b_case": case.id, "b_due": due})
    letters = issue_letters(
        app, session, case, change, given, seq=seq, actor=actor, now=now, issue=issue
    )
    if change.note_numbers:
        event.note = ", ".join(letter.number for letter in letters)
    sealed(event, prev_hash=prev_hash, letters=[x.sha256 for x in letters])
    db.execute(_INSERT_EVENT, values_of(event, _EVENT_COLUMNS))
    follow_up.keep(  # the case's follow-up columns (migration 0029)
        session, case, workflow, change, source=source, seq=seq, opened=opened, migrated=migrated
    )
    # the Merkle log: the event with the case after it (and its deadlines when the change
    # touched them), its letters and ledger lines, in this transaction
    touched = (
        (change.moves and (open_deadlines or bool(opened)))
        or change.recompute_deadlines
        or bool(change.due_dates)
    )
    if change.ledger:
        session.flush()  # the ledger lines, to be logged with their ids
    after: Sequence[Any] | None = None
    if not touched:
        pass
    elif deadlines is not None and change.moves and not change.due_dates and change.undoes is None:
        after = [*_closed(deadlines, seq=seq, on=change.on), *opened]  # as the step left them
    else:
        session.flush()  # recomputed deadlines, to be read back and logged
        after = log.deadline_rows(session, case.id or 0)
    log.append(
        session,
        [
            log.event_leaf(event, case, after),
            *(log.letter_leaf(x) for x in letters),
            *(log.entry_leaf(line) for line in change.ledger),
        ],
    )
    return Written(case, event, workflow, letters)


def _closed(deadlines: Sequence[Deadline], *, seq: int, on: date) -> list[SimpleNamespace]:
    """The case's deadlines after `_CLOSE_DEADLINES` closed the open ones at `seq` on `on`,
    as the database now has them (the caller's objects are left as they read them)."""
    after = []
    for d in deadlines:
        row = SimpleNamespace(**values_of(d, _DEADLINE_COLUMNS))
        if d.closed_seq is None:
            row.closed_seq, row.closed_on, row.met = seq, on, on <= d.due_date
        after.append(row)
    return after


def _undo_deadlines(session: Session, case: Case, *, undone: int, seq: int, on: date) -> None:
    """Undo what event `undone` did to the deadlines: those it opened close at `seq` (neither
    met nor missed: the step never happened), those it closed open again as they were."""
    session.execute(
        update(Deadline)
        .where(
            col(Deadline.case_id) == case.id,
            col(Deadline.opened_seq) == undone,
            col(Deadline.closed_seq).is_(None),
        )
        .values(closed_seq=seq, closed_on=on, met=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Deadline)
        .where(col(Deadline.case_id) == case.id, col(Deadline.closed_seq) == undone)
        .values(closed_seq=None, closed_on=None, met=None)
        .execution_options(synchronize_session=False)
    )


def _recompute(app: App, session: Session, case: Case, workflow: Workflow) -> None:
    """Give each open deadline the due date `workflow`'s rule of the same state and name
    gives from the same anchor (a deadline it no longer declares keeps its own)."""
    rules = {(s.name, r.name): r for s in workflow.states.values() for r in s.deadlines}
    for deadline in session.exec(
        select(Deadline).where(Deadline.case_id == case.id, col(Deadline.closed_seq).is_(None))
    ).all():
        rule = rules.get((deadline.state, deadline.name))
        if rule is not None:
            deadline.due_date = due_date(rule, deadline.anchor_date, app.calendar)
            deadline.amount, deadline.unit = rule.amount, rule.unit.value
            deadline.basis, deadline.confidence = rule.basis, rule.confidence
            session.add(deadline)


def _event(
    case: Case, change: Change, *, seq: int, source: str | None, actor: str, now: datetime
) -> CaseEvent:
    values = event_values(
        case.id or 0,
        case.workflow_version,
        seq=seq,
        at=now,
        on=change.on,
        actor=actor,
        trigger=change.trigger,
        source=source,
        dest=change.dest,
        note=change.note,
        inputs=dict(change.inputs),
        late=list(change.late),
    )
    values.update(prev_hash=None, hash=None, id=None)  # sealed later
    return loaded_row(CaseEvent, values)


def event_values(
    case_id: int,
    workflow_version: str,
    *,
    seq: int,
    at: datetime,
    on: date,
    actor: str,
    trigger: str,
    source: str | None,
    dest: str,
    note: str,
    inputs: dict[str, str],
    late: list[str],
) -> dict[str, Any]:
    """An event row's values before its seal (`_event`'s, and an import's plain rows)."""
    return {
        "case_id": case_id,
        "seq": seq,
        "at": at,
        "on": on,
        "actor": actor,
        "trigger": trigger,
        "source": source,
        "dest": dest,
        "note": note,
        "inputs": inputs,
        "late": late,
        "workflow_version": workflow_version,
    }


def issue_letters(
    app: App,
    session: Session,
    case: Case,
    change: Change,
    given: Sequence[CheckedLetter],
    *,
    seq: int,
    actor: str,
    now: datetime,
    issue: IssueLetter = issue_letter,
) -> list[Letter]:
    """Issue (or record as received) the letters `change` carries, checked by `check_letters`."""
    external = (
        external_kinds(app, session, case, change.letters, values_by_kind(change))
        if change.incoming
        else {}
    )
    letters = []
    for i, kind in enumerate(change.letters):
        if kind in external:
            spec = spec_of(app, kind)
            letters.append(
                received.record_incoming(
                    app,
                    session,
                    case,
                    kind,
                    change.incoming[kind],
                    sender=external[kind],
                    title=spec.title,
                    confidential=spec.confidential,
                    on=change.on,
                    actor=actor,
                    now=now,
                    event_seq=seq,
                    data=change.letter_data_each[i] if change.letter_data_each else None,
                )
            )
            continue
        letters.append(
            issue(
                app,
                session,
                case,
                kind,
                on=change.on,
                actor=actor,
                now=now,
                event_seq=seq,
                given=given[i].values,
                step=(change.trigger, change.inputs),
                checked=given[i],
            )
        )
    return letters


def entered_deadlines(app: App, case: Case, workflow: Workflow, event: CaseEvent) -> list[Deadline]:
    """The deadlines entering `event.dest` opens (anchored on the day it was entered, or on
    the dated case fact the rule names; a rule whose fact this case lacks does not open)."""
    opened = []
    for rule in workflow.state(event.dest).deadlines:
        if rule.contest_kind is not None and case.facts.get(CONTEST_KIND) != rule.contest_kind:
            continue  # a window of the other kind of contest (Pemilu / Pilkada)
        if rule.anchor == "entered":
            anchor = event.on
        else:
            value = case.facts.get(rule.anchor)
            if value is None:
                continue  # the fact it counts from is not known on this path
            anchor = date.fromisoformat(value)
        values = {
            "case_id": case.id or 0,
            "name": rule.name,
            "label": rule.label,
            "state": event.dest,
            "opened_seq": event.seq,
            "anchor_date": anchor,
            "due_date": due_date(rule, anchor, app.calendar),
            "unit": rule.unit.value,
            "amount": rule.amount,
            "direction": rule.direction.value,
            "on_miss": rule.on_miss.value,
            "confidence": rule.confidence,
            "basis": rule.basis,
            "closed_seq": None,
            "closed_on": None,
            "met": None,
            "id": None,
        }
        opened.append(loaded_row(Deadline, values))
    return opened


# -- opening ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Opening:
    """A new case: its row (not yet written), its allegations and its first change."""

    case: Case
    violation_codes: Sequence[str]
    description: str
    change: Change


# The steps of an opening, for the opening of new cases (sanctions.cases.batch.open_batch:
# a batch of one for `case open`, a receipt or an accepted bundle; thousands for an import).
def report_columns(case: Case, violation_codes: Sequence[str]) -> None:
    """Fill a new case's columns the reports group by (`db.models.report_values`): its
    employee snapshot's jabatan and position type, as `sanctions.reports.service` reads the
    snapshot, and the distinct codes of its allegations, sorted and joined."""
    # as `construct` builds the row: no attribute events
    case.__dict__.update(report_values(case.employee_snapshot, violation_codes))


def case_reference(case_id: int, reported_on: date) -> str:
    """A new case's reference, from its id and the year it was reported."""
    return f"NET-{reported_on.year}-{case_id:06d}"


def first_change(change: Change, letters: Literal["issue", "issued_elsewhere"]) -> Change:
    """A new case's first change as written: with `issued_elsewhere`, its letters are not
    issued and the event records which, under `NOT_ISSUED`."""
    if letters == "issued_elsewhere" and change.letters:
        inputs = not_issued(change.inputs, change.letters)
        return Change(**{**change.__dict__, "inputs": inputs, "letters": ()})
    return change


def not_issued(inputs: Mapping[str, str], letters: Sequence[str]) -> dict[str, str]:
    """A first event's inputs when the letters its state declares were issued elsewhere."""
    return {**inputs, NOT_ISSUED: ",".join(letters)} if letters else dict(inputs)


def opening_event(case: Case, change: Change, *, actor: str, now: datetime) -> CaseEvent:
    """A new case's first event (unsealed), numbered 1."""
    return _event(case, change, seq=1, source=None, actor=actor, now=now)


# -- the writing transaction --------------------------------------------------------------
