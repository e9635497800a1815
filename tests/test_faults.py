"""Crashes, an unavailable or locked database, and hostile input: never a traceback, never a
half-done change, and re-running completes the work."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine, session_scope
from sanctions.settings import Settings
from sanctions.trust.audit import verify
from tests.factories import open_case, seed, snapshot
from tests.forking import forking_parent, running
from tests.waiting import kill_all, row_counter, wait_until

# One process imports the app and loads the declared law once, then forks an officer for
# each "go" it reads (printing the officer's pid) and reaps it on "reap": six officers without
# six interpreters importing SQLAlchemy and the app. Each officer is a process of its own (its
# own engine and connections, opened after the fork), killed by the test; reaped by this
# process, so that its CPU counts as the test's children's. Its letters are rendered by the
# fake renderer: the subject is the case record, not the PDF.
OFFICERS = forking_parent(
    setup="""
import random
from pathlib import Path
from sanctions.app import App
from sanctions.settings import Settings
from tests.fakes import FakePdfRenderer
from tests.load import officer
loaded = App(Settings(database_url={url!r}), pdf_renderer=FakePdfRenderer())
loaded.law, loaded.letters_env, loaded.calendar  # shared by the apps the officers build
""",
    child="""
officer({url!r}, {refs!r}, 3600, random.Random(os.urandom(8)).randrange(1 << 30),
        letter_store=Path({store!r}), fake_pdf=True)
""",
)


@pytest.mark.slow
def test_officers_killed_mid_transition_leave_every_case_consistent(app: App, db_url: str) -> None:
    seed(app)
    refs = [open_case(app) for _ in range(6)]
    script = OFFICERS.format(url=db_url, refs=refs, store=str(app.settings.letter_store))
    rng = random.Random(7)
    officers = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )

    def say(line: str) -> bytes:
        assert officers.stdin is not None and officers.stdout is not None
        officers.stdin.write(line.encode() + b"\n")
        officers.stdin.flush()
        return officers.stdout.readline().strip()

    pid = 0
    try:
        assert officers.stdout is not None
        assert officers.stdout.readline().strip() == b"ready"
        with row_counter(db_url, "case_events") as events:
            for _ in range(6):  # six officers, each killed at a random moment
                # Killed once it has taken a random number of steps, wherever it is in the
                # next one (reading, writing, committing): not after a fixed time, which on a
                # slow machine may pass before its first step, and on a fast one after the
                # cases have all ended.
                wanted = events() + rng.randint(1, 3)
                pid = int(say("go"))

                def stepped(wanted: int = wanted, pid: int = pid) -> bool:
                    if events() >= wanted:
                        return True
                    assert running(pid), "the officer exited before taking its steps"
                    return False

                wait_until(
                    stepped,
                    timeout=60,
                    what="the officer to take its steps",
                    process=officers,
                    poll=0.002,
                )
                os.kill(pid, signal.SIGKILL)
                assert say(f"reap {pid}") == b"reaped"
                pid = 0
    finally:
        if pid and running(pid):  # a failed wait: the officer must not outlive the test
            os.kill(pid, signal.SIGKILL)
        kill_all([officers])
    with session_scope(app.db) as session:
        checked, findings = verify(session)
    assert checked == 6 and findings == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_locked_sqlite_database_gives_a_clear_error_and_changes_nothing(
    migrated_url: str,
) -> None:
    sqlite_url = migrated_url
    engine = make_engine(sqlite_url)
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
