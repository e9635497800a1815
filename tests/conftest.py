"""Shared fixtures: a migrated database on SQLite and on a real PostgreSQL, and the app.

The schema is migrated once per session, not once per test: `upgrade head` runs on a template
(a SQLite file; a PostgreSQL schema whose statements are recorded) and every test that asks for
`db` gets a copy of it at its own `db_url` (the file copied; the recorded statements replayed
into the test's own schema). The copy is a real database at a real URL, so CLI commands and
subprocesses a test starts can use it. tests/test_migrations.py checks that both a fresh
`upgrade head` and the copy have exactly the schema the models declare.

PostgreSQL: the server at 127.0.0.1:5432 when one answers (trust auth, database `test`);
otherwise a throwaway server started by pytest-postgresql from Debian's binaries. Each test
gets a schema of its own: an empty one is dropped afterwards; a migrated one comes from and
goes back to its worker's pool, emptied (tests/pgpool.py). A PostgreSQL test never skips:
with no server it fails, because a skipped PostgreSQL test is a promise not kept.

Letters: the `app` fixture renders letter HTML for real (Jinja2, StrictUndefined) but turns it
into PDF with tests/fakes.py's `FakePdfRenderer`, unless the test is marked `pdf` (its subject
is the PDF): then it gets the real WeasyPrint renderer, one per session.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import getpass
import json
import os
import pickle
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import psycopg
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_postgresql import factories
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from sanctions.app import App
from sanctions.db import make_engine, upgrade
from sanctions.settings import Settings
from tests import pgpool
from tests.compiled import share_compiled_sql
from tests.fakes import FakePdfRenderer

# Bytecode caches even where PYTHONDONTWRITEBYTECODE is set (container images often set it):
# without them each pytest-xdist worker compiles and assertion-rewrites every test module,
# and every `sanctions` child process a test starts compiles the package again. From here on
# this process and its children write them (to __pycache__, ignored by git).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


# Temporary files (every test's SQLite database, letter store and child processes' files) in
# memory where the machine has a tmpfs: SQLite's fsync at each commit then costs nothing. No
# test's subject is the disk surviving a power cut; the kill tests kill processes, whose
# committed writes are in the file whatever the file system.
def _roomy_tmpfs(path: str = "/dev/shm", least: int = 2 << 30) -> bool:
    """Whether `path` is writable with at least `least` bytes free (a container's default
    /dev/shm of 64 MiB is not: the suite's files would not fit)."""
    if not os.access(path, os.W_OK):
        return False
    found = os.statvfs(path)
    return found.f_bavail * found.f_frsize >= least


if "TMPDIR" not in os.environ and _roomy_tmpfs():
    os.environ["TMPDIR"] = tempfile.tempdir = "/dev/shm"

# Property tests are judged on what they find, never on how long an example takes: CI runs on
# a loaded 2-core machine, where a fast example can take seconds.
hypothesis_settings.register_profile(
    "sanctions", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("sanctions")

T = TypeVar("T")
LOCAL_PG = {"host": "127.0.0.1", "port": 5432, "dbname": "test"}
# Fixtures that give a test a database; a test marked `pure` may use none of them.
DATABASE_FIXTURES = frozenset({"db_url", "db", "app", "sqlite_url", "pg_schema_url", "pg_server"})


def _pg_ctl() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return str(found[-1]) if found else None


postgresql_proc = factories.postgresql_proc(executable=_pg_ctl(), port=None)


# Tests that take seconds each: run first, so that the two workers finish together instead of
# one of them starting a long walk when the other is already done (xdist steals the rest).
_LONG = ("tests/test_every_path.py", "tests/test_docs.py::test_the_readme_quickstart")
# Tests that start from the README quickstart's folder (tests/test_docs.py runs it once per
# run): last, so that by the time they start the quickstart has long finished.
_LAST = ("tests/test_docs.py::test_the_readme_officers_day",)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection leaves (the test modules, the package, SQLAlchemy, pydantic, the
    items) lives until the process ends: collected once, then frozen out of the garbage
    collector's reach, and the youngest generation collected every 7,000 allocations instead
    of 700, so that a worker's collections stop walking it again and again (91 tests of three
    modules, `-n 0`: 1.25 s of 12 CPU-s in the collector before, 0.48 s after)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (see `_LONG`), those after the quickstart last (`_LAST`); and
    keep the `pure` marker honest: a pure-rule test touches no database and no PDF."""
    items.sort(
        key=lambda item: (
            2
            if item.nodeid.startswith(_LAST)
            else 0
            if item.get_closest_marker("slow") or item.nodeid.startswith(_LONG)
            else 1
        )
    )
    wrong = [
        item.nodeid
        for item in items
        if item.get_closest_marker("pure")
        and (
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("pdf")
            or item.get_closest_marker("slow")
        )
    ]
    if wrong:
        raise pytest.UsageError(
            "tests marked `pure` must not use a database, the PDF renderer or be slow: "
            + ", ".join(wrong)
        )


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


def pg_url(server: Mapping[str, object], schema: str) -> str:
    """The URL of `schema` on `server`, for the test's own code and the processes it starts.

    Its sessions commit without waiting for the server's WAL flush (`synchronous_commit=off`):
    a commit is visible to every other session, and locks behave, exactly as with the flush;
    only a crash of the server itself could lose the last commits, and no test crashes the
    server (the crash tests kill the officers' processes). Waiting for the flush cost about
    6.5 ms a commit on the shared 2-core machine, against 0.3 ms without it.
    """
    options = quote(f"-csearch_path={schema} -csynchronous_commit=off")
    return (
        f"postgresql+psycopg://{server['user']}@{server['host']}:{server['port']}/"
        f"{server['dbname']}?options={options}"
    )


def _new_schema_name() -> str:
    """Unique across tests, pytest-xdist workers and other test runs on the same server."""
    return f"t_{uuid.uuid4().hex[:16]}"


def _create_schema(server: Mapping[str, object]) -> str:
    schema = _new_schema_name()
    with psycopg.connect(**server, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema


@pytest.fixture
def pg_schema_url(pg_server: dict[str, object], request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL whose connections live in a schema of their own: empty, or, for a test that asks
    for `migrated_url` (through `db` or `app`), already migrated, from the worker's pool of
    migrated schemas (tests/pgpool.py), which gets it back emptied when the test is over."""
    if "migrated_url" in request.fixturenames:
        schema = pgpool.POOL.take(
            pg_server,
            create=lambda: _create_schema(pg_server),
            migrate=lambda schema: _replay_template(pg_url(pg_server, schema), request),
        )
    else:
        schema = _create_schema(pg_server)
    try:
        yield pg_url(pg_server, schema)
    finally:
        if not (pgpool.POOL.is_lent(schema) and pgpool.POOL.give_back(schema)):
            pgpool.drop(pg_server, [schema])


@pytest.fixture(scope="session", autouse=True)
def _drop_pooled_schemas() -> Iterator[None]:
    yield
    if pgpool.POOL.server is not None:
        pgpool.drop(pgpool.POOL.server, pgpool.POOL.drain())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file that does not exist yet (an empty database)."""
    return f"sqlite:///{tmp_path / 'sanctions.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database of the test's own, on SQLite and on PostgreSQL; `db` migrates it."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_schema_url"))


# -- the migrated template ------------------------------------------------------------------
@contextlib.contextmanager
def _run_lock(factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The run's shared folder (see `_run_folder`), with `name`'s lock held: under
    pytest-xdist the first worker builds what is shared, the others wait and read it."""
    shared = _run_folder(factory)
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield shared


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run (by the first worker to ask); `db` copies
    it."""
    with _run_lock(tmp_path_factory, "sqlite-template") as shared:
        path = shared / "sqlite-template" / "sanctions.db"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            building = path.with_name("building.db")
            engine = make_engine(f"sqlite:///{building}")
            try:
                upgrade(engine)
            finally:
                engine.dispose()  # the last connection checkpoints the WAL: the file is complete
            building.rename(path)
    return path


Statement = tuple[str, Any]
_READ_ONLY = re.compile(r"\s*(SELECT|SHOW)\b", re.IGNORECASE)


@pytest.fixture(scope="session")
def pg_template(
    pg_server: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> list[Statement]:
    """The statements `upgrade head` sends to an empty PostgreSQL schema, with their parameters.

    Recorded once per run (by the first worker to ask; the others read them) by migrating a
    template schema (dropped straight away); replaying them into an empty schema builds the
    same schema and the same `alembic_version` row, about three times faster than running
    Alembic again. Alembic's read-only queries are left out.
    """
    with _run_lock(tmp_path_factory, "pg-template") as shared:
        found = shared / "pg-template.pickle"
        if found.exists():
            statements: list[Statement] = pickle.loads(found.read_bytes())
            return statements
        recorded = _record_template(pg_server)
        found.write_bytes(pickle.dumps(recorded))
        return recorded


def _record_template(pg_server: dict[str, object]) -> list[Statement]:
    schema = f"template_{_new_schema_name()}"
    conninfo = dict(pg_server)
    with psycopg.connect(**conninfo, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")
    recorded: list[Statement] = []
    engine = make_engine(pg_url(pg_server, schema))

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if not _READ_ONLY.match(statement):
            recorded.append((statement, parameters))

    try:
        upgrade(engine)
    finally:
        engine.dispose()
        with psycopg.connect(**conninfo, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return recorded


def copy_template(url: str, request: pytest.FixtureRequest) -> None:
    """Give the empty database at `url` the migrated schema (and nothing else)."""
    if url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, str(make_url(url).database))
        return
    if pgpool.POOL.is_lent(_schema_of(url)):
        return  # taken from the pool: migrated already
    _replay_template(url, request)


def _replay_template(url: str, request: pytest.FixtureRequest) -> None:
    statements: list[Statement] = request.getfixturevalue("pg_template")
    # libpq reads the same URL (and its search_path option) without SQLAlchemy's driver name.
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as conn, conn.pipeline():
        for statement, parameters in statements:
            conn.execute(statement, parameters)


@pytest.fixture
def migrated_url(db_url: str, request: pytest.FixtureRequest) -> str:
    """`db_url`, migrated to the newest schema (a copy of the session's template)."""
    copy_template(db_url, request)
    return db_url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, letter_store=tmp_path / "letters")


@pytest.fixture
def db(migrated_url: str) -> Iterator[Engine]:
    """An engine on the test's migrated database (sharing compiled SQL with the others)."""
    engine = make_engine(migrated_url)
    share_compiled_sql(engine)
    yield engine
    engine.dispose()


# -- snapshots of built data ------------------------------------------------------------------
@dataclass(frozen=True)
class Built:
    """A snapshot: its database's URL, its letter store, the tables it has rows in (in the
    foreign keys' order) and the value its build returned."""

    url: str
    store: Path
    tables: tuple[str, ...]
    value: Any


class Snapshots:
    """Data a module's tests all start from (nine cases for the reports, a case with a letter
    and forty users for the access matrix), built once per run and database kind through
    the services, then copied into each test's own database and letter store: the test still
    gets a database of its own, without paying for the build again. The build's letters are
    rendered by the fake renderer whichever test asks first: a test whose subject is a PDF
    renders its own (a report, a dossier, a letter it issues itself).

    Under pytest-xdist the workers share the builds: the first worker to ask builds the
    snapshot in the run's shared folder (a SQLite file, or a PostgreSQL schema on the shared
    server) while the others wait on a file lock, then read what it built. A build whose value
    cannot be pickled is built by each worker for itself, as before. The shared schemas are
    dropped at the end of the run by whichever process outlives the others (the xdist
    controller, or the one pytest process): `drop_shared_snapshots`."""

    def __init__(self, request: pytest.FixtureRequest, shared: Path, own: Path) -> None:
        self._request = request
        self._shared = shared  # the run's folder for shared builds (one per run)
        self._own = own  # this process's folder for builds it cannot share
        self._built: dict[tuple[str, str], Built] = {}
        self.schemas: list[tuple[dict[str, object], str]] = []  # (server, schema) to drop

    def restore(self, name: str, app: App, build: Callable[[App], T]) -> T:
        """`build(app)`'s data in `app`'s (empty, migrated) database; returns its value."""
        kind = "sqlite" if app.settings.database_url.startswith("sqlite") else "postgresql"
        if (name, kind) not in self._built:
            self._built[name, kind] = self._shared_build(name, kind, app, build)
        built = self._built[name, kind]
        app.db.dispose()
        if kind == "sqlite":
            shutil.copyfile(
                str(make_url(built.url).database),
                str(make_url(app.settings.database_url).database),
            )
        else:
            _copy_rows(built.url, app.settings.database_url, built.tables)
        if built.store.exists():
            shutil.copytree(built.store, app.settings.letter_store, dirs_exist_ok=True)
        result: T = built.value
        return result

    def _shared_build(self, name: str, kind: str, app: App, build: Callable[[App], T]) -> Built:
        key = f"{name}-{kind}"
        if kind == "postgresql":  # shared by the workers that use the same server
            server = self._request.getfixturevalue("pg_server")
            key += f"-{server['host']}-{server['port']}-{server['dbname']}"
        found = self._shared / f"{key}.pickle"
        with (self._shared / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            if found.exists():
                with contextlib.suppress(Exception):  # not readable here: build our own
                    shared: Built = pickle.loads(found.read_bytes())
                    return shared
                return self._build(self._own / key, kind, app, build)
            if (self._shared / f"{key}.own").exists() or (self._shared / key).exists():
                # not picklable, or a worker's build of it failed: build our own
                return self._build(self._own / key, kind, app, build)
            built = self._build(self._shared / key, kind, app, build, shared=True)
            try:
                data = pickle.dumps(built)
            except Exception:
                (self._shared / f"{key}.own").touch()  # the others build their own
            else:
                found.write_bytes(data)
            return built

    def _build(
        self,
        folder: Path,
        kind: str,
        app: App,
        build: Callable[[App], T],
        shared: bool = False,
    ) -> Built:
        folder.mkdir(parents=True)
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'sanctions.db'}"
        else:
            schema = f"snapshot_{_new_schema_name()}"
            server = self._request.getfixturevalue("pg_server")
            with psycopg.connect(**server, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            if shared:  # dropped by the process that outlives the workers
                (self._shared / "schemas").mkdir(exist_ok=True)
                (self._shared / "schemas" / schema).write_text(json.dumps(server))
            else:
                self.schemas.append((dict(server), schema))
            url = pg_url(server, schema)
        copy_template(url, self._request)
        settings = replace(app.settings, database_url=url, letter_store=folder / "letters")
        source = App(settings, pdf_renderer=FakePdfRenderer())
        try:
            value = build(source)
        finally:
            source.db.dispose()
        tables = _tables_with_rows(url) if kind == "postgresql" else ()
        return Built(url, settings.letter_store, tables, value)


def _schema_of(url: str) -> str:
    found = re.search(r"-csearch_path=(\w+)", str(make_url(url).query["options"]))
    assert found, url
    return found.group(1)


def _libpq(url: str) -> str:
    """libpq reads the same URL (and its search_path option) without SQLAlchemy's driver."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _tables_with_rows(url: str) -> tuple[str, ...]:
    """The tables of `url`'s schema that have rows, in the foreign keys' order."""
    import sanctions.db.models  # noqa: F401  (registers the tables)

    names = [table.name for table in SQLModel.metadata.sorted_tables]
    query = " UNION ALL ".join(
        f'SELECT {i} FROM (SELECT 1 FROM "{name}" LIMIT 1) AS t{i}' for i, name in enumerate(names)
    )
    with psycopg.connect(_libpq(url)) as conn:
        found = {int(row[0]) for row in conn.execute(query)}  # type: ignore[call-overload]
    return tuple(name for i, name in enumerate(names) if i in found)


def _copy_rows(source: str, target: str, tables: tuple[str, ...]) -> None:
    """Every row of `tables` (those that have rows, in the foreign keys' order) from
    `source`'s schema into `target`'s (same server, same migrated schema, empty, its
    sequences at their start), and the id sequences moved past the copied ids: one round
    trip, one transaction."""
    import sanctions.db.models  # noqa: F401  (registers the tables)

    src = _schema_of(source)
    statements: list[str] = []
    for name in tables:
        statements.append(f'INSERT INTO "{name}" SELECT * FROM {src}."{name}"')
        table = SQLModel.metadata.tables[name]
        if "id" in table.c and table.c["id"].primary_key:
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f'coalesce(max(id), 1), max(id) IS NOT NULL) FROM "{name}"'
            )
    if statements:
        with psycopg.connect(_libpq(target)) as conn:
            conn.execute("; ".join(statements).encode())


def drop_shared_snapshots(shared: Path) -> None:
    """Drop the PostgreSQL schemas of the run's shared snapshots (at the end of the run)."""
    for found in sorted((shared / "schemas").glob("*")):
        server = json.loads(found.read_text())
        with (
            contextlib.suppress(psycopg.OperationalError),  # a throwaway server may be gone
            psycopg.connect(**server, autocommit=True) as conn,
        ):
            conn.execute(f"DROP SCHEMA IF EXISTS {found.name} CASCADE")
        found.unlink()


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """The folder this run's processes share: the xdist controller's base folder (whose
    children are the workers' base folders), or the one process's own."""
    root = factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


@pytest.fixture(scope="session")
def snapshots(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Snapshots]:
    shared = _run_folder(tmp_path_factory) / "snapshots"
    shared.mkdir(exist_ok=True)
    found = Snapshots(request, shared, tmp_path_factory.mktemp("snapshots"))
    yield found
    for server, schema in found.schemas:
        # A throwaway server may be gone already (and its schemas with it).
        with (
            contextlib.suppress(psycopg.OperationalError),
            psycopg.connect(**server, autocommit=True) as conn,  # type: ignore[arg-type]
        ):
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        drop_shared_snapshots(shared)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The xdist controller, once every worker is done: drop the shared snapshots' schemas."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if hasattr(session.config, "workerinput"):
        return
    with contextlib.suppress(Exception):  # no base folder: nothing was shared
        shared = factory.getbasetemp() / "snapshots"
        if shared.exists():
            drop_shared_snapshots(shared)


# -- the app ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def real_pdf_renderer() -> Iterator[Any]:
    """The WeasyPrint renderer, one per session as in production (one per process)."""
    from sanctions.printing.pdf import PdfRenderer

    renderer = PdfRenderer(Settings().templates_dir)
    yield renderer
    renderer.close()


@pytest.fixture
def pdf_renderer_of_app(request: pytest.FixtureRequest) -> Any:
    """What the `app` fixture renders PDFs with: the real renderer for tests marked `pdf`."""
    if request.node.get_closest_marker("pdf"):
        return request.getfixturevalue("real_pdf_renderer")
    return FakePdfRenderer()


@pytest.fixture
def app(settings: Settings, db: Engine, pdf_renderer_of_app: Any, snapshots: Snapshots) -> App:
    from tests import factories as made

    made.SNAPSHOTS = snapshots  # `factories.seed` copies its seeding from a snapshot
    return App(settings, db=db, pdf_renderer=pdf_renderer_of_app)
