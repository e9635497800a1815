"""Intake of employee and case files (CSV and XLSX): every row checked before anything is
written, refusals listed by row and column, --skip-invalid, and nothing created twice."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest
from click.testing import CliRunner, Result
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Case, Employee
from sanctions.errors import InputError, PermissionDenied
from sanctions.intake import service as svc
from sanctions.intake.tables import (
    CASE_LAYOUT,
    EMPLOYEE_LAYOUT,
    IntakeRefused,
    Table,
    read_table,
    write_rejects,
)
from sanctions.registry import service as registry
from sanctions.trust import audit as audit
from tests.factories import NOW, PNS_NIP, TODAY, add_agency, seed, snapshot

if TYPE_CHECKING:
    from tests.conftest import Snapshots

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CASE_HEADER = "register_number,nip,contest_code,reported_on,act_date,violation_codes,description"
GOOD = "REG-1,19860926 201505 1 001,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,Unggahan"


@pytest.fixture
def ready(app: App, snapshots: Snapshots) -> App:
    """The seed (Sleman, two contests, every actor) plus Bantul and its contest: what the
    sample files refer to (built once, copied into each test)."""
    snapshots.restore("intake.ready", app, seed_with_bantul)
    return app


def seed_with_bantul(app: App) -> None:
    seed(app)
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")
        registry.add_contest(
            session,
            registry.ContestInput(
                code="PILKADA-BANTUL-2024",
                name="Pemilihan Bupati Bantul 2024",
                kind="pilkada",
                candidate_determination_date=date(2024, 9, 22),
            ),
            actor="admin",
        )


def employees(app: App, path: Path, *, actor: str = "admin", **options: bool) -> svc.ImportResult:
    table = read_table(path, EMPLOYEE_LAYOUT)
    with session_scope(app.db) as session:
        return svc.import_employees(session, table, actor=actor, today=TODAY, **options)


def cases(app: App, path: Path, *, actor: str = "admin", **options: bool) -> svc.ImportResult:
    table = read_table(path, CASE_LAYOUT)
    with session_scope(app.db) as session:
        return svc.import_cases(app, session, table, actor=actor, now=NOW, **options)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(refused: pytest.ExceptionInfo[IntakeRefused]) -> list[str]:
    return [str(p) for p in refused.value.problems]


# -- the samples, and nothing twice ---------------------------------------------------------
def test_the_sample_employee_files_import_and_importing_again_creates_nothing(ready: App) -> None:
    first = employees(ready, SAMPLES / "employees.csv")
    assert (first.added, first.present) == (12, 1)  # Budi Santoso is in the seed already
    before = snapshot(ready)
    again = employees(ready, SAMPLES / "employees.xlsx")  # the same people, Indonesian headers
    assert (again.added, again.present) == (0, 13)
    assert snapshot(ready) == before


def test_the_sample_case_files_open_cases_and_importing_again_creates_nothing(ready: App) -> None:
    employees(ready, SAMPLES / "employees.csv")
    result = cases(ready, SAMPLES / "cases.csv")
    assert (result.added, result.present, result.employees_added) == (10, 0, 1)
    with session_scope(ready.db) as session:
        opened = session.exec(select(Case).order_by(col(Case.id))).all()
        assert [c.reference for c in opened] == result.references
        assert {c.state for c in opened} == {"dilaporkan"}
        first = opened[0]
        assert first.register_number == "005/Reg/TM/PB/Kab/34.04/VIII/2024"
        assert (
            first.workflow_version == "skb-2022"
        )  # reported 2024-08-22: before BKN took over (24 Aug 2024)
    before = snapshot(ready)
    again = cases(ready, SAMPLES / "cases.xlsx")
    assert (again.added, again.present, again.employees_added) == (0, 10, 0)
    assert snapshot(ready) == before


def test_an_overlapping_file_opens_only_the_reports_not_seen_before(
    ready: App, tmp_path: Path
) -> None:
    employees(ready, SAMPLES / "employees.csv")
    lines = (SAMPLES / "cases.csv").read_text(encoding="utf-8").splitlines()
    cases(ready, write(tmp_path / "first.csv", *lines[:4]))
    result = cases(ready, SAMPLES / "cases.csv")
    assert (result.added, result.present) == (7, 3)


def test_a_case_row_registers_a_new_employee_reading_birth_date_and_sex_from_the_nip(
    ready: App,
) -> None:
    employees(ready, SAMPLES / "employees.csv")
    cases(ready, SAMPLES / "cases.csv")
    with session_scope(ready.db) as session:
        ratna = session.exec(select(Employee).where(Employee.nip == "199601152024212005")).one()
        assert (ratna.name, ratna.employee_type, ratna.birth_date, ratna.sex) == (
            "Ratna Sari, S.Kep.",
            "PPPK",
            date(1996, 1, 15),
            "P",
        )


# -- refusals -------------------------------------------------------------------------------
BAD_CASES = [
    CASE_HEADER,
    GOOD,
    "REG-3,19860926 201505 1 00X,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,",
    "REG-4,198609262015051001,PILKADA-SLEMAN-2024,2024-10-07,2024-13-01,DIS-02,",
    "REG-5,198609262015051001,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-99,",
    "REG-6,198609262015051001,PILKADA-XYZ,2024-10-07,2024-10-03,DIS-02,",
    "REG-7,198609262015051001,PILKADA-SLEMAN-2024,2024-10-07,2024-10-09,DIS-02,",
    "REG-8,198609262015051001,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,ETK-02,",
    "REG-1,199001152022212003,PILKADA-SLEMAN-2024,2024-10-08,2024-10-03,DIS-02,",
    "REG-10,197803122005011004,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,",
]


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem_by_row_and_column(
    ready: App, tmp_path: Path
) -> None:
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, write(tmp_path / "bad.csv", *BAD_CASES))
    found = problems_of(refused)
    expected = {
        2: "row 2, register_number: 'REG-1' is also on row 9",  # both twins name each other
        3: "row 3, nip: NIP '19860926 201505 1 00X': contains 'X'",
        4: "row 4, act_date: not a date (YYYY-MM-DD or DD/MM/YYYY): '2024-13-01'",
        5: "row 5, violation_codes: unknown violation code 'DIS-99'",
        6: "row 6, contest_code: unknown contest 'PILKADA-XYZ'",
        7: "row 7, act_date: the act (2024-10-09) cannot be after the report (2024-10-07)",
        8: "row 8, act_date: ETK-02 is conduct toward a bakal calon",
        9: "row 9, register_number: 'REG-1' is also on row 2",
        10: "row 10, nip: no employee with NIP 197803122005011004 is registered",
    }
    for row, start in expected.items():
        assert any(p.startswith(start) for p in found), (row, found)
    assert len(found) == len(expected)
    assert str(refused.value).startswith("bad.csv: 9 invalid row(s); nothing was imported")
    assert snapshot(ready) == before


def test_skip_invalid_imports_the_good_rows_and_returns_the_bad_ones(
    ready: App, tmp_path: Path
) -> None:
    source = write(tmp_path / "bad.csv", *BAD_CASES)
    result = cases(ready, source, skip_invalid=True)
    assert (result.added, result.present) == (0, 0)  # row 2's twin is row 9: both refused
    assert [row.number for row, _ in result.rejected] == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    rejects = tmp_path / "rejects.csv"
    write_rejects(rejects, read_table(source, CASE_LAYOUT), result.rejected)
    with rejects.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["2", "3", "4", "5", "6", "7", "8", "9", "10"]
    assert rows[3]["register_number"] == "REG-5"
    assert rows[3]["problems"].startswith("violation_codes: unknown violation code 'DIS-99'")
    without_twin = write(tmp_path / "fixed.csv", *BAD_CASES[:8], *BAD_CASES[9:])
    assert cases(ready, without_twin, skip_invalid=True).added == 1
    assert cases(ready, without_twin, skip_invalid=True).present == 1  # the good row, once


def test_a_register_number_already_used_for_another_employee_is_a_problem_of_that_row(
    ready: App, tmp_path: Path
) -> None:
    cases(ready, write(tmp_path / "one.csv", CASE_HEADER, GOOD))
    other = GOOD.replace("19860926 201505 1 001", "199001152022212003")
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, write(tmp_path / "two.csv", CASE_HEADER, other))
    assert problems_of(refused) == [
        "row 2, register_number: 'REG-1' is already case NET-2024-000001 of NIP 198609262015051001"
    ]


def test_the_employee_file_is_checked_column_by_column_and_nothing_is_written(
    ready: App, tmp_path: Path
) -> None:
    header = ",".join(EMPLOYEE_LAYOUT.names)
    source = write(
        tmp_path / "staff.csv",
        header,
        "197803122005011004,PNS,Agus,1978-03-13,L,Guru,fungsional,SLEMAN,,,",
        "198905142014032002,PNS,Rina,1989-05-14,X,Perawat,fungsional,SLEMAN,,,",
        "199207232019022003,PNS,Anisa,1992-07-23,P,Dokter,guru,SLEMAN,,,",
        "196911181996031002,ASN,Bambang,1969-11-18,L,Kadis,jpt_pratama,SLEMAN,,,",
        "198402282010012001,PNS,Dewi,28/02/1984,P,Kasubag,pengawas,KLATEN,,,",
        "198712012011011005,PNS,,1987-12-01,L,Pengadministrasi,pelaksana,SLEMAN,,,",
        "197009221997032001,PNS,Endang,1970-09-22,P,Kabag,administrator,SLEMAN,,,",
    )
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        employees(ready, source)
    found = problems_of(refused)
    assert [p.split(":")[0] for p in found] == [
        "row 2, nip",
        "row 3, sex",
        "row 4, position_type",
        "row 5, employee_type",
        "row 6, agency_code",
        "row 7, name",
    ]
    assert "digits 1-8 give the birth date 1978-03-12" in found[0]
    assert snapshot(ready) == before


def test_a_nip_the_spreadsheet_stored_as_a_number_is_refused_with_a_clear_message(
    ready: App, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nomor Register", "NIP", "Kode Pemilihan", "Tanggal Laporan", "Tanggal Kejadian"])
    sheet.append(["REG-1", float(PNS_NIP), "PILKADA-SLEMAN-2024", date(2024, 10, 7), "03/10/2024"])
    sheet.cell(row=1, column=6, value="Kode Pelanggaran")
    sheet.cell(row=2, column=6, value="DIS-02")
    book.save(tmp_path / "rounded.xlsx")
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, tmp_path / "rounded.xlsx")
    assert problems_of(refused)[0].startswith("row 2, nip: '1.98609262015051e+17' is a number")
    assert "format the NIP column as Text" in problems_of(refused)[0]


def test_a_semicolon_csv_with_indonesian_headers_and_day_first_dates_is_read(
    ready: App, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "bawaslu.csv",
        "No.;Nomor Register;NIP;Kode Pemilihan;Tanggal Laporan;Tanggal Kejadian;"
        "Kode Pelanggaran;Uraian",
        "1;001/Reg/TM/PB/Kab/34.04/X/2024;19860926 201505 1 001;PILKADA-SLEMAN-2024;"
        "07/10/2024;03-10-2024;dis-02, dis-06;Unggahan di Facebook",
    )
    result = cases(ready, source)
    assert result.added == 1
    with session_scope(ready.db) as session:
        case = session.exec(select(Case)).one()
        assert (case.reported_on, case.act_date) == (date(2024, 10, 7), date(2024, 10, 3))


def test_unknown_or_missing_columns_refuse_the_file_before_any_row_is_read(
    tmp_path: Path,
) -> None:
    typo = write(tmp_path / "typo.csv", CASE_HEADER.replace("description", "descripton"), GOOD)
    with pytest.raises(InputError, match="unknown column\\(s\\) 'descripton'"):
        read_table(typo, CASE_LAYOUT)
    short = write(tmp_path / "short.csv", "register_number,nip", "REG-1,198609262015051001")
    with pytest.raises(InputError, match="lacks column\\(s\\) contest_code, reported_on"):
        read_table(short, CASE_LAYOUT)
    with pytest.raises(InputError, match=r"expected a \.csv or \.xlsx file"):
        read_table(write(tmp_path / "cases.ods", "x"), CASE_LAYOUT)


def test_importing_needs_the_role_for_every_agency_in_the_file(ready: App, tmp_path: Path) -> None:
    before = snapshot(ready)
    with pytest.raises(PermissionDenied, match="registering employees of BANTUL"):
        employees(ready, SAMPLES / "employees.csv", actor="bkpsdm")  # a Sleman-only grant
    with pytest.raises(PermissionDenied, match="employees of BANTUL the case file names"):
        cases(ready, SAMPLES / "cases.csv", actor="bawaslu")  # Ratna Sari is new, in Bantul
    with pytest.raises(PermissionDenied, match="opening a case needs the role bawaslu or"):
        cases(ready, write(tmp_path / "one.csv", CASE_HEADER, GOOD), actor="bkpsdm")
    assert snapshot(ready) == before


def test_check_results_are_reported_as_progress_twice_per_row(ready: App) -> None:
    table: Table = read_table(SAMPLES / "employees.csv", EMPLOYEE_LAYOUT)
    ticks: list[int] = []
    with session_scope(ready.db) as session:
        svc.import_employees(session, table, actor="admin", today=TODAY, progress=ticks.append)
    assert sum(ticks) == 2 * len(table.rows)


# -- CLI ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cli:
    """The command line on the test database, run as the OS/database user (an admin here)."""

    runner: CliRunner
    env: dict[str, str]

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, list(args), env=self.env, catch_exceptions=False)


@pytest.fixture
def run(ready: App, db_url: str, tmp_path: Path) -> Cli:
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "l")}
    command = Cli(CliRunner(), env)
    me = command("user", "whoami").stdout.strip()
    with session_scope(ready.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["admin"],
            known_roles=["admin"],
            agency_code=None,
        )
    return command


def test_case_import_on_the_command_line_refuses_a_bad_file_and_writes_its_rejects(
    run: Cli, ready: App, tmp_path: Path
) -> None:
    source = write(tmp_path / "bad.csv", *BAD_CASES[:8], *BAD_CASES[9:])  # no REG-1 twin
    before = snapshot(ready)
    refused = run("case", "import", str(source), "--rejects", str(tmp_path / "r.xlsx"))
    assert refused.exit_code == 2
    assert "row 5, violation_codes: unknown violation code 'DIS-99'" in refused.stderr
    assert "7 invalid row(s) of 8; nothing was imported" in refused.stderr
    assert snapshot(ready) == before
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["row", "problems", "register_number"]
    assert sheet.max_row == 8
    done = run("case", "import", str(source), "--skip-invalid")
    assert done.exit_code == 0, done.output
    assert "1 case(s) opened, 0 already present" in done.stdout
    assert "opened: NET-2024-000001\n" in done.stdout  # the summary names the cases opened
    assert f"7 row(s) rejected; they are in {tmp_path / 'bad-rejects.csv'}" in done.stdout


def test_employee_import_on_the_command_line_reads_xlsx(run: Cli) -> None:
    result = run("employee", "import", str(SAMPLES / "employees.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "12 employee(s) added, 1 already present"


def test_a_large_file_shows_progress_on_stderr_when_asked(run: Cli, tmp_path: Path) -> None:
    rows = []
    for i in range(1200):
        birth = date(1970, 1, 1).toordinal() + i // 9
        born = date.fromordinal(birth)
        nip = f"{born:%Y%m%d}{born.year + 25}01{1 + i % 2}{i % 9 + 1:03d}"
        sex = "L" if i % 2 == 0 else "P"
        rows.append(f"{nip},PNS,Pegawai {i},{born},{sex},Guru Ahli Pertama,fungsional,SLEMAN,,,")
    source = write(tmp_path / "staff.csv", ",".join(EMPLOYEE_LAYOUT.names), *rows)
    result = run("employee", "import", str(source), "--progress")
    assert result.exit_code == 0, result.output
    assert "staff.csv: checking and importing 1,200 rows" in result.stderr
    assert "staff.csv: 1,200 rows," in result.stderr and "rows/s" in result.stderr
    assert result.stdout.strip() == "1200 employee(s) added, 0 already present"


def test_imported_cases_are_sealed_into_the_audit_chain_like_opened_ones(ready: App) -> None:
    employees(ready, SAMPLES / "employees.csv")
    cases(ready, SAMPLES / "cases.csv")
    with session_scope(ready.db) as session:
        checked, findings = audit.verify(session)
    assert (checked, findings) == (10, [])
