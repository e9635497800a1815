"""Every stored letter file checked against the SHA-256 recorded when it was issued."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from sanctions.db.models import Letter
from sanctions.errors import StorageError
from sanctions.letters import store
from sanctions.trust.log import LogFinding


def check_files(session: Session, root: Path) -> list[LogFinding]:
    """A finding for each letter whose stored file is missing, misplaced or changed."""
    found = []
    rows = session.exec(
        select(Letter.id, Letter.number, Letter.path, Letter.sha256).order_by(col(Letter.id))
    ).all()
    for letter_id, number, path, digest in rows:
        try:
            store.read(root, path, digest)
        except StorageError as exc:
            found.append(LogFinding(None, f"letters:{letter_id} ({number})", str(exc)))
    return found
