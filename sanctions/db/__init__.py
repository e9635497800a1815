"""Database edge: engines, the transaction scope, migrations and who is acting.

`SANCTIONS_DATABASE_URL` chooses the store: a SQLite file by default, PostgreSQL
(`postgresql+psycopg://...`) for multi-user deployments.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from sanctions.errors import Conflict, InputError, StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Commands compare the database against it with one cheap query
# instead of importing Alembic; tests/test_migrations.py keeps it equal to Alembic's head.
HEAD_REVISION = "0030"


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, lock_timeout: float = 15.0) -> Engine:
    """`lock_timeout`: seconds to wait for another writer (SQLite) or a row lock (PostgreSQL)
    before giving up with a clear error."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _create_group_only(url)
        engine = create_engine(url, connect_args={"timeout": lock_timeout})
        event.listen(
            engine, "connect", lambda conn, rec: _sqlite_pragmas(conn, int(lock_timeout * 1000))
        )
        # pysqlite's own transaction handling defers BEGIN; take it over so that a
        # transaction starts with BEGIN IMMEDIATE (writers queue instead of failing later).
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": max(1, int(lock_timeout)),
            "options": f"-c lock_timeout={int(lock_timeout * 1000)}",
        }
        if "options=" not in url
        else {"connect_timeout": max(1, int(lock_timeout))},
    )


# A new SQLite database file is readable and writable by its owner and the office's group
# only (SQLite gives its -wal and -shm files the database file's permissions).
DATABASE_FILE_MODE = 0o660


def _create_group_only(url: str) -> None:
    """Create the SQLite file `url` names, if it does not exist yet, with `DATABASE_FILE_MODE`
    whatever the umask (an in-memory database has no file)."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(f"cannot create the database file {name}: {exc.strerror}") from exc
    try:
        os.fchmod(fd, DATABASE_FILE_MODE)
    finally:
        os.close(fd)


def _sqlite_pragmas(dbapi_conn: Any, busy_ms: int) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see make_engine)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cur.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-done)."""
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    except OperationalError as exc:
        raise StorageError(_describe(engine, exc)) from exc
    except DataError as exc:
        raise InputError(f"a value does not fit the database: {_first_line(exc)}") from exc
    except IntegrityError as exc:
        raise Conflict(f"the change conflicts with existing data: {_first_line(exc)}") from exc


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _describe(engine: Engine, exc: DBAPIError) -> str:
    where = engine.url.render_as_string(hide_password=True)
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "no such table" in detail or ("does not exist" in detail and "relation" in detail):
        return f"the database at {where} has no schema yet: run `sanctions db upgrade` ({detail})"
    if "locked" in detail:
        return f"the database at {where} is locked by another process; try again ({detail})"
    return f"the database at {where} is unavailable: {detail}"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic is imported only when migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escaping
    return config


def upgrade(
    engine: Engine, revision: str = "head", *, follow_up: Mapping[str, Any] | None = None
) -> None:
    """`follow_up`: the declared follow-up law per workflow version, as plain data
    (`cases.follow_up.as_data`), which migration 0029 backfills the cases' follow-up columns
    by; a database with recommended cases cannot be taken past 0029 without it."""
    from alembic import command

    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            if follow_up is not None:
                config.attributes["follow_up"] = follow_up
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise StorageError(_describe(engine, exc)) from exc


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        raise StorageError(_describe(engine, exc)) from exc


def check_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not at the newest migration."""
    current = current_revision(engine)
    if current != HEAD_REVISION:
        where = engine.url.render_as_string(hide_password=True)
        state = "has no schema" if current is None else f"is at revision {current}"
        raise StorageError(
            f"the database at {where} {state}, the code needs {HEAD_REVISION}: "
            "run `sanctions db upgrade`"
        )


def acting_user(session: Session) -> str:
    """Who acts: the authenticated database user on PostgreSQL; on SQLite the account the
    process runs as (its real uid, looked up in the password database), never `LOGNAME` or
    `USER`, which anyone can set."""
    if session.get_bind().dialect.name == "postgresql":
        return str(session.execute(text("SELECT current_user")).scalar_one())
    return os_account()


def os_account() -> str:
    """The name of the OS account of the process's real uid (its number if it has none)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)
