"""The officers' CLI end to end, on both databases: output, exit codes, and nothing changed
by a refused command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine
from sanctions.settings import Settings
from tests.factories import snapshot
from tests.fakes import FakePdfRenderer, fake_app_factory

Run = Callable[..., Result]

AGENCY = [
    "agency",
    "add",
    "--code",
    "SLEMAN",
    "--name",
    "BKPSDM Kabupaten Sleman",
    "--kind",
    "daerah",
    "--city",
    "Sleman",
    "--ppk-title",
    "Bupati Sleman",
    "--ppk-name",
    "Harda Kiswaya",
]
EMPLOYEE = [
    "employee",
    "add",
    "--nip",
    "19860926 201505 1 001",
    "--type",
    "PNS",
    "--name",
    "Budi",
    "--birth-date",
    "1986-09-26",
    "--sex",
    "L",
    "--position",
    "Guru",
    "--position-type",
    "fungsional",
    "--agency",
    "SLEMAN",
]
DEMO_DATA = Path(__file__).resolve().parent.parent / "scripts" / "demo-data"
BKN = [
    "agency",
    "add",
    "--code",
    "BKN",
    "--name",
    "Badan Kepegawaian Negara",
    "--kind",
    "pusat",
    "--city",
    "Jakarta",
    "--ppk-title",
    "Kepala Badan Kepegawaian Negara",
    "--ppk-name",
    "Kepala BKN",
    "--address",
    "Jalan Mayjen Sutoyo Nomor 12, Jakarta",
    "--unit-code",
    "DWASDAL",
]
BAWASLU = [
    "agency",
    "add",
    "--code",
    "BAWASLU-SLEMAN",
    "--name",
    "Bawaslu Kabupaten Sleman",
    "--kind",
    "daerah",
    "--city",
    "Sleman",
    "--ppk-title",
    "Ketua Bawaslu Kabupaten Sleman",
    "--ppk-name",
    "Ketua",
    "--address",
    "Jalan Magelang Km 12, Sleman",
    "--unit-code",
    "PP.01",
    "--numbering-pattern",
    "{seq}/{code}/{unit}/{roman_month}/{year}",
]
CONTEST = [
    "contest",
    "add",
    "--code",
    "PILKADA-SLEMAN-2024",
    "--name",
    "Pilkada Sleman 2024",
    "--kind",
    "pilkada",
    "--determination-date",
    "2024-09-22",
]
OPEN = [
    "case",
    "open",
    "--nip",
    "198609262015051001",
    "--contest",
    "PILKADA-SLEMAN-2024",
    "--violation",
    "DIS-02",
    "--act-date",
    "2024-10-03",
    "--reported-on",
    "2024-10-07",
]
CONTEST += ["--bawaslu", "BAWASLU-SLEMAN"]
OPEN += ["--letter-data", str(DEMO_DATA / "01-laporan.yaml")]

ALL_ROLES = [
    "--role",
    "bawaslu",
    "--role",
    "pengawas",
    "--role",
    "kepegawaian",
    "--role",
    "pejabat",
    "--role",
    "tim_pemeriksa",
    "--role",
    "atasan",
]


def swap(args: list[str], old: str, new: str) -> list[str]:
    return [new if a == old else a for a in args]


@pytest.fixture
def run(db_url: str, tmp_path) -> Run:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "letters")}
    make_app = fake_app_factory(FakePdfRenderer())  # the letters' PDFs are not tested here

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False, obj=make_app)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def ready(run: Run, migrated_url: str) -> Run:
    """A migrated database where the OS/database user holds every role and one case exists.

    (Migrated by copying the session's template; `sanctions db upgrade` itself is tested on an
    empty database above.)"""
    me = run("user", "whoami").output.strip()
    run("user", "add", me, "--role", "admin")
    run(*AGENCY)
    run(*BKN)
    run(*BAWASLU)
    run("user", "add", me, *ALL_ROLES)
    run(*CONTEST)
    run(*EMPLOYEE)
    run(*OPEN)
    return run


def db_snapshot(db_url: str) -> dict:  # type: ignore[type-arg]
    engine = make_engine(db_url)
    try:
        return snapshot(App(Settings(database_url=db_url), db=engine))
    finally:
        engine.dispose()


def test_db_upgrade_is_safe_to_run_twice(run: Run) -> None:
    run("db", "upgrade")
    assert "newest schema" in run("db", "upgrade").output


def test_a_command_on_an_unmigrated_database_says_to_run_db_upgrade(run: Run) -> None:
    result = run("agency", "list", ok=False)
    assert result.exit_code == 9
    assert "sanctions db upgrade" in result.output
    assert "Traceback" not in result.output


def test_the_first_user_of_an_empty_database_must_be_oneself(run: Run) -> None:
    run("db", "upgrade")
    result = run("user", "add", "somebody-else", "--role", "admin", ok=False)
    assert result.exit_code == 2
    assert "first user must be yourself" in result.output


def test_a_case_is_walked_to_a_recommendation_and_shows_its_deadline(ready: Run) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    ready(
        "case",
        "advance",
        "NET-2024-000001",
        "teruskan",
        "--on",
        "2024-10-10",
        "--letter-data",
        str(DEMO_DATA / "02-penerusan.yaml"),
    )
    ready(
        "case",
        "advance",
        "NET-2024-000001",
        "minta_klarifikasi",
        "--on",
        "2024-10-14",
        "--letter-data",
        str(DEMO_DATA / "03-klarifikasi.yaml"),
    )
    out = ready(
        "case",
        "advance",
        "NET-2024-000001",
        "rekomendasikan",
        "--set",
        "level=berat",
        "--on",
        "2024-10-21",
    ).output
    assert "klarifikasi → direkomendasikan" in out
    shown = ready("case", "show", "NET-2024-000001", "--as-of", "2024-10-22").output
    assert "Tindak lanjut rekomendasi oleh PPK" in shown
    assert "tindak_lanjuti" in shown and "bentuk_majelis" in shown
    assert "ethics track" in shown  # why bentuk_majelis is not allowed
    data = json.loads(ready("case", "show", "NET-2024-000001", "--json").output)
    assert data["state"] == "direkomendasikan"
    allowed = {a["trigger"]: a["allowed"] for a in data["actions"]}
    assert allowed == {
        "tindak_lanjuti": True,
        "bentuk_majelis": False,
        "catat_rujukan_pidana": True,
        "pegawai_keluar": True,
    }


def test_case_history_lists_every_step_in_order(ready: Run) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    rows = json.loads(ready("case", "history", "NET-2024-000001", "--json").output)
    assert [(r["#"], r["trigger"], r["to"]) for r in rows] == [
        (1, "buka", "dilaporkan"),
        (2, "kaji", "kajian_bawaslu"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (swap(EMPLOYEE, "19860926 201505 1 001", "19860926 201513 1 002"), 2, "expected 01-12"),
        (swap(OPEN, "DIS-02", "DIS-99"), 2, "ETK-01"),
        (
            ["case", "advance", "NET-2024-000001", "putuskan", "--set", "sanction=B-1"],
            5,
            "allowed from here: catat_rujukan_pidana, kaji",
        ),
        (["case", "advance", "NET-2024-000001", "terbang"], 5, "not a step of this workflow"),
        (["case", "advance", "NET-2099-000001", "kaji"], 4, "no case"),
        (
            ["case", "advance", "NET-2024-000001", "kaji", "--set", "level=berat"],
            2,
            "does not take",
        ),
        (["case", "advance", "NET-2024-000001", "kaji", "--on", "2024-13-01"], 2, "not a date"),
        (swap(OPEN, "DIS-02", "ETK-02"), 5, "bakal calon"),
    ],
    ids=[
        "invalid-nip",
        "unknown-violation",
        "not-allowed-here",
        "unknown-trigger",
        "unknown-case",
        "unknown-input",
        "bad-date",
        "ethics-code-after-penetapan",
    ],
)
def test_bad_input_gets_a_clear_error_a_nonzero_exit_and_changes_nothing(
    ready: Run, db_url: str, args: list[str], code: int, says: str
) -> None:
    before = db_snapshot(db_url)
    result = ready(*args, ok=False)
    assert result.exit_code == code, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert db_snapshot(db_url) == before


def test_a_failing_guard_names_the_rule_and_what_would_satisfy_it(ready: Run, db_url: str) -> None:
    for trigger, on, data in [
        ("kaji", "2024-10-08", []),
        ("teruskan", "2024-10-10", ["--letter-data", str(DEMO_DATA / "02-penerusan.yaml")]),
        (
            "minta_klarifikasi",
            "2024-10-14",
            ["--letter-data", str(DEMO_DATA / "03-klarifikasi.yaml")],
        ),
    ]:
        ready("case", "advance", "NET-2024-000001", trigger, "--on", on, *data)
    before = db_snapshot(db_url)
    result = ready(
        "case",
        "advance",
        "NET-2024-000001",
        "rekomendasikan",
        "--set",
        "level=ringan",
        "--on",
        "2024-10-21",
        ok=False,
    )
    assert result.exit_code == 5
    assert "prescribes level 'berat'" in result.output and "reason" in result.output
    assert db_snapshot(db_url) == before


def test_listings_are_aligned_tables_and_json_for_scripts(ready: Run) -> None:
    table = ready("case", "list").output.splitlines()
    assert table[0].split()[:3] == ["case", "state", "agency"]
    assert set(table[1].replace(" ", "")) == {"-"}
    rows = json.loads(ready("case", "list", "--json").output)
    assert rows[0]["case"] == "NET-2024-000001" and rows[0]["state"] == "dilaporkan"
    agencies = json.loads(ready("agency", "list", "--json").output)
    assert [a["code"] for a in agencies] == ["BAWASLU-SLEMAN", "BKN", "SLEMAN"]


def test_workflow_show_prints_the_machine_as_text_and_mermaid(ready: Run) -> None:
    out = ready("workflow", "show", "bkn-2024").output
    assert "supervisory body bkn" in out
    assert "stateDiagram-v2" in out and "klarifikasi --> direkomendasikan: rekomendasikan" in out
    assert "team_required_levels = ['berat', 'pemberhentian'] [S]" in out


def test_workflow_validate_and_list_report_every_shipped_version(ready: Run) -> None:
    validated = ready("workflow", "validate").output
    assert "3 workflow(s) valid: bkn-2024, menpanrb-2024, skb-2022" in validated
    versions = [w["version"] for w in json.loads(ready("workflow", "list", "--json").output)]
    assert versions == ["bkn-2024", "menpanrb-2024", "skb-2022"]


def test_the_catalogue_lists_violations_and_sanctions_with_confidence(ready: Run) -> None:
    violations = json.loads(ready("catalogue", "--json").output)
    assert {v["code"] for v in violations} >= {"ETK-01", "DIS-13", "PP94-N7"}
    sanctions = json.loads(ready("catalogue", "--sanctions", "--json").output)
    ptdh = next(s for s in sanctions if s["code"] == "PTDH")
    assert ptdh["appeal"] == "banding"
