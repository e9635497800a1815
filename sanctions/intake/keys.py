"""The keys a case import compares its rows by, held on disk instead of in memory.

An import checks a file a chunk at a time and holds a chunk, never the file; but a register
number, or a new employee's NIP, given twice anywhere in the file is a problem of both rows, so
every key met so far must be kept, with the first row that gave it (and, for a new employee, the
digest of its data). Kept in dicts they cost about half a kilobyte a row (400,000 rows: about
200 MiB). `FirstRows` keeps them in a private temporary SQLite database (an empty file name:
SQLite's own temporary file, on disk, removed when it is closed) whose page cache is bounded,
so memory does not grow with the file. Not the installation's database: nothing of it is ever
written there, and a crash leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

# The page cache of the key store: 4 MiB, whatever the file's size.
CACHE_KIB = 4096
_BATCH = 500  # keys per look-up (SQLite's limit on parameters is far above)


class FirstRows:
    """Keys with the first row that gave them and an integer (a digest), in named tables."""

    def __init__(self, *tables: str) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        for table in tables:
            self._db.execute(
                f"CREATE TABLE {table} (key TEXT PRIMARY KEY, row INTEGER NOT NULL, "
                "digest INTEGER) WITHOUT ROWID"
            )
        self._db.execute("BEGIN")  # one transaction: the file is private and thrown away

    def first(self, table: str, keys: Iterable[str]) -> dict[str, tuple[int, int | None]]:
        """The keys of `keys` met before: key → (first row, digest)."""
        wanted = sorted(set(keys))
        found: dict[str, tuple[int, int | None]] = {}
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, row, digest FROM {table} WHERE key IN ({marks})"
            for key, row, digest in self._db.execute(query, batch):
                found[key] = (row, digest)
        return found

    def add(self, table: str, items: Sequence[tuple[str, int, int | None]]) -> None:
        """Keep `items` (key, first row, digest): keys not met before."""
        self._db.executemany(f"INSERT INTO {table} (key, row, digest) VALUES (?, ?, ?)", items)

    def close(self) -> None:
        self._db.close()
