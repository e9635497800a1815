"""Every command has a role, the OS account is who acts on SQLite, the office's files are the
office's, and a stored letter is served only as it was issued."""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine, session_scope
from sanctions.db.models import Letter
from sanctions.errors import PermissionDenied, StorageError
from sanctions.letters import store
from sanctions.letters.service import read_letter
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, PNS_NIP, add_agency, grant_cli_user, seed
from tests.test_letters_issued import recommend

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("hardening.seeded", app, seed)
    return app


def bantul_officer(app: App) -> None:
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")
        registry.add_user(
            session,
            actor="admin",
            username="bantul",
            roles=["kepegawaian", "pejabat"],
            known_roles=KNOWN_ROLES,
            agency_code="BANTUL",
        )


def test_on_sqlite_the_actor_is_the_real_os_account_whatever_logname_and_user_say(
    sqlite_url: str,
) -> None:
    account = pwd.getpwuid(os.getuid()).pw_name
    env = {"SANCTIONS_DATABASE_URL": sqlite_url, "LOGNAME": "admin", "USER": "admin"}
    result = CliRunner().invoke(cli, ["user", "whoami"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == account != "admin"


def test_a_new_sqlite_database_file_is_readable_by_owner_and_group_only(tmp_path: Path) -> None:
    old = os.umask(0o000)  # even the most permissive umask gives no access to others
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'office.db'}")
        with engine.connect():
            pass
        engine.dispose()
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "office.db").stat().st_mode)
    assert mode == 0o660


def test_letter_store_folders_and_files_are_for_owner_and_group_only(tmp_path: Path) -> None:
    root = tmp_path / "letters"
    old = os.umask(0o000)
    try:
        _, rel = store.put(root, b"%PDF-1.7 a letter")
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / rel).stat().st_mode) == 0o640
    folders = [root, (root / rel).parent, (root / rel).parent.parent]
    assert [stat.S_IMODE(p.stat().st_mode) for p in folders] == [0o770] * 3


def test_a_crashed_writes_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    root = tmp_path / "letters"
    data = b"%PDF-1.7 first"
    _, rel = store.put(root, data)
    folder = (root / rel).parent
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    orphan = folder / f"{store.TMP_PREFIX}{dead}-abc"
    orphan.write_bytes(b"half a pdf")
    live = folder / f"{store.TMP_PREFIX}{os.getpid()}-def"  # a write in progress stays
    live.write_bytes(b"being written")
    store.put(root, data)  # already stored: nothing written, nothing swept
    assert orphan.exists()
    digest = store.sha256(data)  # other bytes whose file goes into the same folder:
    other = next(b for i in count() if store.sha256(b := data + b"%d" % i)[:4] == digest[:4])
    store.put(root, other)  # a write into the same folder sweeps it
    assert not orphan.exists() and live.exists()
    orphan.write_bytes(b"half a pdf")
    assert store.sweep(root) == 1 and not orphan.exists()


def test_employee_show_is_refused_to_an_officer_of_another_agency(seeded: App, db_url: str) -> None:
    bantul_officer(seeded)
    grant_cli_user(seeded, db_url, ["kepegawaian"], agency_code="BANTUL")
    env = {"SANCTIONS_DATABASE_URL": db_url}
    result = CliRunner().invoke(cli, ["employee", "show", PNS_NIP], env=env)
    assert result.exit_code == PermissionDenied.exit_code, result.output
    assert "holds no role for the agency of employee" in result.output
    with session_scope(seeded.db) as session:
        assert registry.employee_by_nip(session, PNS_NIP, actor="bkpsdm").nip == PNS_NIP


def test_user_list_shows_an_agency_officer_only_the_grants_of_their_agencies(
    seeded: App, db_url: str
) -> None:
    bantul_officer(seeded)
    with session_scope(seeded.db) as session:
        assert {u for u, _, _ in registry.list_grants(session, actor="bantul")} == {"bantul"}
        seen = registry.list_grants(session, actor="bkpsdm")
        assert {a for _, _, a in seen} == {"SLEMAN"} and "admin" not in {u for u, _, _ in seen}
        assert len(registry.list_grants(session, actor="admin")) > len(seen)
    result = CliRunner().invoke(cli, ["user", "list"], env={"SANCTIONS_DATABASE_URL": db_url})
    assert result.exit_code == PermissionDenied.exit_code, result.output  # no role at all


def test_a_swapped_or_misplaced_letter_file_is_never_served(seeded: App, tmp_path: Path) -> None:
    recommend(seeded)
    with session_scope(seeded.db) as session:
        letter = session.exec(select(Letter).order_by(col(Letter.id))).first()
        assert letter is not None
        number, path = letter.number, letter.path
    stored = seeded.settings.letter_store / path
    original = stored.read_bytes()
    stored.write_bytes(original.replace(b"PDF", b"PDX", 1))
    with session_scope(seeded.db) as session, pytest.raises(StorageError, match="SHA-256"):
        read_letter(seeded, session, number, actor="admin")
    stored.write_bytes(original)
    (tmp_path / "passwd").write_bytes(b"root:x:0:0")
    with session_scope(seeded.db) as session:
        letter = session.exec(select(Letter).where(Letter.number == number)).one()
        letter.path = "../passwd"
        session.add(letter)
    with session_scope(seeded.db) as session, pytest.raises(StorageError, match="refused"):
        read_letter(seeded, session, number, actor="admin")
    with pytest.raises(StorageError, match="outside the letter store"):
        store.get(seeded.settings.letter_store, "../passwd")


def test_letter_get_on_the_command_line_refuses_a_changed_file(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    recommend(seeded)
    grant_cli_user(seeded, db_url, ["admin"])
    with session_scope(seeded.db) as session:
        letter = session.exec(select(Letter).order_by(col(Letter.id))).first()
        assert letter is not None
        number, path = letter.number, letter.path
    (seeded.settings.letter_store / path).write_bytes(b"%PDF-1.7 a forgery")
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(cli, ["letter", "get", number, "--out", str(out)], env=env)
    assert result.exit_code == StorageError.exit_code, result.output
    assert "does not match the SHA-256" in result.output and not out.exists()
