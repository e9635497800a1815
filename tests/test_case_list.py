"""`case list`: a page at a time with "showing N of M", search by NIP, name or register
number, and unknown filter values refused with the valid ones."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctions.app import App
from sanctions.cases import service, views
from sanctions.cases.opening import OpenCaseInput
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.db import session_scope
from sanctions.errors import InputError, NotFound
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, NOW, PNS_NIP, PPPK_NIP, open_case, seed
from tests.fakes import fake_app_factory
from tests.letterdata import sample_letter_data

REGISTER = "007/Reg/LP/PB/Kab/14.04/X/2024"


@pytest.fixture
def five(app: App) -> App:
    """Five cases: four of the PNS teacher, the last of the PPPK nurse with a register number."""
    seed(app)
    for _ in range(4):
        open_case(app)
    with session_scope(app.db) as session:
        data = OpenCaseInput(
            nip=PPPK_NIP, contest_code="PILKADA-SLEMAN-2024", reported_on=date(2024, 10, 7),
            act_date=date(2024, 10, 3), violation_codes=["DIS-02"], register_number=REGISTER,
        )  # fmt: skip
        workflow = app.workflows.for_date(data.reported_on)
        given = sample_letter_data(workflow.state(workflow.initial).letters)
        service.open_case(app, session, data, actor="bawaslu", now=NOW, letter_data=given)
    return app


def listed(app: App, **filters: object) -> views.CaseList:
    with session_scope(app.db) as session:
        return views.list_cases(app, session, actor="admin", on=date(2024, 10, 8), **filters)  # type: ignore[arg-type]


def test_a_page_of_cases_with_the_total(five: App) -> None:
    page = listed(five, limit=2, offset=3)
    assert [r.reference for r in page.rows] == ["NET-2024-000004", "NET-2024-000005"]
    assert (page.total, page.offset, page.limit) == (5, 3, 2)


def test_search_by_nip_name_register_number_or_reference(five: App) -> None:
    assert listed(five, search="19900115 202221 2 003").total == 1
    assert listed(five, search="siti amin").total == 1
    assert listed(five, search="budi").total == 4
    assert [r.reference for r in listed(five, search=REGISTER).rows] == ["NET-2024-000005"]
    assert listed(five, search="net-2024-000002").rows[0].nip == PNS_NIP


def test_an_unknown_filter_value_is_an_error_listing_the_valid_ones(five: App) -> None:
    with pytest.raises(InputError, match=r"unknown state 'dilapor' \(valid: .*dilaporkan"):
        listed(five, state="dilapor")
    with pytest.raises(NotFound, match=r"no agency 'SLEMEN' \(known: .*SLEMAN"):
        listed(five, agency_code="SLEMEN")
    with pytest.raises(NotFound, match=r"no contest 'PILKADA' \(known: .*PILKADA-SLEMAN-2024"):
        listed(five, contest_code="PILKADA")
    with pytest.raises(InputError, match=r"unknown step 'kajii' \(valid: .*kaji"):
        listed(five, trigger="kajii")
    assert listed(five, trigger="kaji").total == 5  # all five wait in dilaporkan
    assert listed(five, trigger="rekomendasikan").total == 0
    with pytest.raises(InputError, match="--limit"):
        listed(five, limit=0)


def test_the_command_says_how_many_it_shows_and_json_is_typed(
    five: App, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path)}
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(five.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["pengawas"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["case", "list", *args], env=env, obj=fake_app_factory())
        assert result.exit_code == 0, result.output
        return result.stdout

    assert run("--limit", "2").splitlines()[-1] == (
        "showing 2 of 5 cases (--offset/--limit for more)"
    )
    assert run("--limit", "2", "--offset", "4").splitlines()[-1] == "showing 1 of 5 cases, from #5"
    data = json.loads(run("--search", REGISTER, "--json"))
    [case] = data["cases"]
    assert set(data) == set(JSON_SCHEMAS["case list"])
    assert set(case) == set(JSON_SCHEMAS["case list"]["cases"][0])
    assert data["total"] == 1
    assert case["nip"] == PPPK_NIP and case["register_number"] == REGISTER
    assert case["reported_on"] == "2024-10-07" and case["overdue"] == []
    refused = runner.invoke(cli, ["case", "list", "--state", "x"], env=env)
    assert refused.exit_code == 2 and "valid:" in refused.output
