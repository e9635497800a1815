"""docs/cli.md documents every command, and the shipped declarations load."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Ran:
    """A README block run by bash: the folder it ran in, its exit code and its output."""

    folder: Path
    returncode: int
    stdout: str
    stderr: str

    def shows(self, shown: list[str]) -> None:
        assert self.returncode == 0, self.stdout + self.stderr
        for line in shown:
            assert line in self.stdout, line


@pytest.fixture(scope="session")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    """The quickstart, run as written once per test run (under pytest-xdist, by whichever
    worker asks first, the others waiting on a lock and reading its result): its test checks
    what it printed, and the officer's day starts from a copy of the folder it left."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' base folders share this run's parent folder
    folder = root / "readme-quickstart"
    result = root / "readme-quickstart.json"
    with (root / "readme-quickstart.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a run that timed out left
            folder.mkdir()
            ran = _run_readme(folder, _quickstart()[0])
            result.write_text(
                json.dumps([ran.returncode, ran.stdout, ran.stderr]), encoding="utf-8"
            )
    returncode, stdout, stderr = json.loads(result.read_text(encoding="utf-8"))
    return Ran(folder, returncode, stdout, stderr)


def test_the_readme_quickstart_runs_as_written(quickstart: Ran) -> None:
    quickstart.shows(_quickstart()[1])


def test_the_readme_officers_day_runs_after_the_quickstart_as_written(
    quickstart: Ran, tmp_path: Path
) -> None:
    """The desk, the overdue list and a correction, on the quickstart's database (a copy of
    the folder the quickstart left, with the quickstart's `export`s)."""
    before, _ = _quickstart()
    commands, shown = _quickstart("## The officer's day")
    assert any(c.startswith("sanctions desk") for c in commands)
    assert any(c.startswith("sanctions case correct") for c in commands)
    quickstart.shows([])
    folder = tmp_path / "day"
    shutil.copytree(quickstart.folder, folder, symlinks=True)
    exports = [c for c in before if c.startswith("export ")]
    assert exports
    _run_readme(folder, [*exports, *commands]).shows(shown)


def _run_readme(folder: Path, commands: list[str]) -> Ran:
    assert len(commands) > 10
    if not (folder / "scripts").exists():
        (folder / "scripts").symlink_to(ROOT / "scripts")
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(folder),
        "SANCTIONS_CACHE_DIR": str(folder / "cache"),
    }
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Ran(folder, result.returncode, result.stdout, result.stderr)
