"""An issuer's registers kept as agenda books: numbers rise with dates, reserved numbers.

Each register (a counter of `letter_sequences`: an issuer, a series or all of them, a year)
remembers the date of its latest number. A letter dated on or after it takes the next number;
a letter dated before it takes the earliest free number reserved for its own date, or is
refused (RuleViolation, nothing written) saying the last number and its date and how to
reserve. Reserving (`sanctions letter reserve`) takes numbers in sequence at the time, for a
date on or after the register's last one, as an agenda book keeps nomor cadangan for letters
of that day still to be written. A reserved number serves only a letter of the date it was
reserved for: a letter of a later or earlier date in that place would stand between numbers
of other dates, out of order (docs/letter-kinds.md, "Registers").

An issuer may declare `register_order: recorded` (`agency add|edit --register-order`): its
numbers then follow the order letters are recorded in, whatever their dates, as before this
rule (an office entering a backlog of old steps); `agenda` is the default.

Everything happens in the caller's transaction: the counter row's UPDATE locks it, so parallel
issuers queue and a rollback gives numbers back (gapless); a reserved number is claimed by an
UPDATE that only succeeds while it is still free, so of two letters racing for it one wins
and the other takes the next free one or is refused. Each reservation is a Merkle leaf
(`letter_reservations:ID`), appended again each time it is used or voided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from sanctions.db.models import Agency, LetterReservation, LetterSequence
from sanctions.errors import InputError, NotFound, RuleViolation
from sanctions.letters.letterhead import HEAD_COUNTER, HEAD_PATTERN
from sanctions.letters.numbering import REGISTERS, out_of_order, register_of, uses_placeholder
from sanctions.trust.access import require_role

# Who may reserve or void a register's numbers: those who keep the issuer's letters.
KEEPERS = frozenset({"kepegawaian", "pejabat", "pengawas", "bawaslu", "bpasn"})
MAX_RESERVED_AT_ONCE = 100


@dataclass(frozen=True)
class Taken:
    """The number a letter takes: its register's pattern and counter, the sequence number and
    the reservation it used, if any."""

    pattern: str
    counter: str
    seq: int
    reservation: LetterReservation | None
    out_of_order: str | None = None  # why a remedy's receipt stands out of date order


def _ensure_counter(session: Session, agency_id: int, counter: str, year: int) -> None:
    session.execute(
        text(
            "INSERT INTO letter_sequences (agency_id, series, year, last_seq) "
            "VALUES (:a, :s, :y, 0) ON CONFLICT DO NOTHING"
        ),
        {"a": agency_id, "s": counter, "y": year},
    )


_NEXT = text(
    "UPDATE letter_sequences SET last_seq = last_seq + 1, "
    "last_date = CASE WHEN last_date IS NULL OR last_date < :on THEN :on ELSE last_date END "
    "WHERE agency_id = :a AND series = :s AND year = :y RETURNING last_seq"
)
_NEXT_IN_ORDER = text(
    "UPDATE letter_sequences SET last_seq = last_seq + :n, "
    "last_date = CASE WHEN last_date IS NULL OR last_date < :on THEN :on ELSE last_date END "
    "WHERE agency_id = :a AND series = :s AND year = :y "
    "AND (last_date IS NULL OR last_date <= :on) RETURNING last_seq"
)
_FREE_FOR = text(
    "SELECT id FROM letter_reservations WHERE agency_id = :a AND series = :s AND year = :y "
    "AND for_date = :on AND state = 'free' ORDER BY seq"
)
_CLAIM = text(
    "UPDATE letter_reservations SET state = 'used', closed_by = :actor, closed_at = :now "
    "WHERE id = :id AND state = 'free' RETURNING seq"
)


def take_number(
    session: Session,
    issuer: Agency,
    series: str,
    *,
    pattern: str,
    counter: str,
    on: date,
    actor: str,
    now: datetime,
    remedy: bool = False,
) -> Taken:
    """The number of a letter of `series` dated `on` from `issuer`'s register `counter` (with
    its `pattern`: the letterhead's choice, sanctions/letters/letterhead.py), taken in the
    caller's transaction (RuleViolation when it is back-dated and no number is reserved for
    its date). The receipt of an employee's remedy (`remedy`: a keberatan or banding filed)
    is never refused: back-dated without a reserved number it takes the next number, out of
    the register's date order, and `Taken.out_of_order` says so for the step's warning."""
    agency_id = issuer.id or 0
    _ensure_counter(session, agency_id, counter, on.year)
    params = {"a": agency_id, "s": counter, "y": on.year, "on": on, "n": 1}
    if issuer.register_order == "recorded":  # declared: numbers in the order of recording
        return Taken(pattern, counter, int(session.execute(_NEXT, params).scalar_one()), None)
    seq = session.execute(_NEXT_IN_ORDER, params).scalar()
    if seq is not None:
        return Taken(pattern, counter, int(seq), None)
    for (candidate,) in session.execute(_FREE_FOR, params).all():
        claimed = session.execute(_CLAIM, {"id": candidate, "actor": actor, "now": now}).scalar()
        if claimed is not None:  # another letter may have taken it first: try the next one
            reservation = session.get(LetterReservation, candidate)
            assert reservation is not None
            session.refresh(reservation)
            return Taken(pattern, counter, int(claimed), reservation)
    row = session.get(LetterSequence, (agency_id, counter, on.year))
    assert row is not None and row.last_date is not None
    session.refresh(row)
    why = out_of_order(
        register=_register_name(series, counter),
        on=on,
        last_date=row.last_date,
        last_seq=row.last_seq,
        issuer=issuer.code,
    )
    if remedy:  # an employee's remedy is never denied for the order of a register
        seq = int(session.execute(_NEXT, params).scalar_one())
        return Taken(pattern, counter, seq, None, out_of_order=why)
    raise RuleViolation(why)


def used_by(session: Session, reservation: LetterReservation, letter_id: int) -> None:
    """Record that `letter_id` took the reserved number (after the letter row is written)."""
    from sanctions.trust import log  # the chain's writer: reading a register loads none of it

    reservation.letter_id = letter_id
    session.add(reservation)
    session.flush()
    log.append(session, [log.reservation_leaf(reservation)])


def _register_name(series: str, counter: str) -> str:
    if counter.startswith(HEAD_COUNTER):  # the PPK's own series on the kop jabatan
        return counter
    return series if counter != "*" else "surat"


def _issuer(session: Session, code: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        raise NotFound(f"no agency {code!r}; list them with `sanctions agency list`")
    return agency


def _counter_of(agency: Agency, register: str) -> str:
    head = f"{HEAD_COUNTER}:"
    if register == HEAD_COUNTER or register.startswith(head):
        # the PPK's own series (letters signed in person on the kop jabatan): `ppk`, or
        # `ppk:SERIES` when the head pattern shows the series
        pattern = agency.head_pattern or HEAD_PATTERN
        wanted = (
            f"{head}SERIES ({', '.join(REGISTERS)})"
            if uses_placeholder(pattern, "series")
            else HEAD_COUNTER
        )
        series = register[len(head) :] if register.startswith(head) else None
        if uses_placeholder(pattern, "series") != (series is not None) or (
            series is not None and series not in REGISTERS
        ):
            raise InputError(f"unknown register {register!r} of {agency.code} (use {wanted})")
        return register
    if register not in REGISTERS:
        known = ", ".join((*REGISTERS, HEAD_COUNTER))
        raise InputError(f"unknown register {register!r} (known: {known})")
    return register_of(
        register, numbering_pattern=agency.numbering_pattern, decree_pattern=agency.decree_pattern
    )[1]


def reserve(
    session: Session,
    *,
    issuer: str,
    register: str,
    on: date,
    count: int,
    actor: str,
    now: datetime,
    today: date,
) -> list[LetterReservation]:
    """Reserve the next `count` numbers of `issuer`'s `register` for letters dated `on`, in the
    caller's transaction. `on` may not lie before the register's last date (a number reserved
    today cannot stand for a day already past) nor after `today`."""
    from sanctions.trust import log  # the chain's writer: reading a register loads none of it

    if not 1 <= count <= MAX_RESERVED_AT_ONCE:
        raise InputError(f"--count {count}: reserve from 1 to {MAX_RESERVED_AT_ONCE} numbers")
    if on > today:
        raise InputError(
            f"--date {on.isoformat()} is after today ({today.isoformat()}): numbers are "
            "reserved on the day for that day's letters"
        )
    agency = _issuer(session, issuer)
    require_role(session, actor, KEEPERS, agency_id=agency.id, what="reserving letter numbers")
    counter = _counter_of(agency, register)
    agency_id = agency.id or 0
    _ensure_counter(session, agency_id, counter, on.year)
    params = {"a": agency_id, "s": counter, "y": on.year, "on": on, "n": count}
    last = session.execute(_NEXT_IN_ORDER, params).scalar()
    if last is None:
        row = session.get(LetterSequence, (agency_id, counter, on.year))
        assert row is not None and row.last_date is not None
        session.refresh(row)
        raise RuleViolation(
            f"cannot reserve numbers for {on.isoformat()} in {issuer}'s {register} register: "
            f"its last number {row.last_seq} is dated {row.last_date.isoformat()}, and a number "
            "reserved now would stand after it (reserve on the day, for that day)"
        )
    reserved = [
        LetterReservation(
            agency_id=agency_id,
            series=counter,
            year=on.year,
            seq=seq,
            for_date=on,
            reserved_by=actor,
            reserved_at=now,
        )
        for seq in range(int(last) - count + 1, int(last) + 1)
    ]
    session.add_all(reserved)
    session.flush()
    log.append(session, [log.reservation_leaf(r) for r in reserved])
    return reserved


def reservations(
    session: Session, *, issuer: str | None = None, include_closed: bool = False
) -> list[tuple[LetterReservation, str]]:
    """Reserved numbers (free ones only unless `include_closed`), with their issuer's code."""
    query = select(LetterReservation, Agency.code).join(
        Agency, col(Agency.id) == LetterReservation.agency_id
    )
    if issuer is not None:
        query = query.where(Agency.code == issuer)
    if not include_closed:
        query = query.where(LetterReservation.state == "free")
    order = (col(Agency.code), col(LetterReservation.series), col(LetterReservation.year))
    return [
        (r, code)
        for r, code in session.exec(query.order_by(*order, col(LetterReservation.seq))).all()
    ]


def void(
    session: Session,
    *,
    issuer: str,
    register: str,
    year: int,
    seq: int,
    reason: str,
    actor: str,
    now: datetime,
) -> LetterReservation:
    """Void the unused reserved number `seq` of `issuer`'s `register` for `year`, with a reason:
    it stays in the register, marked void, and is never given."""
    from sanctions.trust import log  # the chain's writer: reading a register loads none of it

    if not reason.strip():
        raise InputError("--reason: say why the reserved number is voided")
    agency = _issuer(session, issuer)
    require_role(session, actor, KEEPERS, agency_id=agency.id, what="voiding a reserved number")
    counter = _counter_of(agency, register)
    found = session.exec(
        select(LetterReservation).where(
            LetterReservation.agency_id == agency.id,
            LetterReservation.series == counter,
            LetterReservation.year == year,
            LetterReservation.seq == seq,
        )
    ).first()
    if found is None:
        raise NotFound(
            f"number {seq} of {issuer}'s {register} register for {year} was not reserved; "
            f"list the free ones with `sanctions letter reserve --list --issuer {issuer}`"
        )
    if found.state != "free":
        raise RuleViolation(
            f"reserved number {seq} of {issuer}'s {register} register for {year} is already "
            f"{found.state}: only a free reserved number can be voided"
        )
    claimed = session.execute(
        text(
            "UPDATE letter_reservations SET state = 'voided', closed_by = :actor, "
            "closed_at = :now, void_reason = :reason WHERE id = :id AND state = 'free'"
        ),
        {"actor": actor, "now": now, "reason": reason.strip(), "id": found.id},
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleViolation(f"reserved number {seq} was used or voided meanwhile")
    session.refresh(found)
    log.append(session, [log.reservation_leaf(found)])
    return found
