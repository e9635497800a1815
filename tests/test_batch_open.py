"""The opening (sanctions/cases/batch.py) writes exactly the same rows whether it opens cases
as one batch or one by one (batches of one, as `case open` does): the same database seeded
twice, the cases opened one at a time in one and as one batch in the other, every row
compared."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import psycopg
import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from sanctions.app import App
from sanctions.cases.batch import open_batch, open_records
from sanctions.cases.changes import Opening
from sanctions.cases.opening import OpenCaseInput, opening, opening_workflow
from sanctions.db import bulk, session_scope
from sanctions.db.models import Case, Contest, Employee
from sanctions.intake import service as svc
from sanctions.intake.tables import CASE_LAYOUT, CaseFields, read_table
from sanctions.registry import service as registry
from sanctions.trust import audit
from sanctions.trust import log as merkle
from tests.conftest import _new_schema_name, copy_template, pg_url
from tests.factories import NOW, PNS_NIP, PPPK_NIP, seed
from tests.fakes import FakePdfRenderer
from tests.letterdata import sample_letter_data

# What an opening writes, and the log and letter counters it moves.
TABLES = (
    "cases",
    "allegations",
    "case_events",
    "deadlines",
    "letters",
    "letter_sequences",
    "log_leaves",
    "log_head",
)
# (NIP, contest, violation codes, act date): both kinds of contest, one and two allegations
REPORTS = [
    (PNS_NIP, "PILKADA-SLEMAN-2024", ("DIS-02",), date(2024, 10, 3)),
    (PPPK_NIP, "PILKADA-SLEMAN-2024", ("DIS-02", "DIS-04"), date(2024, 10, 4)),
    (PNS_NIP, "PEMILU-2024", ("DIS-02",), date(2024, 1, 10)),
]


@pytest.fixture
def twin(app: App, db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[App]:
    """A second app on a second, migrated database of the same kind as `app`'s."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'twin.db'}"
        schema = None
    else:
        server = request.getfixturevalue("pg_server")
        schema = _new_schema_name()
        with psycopg.connect(**server, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        url = pg_url(server, schema)
    copy_template(url, request)
    settings = replace(app.settings, database_url=url, letter_store=tmp_path / "twin-letters")
    other = App(settings, pdf_renderer=FakePdfRenderer())
    yield other
    other.db.dispose()
    if schema is not None:
        with psycopg.connect(**server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _openings(app: App, session: Session, count: int, letters: str) -> list[Opening]:
    employees = {e.nip: e for e in session.exec(select(Employee)).scalars()}
    contests = {c.code: c for c in session.exec(select(Contest)).scalars()}
    built = []

    def reported_on(i: int) -> date:
        return REPORTS[i % len(REPORTS)][3] + timedelta(days=4 + i % 5)

    # in the order they were reported: the receipts' register is an agenda book (date order)
    for i in sorted(range(count), key=lambda i: (reported_on(i), i)):
        nip, contest, codes, act = REPORTS[i % len(REPORTS)]
        reported = reported_on(i)
        data = OpenCaseInput(
            nip=nip,
            contest_code=contest,
            reported_on=reported,
            act_date=act,
            violation_codes=codes,
            description=f"Laporan {i}",
            register_number=f"REG-{i:04d}",
        )
        workflow = opening_workflow(app, data)
        kinds = workflow.state(workflow.initial).letters
        built.append(
            opening(
                data,
                employee=employees[nip],
                contest=contests[contest],
                workflow=workflow,
                actor="bawaslu",
                now=NOW,
                letter_data=sample_letter_data(kinds, on=reported, act=act)
                if letters == "issue"
                else None,
            )
        )
    return built


def _rows(app: App, more: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
    found = {}
    with app.db.connect() as conn:
        for name in (*TABLES, *more):
            table = SQLModel.metadata.tables[name]
            order = list(table.primary_key.columns)
            rows = conn.execute(select(table).order_by(*order)).mappings().all()
            found[name] = [dict(r) for r in rows]
    return found


@pytest.mark.parametrize("letters", ["issued_elsewhere", "issue"])
@pytest.mark.parametrize("copy_from", [bulk.COPY_FROM, 0])
def test_a_batch_writes_the_same_rows_as_opening_the_cases_one_by_one(
    app: App,
    twin: App,
    monkeypatch: pytest.MonkeyPatch,
    letters: Literal["issue", "issued_elsewhere"],
    copy_from: int,
) -> None:
    seed(app)
    seed(twin)
    with session_scope(app.db) as session:
        for one in _openings(app, session, 7, letters):
            open_batch(app, session, [one], actor="bawaslu", now=NOW, letters=letters)
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)  # 0: COPY for every table (PostgreSQL)
    with session_scope(twin.db) as session:
        batch = _openings(twin, session, 7, letters)
        written = open_batch(twin, session, batch, actor="bawaslu", now=NOW, letters=letters)
    assert [w.case.reference for w in written] == [f"NET-2024-{i:06d}" for i in range(1, 8)]
    one_by_one, batched = _rows(app), _rows(twin)
    assert len(one_by_one["cases"]) == 7
    assert len(one_by_one["letters"]) == (7 if letters == "issue" else 0)
    assert len(one_by_one["log_leaves"]) > 14  # the seed's, and two or three per case
    for name in TABLES:
        assert batched[name] == one_by_one[name], name
    with session_scope(twin.db) as session:
        checked, findings = audit.verify(session)
        assert (checked, findings) == (7, [])
        assert merkle.verify(session).findings == []


def test_an_empty_batch_writes_nothing(app: App) -> None:
    seed(app)
    before = _rows(app)
    with session_scope(app.db) as session:
        assert open_batch(app, session, [], actor="bawaslu", now=NOW) == []
    assert _rows(app) == before


class Crash(Exception):
    """The process dying half-way through an import (power cut, kill -9)."""


def _case_file(path: Path, count: int) -> Path:
    header = "register_number,nip,contest_code,reported_on,act_date,violation_codes"
    lines = [
        f"REG-{i},{PNS_NIP if i % 2 else PPPK_NIP},PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02"
        for i in range(1, count + 1)
    ]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _import(app: App, path: Path) -> svc.ImportResult:
    table = read_table(path, CASE_LAYOUT)
    with session_scope(app.db) as session:
        return svc.import_cases(app, session, table, actor="admin", now=NOW)


def test_an_import_killed_between_batches_leaves_nothing_and_its_rerun_imports_each_row_once(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app)
    path = _case_file(tmp_path / "forwarded.csv", 5)
    monkeypatch.setattr(svc, "CHUNK", 2)  # three batches: 2, 2 and 1 cases
    batches: list[int] = []

    def dying(*args: Any, **kwargs: Any) -> list[Any]:
        if len(batches) == 2:
            raise Crash("killed while writing the third batch")
        batches.append(len(args[2]))
        return open_records(*args, **kwargs)

    monkeypatch.setattr(svc, "open_records", dying)
    before = _rows(app)
    with pytest.raises(Crash):
        _import(app, path)
    assert batches == [2, 2]  # two batches were written before the crash...
    assert _rows(app) == before  # ...and rolled back with it
    monkeypatch.setattr(svc, "open_records", open_records)
    again = _import(app, path)
    assert (again.added, again.present) == (5, 0)
    numbers = [int(r.rpartition("-")[2]) for r in again.references]
    assert numbers == list(range(numbers[0], numbers[0] + 5))  # PostgreSQL: after the lost ids
    third = _import(app, path)
    assert (third.added, third.present) == (0, 5)
    with session_scope(app.db) as session:
        registers = session.exec(select(Case.register_number)).scalars().all()
        assert sorted(registers) == [f"REG-{i}" for i in range(1, 6)]
        assert audit.verify(session) == (5, [])
        assert merkle.verify(session).findings == []


# An import's file: reports of known employees and of new ones (each registered by its first
# row, again named by a later one), one and two allegations, both kinds of contest.
IMPORTED = [
    "register_number,nip,contest_code,reported_on,act_date,violation_codes,description,"
    "employee_type,name,position,position_type,agency_code,rank,unit,address",
    f"IMP-1,{PNS_NIP},PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,Unggahan,,,,,,,,",
    "IMP-2,19960115 202421 2 005,PILKADA-SLEMAN-2024,2024-11-20,2024-11-16,DIS-06; DIS-02,"
    'Grup WhatsApp,PPPK,"Ratna Sari, S.Kep.",Perawat Ahli Pertama,fungsional,SLEMAN,IX,'
    'Puskesmas Depok I,"Dusun Caturtunggal RT 05"',
    f"IMP-3,{PPPK_NIP},PEMILU-2024,2024-01-15,2024-01-10,DIS-02,Kampanye,,,,,,,,",
    "IMP-4,19960115 202421 2 005,PILKADA-SLEMAN-2024,2024-11-21,2024-11-16,DIS-04,,PPPK,"
    '"Ratna Sari, S.Kep.",Perawat Ahli Pertama,fungsional,SLEMAN,IX,Puskesmas Depok I,'
    '"Dusun Caturtunggal RT 05"',
    "IMP-5,19780312 200501 1 004,PILKADA-SLEMAN-2024,2024-10-22,2024-10-16,DIS-04; DIS-12,"
    "Menghadiri kampanye,PNS,Sutrisno,Kepala Seksi,pengawas,SLEMAN,,,",
    f"IMP-6,{PNS_NIP},PILKADA-SLEMAN-2024,2024-10-08,2024-10-04,DIS-12,Kedua,,,,,,,,",
    "IMP-7,19780312 200501 1 004,PEMILU-2024,2024-01-16,2024-01-11,DIS-02,,PNS,Sutrisno,"
    "Kepala Seksi,pengawas,SLEMAN,,,",
]


def _opened_one_by_one(
    app: App,
    session: Session,
    context: Any,
    todo: Sequence[tuple[CaseFields, Any]],
    *,
    actor: str,
    now: datetime,
) -> list[str]:
    """The import's writing as it was before its plain rows: each case built by `case
    open`'s `opening()` from its employee read back from the database, and written by
    `open_batch` in a batch of one, as `case open` does."""
    references = []
    for fields, person in todo:
        employee = session.get_one(Employee, person.id)
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
        one = opening(
            data,
            employee=employee,
            contest=context.contests[fields.contest_code],
            workflow=opening_workflow(app, data),
            actor=actor,
            now=now,
        )
        written = open_batch(app, session, [one], actor=actor, now=now, letters="issued_elsewhere")
        references.append(written[0].case.reference)
    return references


def _employee_object_values(fields: Any, agencies: dict[str, int]) -> dict[str, Any]:
    """The employee row as `employee add` builds it (`registry.new_employee`)."""
    employee = registry.new_employee(
        fields, digits=fields.nip, agency_id=agencies[fields.agency_code]
    )
    names = [c.name for c in Employee.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
    return bulk.values_of(employee, names)


def _initial_deadlines(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every workflow's initial state made to open deadlines (no shipped one does): those of
    the Bawaslu review (anchored on the day entered, one per kind of contest) and one
    anchored on a fact a new case lacks (not opened)."""
    for version in app.workflows.versions:
        workflow = app.workflow(version)
        extra = (
            *workflow.state("kajian_bawaslu").deadlines,
            *workflow.state("ditindaklanjuti").deadlines,
        )
        initial = workflow.state(workflow.initial)
        opened = replace(initial, deadlines=(*initial.deadlines, *extra))
        monkeypatch.setitem(workflow.states, workflow.initial, opened)  # type: ignore[arg-type]


@pytest.mark.parametrize("deadlines", [False, True])
@pytest.mark.parametrize("copy_from", [bulk.COPY_FROM, 0])
def test_an_import_writes_the_same_rows_as_opening_its_cases_one_by_one(
    app: App,
    twin: App,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    copy_from: int,
    deadlines: bool,
) -> None:
    seed(app)
    seed(twin)
    if deadlines:
        _initial_deadlines(app, monkeypatch)
        if twin.workflow("bkn-2024") is not app.workflow("bkn-2024"):  # not the same law
            _initial_deadlines(twin, monkeypatch)
    path = tmp_path / "forwarded.csv"
    path.write_text("\n".join(IMPORTED) + "\n", encoding="utf-8")
    monkeypatch.setattr(svc, "CHUNK", 3)  # three chunks; a new employee named in two of them
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)  # 0: COPY for every table (PostgreSQL)
    plain = _import(app, path)
    monkeypatch.setattr(svc, "_open_batch", _opened_one_by_one)
    monkeypatch.setattr(svc, "_employee_row", _employee_object_values)
    one_by_one = _import(twin, path)
    assert (plain.added, plain.employees_added) == (7, 2)
    assert plain.references == one_by_one.references
    imported, opened = _rows(app, ("employees",)), _rows(twin, ("employees",))
    assert len(imported["log_leaves"]) > 14  # the seed's, and two per case
    assert len(imported["deadlines"]) == (14 if deadlines else 0)  # two of the case's kind
    for name in (*TABLES, "employees"):
        assert imported[name] == opened[name], name
    with session_scope(app.db) as session:
        assert audit.verify(session) == (7, [])
        assert merkle.verify(session).findings == []
