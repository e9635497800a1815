"""The business day the simulated officers of one office share (tests/load.py): a file holding
an ISO date, read by every officer at the start of each attempt and moved forward only when an
officer finds nothing left to do that day.

An office numbers its letters in agenda books (sanctions/letters/register.py: numbers rise
with dates), so officers who each dated their steps from their own case's history refused one
another's letters whenever one case was behind another in time. Here every step, every letter
and every report received is dated the office's day, as in a real office, and the day never
changes under a step: an officer holds the day (a shared lock) from reading it until its
step has committed, and the day is moved on under an exclusive lock, once every step dated
the old day has committed. A turnstile lock in front gives the officer moving the day
precedence over those about to start a step (flock alone would let sixteen overlapping
readers starve it). Locks are flock(2) locks on files beside the day's: released by the
kernel when a killed officer's descriptors close (tests/test_faults.py kills officers).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path


class BusinessDay:
    """The office's day in file `path` (`path.lock` and `path.turnstile` are its locks)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._turnstile = os.open(f"{path}.turnstile", os.O_RDWR | os.O_CREAT, 0o644)
        self._lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        self.waited = 0.0  # seconds this process waited for the day's locks
        self.moves = 0  # times this process moved the day on

    def close(self) -> None:
        os.close(self._turnstile)
        os.close(self._lock)

    @staticmethod
    def start(path: Path, day: date) -> None:
        """Set the office's first day (before any officer works)."""
        path.write_text(day.isoformat())

    def start_if_new(self, first: Callable[[], date]) -> None:
        """Set the day to `first()` unless it is set already (an officer arriving at a
        database other officers worked on: the day its latest record is dated). Not counted
        in `waited`."""
        if self.path.exists():
            return
        waited = self.waited
        with self._exclusive():
            if not self.path.exists():
                self.start(self.path, first())
        self.waited = waited

    @contextmanager
    def held(self) -> Iterator[date]:
        """Today, unchanged until the block has ended (the step's transaction with it)."""
        began = time.monotonic()
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        self.waited += time.monotonic() - began
        try:
            yield self._read()
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    def move_on(self, today: date, to: date) -> date:
        """Move the day from `today` to `to` once no step dated `today` is in flight; if a
        rival moved it first, leave it. The day it is now."""
        with self._exclusive():
            now = self._read()
            if now == today and to > today:
                self.path.write_text(to.isoformat())
                self.moves += 1
                return to
            return now

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        began = time.monotonic()
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            self.waited += time.monotonic() - began
            try:
                yield
            finally:
                fcntl.flock(self._lock, fcntl.LOCK_UN)
        finally:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)

    def _read(self) -> date:
        return date.fromisoformat(self.path.read_text().strip())
