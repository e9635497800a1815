"""Every command that takes `--json` has a declared shape (sanctions/cli/schemas.py, printed in
docs/cli.md), and what it really prints conforms to it: the keys, their types (ISO dates, NIPs
of 18 digits, lists as lists) and where null may stand. A refusal is the declared error object
on stderr. The commands run on both databases against one case carried to the summons."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sanctions.cli import cli
from sanctions.cli.schemas import ERROR, JSON_SCHEMAS, declared_types, problems
from sanctions.errors import EXIT_NAMES
from tests.fakes import FakePdfRenderer, fake_app_factory
from tests.officer import TEAM_MEMBERS
from tests.test_cli import AGENCY, ALL_ROLES, BAWASLU, BKN, CONTEST, DEMO_DATA, EMPLOYEE, OPEN
from tests.test_ledger import REVISION

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from cli_reference import json_commands  # noqa: E402

REF = "NET-2024-000001"
Run = Callable[..., Result]


@pytest.mark.pure
def test_every_command_that_takes_json_has_a_declared_shape() -> None:
    declared = {key.split(" --")[0] for key in JSON_SCHEMAS}
    taking = set(json_commands())
    assert taking - declared == set(), "declare their shape in sanctions/cli/schemas.py"
    assert declared - taking == set(), "declared for a command that takes no --json"


@pytest.mark.pure
def test_the_shapes_use_only_known_types_and_snake_case_keys() -> None:
    def keys(value: object) -> list[str]:
        if isinstance(value, dict):
            return [k for key, v in value.items() for k in (key, *keys(v))]
        if isinstance(value, list):
            return [k for item in value for k in keys(item)]
        return []

    for name, shape in {**JSON_SCHEMAS, "error": ERROR}.items():
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*|\*|\?", k) for k in keys(shape)), name
        assert declared_types(shape), name


@pytest.mark.pure
def test_the_checker_names_what_departs_from_a_shape() -> None:
    shape = {"nip": "nip", "on": "date|null", "n": "int", "tags": ["str"], "x": {"*": "int"},
             "o": {"?": {"a": "int"}}}  # fmt: skip
    good = {"nip": "198609262015051001", "on": None, "n": 1, "tags": ["a"], "x": {"k": 2},
            "o": None}  # fmt: skip
    assert problems(good, shape) == []
    assert problems({**good, "o": {"a": 1}}, shape) == []
    assert problems({**good, "o": {"a": None}}, shape) == ["$.o.a: None is not int"]
    bad = {"nip": "19860926 201505 1 001", "on": "1 Oct", "n": True, "tags": "a", "y": 1, "o": 1}
    assert problems(bad, shape) == [
        "$: missing key 'x'",
        "$: undeclared key 'y'",
        "$.nip: '19860926 201505 1 001' is not nip",
        "$.on: '1 Oct' is not date|null",
        "$.n: True is not int",
        "$.tags: expected a list, got 'a'",
        "$.o: expected an object, got 1",
    ]


@pytest.mark.pure
def test_the_documented_shapes_are_what_the_generator_prints() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for variant in JSON_SCHEMAS:
        assert f"`sanctions {variant} --json` prints:" in text, variant
    example = re.search(r'```json\n(\{"error".*\})\n```', text)
    assert example is not None
    assert problems(json.loads(example.group(1)), ERROR) == []
    for code, name in EXIT_NAMES.items():
        assert f"| {code} | `{name}` |" in text


@pytest.fixture
def cli_run(migrated_url: str, tmp_path: Path) -> Run:
    """The command line on the test's database and a copy of the declared law (a calendar
    revision is declared in it later), letters rendered by the fake renderer."""
    workflows = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", workflows)
    env = {
        "SANCTIONS_DATABASE_URL": migrated_url,
        "SANCTIONS_LETTER_STORE": str(tmp_path / "letters"),
        "SANCTIONS_WORKFLOWS_DIR": str(workflows),
    }
    runner = CliRunner()
    make_app = fake_app_factory(FakePdfRenderer())

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False, obj=make_app)
        if ok:
            assert result.exit_code == 0, (args, result.output)
        return result

    return invoke


def _carry_the_case_to_the_summons(run: Run) -> str:
    me = run("user", "whoami").output.strip()
    run("audit", "refusals", ok=False)  # no role yet: refused, and the refusal is recorded
    run("user", "add", me, "--role", "admin")
    for command in (AGENCY, BKN, BAWASLU):
        run(*command)
    run("user", "add", me, *ALL_ROLES, "--role", "penjadwal")
    run(*CONTEST)
    run(*EMPLOYEE)
    run(*OPEN)
    files = ("02-penerusan.yaml", "03-klarifikasi.yaml", "05-tim.yaml", "06-panggilan.yaml")
    data = {name: str(DEMO_DATA / name) for name in files}
    members = TEAM_MEMBERS
    for step in (
        ["kaji", "--on", "2024-10-08"],
        ["teruskan", "--on", "2024-10-10", "--letter-data", data["02-penerusan.yaml"]],
        ["minta_klarifikasi", "--on", "2024-10-14", "--letter-data", data["03-klarifikasi.yaml"]],
        ["rekomendasikan", "--set", "level=berat", "--on", "2024-10-21"],
        ["tindak_lanjuti", "--on", "2024-10-28"],
        ["bentuk_tim", "--on", "2024-10-29", "--letter-data", data["05-tim.yaml"],
         "--set", f"members={members}"],
        ["panggil", "--set", "examination_date=2024-11-13", "--set", "examination_time=09.00 WIB",
         "--set", "examination_place=Ruang Rapat BKPSDM", "--on", "2024-10-30",
         "--letter-data", data["06-panggilan.yaml"]],
    ):  # fmt: skip
        run("case", "advance", REF, *step)
    return me


def _invocations(tmp_path: Path, me: str, pdf: Path) -> dict[str, list[str]]:
    """One real invocation per declared shape (the variant's key → its arguments), in an
    order where each finds what it shows (the ledger before `case show`, ...)."""
    samples = ROOT / "samples"
    return {
        "calendar show": ["calendar", "show"],
        "calendar diff": ["calendar", "diff", "cuti_bersama_2024_tambahan"],
        "calendar apply": ["calendar", "apply", "cuti_bersama_2024_tambahan"],
        "deadline extend": ["deadline", "extend", REF, "tindak_lanjut_ppk", "--by", "2",
                            "--reason", "Keterangan tambahan", "--basis", "Nota dinas",
                            "--on", "2024-10-31"],
        "deadline suspend": ["deadline", "suspend", REF, "tindak_lanjut_ppk", "--from",
                             "2024-10-31", "--until", "2024-10-31", "--reason", "Cuti sakit",
                             "--basis", "Surat keterangan dokter", "--on", "2024-10-31"],
        "employee import": ["employee", "import", str(samples / "employees.csv"),
                            "--skip-invalid", "--rejects", str(tmp_path / "e-rejects.csv")],
        "case import": ["case", "import", str(samples / "cases.csv"), "--skip-invalid",
                        "--rejects", str(tmp_path / "c-rejects.csv")],
        "case open": [*OPEN[:2], "--nip", "197803122005011004", *OPEN[4:]],
        "desk": ["desk", "--as-of", "2024-11-01"],
        "case list": ["case", "list"],
        "case list --overdue": ["case", "list", "--overdue", "--as-of", "2025-01-31"],
        "case show": ["case", "show", REF, "--as-of", "2024-11-01"],
        "case history": ["case", "history", REF],
        "case export": ["case", "export", REF, "--out", str(tmp_path / "berkas")],
        "employee show": ["employee", "show", "198609262015051001"],
        "employee edit": ["employee", "edit", "198609262015051001", "--unit", "SMP Negeri 2",
                          "--from", "2024-11-01"],
        "employee history": ["employee", "history", "198609262015051001"],
        "agency list": ["agency", "list"],
        "agency edit": ["agency", "edit", "SLEMAN", "--phone", "(0274) 868405"],
        "agency history": ["agency", "history", "SLEMAN"],
        "agency signer list": ["agency", "signer", "list", "SLEMAN"],
        "contest list": ["contest", "list"],
        "contest edit": ["contest", "edit", "PILKADA-SLEMAN-2024", "--region", "Sleman"],
        "contest history": ["contest", "history", "PILKADA-SLEMAN-2024"],
        "user list": ["user", "list"],
        "catalogue": ["catalogue"],
        "catalogue --sanctions": ["catalogue", "--sanctions"],
        "catalogue --forms": ["catalogue", "--forms"],
        "catalogue search": ["catalogue", "search", "foto bareng paslon di medsos",
                             "--contest", "PILKADA-SLEMAN-2024", "--act-date", "2024-10-03"],
        "letter list": ["letter", "list"],
        "letter verify": ["letter", "verify", str(pdf)],
        "letter preview": ["letter", "preview", REF, "periksa", "--on", "2024-11-13",
                           "--letter-data", str(DEMO_DATA / "07-bap.yaml"),
                           "--out", str(tmp_path / "konsep")],
        "letter render": ["letter", "render", "--from", "2024-10-10", "--to", "2024-10-10",
                          "--out", str(tmp_path / "ulang"), "--workers", "1"],
        "remind": ["remind", "--as-of", "2025-01-31", "--dry-run"],
        "report followup": ["report", "followup", "--as-of", "2025-01-31"],
        "report overdue": ["report", "overdue", "--as-of", "2025-01-31"],
        "report violations": ["report", "violations"],
        "report positions": ["report", "positions"],
        "report backlog": ["report", "backlog", "--as-of", "2025-01-31"],
        "audit refusals": ["audit", "refusals"],
        "audit verify": ["audit", "verify"],
        "workflow list": ["workflow", "list"],
        "workflow validate": ["workflow", "validate"],
        "workflow pins": ["workflow", "pins"],
        "workflow migrate": ["workflow", "migrate", "kasn-ke-bkn-2024", "--dry-run"],
        "case advance": ["case", "advance", REF, "periksa", "--on", "2024-11-13",
                         "--letter-data", str(DEMO_DATA / "07-bap.yaml")],
        "case correct": ["case", "correct", REF, "--reason", "Dicatat pada tanggal yang salah"],
        "user revoke": ["user", "revoke", me, "--role", "atasan"],
        "user history": ["user", "history", me],
        "keys list": ["keys", "list"],
        "letter reserve": ["letter", "reserve", "--issuer", "BKN", "--count", "1"],
    }  # fmt: skip


# Shapes whose command needs a second installation: run and checked against the same shape
# where that exists (tests/test_exchange.py, tests/test_bundles.py).
CHECKED_BETWEEN_INSTALLATIONS = {
    "case receive": "tests/test_exchange.py",
    "case send": "tests/test_exchange.py, tests/test_bundles.py",
    "case accept": "tests/test_bundles.py",
}


# Lists that must not be empty in the scenario (else their items' shape goes unchecked).
NOT_EMPTY = {
    "case show": ("$.deadlines", "$.actions", "$.ledger", "$.allegations"),
    "letter list": ("$",),
    "audit refusals": ("$",),
    "case export": ("$.files",),
    "case import": ("$.references",),
    "remind": ("$.cases",),
    "calendar diff": ("$",),
    "calendar apply": ("$.moved",),
    "workflow migrate": ("$.cases",),
    "report backlog": ("$",),
    "letter preview": ("$",),
    "letter render": ("$",),
    "catalogue search": ("$",),
    "case history": ("$",),
}


def _at(value: Any, path: str) -> Any:
    for key in path.removeprefix("$").strip(".").split("."):
        if key:
            value = value[key]
    return value


def test_every_command_prints_json_of_its_declared_shape(cli_run: Run, tmp_path: Path) -> None:
    run = cli_run
    me = _carry_the_case_to_the_summons(run)
    [penerusan] = [
        x for x in json.loads(run("letter", "list", "--json").stdout)
        if x["kind"] == "surat_penerusan"
    ]  # fmt: skip
    pdf = tmp_path / "penerusan.pdf"
    run("letter", "get", penerusan["number"], "--out", str(pdf))
    calendar = tmp_path / "workflows" / "calendar.yaml"  # a revision after the deadlines opened
    calendar.write_text(calendar.read_text(encoding="utf-8") + REVISION, encoding="utf-8")
    # the scenario enters a second report, received before the first case's later letters,
    # as a backlog: Bawaslu's receipts are numbered in the order they are recorded
    run("agency", "edit", "BAWASLU-SLEMAN", "--register-order", "recorded")
    invocations = _invocations(tmp_path, me, pdf)
    assert set(invocations) | set(CHECKED_BETWEEN_INSTALLATIONS) == set(JSON_SCHEMAS), (
        "run every declared command here"
    )
    found: dict[str, list[str]] = {}
    for variant, args in invocations.items():
        result = run(*args, "--json", ok=False)
        assert result.exit_code in (0, 1), (variant, result.output)
        assert result.stdout.strip(), (variant, result.stderr)
        value = json.loads(result.stdout)
        found[variant] = problems(value, JSON_SCHEMAS[variant])
        for path in NOT_EMPTY.get(variant, ()):
            if not _at(value, path):
                found[variant].append(f"{path}: empty in the scenario")
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["case", "show", "NET-2024-999999"], 4),
        (["case", "list", "--state", "nowhere"], 2),
        (["case", "advance", REF, "putuskan", "--on", "2024-10-08"], 5),
        (["report", "followup"], 6),
    ],
    ids=["not_found", "input_error", "rule_violation", "permission_denied"],
)
def test_a_refusal_prints_the_declared_error_object_on_stderr(
    cli_run: Run, args: list[str], code: int
) -> None:
    run = cli_run
    if code != 6:  # the reports need a role: refused before any is granted
        run("user", "add", run("user", "whoami").output.strip(), "--role", "admin")
        for command in (AGENCY, BKN, BAWASLU, CONTEST, EMPLOYEE, OPEN):
            run(*command)
    result = run(*args, "--json", ok=False)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert problems(error, ERROR) == []
    assert (error["error"]["exit_code"], error["error"]["name"]) == (code, EXIT_NAMES[code])
