"""Benchmark: migrating open cases to another workflow version (cases/s, SQLite and
PostgreSQL), and recomputing the open deadlines of 10,000 cases after a calendar revision.

Cases are written through the services (open + steps, letters rendered by a stand-in that keeps
every database write of a letter but skips WeasyPrint, which scripts/bench_letters.py
measures). The migration is the shipped 2024 plan (KASN's unprocessed files to BKN), each case
in its own transaction with its hand-over letter; the calendar revision adds two days of cuti
bersama inside every case's open follow-up deadline, so every one of them moves.

Usage: .venv/bin/python scripts/bench_migration.py [--cases N] [--deadlines N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from sanctions.app import App  # noqa: E402
from sanctions.cases import migration  # noqa: E402
from sanctions.db import make_engine, session_scope, upgrade  # noqa: E402
from sanctions.db.bulk import insert_rows  # noqa: E402
from sanctions.db.models import Case, CaseEvent, Deadline  # noqa: E402
from sanctions.deadlines.adjustments import apply_revision, calendar_diff  # noqa: E402
from sanctions.settings import Settings  # noqa: E402
from tests.factories import open_case, recommended, s, seed, walk  # noqa: E402
from tests.fakes import FakePdfRenderer  # noqa: E402

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
REVISION = """
revisions:
  - id: bench_revision
    date: 2024-10-25
    instrument: bench
    confidence: U
    holidays:
      - {date: 2024-11-04, name: Cuti bersama, source: bench, confidence: U}
      - {date: 2024-11-05, name: Cuti bersama, source: bench, confidence: U}
"""


def _app(url: str, tmp: Path, workflows: Path | None = None) -> App:
    tmp.mkdir(parents=True, exist_ok=True)  # the letter store is created inside it
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(database_url=url, letter_store=tmp / "letters",
                        workflows_dir=workflows or ROOT / "workflows")  # fmt: skip
    return App(settings, db=engine, pdf_renderer=FakePdfRenderer())


def bench_migration(name: str, url: str, tmp: Path, n: int) -> None:
    app = _app(url, tmp)
    seed(app)
    steps = [s("kaji", "bawaslu", "2023-12-05"), s("teruskan", "bawaslu", "2023-12-06"),
             s("minta_klarifikasi", "pengawas", "2023-12-07")]  # fmt: skip
    for _ in range(n):
        ref = open_case(app, contest="PEMILU-2024", act_date=date(2023, 11, 20),
                        reported_on=date(2023, 12, 4))  # fmt: skip
        walk(app, ref, steps)
    plan = migration.plan(app, "kasn-ke-bkn-2024")
    start = time.perf_counter()
    report = migration.migrate(app, plan, actor="admin", on=date(2024, 9, 10), now=NOW,
                               dry_run=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    migrated = report.count("migrated")
    print(f"{name:<11} {migrated} cases migrated in {elapsed:.2f} s = {migrated / elapsed:.0f} "
          "cases/s (one transaction each, a letter each)")  # fmt: skip
    app.db.dispose()


def bench_revision(url: str, tmp: Path, n: int) -> None:
    workflows = tmp / "workflows"
    shutil.copytree(ROOT / "workflows", workflows, dirs_exist_ok=True)
    calendar = (workflows / "calendar.yaml").read_text(encoding="utf-8")
    (workflows / "calendar.yaml").write_text(calendar + REVISION, encoding="utf-8")
    base = _app(url, tmp)  # the deadlines are opened under the calendar before the revision
    seed(base)
    first = open_case(base)
    walk(base, first, recommended("berat"))
    _clone_recommended(base, first, n - 1)
    app = App(replace(base.settings, workflows_dir=workflows), db=base.db,
              pdf_renderer=FakePdfRenderer())  # fmt: skip
    start = time.perf_counter()
    with session_scope(app.db) as session:
        moved = calendar_diff(app, session, "bench_revision")
    diff_s = time.perf_counter() - start
    start = time.perf_counter()
    report = apply_revision(app, "bench_revision", actor="admin", on=date(2024, 10, 28), now=NOW)
    apply_s = time.perf_counter() - start
    print(f"calendar revision over {n:,} open cases: diff {diff_s:.2f} s ({len(moved):,} "
          f"deadlines move); apply {apply_s:.2f} s ({len(report.rows):,} moved, one event per "
          f"case = {len(report.rows) / apply_s:.0f} cases/s)")  # fmt: skip


def _clone_recommended(app: App, reference: str, count: int) -> None:
    """`count` copies of the case (its row, events and deadlines) written in bulk: the setup
    is not what is measured, and walking 10,000 cases through the services takes an hour."""
    with session_scope(app.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        deadlines = session.exec(select(Deadline).where(Deadline.case_id == case.id)).all()
        clones = [
            Case(**{**case.model_dump(exclude={"id", "reference", "register_number"}),
                    "reference": f"NET-BENCH-{i:06d}"})
            for i in range(count)
        ]  # fmt: skip
        insert_rows(session, clones)
        insert_rows(
            session,
            [CaseEvent(**{**e.model_dump(exclude={"id"}), "case_id": c.id}) for c in clones
             for e in events],
            ids=False,
        )  # fmt: skip
        insert_rows(
            session,
            [Deadline(**{**d.model_dump(exclude={"id"}), "case_id": c.id}) for c in clones
             for d in deadlines],
            ids=False,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--deadlines", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_migration("SQLite", f"sqlite:///{tmp / 'migrate.db'}", tmp, args.cases)
        if not args.no_postgres:
            import psycopg

            schema = f"bench_mig_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            try:
                url = f"postgresql+psycopg://127.0.0.1/test?options=-csearch_path%3D{schema}"
                bench_migration("PostgreSQL", url, tmp / "pg", args.cases)
            finally:
                with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                    c.execute(f"DROP SCHEMA {schema} CASCADE")
        bench_revision(f"sqlite:///{tmp / 'revision.db'}", tmp / "rev", args.deadlines)


if __name__ == "__main__":
    main()
