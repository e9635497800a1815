"""Time a national-scale case import: N rows (default 400,000; the issue's target is under 60 s)
as .csv and as .xlsx, each imported into a fresh SQLite and a fresh PostgreSQL database.

    .venv/bin/python scripts/bench_import.py [--rows N] [--no-postgres] [--no-sqlite]
        [--formats csv,xlsx] [--keep DIR] [--profile FILE]

Every row opens a case and registers its employee (the case layout with the employee columns),
the heaviest import there is. Each import runs in a child process (`--child`), so its wall time
covers reading, checking, writing and the commit, and its peak RSS is the import's own (VmHWM,
read by the child itself; `wait4`'s `ru_maxrss`, printed beside it, counts the pages of the
parent the child was forked from). `--profile FILE` profiles each import with cProfile
on the CPU clock (`time.process_time`) into FILE.<database><suffix>.pstats. PostgreSQL uses
the server at 127.0.0.1:5432
(database `test`), one throwaway schema per import.
"""

from __future__ import annotations

import argparse
import cProfile
import getpass
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_intake import (
    CASE_LAYOUT,
    NOW,
    case_rows,
    employee_rows,
    prepare,
    write_csv,
    write_xlsx,
)

from sanctions.app import App
from sanctions.db import make_engine, session_scope, upgrade
from sanctions.intake import service as intake
from sanctions.intake.tables import read_table
from sanctions.settings import Settings

HEADER = [c.name for c in CASE_LAYOUT.columns[:7]] + [
    "employee_type",
    "name",
    "position",
    "position_type",
    "agency_code",
]


def files(folder: Path, n: int, formats: list[str]) -> list[Path]:
    """The case file of `n` rows in each of `formats` (csv, xlsx), generated unless --keep's
    folder already holds it with `n` rows (the .xlsx is trusted to match its .csv twin)."""
    csv_file, xlsx_file = folder / "cases.csv", folder / "cases.xlsx"
    wanted = [p for p in (csv_file, xlsx_file) if p.suffix.lstrip(".") in formats]
    if csv_file.exists() and _rows_in(csv_file) == n and all(p.exists() for p in wanted):
        return wanted
    rng = random.Random(2024)
    employees = employee_rows(n, rng)
    rows = [
        [*case, e[1], e[2], e[5], e[6], e[7]]
        for case, e in zip(case_rows(employees, rng), employees, strict=True)
    ]
    write_csv(csv_file, HEADER, rows)
    if xlsx_file in wanted:
        write_xlsx(xlsx_file, HEADER, rows)
    return wanted


def child(url: str, path: Path, letters: Path, profile: str = "") -> None:
    """One import into the fresh database at `url` (set up here, before the clock)."""
    engine = make_engine(url)
    upgrade(engine)
    app = App(Settings(database_url=url, letter_store=letters), db=engine)
    actor = getpass.getuser()
    prepare(app, actor)
    app.catalogue  # noqa: B018  (the declared data, loaded before the clock starts)
    app.workflows  # noqa: B018
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler is not None:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    table = read_table(path, CASE_LAYOUT)
    read = time.perf_counter() - started
    with session_scope(engine) as session:
        backend = _backend(session)
        before = _cpu_of(backend)
        result = intake.import_cases(app, session, table, actor=actor, now=NOW)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = _cpu_of(backend) - before  # the connection is pooled: its backend lives on
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    print(
        f"{elapsed:.3f} {read:.3f} {result.added} {result.employees_added} {cpu:.3f} "
        f"{_peak_kib()} {server:.3f}"
    )
    engine.dispose()


def _backend(session: Any) -> int | None:
    """The PostgreSQL server process of the import's connection (the server is local)."""
    if session.connection().dialect.name != "postgresql":
        return None
    return int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _cpu_of(pid: int | None) -> float:
    """The CPU seconds (user + system) process `pid` has used, 0 without one or access."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_kib() -> int:
    """This process's own peak RSS (VmHWM, KiB): `wait4`'s `ru_maxrss` of a child counts the
    parent's pages it was forked with (the generator's 400,000 rows: 411 MiB, whatever the
    import held), which hid the import's own figure."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run(label: str, url: str, path: Path, letters: Path, rows: int, profile: str = "") -> None:
    command = [sys.executable, __file__, "--child", url, str(path), str(letters)]
    if profile:
        command.append(f"{profile}.{label.split()[0].lower()}{path.suffix}.pstats")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        print(f"{label:<22} failed (exit {process.returncode})")
        return
    elapsed, read, added, registered, cpu, peak, server = output.split()
    backend = f"; its server backend {float(server):.2f} s" if float(server) else ""
    print(
        f"{label:<22} {rows:>9,} rows {float(elapsed):8.2f} s {rows / float(elapsed):>9,.0f} "
        f"rows/s  (reading {float(read):6.2f} s)  import CPU {float(cpu):7.2f} s{backend} "
        f"({rows / float(cpu):,.0f} rows per CPU s; {float(cpu) / float(elapsed):.0%} of the "
        f"wall)  peak RSS {int(peak) / 1024:7.1f} MiB (ru_maxrss {usage.ru_maxrss / 1024:.1f})  "
        f"opened {int(added):,}, registered {int(registered):,}"
    )


def _rows_in(csv_file: Path) -> int:
    """The data rows of a file this script generated (--keep: reused when the count fits)."""
    with csv_file.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines) - 1


def main() -> None:
    if len(sys.argv) in (5, 6) and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), *sys.argv[5:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--formats", default="csv,xlsx", help="which files to import (default: csv,xlsx)"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--profile", default="", help="cProfile (CPU clock) each import here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_"))
    folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"{args.rows:,} case rows (each registers its employee); files in {folder}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    sources = files(folder, args.rows, args.formats.split(","))
    schemas = []
    try:
        for source in sources:
            kind = source.suffix
            database = folder / f"bench{kind.replace('.', '-')}.db"
            database.unlink(missing_ok=True)
            if not args.no_sqlite:
                run(
                    f"SQLite {kind}",
                    f"sqlite:///{database}",
                    source,
                    folder / "letters",
                    args.rows,
                    args.profile,
                )
            if args.no_postgres:
                continue
            import psycopg

            schema = f"bench_import_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            url = f"postgresql+psycopg://127.0.0.1/test?options=-csearch_path%3D{schema}"
            run(f"PostgreSQL {kind}", url, source, folder / "letters", args.rows, args.profile)
    finally:
        if schemas:
            import psycopg

            with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                for schema in schemas:
                    c.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
