"""Crashes, an unavailable or locked database, and hostile input: never a traceback, never a
half-done change, and re-running completes the work."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine, session_scope, upgrade
from sanctions.settings import Settings
from sanctions.trust.audit import verify
from tests.factories import open_case, seed, snapshot

ROOT = Path(__file__).resolve().parent.parent

OFFICER_FOREVER = """
import random, sys
sys.path.insert(0, {root!r})
from tests.load import officer
print("ready", flush=True)
officer({url!r}, {refs!r}, 3600, random.randrange(1 << 30))
"""


def test_officers_killed_mid_transition_leave_every_case_consistent(app: App, db_url: str) -> None:
    seed(app)
    refs = [open_case(app) for _ in range(6)]
    script = OFFICER_FOREVER.format(root=str(ROOT), url=db_url, refs=refs)
    rng = random.Random(7)
    for _ in range(6):  # six kills at random moments
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.5, 2.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    with session_scope(app.db) as session:
        checked, findings = verify(session)
    assert checked == 6 and findings == []


def test_a_locked_sqlite_database_gives_a_clear_error_and_changes_nothing(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    app = App(Settings(database_url=sqlite_url), db=engine)
    seed(app)
    before = snapshot(app)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(
            cli,
            ["contest", "add", "--code", "X", "--name", "X", "--kind", "pemilu"],
            env={"SANCTIONS_DATABASE_URL": sqlite_url, "SANCTIONS_LOCK_TIMEOUT": "1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 9, result.output
    assert "locked" in result.output and "Traceback" not in result.output
    assert snapshot(app) == before
    engine.dispose()


def test_an_unreachable_postgresql_gives_a_clear_error() -> None:
    result = CliRunner().invoke(
        cli,
        ["case", "list"],
        env={
            "SANCTIONS_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
            "SANCTIONS_LOCK_TIMEOUT": "2",
        },
    )
    assert result.exit_code == 9, result.output
    assert "unavailable" in result.output and "Traceback" not in result.output
