"""Load (issue 16): parallel officer processes on PostgreSQL taking random valid steps, with
the letters each step declares, on shared cases for a bounded time; then every invariant is
checked (tests/invariants.py): letter numbers gapless and unique in every register, every hash
chain and the Merkle log verify, every case's state is the replay of its log.

Prints steps/s and letters/s over the time actually elapsed (start of the first step to the
end of the last), the conflicts refused (the version claim's loser), rule refusals apart from
database errors (serialization failures, deadlocks, others by SQLSTATE), the CPU the officers
got and the load average. Exit 1 if an invariant fails or an officer met an error that is
neither a rule's refusal nor the database's.

The officers work as one office: every step, letter and report received is dated the office's
business day (tests/businessday.py), which moves forward only when an officer finds nothing
left to do that day, once every step dated that day has committed; so the agenda books'
rule (numbers rise with dates) refuses no valid step, and a rule refusal left is a race.

Letters are rendered by WeasyPrint (the real renderer) unless --fake-pdf (tests/fakes.py's
FakePdfRenderer: the table and the JSON say which). With --keep-open N (default: --cases) the
shared cases are every case not yet ended and an officer who finds fewer than N open opens
one more, so a long run never runs out of steps; --keep-open 0 keeps the first cases only.

Usage: .venv/bin/python scripts/bench_load.py [--processes 16] [--seconds 60] [--cases 16]
           [--keep-open N] [--fake-pdf] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sanctions.app import App  # noqa: E402
from sanctions.db import make_engine, session_scope, upgrade  # noqa: E402
from sanctions.settings import Settings  # noqa: E402
from tests.businessday import BusinessDay  # noqa: E402
from tests.factories import add_unit_office, open_case, seed  # noqa: E402
from tests.fakes import FakePdfRenderer  # noqa: E402
from tests.invariants import check_invariants  # noqa: E402
from tests.load import (  # noqa: E402
    WaitSampler,
    combined,
    day_file_for,
    latest_day,
    report,
    run_officer_pool,
    table,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=16, help="officer processes")
    parser.add_argument("--seconds", type=float, default=60, help="how long each works")
    parser.add_argument("--cases", type=int, default=16, help="shared cases opened first")
    parser.add_argument(
        "--keep-open", type=int, default=None, help="cases kept open (default --cases)"
    )
    parser.add_argument("--fake-pdf", action="store_true", help="FakePdfRenderer, not WeasyPrint")
    parser.add_argument("--json", action="store_true", help="print the JSON object only")
    args = parser.parse_args()
    keep_open = args.cases if args.keep_open is None else args.keep_open
    schema = f"load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    # the schema, and the lock timeout `make_engine` sets on a URL without options (15 s)
    options = f"-csearch_path%3D{schema}%20-clock_timeout%3D15000"
    url = f"postgresql+psycopg://127.0.0.1/test?options={options}"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            store = Path(folder) / "letters"
            engine = make_engine(url)
            upgrade(engine)
            app = App(
                Settings(database_url=url, letter_store=store),
                db=engine,
                pdf_renderer=FakePdfRenderer() if args.fake_pdf else None,
            )
            seed(app)
            with session_scope(app.db) as session:
                add_unit_office(session)  # the superior's office issues the temporary release
            refs = [open_case(app) for _ in range(args.cases)]
            # the office's business day, shared by the officers (tests/businessday.py)
            BusinessDay.start(day_file_for(store, app), latest_day(app))
            before = os.getloadavg()
            with WaitSampler.on(url) as waits:
                tallies = run_officer_pool(
                    url,
                    refs,
                    processes=args.processes,
                    seconds=args.seconds,
                    letter_store=store,
                    fake_pdf=args.fake_pdf,
                    keep_open=keep_open,
                )
            after = os.getloadavg()
            with session_scope(engine) as session:
                invariants = check_invariants(app, session)
            engine.dispose()
    finally:
        with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")
    tally = combined(tallies)
    figures = report(
        tally,
        invariants,
        database="postgresql",
        seconds=args.seconds,
        cases=args.cases,
        keep_open=keep_open,
        fake_pdf=args.fake_pdf,
        load_before=before,
        load_after=after,
        waits=waits.figures(),
    )
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    if not invariants.ok or tally.other:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
