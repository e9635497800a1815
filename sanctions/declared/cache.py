"""A cache of the loaded, validated declarations (workflows, bodies, catalogue) between runs.

Parsing and checking the YAML takes longer than everything else a short command such as
`case show` does. The cache key is the SHA-256 of every declaration file's bytes, of the
source of the modules that define the loaded values, and of the settings they depend on, so
any edit to either rebuilds it; a damaged or foreign cache file is rebuilt too. Files live in
the user's own cache directory (created 0700), never in a shared location.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

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
    path = cache_dir / f"declarations-{key}.pickle"
    with contextlib.suppress(
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        value: T = pickle.loads(path.read_bytes())
        return value
    value = build()  # errors in the declarations surface here, uncached
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    return value
