"""Waiting for a condition, with a bound: tests never sleep a fixed time and hope.

A loaded CI machine may be ten times slower than a laptop, so a test waits for what it needs
(a row in the database, a line from a child process) and fails with a clear message only if
that does not happen within a generous bound.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import create_engine, text

from sanctions.db import normalise_url

T = TypeVar("T")

POLL_SECONDS = 0.02


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float,
    what: str,
    process: subprocess.Popen[bytes] | None = None,
    poll: float = POLL_SECONDS,
) -> T:
    """Poll `condition` until it returns a true value, and return that value.

    Fails after `timeout` seconds naming `what`, or at once if `process` (the child that was
    to bring the condition about) has exited. `poll`: seconds between two looks.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the child process exited (code {process.returncode}) before {what}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


@contextmanager
def row_counter(url: str, table: str) -> Iterator[Callable[[], int]]:
    """A function counting the rows of `table` at `url`, for polling while a child process
    writes. It has an engine of its own that takes no lock: the app's SQLite transactions
    begin IMMEDIATE, so polling through them would hold up the writer at every look."""
    engine = create_engine(normalise_url(url))

    def count() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    try:
        yield count
    finally:
        engine.dispose()


def kill_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Kill (SIGKILL) and reap the children a test started, and close their pipes."""
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
