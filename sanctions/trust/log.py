"""The append-only Merkle log: every record that matters, as written, in one RFC 6962 tree.

A leaf is one record in canonical JSON (`log_leaves`, index 0, 1, 2, … with no gap), written in
the transaction that writes the record, so a record and its leaf commit or roll back together:

  cases:ID                 the case as opened: reference, register number, agency, employee,
                           contest, dates, the employee snapshot, who opened it, its allegations
  case_events:CASE:SEQ     each event (every field, its chain hash) with the case after it:
                           state, version, facts, workflow version, and, when the change
                           touched them, a digest of each of the case's deadlines
  letters:ID               each letter: number, date, kind, sifat, series, issuer, file SHA-256,
                           path, the SHA-256 of the context it was rendered from, ...
  deadline_entries:ID      each line of a deadline's ledger (suspension, extension)
  reminder_steps:ID        each escalation step the reminder job took
  letter_reservations:ID   each reserved letter number, again each time it is used or voided
                           (the latest leaf of the ref is the one the live row must match)
  role_grants:ID           each role granted
  access_events:ID         each refusal
  law_pins:NAME:SHA256     each pin of the law in force
  trusted_keys:ID          each other installation's key trusted (docs/exchange.md)
  case_origins:CASE        where a case accepted from a bundle was opened
  accepted_bundles:ID      each case bundle accepted

Appending takes the next indexes from the `log_head` row (an UPDATE that locks it until
commit, so parallel writers queue and the indexes stay gapless). `verify` recomputes every
leaf hash and compares every live record with its leaf, the case's current state, facts and
deadlines with its latest event's leaf, and the letter counters with the numbers given; with
a signed checkpoint (`sanctions.trust.checkpoints`) it also proves the log only grew since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, func, select

from sanctions.db import bulk
from sanctions.db.models import (
    AcceptedBundle,
    AccessEvent,
    Allegation,
    Case,
    CaseEvent,
    CaseOrigin,
    Deadline,
    DeadlineEntry,
    LawPin,
    Letter,
    LetterReservation,
    LetterSequence,
    LogLeaf,
    ReminderStep,
    RoleGrant,
    TrustedKey,
    report_values,
)
from sanctions.trust.merkle import leaf_hash

Leaf = tuple[str, str, dict[str, Any]]  # (kind, ref, payload)

_BUMP = text("UPDATE log_head SET size = size + :n WHERE id = 1 RETURNING size")
_HEAD = text("INSERT INTO log_head (id, size) VALUES (1, 0) ON CONFLICT DO NOTHING")


# -- canonical records ----------------------------------------------------------------------
def plain(value: Any) -> Any:
    """JSON values, read back the same from SQLite and PostgreSQL (datetimes in UTC to the
    second, as the event chain has them)."""
    cls = value.__class__
    if cls in _SIMPLE:
        return value  # most values: before the ABC checks below, which cost more
    if cls is dict:  # a plain dict (a snapshot, facts, inputs): its values mostly plain
        return {str(k): v if v.__class__ in _SIMPLE else plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, datetime):
        global _LAST_TIME
        last = _LAST_TIME  # one read: another thread may replace it (a tuple, whole)
        if value is last[0]:  # an import's thousands of rows share their `now`
            return last[1]
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        text = utc.replace(tzinfo=None, microsecond=0).isoformat()
        _LAST_TIME = (value, text)
        return text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_LAST_TIME: tuple[Any, str] = (None, "")  # the datetime plain() was given last, and its text


def canonical(payload: Mapping[str, Any]) -> bytes:
    return _CANONICAL(payload).encode("utf-8")


# json.dumps with these options builds this encoder anew at every call
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def leaf_hex(payload: Mapping[str, Any]) -> str:
    return leaf_hash(canonical(payload)).hex()


def _row(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    # a row object's loaded values are read from its __dict__ (bulk.values_of), not through
    # the ORM's attribute descriptor (a few times the cost, at an import's hundreds of
    # thousands); values already plain are kept as they are
    return _plain_row(bulk.values_of(obj, fields))


def _plain_row(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        n: v if v.__class__ in _SIMPLE else _DATE(v) if v.__class__ is date else plain(v)
        for n, v in values.items()
    }


_DATE = date.isoformat  # a date (not a datetime): most of a deadline's values not plain already


_SIMPLE = frozenset((str, int, float, bool, type(None)))  # plain already


_CASE = ("id", "reference", "register_number", "agency_id", "employee_id", "contest_id",
         "reported_on", "act_date", "employee_snapshot", "opened_by", "opened_at")  # fmt: skip
_EVENT = ("case_id", "seq", "at", "on", "actor", "trigger", "source", "dest", "note", "inputs",
          "late", "workflow_version", "prev_hash", "hash")  # fmt: skip
_LETTER = ("id", "case_id", "event_seq", "agency_id", "kind", "title", "series", "year", "seq",
           "number", "issued_on", "issued_at", "issued_by", "confidential", "sha256",
           "content_hash", "path", "pages", "signed", "rerender_of")  # fmt: skip
_DEADLINE = ("name", "label", "state", "opened_seq", "anchor_date", "due_date", "unit",
             "amount", "direction", "on_miss", "confidence", "basis", "closed_seq",
             "closed_on", "met")  # fmt: skip
_ENTRY = ("id", "deadline_id", "case_id", "kind", "amount", "start", "end", "reason", "basis",
          "event_seq")  # fmt: skip
_STEP = ("id", "case_id", "deadline_id", "step_key", "issued_on", "letter_id", "event_seq",
         "created_at")  # fmt: skip
_RESERVATION = ("id", "agency_id", "series", "year", "seq", "for_date", "reserved_by",
                "reserved_at", "state", "letter_id", "closed_by", "closed_at",
                "void_reason")  # fmt: skip
_GRANT = ("id", "username", "role", "agency_id")
_REFUSAL = ("id", "at", "actor", "command", "reason")
_PIN = ("name", "sha256", "pinned_at", "pinned_by", "note")
_TRUSTED = ("id", "key_id", "public_key", "issuers", "label", "added_by", "added_at")
_ORIGIN = ("case_id", "origin_key", "origin_reference")
_BUNDLE = ("id", "bundle_id", "case_id", "sender", "key_id", "events", "accepted_by",
           "accepted_at")  # fmt: skip


_TABLES: Any = {"deadlines": Deadline.__table__, "leaves": LogLeaf.__table__}  # type: ignore[attr-defined]
# Built once: SQLAlchemy then skips building and compiling them on every step.
_DEADLINE_ROWS = select(*(_TABLES["deadlines"].c[name] for name in _DEADLINE)).where(
    _TABLES["deadlines"].c.case_id == bindparam("case_id")
)
_INSERT_LEAVES = _TABLES["leaves"].insert()


def case_leaf(case: Case, allegations: Iterable[tuple[str, str]]) -> Leaf:
    return case_leaf_of(bulk.values_of(case, _CASE), allegations)


def case_leaf_of(values: Mapping[str, Any], allegations: Iterable[tuple[str, str]]) -> Leaf:
    """`case_leaf` from the case row's values (an opening of thousands builds them as dicts)."""
    payload = {
        **{n: v if (v := values[n]).__class__ in _SIMPLE else plain(v) for n in _CASE},
        "allegations": sorted([c, d] for c, d in allegations),
    }
    return "case", f"cases:{values['id']}", payload


def deadline_rows(session: Session, case_id: int) -> list[Any]:
    """The case's deadlines as the database has them now (plain rows: the session's objects,
    which callers may still hold with the values they read, are left as they are)."""
    return list(session.connection().execute(_DEADLINE_ROWS, {"case_id": case_id}).all())


def deadline_key(deadline: Any) -> str:
    return f"{deadline.state}.{deadline.name}@{deadline.opened_seq}"


def deadline_digests(deadlines: Iterable[Any]) -> dict[str, str]:
    return {
        deadline_key(d): hashlib.sha256(canonical(_row(d, _DEADLINE))).hexdigest()
        for d in deadlines
    }


def event_leaf(event: CaseEvent, case: Case, deadlines: Iterable[Any] | None) -> Leaf:
    after = (case.state, case.version, case.facts, case.workflow_version)
    return event_leaf_of(bulk.values_of(event, _EVENT), after, deadlines)


def event_leaf_of(
    values: Mapping[str, Any],
    after: tuple[str, int, Mapping[str, Any], str],
    deadlines: Iterable[Any] | None,
) -> Leaf:
    """`event_leaf` from the event row's values and the case's (state, version, facts,
    workflow version) after it (an opening of thousands builds them as dicts)."""
    state, version, facts, workflow_version = after
    payload: dict[str, Any] = {
        **{n: v if (v := values[n]).__class__ in _SIMPLE else plain(v) for n in _EVENT},
        "after": {
            "state": state,
            "version": version,
            "facts": plain(facts),
            "workflow_version": workflow_version,
        },
    }
    if deadlines is not None:
        payload["deadlines"] = deadline_digests(deadlines)
    return "event", f"case_events:{values['case_id']}:{values['seq']}", payload


def context_sha256(context: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(plain(context))).hexdigest()


def letter_leaf(letter: Letter) -> Leaf:
    payload = {**_row(letter, _LETTER), "context_sha256": context_sha256(letter.context)}
    if letter.incoming:  # a letter received, not issued (sanctions/letters/incoming.py)
        payload |= _row(letter, ("incoming", "received_on", "subject"))
    return "letter", f"letters:{letter.id}", payload


def entry_leaf(entry: DeadlineEntry) -> Leaf:
    return "deadline_entry", f"deadline_entries:{entry.id}", _row(entry, _ENTRY)


def step_leaf(step: ReminderStep) -> Leaf:
    return "reminder_step", f"reminder_steps:{step.id}", _row(step, _STEP)


def reservation_leaf(reservation: LetterReservation) -> Leaf:
    ref = f"letter_reservations:{reservation.id}"
    return "reservation", ref, _row(reservation, _RESERVATION)


def grant_leaf(grant: RoleGrant) -> Leaf:
    return "grant", f"role_grants:{grant.id}", _row(grant, _GRANT)


def refusal_leaf(refusal: AccessEvent) -> Leaf:
    return "refusal", f"access_events:{refusal.id}", _row(refusal, _REFUSAL)


def pin_leaf(pin: Any) -> Leaf:
    return "pin", f"law_pins:{pin.name}:{pin.sha256}", _row(pin, _PIN)


def trusted_key_leaf(key: TrustedKey) -> Leaf:
    return "trusted_key", f"trusted_keys:{key.id}", _row(key, _TRUSTED)


def origin_leaf(origin: CaseOrigin) -> Leaf:
    return "case_origin", f"case_origins:{origin.case_id}", _row(origin, _ORIGIN)


def bundle_leaf(bundle: AcceptedBundle) -> Leaf:
    return "accepted_bundle", f"accepted_bundles:{bundle.id}", _row(bundle, _BUNDLE)


# -- appending ------------------------------------------------------------------------------
def append(session: Session, leaves: Sequence[Leaf]) -> None:
    """Append `leaves` at the log's next indexes, in the caller's transaction."""
    if not leaves:
        return
    connection = session.connection()
    if len(leaves) > bulk.COPY_FROM:
        # a batch (an import): the head bumped, then the leaves written at the indexes it
        # gives, as `bulk.insert_values` writes (COPY on PostgreSQL, the driver's executemany
        # on SQLite: SQLAlchemy's per-row handling of the parameters costs more)
        size = connection.execute(_BUMP, {"n": len(leaves)}).scalar()
        if size is None:  # the log's first leaf
            connection.execute(_HEAD)
            size = connection.execute(_BUMP, {"n": len(leaves)}).scalar_one()
        start = int(size) - len(leaves)
        indexed = [
            {"idx": start + i, "kind": kind, "ref": ref, "leaf_hash": leaf_hex(payload),
             "payload": payload}
            for i, (kind, ref, payload) in enumerate(leaves)
        ]  # fmt: skip
        bulk.insert_values(connection, _TABLES["leaves"], indexed)
        return
    rows = [
        {"kind": kind, "ref": ref, "leaf_hash": leaf_hex(payload), "payload": payload}
        for kind, ref, payload in leaves
    ]
    if connection.dialect.name == "postgresql":
        # one round trip: the head bumped and the leaves inserted by one statement
        params: dict[str, Any] = {"n": len(rows)}
        for i, row in enumerate(rows):
            params |= {f"k{i}": row["kind"], f"r{i}": row["ref"], f"h{i}": row["leaf_hash"],
                       f"p{i}": json.dumps(row["payload"], ensure_ascii=False)}  # fmt: skip
        statement = _pg_append(len(rows))
        if connection.execute(statement, params).rowcount == len(rows):
            return
        connection.execute(_HEAD)  # the log's first leaf: no head row yet
        connection.execute(statement, params)
        return
    size = connection.execute(_BUMP, {"n": len(rows)}).scalar()
    if size is None:  # the log's first leaf
        connection.execute(_HEAD)
        size = connection.execute(_BUMP, {"n": len(rows)}).scalar_one()
    start = int(size) - len(rows)
    values = [{"idx": start + i, **r} for i, r in enumerate(rows)]
    # one leaf (a step's usual count) as one row's parameters: a list goes the executemany way
    connection.execute(_INSERT_LEAVES, values[0] if len(values) == 1 else values)


_PG_APPENDS: dict[int, Any] = {}


def _pg_append(count: int) -> Any:
    """UPDATE the head and INSERT `count` leaves at the indexes it gives, in one statement."""
    if count not in _PG_APPENDS:
        values = ", ".join(f"({i}, :k{i}, :r{i}, :h{i}, CAST(:p{i} AS json))" for i in range(count))
        _PG_APPENDS[count] = text(
            "WITH head AS (UPDATE log_head SET size = size + :n WHERE id = 1 RETURNING size) "
            "INSERT INTO log_leaves (idx, kind, ref, leaf_hash, payload) "
            "SELECT head.size - :n + v.i, v.kind, v.ref, v.leaf_hash, v.payload "
            f"FROM head, (VALUES {values}) AS v(i, kind, ref, leaf_hash, payload)"
        )
    return _PG_APPENDS[count]


# -- verifying ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogFinding:
    index: int | None  # the leaf, or None for a record the log does not hold
    ref: str
    what: str

    @property
    def order(self) -> tuple[int, str]:
        return (self.index if self.index is not None else 1 << 62, self.ref)


@dataclass(frozen=True)
class LogState:
    size: int
    leaf_hashes: list[bytes]  # as recomputed from the stored payloads
    findings: list[LogFinding]  # first bad record first


def verify(session: Session) -> LogState:
    """Check the whole log against itself and against every live record."""
    leaves = session.exec(select(LogLeaf).order_by(col(LogLeaf.idx))).all()
    head = session.execute(text("SELECT size FROM log_head WHERE id = 1")).scalar()
    findings: list[LogFinding] = []
    hashes: list[bytes] = []
    by_ref: dict[str, LogLeaf] = {}
    for expected, leaf in enumerate(leaves):
        if leaf.idx != expected:
            findings.append(LogFinding(expected, f"leaf #{expected}", "is missing from the log"))
            break
        recomputed = leaf_hash(canonical(leaf.payload))
        hashes.append(recomputed)
        if recomputed.hex() != leaf.leaf_hash:
            findings.append(LogFinding(leaf.idx, leaf.ref, "the leaf no longer matches its hash"))
        by_ref[leaf.ref] = leaf
    if (head or 0) != len(leaves):
        findings.append(
            LogFinding(
                len(leaves), "log_head", f"says {head or 0} leaves, the log holds {len(leaves)}"
            )
        )
    findings += _records(session, by_ref)
    return LogState(len(hashes), hashes, sorted(findings, key=lambda f: f.order))


def _records(session: Session, by_ref: dict[str, LogLeaf]) -> list[LogFinding]:
    found: list[LogFinding] = []
    seen: set[str] = set()

    def check(leaf: Leaf) -> None:
        _, ref, payload = leaf
        seen.add(ref)
        logged = by_ref.get(ref)
        if logged is None:
            found.append(LogFinding(None, ref, "is not in the log (written behind its back)"))
        elif canonical(plain(payload)) != canonical(logged.payload):
            what = _difference(logged.payload, plain(payload))
            found.append(LogFinding(logged.idx, ref, f"differs from its leaf: {what}"))

    cases = {c.id: c for c in session.exec(select(Case)).all()}
    allegations: dict[int, list[tuple[str, str]]] = {}
    for a in session.exec(select(Allegation)).all():
        allegations.setdefault(a.case_id, []).append((a.violation_code, a.description))
    deadlines: dict[int, list[Deadline]] = {}
    for d in session.exec(select(Deadline)).all():
        deadlines.setdefault(d.case_id, []).append(d)
    for case in cases.values():
        alleged = allegations.get(case.id or 0, [])
        check(case_leaf(case, alleged))
        found.extend(_report_columns(case, alleged, by_ref))
    for event in session.exec(select(CaseEvent)).all():
        ref = f"case_events:{event.case_id}:{event.seq}"
        logged = by_ref.get(ref)
        payload = logged.payload if logged is not None else {}
        check(("event", ref, {**_row(event, _EVENT), **{
            k: payload[k] for k in ("after", "deadlines") if k in payload}}))  # fmt: skip
    for letter in session.exec(select(Letter)).all():
        check(letter_leaf(letter))
    for entry in session.exec(select(DeadlineEntry)).all():
        check(entry_leaf(entry))
    for step in session.exec(select(ReminderStep)).all():
        check(step_leaf(step))
    for reservation in session.exec(select(LetterReservation)).all():
        check(reservation_leaf(reservation))
    for grant in session.exec(select(RoleGrant)).all():
        check(grant_leaf(grant))
    for refusal in session.exec(select(AccessEvent)).all():
        check(refusal_leaf(refusal))
    for pin in session.exec(select(LawPin)).all():
        check(pin_leaf(pin))
    for key in session.exec(select(TrustedKey)).all():
        check(trusted_key_leaf(key))
    for origin in session.exec(select(CaseOrigin)).all():
        check(origin_leaf(origin))
    for bundle in session.exec(select(AcceptedBundle)).all():
        check(bundle_leaf(bundle))
    for ref, leaf in by_ref.items():
        if ref not in seen:
            found.append(LogFinding(leaf.idx, ref, "is in the log but its record is gone"))
    found += _case_states(cases, deadlines, by_ref)
    found += _counters(session)
    return found


def _report_columns(
    case: Case, alleged: Sequence[tuple[str, str]], by_ref: Mapping[str, LogLeaf]
) -> list[LogFinding]:
    """The case's report columns (`db.models.report_values`) against the snapshot and the
    allegations its leaf holds: they are copies of them, which a report groups by."""
    expected = report_values(case.employee_snapshot, [code for code, _ in alleged])
    live = {name: getattr(case, name) for name in expected}
    if live == expected:
        return []
    logged = by_ref.get(f"cases:{case.id}")
    what = _difference(expected, live)
    return [
        LogFinding(
            logged.idx if logged is not None else None,
            f"cases:{case.id}",
            f"its report columns disagree with its snapshot and allegations: {what}",
        )
    ]


def _difference(logged: Mapping[str, Any], live: Mapping[str, Any]) -> str:
    keys = [k for k in sorted({*logged, *live}) if logged.get(k) != live.get(k)]
    shown = ", ".join(
        f"{k} {str(logged.get(k))[:40]!r} is now {str(live.get(k))[:40]!r}" for k in keys[:3]
    )
    return shown or "reordered"


def _case_states(
    cases: Mapping[int | None, Case],
    deadlines: Mapping[int, list[Deadline]],
    by_ref: Mapping[str, LogLeaf],
) -> list[LogFinding]:
    """Each case's current state, facts and deadlines against its latest logged event."""
    latest: dict[int, LogLeaf] = {}
    with_deadlines: dict[int, LogLeaf] = {}
    for leaf in by_ref.values():
        if leaf.kind != "event":
            continue
        case_id, seq = int(leaf.payload["case_id"]), int(leaf.payload["seq"])
        if case_id not in latest or seq > int(latest[case_id].payload["seq"]):
            latest[case_id] = leaf
        if "deadlines" in leaf.payload and (
            case_id not in with_deadlines or seq > int(with_deadlines[case_id].payload["seq"])
        ):
            with_deadlines[case_id] = leaf
    found = []
    for key, case in cases.items():
        number = key or 0
        last = latest.get(number)
        if last is None:
            continue
        after = {
            "state": case.state,
            "version": case.version,
            "facts": plain(case.facts),
            "workflow_version": case.workflow_version,
        }
        if canonical(after) != canonical(last.payload["after"]):
            what = _difference(last.payload["after"], after)
            found.append(
                LogFinding(last.idx, f"cases:{number}", f"differs from its latest event: {what}")
            )
        logged = with_deadlines.get(number)
        if logged is not None:
            now = deadline_digests(deadlines.get(number, []))
            then = logged.payload["deadlines"]
            for name in sorted({*now, *then}):
                if now.get(name) != then.get(name):
                    if name not in now:
                        state = "deleted"
                    else:
                        state = "not in the log" if name not in then else "changed"
                    found.append(
                        LogFinding(
                            logged.idx,
                            f"deadlines:{number}:{name}",
                            f"{state} since the case's last logged event",
                        )
                    )
    return found


def _counters(session: Session) -> list[LogFinding]:
    """A letter counter behind the numbers it gave or reserved (rolled back: numbers would
    repeat)."""
    given = {
        (a, s, y): n
        for a, s, y, n in session.exec(
            select(Letter.agency_id, Letter.series, Letter.year, func.max(Letter.seq)).group_by(
                col(Letter.agency_id), col(Letter.series), col(Letter.year)
            )
        ).all()
    }
    for a, s, y, n in session.exec(
        select(
            LetterReservation.agency_id,
            LetterReservation.series,
            LetterReservation.year,
            func.max(LetterReservation.seq),
        ).group_by(
            col(LetterReservation.agency_id),
            col(LetterReservation.series),
            col(LetterReservation.year),
        )
    ).all():
        given[(a, s, y)] = max(n, given.get((a, s, y), 0))
    found = []
    for counter in session.exec(select(LetterSequence)).all():
        top = given.get((counter.agency_id, counter.series, counter.year))
        if top is not None and counter.last_seq < top:
            found.append(
                LogFinding(
                    None,
                    f"letter_sequences:{counter.agency_id}:{counter.series}:{counter.year}",
                    f"the counter says {counter.last_seq} but number {top} was already given",
                )
            )
    return found
