"""The content-addressed letter store: each PDF is kept once, under its own SHA-256.

`<root>/ab/cd/abcd….pdf`. Writing is idempotent (same bytes, same path), atomic (temporary
file, then rename) and never overwrites different content. A letter whose transaction rolls
back leaves an unreferenced file behind, which is harmless: nothing points at it.

The store is the office's: folders are created 0770 and files 0640 (owner and group only,
whatever the umask). Reading (`read`) only follows the path a digest gives, inside the root,
and refuses a file whose bytes no longer hash to the digest recorded when it was issued (a
swapped or edited PDF is never served, attached or exported). A write killed midway leaves
at most a `.tmp-<pid>-…` file; the next write into that folder, or `sweep` (run by the
reminder job over the whole store), removes it once its process is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from sanctions.errors import StorageError

DIR_MODE = 0o770
FILE_MODE = 0o640
TMP_PREFIX = ".tmp-"
# A temporary file older than this is an orphan even if its process id was reused.
ORPHAN_AGE_SECONDS = 24 * 3600
_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(digest: str) -> str:
    if not _DIGEST.fullmatch(digest):
        raise StorageError(f"{digest[:80]!r} is not a SHA-256 digest (64 hexadecimal digits)")
    return f"{digest[:2]}/{digest[2:4]}/{digest}.pdf"


def put(root: Path, data: bytes) -> tuple[str, str]:
    """Store `data`; returns (sha256, path relative to `root`)."""
    digest = sha256(data)
    rel = relative_path(digest)
    target = root / rel
    if target.exists():
        return digest, rel
    try:
        make_dirs(root, target.parent)
        sweep_folder(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{TMP_PREFIX}{os.getpid()}-")
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(target)
    except OSError as exc:
        raise StorageError(f"cannot write the letter store at {root}: {exc.strerror}") from exc
    return digest, rel


def make_dirs(root: Path, folder: Path) -> None:
    """Create `folder` (inside `root`) and the folders above it up to `root`, each 0770."""
    missing = [p for p in [folder, *folder.parents] if p == root or root in p.parents]
    for path in reversed(missing):
        if not path.exists():
            path.mkdir(exist_ok=True)
            path.chmod(DIR_MODE)


def contained(root: Path, rel: str) -> Path:
    """`root / rel`, refused unless it stays inside `root` (no `..`, no absolute path)."""
    base = root.resolve()
    target = (base / rel).resolve()
    if base not in target.parents:
        raise StorageError(f"{rel[:120]!r} is outside the letter store {root}: refused")
    return target


def read(root: Path, rel: str, digest: str) -> bytes:
    """The stored file of a letter whose SHA-256 was recorded as `digest` at issue: only at
    the path the digest gives, and only if its bytes still hash to it."""
    if rel != relative_path(digest):
        raise StorageError(
            f"the letter row names the file {rel[:120]!r}, not the one its SHA-256 gives "
            f"({relative_path(digest)}): refused"
        )
    data = get(root, rel)
    if sha256(data) != digest:
        raise StorageError(
            f"the stored file {root / rel} does not match the SHA-256 recorded when it was "
            f"issued ({digest[:16]}…): it was changed or replaced, and is not used"
        )
    return data


def get(root: Path, rel: str) -> bytes:
    path = contained(root, rel)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(
            f"letter file {root / rel} is missing from the letter store or cannot be read: "
            f"{exc.strerror}"
        ) from exc


def sweep(root: Path) -> int:
    """Remove the orphaned temporary files of writes that died, in the whole store; returns
    how many were removed."""
    if not root.is_dir():
        return 0
    return sum(sweep_folder(folder) for folder in root.glob("*/*") if folder.is_dir())


def sweep_folder(folder: Path, *, now: float | None = None) -> int:
    """Remove the temporary files in `folder` whose writer is gone (or that are older than a
    day); returns how many."""
    removed = 0
    moment = time.time() if now is None else now
    for tmp in folder.glob(f"{TMP_PREFIX}*"):
        if is_orphan(tmp.name, tmp, now=moment):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
    return removed


def is_orphan(name: str, path: Path, *, now: float) -> bool:
    with contextlib.suppress(OSError):
        if now - path.stat().st_mtime > ORPHAN_AGE_SECONDS:
            return True
    pid_text = name[len(TMP_PREFIX) :].split("-", 1)[0]
    if not pid_text.isdigit():
        return True  # written before temporary files carried their writer's pid
    return not _alive(int(pid_text))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another account's live process
    return True
