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

from sqlalchemy import column, table
from sqlmodel import Session, col, select

from sanctions.db.models import Agency, Letter
from sanctions.letters import store
from sanctions.letters.service import embedded_number

Verdict = Literal["VALID", "ALTERED", "UNKNOWN"]


@dataclass(frozen=True)
class PublicAnswer:
    verdict: Verdict
    detail: str  # one sentence in Indonesian, for the page
    issuer: str | None = None
    number: str | None = None
    issued_on: date | None = None
    kind: str | None = None  # the document's title, e.g. "Surat Panggilan I"
    sifat: str | None = None


@dataclass(frozen=True)
class _Issued:
    """An issued letter's public metadata: all the page may read of it."""

    issuer: str | None
    number: str
    issued_on: date
    title: str
    sifat: str | None
    content_hash: str


# On PostgreSQL the page's login may not read a Rahasia letter's row (its content): it reads
# the metadata view migration 0021 gives, the same columns for every letter. SQLite is one
# office: the table itself.
_PUBLIC = table(
    "letters_public",
    *(column(name) for name in ("id", "issuer_name", "number", "issued_on", "title", "sifat",
                                "content_hash", "sha256", "incoming")),
)  # fmt: skip


def _find(session: Session, **equal: str) -> list[_Issued]:
    """The issued letters whose columns have these values, oldest first."""
    if session.get_bind().dialect.name == "postgresql":
        query = select(*(_PUBLIC.c[n] for n in ("issuer_name", "number", "issued_on", "title",
                                                  "sifat", "content_hash")))  # fmt: skip
        query = query.where(_PUBLIC.c.incoming.is_(False))
        for name, value in equal.items():
            query = query.where(_PUBLIC.c[name] == value)
        return [_Issued(*row) for row in session.execute(query.order_by(_PUBLIC.c.id)).all()]
    rows = session.exec(
        select(Letter, Agency.name)
        .join(Agency, col(Agency.id) == Letter.agency_id, isouter=True)
        .where(col(Letter.incoming).is_(False))
        .where(*(getattr(Letter, name) == value for name, value in equal.items()))
        .order_by(col(Letter.id))
    ).all()
    return [
        _Issued(name, x.number, x.issued_on, x.title, _sifat(x), x.content_hash) for x, name in rows
    ]


def _sifat(letter: Letter) -> str | None:
    sifat = letter.context.get("doc", {}).get("sifat") if isinstance(letter.context, dict) else None
    return "Rahasia" if letter.confidential else (str(sifat) if sifat else None)


def _answer(letter: _Issued, verdict: Verdict, detail: str) -> PublicAnswer:
    return PublicAnswer(
        verdict=verdict,
        detail=detail,
        issuer=letter.issuer,
        number=letter.number,
        issued_on=letter.issued_on,
        kind=letter.title,
        sifat=letter.sifat,
    )


def by_content_hash(session: Session, content_hash: str) -> PublicAnswer:
    """The QR code's question: was a letter with this content issued?"""
    digest = content_hash.strip().lower()
    found = _find(session, content_hash=digest)
    if not found:
        return PublicAnswer("UNKNOWN", "Tidak ada surat yang diterbitkan dengan kode ini.")
    return _answer(found[0], "VALID", "Surat ini diterbitkan dan tercatat.")


def by_number(session: Session, number: str, short_hash: str) -> PublicAnswer:
    """A number and the short hash printed beside the QR code (the first 16 hex digits of
    the content hash, spaces ignored)."""
    wanted = "".join(short_hash.split()).lower()
    letters = _find(session, number=number.strip())
    if not letters:
        return PublicAnswer("UNKNOWN", "Tidak ada surat yang diterbitkan dengan nomor ini.")
    for letter in letters:
        if len(wanted) >= 16 and letter.content_hash.startswith(wanted):
            return _answer(letter, "VALID", "Nomor dan kode cocok dengan surat ini.")
    return _answer(
        letters[0],
        "ALTERED",
        "Nomor ini diterbitkan, tetapi kodenya tidak cocok: isi surat yang Anda pegang berbeda.",
    )


def by_file(session: Session, data: bytes) -> PublicAnswer:
    """The PDF itself: byte for byte the issued file, or a file claiming an issued number."""
    same = _find(session, sha256=store.sha256(data))
    if same:
        return _answer(same[0], "VALID", "Berkas ini sama persis dengan surat yang terbit.")
    claimed_number = embedded_number(data)
    if claimed_number:
        claimed = _find(session, number=claimed_number)
        if claimed:
            return _answer(
                claimed[0],
                "ALTERED",
                "Berkas ini mengaku sebagai surat yang terbit, tetapi isinya telah diubah.",
            )
    return PublicAnswer("UNKNOWN", "Berkas ini tidak cocok dengan surat mana pun yang terbit.")
