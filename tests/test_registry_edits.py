"""Reference data changed after the fact: agency, contest and employee edits and role
revocation, each change recorded with who and when; a case keeps its employee snapshot."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Case, Employee
from sanctions.errors import InputError, PermissionDenied, RuleViolation
from sanctions.registry import edits
from sanctions.registry import service as registry
from sanctions.trust.access import roles_for
from tests.factories import KNOWN_ROLES, NOW, PNS_NIP, open_case, seed, snapshot
from tests.fakes import fake_app_factory


@pytest.fixture
def seeded(app: App) -> App:
    seed(app)
    return app


def test_an_employee_edit_is_recorded_and_the_case_keeps_its_snapshot(seeded: App) -> None:
    ref = open_case(seeded)
    with session_scope(seeded.db) as session:
        changes = edits.edit_employee(
            session, PNS_NIP, {"rank": "Penata Muda Tingkat I, III/b", "unit": "SMP Negeri 2"},
            actor="bkpsdm", now=NOW, holds_from=date(2025, 4, 1),
        )  # fmt: skip
    assert [(c.field, c.old, c.new, c.actor, c.holds_from) for c in changes] == [
        ("rank", "Penata Muda, III/a", "Penata Muda Tingkat I, III/b", "bkpsdm", date(2025, 4, 1)),
        ("unit", "SMP Negeri 1 Sleman", "SMP Negeri 2", "bkpsdm", date(2025, 4, 1)),
    ]
    with session_scope(seeded.db) as session:
        employee = session.exec(select(Employee).where(Employee.nip == PNS_NIP)).one()
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        assert employee.unit == "SMP Negeri 2"
        assert case.employee_snapshot["unit"] == "SMP Negeri 1 Sleman"
        assert [c.at for c in edits.history(session, "employee", PNS_NIP)] == [NOW, NOW]


def test_a_bad_edit_says_what_is_allowed_and_changes_nothing(seeded: App) -> None:
    before = snapshot(seeded)
    with session_scope(seeded.db) as session:
        with pytest.raises(InputError, match="aktif, pensiun"):
            edits.edit_employee(session, PNS_NIP, {"status": "cuti"}, actor="bkpsdm", now=NOW,
                                holds_from=date(2025, 1, 2))  # fmt: skip
        with pytest.raises(InputError, match="after today"):
            edits.edit_employee(session, PNS_NIP, {"status": "pensiun"}, actor="bkpsdm", now=NOW,
                                holds_from=date(2027, 1, 2))  # fmt: skip
        with pytest.raises(InputError, match="campaign would end"):
            edits.edit_contest(session, "PILKADA-SLEMAN-2024", {"campaign_end": "2024-09-01"},
                               actor="admin", now=NOW)  # fmt: skip
        with pytest.raises(PermissionDenied):
            edits.edit_agency(session, "SLEMAN", {"ppk_name": "X"}, actor="bkpsdm", now=NOW)
    assert snapshot(seeded) == before


def test_an_agency_and_a_contest_edit_are_recorded(seeded: App) -> None:
    with session_scope(seeded.db) as session:
        edits.edit_agency(session, "SLEMAN", {"ppk_name": "Harda Kiswaya"}, actor="admin",
                          now=NOW, holds_from=date(2025, 2, 20))  # fmt: skip
        edits.edit_contest(session, "PILKADA-SLEMAN-2024", {"region": "Sleman"}, actor="admin",
                           now=NOW)  # fmt: skip
    with session_scope(seeded.db) as session:
        assert registry.agency_by_code(session, "SLEMAN").ppk_name == "Harda Kiswaya"
        [change] = edits.history(session, "agency", "SLEMAN")
        assert (change.old, change.new, change.holds_from) == (
            "Drs. Harda",
            "Harda Kiswaya",
            date(2025, 2, 20),
        )
        assert [c.new for c in edits.history(session, "contest", "PILKADA-SLEMAN-2024")] == [
            "Sleman"
        ]


def test_revoking_roles_is_recorded_and_the_last_admin_stays(seeded: App) -> None:
    with session_scope(seeded.db) as session:
        [change] = edits.revoke(session, "bkpsdm", roles=(), agency_code=None, actor="admin",
                                now=NOW)  # fmt: skip
        assert (change.field, change.old, change.new) == ("role", "kepegawaian@SLEMAN", None)
        assert roles_for(session, "bkpsdm", None) == set()
        with pytest.raises(RuleViolation, match="last admin"):
            edits.revoke(session, "admin", roles=("admin",), agency_code=None, actor="admin",
                         now=NOW)  # fmt: skip
        with pytest.raises(InputError, match="holds no such grant"):
            edits.revoke(session, "bawaslu", roles=("pejabat",), agency_code=None,
                         actor="admin", now=NOW)  # fmt: skip


def test_edit_commands_print_each_change_and_history_lists_them(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path)}
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(seeded.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["admin", "kepegawaian"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env, obj=fake_app_factory())
        assert result.exit_code == 0, result.output
        return result.stdout

    out = run("employee", "edit", "19860926 201505 1 001", "--status", "pensiun",
              "--from", "2025-10-01")  # fmt: skip
    assert "status 'aktif' -> 'pensiun' (holds from 2025-10-01)" in out
    [row] = json.loads(run("employee", "history", PNS_NIP, "--json"))
    assert (row["by"], row["field"], row["new"]) == (me, "status", "pensiun")
    assert "ppk_title" in run("agency", "edit", "SLEMAN", "--ppk-title", "Bupati Sleman (Plt.)")
    run("user", "revoke", "pengawas")
    assert json.loads(run("user", "history", "pengawas", "--json"))[0]["old"] == "pengawas@*"
    refused = runner.invoke(cli, ["employee", "edit", PNS_NIP, "--from", "2025-10-01"], env=env)
    assert refused.exit_code == 2 and "nothing to change" in refused.output
