"""Time the reminder job on a national-size PostgreSQL database.

    .venv/bin/python scripts/bench_reminders.py [--cases 1000000] [--overdue-pct 1] [--keep]

Builds, in a fresh schema of database `test` at 127.0.0.1:5432 (trust auth), N cases in state
`direkomendasikan` with set-based SQL (INSERT ... SELECT generate_series; not the service
layer): 500 agencies, 100,000 employees, one opening event per case, one closed earlier
deadline per case and one open PPK follow-up deadline per case, of which `--overdue-pct` are
past due. Then reports:

- the overdue scan (`find_overdue`, best of 3; target < 1 s);
- the real per-letter cost (context + HTML + PDF/A + store) on a sample of 50 overdue cases,
  each issued in a transaction that is rolled back;
- the job itself (`run_reminders`) over every overdue case with `issue_letter` replaced by a
  fake that allocates the number and records the letter row without rendering: the job's
  non-letter work per case (target < 5 ms).

The schema is dropped at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import getpass
import statistics
import tempfile
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from sqlalchemy import text
from sqlmodel import Session

from sanctions.app import App
from sanctions.db import make_engine, session_scope, upgrade
from sanctions.db.models import Case, Letter
from sanctions.deadlines.reminders import (
    find_overdue,
    ladder_of,
    letter_data,
    run_reminders,
)
from sanctions.letters.service import CheckedLetter, allocate_number, issue_letter
from sanctions.settings import Settings

PG = {"host": "127.0.0.1", "port": 5432, "dbname": "test"}
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
AS_OF = date(2026, 3, 2)  # a Monday
RECOMMENDED_ON = date(2026, 1, 5)
OVERDUE_DUE = date(2026, 2, 20)  # past: the first working day after it is long gone
FUTURE_DUE = date(2026, 4, 30)
AGENCIES = 500
EMPLOYEES = 100_000
SAMPLE = 50


def pg_user() -> str:
    for user in dict.fromkeys([getpass.getuser(), "postgres"]):
        try:
            psycopg.connect(**PG, user=user, connect_timeout=3).close()  # type: ignore[arg-type]
        except psycopg.OperationalError:
            continue
        return user
    raise SystemExit("no PostgreSQL at 127.0.0.1:5432 (database test, trust auth)")


def timed(label: str, sql: str, conn: Any, params: Mapping[str, Any] | None = None) -> None:
    start = time.perf_counter()
    conn.execute(text(sql), params or {})
    print(f"  {label:<34} {time.perf_counter() - start:7.2f} s")


SNAPSHOT = (
    '{"nip": "198609262015051001", "name": "Budi Santoso, S.Pd.", "employee_type": "PNS", '
    '"rank": "Penata Muda, III/a", "position": "Guru Ahli Pertama", '
    '"position_type": "fungsional", "unit": "SMP Negeri 1", "address": "Jl. Kaliurang"}'
)


def build(app: App, cases: int, overdue_every: int) -> None:
    p = {"n": cases, "every": overdue_every, "agencies": AGENCIES, "employees": EMPLOYEES}
    with app.db.begin() as conn:
        timed(
            "agencies",
            "INSERT INTO agencies (code, name, parent, kind, address, phone, website, email, "
            "city, ppk_title, ppk_name, unit_code, numbering_pattern, page_number_style, "
            "e_signature) VALUES ('BKN', 'Badan Kepegawaian Negara', '', 'pusat', "
            "'Jalan Mayjen Sutoyo Nomor 12, Jakarta', '', '', '', 'Jakarta', "
            "'Kepala Badan Kepegawaian Negara', 'Dr. Kepala BKN', 'DWASDAL', "
            "'{sifat_prefix}-{seq}/{agency}/{unit}/{month:02d}/{year}', 'dash', false)",
            conn,
        )
        timed(
            "",
            "INSERT INTO agencies (code, name, parent, kind, address, phone, website, email, "
            "city, ppk_title, ppk_name, unit_code, numbering_pattern, page_number_style, "
            "e_signature) SELECT 'AG' || i, 'BKPSDM ' || i, 'PEMERINTAH KABUPATEN ' || i, "
            "CASE WHEN i % 5 = 0 THEN 'pusat' ELSE 'daerah' END, 'Jl. ' || i, '', '', '', "
            "'Kota ' || i, 'Bupati ' || i, 'PPK ' || i, 'BKPSDM', "
            "'{code}/{seq}/{unit}/{year}', 'dash', false FROM generate_series(1, :agencies) i",
            conn,
            p,
        )
        conn.execute(
            text(
                "INSERT INTO contests (code, name, kind, region, candidate_determination_date) "
                "VALUES ('PILKADA-2024', 'Pilkada Serentak 2024', 'pilkada', '', '2024-09-22')"
            )
        )
        timed(
            "employees",
            "INSERT INTO employees (nip, employee_type, name, birth_date, sex, position, "
            "position_type, unit, agency_id, address, status) SELECT "
            "'19860926' || lpad(i::text, 10, '0'), 'PNS', 'Pegawai ' || i, '1986-09-26', 'L', "
            "'Guru Ahli Pertama', 'fungsional', 'SMP', 2 + i % :agencies, '', 'aktif' "
            "FROM generate_series(1, :employees) i",
            conn,
            p,
        )
        timed(
            "cases",
            "INSERT INTO cases (reference, agency_id, employee_id, contest_id, workflow_version, "
            "state, version, reported_on, act_date, employee_snapshot, facts, opened_by, "
            "opened_at) SELECT 'NET-2026-' || lpad(i::text, 7, '0'), 2 + i % :agencies, "
            "1 + i % :employees, 1, 'bkn-2024', 'direkomendasikan', 1, '2025-12-01', "
            "'2025-11-20', CAST(:snap AS json), "
            'CAST(\'{"level": "berat", "direkomendasikan_on": "2026-01-05", '
            '"dilaporkan_on": "2025-12-01"}\' AS json), \'bench\', :now '
            "FROM generate_series(1, :n) i",
            conn,
            {**p, "snap": SNAPSHOT, "now": NOW},
        )
        timed(
            "case_events",
            'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, source, dest, '
            "note, inputs, late, workflow_version) SELECT id, 1, :now, '2026-01-05', 'bench', "
            "'buka', NULL, 'direkomendasikan', '', CAST('{}' AS json), CAST('[]' AS json), "
            "'bkn-2024' FROM cases",
            conn,
            {"now": NOW},
        )
        common = (
            "INSERT INTO deadlines (case_id, name, label, state, opened_seq, anchor_date, "
            "due_date, unit, amount, direction, on_miss, confidence, basis, closed_seq, "
            "closed_on, met) SELECT id, {name}, 'Tindak lanjut', {state}, 1, '2026-01-05', "
            "{due}, 'hari_kerja', 30, 'after', {on_miss}, 'U', 'bench', {closed} FROM cases"
        )
        timed(
            "deadlines (closed, earlier)",
            common.format(
                name="'klarifikasi'",
                state="'klarifikasi'",
                due="DATE '2025-12-20'",
                on_miss="'record_late'",
                closed="1, DATE '2025-12-15', true",
            ),
            conn,
        )
        timed(
            "deadlines (open follow-up)",
            common.format(
                name="'tindak_lanjut_ppk'",
                state="'direkomendasikan'",
                due=f"CASE WHEN id % :every = 0 THEN DATE '{OVERDUE_DUE}' "
                f"ELSE DATE '{FUTURE_DUE}' END",
                on_miss="'escalate'",
                closed="NULL, NULL, NULL",
            ),
            conn,
            p,
        )
        timed("analyze", "ANALYZE", conn)


def prepare_sample(app: App, case_ids: list[int]) -> None:
    """The recommendation letter and allegation a reminder letter cites, for the sample."""
    with app.db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO allegations (case_id, violation_code, description) "
                "SELECT id, 'DIS-02', '' FROM cases WHERE id = ANY(:ids)"
            ),
            {"ids": case_ids},
        )
        conn.execute(
            text(
                "INSERT INTO letters (case_id, event_seq, agency_id, kind, title, series, year, "
                "seq, number, issued_on, issued_at, issued_by, confidential, sha256, "
                "content_hash, path, pages, signed) SELECT id, 1, 1, 'rekomendasi', "
                "'Rekomendasi', 'rekomendasi-bench', 2026, id, 'R-' || id || '/BKN/2026', "
                "'2026-01-05', :now, 'bench', false, '', '', '', 1, false "
                "FROM cases WHERE id = ANY(:ids)"
            ),
            {"ids": case_ids, "now": NOW},
        )


def fake_issue(
    app: App,
    session: Session,
    case: Case,
    kind: str,
    *,
    on: date,
    actor: str,
    now: datetime,
    event_seq: int | None = None,
    given: Mapping[str, Any] | None = None,
    step: tuple[str, Mapping[str, str]] | None = None,
    checked: CheckedLetter | None = None,
) -> Letter:
    """Everything `issue_letter` writes except the rendering: number and letter row (the
    checked facts a step passes on are not needed for it)."""
    seq = allocate_number(session, agency_id=1, series="*", year=on.year)
    letter = Letter(
        case_id=case.id or 0,
        event_seq=event_seq,
        agency_id=1,
        kind=kind,
        title=kind,
        series="*",
        year=on.year,
        seq=seq,
        number=f"B-{seq}/BKN/DWASDAL/{on.month:02d}/{on.year}",
        issued_on=on,
        issued_at=now,
        issued_by=actor,
        sha256="0" * 64,
        content_hash="0" * 64,
        path="",
        pages=1,
        context={},
    )
    session.add(letter)
    session.flush()
    return letter


def schema_url(user: str, schema: str) -> str:
    """The URL of the benchmark server (`PG`) whose search path is `schema`."""
    return (
        f"postgresql+psycopg://{user}@{PG['host']}:{PG['port']}/{PG['dbname']}"
        f"?options={quote(f'-csearch_path={schema}')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--overdue-pct", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the schema")
    args = parser.parse_args()
    user = pg_user()
    schema = f"bench_rem_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**PG, user=user, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")
    url = schema_url(user, schema)
    engine = make_engine(url)
    store = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    app = App(Settings(database_url=url, letter_store=store), db=engine)
    try:
        upgrade(engine)
        every = max(1, round(100 / args.overdue_pct))
        print(f"building {args.cases:,} cases, 1 in {every} overdue (schema {schema})")
        start = time.perf_counter()
        build(app, args.cases, every)
        print(f"  {'total':<34} {time.perf_counter() - start:7.2f} s")

        scans = []
        for _ in range(3):
            start = time.perf_counter()
            with session_scope(engine) as session:
                overdue = find_overdue(session, as_of=AS_OF)
            scans.append(time.perf_counter() - start)
        with engine.connect() as conn:
            plan = conn.execute(
                text(
                    "EXPLAIN SELECT * FROM deadlines WHERE closed_seq IS NULL "
                    "AND due_date < :d AND on_miss = 'escalate'"
                ),
                {"d": AS_OF},
            ).scalars()
            uses_index = any("ix_deadlines_open" in line for line in plan)
        print(
            f"\noverdue scan: {len(overdue):,} overdue of {args.cases:,} cases in "
            f"{min(scans) * 1000:.0f} ms (best of 3; {', '.join(f'{s * 1000:.0f}' for s in scans)}"
            f" ms); partial index used: {uses_index}; target < 1000 ms"
        )

        # Real letters on a sample: context + HTML + PDF/A + store, rolled back afterwards.
        sample = overdue[:SAMPLE]
        prepare_sample(app, [o.case.id or 0 for o in sample])
        ladder = ladder_of(app)
        step = ladder.steps[0]
        app.pdf_renderer  # noqa: B018  (build the renderer before the clock starts)
        costs = []
        for item in sample:
            with Session(engine) as session:
                start = time.perf_counter()
                given = letter_data(app, step, item, [(step.key, AS_OF)], ladder, AS_OF)
                case = session.get(Case, item.case.id)
                assert case is not None
                issue_letter(
                    app, session, case, step.letter, on=AS_OF, actor="bench", now=NOW,
                    event_seq=2, given=given,
                )  # fmt: skip
                costs.append(time.perf_counter() - start)
                session.rollback()
        print(
            f"real letter ({step.letter}), sample of {len(costs)}: median "
            f"{statistics.median(costs) * 1000:.0f} ms, mean {statistics.mean(costs) * 1000:.0f} "
            f"ms per letter = {len(costs) / sum(costs):.1f} letters/s (one process)"
        )

        start = time.perf_counter()
        report = run_reminders(
            app, as_of=AS_OF, now=NOW, actor="bench", dry_run=False, issue=fake_issue
        )
        elapsed = time.perf_counter() - start
        issued = report.count("issued")
        print(
            f"job with a fake issue_letter: {issued:,} steps issued "
            f"({report.count('failed')} failed) in {elapsed:.1f} s = "
            f"{elapsed / max(issued, 1) * 1000:.2f} ms per case (scan included), "
            f"{issued / elapsed:.0f} cases/s; target < 5 ms per case"
        )
        start = time.perf_counter()
        again = run_reminders(
            app, as_of=AS_OF, now=NOW, actor="bench", dry_run=False, issue=fake_issue
        )
        print(
            f"same-day re-run: {again.count('issued')} issued, {again.count('waiting')} waiting, "
            f"in {time.perf_counter() - start:.1f} s"
        )
        if report.failed:
            print("first failure:", next(r.detail for r in report.rows if r.status == "failed"))
    finally:
        engine.dispose()
        if not args.keep:
            with psycopg.connect(**PG, user=user, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
            print(f"dropped schema {schema}")


if __name__ == "__main__":
    main()
