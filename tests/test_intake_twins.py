"""Imports: a duplicate or conflicting twin is reported with both row numbers, a cell a
spreadsheet would run as a formula is refused, and the summary names the cases opened."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sanctions.app import App
from sanctions.cli.intake import _ranges
from sanctions.errors import InputError
from sanctions.intake import service as svc
from sanctions.intake.tables import IntakeRefused
from sanctions.registry.employees import EmployeeInput
from tests.factories import snapshot
from tests.test_intake import CASE_HEADER, GOOD, cases, employees, seed_with_bantul, write

if TYPE_CHECKING:
    from tests.conftest import Snapshots

EMPLOYEE_HEADER = "nip,employee_type,name,birth_date,sex,position,position_type,agency_code"
ANI = "198905142014032002,PNS,Ani,1989-05-14,P,Perawat Ahli Pertama,fungsional,SLEMAN"


@pytest.fixture
def ready(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("intake.ready", app, seed_with_bantul)
    return app


def problems_of(refused: pytest.ExceptionInfo[IntakeRefused]) -> list[str]:
    return [str(p) for p in refused.value.problems]


def test_a_conflicting_employee_twin_is_reported_on_both_rows(ready: App, tmp_path: Path) -> None:
    other = ANI.replace(",Ani,", ",Ani Lestari,")
    with pytest.raises(IntakeRefused) as refused:
        employees(ready, write(tmp_path / "e.csv", EMPLOYEE_HEADER, ANI, other))
    assert problems_of(refused) == [
        "row 2, nip: NIP 198905142014032002 is also on row 3 with other data",
        "row 3, nip: NIP 198905142014032002 is also on row 2 with other data",
    ]


def test_an_identical_employee_twin_is_imported_once_and_named(ready: App, tmp_path: Path) -> None:
    result = employees(ready, write(tmp_path / "e.csv", EMPLOYEE_HEADER, ANI, ANI))
    assert (result.added, result.duplicates) == (1, [(2, 3)])


def test_a_register_number_twice_is_reported_on_both_rows(ready: App, tmp_path: Path) -> None:
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, write(tmp_path / "c.csv", CASE_HEADER, GOOD, GOOD))
    assert problems_of(refused) == [
        "row 2, register_number: 'REG-1' is also on row 3",
        "row 3, register_number: 'REG-1' is also on row 2",
    ]
    assert snapshot(ready) == before


def test_twins_in_different_chunks_are_reported_on_both_rows_and_nothing_is_written(
    ready: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "CHUNK", 2)  # rows 2-3, 4-5: the twins are checked apart
    rows = [GOOD, GOOD.replace("REG-1", "REG-2"), GOOD.replace("REG-1", "REG-3"), GOOD]
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, write(tmp_path / "c.csv", CASE_HEADER, *rows))
    assert problems_of(refused) == [
        "row 2, register_number: 'REG-1' is also on row 5",
        "row 5, register_number: 'REG-1' is also on row 2",
    ]
    assert snapshot(ready) == before


def test_with_skip_invalid_a_row_a_later_chunk_makes_bad_is_not_opened(
    ready: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "CHUNK", 2)  # row 2 passes its own chunk; row 5 refuses it
    rows = [GOOD, GOOD.replace("REG-1", "REG-2"), GOOD.replace("REG-1", "REG-3"), GOOD]
    result = cases(ready, write(tmp_path / "c.csv", CASE_HEADER, *rows), skip_invalid=True)
    assert result.added == 2
    assert [row.number for row, _ in result.rejected] == [2, 5]


def test_a_new_employee_named_again_in_a_later_chunk_is_registered_once(
    ready: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "CHUNK", 2)  # rows 2-3, 4-5: row 5 finds the employee row 2 wrote
    header = CASE_HEADER + ",employee_type,name,position,position_type,agency_code"
    ratna = (
        "REG-1,199601152024212005,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,Unggahan,"
        "PPPK,Ratna,Perawat Ahli Pertama,fungsional,SLEMAN"
    )
    known = [GOOD.replace("REG-1", f"REG-{n}") + ",,,,," for n in (2, 3)]
    path = write(tmp_path / "c.csv", header, ratna, *known, ratna.replace("REG-1", "REG-4"))
    result = cases(ready, path)
    assert (result.added, result.employees_added) == (4, 1)


def test_a_new_employee_the_registry_refuses_is_refused_on_every_row_naming_the_first(
    ready: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "CHUNK", 2)  # rows 2-3, 4-5: the second naming in a later chunk
    real = svc.validate_employee

    def refusing(data: EmployeeInput, *, today: date) -> str:
        if data.nip == "199601152024212005":
            raise InputError("refused by the registry's rule")
        return real(data, today=today)

    monkeypatch.setattr(svc, "validate_employee", refusing)
    header = CASE_HEADER + ",employee_type,name,position,position_type,agency_code"
    ratna = (
        "REG-1,199601152024212005,PILKADA-SLEMAN-2024,2024-10-07,2024-10-03,DIS-02,Unggahan,"
        "PPPK,Ratna,Perawat Ahli Pertama,fungsional,SLEMAN"
    )
    known = [GOOD.replace("REG-1", f"REG-{n}") + ",,,,," for n in (2, 3)]
    path = write(tmp_path / "c.csv", header, ratna, *known, ratna.replace("REG-1", "REG-4"))
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, path)
    assert problems_of(refused) == [
        "row 2: refused by the registry's rule",
        "row 5, nip: the employee on row 2 was refused: refused by the registry's rule",
    ]
    assert snapshot(ready) == before


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_cell_beginning_like_a_formula_is_refused(ready: App, tmp_path: Path, cell: str) -> None:
    row = GOOD.replace(",Unggahan", f",{cell}")
    before = snapshot(ready)
    with pytest.raises(IntakeRefused) as refused:
        cases(ready, write(tmp_path / "c.csv", CASE_HEADER, row))
    [problem] = problems_of(refused)
    assert problem.startswith("row 2, description: ") and "runs as a formula" in problem
    assert snapshot(ready) == before


def test_the_summary_names_the_cases_opened(ready: App, tmp_path: Path, db_url: str) -> None:
    from click.testing import CliRunner

    from sanctions.cli import cli
    from sanctions.db import session_scope
    from sanctions.registry import service as registry
    from tests.factories import KNOWN_ROLES
    from tests.fakes import fake_app_factory

    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "l")}
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(ready.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["admin"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip
    rows = [GOOD.replace("REG-1", f"REG-{i}") for i in (1, 2, 3)]
    source = write(tmp_path / "c.csv", CASE_HEADER, *rows)
    result = runner.invoke(cli, ["case", "import", str(source)], env=env, obj=fake_app_factory())
    assert result.exit_code == 0, result.output
    assert "opened: NET-2024-000001 .. NET-2024-000003" in result.stdout
    again = runner.invoke(cli, ["case", "import", str(source), "--json"], env=env,
                          obj=fake_app_factory())  # fmt: skip
    assert json.loads(again.stdout)["references"] == []


@pytest.mark.pure
def test_runs_of_consecutive_references_are_shortened() -> None:
    refs = ["NET-2024-000001", "NET-2024-000002", "NET-2024-000004", "NET-2025-000005"]
    assert _ranges(refs) == ["NET-2024-000001 .. NET-2024-000002", "NET-2024-000004",
                             "NET-2025-000005"]  # fmt: skip
