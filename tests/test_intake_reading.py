"""Reading intake files as a stream: .xlsx through python-calamine gives the cells the old
openpyxl reader gave (NIPs as text with their leading zeros, dates as dates, whole numbers as
digits, a rounded NIP still refused), and a CSV read line by line from the file gives the same
table as the same text read whole."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sanctions.errors import InputError
from sanctions.intake import tables
from sanctions.intake.tables import CASE_LAYOUT, EMPLOYEE_LAYOUT, read_csv_text, read_table

pytestmark = pytest.mark.pure
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_xlsx_cells_arrive_as_the_old_reader_gave_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nip", "employee_type", "name", "tanggal_lahir", "sex", "position",
                  "position_type", "agency_code", "rank"])  # fmt: skip
    sheet.append(["001234567890123456", "PNS", "Budi", date(1986, 9, 26), "L", "Guru", "fungsional",
                  "SLEMAN", 3])  # fmt: skip
    sheet.append(["198609262015051001", "PNS", "Sari", datetime(1986, 9, 26), "P", "Guru",
                  "fungsional", "SLEMAN", 2.5])  # fmt: skip
    book.save(tmp_path / "staff.xlsx")
    table = read_table(tmp_path / "staff.xlsx", EMPLOYEE_LAYOUT)
    first, second = table.rows
    assert (first.number, first.get("nip"), first.get("birth_date"), first.get("rank")) == (
        2, "001234567890123456", "1986-09-26", "3")  # fmt: skip
    assert (second.get("birth_date"), second.get("rank")) == ("1986-09-26", "2.5")


def test_a_nip_the_workbook_stored_as_a_number_is_still_seen_as_rounded(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nip"])
    sheet.append([198609262015051001])  # Excel keeps 15 significant digits of it
    book.save(tmp_path / "rounded.xlsx")
    cells = list(tables._xlsx_cells(tmp_path / "rounded.xlsx"))
    assert cells[1][0] == repr(float(198609262015051001))
    with pytest.raises(InputError, match="rounded"):
        tables._nip_text(cells[1][0])


def test_rows_keep_the_spreadsheet_numbers_when_the_sheet_starts_lower_right(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"] = "nip", "nama"
    sheet["B4"], sheet["C4"] = "198609262015051001", "Budi"
    book.save(tmp_path / "offset.xlsx")
    cells = list(tables._xlsx_cells(tmp_path / "offset.xlsx"))
    assert cells[2] == ["", "nip", "nama"] and cells[3] == ["", "198609262015051001", "Budi"]


@pytest.mark.parametrize(
    ("name", "layout"), [("employees", EMPLOYEE_LAYOUT), ("cases", CASE_LAYOUT)]
)
def test_a_csv_read_from_the_file_equals_the_same_text_read_whole(
    name: str, layout: tables.Layout
) -> None:
    path = SAMPLES / f"{name}.csv"
    streamed = read_table(path, layout)
    whole = read_csv_text(path.read_text(encoding="utf-8-sig"), layout, source=path.name)
    assert streamed == whole


def test_the_xlsx_sample_reads_as_its_csv_twin() -> None:
    xlsx = read_table(SAMPLES / "cases.xlsx", CASE_LAYOUT)
    csv = read_table(SAMPLES / "cases.csv", CASE_LAYOUT)
    assert [r.values for r in xlsx.rows] == [r.values for r in csv.rows]


def test_a_csv_that_is_not_utf8_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("nip,nama\n1,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8 text.*CSV UTF-8"):
        read_table(path, EMPLOYEE_LAYOUT)


def test_a_file_read_again_after_it_changed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes((SAMPLES / "cases.csv").read_bytes())
    table = read_table(path, CASE_LAYOUT)  # read whole once; its rows are read again per pass
    assert len(list(table.rows)) == len(table.rows)
    path.write_bytes((SAMPLES / "cases.csv").read_bytes() + b"\n")
    with pytest.raises(InputError, match="changed while it was being imported"):
        list(table.rows)
