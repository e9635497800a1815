"""A contest holds one penetapan calon date per office contested, on both databases: set with
`contest add/edit --penetapan OFFICE=DATE`, listed by `contest list`; a case may record the
office its act concerns, and the act-date warning uses that office's date, or without one the
latest date, saying which. A contest registered with one date works as before."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from sanctions.app import App
from sanctions.cases import views
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.errors import InputError, RuleViolation
from sanctions.registry.service import contest_by_code
from tests.factories import grant_cli_user, open_case, seed, snapshot
from tests.fakes import fake_app_factory

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("penetapan.seeded", app, seed)
    return app


@pytest.fixture
def env(seeded: App, db_url: str, tmp_path: Path) -> dict[str, str]:
    """The command line's environment, its user an admin of the seeded database."""
    grant_cli_user(seeded, db_url, ["admin"])
    return {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path)}


def _invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, obj=fake_app_factory())


def _cli(env: dict[str, str], *args: str) -> str:
    result = _invoke(env, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_contest_edit_sets_one_offices_date_and_keeps_the_others(
    seeded: App, env: dict[str, str]
) -> None:
    _cli(env, "contest", "edit", "PEMILU-2024", "--penetapan", "dpr=2023-11-03",
         "--penetapan", "dpd=2023-11-03")  # fmt: skip
    _cli(env, "contest", "edit", "PEMILU-2024", "--penetapan", "dpd=2023-11-04")
    with session_scope(seeded.db) as session:
        contest = contest_by_code(session, "PEMILU-2024")
        assert contest.penetapan_by_office == {"dpr": "2023-11-03", "dpd": "2023-11-04"}
        assert contest.candidate_determination_date == date(2023, 11, 13)  # the default stays
    rows = json.loads(_cli(env, "contest", "list", "--json"))
    [pemilu] = [r for r in rows if r["code"] == "PEMILU-2024"]
    assert pemilu["per_office"] == "dpd 2023-11-04; dpr 2023-11-03"


def test_an_office_the_contest_kind_does_not_have_is_refused_and_changes_nothing(
    seeded: App, env: dict[str, str]
) -> None:
    before = snapshot(seeded)
    result = _invoke(env, "contest", "edit", "PEMILU-2024", "--penetapan", "bupati=2023-11-03")
    assert result.exit_code == 2
    assert "unknown office 'bupati' for a pemilu contest" in result.output
    assert snapshot(seeded) == before


def test_the_act_date_warning_uses_the_date_of_the_office_the_act_concerns(seeded: App) -> None:
    with session_scope(seeded.db) as session:
        contest = contest_by_code(session, "PEMILU-2024")
        contest.penetapan_by_office = {"dpr": "2023-11-03"}
        session.add(contest)
    # DIS-02 is conduct toward a calon: an act on 6 Nov 2023 follows the DPR's penetapan
    # (3 Nov) but precedes the presidential pairs' (13 Nov, the contest's default date).
    ref = open_case(
        seeded, violations=("DIS-02",), act_date=date(2023, 11, 6),
        reported_on=date(2023, 11, 8), contest="PEMILU-2024", office="dpr",
    )  # fmt: skip
    with session_scope(seeded.db) as session:
        case = views.case_by_reference(session, ref)
        assert case.facts["act_office"] == "dpr"
    with pytest.raises(RuleViolation) as refused:
        open_case(
            seeded, violations=("DIS-02",), act_date=date(2023, 11, 6),
            reported_on=date(2023, 11, 8), contest="PEMILU-2024",
        )  # fmt: skip
    message = str(refused.value)
    assert "penetapan calon is 2023-11-13: the latest of the contest's penetapan dates" in message
    assert "act_date_reason" in message or "--act-date-reason" in message


def test_an_unknown_office_on_a_case_is_refused(seeded: App) -> None:
    before = snapshot(seeded)
    with pytest.raises(InputError, match="unknown office 'presiden' for a pilkada contest"):
        open_case(seeded, violations=("DIS-02",), office="presiden")
    assert snapshot(seeded) == before
