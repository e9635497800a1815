"""Property-based fuzzing of the CLI: random and malformed NIPs, dates, codes, encodings and
huge fields never produce a traceback, and a refused command never changes the database.

Every command's "before" is the database's rows; most fuzzed commands are refused, and the
rows read after a refused one (equal to those before it, or the test fails) are the next
command's "before": one snapshot per refused command instead of two."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine, session_scope
from sanctions.errors import SanctionsError
from sanctions.registry import service as registry
from sanctions.settings import Settings
from tests.factories import KNOWN_ROLES, open_case, seed, snapshot
from tests.fakes import FakePdfRenderer, fake_app_factory

pytestmark = pytest.mark.slow  # 600 commands; `-m "not slow"` leaves them out

EXIT_CODES = {0} | {cls.exit_code for cls in SanctionsError.__subclasses__()} | {1, 2}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

digits = st.text(alphabet="0123456789 ", min_size=0, max_size=24)
junk = st.text(min_size=0, max_size=300)


def _repeated(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


# 2,000 to 5,000 characters of any kind, a random piece repeated: Hypothesis draws a text
# character by character (drawing thousands of them cost several times the command they fed).
huge = st.builds(_repeated, st.text(min_size=1, max_size=40), st.integers(2000, 5000))
dates = st.one_of(st.dates().map(str), junk, st.sampled_from(["2024-02-30", "2024-13-01", ""]))
renderer = FakePdfRenderer()  # the letters' PDFs are not what is fuzzed
codes = st.one_of(st.sampled_from(["DIS-02", "ETK-01", "DIS-99", "dis-02", ""]), junk)


@dataclass
class World:
    app: App
    env: dict[str, str]
    rows: dict[str, list[tuple[Any, ...]]] | None = None  # the database's rows, when known


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(sqlite_template, path)  # a migrated database
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    app = App(Settings(database_url=url), db=engine, pdf_renderer=renderer)
    seed(app)
    me = CliRunner().invoke(cli, ["user", "whoami"], env={"SANCTIONS_DATABASE_URL": url})
    with session_scope(engine) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me.output.strip(),
            roles=["admin"],
            known_roles=KNOWN_ROLES,
            agency_code=None,
        )
    open_case(app)
    yield World(app, {"SANCTIONS_DATABASE_URL": url})
    engine.dispose()


def run_and_check(world: World, args: list[str], name: str) -> None:
    before = world.rows if world.rows is not None else snapshot(world.app)
    world.rows = None  # unknown until read again
    result = CliRunner().invoke(cli, args, env=world.env, obj=fake_app_factory(renderer))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in EXIT_CODES, (result.exit_code, result.output)
    if result.exit_code != 0:
        after = snapshot(world.app)
        assert after == before, args
        world.rows = after


@FUZZ
@given(
    nip=st.one_of(digits, junk),
    birth=dates,
    name=st.one_of(junk, huge),
    sex=st.sampled_from(["L", "P", "X", ""]),
    kind=st.sampled_from(["PNS", "PPPK", "CPNS"]),
)
def test_employee_add_never_crashes_on_any_input(world, nip, birth, name, sex, kind) -> None:  # type: ignore[no-untyped-def]
    run_and_check(
        world,
        [
            "employee",
            "add",
            "--nip",
            nip,
            "--type",
            kind,
            "--name",
            name,
            "--birth-date",
            birth,
            "--sex",
            sex,
            "--position",
            "Guru",
            "--position-type",
            "fungsional",
            "--agency",
            "SLEMAN",
        ],
        "employee add",
    )


@FUZZ
@given(
    nip=st.one_of(digits, st.just("198609262015051001")),
    code=codes,
    act=dates,
    reported=dates,
    description=st.one_of(junk, huge),
)
def test_case_open_never_crashes_on_any_input(world, nip, code, act, reported, description) -> None:  # type: ignore[no-untyped-def]
    run_and_check(
        world,
        [
            "case",
            "open",
            "--nip",
            nip,
            "--contest",
            "PILKADA-SLEMAN-2024",
            "--violation",
            code,
            "--act-date",
            act,
            "--reported-on",
            reported,
            "--description",
            description,
        ],
        "case open",
    )


@FUZZ
@given(
    trigger=st.one_of(st.sampled_from(["kaji", "putuskan", "rekomendasikan"]), junk),
    sets=st.lists(st.one_of(junk, st.builds("{}={}".format, junk, junk)), max_size=3),
    on=dates,
)
def test_case_advance_never_crashes_on_any_input(world, trigger, sets, on) -> None:  # type: ignore[no-untyped-def]
    args = ["case", "advance", "NET-2024-000001", trigger, "--on", on]
    for item in sets:
        args += ["--set", item]
    run_and_check(world, args, "case advance")


@FUZZ
@given(content=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_employee_import_never_crashes_on_any_file(world, content, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("import") / "employees.csv"
    path.write_bytes(
        b"nip,employee_type,name,birth_date,sex,position,position_type,agency_code\n" + content
    )
    run_and_check(world, ["employee", "import", str(path)], "employee import")
