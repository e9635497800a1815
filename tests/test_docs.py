"""docs/cli.md documents every command, and the shipped declarations load."""

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


def test_the_cli_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("name", sorted(cli.list_commands(click.Context(cli))))
def test_every_command_has_help_and_is_in_the_reference(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    assert f"### `sanctions {name}`" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_the_shipped_workflows_catalogue_and_calendar_load() -> None:
    app = App(Settings())
    assert set(app.workflows.versions) == {"skb-2022", "bkn-2024", "menpanrb-2024"}
    assert app.catalogue.violation("DIS-05").fixed_sanction == "PTDH"
    assert app.calendar.is_working_day(
        app.calendar.next_working_day(app.workflows.get("bkn-2024").applies_from)
    )


def _quickstart(section: str = "## Quickstart") -> tuple[list[str], list[str]]:
    """A README section's commands (continuation lines joined) and the output it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(section, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    commands: list[str] = []
    shown: list[str] = []
    continuing = False
    for line in block.splitlines():
        if line.startswith("$ ") or continuing:
            text = line[2:] if line.startswith("$ ") and not continuing else line
            if continuing:
                commands[-1] += "\n" + text
            else:
                commands.append(text)
            continuing = line.endswith("\\")
        elif line.strip():
            shown.append(line)
    return commands, shown


def test_the_readme_quickstart_runs_as_written(tmp_path: Path) -> None:
    _run_readme(tmp_path, *_quickstart())


def test_the_readme_officers_day_runs_after_the_quickstart_as_written(tmp_path: Path) -> None:
    """The desk, the overdue list and a correction, on the quickstart's database."""
    before, _ = _quickstart()
    commands, shown = _quickstart("## The officer's day")
    assert any(c.startswith("sanctions desk") for c in commands)
    assert any(c.startswith("sanctions case correct") for c in commands)
    _run_readme(tmp_path, [*before, *commands], shown)


def _run_readme(tmp_path: Path, commands: list[str], shown: list[str]) -> None:
    assert len(commands) > 10
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SANCTIONS_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for line in shown:
        assert line in result.stdout, line
