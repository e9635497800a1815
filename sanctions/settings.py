"""Settings: built once at the edge (CLI group, job entry point) and passed down.

Every value can come from the environment (`SANCTIONS_*`); nothing below the CLI reads
`os.environ` itself. The database and the letter store may also be named in one
configuration file, `sanctions.toml`, found in the current folder or else in the user's
config folder (`$XDG_CONFIG_HOME/sanctions/` or `~/.config/sanctions/`):

    database_url = "postgresql://bkpsdm@db.sleman.go.id/sanctions"
    letter_store = "/srv/sanctions/letters"

A relative SQLite path or letter store in the file is taken relative to the file's folder,
so a command gives the same answer from any working directory. The environment wins over
the file; `Settings.database_source` says where the database came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sanctions.errors import DefinitionError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///sanctions.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    templates_dir: Path = PROJECT_ROOT / "letter_templates"
    letter_store: Path = Path("letters")
    # Cuti bersama are leave days for ASN; whether a deadline skips them is a policy choice.
    collective_leave_is_holiday: bool = True
    # Date the salary/allowance regulation that activates the tukin-cut sedang sanctions
    # (PP 94/2021 transitional rule) took force; None = not yet (substitutes apply). [S]
    tukin_regulation_in_force: date | None = None
    # PAdES signing of letters of agencies that sign electronically (PKCS#12 key + passphrase).
    # Where derived data is cached between runs (the holiday tables); None: no cache.
    cache_dir: Path | None = None
    # Seconds to wait for a lock held by another writer before a clear "locked" error.
    lock_timeout: float = 15.0
    signing_p12: Path | None = None
    signing_passphrase: str | None = None
    # smtp://host:port (smtps://user:password@host:port): the reminder job mails each letter
    # it issues to the agency's e-mail address; None = no e-mail.
    smtp_url: str | None = None
    # Where database_url came from: "default", "SANCTIONS_DATABASE_URL" or the config file.
    database_source: str = "default"
    # The installation's Ed25519 key (signs the log's checkpoints); created 0600 on first use.
    key_file: Path = Path.home() / ".config" / "sanctions" / "installation-ed25519.pem"
    # Where the reminder job publishes the day's signed checkpoint (None: not published).
    checkpoint_dir: Path | None = None
    # Who receives the day's checkpoint by mail (the supervisory body); needs smtp_url.
    checkpoint_mail_to: str | None = None

    @property
    def catalogue_dir(self) -> Path:
        return self.workflows_dir / "catalogue"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        config, config_path = read_config(env, Path.cwd() if cwd is None else cwd)
        tukin = env.get("SANCTIONS_TUKIN_REGULATION_IN_FORCE")
        try:
            tukin_date = date.fromisoformat(tukin) if tukin else None
        except ValueError as exc:
            raise DefinitionError(
                f"SANCTIONS_TUKIN_REGULATION_IN_FORCE: not a date (YYYY-MM-DD): {tukin!r}"
            ) from exc
        flag = env.get("SANCTIONS_COLLECTIVE_LEAVE_IS_HOLIDAY", "yes").strip().lower()
        if flag not in {"yes", "no", "true", "false", "1", "0"}:
            raise DefinitionError(
                f"SANCTIONS_COLLECTIVE_LEAVE_IS_HOLIDAY: expected yes or no, got {flag!r}"
            )
        if "SANCTIONS_DATABASE_URL" in env:
            database_url, source = env["SANCTIONS_DATABASE_URL"], "SANCTIONS_DATABASE_URL"
        elif "database_url" in config:
            database_url, source = config["database_url"], str(config_path)
        else:
            database_url, source = defaults.database_url, "default"
        letter_store = env.get("SANCTIONS_LETTER_STORE") or config.get(
            "letter_store", str(defaults.letter_store)
        )
        return cls(
            database_url=database_url,
            database_source=source,
            workflows_dir=Path(env.get("SANCTIONS_WORKFLOWS_DIR", defaults.workflows_dir)),
            templates_dir=Path(env.get("SANCTIONS_TEMPLATES_DIR", defaults.templates_dir)),
            letter_store=Path(letter_store),
            collective_leave_is_holiday=flag in {"yes", "true", "1"},
            tukin_regulation_in_force=tukin_date,
            lock_timeout=_seconds(env.get("SANCTIONS_LOCK_TIMEOUT", "15")),
            cache_dir=Path(
                env.get("SANCTIONS_CACHE_DIR")
                or Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sanctions"
            ),
            signing_p12=Path(env["SANCTIONS_SIGNING_P12"])
            if env.get("SANCTIONS_SIGNING_P12")
            else None,
            signing_passphrase=env.get("SANCTIONS_SIGNING_PASSPHRASE"),
            smtp_url=env.get("SANCTIONS_SMTP_URL") or None,
            key_file=Path(env.get("SANCTIONS_KEY_FILE") or defaults.key_file),
            checkpoint_dir=Path(env["SANCTIONS_CHECKPOINT_DIR"])
            if env.get("SANCTIONS_CHECKPOINT_DIR")
            else None,
            checkpoint_mail_to=env.get("SANCTIONS_CHECKPOINT_MAIL_TO") or None,
        )


CONFIG_NAME = "sanctions.toml"
CONFIG_KEYS = ("database_url", "letter_store")


def config_file(env: Mapping[str, str], cwd: Path) -> Path | None:
    """`sanctions.toml` in `cwd`, else in the user's config folder; None when neither."""
    home = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME") or Path.home()) / ".config")
    for candidate in (cwd / CONFIG_NAME, home / "sanctions" / CONFIG_NAME):
        if candidate.is_file():
            return candidate
    return None


def read_config(env: Mapping[str, str], cwd: Path) -> tuple[dict[str, str], Path | None]:
    """The configuration file's values (paths made absolute against its folder)."""
    path = config_file(env, cwd)
    if path is None:
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"{path}: not a readable TOML file: {exc}") from None
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise DefinitionError(
            f"{path}: unknown key {unknown[0]!r} (allowed: {', '.join(CONFIG_KEYS)})"
        )
    values: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise DefinitionError(f"{path}: {key}: expected a non-empty string, got {value!r}")
        values[key] = value.strip()
    base = path.parent.resolve()
    url = values.get("database_url")
    if url and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        values["database_url"] = f"sqlite:///{base / url.removeprefix('sqlite:///')}"
    store = values.get("letter_store")
    if store and not Path(store).is_absolute():
        values["letter_store"] = str(base / store)
    return values, path


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise DefinitionError(f"SANCTIONS_LOCK_TIMEOUT: expected seconds > 0, got {text!r}")
    return value
