"""A report's words instead of a code (issue 17): `sanctions catalogue search`, `case open
--describe` (the best match asked for, --yes for scripts, refused with the candidates when
ambiguous) and a case file row that gives only a description, on both databases. A refused
open changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlmodel import select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Allegation
from sanctions.intake import service as intake
from sanctions.intake.tables import CASE_LAYOUT, IntakeRefused, read_table
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, NOW, PNS_NIP, seed, snapshot
from tests.fakes import FakePdfRenderer, fake_app_factory
from tests.letterdata import sample_letter_data

CONTEST = "PILKADA-SLEMAN-2024"  # penetapan calon 2024-09-22 (tests/factories.py)
HEADER = "register_number,nip,contest_code,reported_on,act_date,violation_codes,description"


class Run:
    def __init__(self, app: App, db_url: str, tmp_path: Path) -> None:
        self.env = {
            "SANCTIONS_DATABASE_URL": db_url,
            "SANCTIONS_LETTER_STORE": str(tmp_path / "letters"),
        }
        self.runner = CliRunner()
        self.make_app = fake_app_factory(FakePdfRenderer())
        self.letters = tmp_path / "letters.yaml"
        self.letters.write_text(
            yaml.safe_dump(sample_letter_data(["tanda_terima_laporan"])), encoding="utf-8"
        )

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(
            cli, list(args), env=self.env, input=input, catch_exceptions=False, obj=self.make_app
        )

    def open(self, *args: str, input: str | None = None) -> Result:
        return self(
            "case", "open", "--nip", PNS_NIP, "--contest", CONTEST, "--act-date", "2024-10-03",
            "--reported-on", "2024-10-07", "--letter-data", str(self.letters), *args,
            input=input,
        )  # fmt: skip


@pytest.fixture
def run(app: App, db_url: str, tmp_path: Path) -> Run:
    seed(app)
    command = Run(app, db_url, tmp_path)
    me = command("user", "whoami").stdout.strip()
    with session_scope(app.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["admin", "bawaslu", "kepegawaian"],
            known_roles=KNOWN_ROLES,
            agency_code=None,
        )
    return command


def _codes(app: App) -> list[str]:
    with session_scope(app.db) as session:
        return list(session.exec(select(Allegation.violation_code)).all())


def test_catalogue_search_ranks_codes_and_judges_the_phase_by_the_contest(run: Run) -> None:
    result = run(
        "catalogue", "search", "memasang baliho bakal calon", "--contest", CONTEST,
        "--act-date", "2024-10-03", "--limit", "40", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["code"] == "DIS-01" and rows[0]["fits"] is True
    assert rows[0]["track"] == "disiplin" and rows[0]["level"] == "berat"
    etk = next(r for r in rows if r["code"] == "ETK-01")
    assert etk["fits"] is False and rows.index(etk) > 0


def test_catalogue_search_refuses_an_unknown_contest_and_empty_text(run: Run) -> None:
    unknown = run("catalogue", "search", "baliho", "--contest", "NOPE", "--act-date", "2024-10-03")
    assert unknown.exit_code == 4 and "no contest 'NOPE'" in unknown.stderr
    empty = run("catalogue", "search", " ")
    assert empty.exit_code == 2 and "the description is empty" in empty.stderr


def test_case_open_describe_with_yes_opens_the_case_with_the_best_code(run: Run, app: App) -> None:
    result = run.open("--describe", "jadi narsum di acara parpol", "--yes")
    assert result.exit_code == 0, result.output
    assert "best match: KASN19-15" in result.stdout
    assert _codes(app) == ["KASN19-15"]
    with session_scope(app.db) as session:
        allegation = session.exec(select(Allegation)).one()
        assert allegation.description == "jadi narsum di acara parpol"


def test_case_open_describe_asks_and_opens_when_the_officer_agrees(run: Run, app: App) -> None:
    result = run.open("--describe", "memposting foto bersama paslon di instagram", input="y\n")
    assert result.exit_code == 0, result.output
    assert "open the case with DIS-07?" in result.stdout
    assert _codes(app) == ["DIS-07"]


def test_case_open_describe_declined_changes_nothing(run: Run, app: App) -> None:
    before = snapshot(app)
    result = run.open("--describe", "memposting foto bersama paslon di instagram", input="n\n")
    assert result.exit_code == 1
    assert snapshot(app) == before


def test_an_ambiguous_description_is_refused_with_the_candidates_and_changes_nothing(
    run: Run, app: App
) -> None:
    before = snapshot(app)
    result = run.open("--describe", "ikut kampanye paslon", "--yes")
    assert result.exit_code == 2
    assert "does not name one violation clearly" in result.stderr
    assert "PP94-N1" in result.stderr and "DIS-04" in result.stderr
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--describe", "   ", "--yes"), "the description is empty"),
        (("--describe", "baliho", "--violation", "DIS-01"), "give --violation or --describe"),
        ((), "name the violation: --violation CODE, or --describe TEXT"),
    ],
)
def test_bad_describe_input_is_a_clear_error_and_changes_nothing(
    run: Run, app: App, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(app)
    result = run.open(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(app) == before


def _import(app: App, path: Path, **options: bool) -> intake.ImportResult:
    table = read_table(path, CASE_LAYOUT)
    with session_scope(app.db) as session:
        return intake.import_cases(app, session, table, actor="admin", now=NOW, **options)


def test_an_import_row_with_only_a_description_gets_its_unambiguous_code(
    app: App, tmp_path: Path
) -> None:
    seed(app)
    source = tmp_path / "cases.csv"
    source.write_text(
        f"{HEADER}\n"
        f"REG-1,{PNS_NIP},{CONTEST},2024-10-07,2024-10-03,,menghadiri acara partai politik\n"
        f"REG-2,{PNS_NIP},{CONTEST},2024-10-07,2024-09-02,,follow akun pemenangan bakal calon\n",
        encoding="utf-8",
    )
    result = _import(app, source)
    assert result.added == 2
    assert sorted(_codes(app)) == ["ETK-04", "KASN19-06"]


def test_an_import_row_whose_description_is_ambiguous_is_rejected_with_the_candidates(
    app: App, tmp_path: Path
) -> None:
    seed(app)
    source = tmp_path / "cases.csv"
    source.write_text(
        f"{HEADER}\n"
        f"REG-1,{PNS_NIP},{CONTEST},2024-10-07,2024-10-03,,ikut kampanye paslon\n"
        f"REG-2,{PNS_NIP},{CONTEST},2024-10-07,2024-10-03,,\n",
        encoding="utf-8",
    )
    before = snapshot(app)
    with pytest.raises(IntakeRefused) as refused:
        _import(app, source)
    problems = [str(p) for p in refused.value.problems]
    assert any(
        p.startswith("row 2, description: names no violation clearly") and "PP94-N1" in p
        for p in problems
    ), problems
    assert "row 3, violation_codes: empty: give the codes, or the conduct as description" in (
        problems
    )
    assert snapshot(app) == before


def test_catalogue_forms_lists_every_listed_form_with_its_codes(run: Run) -> None:
    result = run("catalogue", "--forms", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"list": "kasn-2019", "item": "KASN19-07", "codes": "KASN19-07"}.items() <= next(
        r for r in rows if r["codes"] == "KASN19-07"
    ).items()
    phased = next(r for r in rows if r["list"] == "kasn-2019" and r["item"] == "1")
    assert phased["codes"] == "ETK-02, DIS-02"
