"""A `sanctions` process pays only for what its command runs (start-up: docs/performance.md).

The import-set tests start a real `sanctions` process: what a process imports is their subject.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sanctions.app import App
from sanctions.cli import cli
from sanctions.cli.shell import LazyGroup
from sanctions.db import session_scope
from sanctions.registry import service as registry
from tests.factories import open_case, seed

# What `sanctions --help` and `sanctions case show` never need.
HEAVY = (
    "weasyprint",  # the PDFs
    "transitions",  # the state machine runtime: taking a step, not listing the steps
    "jinja2",  # the letter templates
    "sanctions.printing",
    "sanctions.reports",
    "sanctions.intake",
    "sanctions.cli.reports",
    "sanctions.cli.letters",
)
# The write path and the database layer besides: `--help` opens no database.
WRITING = ("sanctions.cases.changes", "sanctions.cases.batch", "sanctions.db.bulk")
# What only a change runs: `case show` reads through sanctions/cases/reading.py instead.
CHANGING = (
    "sanctions.cases.changes",
    "sanctions.cases.batch",
    "sanctions.cases.service",
    "sanctions.cases.opening",
    "sanctions.trust.log",
)
DATABASE = ("sqlalchemy", "sqlmodel", "pydantic", "sanctions.db", "sanctions.app")

_RUN = """
import atexit, sys
listing = sys.argv[1]
def _dump():
    with open(listing, "w", encoding="utf-8") as out:
        out.write("\\n".join(sorted(sys.modules)))
atexit.register(_dump)
sys.argv = ["sanctions", *sys.argv[2:]]
from sanctions.__main__ import main
main()
"""


def modules_imported(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a `sanctions ARGS` process had imported when it exited."""
    listing = tmp_path / "modules.txt"
    subprocess.run(
        [sys.executable, "-c", _RUN, str(listing), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        check=True,
    )
    return set(listing.read_text(encoding="utf-8").split())


def of(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in modules if m in packages or m.startswith(tuple(f"{p}." for p in packages))
    )


def test_sanctions_help_imports_neither_the_database_nor_any_command(tmp_path: Path) -> None:
    modules = modules_imported(tmp_path, "--help")
    assert of(modules, (*HEAVY, *WRITING, *DATABASE)) == []
    assert "sanctions.cli.cases" not in modules


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_case_show_imports_no_pdf_template_report_state_machine_runtime_or_write_path(
    app: App, db_url: str, tmp_path: Path
) -> None:
    seed(app)
    reference = open_case(app)
    with session_scope(app.db) as session:  # `case show` answers only users with a role
        registry.add_user(
            session,
            actor="admin",
            username=getpass.getuser(),
            roles=["admin"],
            known_roles=["admin"],
            agency_code=None,
        )
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(app.settings.letter_store),
        "SANCTIONS_CACHE_DIR": str(tmp_path / "cache"),
    }
    # the first run reads the declared files and fills the cache; an officer's runs are the next
    modules_imported(tmp_path, "case", "show", reference, env=env)
    modules = modules_imported(tmp_path, "case", "show", reference, env=env)
    assert "sanctions.cases.views" in modules  # it did show the case
    assert of(modules, HEAVY) == []
    assert of(modules, CHANGING) == []


def _lazy_groups(group: click.Group = cli) -> list[LazyGroup]:
    ctx = click.Context(group)
    found = [group] if isinstance(group, LazyGroup) else []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            found += _lazy_groups(command)
    return found


@pytest.mark.pure
def test_every_lazy_command_is_listed_with_the_summary_its_own_help_gives() -> None:
    groups = _lazy_groups()
    assert cli in groups
    for group in groups:
        assert set(group.summaries) <= set(group.lazy_commands), group.name
        for name in group.lazy_commands:
            command = group.get_command(click.Context(group), name)
            assert command is not None
            assert name in group.summaries, f"{group.name} {name}: no summary"
            listed = click.Command(name, help=group.summaries[name])
            for width in (30, 45, 80, 200, 2000):
                assert listed.get_short_help_str(width) == command.get_short_help_str(width), (
                    f"{group.name} {name}"
                )


@pytest.mark.pure
def test_a_group_lists_its_lazy_commands_as_it_would_with_them_loaded_without_loading_them() -> (
    None
):
    for group in _lazy_groups():
        own = {n: c for n, c in group.commands.items() if n not in group.lazy_commands}
        lazy = LazyGroup(
            group.name, commands=own, lazy_commands=group.lazy_commands, summaries=group.summaries
        )
        loaded = click.Group(
            group.name,
            commands={
                n: group.get_command(click.Context(group), n)
                for n in group.list_commands(click.Context(group))
            },
        )
        listing = lazy.get_help(click.Context(lazy, info_name=group.name))
        assert "Commands:" in listing
        assert listing == loaded.get_help(click.Context(loaded, info_name=group.name))
        assert set(lazy.commands) == set(own), f"{group.name}: listing imported a command"
