"""The law in force is pinned: each unit's content digest is recorded at first use, and a
unit whose content differs from its newest pin is refused, whatever folder it is read from.

Units and their digests: `sanctions.law.pins`. A workflow version changes only by declaring
a new version (a new name, pinned at its first use). The catalogue, the supporting
declarations, a migration plan and the template set have no version name: an admin records
their new content with `sanctions workflow pin UNIT --note WHY`, which keeps the old pin (the
history says which content was in force when).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session, col, select

from sanctions.db.models import LawPin
from sanctions.errors import (
    DefinitionError,
    InputError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from sanctions.trust.access import ADMIN_ROLE, roles_for

TEMPLATE_SET = "template_set"
# First use: two processes pinning at once write the same row once.
_PIN = text(
    "INSERT INTO law_pins (name, sha256, pinned_at, pinned_by, note) "
    "VALUES (:n, :d, :at, :by, '') ON CONFLICT DO NOTHING"
).bindparams(bindparam("at", type_=DateTime()))


@dataclass(frozen=True)
class Pin:
    name: str
    sha256: str
    pinned_at: datetime
    pinned_by: str
    note: str


def pins(session: Session) -> list[Pin]:
    """Every pin, oldest first."""
    rows = session.exec(select(LawPin).order_by(col(LawPin.id))).all()
    return [Pin(r.name, r.sha256, r.pinned_at, r.pinned_by, r.note) for r in rows]


def newest(session: Session) -> dict[str, Pin]:
    return {pin.name: pin for pin in pins(session)}


def check_law(session: Session, digests: Mapping[str, str], *, actor: str, now: datetime) -> None:
    """Pin every unit not pinned yet; refuse if any unit differs from its newest pin."""
    current = newest(session)
    changed = []
    for name, digest in digests.items():
        pin = current.get(name)
        if pin is None:
            inserted = session.execute(_PIN, {"n": name, "d": digest, "at": now, "by": actor})
            if inserted.rowcount == 1:  # type: ignore[attr-defined]
                from sanctions.trust import log  # a unit's first pin: the only write here

                log.append(session, [log.pin_leaf(Pin(name, digest, now, actor, ""))])
        elif pin.sha256 != digest:
            changed.append((name, pin, digest))
    if changed:
        name, pin, digest = changed[0]
        how = (
            "declare a new workflow version instead (a new `version:`)"
            if name.startswith("workflow:")
            else f"an admin records new content with `sanctions workflow pin {name}`"
        )
        others = [n for n, _, _ in changed if n != name]
        also = f" (also changed: {', '.join(others)})" if others else ""
        raise DefinitionError(
            f"the law in force is pinned: {name} differs from the content pinned on "
            f"{pin.pinned_at:%Y-%m-%d} by {pin.pinned_by} (SHA-256 {pin.sha256[:16]}…, now "
            f"{digest[:16]}…){also}; nothing was done. To change it, {how}"
        )


def accept(
    session: Session,
    digests: Mapping[str, str],
    name: str,
    *,
    actor: str,
    now: datetime,
    note: str,
) -> Pin:
    """Record the current content of unit `name` as its newest pin (admin only)."""
    if ADMIN_ROLE not in roles_for(session, actor, None):
        raise PermissionDenied(f"pinning new law needs the role admin; user {actor!r} is not")
    if name not in digests:
        raise NotFound(f"no unit {name!r} in the law (units: {', '.join(sorted(digests))})")
    if name.startswith("workflow:"):
        raise InputError(
            f"{name} is a workflow version: its law changes only by a new version, declared "
            "under a new `version:` name"
        )
    if not note.strip():
        raise InputError("--note: say why the content changed (the instrument, the fix)")
    session.add(
        LawPin(name=name, sha256=digests[name], pinned_at=now, pinned_by=actor, note=note[:300])
    )
    pin = Pin(name, digests[name], now, actor, note[:300])
    from sanctions.trust import log

    log.append(session, [log.pin_leaf(pin)])
    return pin


def in_force_at(session: Session, name: str, at: datetime) -> Pin | None:
    """The pin of `name` in force at `at` (the newest recorded by then)."""
    found = [p for p in pins(session) if p.name == name and _naive(p.pinned_at) <= _naive(at)]
    return found[-1] if found else None


def _naive(at: datetime) -> datetime:
    from datetime import UTC

    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def require_templates_of(session: Session, digests: Mapping[str, str], at: datetime) -> None:
    """Refuse to render a letter issued at `at` again unless the template set in use is the
    one pinned then (a letter is re-rendered only from the templates it was issued with)."""
    pin = in_force_at(session, TEMPLATE_SET, at)
    current = digests.get(TEMPLATE_SET, "")
    if pin is None or pin.sha256 != current:
        then = f"{pin.sha256[:16]}… (pinned {pin.pinned_at:%Y-%m-%d})" if pin else "not pinned"
        raise RuleViolation(
            f"the letter was issued with the template set {then}, the templates in use are "
            f"{current[:16]}…: it is not rendered again from other templates; the issued file "
            "is the reference (`sanctions letter get` without --rerender)"
        )
