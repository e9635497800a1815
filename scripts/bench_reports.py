"""Time the reports, the overdue scan and the desk over 10,000 and 1,000,000 cases on PostgreSQL.

    .venv/bin/python scripts/bench_reports.py [--sizes 10000 1000000] [--rounds 3] [--keep]
                                              [--explain]

Each size gets a fresh schema of database `test` at 127.0.0.1:5432 (trust auth), filled with
bench_reminders' set-based builder (500 agencies, 100,000 employees, one opening event and an
open follow-up deadline per case, 1 % of them overdue), plus, set-based too: one or two
allegations per case, one case in ten taken on to an ethics panel (two more steps) and one in
twenty of those given its moral sanction (the follow-up acted), one in fifty reported in
another year, and three users: `bench-admin` (admin for all agencies), `bench-national`
(kepegawaian for all agencies) and `bench-officer` (kepegawaian of one agency, ~2,000 cases
at 1,000,000).

Then it times (best of --rounds, wall clock and this process's CPU) each report through the
service layer (`report followup|violations|positions|backlog` as `bench-admin`, and
`report overdue` for one agency), the overdue scan (`find_overdue`) and the desk of
`bench-officer`, prints the rows each returns and, for two sizes, the ratio of the larger to
the smaller. --explain prints EXPLAIN (ANALYZE, BUFFERS) of the scan's and the desk's queries
at the largest size. The load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import psycopg  # noqa: E402
from bench_reminders import AS_OF, NOW, PG, build, pg_user, schema_url  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from sanctions.app import App  # noqa: E402
from sanctions.cases import desk  # noqa: E402
from sanctions.db import make_engine, session_scope, upgrade  # noqa: E402
from sanctions.deadlines.reminders import find_overdue, overdue_pages  # noqa: E402
from sanctions.reports import service as reports  # noqa: E402
from sanctions.settings import Settings  # noqa: E402

OFFICER_AGENCY = 2  # AG1 (bench_reminders: agency ids 2..501, case i goes to 2 + i % 500)


def enrich(app: App) -> None:
    """What the reports group by, on top of bench_reminders' cases (set-based SQL)."""
    statements = [
        "INSERT INTO allegations (case_id, violation_code, description) SELECT id, "
        "(ARRAY['DIS-02','DIS-04','DIS-06','DIS-07','DIS-12','ETK-02'])[1 + id % 6], '' "
        "FROM cases",
        "INSERT INTO allegations (case_id, violation_code, description) SELECT id, 'DIS-12', '' "
        "FROM cases WHERE id % 7 = 0",
        # one in ten: an ethics panel formed and sitting; one in twenty of those sanctioned
        'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, source, dest, note, '
        "inputs, late, workflow_version) SELECT id, 2, :now, '2026-01-20', 'bench', "
        "'bentuk_majelis', 'direkomendasikan', 'majelis_dibentuk', '', CAST('{}' AS json), "
        "CAST('[]' AS json), 'bkn-2024' FROM cases WHERE id % 10 = 3",
        'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, source, dest, note, '
        "inputs, late, workflow_version) SELECT id, 3, :now, '2026-02-02', 'bench', "
        "'sidangkan', 'majelis_dibentuk', 'sidang_majelis', '', CAST('{}' AS json), "
        "CAST('[]' AS json), 'bkn-2024' FROM cases WHERE id % 10 = 3",
        'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, source, dest, note, '
        "inputs, late, workflow_version) SELECT id, 4, :now, "
        "CASE WHEN id % 400 = 3 THEN DATE '2026-02-27' ELSE DATE '2026-02-10' END, 'bench', "
        "'jatuhkan_sanksi_moral', 'sidang_majelis', 'sanksi_moral', '', CAST('{}' AS json), "
        "CAST('[]' AS json), 'bkn-2024' FROM cases WHERE id % 200 = 3",
        "UPDATE cases SET state = CASE WHEN id % 200 = 3 THEN 'sanksi_moral' "
        "ELSE 'sidang_majelis' END, version = CASE WHEN id % 200 = 3 THEN 4 ELSE 3 END "
        "WHERE id % 10 = 3",
        "UPDATE cases SET reported_on = '2024-12-02', act_date = '2024-11-18' WHERE id % 50 = 1",
        # what the write path fills when it opens a case (`changes.report_columns`), as
        # migration 0028 fills it for cases written before it
        "UPDATE cases SET position = COALESCE(employee_snapshot ->> 'position', ''), "
        "position_type = COALESCE(employee_snapshot ->> 'position_type', ''), "
        "violation_codes = COALESCE((SELECT string_agg(DISTINCT a.violation_code, ',' "
        "ORDER BY a.violation_code) FROM allegations a WHERE a.case_id = cases.id), '')",
        # the follow-up facts the write path keeps (`cases.follow_up`), as migration 0029
        # fills them for the cases written before it, by the declared law
        _follow_up_backfill(app),
        "INSERT INTO app_users (username, full_name) VALUES ('bench-admin', ''), "
        "('bench-national', ''), ('bench-officer', '')",
        "INSERT INTO role_grants (username, role, agency_id) VALUES "
        "('bench-admin', 'admin', NULL), ('bench-national', 'kepegawaian', NULL), "
        f"('bench-officer', 'kepegawaian', {OFFICER_AGENCY})",
        "ANALYZE",
    ]
    with app.db.begin() as conn:
        for sql in statements:
            conn.execute(text(sql), {"now": NOW})


def _follow_up_backfill(app: App) -> str:
    """Migration 0029's UPDATE of the follow-up columns, with the shipped law."""
    import importlib.util

    from sanctions.cases import follow_up
    from sanctions.db import MIGRATIONS

    path = MIGRATIONS / "versions" / "0029_case_follow_up_facts.py"
    spec = importlib.util.spec_from_file_location("migration_0029", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    laws = follow_up.as_data(follow_up.laws_of(app.workflows.versions))
    return str(module._backfill("postgresql", laws))


def best(fn: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    """(best wall seconds, CPU seconds of that round, result)."""
    runs = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, result))
    return min(runs, key=lambda r: r[0])


def measures(app: App) -> dict[str, Callable[[], int]]:
    """name → a function doing it in its own transaction, returning the rows it gives."""

    def run(fn: Callable[..., Any], **kw: Any) -> Callable[[], int]:
        def go() -> int:
            with session_scope(app.db) as session:
                return len(fn(app, session, **kw))

        return go

    def scan() -> int:
        with session_scope(app.db) as session:
            return len(find_overdue(session, as_of=AS_OF))

    def first_page() -> int:
        return len(next(overdue_pages(app, as_of=AS_OF), []))

    def pages() -> int:
        return sum(len(page) for page in overdue_pages(app, as_of=AS_OF))

    def page() -> int:
        with session_scope(app.db) as session:
            found = desk.desk_page(app, session, actor="bench-officer", on=AS_OF, limit=50)
            return len(found.rows)

    admin = {"actor": "bench-admin", "on": AS_OF}
    return {
        "overdue scan (find_overdue)": scan,
        "overdue scan, first page of 1,000": first_page,
        "overdue scan in pages of 1,000": pages,
        "desk (one agency's officer)": run(desk.desk, actor="bench-officer", on=AS_OF),
        "desk --limit 50 (its first page)": page,
        "report overdue --agency AG1": run(desk.overdue, **admin, agency_code="AG1"),
        "report backlog": run(reports.backlog, **admin),
        "report violations": run(reports.violations, **admin),
        "report positions": run(reports.positions, **admin),
        "report followup": run(reports.follow_up, **admin),
        "report followup --by ppk": run(reports.follow_up, **admin, by="ppk"),
    }


def explain(app: App) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the scan's query (whole, and its first keyset page), the
    desk's two light queries and the follow-up report's query."""
    from sanctions.cases.desk import _allegations_query, _light_deadlines_query, _light_query
    from sanctions.deadlines.reminders import PAGE, overdue_query
    from sanctions.reports import queries
    from sanctions.reports.figures import ALL_TIME

    with session_scope(app.db) as session:
        scope = reports.scope_of(app, actor="bench-admin", on=AS_OF)
        captured: list[Any] = []

        def capture(_: Any, query: Any) -> list[Any]:
            captured.append(query)
            return []

        original = queries._stream
        queries._stream = capture  # type: ignore[assignment]
        try:
            list(queries.follow_up_groups(session, scope, ALL_TIME))
        finally:
            queries._stream = original
        plans = {
            "overdue scan": overdue_query(AS_OF),
            f"overdue scan, first keyset page of {PAGE}": overdue_query(AS_OF, limit=PAGE),
            "desk: the open cases of the officer's agency": _light_query(app).where(
                text(f"cases.agency_id = {OFFICER_AGENCY}")
            ),
            "desk: their open deadlines": _light_deadlines_query(app, session, "bench-officer"),
            "desk: the route checks' allegations": _allegations_query(
                session, "bench-officer", {"direkomendasikan"}
            ),
            "report followup": captured[0],
        }
        for label, query in plans.items():
            sql = str(
                query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            )
            plan = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")).scalars()
            print(f"\n-- {label}\n" + "\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the schemas")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--schema", help="measure a schema kept by an earlier --keep run (no build; one size)"
    )
    parser.add_argument(
        "--only", nargs="+", default=[], help="measure only the measures whose names contain one"
    )
    args = parser.parse_args()
    if args.schema:
        args.sizes = args.sizes[:1]
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    user = pg_user()
    figures: dict[int, dict[str, tuple[float, float, int]]] = {}
    for size in args.sizes:
        schema = args.schema or f"bench_rep_{uuid.uuid4().hex[:8]}"
        if not args.schema:
            with psycopg.connect(**PG, user=user, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute(f"CREATE SCHEMA {schema}")
        url = schema_url(user, schema)
        engine = make_engine(url)
        app = App(Settings(database_url=url, letter_store=Path("/tmp")), db=engine)
        try:
            upgrade(engine)
            if args.schema:
                print(f"\nmeasuring the kept schema {schema} ({size:,} cases)")
            else:
                print(f"\nbuilding {size:,} cases (schema {schema})")
                start = time.perf_counter()
                build(app, size, 100)
                enrich(app)
                # as autovacuum would after the load: the visibility map the index-only
                # scans of the reports need
                with psycopg.connect(**PG, user=user, autocommit=True) as conn:  # type: ignore[arg-type]
                    conn.execute(f"SET search_path = {schema}")
                    conn.execute("VACUUM ANALYZE")
                print(f"  {'total':<34} {time.perf_counter() - start:7.2f} s")
            if args.explain and size == max(args.sizes):
                explain(app)
            figures[size] = {}
            chosen = {
                name: fn
                for name, fn in measures(app).items()
                if not args.only or any(part in name for part in args.only)
            }
            for name, fn in chosen.items():
                fn()  # warm: the plan cache, the workflow, the calendar
                wall, cpu, rows = best(fn, args.rounds)
                figures[size][name] = (wall, cpu, rows)
                print(
                    f"  {name:<32} {wall * 1000:9.1f} ms  (CPU here {cpu * 1000:7.1f} ms) "
                    f"{rows:7,} rows",
                    flush=True,
                )
        finally:
            engine.dispose()
            if not args.keep and not args.schema:
                with psycopg.connect(**PG, user=user, autocommit=True) as conn:  # type: ignore[arg-type]
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        print(f"\nratio {large:,} / {small:,} cases (wall; cases x{large // small}):")
        for name, (wall, _, rows) in figures[large].items():
            if name not in figures[small]:
                continue
            base, _, base_rows = figures[small][name]
            print(f"  {name:<32} x{wall / base:7.1f}   rows {base_rows:,} -> {rows:,}")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
