"""Intake files: employee lists and case lists (Bawaslu forwarding, SBT/SP4N-LAPOR! reports),
read from CSV or XLSX and checked row by row before anything is written.

Reading gives a `Table`: canonical column names and, per data row, its number in the file
(the header is row 1, as a spreadsheet shows it) and its cells as stripped text. Checking gives
typed records for the good rows and a `Problem` (row, column, message) for every fault found,
so one pass lists them all. The checks here need no database: the reference data they look at
(agency and contest codes, registered employees, the violation catalogue) is passed in, and the
rules for opening a case stay in `sanctions.cases.service` (the service applies them after
these checks).

Files
  .csv    UTF-8 (with or without BOM); comma, semicolon (Excel in an Indonesian locale) or tab
          separated, found from the header line.
  .xlsx   the first worksheet; header in row 1. Date cells may be real dates. Keep NIP columns
          as text: Excel stores 18 digits as a number and loses the last three.

Headers are matched case-insensitively, with spaces, dots and hyphens read as underscores, and
the Indonesian names below are accepted as aliases. Unknown columns refuse the file (a typo in an
optional column would otherwise be ignored silently). Blank rows are skipped.

Dates: YYYY-MM-DD, or DD/MM/YYYY and DD-MM-YYYY (day first, as written in Indonesia).

Limits: a file larger than `MAX_FILE_BYTES` (128 MiB) is refused unread, and so is one with more
than `MAX_ROWS` (500 000) rows or, in a workbook, a cell beyond column `MAX_COLUMNS` (64): a
national register of 400 000 reports is one file (docs/performance.md).

Employee file (`sanctions employee import`), one employee per row, keyed by NIP:
  nip            NIP / NI PPPK, 18 digits, spaces allowed          required  (alias: nip)
  employee_type  PNS | PPPK                                        required  (jenis_pegawai)
  name           name with degrees                                 required  (nama)
  birth_date     must match NIP digits 1-8                         required  (tanggal_lahir)
  sex            L | P; must match NIP digit 15                    required  (jenis_kelamin)
  position       jabatan, e.g. Guru Ahli Pertama                   required  (jabatan)
  position_type  jpt_utama ... pelaksana (employees.POSITION_TYPES) required  (jenis_jabatan)
  agency_code    a registered agency                               required  (kode_instansi)
  rank           pangkat/golongan, e.g. Penata Muda, III/a         optional  (pangkat_golongan)
  unit           unit kerja                                        optional  (unit_kerja)
  address        last known address                                optional  (alamat)

Case file (`sanctions case import`), one report per row, keyed by the forwarding body's
register number:
  register_number  Bawaslu/SBT/LAPOR! register or report number    required  (nomor_register)
  nip              the reported employee's NIP / NI PPPK           required  (nip)
  contest_code     a registered election contest                   required  (kode_pemilihan)
  reported_on      date the report was received                    required  (tanggal_laporan)
  act_date         date of the act                                 required  (tanggal_kejadian)
  violation_codes  catalogue codes, separated by ; , or spaces     (kode_pelanggaran)
  description      what happened, in the report's words            (uraian)
  A row gives violation_codes, or only a description: then the code is the best unambiguous
  match of `sanctions.catalogue.search` for the act date in the contest, and a description
  that names no code clearly rejects the row with the candidates.
  workflow_version a workflow version (default: by report date)    optional  (versi_alur)
  and, to register an employee whose NIP is not known yet, the employee columns employee_type,
  name, position, position_type, agency_code (required together) with rank, unit, address,
  birth_date and sex optional (birth date and sex are read from the NIP when absent). A
  registered employee is never changed by a case import: the employee columns are then ignored.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final, Generic, TypeVar, cast

from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.search import resolve
from sanctions.errors import InputError, SanctionsError
from sanctions.intake.keys import FirstRows
from sanctions.registry.employees import EmployeeInput
from sanctions.registry.nip import Sex, check_matches, parse_nip
from sanctions.reports.cells import safe_row

__all__ = [
    "CASE_LAYOUT",
    "EMPLOYEE_LAYOUT",
    "CaseChecks",
    "CaseFields",
    "Checked",
    "FileRows",
    "IntakeRefused",
    "KnownEmployee",
    "Layout",
    "Problem",
    "Row",
    "Table",
    "check_cases",
    "check_employees",
    "read_csv_text",
    "read_table",
    "write_rejects",
]

_T = TypeVar("_T")
SEXES = ("L", "P")


# -- layouts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    what: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @functools.cached_property
    def required(self) -> tuple[str, ...]:  # read for every row: computed once
        return tuple(c.name for c in self.columns if c.required)

    def canonical(self, header: str) -> str | None:
        key = _header_key(header)
        for column in self.columns:
            if key == column.name or key in column.aliases:
                return column.name
        return None


_EMPLOYEE_COLUMNS = (
    Column("nip", True),
    Column("employee_type", True, ("jenis_pegawai", "jenis_asn", "type")),
    Column("name", True, ("nama", "nama_lengkap")),
    Column("birth_date", True, ("tanggal_lahir", "tgl_lahir")),
    Column("sex", True, ("jenis_kelamin",)),
    Column("position", True, ("jabatan", "nama_jabatan")),
    Column("position_type", True, ("jenis_jabatan",)),
    Column("agency_code", True, ("kode_instansi", "instansi")),
    Column("rank", False, ("pangkat_golongan", "pangkat", "golongan")),
    Column("unit", False, ("unit_kerja", "unor")),
    Column("address", False, ("alamat",)),
)
EMPLOYEE_LAYOUT = Layout("employee", _EMPLOYEE_COLUMNS)
# In a case file the employee columns are optional, and birth date and sex come from the NIP.
_NEW_EMPLOYEE_REQUIRED = ("employee_type", "name", "position", "position_type", "agency_code")
_CASE_COLUMNS = (
    Column("register_number", True, ("nomor_register", "no_register", "nomor_laporan")),
    Column("nip", True),
    Column("contest_code", True, ("kode_pemilihan", "pemilihan")),
    Column("reported_on", True, ("tanggal_laporan", "tanggal_diterima")),
    Column("act_date", True, ("tanggal_kejadian", "tanggal_perbuatan")),
    Column("violation_codes", False, ("kode_pelanggaran", "pelanggaran")),
    Column("description", False, ("uraian", "uraian_singkat", "keterangan")),
    Column("workflow_version", False, ("versi_alur", "workflow")),
)
CASE_LAYOUT = Layout(
    "case",
    _CASE_COLUMNS + tuple(Column(c.name, False, c.aliases) for c in _EMPLOYEE_COLUMNS[1:]),
)


def _header_key(header: str) -> str:
    return _NOT_KEY.sub("_", header.strip().lower()).strip("_")


# compiled once: the cell checks use them on every row
_NOT_KEY = re.compile(r"[^0-9a-z]+")
_ROUNDED = re.compile(r"\d(\.\d+)?e\+\d+", re.IGNORECASE)
_CODES_SEPARATOR = re.compile(r"[;,\s]+")


# -- tables and problems --------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    source: str
    layout: Layout
    columns: tuple[str, ...]  # canonical names, in file order
    rows: Sequence[Row]  # a tuple, or `FileRows`: read from the file again at each pass


class FileRows(Sequence[Row]):
    """A file's data rows, read from the file again each time they are iterated (an import
    of 400,000 rows checks them in one pass and writes them in another, never holding them
    all). The file was read whole once (`read_table`): its size and change time are kept,
    and a file changed since refuses the pass."""

    def __init__(self, path: Path, layout: Layout, count: int, stamp: tuple[int, int]) -> None:
        self.path, self.layout, self.total, self.stamp = path, layout, count, stamp

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Row]:
        if _stamp(self.path) != self.stamp:
            raise InputError(
                f"{self.path.name}: the file changed while it was being imported; nothing was "
                "imported: import it again once it is saved"
            )
        _, rows = _rows(self.path.name, self.layout, _lines(self.path))
        return rows

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        return next(itertools.islice(iter(self), index, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # "" when it concerns the row as a whole
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class IntakeRefused(InputError):
    """The file has bad rows and nothing was written. Carries every problem and bad row."""

    def __init__(self, source: str, problems: Sequence[Problem], rows: Sequence[Row]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        self.rows = list(rows)
        super().__init__(
            f"{source}: {len(self.rows)} invalid row(s); nothing was imported:\n"
            + "\n".join(map(str, self.problems))
        )


@dataclass
class Checked(Generic[_T]):
    """The outcome of checking a table: records of good rows, problems of bad ones."""

    good: list[tuple[Row, _T]] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (first, repeat) rows

    def add(self, row: Row, column: str, message: str) -> None:
        self.add_at(row.number, column, message)

    def add_at(self, number: int, column: str, message: str) -> None:
        self.problems.setdefault(number, []).append(Problem(number, column, message))

    def bad(self, row: Row) -> bool:
        return row.number in self.problems


# -- reading --------------------------------------------------------------------------------
MAX_FILE_BYTES: Final = 128 * 1024 * 1024
MAX_ROWS: Final = 500_000
MAX_COLUMNS: Final = 64


def read_table(path: Path, layout: Layout) -> Table:
    """A CSV or XLSX file as a `Table` with `layout`'s column names. The file is read whole
    once here (every limit and the header checked, the rows counted) but its rows are not
    kept: `Table.rows` reads them again at each pass (`FileRows`)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path.name}: refused: {size} bytes, larger than {MAX_FILE_BYTES // (1024 * 1024)} "
            "MiB, the limit for an import file; split it into smaller files"
        )
    stamp = _stamp(path)
    columns, rows = _rows(path.name, layout, _lines(path), keep=False)
    count = sum(1 for _ in rows)
    return Table(path.name, layout, columns, FileRows(path, layout, count, stamp))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read: {exc.strerror}") from None
    return status.st_size, status.st_mtime_ns


def _lines(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_lines(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_cells(path)
    raise InputError(f"{path.name}: expected a .csv or .xlsx file, not {suffix or 'no suffix'!r}")


def read_csv_text(text: str, layout: Layout, *, source: str = "file") -> Table:
    first = text.splitlines()[0] if text else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table(source, layout, _csv_rows(reader, source))


def _csv_rows(reader: Any, source: str) -> Iterator[list[str]]:
    """`reader`'s lines, one at a time; a malformed line refuses the file."""
    try:
        yield from reader
    except csv.Error as exc:
        raise InputError(
            f"{source}: not a readable CSV file (line {reader.line_num}: {exc})"
        ) from None


def _csv_lines(path: Path) -> Iterator[list[str]]:
    """A CSV file's lines, read row by row (never the whole file at once); the delimiter is
    the one the header line uses most."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            first = text.readline()
            delimiter = max((",", ";", "\t"), key=first.count)
            reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            yield from _csv_rows(reader, path.name)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not UTF-8 text ({exc.reason}); save it as 'CSV UTF-8' or as .xlsx"
        ) from None


def _xlsx_cells(path: Path) -> Iterator[list[str]]:
    """The first worksheet's rows through python-calamine (a Rust reader, some 20x openpyxl's
    speed); cached values of formula cells, as openpyxl's `data_only` gave them."""
    from python_calamine import CalamineWorkbook

    # A damaged or foreign file can make the reader (zip, XML) raise almost anything; all of
    # it means "this is not a workbook we can read", which is the user's to fix.
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        start_column = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    # calamine's rows begin at row 1 but its columns at the first used one: pad them to column A
    pad = [""] * start_column
    try:
        for values in rows:
            if len(values) + start_column > MAX_COLUMNS and any(
                v not in (None, "") for v in values[MAX_COLUMNS - start_column :]
            ):
                raise InputError(
                    f"{path.name}: refused: a cell beyond column {MAX_COLUMNS}, the limit for "
                    "an import file"
                )
            yield pad + [_cell_text(v) for v in values[: MAX_COLUMNS - start_column]]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path.name}: the workbook is damaged ({exc})") from None
    finally:
        close = getattr(book, "close", None)
        if close is not None:
            close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) and abs(value) >= 10**15:
        return repr(float(value))  # calamine gives a whole float as int: still a rounded NIP
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # 1.9860926201505101e+17: a NIP stored as a number
    return str(value).strip()


def _table(source: str, layout: Layout, lines: Iterable[list[str]]) -> Table:
    columns, rows = _rows(source, layout, lines)
    return Table(source, layout, columns, tuple(rows))


def _rows(
    source: str, layout: Layout, lines: Iterable[list[str]], *, keep: bool = True
) -> tuple[tuple[str, ...], Iterator[Row]]:
    """The canonical columns (the header read and checked now) and the data rows, one at a
    time as they are read (not `keep`: every row checked and counted, none built)."""
    iterator = iter(lines)
    header = next(iterator, None)
    while header is not None and not any(h.strip() for h in header):
        header = next(iterator, None)
    if header is None:
        raise InputError(f"{source}: the file is empty; expected a header row")
    columns = _columns(source, layout, header)
    return tuple(columns.values()), _data_rows(source, columns, iterator, keep)


def _data_rows(
    source: str, columns: dict[int, str], lines: Iterator[list[str]], keep: bool = True
) -> Iterator[Row]:
    named = list(columns.items())
    for number, cells in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            raise InputError(
                f"{source}: refused: more than {MAX_ROWS} rows, the limit for an import file; "
                "split it into smaller files"
            )
        joined = "".join(cells)  # one string: the two tests below in C, not per cell
        if not joined.strip():
            continue
        if "\x00" in joined:
            raise InputError(f"{source}: row {number} holds a NUL character; is it a text file?")
        if not keep:
            yield _COUNTED  # read_table only counts the rows
            continue
        size = len(cells)
        yield Row(number, {name: cells[i].strip() for i, name in named if i < size})


_COUNTED: Final = Row(0, {})


def _columns(source: str, layout: Layout, header: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title.strip() or _header_key(title) in ("no", "nomor_urut"):
            continue  # a blank or row-counter column
        name = layout.canonical(title)
        if name is None:
            unknown.append(title.strip())
        elif name in columns.values():
            raise InputError(f"{source}: column {name!r} appears twice in the header")
        else:
            columns[index] = name
    expected = ", ".join(layout.names)
    if unknown:
        raise InputError(
            f"{source}: unknown column(s) {', '.join(map(repr, unknown))}; the {layout.what} "
            f"layout has: {expected} (see docs/intake.md)"
        )
    missing = [c for c in layout.required if c not in columns.values()]
    if missing:
        raise InputError(
            f"{source}: the file lacks column(s) {', '.join(missing)}; expected: {expected}"
        )
    return columns


# -- cells ----------------------------------------------------------------------------------
_DAY_FIRST = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")


def parse_day(text: str) -> date:
    """YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY; ValueError otherwise."""
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _date(checked: Checked[Any], row: Row, column: str) -> date | None:
    text = row.get(column)
    if not text:
        checked.add(row, column, "empty; expected a date (YYYY-MM-DD or DD/MM/YYYY)")
        return None
    try:
        return parse_day(text)
    except ValueError:
        checked.add(row, column, f"not a date (YYYY-MM-DD or DD/MM/YYYY): {text!r}")
        return None


def _required(checked: Checked[Any], row: Row, columns: Iterable[str]) -> bool:
    values = row.values
    empty = [c for c in columns if not values.get(c)]
    for column in empty:
        checked.add(row, column, "empty; a value is required")
    return not empty


def _nip_text(text: str) -> str:
    if _ROUNDED.fullmatch(text):
        raise InputError(
            f"{text!r} is a number the spreadsheet rounded (18 digits do not fit); format the "
            "NIP column as Text and type the numbers again"
        )
    return "".join(text.split())


# -- employees ------------------------------------------------------------------------------


# A cell a spreadsheet would run as a formula (CSV injection): refused, not imported as text,
# so nothing an officer later opens in a spreadsheet runs it (docs/intake.md).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formulas(checked: Checked[Any], row: Row) -> None:
    for column, value in row.values.items():
        if value.startswith(FORMULA_STARTS):
            checked.add(
                row,
                column,
                f"{value[:20]!r} begins with {value[0]!r}, which a spreadsheet runs as a "
                "formula; remove the sign or reword the cell",
            )


def _keep_good(checked: Checked[_T]) -> None:
    """Drop the good records of rows a later check (a twin found further down) made bad."""
    checked.good = [(row, fields) for row, fields in checked.good if not checked.bad(row)]


def check_employees(
    table: Table,
    *,
    today: date,
    agencies: Collection[str],
    employee_types: Sequence[str],
    position_types: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> Checked[EmployeeInput]:
    """Every row of an employee file: required cells, codes, dates, the NIP's structure and its
    agreement with the birth date and sex. A NIP twice in the file is a problem unless both
    rows say the same (the second is then dropped); a conflicting twin is reported on both
    rows, each naming the other."""
    checked: Checked[EmployeeInput] = Checked()
    first: dict[str, tuple[Row, EmployeeInput]] = {}
    for index, row in enumerate(table.rows, start=1):
        _formulas(checked, row)
        fields = _employee_fields(
            checked,
            row,
            today=today,
            agencies=agencies,
            employee_types=employee_types,
            position_types=position_types,
            derive=False,
        )
        if fields is not None:
            seen = first.setdefault(fields.nip, (row, fields))
            if seen[0] is not row and seen[1] != fields:
                _twins(checked, seen[0].number, row, "nip", f"NIP {fields.nip}", "with other data")
            elif seen[0] is not row:
                checked.duplicates.append((seen[0].number, row.number))
            elif not checked.bad(row):
                checked.good.append((row, fields))
        if progress is not None and index % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(table.rows) % 1000)
    _keep_good(checked)
    return checked


def _twins(
    checked: Checked[Any], first: int, second: Row, column: str, what: str, how: str
) -> None:
    """Report a conflicting pair on both rows (the first by its number), each naming the
    other."""
    checked.add(second, column, f"{what} is also on row {first} {how}".rstrip())
    checked.add_at(first, column, f"{what} is also on row {second.number} {how}".rstrip())


def _employee_fields(
    checked: Checked[Any],
    row: Row,
    *,
    today: date,
    agencies: Collection[str],
    employee_types: Sequence[str],
    position_types: Sequence[str],
    derive: bool,
) -> EmployeeInput | None:
    """The employee on `row`, or None after recording its problems. With `derive`, a missing
    birth date or sex is read from the NIP (case files)."""
    before = len(checked.problems.get(row.number, ()))
    cell = row.values.get  # the row's cells: without Row.get's call, a few dozen times a row
    needed = _NEW_EMPLOYEE_REQUIRED if derive else EMPLOYEE_LAYOUT.required
    _required(checked, row, [c for c in needed if c not in ("birth_date", "sex")])
    kind = cell("employee_type", "").upper()
    if kind and kind not in employee_types:
        checked.add(row, "employee_type", _unknown("employee type", kind, employee_types))
    sex = cell("sex", "").upper()
    if sex and sex not in SEXES:
        checked.add(row, "sex", _unknown("sex (L = laki-laki, P = perempuan)", sex, SEXES))
    elif not sex and not derive:
        checked.add(row, "sex", "empty; a value is required (L or P)")
    position_type = _header_key(cell("position_type", ""))
    if position_type and position_type not in position_types:
        checked.add(row, "position_type", _unknown("position type", position_type, position_types))
    agency = cell("agency_code", "")
    if agency and agency not in agencies:
        checked.add(row, "agency_code", _unknown("agency", agency, sorted(agencies)[:20]))
    birth = _date(checked, row, "birth_date") if cell("birth_date", "") or not derive else None
    nip = None
    if kind in employee_types and cell("nip", ""):
        try:
            nip = parse_nip(_nip_text(cell("nip", "")), employee_type=kind, today=today)
            check_matches(nip, birth_date=birth, sex=cast(Sex, sex) if sex in SEXES else None)
        except SanctionsError as exc:
            checked.add(row, "nip", str(exc))
    if len(checked.problems.get(row.number, ())) > before or nip is None:
        return None
    return EmployeeInput(
        nip=nip.digits,
        employee_type=kind,
        name=cell("name", ""),
        birth_date=birth or nip.birth_date,
        sex=sex or nip.sex,
        position=cell("position", ""),
        position_type=position_type,
        agency_code=agency,
        rank=cell("rank", "") or None,
        unit=cell("unit", ""),
        address=cell("address", ""),
    )


def _unknown(what: str, value: str, allowed: Sequence[str]) -> str:
    return f"unknown {what} {value!r} (allowed: {', '.join(allowed)})"


# -- cases ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownEmployee:
    """A registered employee, as far as the checks need it."""

    nip: str
    employee_type: str


@dataclass(frozen=True)
class CaseFields:
    """One report as read; `employee` is set when the row registers a new employee."""

    register_number: str
    nip: str
    contest_code: str
    reported_on: date
    act_date: date
    violation_codes: tuple[str, ...]
    description: str = ""
    workflow_version: str | None = None
    employee: EmployeeInput | None = None


def check_cases(
    table: Table,
    *,
    today: date,
    catalogue: Catalogue,
    contests: Collection[str],
    agencies: Collection[str],
    employees: Mapping[str, KnownEmployee],
    workflow_versions: Collection[str],
    employee_types: Sequence[str],
    position_types: Sequence[str],
    progress: Callable[[int], None] | None = None,
    penetapan: Mapping[str, date | None] | None = None,
) -> Checked[CaseFields]:
    """Every row of a case file (`CaseChecks` over the whole table at once)."""
    checks = CaseChecks(
        today=today,
        catalogue=catalogue,
        contests=contests,
        agencies=agencies,
        workflow_versions=workflow_versions,
        employee_types=employee_types,
        position_types=position_types,
        penetapan=penetapan,
    )
    checked = checks.checked
    iterator = iter(table.rows)
    while chunk := list(itertools.islice(iterator, 1000)):  # a chunk at a time, as an import
        checked.good += checks.check(chunk, employees)
    checks.close()
    if progress is not None:
        progress(len(table.rows))
    _keep_good(checked)
    return checked


class CaseChecks:
    """The rows of a case file checked a chunk at a time: required cells, dates (a report not
    after `today`), the violation codes against the catalogue, the contest, the workflow
    version, and the NIP: registered, or well-formed with the columns to register it. A
    register number twice in the file is a problem of both rows, and so is a new employee
    given twice with different data, wherever the twins are: between chunks only the keys
    are kept (register numbers and new NIPs with the row that gave them first and a digest
    of its employee data), never the rows. The rules for opening a case are checked later,
    by the service. `checked.problems` holds every problem found so far."""

    def __init__(
        self,
        *,
        today: date,
        catalogue: Catalogue,
        contests: Collection[str],
        agencies: Collection[str],
        workflow_versions: Collection[str],
        employee_types: Sequence[str],
        position_types: Sequence[str],
        penetapan: Mapping[str, date | None] | None = None,
    ) -> None:
        self.today, self.catalogue, self.contests, self.agencies = (
            today, catalogue, contests, agencies
        )  # fmt: skip
        self.workflow_versions = workflow_versions
        self.employee_types, self.position_types = employee_types, position_types
        self.penetapan = penetapan or {}
        self.checked: Checked[CaseFields] = Checked()
        # register number -> the first row giving it; new NIP -> first row, its data's digest:
        # on disk (`keys.FirstRows`), the current chunk's in `_new`
        self._keys = FirstRows("registers", "nips")
        self._new: dict[str, tuple[int, int | None]] = {}

    def first_row(self, nip: str) -> int | None:
        """The number of the first row that registers the new employee `nip` (a NIP of the
        chunk checked last)."""
        found = self._new.get(nip)
        return None if found is None else found[0]

    def close(self) -> None:
        """Drop the keys kept (their temporary file)."""
        self._keys.close()

    def check(
        self, rows: Iterable[Row], employees: Mapping[str, KnownEmployee]
    ) -> list[tuple[Row, CaseFields]]:
        """The records of `rows` found good (a twin further down may still make one bad:
        `checked.bad` says so at the end). `employees`: the registered employees the rows
        name, by NIP."""
        checked = self.checked
        good: list[tuple[Row, CaseFields]] = []
        rows = list(rows)
        earlier = self._keys.first("registers", _keys(rows, "register_number"))
        registers = {k: r for k, (r, _) in earlier.items()}
        self._new = new = self._keys.first("nips", ["".join(k.split()) for k in _keys(rows, "nip")])
        met = set(registers), set(new)  # before this chunk
        for row in rows:
            cell = row.values.get  # the row's cells, without Row.get's call
            _required(checked, row, CASE_LAYOUT.required)
            _formulas(checked, row)
            register = cell("register_number", "")
            if register:
                seen = registers.setdefault(register, row.number)
                if seen != row.number:
                    _twins(checked, seen, row, "register_number", repr(register), "")
            contest = cell("contest_code", "")
            if contest and contest not in self.contests:
                checked.add(
                    row, "contest_code", _unknown("contest", contest, sorted(self.contests)[:20])
                )
            reported = _date(checked, row, "reported_on") if cell("reported_on", "") else None
            if reported is not None and reported > self.today:
                checked.add(row, "reported_on", f"{reported} is after today ({self.today})")
            act = _date(checked, row, "act_date") if cell("act_date", "") else None
            codes = tuple(
                c.upper() for c in _CODES_SEPARATOR.split(cell("violation_codes", "")) if c
            )
            if not codes:
                codes = _described(checked, row, self.catalogue, act, self.penetapan.get(contest))
            for code in codes:
                try:
                    self.catalogue.violation(code)
                except SanctionsError as exc:
                    checked.add(row, "violation_codes", str(exc))
            version = cell("workflow_version", "") or None
            if version is not None and version not in self.workflow_versions:
                checked.add(
                    row,
                    "workflow_version",
                    _unknown("workflow version", version, sorted(self.workflow_versions)),
                )
            nip, employee = _case_employee(
                checked,
                row,
                today=self.today,
                agencies=self.agencies,
                employees=employees,
                employee_types=self.employee_types,
                position_types=self.position_types,
            )
            if employee is not None:
                digest = _digest(employee)
                first, first_digest = new.setdefault(employee.nip, (row.number, digest))
                if first_digest != digest:
                    _twins(checked, first, row, "nip", f"new employee {employee.nip}",
                           "with other employee data")  # fmt: skip
            if not checked.bad(row) and reported and act and nip:
                good.append(
                    (
                        row,
                        CaseFields(
                            register_number=register,
                            nip=nip,
                            contest_code=contest,
                            reported_on=reported,
                            act_date=act,
                            violation_codes=codes,
                            description=cell("description", ""),
                            workflow_version=version,
                            employee=employee,
                        ),
                    )
                )
        self._keys.add("registers", [(k, r, None) for k, r in registers.items() if k not in met[0]])
        self._keys.add("nips", [(k, r, d) for k, (r, d) in new.items() if k not in met[1]])
        return good


def _keys(rows: Iterable[Row], column: str) -> Iterator[str]:
    return (key for row in rows if (key := row.get(column)))


def _digest(employee: EmployeeInput) -> int:
    """A new employee's data, as compared with a twin's: its hash (one int kept, not the
    record; Python salts string hashes per process, so no file can be made to collide)."""
    return hash(employee)


def _described(
    checked: Checked[CaseFields],
    row: Row,
    catalogue: Catalogue,
    act: date | None,
    penetapan: date | None,
) -> tuple[str, ...]:
    """The code a row's description names, when it gives no violation_codes; a problem (with
    the candidates) when it names none clearly or there is no description either."""
    text = row.get("description")
    if not text:
        checked.add(row, "violation_codes", "empty: give the codes, or the conduct as description")
        return ()
    try:
        found = resolve(catalogue, text, act_date=act, penetapan_calon=penetapan)
    except InputError as exc:
        checked.add(row, "description", str(exc))
        return ()
    if found.best is None:
        candidates = "; ".join(f"{h.code} ({h.score:.2f})" for h in found.candidates) or "none"
        checked.add(
            row,
            "description",
            f"names no violation clearly ({found.reason}); candidates: {candidates}; give "
            "violation_codes",
        )
        return ()
    return (found.best.code,)


def _case_employee(
    checked: Checked[CaseFields],
    row: Row,
    *,
    today: date,
    agencies: Collection[str],
    employees: Mapping[str, KnownEmployee],
    employee_types: Sequence[str],
    position_types: Sequence[str],
) -> tuple[str | None, EmployeeInput | None]:
    """(18-digit NIP, new employee or None); records a problem and gives (None, None) when the
    NIP is neither registered nor registrable from the row."""
    text = row.get("nip")
    if not text:
        return None, None
    try:
        digits = _nip_text(text)
    except InputError as exc:
        checked.add(row, "nip", str(exc))
        return None, None
    if digits in employees:
        return digits, None
    if any(row.get(c) for c in _NEW_EMPLOYEE_REQUIRED):
        fields = _employee_fields(
            checked,
            row,
            today=today,
            agencies=agencies,
            employee_types=employee_types,
            position_types=position_types,
            derive=True,
        )
        return (fields.nip, fields) if fields else (None, None)
    problem = _structure_problem(text, today)
    checked.add(
        row,
        "nip",
        problem
        or f"no employee with NIP {digits} is registered; import the employee first "
        f"(`sanctions employee import`) or add the columns {', '.join(_NEW_EMPLOYEE_REQUIRED)}",
    )
    return None, None


def _structure_problem(text: str, today: date) -> str | None:
    """Why `text` is neither a well-formed NIP nor NI PPPK (the NIP reading's reason)."""
    reasons = []
    for kind in ("PNS", "PPPK"):
        try:
            parse_nip(text, employee_type=kind, today=today)
        except SanctionsError as exc:
            reasons.append(str(exc))
        else:
            return None
    return reasons[0]


# -- rejects --------------------------------------------------------------------------------
def write_rejects(
    path: Path, table: Table, rejected: Sequence[tuple[Row, Sequence[Problem]]]
) -> None:
    """The rejected rows with their problems, as CSV or XLSX by `path`'s suffix: columns
    `row` and `problems`, then the file's own columns, so the rows can be fixed and imported
    again."""
    header = ["row", "problems", *table.columns]
    lines = [
        [str(row.number), "; ".join(f"{p.column or 'row'}: {p.message}" for p in problems)]
        + [row.get(c) for c in table.columns]
        for row, problems in rejected
    ]
    if path.suffix.lower() == ".xlsx":
        import openpyxl  # type: ignore[import-untyped]
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("rejected")
        sheet.append(header)
        for line in lines:
            cells = []
            for text in line:  # every cell a text cell: "=..." stays text, never a formula
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        book.save(path)
        return
    lines = [safe_row(line) for line in lines]  # CSV has no types: "=..." gets a leading '
    header = safe_row(header)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(lines)
