"""One configuration file names the database and the letter store: `sanctions.toml` in the
current folder or the user's config folder, paths relative to the file; the environment wins;
a command says which database it uses when the file chose it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sanctions.errors import DefinitionError
from sanctions.settings import DEFAULT_DATABASE_URL, Settings


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sanctions.toml").write_text(text, encoding="utf-8")
    return folder / "sanctions.toml"


@pytest.mark.pure
def test_the_file_in_the_current_folder_names_database_and_store(tmp_path: Path) -> None:
    path = write(
        tmp_path / "office", 'database_url = "sqlite:///data/s.db"\nletter_store = "surat"\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings = Settings.from_env({"HOME": str(tmp_path / "home")}, cwd=tmp_path / "office")
    assert settings.database_url == f"sqlite:///{tmp_path / 'office' / 'data' / 's.db'}"
    assert settings.letter_store == tmp_path / "office" / "surat"
    assert settings.database_source == str(path)
    plain = Settings.from_env({"HOME": str(tmp_path / "home")}, cwd=elsewhere)
    assert (plain.database_url, plain.database_source) == (DEFAULT_DATABASE_URL, "default")


@pytest.mark.pure
def test_the_user_config_folder_is_read_when_the_current_folder_has_none(tmp_path: Path) -> None:
    write(tmp_path / "cfg" / "sanctions", 'database_url = "postgresql://bkpsdm@db/sanctions"\n')
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    settings = Settings.from_env(env, cwd=tmp_path)
    assert settings.database_url == "postgresql://bkpsdm@db/sanctions"
    both = Settings.from_env({**env, "SANCTIONS_DATABASE_URL": "sqlite:///x.db"}, cwd=tmp_path)
    assert (both.database_url, both.database_source) == ("sqlite:///x.db", "SANCTIONS_DATABASE_URL")


@pytest.mark.pure
def test_a_bad_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, 'database = "sqlite:///x.db"\n')
    with pytest.raises(DefinitionError, match=rf"{path}: unknown key 'database' \(allowed: "):
        Settings.from_env({"HOME": str(tmp_path)}, cwd=tmp_path)
    write(tmp_path, "database_url = [\n")
    with pytest.raises(DefinitionError, match="not a readable TOML file"):
        Settings.from_env({"HOME": str(tmp_path)}, cwd=tmp_path)


def test_a_command_says_which_database_the_file_chose(tmp_path: Path) -> None:
    write(tmp_path, 'database_url = "sqlite:///office.db"\n')
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "sanctions", "db", "upgrade"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"database: sqlite:///{tmp_path / 'office.db'} (from {tmp_path / 'sanctions.toml'})" in (
        run.stderr
    )
    assert (tmp_path / "office.db").exists()
