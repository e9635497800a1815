"""The officers' CLI end to end, on both databases: output, exit codes, and nothing changed
by a refused command."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from sanctions.app import App
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.db import make_engine
from sanctions.settings import Settings
from tests.factories import snapshot
from tests.fakes import FakePdfRenderer, fake_app_factory

if TYPE_CHECKING:
    from tests.conftest import Snapshots

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


def _runner(db_url: str, letter_store: Path) -> Run:
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(letter_store)}
    make_app = fake_app_factory(FakePdfRenderer())  # the letters' PDFs are not tested here

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False, obj=make_app)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def run(db_url: str, tmp_path) -> Run:  # type: ignore[no-untyped-def]
    return _runner(db_url, tmp_path / "letters")


def _make_ready(run: Run) -> None:
    me = run("user", "whoami").output.strip()
    run("user", "add", me, "--role", "admin")
    run(*AGENCY)
    run(*BKN)
    run(*BAWASLU)
    run("user", "add", me, *ALL_ROLES)
    run(*CONTEST)
    run(*EMPLOYEE)
    run(*OPEN)


@pytest.fixture
def ready(run: Run, app: App, snapshots: Snapshots) -> Run:
    """A migrated database where the OS/database user holds every role and one case exists.

    Built by these commands once per session and database kind, then copied into the test's
    own database and letter store (tests/conftest.py's snapshots). (Migrated by copying the
    session's template; `sanctions db upgrade` itself is tested on an empty database above.)"""
    snapshots.restore(
        "cli-ready",
        app,
        lambda source: _make_ready(
            _runner(source.settings.database_url, source.settings.letter_store)
        ),
    )
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
        "minta_pengunduran_diri": False,  # only for a candidate who did not resign (UU20-59)
        "catat_rujukan_pidana": True,
        "pegawai_keluar": True,
    }


def test_a_step_prints_the_letters_it_issued_and_writes_them_to_out(
    ready: Run, tmp_path: Path
) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    out = tmp_path / "surat"
    printed = ready(
        "case",
        "advance",
        "NET-2024-000001",
        "teruskan",
        "--on",
        "2024-10-10",
        "--letter-data",
        str(DEMO_DATA / "02-penerusan.yaml"),
        "--out",
        str(out),
    ).output
    [written] = list(out.iterdir())
    assert written.read_bytes().startswith(b"%PDF")
    assert "issued " in printed and "surat_penerusan" in printed and str(written) in printed
    data = json.loads(
        ready(
            "case",
            "advance",
            "NET-2024-000001",
            "minta_klarifikasi",
            "--on",
            "2024-10-14",
            "--letter-data",
            str(DEMO_DATA / "03-klarifikasi.yaml"),
            "--json",
        ).output
    )
    [letter] = data["letters"]
    assert letter["kind"] == "permintaan_klarifikasi" and letter["issuer"] == "BKN"
    assert letter["issued_on"] == "2024-10-14" and len(letter["sha256"]) == 64
    assert letter["written_to"] is None and Path(letter["file"]).is_file()


def test_a_step_with_an_out_folder_it_cannot_write_changes_nothing(
    ready: Run, db_url: str, tmp_path: Path
) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = db_snapshot(db_url)
    result = ready(
        "case",
        "advance",
        "NET-2024-000001",
        "teruskan",
        "--on",
        "2024-10-10",
        "--letter-data",
        str(DEMO_DATA / "02-penerusan.yaml"),
        "--out",
        str(blocker / "surat"),
        ok=False,
    )
    assert result.exit_code == 2 and "--out" in result.output
    assert db_snapshot(db_url) == before


def test_case_history_lists_every_step_in_order(ready: Run) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    rows = json.loads(ready("case", "history", "NET-2024-000001", "--json").output)
    assert set(rows[0]) == set(JSON_SCHEMAS["case history"][0])
    assert [(r["seq"], r["trigger"], r["to"]) for r in rows] == [
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
        (
            [*swap(AGENCY, "SLEMAN", "BANTUL"), "--unit-code", "SLEMAN"],
            2,
            "could give the same number as agency SLEMAN",
        ),
        (
            [*swap(AGENCY, "SLEMAN", "BANTUL"), "--numbering-pattern", "{code}/{unit}/{year}"],
            2,
            "no {seq}",
        ),
        (
            [*swap(AGENCY, "SLEMAN", "BANTUL"), "--numbering-pattern", "{seq}/{kode}/{year}"],
            2,
            "unknown placeholder {kode}",
        ),
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
        "agency-numbers-collide",
        "pattern-without-seq",
        "pattern-unknown-placeholder",
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
    assert table[-1] == "showing 1 of 1 cases"
    listed = json.loads(ready("case", "list", "--json").output)
    assert listed["total"] == 1
    rows = listed["cases"]
    assert rows[0]["reference"] == "NET-2024-000001" and rows[0]["state"] == "dilaporkan"
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
    printed = {v["code"]: v["printed"] for v in violations}
    assert (printed["PP94-N3"], printed["DIS-01"]) == ("norm", "confirm")
    sanctions = json.loads(ready("catalogue", "--sanctions", "--json").output)
    ptdh = next(s for s in sanctions if s["code"] == "PTDH")
    assert ptdh["appeal"] == "banding"


JSON_COMMANDS = [
    ["case", "list"],
    ["case", "show", "NET-2024-000001", "--as-of", "2024-10-08"],
    ["case", "history", "NET-2024-000001"],
    ["case", "list", "--overdue", "--as-of", "2025-01-31"],
    ["desk", "--as-of", "2024-10-08"],
    ["letter", "list"],
    ["user", "list"],
    ["agency", "list"],
    ["contest", "list"],
    ["employee", "show", "198609262015051001"],
    ["employee", "history", "198609262015051001"],
    ["catalogue"],
    ["workflow", "list"],
    ["report", "followup", "--as-of", "2025-01-31"],
    ["report", "violations"],
    ["report", "positions"],
    ["report", "backlog", "--as-of", "2025-01-31"],
    ["report", "overdue", "--as-of", "2025-01-31"],
    ["remind", "--as-of", "2025-01-31", "--dry-run"],
    ["audit", "verify"],
]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _json_keys_and_values(value: object, path: str = "") -> list[tuple[str, str, object]]:
    if isinstance(value, dict):
        return [
            item
            for key, inner in value.items()
            for item in [(path, key, inner), *_json_keys_and_values(inner, f"{path}.{key}")]
        ]
    if isinstance(value, list):
        return [item for inner in value for item in _json_keys_and_values(inner, f"{path}[]")]
    return []


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_json_output_has_snake_case_keys_and_typed_values(
    ready: Run, args: list[str]
) -> None:
    result = ready(*args, "--json")
    data = json.loads(result.stdout)
    for path, key, value in _json_keys_and_values(data):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key), (args, path, key)
        if key == "nip" and value is not None:
            assert isinstance(value, str) and re.fullmatch(r"\d{18}", value), (args, value)
        if key.endswith(("_on", "_date")) or key in ("due", "on", "since"):
            assert value is None or (isinstance(value, str) and _DATE.match(value)), (
                args,
                key,
                value,
            )


def test_a_step_lists_every_value_its_letters_lack_at_once_and_changes_nothing(
    ready: Run, db_url: str
) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    before = db_snapshot(db_url)
    result = ready("case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10", ok=False)
    assert result.exit_code == 2
    assert "surat_penerusan: missing review_date (past_date), attachments[] (list of text)" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert db_snapshot(db_url) == before


def test_a_bad_value_is_refused_with_what_is_allowed_and_changes_nothing(
    ready: Run, db_url: str, tmp_path: Path
) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    data = tmp_path / "data.yaml"
    data.write_text(
        "surat_penerusan:\n  reveiw_date: 2024-10-09\n  attachments: Laporan hasil pengawasan\n"
    )
    before = db_snapshot(db_url)
    out = ready(
        "case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
        "--letter-data", str(data), ok=False,
    ).output  # fmt: skip
    assert "reveiw_date: not a value surat_penerusan reads (did you mean 'review_date'?)" in out
    assert "attachments: expected a list of texts, got a text 'Laporan hasil pengawasan'" in out
    data.write_text("surat_penerusan:\n  review_date: 2024-10-12\n  attachments: [Laporan]\n")
    out = ready(
        "case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
        "--letter-data", str(data), ok=False,
    ).output  # fmt: skip
    assert "review_date: 2024-10-12 is after the letter's date (2024-10-10)" in out
    data.write_text("surat_penerusn: {}\n")
    out = ready(
        "case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
        "--letter-data", str(data), ok=False,
    ).output  # fmt: skip
    assert "'surat_penerusn', which is no document kind (did you mean 'surat_penerusan'?)" in out
    assert db_snapshot(db_url) == before


def test_one_letter_data_file_serves_every_step_of_the_case(ready: Run, tmp_path: Path) -> None:
    whole = tmp_path / "case.yaml"
    whole.write_text(
        (DEMO_DATA / "02-penerusan.yaml").read_text()
        + (DEMO_DATA / "03-klarifikasi.yaml").read_text()
    )
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    for step, day in (("teruskan", "2024-10-10"), ("minta_klarifikasi", "2024-10-14")):
        ready("case", "advance", "NET-2024-000001", step, "--on", day, "--letter-data", str(whole))
    assert ready("case", "show", "NET-2024-000001", "--json").output.count('"klarifikasi"') >= 1


def test_letter_template_prints_a_skeleton_with_types_and_what_the_case_knows(
    ready: Run, tmp_path: Path
) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    text = ready("letter", "template", "teruskan", "--case", "NET-2024-000001").output
    assert "surat_penerusan:  # Penerusan Dugaan Pelanggaran Netralitas ASN" in text
    assert "  review_date:  # date YYYY-MM-DD of an earlier letter or event" in text
    assert "  attachments:  # list of text, one '- ' line each" in text
    kind = ready("letter", "template", "bap").output
    assert "  # team_decree_number" not in kind  # no case: nothing known
    assert "    - question:  # text\n      answer:  # text" in kind
    # filled in, the skeleton is accepted by the step
    filled = tmp_path / "data.yaml"
    filled.write_text(
        text.replace("  review_date:", "  review_date: 2024-10-09").replace("    -", "    - Kajian")
    )
    ready("case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
          "--letter-data", str(filled))  # fmt: skip
    summons = ready("letter", "template", "panggil", "--state", "ditindaklanjuti").output
    assert "surat_panggilan_1:  # Surat Panggilan I" in summons
    team = ready("letter", "template", "bentuk_tim").output  # the step's structured members
    assert "# step input members (--set members=" in team
    assert "#   unsur=atasan_langsung | pengawasan | kepegawaian | pejabat_lain" in team
    refused = ready("letter", "template", "terusan", ok=False)
    assert refused.exit_code == 2 and "did you mean 'teruskan'?" in refused.output


def test_a_preview_renders_drafts_and_writes_nothing_and_verify_calls_them_unknown(
    ready: Run, db_url: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    before = db_snapshot(db_url)
    store = tmp_path / "letters"
    stored = sorted(store.rglob("*.pdf"))
    out = tmp_path / "konsep"
    printed = ready(
        "letter", "preview", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
        "--letter-data", str(DEMO_DATA / "02-penerusan.yaml"), "--out", str(out),
    ).output  # fmt: skip
    draft = out / "KONSEP-surat_penerusan.pdf"
    assert str(draft) in printed
    text = "\n".join(p.extract_text() for p in PdfReader(draft).pages)
    assert "KONSEP" in text and "Nomor" in text and "..." in text
    assert "sha256" not in text
    assert db_snapshot(db_url) == before and sorted(store.rglob("*.pdf")) == stored
    verdict = ready("letter", "verify", str(draft), ok=False)
    assert verdict.exit_code == 1 and verdict.output.startswith("UNKNOWN:")
    assert "a draft (KONSEP)" in verdict.output
    # the step itself then issues the letter with the first number of the series
    issued = ready(
        "case", "advance", "NET-2024-000001", "teruskan", "--on", "2024-10-10",
        "--letter-data", str(DEMO_DATA / "02-penerusan.yaml"), "--json",
    ).output  # fmt: skip
    assert json.loads(issued)["letters"][0]["number"].startswith("2/")
    missing = ready("letter", "preview", "NET-2024-000001", "minta_klarifikasi",
                    "--on", "2024-10-14", "--out", str(out), ok=False)  # fmt: skip
    assert "permintaan_klarifikasi: missing reply_due (due_date)" in missing.output


def test_case_show_says_which_letter_data_each_allowed_step_still_needs(ready: Run) -> None:
    ready("case", "advance", "NET-2024-000001", "kaji", "--on", "2024-10-08")
    data = json.loads(ready("case", "show", "NET-2024-000001", "--json").output)
    needs = {a["trigger"]: a["letter_data"] for a in data["actions"]}
    assert needs["teruskan"] == ["surat_penerusan (review_date, attachments[])"]
    shown = " ".join(ready("case", "show", "NET-2024-000001").output.split())
    assert "needs letter data: surat_penerusan (review_date, attachments[])" in shown


def test_letter_issue_takes_its_values_from_a_file_holding_every_letter_of_the_case() -> None:
    from types import SimpleNamespace
    from typing import cast

    from sanctions.cli.letters import _values_of
    from sanctions.cli.shell import Shell

    shell = cast(Shell, SimpleNamespace(app=App(Settings())))
    own = {"start_date": "2024-11-08", "acting_official": "Wakil Kepala Sekolah"}
    whole = {"sk_pembebasan_sementara": own, "bap": {"exam_place": "Ruang Rapat"}}
    assert _values_of(shell, whole, "sk_pembebasan_sementara") == own
    assert _values_of(shell, own, "sk_pembebasan_sementara") == own  # one letter's own file
    assert _values_of(shell, {"bap": {}}, "sk_pembebasan_sementara") == {}
