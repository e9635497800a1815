"""Benchmark: what the Merkle log adds to a step, on SQLite and PostgreSQL.

The step is bench_engine's (an officer's transition through the service layer, on a version
of the shipped workflow that issues no letters on the measured steps: the worst case for the
log's share, since rendering a letter takes ~70 ms). Runs alternate, with the log and with
its appending switched off (`sanctions.trust.log.append` and the deadline read a no-op), on
fresh databases, so that both meet the same machine; the figure is the median ratio.

Usage: .venv/bin/python scripts/bench_trust.py [--cases N] [--rounds R] [--no-postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import time  # noqa: E402
from datetime import date  # noqa: E402

from bench_engine import BENCH_VERSION, NOW, STEPS, fresh_app  # noqa: E402

from sanctions.cases import service as cases  # noqa: E402
from sanctions.db import session_scope  # noqa: E402
from sanctions.trust import log  # noqa: E402
from tests.factories import open_case  # noqa: E402

CPU: list[float] = []  # this process's CPU seconds of the last run


def service_run(app: Any, refs: list[str]) -> float:
    """bench_engine's run, timed by the wall clock and by this process's CPU time (on a
    loaded machine the CPU time of an in-process SQLite step is the steadier figure)."""
    app.engine(BENCH_VERSION)
    app.calendar.add_working_days(date(2024, 10, 1), 1)
    start, cpu = time.perf_counter(), time.process_time()
    for trigger, actor, on, inputs in STEPS:
        for ref in refs:
            with session_scope(app.db) as session:
                cases.advance(
                    app, session, ref, trigger, inputs=inputs, actor=actor, on=on, now=NOW
                )
    CPU[:] = [time.process_time() - cpu]
    return time.perf_counter() - start


def steps_per_second(url: str, tmp: Path, n: int, *, logged: bool) -> float:
    real: dict[str, Any] = {"append": log.append, "deadline_rows": log.deadline_rows}
    app = fresh_app(url, tmp)
    refs = [open_case(app, workflow_version=BENCH_VERSION) for _ in range(n)]
    if not logged:
        log.append = lambda session, leaves: None  # type: ignore[assignment]
        log.deadline_rows = lambda session, case_id: None  # type: ignore[assignment,return-value]
    try:
        elapsed = service_run(app, refs)
    finally:
        log.append, log.deadline_rows = real["append"], real["deadline_rows"]
        app.db.dispose()
    return len(STEPS) * n / elapsed


def bench(name: str, make_url: Callable[[str], str], n: int, rounds: int, tmp: Path) -> float:
    ratios, cpu_ratios, with_log, without = [], [], [], []
    for i in range(rounds):
        off = steps_per_second(make_url(f"off{i}"), tmp, n, logged=False)
        off_cpu = CPU[0]
        on = steps_per_second(make_url(f"on{i}"), tmp, n, logged=True)
        with_log.append(on)
        without.append(off)
        ratios.append(off / on)
        cpu_ratios.append(CPU[0] / off_cpu)
    added = (statistics.median(ratios) - 1) * 100
    cpu_added = (statistics.median(cpu_ratios) - 1) * 100
    print(
        f"{name:<11} without the log {statistics.median(without):6.0f} steps/s, with it "
        f"{statistics.median(with_log):6.0f} steps/s: the log adds {added:+.1f} % to a step's "
        f"wall time, {cpu_added:+.1f} % to this process's CPU time (median of {rounds} "
        "alternating rounds; target at most 20 %)"
    )
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"{args.cases} cases x {len(STEPS)} transitions, one transaction each\n")
        bench("SQLite", lambda tag: f"sqlite:///{tmp / (tag + '.db')}", args.cases,
              args.rounds, tmp)  # fmt: skip
        if not args.no_postgres:
            import psycopg

            schemas: list[str] = []

            def pg_url(tag: str) -> str:
                schema = f"bench_{tag}_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                    c.execute(f"CREATE SCHEMA {schema}")
                schemas.append(schema)
                return f"postgresql+psycopg://127.0.0.1/test?options=-csearch_path%3D{schema}"

            try:
                bench("PostgreSQL", pg_url, args.cases, args.rounds, tmp)
            finally:
                with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                    for schema in schemas:
                        c.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
