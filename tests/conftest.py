"""Shared fixtures: a migrated database on SQLite and on a real PostgreSQL, and the app.

PostgreSQL: the server at 127.0.0.1:5432 when one answers (trust auth, database `test`);
otherwise a throwaway server started by pytest-postgresql from Debian's binaries. Each test
gets its own schema, dropped afterwards. A PostgreSQL test never skips: with no server it
fails, because a skipped PostgreSQL test is a promise not kept.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from pytest_postgresql import factories
from sqlalchemy import Engine

from sanctions.app import App
from sanctions.db import make_engine, upgrade
from sanctions.settings import Settings

LOCAL_PG = {"host": "127.0.0.1", "port": 5432, "dbname": "test"}


def _pg_ctl() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return str(found[-1]) if found else None


postgresql_proc = factories.postgresql_proc(executable=_pg_ctl(), port=None)


def _local_pg_user() -> str | None:
    for user in dict.fromkeys([os.environ.get("PGUSER") or getpass.getuser(), "postgres"]):
        try:
            psycopg.connect(**LOCAL_PG, user=user, connect_timeout=3).close()
        except psycopg.OperationalError:
            continue
        return user
    return None


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> dict[str, object]:
    """Connection parameters of a PostgreSQL server: the local one, or a throwaway one."""
    user = _local_pg_user()
    if user is not None:
        return {**LOCAL_PG, "user": user}
    proc = request.getfixturevalue("postgresql_proc")
    dbname = "sanctions_tests"
    with psycopg.connect(
        host=proc.host, port=proc.port, user=proc.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f"CREATE DATABASE {dbname}")
    return {"host": proc.host, "port": proc.port, "user": proc.user, "dbname": dbname}


def pg_url(server: dict[str, object], schema: str) -> str:
    options = quote(f"-csearch_path={schema}")
    return (
        f"postgresql+psycopg://{server['user']}@{server['host']}:{server['port']}/"
        f"{server['dbname']}?options={options}"
    )


@pytest.fixture
def pg_schema_url(pg_server: dict[str, object]) -> Iterator[str]:
    """A URL whose connections live in a fresh schema of their own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conninfo = dict(pg_server)
    with psycopg.connect(**conninfo, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield pg_url(pg_server, schema)
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sanctions.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, letter_store=tmp_path / "letters")


@pytest.fixture
def db(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings: Settings, db: Engine) -> App:
    return App(settings, db=db)
