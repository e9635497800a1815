"""The README documents every command, and the shipped declarations load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from sanctions.app import App
from sanctions.cli import cli
from sanctions.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_cli_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("name", sorted(cli.list_commands(click.Context(cli))))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    assert f"### `sanctions {name}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_shipped_workflows_catalogue_and_calendar_load() -> None:
    app = App(Settings())
    assert set(app.workflows.versions) == {"skb-2022", "bkn-2024"}
    assert app.catalogue.violation("DIS-05").fixed_sanction == "PTDH"
    assert app.calendar.is_working_day(
        app.calendar.next_working_day(app.workflows.get("bkn-2024").applies_from)
    )
