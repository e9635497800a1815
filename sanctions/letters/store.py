"""The content-addressed letter store: each PDF is kept once, under its own SHA-256.

`<root>/ab/cd/abcd….pdf`. Writing is idempotent (same bytes, same path), atomic (temporary
file, then rename) and never overwrites different content. A letter whose transaction rolls
back leaves an unreferenced file behind, which is harmless: nothing points at it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sanctions.errors import StorageError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(digest: str) -> str:
    return f"{digest[:2]}/{digest[2:4]}/{digest}.pdf"


def put(root: Path, data: bytes) -> tuple[str, str]:
    """Store `data`; returns (sha256, path relative to `root`)."""
    digest = sha256(data)
    rel = relative_path(digest)
    target = root / rel
    if target.exists():
        return digest, rel
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(target)
    except OSError as exc:
        raise StorageError(f"cannot write the letter store at {root}: {exc.strerror}") from exc
    return digest, rel


def get(root: Path, rel: str) -> bytes:
    try:
        return (root / rel).read_bytes()
    except OSError as exc:
        raise StorageError(f"letter file {root / rel} cannot be read: {exc.strerror}") from exc
