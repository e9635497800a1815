"""Sealing each case event into the chain, and verifying every chain (`sanctions audit`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from sanctions.db.bulk import values_of
from sanctions.db.models import Case, CaseEvent, Letter
from sanctions.trust.chain import ChainedEvent, check_chain, fields_hash


def _chained(event: CaseEvent, letters: list[str]) -> ChainedEvent:
    return ChainedEvent(
        case_id=event.case_id,
        seq=event.seq,
        at=event.at,
        on=event.on,
        actor=event.actor,
        trigger=event.trigger,
        source=event.source,
        dest=event.dest,
        note=event.note,
        inputs=event.inputs,
        late=event.late,
        workflow_version=event.workflow_version,
        letters=letters,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def sealed(event: CaseEvent, *, prev_hash: str, letters: Sequence[str]) -> CaseEvent:
    """`event` chained to the case's previous event (`prev_hash`), its hash covering the
    SHA-256 of the letters it issued, in issue order. Pure: the write path
    (`sanctions.cases.changes`) calls it once the change's letters exist, before the event's
    single INSERT."""
    digest = fields_hash(values_of(event, _HASHED), letters, prev_hash)
    if object_session(event) is None:
        # out of any session (the write path inserts its events with Core): nothing tracks
        # the object, so its values are set as `construct` set the others (no attribute
        # event, no validation: a tenth of the cost)
        event.__dict__.update(prev_hash=prev_hash, hash=digest)
    else:
        event.prev_hash, event.hash = prev_hash, digest
    return event


# the event's fields its hash covers (with the letters and the previous hash)
_HASHED = ("case_id", "seq", "at", "on", "actor", "trigger", "source", "dest", "note",
           "inputs", "late", "workflow_version")  # fmt: skip


@dataclass(frozen=True)
class AuditFinding:
    reference: str
    seq: int
    what: str


def verify(session: Session, reference: str | None = None) -> tuple[int, list[AuditFinding]]:
    """Recompute every chain (or one case's); returns (cases checked, findings). A case whose
    cached state differs from its log's last event is a finding too."""
    query = select(Case)
    if reference:
        query = query.where(Case.reference == reference)
    findings, checked = [], 0
    for case in session.exec(query.order_by(col(Case.id))).all():
        checked += 1
        events = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
        ).all()
        letters: dict[int, list[str]] = {}
        for seq, digest in session.exec(
            select(Letter.event_seq, Letter.sha256)
            .where(Letter.case_id == case.id, col(Letter.event_seq).is_not(None))
            .order_by(col(Letter.id))
        ).all():
            letters.setdefault(seq or 0, []).append(digest)
        problem = check_chain([_chained(e, letters.get(e.seq, [])) for e in events])
        if problem is not None:
            findings.append(AuditFinding(case.reference, problem.seq, problem.what))
        elif not events or events[-1].dest != case.state or len(events) != case.version:
            findings.append(
                AuditFinding(
                    case.reference,
                    case.version,
                    f"the case says {case.state!r} (version {case.version}) but its log ends "
                    f"in {events[-1].dest if events else 'nothing'!r} after {len(events)} events",
                )
            )
    return checked, findings
