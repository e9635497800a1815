"""Who signs an issuer's letters on a given date: its signers with their validity dates.

An issuer's head changes while cases are open (a regent elected in November takes office the
next year; a Kepala BKPSDM is replaced, or a Plt. acts for a while). Each signer is registered
with the period they hold the office; a letter is signed by the one in office on its date,
and an agency without a registered signer is signed by its own head fields (`agency add
--ppk-title/--ppk-name`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from sanctions.db.models import IssuerSigner
from sanctions.errors import Conflict, InputError
from sanctions.registry.nip import parse_nip
from sanctions.registry.service import agency_by_code
from sanctions.trust.access import require_role

ACTING = ("", "Plt.", "Plh.")  # pelaksana tugas / pelaksana harian
ON_BEHALF_PREFIXES = ("a.n. ", "u.b. ")  # atas nama / untuk beliau


@dataclass(frozen=True)
class SignerInput:
    agency_code: str
    title: str
    name: str
    valid_from: date
    valid_until: date | None = None
    nip: str | None = None
    rank: str | None = None
    acting: str = ""
    on_behalf: str = ""


def check_signer(data: SignerInput, *, today: date) -> str | None:
    """The NIP as 18 digits (None for an elected official); InputError for a bad value."""
    if not data.title.strip() or not data.name.strip():
        raise InputError("a signer needs a title (jabatan) and a name")
    if data.acting not in ACTING:
        raise InputError(f"--acting must be Plt. or Plh. (or empty), not {data.acting!r}")
    if data.on_behalf and not data.on_behalf.startswith(ON_BEHALF_PREFIXES):
        raise InputError(
            f"--on-behalf must start with 'a.n. ' or 'u.b. ' (e.g. 'a.n. Bupati Sleman'), "
            f"not {data.on_behalf!r}"
        )
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise InputError(
            f"the period ends ({data.valid_until}) before it starts ({data.valid_from})"
        )
    return parse_nip(data.nip, employee_type="PNS", today=today).digits if data.nip else None


def overlaps(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    """Whether two inclusive periods (None: open-ended) share a day."""
    return (a_until is None or b_from <= a_until) and (b_until is None or a_from <= b_until)


def add_signer(session: Session, data: SignerInput, *, actor: str, now: datetime) -> IssuerSigner:
    """Register who signs for an agency in a period; a period that overlaps another signer's
    is refused (one letter, one signer)."""
    require_role(session, actor, ["admin"], what="registering a signer")
    nip = check_signer(data, today=now.date())
    agency = agency_by_code(session, data.agency_code)
    for other in session.exec(
        select(IssuerSigner).where(IssuerSigner.agency_id == agency.id)
    ).all():
        if overlaps(data.valid_from, data.valid_until, other.valid_from, other.valid_until):
            until = other.valid_until or "further notice"
            raise Conflict(
                f"{other.name} signs for {agency.code} from {other.valid_from} until {until}: "
                f"end that period first (`sanctions agency signer end {agency.code} "
                f"{other.id} --on DATE`) or start this one after it"
            )
    signer = IssuerSigner(
        agency_id=agency.id or 0,
        title=data.title.strip(),
        name=data.name.strip(),
        nip=nip,
        rank=data.rank,
        acting=data.acting,
        on_behalf=data.on_behalf,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        added_by=actor,
        added_at=now,
    )
    session.add(signer)
    session.flush()
    return signer


def end_signer(
    session: Session, agency_code: str, signer_id: int, *, last_day: date, actor: str
) -> IssuerSigner:
    """Close an open or later-ending period on `last_day` (a signer leaves office)."""
    require_role(session, actor, ["admin"], what="ending a signer's period")
    agency = agency_by_code(session, agency_code)
    signer = session.get(IssuerSigner, signer_id)
    if signer is None or signer.agency_id != agency.id:
        raise InputError(f"{agency.code} has no signer #{signer_id} (see `agency signer list`)")
    if last_day < signer.valid_from:
        raise InputError(f"{signer.name} only starts on {signer.valid_from}, after {last_day}")
    if signer.valid_until is not None and signer.valid_until <= last_day:
        raise InputError(f"{signer.name}'s period already ends on {signer.valid_until}")
    signer.valid_until = last_day
    session.add(signer)
    session.flush()
    return signer


def signers_of(session: Session, agency_code: str) -> list[IssuerSigner]:
    agency = agency_by_code(session, agency_code)
    return list(
        session.exec(
            select(IssuerSigner)
            .where(IssuerSigner.agency_id == agency.id)
            .order_by(col(IssuerSigner.valid_from))
        ).all()
    )


def signer_on(session: Session, agency_id: int, on: date) -> IssuerSigner | None:
    """The signer in office for agency `agency_id` on `on`, if one is registered."""
    for signer in session.exec(
        select(IssuerSigner)
        .where(IssuerSigner.agency_id == agency_id, col(IssuerSigner.valid_from) <= on)
        .order_by(col(IssuerSigner.valid_from).desc())
    ).all():
        if signer.valid_until is None or on <= signer.valid_until:
            return signer
    return None
