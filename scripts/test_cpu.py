"""Rank the CPU seconds recorded by `pytest -p tests.cpu_profile` (see tests/cpu_profile.py).

Usage: .venv/bin/python scripts/test_cpu.py [test-cpu.jsonl] [--top N]
Prints the total, then the heaviest files, the heaviest tests (setup and call apart) and the
CPU per phase; "cpu" is the test process's own CPU plus its reaped children's.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default="test-cpu.jsonl")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.file).read_text().splitlines() if line]
    by_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    by_test: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    by_phase: dict[str, float] = defaultdict(float)
    tests = set()
    for row in rows:
        cpu = row["cpu"] + row["children"]
        name = row["test"].split("::", 1)[0]
        by_file[name][0] += cpu
        by_file[name][1] += row["wall"]
        by_phase[row["phase"]] += cpu
        slot = {"setup": 0, "call": 1, "teardown": 2}[row["phase"]]
        by_test[row["test"]][slot] += cpu
        if row["test"] not in tests:
            tests.add(row["test"])
            by_file[name][2] += 1
    total = sum(by_phase.values())
    wall = sum(row["wall"] for row in rows)
    print(f"{len(tests)} tests: {total:.1f} CPU-s (wall {wall:.1f} s)")
    print("phases: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(by_phase.items())))
    print(f"\n{'CPU-s':>8} {'wall':>8} {'tests':>6}  file")
    for name, (cpu, w, n) in sorted(by_file.items(), key=lambda kv: -kv[1][0])[: args.top]:
        print(f"{cpu:8.1f} {w:8.1f} {int(n):6}  {name}")
    timeline(rows)
    print(f"\n{'setup':>7} {'call':>7} {'tear':>6}  test")
    ranked = sorted(by_test.items(), key=lambda kv: -sum(kv[1]))[: args.top]
    for name, (setup, call, teardown) in ranked:
        print(f"{setup:7.2f} {call:7.2f} {teardown:6.2f}  {name}")


def timeline(rows: list[dict[str, object]]) -> None:
    """Each worker's busy time and when it ran out of tests, against the first test's start
    (a worker that finished long before the others idled: a long tail)."""
    timed = [r for r in rows if "end" in r]
    if not timed:
        return
    start = min(float(str(r["end"])) - float(str(r["wall"])) for r in timed)
    busy: dict[str, float] = defaultdict(float)
    last: dict[str, float] = defaultdict(float)
    for row in timed:
        worker = str(row["worker"])
        busy[worker] += float(str(row["wall"]))
        last[worker] = max(last[worker], float(str(row["end"])) - start)
    print(f"\n{'busy':>8} {'done at':>8}  worker (first test started at 0)")
    for worker in sorted(busy):
        print(f"{busy[worker]:8.1f} {last[worker]:8.1f}  {worker}")


if __name__ == "__main__":
    main()
