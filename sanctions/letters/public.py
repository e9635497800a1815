"""What anyone holding a letter may learn about it: whether it was issued, and if so its public
metadata only (issuer, number, date, kind, sifat). Never the content of a letter, Rahasia or
not: a verification page answers strangers.

Only letters issued here answer: a letter this installation received from another issuer
(`incoming`) is that issuer's to vouch for. Three ways to ask, as the public page offers
them: the content hash the QR code carries, a number with its hash (typed from the letter's
footer), or the PDF itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlmodel import Session, col, select

from sanctions.db.models import Agency, Letter
from sanctions.letters import store
from sanctions.letters.service import embedded_number

Verdict = Literal["VALID", "ALTERED", "UNKNOWN"]
_ISSUED = col(Letter.incoming).is_(False)


@dataclass(frozen=True)
class PublicAnswer:
    verdict: Verdict
    detail: str  # one sentence in Indonesian, for the page
    issuer: str | None = None
    number: str | None = None
    issued_on: date | None = None
    kind: str | None = None  # the document's title, e.g. "Surat Panggilan I"
    sifat: str | None = None


def _answer(session: Session, letter: Letter, verdict: Verdict, detail: str) -> PublicAnswer:
    agency = session.get(Agency, letter.agency_id)
    sifat = letter.context.get("doc", {}).get("sifat") if isinstance(letter.context, dict) else None
    return PublicAnswer(
        verdict=verdict,
        detail=detail,
        issuer=agency.name if agency else None,
        number=letter.number,
        issued_on=letter.issued_on,
        kind=letter.title,
        sifat=str(sifat) if sifat else ("Rahasia" if letter.confidential else None),
    )


def by_content_hash(session: Session, content_hash: str) -> PublicAnswer:
    """The QR code's question: was a letter with this content issued?"""
    digest = content_hash.strip().lower()
    letter = session.exec(select(Letter).where(Letter.content_hash == digest, _ISSUED)).first()
    if letter is None:
        return PublicAnswer("UNKNOWN", "Tidak ada surat yang diterbitkan dengan kode ini.")
    return _answer(session, letter, "VALID", "Surat ini diterbitkan dan tercatat.")


def by_number(session: Session, number: str, short_hash: str) -> PublicAnswer:
    """A number and the short hash printed beside the QR code (the first 16 hex digits of
    the content hash, spaces ignored)."""
    wanted = "".join(short_hash.split()).lower()
    letters = session.exec(select(Letter).where(Letter.number == number.strip(), _ISSUED)).all()
    if not letters:
        return PublicAnswer("UNKNOWN", "Tidak ada surat yang diterbitkan dengan nomor ini.")
    for letter in letters:
        if len(wanted) >= 16 and letter.content_hash.startswith(wanted):
            return _answer(session, letter, "VALID", "Nomor dan kode cocok dengan surat ini.")
    return _answer(
        session,
        letters[0],
        "ALTERED",
        "Nomor ini diterbitkan, tetapi kodenya tidak cocok: isi surat yang Anda pegang berbeda.",
    )


def by_file(session: Session, data: bytes) -> PublicAnswer:
    """The PDF itself: byte for byte the issued file, or a file claiming an issued number."""
    letter = session.exec(
        select(Letter).where(Letter.sha256 == store.sha256(data), _ISSUED)
    ).first()
    if letter is not None:
        return _answer(session, letter, "VALID", "Berkas ini sama persis dengan surat yang terbit.")
    claimed_number = embedded_number(data)
    if claimed_number:
        claimed = session.exec(
            select(Letter).where(Letter.number == claimed_number, _ISSUED)
        ).first()
        if claimed is not None:
            return _answer(
                session,
                claimed,
                "ALTERED",
                "Berkas ini mengaku sebagai surat yang terbit, tetapi isinya telah diubah.",
            )
    return PublicAnswer("UNKNOWN", "Berkas ini tidak cocok dengan surat mana pun yang terbit.")
