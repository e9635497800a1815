"""Importing employee and case files, in the caller's transaction (`session_scope`).

Every row is checked before anything is written: the cell checks of `sanctions.intake.tables`, then
the registry's employee rule (`validate_employee`) and the case-opening rules of
`sanctions.cases.service` (`opening_problems`, `opening_workflow`), so an import and a single
`case open` refuse the same things with the same words. A file with any bad row is refused as a
whole (`IntakeRefused`, nothing written) unless `skip_invalid`: then the good rows are written
and the bad ones returned with their problems.

Re-importing creates nothing twice: an employee is keyed by NIP and a case by the forwarding
body's register number; rows whose key is already in the database count as `present`. A
register number already used for another employee's case is a problem of that row.

Writing is batched: employees are built by the function `add_employee` uses
(`registry.new_employee`) and cases, as plain rows, by the functions `case open` builds its
case with (`sanctions.cases.opening`), and written `CHUNK` at a time through the write path's
opening (`sanctions.cases.batch.open_records`, `open_batch`'s rows without its row objects:
one statement per table, COPY on PostgreSQL); look-ups are `IN (...)` queries of
`CHUNK` keys. A case file is imported in two passes that hold a chunk and the file's keys,
never the whole file (`import_cases`). The whole import is one transaction: a killed import
leaves nothing, and its re-run skips nothing.
Figures: docs/performance.md (scripts/bench_import.py).
"""

from __future__ import annotations

import gc
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar, cast

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.batch import NewCase, open_records
from sanctions.cases.opening import (
    SNAPSHOT,
    OpenCaseInput,
    case_values,
    opening_inputs,
    opening_problems,
    snapshot_of,
    workflow_for,
)
from sanctions.cases.workflow import Workflow
from sanctions.db import bulk
from sanctions.db.bulk import insert_rows
from sanctions.db.models import Agency, Case, Contest, Employee
from sanctions.errors import InvalidNip, SanctionsError
from sanctions.intake.tables import (
    CaseChecks,
    CaseFields,
    Checked,
    IntakeRefused,
    KnownEmployee,
    Problem,
    Row,
    Table,
    check_employees,
)
from sanctions.registry import service as registry
from sanctions.registry.employees import (
    EMPLOYEE_TYPES,
    POSITION_TYPES,
    EmployeeInput,
    validate_employee,
)
from sanctions.trust import audit as audit
from sanctions.trust.access import require_role

CHUNK = 1000
_T = TypeVar("_T")
Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did. `rejected` is filled only with `skip_invalid`."""

    added: int = 0
    present: int = 0  # keys already in the database: nothing was written for them
    employees_added: int = 0  # by a case import, for NIPs not registered before
    references: list[str] = field(default_factory=list)  # of the cases opened
    rejected: list[tuple[Row, list[Problem]]] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # identical rows, once


def _ignore(_: int) -> None:
    return None


# -- employees ------------------------------------------------------------------------------
def import_employees(
    session: Session,
    table: Table,
    *,
    actor: str,
    today: date,
    skip_invalid: bool = False,
    progress: Progress = _ignore,
) -> ImportResult:
    """Register the employees of `table` (employee layout). `progress` is told the number of
    rows handled, twice per row: once checked, once written (or skipped)."""
    agencies = _agency_ids(session)
    checked = check_employees(
        table,
        today=today,
        agencies=agencies,
        employee_types=EMPLOYEE_TYPES,
        position_types=POSITION_TYPES,
        progress=progress,
    )
    good = _validated(checked, today)
    for code in sorted({fields.agency_code for _, fields in good}):
        require_role(
            session,
            actor,
            ["kepegawaian"],
            agency_id=agencies[code],
            what=f"registering employees of {code}",
        )
    result = ImportResult(
        rejected=_refuse_or_reject(table, checked, skip_invalid),
        duplicates=list(checked.duplicates),
    )
    existing = _existing(session, col(Employee.nip), [fields.nip for _, fields in good])
    todo = [fields for _, fields in good if fields.nip not in existing]
    result.present = len(good) - len(todo)
    for batch in _chunks(todo):
        insert_rows(session, [_employee(fields, agencies) for fields in batch])
        progress(len(batch))
    progress(len(table.rows) - len(todo))
    result.added = len(todo)
    return result


def _validated(checked: Checked[EmployeeInput], today: date) -> list[tuple[Row, EmployeeInput]]:
    """The good rows that also pass the registry's rule for one employee."""
    good = []
    for row, fields in checked.good:
        try:
            validate_employee(fields, today=today)
        except SanctionsError as exc:
            checked.add(row, "nip" if isinstance(exc, InvalidNip) else "", str(exc))
        else:
            good.append((row, fields))
    return good


def _employee(fields: EmployeeInput, agencies: dict[str, int]) -> Employee:
    return registry.new_employee(fields, digits=fields.nip, agency_id=agencies[fields.agency_code])


# -- cases ----------------------------------------------------------------------------------
def import_cases(
    app: App,
    session: Session,
    table: Table,
    *,
    actor: str,
    now: datetime,
    skip_invalid: bool = False,
    progress: Progress = _ignore,
) -> ImportResult:
    """Open a case for every report in `table` (case layout), registering the employees the
    rows introduce. `progress` is told the rows handled, twice per row (checked, written).

    Two passes, `CHUNK` rows at a time, so memory holds a chunk and the file's keys, never
    the file (its rows are read from it as they are checked: `tables.FileRows`): the first
    checks every row (the cells, the employee rule, the register numbers already used, the
    rules for opening a case), keeping the problems and the keys the checks compare rows by,
    and spills the records of the rows to open to an anonymous temporary file; then the roles
    are checked and a file with any bad row refused (nothing written yet); the second reads
    the records back a chunk at a time, drops those a later row made bad (a twin), and writes
    them: the new employees, then the cases through the write path's batched opening."""
    today = now.date()
    context = _CaseContext.read(app, session, today)
    plan = _Plan(context.checks())
    with tempfile.TemporaryFile() as spill, _page_cache(session):
        chunks = 0
        try:
            for rows in _batched(table.rows):
                with _collector_paused():
                    todo = _check_chunk(app, session, context, plan, rows, today=today)
                pickle.dump((len(rows), todo), spill, protocol=pickle.HIGHEST_PROTOCOL)
                chunks += 1
                progress(len(rows))
        finally:
            plan.checks.close()
        _require_roles(app, session, context, plan, actor=actor)
        checked = plan.checks.checked
        result = ImportResult(
            rejected=_refuse_or_reject(table, checked, skip_invalid), present=plan.present
        )
        spill.seek(0)
        for _ in range(chunks):
            with _collector_paused():
                count, records = pickle.load(spill)
                good = [(f, first) for n, f, first in records if n not in checked.problems]
                _write_chunk(app, session, context, good, result, actor=actor, now=now)
            progress(count)
    return result


# SQLite's page cache for the import's connection, in KiB (its default is 2,000): the tables
# and indexes an import fills outgrow the default within the first 100,000 rows, and each
# insert then reads its B-tree pages back from the operating system.
IMPORT_CACHE_KIB = 32 * 1024


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache for the import's connection (bounded: the same for any
    file), and the connection's own size again after it (the connection is pooled)."""
    db = session.connection()
    if db.dialect.name != "sqlite":
        yield
        return
    before = db.exec_driver_sql("PRAGMA cache_size").scalar()
    db.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one chunk is checked or written: the
    tens of thousands of small dicts and records a chunk builds (and mostly keeps until it
    is written) otherwise trigger collections that also walk every older object, the law's
    and the ORM's included, a fifth of an import's CPU. The chunk's garbage cycles, if any,
    are collected once the collector runs again: memory stays bounded by a chunk."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _require_roles(
    app: App, session: Session, context: _CaseContext, plan: _Plan, *, actor: str
) -> None:
    """The roles the writing needs: registering the new employees of each agency, then
    opening cases of each (agency, workflow version), as the rows met them."""
    codes = {id_: code for code, id_ in context.agencies.items()}
    for agency_id in sorted(plan.employee_agencies):
        require_role(
            session,
            actor,
            ["kepegawaian"],
            agency_id=agency_id,
            what=f"registering the employees of {codes[agency_id]} the case file names",
        )
    for agency_id, version in plan.open_keys:
        require_role(
            session,
            actor,
            app.workflow(version).open_roles,
            agency_id=agency_id,
            what="opening a case",
        )


@dataclass(frozen=True)
class _CaseContext:
    """The reference data an import checks its rows against, read once."""

    agencies: dict[str, int]
    contests: dict[str, Contest]
    app: App
    today: date
    flows: dict[tuple[str | None, date], Workflow] = field(default_factory=dict)

    def workflow(self, version: str | None, reported_on: date) -> Workflow:
        """`workflow_for`, once per version named and report date (a file has few)."""
        key = (version, reported_on)
        found = self.flows.get(key)
        if found is None:
            found = self.flows[key] = workflow_for(self.app, version, reported_on)
        return found

    @classmethod
    def read(cls, app: App, session: Session, today: date) -> _CaseContext:
        contests = {c.code: c for c in session.exec(select(Contest)).all()}
        return cls(_agency_ids(session), contests, app, today)

    def checks(self) -> CaseChecks:
        return CaseChecks(
            today=self.today,
            catalogue=self.app.catalogue,
            contests=self.contests,
            agencies=self.agencies,
            workflow_versions=self.app.workflows.versions,
            employee_types=EMPLOYEE_TYPES,
            position_types=POSITION_TYPES,
            penetapan={c: x.candidate_determination_date for c, x in self.contests.items()},
        )


@dataclass
class _Plan:
    """What the checking pass keeps between chunks: the checks' keys and problems, the new
    employees the registry's rule refused (with the first row and why: rows of the file
    that are refused anyway, so their number does not grow with the good rows), and the
    roles the writing needs."""

    checks: CaseChecks
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)
    employee_agencies: set[int] = field(default_factory=set)
    open_keys: dict[tuple[int, str], None] = field(default_factory=dict)  # in order met
    present: int = 0  # rows whose register number is already this NIP's case


def _check_chunk(
    app: App,
    session: Session,
    context: _CaseContext,
    plan: _Plan,
    rows: Sequence[Row],
    *,
    today: date,
) -> list[tuple[int, CaseFields, bool]]:
    """The checking pass over one chunk: problems recorded in `plan.checks.checked`; the
    records of the rows to open, by row number (a twin further down may still refuse one)."""
    checked = plan.checks.checked
    known = _employees(session, _nips(rows))
    good = plan.checks.check(rows, {n: KnownEmployee(n, e.employee_type) for n, e in known.items()})
    taken = _registered(session, [fields.register_number for _, fields in good])
    todo: list[tuple[int, CaseFields, bool]] = []
    for row, fields in good:
        employee = known.get(fields.nip)
        person = fields.employee
        if employee is None and person is not None:
            refusal = plan.refused.get(person.nip)
            if refusal is not None:
                first, message = refusal
                checked.add(row, "nip", f"the employee on row {first} was refused: {message}")
                continue
            try:  # again for a twin row of one accepted: the same data, the same verdict
                validate_employee(person, today=today)
            except SanctionsError as exc:
                plan.refused[person.nip] = (row.number, str(exc))
                checked.add(row, "nip" if isinstance(exc, InvalidNip) else "", str(exc))
                continue
            employee = _registering(person, context.agencies)
            plan.employee_agencies.add(employee.agency_id)
        if employee is None:
            continue  # not registered and not registrable: the checks said why
        if fields.register_number in taken:
            owner, reference = taken[fields.register_number]
            if owner != fields.nip:
                checked.add(
                    row,
                    "register_number",
                    f"{fields.register_number!r} is already case {reference} of NIP {owner}",
                )
            else:
                plan.present += 1
            continue
        contest = context.contests[fields.contest_code]
        data = _input(fields)
        problems = opening_problems(app, data, employee=employee, contest=contest, today=today)
        for column, error in problems:
            checked.add(row, column, str(error))
        if not problems:
            version = context.workflow(fields.workflow_version, fields.reported_on).version
            plan.open_keys[(employee.agency_id, version)] = None
            first = person is not None and plan.checks.first_row(person.nip) == row.number
            todo.append((row.number, fields, first))
    return todo


class _Registering(NamedTuple):
    """What the rules for opening a case read of an employee the file registers, in the
    checking pass (the row itself is built by the writing pass): a new employee is in service."""

    name: str
    agency_id: int
    status: str = "aktif"


def _registering(person: EmployeeInput, agencies: dict[str, int]) -> Employee:
    return cast(Employee, _Registering(person.name, agencies[person.agency_code]))


def _input(fields: CaseFields) -> OpenCaseInput:
    return OpenCaseInput(
        nip=fields.nip,
        contest_code=fields.contest_code,
        reported_on=fields.reported_on,
        act_date=fields.act_date,
        violation_codes=fields.violation_codes,
        description=fields.description,
        register_number=fields.register_number,
        workflow_version=fields.workflow_version,
    )


def _write_chunk(
    app: App,
    session: Session,
    context: _CaseContext,
    todo: Sequence[tuple[CaseFields, bool]],
    result: ImportResult,
    *,
    actor: str,
    now: datetime,
) -> None:
    """The writing pass over one chunk's records (each with whether it is the file's first
    row of the new employee it registers): their new employees written, then their cases
    through the write path's batched opening. Only the employees not registered by their
    first row here are looked up (the registered ones, and those an earlier row of the file
    registered): on PostgreSQL the planner, without statistics of a table the transaction
    fills, would otherwise scan the growing employees table for every chunk."""
    if not todo:
        return
    known = _employees(session, [fields.nip for fields, first in todo if not first])
    people = {nip: _person(bulk.values_of(e, _PERSON)) for nip, e in known.items()}
    new: dict[str, dict[str, Any]] = {}
    for fields, _ in todo:
        if fields.nip not in people and fields.nip not in new:
            assert fields.employee is not None  # the checks give a new NIP its employee
            new[fields.nip] = _employee_row(fields.employee, context.agencies)
    rows = list(new.values())
    ids = bulk.insert_returning_ids(session.connection(), _EMPLOYEES, rows)
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
        people[row["nip"]] = _person(row)
    result.employees_added += len(new)
    openings = [(fields, people[fields.nip]) for fields, _ in todo]
    result.references.extend(_open_batch(app, session, context, openings, actor=actor, now=now))
    result.added += len(openings)


class _Person(NamedTuple):
    """What a case takes of its employee: the row's id and agency, and its `snapshot`."""

    id: int
    agency_id: int
    snapshot: dict[str, Any]


_PERSON = ("id", "agency_id", *SNAPSHOT)
_EMPLOYEES: Any = Employee.__table__  # type: ignore[attr-defined]


def _person(values: Mapping[str, Any]) -> _Person:
    return _Person(values["id"], values["agency_id"], snapshot_of(values))


def _employee_row(fields: EmployeeInput, agencies: dict[str, int]) -> dict[str, Any]:
    """The row `_employee` builds, as plain values (`bulk.row_values`)."""
    values = registry.employee_values(
        fields, digits=fields.nip, agency_id=agencies[fields.agency_code]
    )
    return bulk.row_values(Employee, values)


def _nips(rows: Iterable[Row]) -> list[str]:
    return ["".join(row.get("nip").split()) for row in rows if row.get("nip")]


def _open_batch(
    app: App,
    session: Session,
    context: _CaseContext,
    todo: Sequence[tuple[CaseFields, _Person]],
    *,
    actor: str,
    now: datetime,
) -> list[str]:
    """The chunk's cases through the write path's opening of plain rows (`open_records`:
    `open_batch`'s rows, with the first state's letters recorded as issued elsewhere, since
    the forwarding body issued each report's receipt already), their values built by the
    functions `case open` builds its case with (`case_values`, `opening_inputs`)."""
    cases = []
    for fields, person in todo:
        cases.append(
            NewCase(
                case_values(
                    register_number=fields.register_number,
                    reported_on=fields.reported_on,
                    act_date=fields.act_date,
                    office=None,
                    employee=dict(person.snapshot),
                    agency_id=person.agency_id,
                    employee_id=person.id,
                    contest=context.contests[fields.contest_code],
                    workflow=context.workflow(fields.workflow_version, fields.reported_on),
                    actor=actor,
                    now=now,
                ),
                fields.violation_codes,
                fields.description,
                opening_inputs(fields.violation_codes, None),
            )
        )
    return open_records(app, session, cases, actor=actor, now=now)


# -- shared ---------------------------------------------------------------------------------
def _refuse_or_reject(
    table: Table, checked: Checked[Any], skip_invalid: bool
) -> list[tuple[Row, list[Problem]]]:
    """Raise IntakeRefused for any bad row, or (skip_invalid) return the bad rows."""
    if not checked.problems:
        return []
    bad = [row for row in table.rows if checked.bad(row)]
    if bad and not skip_invalid:
        problems = [p for row in bad for p in checked.problems[row.number]]
        raise IntakeRefused(table.source, problems, bad)
    return [(row, checked.problems[row.number]) for row in bad]


def _agency_ids(session: Session) -> dict[str, int]:
    return {code: id_ for code, id_ in session.exec(select(Agency.code, Agency.id)).all() if id_}


def _batched(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """`rows` a chunk at a time (`CHUNK` rows, read when called: a test makes them small)."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk


def _chunks(items: Sequence[_T], size: int | None = None) -> Iterable[Sequence[_T]]:
    size = size or CHUNK  # read when called: a test makes the batches small
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(session: Session, column: Any, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for batch in _chunks(sorted(set(keys))):
        found.update(session.exec(select(column).where(column.in_(batch))).all())
    return found


def _employees(session: Session, nips: Sequence[str]) -> dict[str, Employee]:
    found: dict[str, Employee] = {}
    for batch in _chunks(sorted(set(nips))):
        for employee in session.exec(select(Employee).where(col(Employee.nip).in_(batch))):
            found[employee.nip] = employee
    return found


def _registered(session: Session, numbers: Sequence[str]) -> dict[str, tuple[str, str]]:
    """register number → (NIP, case reference) for those already in the database."""
    found: dict[str, tuple[str, str]] = {}
    for batch in _chunks(sorted(set(numbers))):
        query = (
            select(Case.register_number, Employee.nip, Case.reference)
            .join(Employee, col(Employee.id) == Case.employee_id)
            .where(col(Case.register_number).in_(batch))
        )
        for number, nip, reference in session.exec(query).all():
            if number is not None:
                found[number] = (nip, reference)
    return found
