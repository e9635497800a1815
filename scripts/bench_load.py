"""Load: parallel officer processes doing random valid steps on shared cases (PostgreSQL),
for a bounded time; then every invariant is checked: each case's state equals the replay of its
log, every hash chain verifies. Prints steps per second and the conflicts correctly refused.

Usage: .venv/bin/python scripts/bench_load.py [--processes 6] [--seconds 30] [--cases 12]
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sanctions.app import App  # noqa: E402
from sanctions.db import make_engine, session_scope, upgrade  # noqa: E402
from sanctions.settings import Settings  # noqa: E402
from sanctions.trust.audit import verify  # noqa: E402
from tests.factories import open_case, seed  # noqa: E402
from tests.load import run_officers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--cases", type=int, default=12)
    args = parser.parse_args()
    schema = f"load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    url = f"postgresql+psycopg://127.0.0.1/test?options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        app = App(Settings(database_url=url), db=engine)
        seed(app)
        refs = [open_case(app) for _ in range(args.cases)]
        start = time.perf_counter()
        tally = run_officers(url, refs, processes=args.processes, seconds=args.seconds)
        elapsed = time.perf_counter() - start
        with session_scope(engine) as session:
            checked, findings = verify(session)
        print(f"{args.processes} officer processes, {args.cases} shared cases, {elapsed:.1f} s")
        print(f"steps committed      {tally.steps:8d}  ({tally.steps / args.seconds:.1f}/s)")
        print(f"conflicts refused    {tally.conflicts:8d}  (ConcurrencyConflict, nothing written)")
        print(
            f"refused by a rule    {tally.refused:8d}  (a rival moved the case, or a guard refused)"
        )
        print(f"cases checked        {checked:8d}  findings: {len(findings)}")
        engine.dispose()
        if findings:
            raise SystemExit(1)
    finally:
        with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
