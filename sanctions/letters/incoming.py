"""Letters received from an issuer this installation does not host (docs/exchange.md).

An installation hosts some issuers (`agencies.hosted`): it numbers, renders and signs their
letters. A step whose declared letter belongs to an issuer it does not host (BKN's
recommendation in a regency's BKPSDM, Bawaslu's forwarding letter at BKN) records the letter
as received instead: the sender's own number and date, its subject, the day it arrived and
the received PDF or scan, stored by SHA-256 in the letter store. It is a `letters` row
(`incoming`), written by the step's transaction, covered by the event's hash and the Merkle
log like an issued one, so every later letter cites its real number and date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.db.models import Agency, Case, Letter
from sanctions.errors import Conflict, InputError
from sanctions.letters import store
from sanctions.letters.context import to_json

INCOMING_SERIES = "masuk"  # the installation's register of letters received
MAX_FILE_BYTES = 30 * 1024 * 1024  # a scanned letter of many pages, not an archive
# What a received file may be: a PDF, or a scan as JPEG, PNG or TIFF.
_MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")


@dataclass(frozen=True)
class IncomingLetter:
    """A letter as received: what its sender printed on it and the file that came."""

    number: str
    on: date  # the letter's own date
    data: bytes  # the received PDF or scan
    subject: str = ""  # hal; the kind's title when not given
    received_on: date | None = None  # the day it arrived; the step's date when not given


def problems(letter: IncomingLetter, *, step_on: date) -> list[str]:
    """What is wrong with a received letter as given (every problem, none if it is fine)."""
    found = []
    if not letter.number.strip():
        found.append("the received letter's number is empty (--incoming-number)")
    elif len(letter.number.strip()) > 120:
        found.append("the received letter's number is longer than 120 characters")
    received = letter.received_on or step_on
    if letter.on > received:
        found.append(f"the letter's date {letter.on} is after the day it was received {received}")
    if len(letter.subject) > 500:
        found.append("the received letter's subject is longer than 500 characters")
    if not letter.data:
        found.append("the received file is empty (--incoming-file: the PDF or the scan)")
    elif len(letter.data) > MAX_FILE_BYTES:
        found.append(
            f"the received file is {len(letter.data)} bytes; at most {MAX_FILE_BYTES} are kept"
        )
    elif not letter.data.startswith(_MAGIC):
        found.append("the received file is neither a PDF nor a scan (JPEG, PNG or TIFF)")
    return found


def check_number_free(session: Session, sender: Agency, letter: IncomingLetter) -> None:
    """A number names one letter of its issuer: a different file under the same number is
    refused (the same file again is the same letter, and is refused as already recorded)."""
    found = session.exec(
        select(Letter).where(Letter.agency_id == sender.id, Letter.number == letter.number.strip())
    ).first()
    if found is None:
        return
    same = found.sha256 == store.sha256(letter.data)
    raise Conflict(
        f"{sender.code} letter {found.number} is already recorded "
        f"({'the same file' if same else 'with a different file'}, case {found.case_id}, "
        f"dated {found.issued_on}); nothing was written"
    )


def record_incoming(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    letter: IncomingLetter,
    *,
    sender: Agency,
    title: str,
    confidential: bool,
    on: date,
    actor: str,
    now: datetime,
    event_seq: int | None,
    data: Mapping[str, Any] | None = None,
) -> Letter:
    """Record `letter`, received from `sender` as the case's letter `kind`, in the caller's
    transaction: the file stored by SHA-256, the row numbered in the installation's own
    register of incoming letters. `data`: what the case knows the letter says, kept as its
    context's `data` (a received void: the letter it voids, `voided_number` …)."""
    from sanctions.letters.service import allocate_number

    check_number_free(session, sender, letter)
    received = letter.received_on or on
    seq = allocate_number(
        session, agency_id=sender.id or 0, series=INCOMING_SERIES, year=received.year
    )
    digest, path = store.put(app.settings.letter_store, letter.data)
    row = Letter(
        case_id=case.id or 0,
        event_seq=event_seq,
        agency_id=sender.id or 0,
        kind=kind,
        title=title,
        series=INCOMING_SERIES,
        year=received.year,
        seq=seq,
        number=letter.number.strip(),
        issued_on=letter.on,
        issued_at=now,
        issued_by=actor,
        confidential=confidential,
        sha256=digest,
        content_hash=digest,
        path=path,
        pages=0,
        signed=False,
        context=to_json({"data": dict(data)}) if data else {},
        incoming=True,
        received_on=received,
        subject=letter.subject.strip() or title,
    )
    session.add(row)
    session.flush()
    return row


def incoming_of(session: Session, case: Case) -> list[Letter]:
    """The letters the case received, in the order recorded."""
    return list(
        session.exec(
            select(Letter)
            .where(Letter.case_id == case.id, col(Letter.incoming).is_(True))
            .order_by(col(Letter.id))
        ).all()
    )


def require_data(given: IncomingLetter | None, kind: str, sender: Agency) -> IncomingLetter:
    if given is None:
        raise InputError(
            f"{kind} is issued by {sender.code} ({sender.name}), which this installation does "
            "not host: record the letter you received with --incoming-number, --incoming-date "
            "and --incoming-file (the PDF or scan); nothing was written"
        )
    return given
