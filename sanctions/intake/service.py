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
(`registry.new_employee`) and cases by the one `case open` uses (`sanctions.cases.opening`),
and written `CHUNK` at a time through the write path's batched opening
(`sanctions.cases.batch.open_batch`: one statement per table, COPY on PostgreSQL, the same rows
as opening the cases one by one); look-ups are `IN (...)` queries of `CHUNK` keys. The whole
import is one transaction: a killed import leaves nothing, and its re-run skips nothing.
Figures: docs/performance.md (scripts/bench_import.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.batch import open_batch
from sanctions.cases.opening import OpenCaseInput, opening, opening_problems, opening_workflow
from sanctions.cases.workflow import Workflow
from sanctions.db.bulk import insert_rows
from sanctions.db.models import Agency, Case, Contest, Employee
from sanctions.errors import InvalidNip, SanctionsError
from sanctions.intake.tables import (
    CaseFields,
    Checked,
    IntakeRefused,
    KnownEmployee,
    Problem,
    Row,
    Table,
    check_cases,
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
@dataclass(frozen=True)
class _Opening:
    data: OpenCaseInput
    employee: Employee
    contest: Contest
    workflow: Workflow


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
    rows introduce. `progress` is told the rows handled, twice per row (checked, written)."""
    today = now.date()
    agencies = _agency_ids(session)
    contests = {c.code: c for c in session.exec(select(Contest)).all()}
    known = _employees(session, _nips(table))
    checked = check_cases(
        table,
        today=today,
        catalogue=app.catalogue,
        contests=contests,
        agencies=agencies,
        employees={n: KnownEmployee(n, e.employee_type) for n, e in known.items()},
        workflow_versions=app.workflows.versions,
        employee_types=EMPLOYEE_TYPES,
        position_types=POSITION_TYPES,
        progress=progress,
        penetapan={code: c.candidate_determination_date for code, c in contests.items()},
    )
    new = _new_employees(session, checked, agencies, actor=actor, today=today)
    taken = _registered(session, [fields.register_number for _, fields in checked.good])
    result = ImportResult()
    plan = []
    allowed: set[tuple[int, str]] = set()
    for row, fields in checked.good:
        employee = known.get(fields.nip) or new.get(fields.nip)
        if employee is None:
            continue  # its employee's row was refused (problem recorded there and here)
        if fields.register_number in taken:
            owner, reference = taken[fields.register_number]
            if owner == fields.nip:
                result.present += 1
            else:
                checked.add(
                    row,
                    "register_number",
                    f"{fields.register_number!r} is already case {reference} of NIP {owner}",
                )
            continue
        opening = _opening(
            app, checked, row, fields, employee, contests[fields.contest_code], today=today
        )
        if opening is None:
            continue
        key = (employee.agency_id, opening.workflow.version)
        if key not in allowed:
            require_role(
                session,
                actor,
                opening.workflow.open_roles,
                agency_id=employee.agency_id,
                what="opening a case",
            )
            allowed.add(key)
        plan.append(opening)
    result.rejected = _refuse_or_reject(table, checked, skip_invalid)
    result.employees_added = _write_new_employees(session, plan, new)
    progress(len(table.rows) - len(plan))
    for batch in _chunks(plan):
        result.references.extend(_open_batch(app, session, batch, actor=actor, now=now))
        progress(len(batch))
    result.added = len(plan)
    return result


def _nips(table: Table) -> list[str]:
    return ["".join(row.get("nip").split()) for row in table.rows if row.get("nip")]


def _new_employees(
    session: Session,
    checked: Checked[CaseFields],
    agencies: dict[str, int],
    *,
    actor: str,
    today: date,
) -> dict[str, Employee]:
    """Unsaved employee rows for the NIPs the file registers, checked by the registry's rule;
    a refused one refuses every row that needs it."""
    new: dict[str, Employee] = {}
    refused: dict[str, tuple[int, str]] = {}
    for row, fields in checked.good:
        person = fields.employee
        if person is None or person.nip in new:
            continue
        if person.nip in refused:
            first, message = refused[person.nip]
            checked.add(row, "nip", f"the employee on row {first} was refused: {message}")
            continue
        try:
            validate_employee(person, today=today)
        except SanctionsError as exc:
            refused[person.nip] = (row.number, str(exc))
            checked.add(row, "nip" if isinstance(exc, InvalidNip) else "", str(exc))
            continue
        new[person.nip] = _employee(person, agencies)
    codes = {id_: code for code, id_ in agencies.items()}
    for agency_id in sorted({e.agency_id for e in new.values()}):
        require_role(
            session,
            actor,
            ["kepegawaian"],
            agency_id=agency_id,
            what=f"registering the employees of {codes[agency_id]} the case file names",
        )
    return new


def _opening(
    app: App,
    checked: Checked[CaseFields],
    row: Row,
    fields: CaseFields,
    employee: Employee,
    contest: Contest,
    *,
    today: date,
) -> _Opening | None:
    data = OpenCaseInput(
        nip=fields.nip,
        contest_code=fields.contest_code,
        reported_on=fields.reported_on,
        act_date=fields.act_date,
        violation_codes=fields.violation_codes,
        description=fields.description,
        register_number=fields.register_number,
        workflow_version=fields.workflow_version,
    )
    problems = opening_problems(app, data, employee=employee, contest=contest, today=today)
    for column, exc in problems:
        checked.add(row, column, str(exc))
    if problems:
        return None
    return _Opening(data, employee, contest, opening_workflow(app, data))


def _write_new_employees(
    session: Session, plan: Sequence[_Opening], new: dict[str, Employee]
) -> int:
    needed = {id(o.employee): o.employee for o in plan if o.employee.nip in new}
    for batch in _chunks(list(needed.values())):
        insert_rows(session, batch)
    return len(needed)


def _open_batch(
    app: App, session: Session, batch: Sequence[_Opening], *, actor: str, now: datetime
) -> list[str]:
    """The batch's cases through the write path (`open_batch`), built by the same function
    `case open` uses. The forwarding body issued each report's receipt already, so the
    first state's letters are recorded as issued elsewhere, not issued again."""
    openings = [
        opening(
            o.data, employee=o.employee, contest=o.contest, workflow=o.workflow, actor=actor,
            now=now,
        )
        for o in batch
    ]  # fmt: skip
    written = open_batch(app, session, openings, actor=actor, now=now, letters="issued_elsewhere")
    return [w.case.reference for w in written]


# -- shared ---------------------------------------------------------------------------------
def _refuse_or_reject(
    table: Table, checked: Checked[Any], skip_invalid: bool
) -> list[tuple[Row, list[Problem]]]:
    """Raise IntakeRefused for any bad row, or (skip_invalid) return the bad rows."""
    bad = [row for row in table.rows if checked.bad(row)]
    if bad and not skip_invalid:
        problems = [p for row in bad for p in checked.problems[row.number]]
        raise IntakeRefused(table.source, problems, bad)
    return [(row, checked.problems[row.number]) for row in bad]


def _agency_ids(session: Session) -> dict[str, int]:
    return {code: id_ for code, id_ in session.exec(select(Agency.code, Agency.id)).all() if id_}


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
