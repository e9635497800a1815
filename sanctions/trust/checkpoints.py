"""Signed checkpoints of the Merkle log, and the proof that the log only grew since one.

A checkpoint is a tree head: the log's size and RFC 6962 root, when and by whom it was
signed, the installation's public key and key id, and the hashes of the leaves added since
the previous checkpoint (`leaves_from` .. `size`) with the records they hold, all signed
with the installation's Ed25519 key (`sanctions.trust.keys`) over its canonical JSON. It is
kept in `checkpoints` and given out as a file (`sanctions audit checkpoint`; the reminder job
publishes one daily), so copies live outside the database and its administrator: the
supervisory body can keep them and countersign one as a witness.

`verify_since` checks a checkpoint against the log now: the signature; that the log still
holds its leaves (a deleted tail shows as a shorter log); that the first `size` leaves still
hash to its root, and if not, which leaf changed (by the leaf hashes it carries); and a
consistency proof from its size to today's, verified as any RFC 6962 auditor would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from sanctions.db.models import Checkpoint, LogLeaf
from sanctions.errors import InputError
from sanctions.trust import keys
from sanctions.trust.log import LogFinding, LogState, canonical, plain
from sanctions.trust.merkle import consistency_proof, root, verify_consistency

FORMAT = "sanctions-log-checkpoint/1"
_FIELDS = ("format", "size", "root", "signed_at", "signed_by", "key_id", "public_key",
           "leaves_from", "leaf_hashes", "leaf_refs")  # fmt: skip


def make(
    session: Session, key: keys.InstallationKey, *, now: datetime, actor: str
) -> dict[str, Any]:
    """Sign the log's current head, record it and return the checkpoint document."""
    rows = session.exec(select(LogLeaf.leaf_hash, LogLeaf.ref).order_by(col(LogLeaf.idx))).all()
    hashes = [bytes.fromhex(h) for h, _ in rows]
    previous = session.exec(select(Checkpoint).order_by(col(Checkpoint.id).desc())).first()
    start = min(previous.size, len(hashes)) if previous is not None else 0
    body: dict[str, Any] = {
        "format": FORMAT,
        "size": len(hashes),
        "root": root(hashes).hex(),
        "signed_at": plain(now),
        "signed_by": actor,
        "key_id": key.key_id,
        "public_key": key.public_hex,
        "leaves_from": start,
        "leaf_hashes": [h.hex() for h in hashes[start:]],
        "leaf_refs": [ref for _, ref in rows[start:]],
    }
    signature = key.sign(canonical(body))
    session.add(
        Checkpoint(
            size=body["size"],
            root=body["root"],
            signed_at=now,
            key_id=key.key_id,
            signature=signature,
            signed_by=actor,
        )
    )
    return {**body, "signature": signature}


@dataclass(frozen=True)
class SinceReport:
    size_then: int
    size_now: int
    proof_length: int
    findings: list[LogFinding]


def verify_since(
    session: Session, checkpoint: Mapping[str, Any], state: LogState, *, trusted_key: str | None
) -> SinceReport:
    """Check `checkpoint` (a document `make` returned) against the log as `state` found it."""
    _check_shape(checkpoint)
    body = {name: checkpoint[name] for name in _FIELDS}
    public = str(checkpoint["public_key"])
    size, now = int(checkpoint["size"]), len(state.leaf_hashes)
    findings: list[LogFinding] = []
    if not keys.verify(public, canonical(body), str(checkpoint["signature"])):
        findings.append(LogFinding(None, "checkpoint", "its signature does not verify"))
    if trusted_key is not None and public != trusted_key:
        findings.append(
            LogFinding(None, "checkpoint", "it is signed by a key other than the one trusted")
        )
    if now < size:
        start = int(checkpoint["leaves_from"])
        refs = [str(r) for r in checkpoint["leaf_refs"]]
        gone = refs[now - start] if now >= start else f"leaf #{now}"
        findings.append(
            LogFinding(
                now,
                gone,
                f"the log shrank: the checkpoint of {checkpoint['signed_at']} holds "
                f"{size} leaves, the log now {now} (its tail was deleted)",
            )
        )
        return SinceReport(size, now, 0, findings)
    old_root = root(state.leaf_hashes[:size])
    if old_root.hex() != checkpoint["root"]:
        findings.append(_first_changed(session, checkpoint, state))
        return SinceReport(size, now, 0, findings)
    proof = consistency_proof(state.leaf_hashes, size) if size else []
    if size and not verify_consistency(size, now, old_root, root(state.leaf_hashes), proof):
        findings.append(LogFinding(None, "log", "no consistency proof from the checkpoint"))
    return SinceReport(size, now, len(proof), findings)


def _first_changed(session: Session, checkpoint: Mapping[str, Any], state: LogState) -> LogFinding:
    start = int(checkpoint["leaves_from"])
    then = [str(h) for h in checkpoint["leaf_hashes"]]
    for offset, old in enumerate(then):
        index = start + offset
        if state.leaf_hashes[index].hex() != old:
            ref = _refs(session, index, index + 1).get(index, f"leaf #{index}")
            return LogFinding(
                index,
                ref,
                f"changed since the checkpoint of {checkpoint['signed_at']} (and recomputed: "
                f"its leaf hash was {old[:16]}…, is {state.leaf_hashes[index].hex()[:16]}…)",
            )
    return LogFinding(
        None,
        "log",
        f"a leaf before #{start} changed since the checkpoint of {checkpoint['signed_at']}: "
        "verify with an earlier checkpoint to name it",
    )


def _refs(session: Session, start: int, end: int) -> dict[int, str]:
    rows = session.exec(
        select(LogLeaf.idx, LogLeaf.ref).where(col(LogLeaf.idx) >= start, col(LogLeaf.idx) < end)
    ).all()
    return {int(idx): str(ref) for idx, ref in rows}


def _check_shape(checkpoint: Mapping[str, Any]) -> None:
    missing = [name for name in (*_FIELDS, "signature") if name not in checkpoint]
    if missing or checkpoint.get("format") != FORMAT:
        raise InputError(
            f"not a checkpoint of this log ({FORMAT}); missing: {', '.join(missing) or '-'}"
        )
    size, start = checkpoint["size"], checkpoint["leaves_from"]
    hashes, refs = checkpoint["leaf_hashes"], checkpoint["leaf_refs"]
    if not (
        isinstance(size, int)
        and isinstance(start, int)
        and isinstance(hashes, list)
        and isinstance(refs, list)
        and 0 <= start <= size
        and len(hashes) == len(refs) == size - start
    ):
        raise InputError("not a checkpoint of this log: its size and leaf hashes disagree")
