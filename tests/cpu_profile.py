"""Where the suite's CPU goes: `pytest -p tests.cpu_profile` appends one JSON line per test
phase (setup, call, teardown) to `$SANCTIONS_TEST_CPU` (default `test-cpu.jsonl`): the wall
time, the test process's CPU seconds and its reaped children's. A loaded machine stretches
wall time; CPU seconds are what a 2-core budget is made of. `scripts/test_cpu.py` ranks them
by test, file and phase. (A PostgreSQL server's own CPU is in neither figure: compare the wall
time of a quiet `-n 0` run.)"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path

import pytest

_FILE = Path(os.environ.get("SANCTIONS_TEST_CPU", "test-cpu.jsonl"))


def _cpu() -> tuple[float, float, float]:
    t = os.times()
    return time.perf_counter(), t.user + t.system, t.children_user + t.children_system


def _record(item: pytest.Item, phase: str) -> Generator[None, None, None]:
    wall, own, children = _cpu()
    try:
        yield
    finally:
        _write(item, phase, wall, own, children)


def _write(item: pytest.Item, phase: str, wall: float, own: float, children: float) -> None:
    wall2, own2, children2 = _cpu()
    line = {
        "test": item.nodeid,
        "phase": phase,
        # when the phase ended (seconds since the epoch) and on which pytest-xdist worker: the
        # timeline of each worker (scripts/test_cpu.py: when each one ran out of tests)
        "end": round(time.time(), 3),
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "wall": round(wall2 - wall, 4),
        "cpu": round(own2 - own, 4),
        "children": round(children2 - children, 4),
    }
    with _FILE.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _record(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _record(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _record(item, "teardown"))
