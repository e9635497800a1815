"""A cache of the loaded, validated declarations (workflows, bodies, catalogue) between runs.

Parsing and checking the YAML takes longer than everything else a short command such as
`case show` does. The cache key is the SHA-256 of every declaration file's bytes, of the
source of the modules that define the loaded values, and of the settings they depend on, so
any edit to either rebuilds it; a damaged or foreign cache file is rebuilt too. Files live in
the user's own cache directory (created 0700), never in a shared location.

The cache holds data, never code: the value is written as tagged JSON
(`sanctions.declared.jsondata`), whose reader builds only the package's own declaration
dataclasses and enums, so a planted file cannot run anything; a file another account owns,
or one others may write, is not read at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast

from sanctions.declared.jsondata import from_data, to_data

T = TypeVar("T")
# The packages whose source defines the cached values (the law bundle and what it holds).
_SOURCES = ("cases", "catalogue", "declared", "deadlines", "institutions", "law", "letters")


def cache_key(files: Iterable[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode("utf-8"))
    package = Path(__file__).parent.parent
    sources = sorted(p for name in _SOURCES for p in (package / name).glob("*.py"))
    for path in [*sorted(files), *sources]:
        digest.update(str(path.name).encode("utf-8"))
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(cache_dir: Path | None, key: str, build: Callable[[], T]) -> T:
    """`build()`'s value, from `cache_dir` when a file for `key` is there."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"declarations-{key}.json"
    with contextlib.suppress(OSError, ValueError, TypeError, RecursionError, LookupError):
        if trusted(path):
            return cast(T, from_data(json.loads(path.read_bytes())))
    value = build()  # errors in the declarations surface here, uncached
    with contextlib.suppress(OSError, TypeError, ValueError, RecursionError):
        text = json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"))
        write_private(cache_dir, path, text.encode("utf-8"))
    return value


def trusted(path: Path) -> bool:
    """Whether a cache file is ours: owned by this process's account, writable by no one
    else (a file planted by another account is ignored and rebuilt)."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def write_private(cache_dir: Path, path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, in `cache_dir` (created 0700), file mode 0600."""
    cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    tmp.replace(path)
