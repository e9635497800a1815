"""The tamper-evident case log: every event carries a SHA-256 chained to the previous one.

Pure: the hash of an event is computed from its own fields, the hash of the event before it
in the case, and the SHA-256 of every letter the event issued. `check_chain` recomputes a
case's chain and names the first row that was edited, deleted, inserted or reordered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainedEvent:
    """What the hash covers (plain values, as read back from the database)."""

    case_id: int
    seq: int
    at: datetime
    on: date
    actor: str
    trigger: str
    source: str | None
    dest: str
    note: str
    inputs: Mapping[str, str]
    late: Sequence[str]
    workflow_version: str
    letters: Sequence[str]  # SHA-256 of the letters this event issued, in issue order
    prev_hash: str | None
    hash: str | None


def event_hash(event: ChainedEvent, prev_hash: str) -> str:
    return fields_hash(vars(event), event.letters, prev_hash)


def fields_hash(fields: Mapping[str, Any], letters: Sequence[str], prev_hash: str) -> str:
    """The hash of an event from its fields (a `ChainedEvent`'s, or the values of an event
    row an opening of thousands builds as a dict: the same payload, the same hash)."""
    payload: dict[str, Any] = {
        "case_id": fields["case_id"],
        "seq": fields["seq"],
        "at": _utc_second(fields["at"]),
        "on": fields["on"].isoformat(),
        "actor": fields["actor"],
        "trigger": fields["trigger"],
        "source": fields["source"],
        "dest": fields["dest"],
        "note": fields["note"],
        "inputs": dict(fields["inputs"]),
        "late": list(fields["late"]),
        "workflow_version": fields["workflow_version"],
        "letters": list(letters),
        "prev": prev_hash,
    }
    return hashlib.sha256(_CANONICAL(payload).encode("utf-8")).hexdigest()


# json.dumps with these options builds this encoder anew at every call
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _utc_second(at: datetime) -> str:
    """UTC to the second: what SQLite (naive, written in UTC) and PostgreSQL (aware) both
    give back unchanged."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None, microsecond=0).isoformat()


@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int
    what: str


def check_chain(events: Sequence[ChainedEvent]) -> ChainProblem | None:
    """The first problem in one case's chain (events ordered by seq), or None."""
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            what = (
                f"event #{expected_seq} is missing (deleted), the next is #{event.seq}"
                if event.seq > expected_seq
                else f"event #{event.seq} appears again or out of order"
            )
            return ChainProblem(event.case_id, event.seq, what)
        if event.prev_hash != prev:
            return ChainProblem(
                event.case_id,
                event.seq,
                "does not follow the event before it (a row was deleted, inserted or reordered)",
            )
        recomputed = event_hash(event, prev)
        if event.hash != recomputed:
            return ChainProblem(
                event.case_id,
                event.seq,
                "its content no longer matches its hash (the row, or a letter it issued, was "
                "edited)",
            )
        prev = recomputed
    return None
