"""Time the intake at scale: an employee file and a case file of N rows each (default 100,000),
read, checked and imported into a fresh SQLite database, each in one transaction.

    .venv/bin/python scripts/bench_intake.py [--rows N] [--xlsx] [--keep DIR]

The files are generated before the clock starts (valid NIPs, 40 agencies, one Pilkada contest,
violation codes that fit the act dates). Each phase is timed from reading the file to the
commit; the re-import of the case file (everything already present) is timed as well. With
--xlsx the case file is also written as .xlsx and its reading timed (python-calamine).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sanctions.app import App
from sanctions.db import make_engine, session_scope, upgrade
from sanctions.intake import service as intake
from sanctions.intake.tables import CASE_LAYOUT, EMPLOYEE_LAYOUT, read_table
from sanctions.registry import service as registry
from sanctions.settings import Settings

NOW = datetime(2024, 12, 16, 9, 0, tzinfo=UTC)
AGENCIES = [f"KAB{n:02d}" for n in range(1, 41)]
CONTEST = "PILKADA-SERENTAK-2024"
DETERMINATION = date(2024, 9, 22)
POSITIONS = [
    ("Guru Ahli Pertama", "fungsional"),
    ("Guru Ahli Muda", "fungsional"),
    ("Perawat Ahli Pertama", "fungsional"),
    ("Bidan Terampil", "fungsional"),
    ("Penyuluh Pertanian Ahli Muda", "fungsional"),
    ("Camat", "administrator"),
    ("Kepala Subbagian Umum", "pengawas"),
    ("Pengadministrasi Perkantoran", "pelaksana"),
    ("Kepala Dinas Pendidikan", "jpt_pratama"),
]
CALON_CODES = ["DIS-02", "DIS-04", "DIS-06", "DIS-07", "DIS-08", "DIS-12"]


BIRTH_DAYS = 12_000


def employee_rows(n: int, rng: random.Random) -> list[list[str]]:
    rows = []
    first = date(1965, 1, 1)
    for i in range(n):
        # births over 33 years (1965-1997), nine a day; past 108,000 rows the cycle repeats
        # with the serial number moved on, so every NIP stays valid and unique
        cycle, day = divmod(i // 9, BIRTH_DAYS)
        birth = first + timedelta(days=day)
        sex = "1" if i % 2 else "2"
        serial = f"{i % 9 + 1 + 9 * cycle:03d}"
        tmt = f"{birth.year + 25}{i % 12 + 1:02d}"
        nip = f"{birth:%Y%m%d}{tmt}{sex}{serial}"
        position, kind = POSITIONS[i % len(POSITIONS)]
        rows.append(
            [
                nip,
                "PNS",
                f"Pegawai {i:06d}",
                birth.isoformat(),
                "L" if sex == "1" else "P",
                position,
                kind,
                AGENCIES[rng.randrange(len(AGENCIES))],
                "Penata Muda, III/a",
                "Unit Kerja",
                "Jalan Merdeka 1",
            ]
        )
    return rows


def case_rows(employees: list[list[str]], rng: random.Random) -> list[list[str]]:
    rows = []
    for i, employee in enumerate(employees):
        act = DETERMINATION + timedelta(days=1 + rng.randrange(70))
        reported = act + timedelta(days=1 + rng.randrange(7))
        codes = rng.choice(CALON_CODES)
        rows.append(
            [
                f"{i + 1:06d}/Reg/TM/PB/Kab/{reported:%m}/{reported.year}",
                employee[0],
                CONTEST,
                reported.isoformat(),
                act.isoformat(),
                codes,
                "Unggahan kampanye di media sosial",
            ]
        )
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def prepare(app: App, actor: str) -> None:
    with session_scope(app.db) as s:
        registry.add_user(
            s, actor=actor, username=actor, roles=["admin"], known_roles=["admin"], agency_code=None
        )
        for code in AGENCIES:
            registry.add_agency(
                s,
                registry.AgencyInput(
                    code=code,
                    name=f"BKPSDM {code}",
                    kind="daerah",
                    city="Kota",
                    ppk_title=f"Bupati {code}",
                    ppk_name="Nama PPK",
                ),
                actor=actor,
            )
        registry.add_contest(
            s,
            registry.ContestInput(
                code=CONTEST,
                name="Pemilihan Serentak 2024",
                kind="pilkada",
                candidate_determination_date=DETERMINATION,
            ),
            actor=actor,
        )


def timed(label: str, rows: int, run: Callable[[], str]) -> float:
    started = time.perf_counter()
    outcome = run()
    elapsed = time.perf_counter() - started
    print(
        f"{label:<38} {rows:>9,} rows {elapsed:8.2f} s {rows / elapsed:>10,.0f} rows/s  {outcome}"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time reading an .xlsx")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_intake_"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2024)
    employees = employee_rows(args.rows, rng)
    cases = case_rows(employees, rng)
    employee_file, case_file = folder / "employees.csv", folder / "cases.csv"
    write_csv(employee_file, list(EMPLOYEE_LAYOUT.names), employees)
    write_csv(case_file, [c.name for c in CASE_LAYOUT.columns[:7]], cases)
    database = folder / "bench.db"
    database.unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite:///{database}", letter_store=folder / "letters")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app = App(settings, db=engine)
    actor = getpass.getuser()
    prepare(app, actor)
    app.catalogue  # noqa: B018  (load the declared data before the clock starts)
    app.workflows  # noqa: B018

    def import_employees() -> str:
        table = read_table(employee_file, EMPLOYEE_LAYOUT)
        with session_scope(engine) as s:
            result = intake.import_employees(s, table, actor=actor, today=NOW.date())
        return f"added {result.added:,}, present {result.present:,}"

    def import_cases() -> str:
        table = read_table(case_file, CASE_LAYOUT)
        with session_scope(engine) as s:
            result = intake.import_cases(app, s, table, actor=actor, now=NOW)
        return f"opened {result.added:,}, present {result.present:,}"

    print(f"files in {folder}; SQLite database {database}")
    total = timed("employee import (.csv)", args.rows, import_employees)
    total += timed("case import (.csv)", args.rows, import_cases)
    print(f"{'employees + cases':<38} {2 * args.rows:>9,} rows {total:8.2f} s")
    timed("case re-import (all present)", args.rows, import_cases)
    if args.xlsx:
        xlsx = folder / "cases.xlsx"
        write_xlsx(xlsx, [c.name for c in CASE_LAYOUT.columns[:7]], cases)
        timed(
            "reading the case file as .xlsx",
            args.rows,
            lambda: f"{len(read_table(xlsx, CASE_LAYOUT).rows):,} rows read",
        )
    engine.dispose()


if __name__ == "__main__":
    main()
