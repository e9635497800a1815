"""PostgreSQL enforces need-to-know itself (migration 0018): a database user connecting with
psycopg, as an officer, the scheduled job or the auditor would, is refused what the
application would refuse them, whatever client they use. The application connects as the
owner and keeps working. PostgreSQL only: SQLite is one office (docs/deployment.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import acting_user, make_engine, session_scope, upgrade
from sanctions.registry import service as registry
from sanctions.trust.audit import verify
from tests.conftest import _schema_of
from tests.factories import KNOWN_ROLES, add_agency, grant_cli_user, open_case, seed

pytestmark = pytest.mark.postgres

Conn = psycopg.Connection[tuple[object, ...]]
Login = Callable[..., AbstractContextManager[Conn]]


@pytest.fixture
def db_url(pg_schema_url: str) -> str:
    return pg_schema_url


@pytest.fixture
def login(pg_server: dict[str, object], db_url: str) -> Iterator[Login]:
    """`login(group)`: a new LOGIN role, member of `group`, connected to the test's schema;
    the role is dropped afterwards."""
    made: list[str] = []
    schema = _schema_of(db_url)

    @contextmanager
    def connect(group: str, name: str | None = None) -> Iterator[Conn]:
        name = name or f"u_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**pg_server, autocommit=True) as owner:  # type: ignore[arg-type]
            owner.execute(f"CREATE ROLE {name} LOGIN IN ROLE {group}")
        made.append(name)
        conn = psycopg.connect(
            **{**pg_server, "user": name},  # type: ignore[arg-type]
            options=f"-csearch_path={schema}",
            autocommit=True,
        )
        try:
            yield conn
        finally:
            conn.close()

    yield connect
    with psycopg.connect(**pg_server, autocommit=True) as owner:  # type: ignore[arg-type]
        for name in made:
            owner.execute(f"DROP ROLE IF EXISTS {name}")


def grant_user(app: App, name: str, roles: list[str], agency: str | None) -> None:
    with session_scope(app.db) as s:
        registry.add_user(
            s,
            actor="admin",
            username=name,
            roles=roles,
            known_roles=KNOWN_ROLES,
            agency_code=agency,
        )


def count(conn: Conn, query: str) -> int:
    row = conn.execute(query.encode()).fetchone()
    assert row is not None
    return int(str(row[0]))


def new_name() -> str:
    return f"u_{uuid.uuid4().hex[:12]}"


def test_an_officer_can_neither_update_nor_delete_an_event_and_the_application_goes_on(
    app: App, login: Login
) -> None:
    seed(app)
    reference = open_case(app)
    name = new_name()
    grant_user(app, name, ["kepegawaian"], None)
    with login("sanctions_officer", name) as conn:
        assert count(conn, "SELECT count(*) FROM case_events") >= 1
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE case_events SET note = 'edited'")
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE case_events SET hash = repeat('0', 64)")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM case_events")
        for table in ("log_leaves", "access_events", "checkpoints"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(f"DELETE FROM {table}")
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE log_leaves SET leaf_hash = repeat('0', 64)")
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE log_head SET size = size - 1")
        for table in ("case_events", "log_leaves", "cases", "letters"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(f"TRUNCATE {table}")
    # The owner's application records the next case and the record still verifies.
    second = open_case(app)
    assert second != reference
    with session_scope(app.db) as s:
        checked, findings = verify(s)
        events = s.execute(text("SELECT count(*) FROM case_events")).scalar_one()
    assert checked == 2
    assert findings == []
    assert events >= 2


def test_the_owner_alone_may_change_the_event_log(app: App) -> None:
    seed(app)
    open_case(app)
    with app.db.begin() as conn:
        conn.execute(text("UPDATE case_events SET note = note"))  # the owner is not refused


def test_the_auditor_reads_and_writes_nothing(app: App, login: Login) -> None:
    seed(app)
    open_case(app)
    name = new_name()
    grant_user(app, name, ["pengawas"], None)
    with login("sanctions_auditor", name) as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 1
        for statement in (
            "UPDATE cases SET state = 'closed'",
            "INSERT INTO access_events (at, actor, command, reason) VALUES (now(), 'x', 'x', 'x')",
            "DELETE FROM letters",
            "CREATE TABLE intruder (id int)",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)


def test_an_officer_may_not_delete_a_case_or_change_the_schema(app: App, login: Login) -> None:
    seed(app)
    open_case(app)
    name = new_name()
    grant_user(app, name, ["kepegawaian"], None)
    with login("sanctions_officer", name) as conn:
        for statement in (
            "DELETE FROM cases",
            "DELETE FROM letters",
            "ALTER TABLE cases ADD COLUMN intruder int",
            "DROP TABLE letters",
            "CREATE TABLE intruder (id int)",
            "UPDATE role_grants SET agency_id = NULL",
            "UPDATE agencies SET name = 'x'",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        # What an officer's work needs is granted.
        assert conn.execute("UPDATE cases SET version = version").rowcount == 1
        conn.execute(
            "INSERT INTO access_events (at, actor, command, reason) "
            "VALUES (now(), current_user, 'case show', 'refused')"
        )


FORGED = (
    'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, dest, note, inputs, late,'
    " workflow_version) VALUES (%s, 99, now(), current_date, %s, 'forged', 'closed', '',"
    " '{}', '[]', 'v1')"
)


def test_an_officer_sees_and_writes_only_the_cases_of_their_agencies(
    app: App, login: Login
) -> None:
    seed(app)
    open_case(app)
    with session_scope(app.db) as s:
        add_agency(s, "BANTUL")
    outsider, insider, everywhere = new_name(), new_name(), new_name()
    grant_user(app, outsider, ["kepegawaian"], "BANTUL")
    grant_user(app, insider, ["kepegawaian"], "SLEMAN")
    grant_user(app, everywhere, ["bawaslu"], None)
    with session_scope(app.db) as s:
        case_id = s.execute(text("SELECT id FROM cases")).scalar_one()
    with login("sanctions_officer", outsider) as conn:
        for table in ("cases", "letters", "case_events", "allegations", "deadlines"):
            assert count(conn, f"SELECT count(*) FROM {table}") == 0, table
        assert conn.execute("UPDATE cases SET state = 'closed'").rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(FORGED, (case_id, outsider))  # in their own name, not their case
    with login("sanctions_officer", insider) as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 1
        assert count(conn, "SELECT count(*) FROM letters") >= 1
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(FORGED, (case_id, "bupati"))  # in another user's name
        conn.execute(FORGED, (case_id, insider))  # appending in one's own name is allowed
    with login("sanctions_auditor", everywhere) as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 1
    with login("sanctions_auditor") as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 0  # holds no role
    # The owner (the application) is not filtered.
    with session_scope(app.db) as s:
        assert s.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1


def test_the_scheduled_job_works_across_agencies(app: App, login: Login) -> None:
    seed(app)
    open_case(app)
    with login("sanctions_job") as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 1
        assert count(conn, "SELECT count(*) FROM case_events") >= 1
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM case_events")


def test_migrating_another_schema_when_the_roles_exist_succeeds(
    pg_server: dict[str, object], pg_schema_url: str
) -> None:
    engine = make_engine(pg_schema_url)
    try:
        upgrade(engine)  # the roles exist already: created by the session's template
        with engine.connect() as conn:
            groups = conn.execute(
                text(
                    "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN "
                    "('sanctions_officer', 'sanctions_job', 'sanctions_auditor') ORDER BY 1"
                )
            ).all()
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            usage = conn.execute(
                text("SELECT has_schema_privilege('sanctions_officer', :s, 'USAGE')"),
                {"s": schema},
            ).scalar_one()
            truncate = conn.execute(
                text(
                    "SELECT count(*) FROM information_schema.role_table_grants "
                    "WHERE table_schema = :s AND privilege_type IN ('TRUNCATE', 'DELETE') "
                    "AND grantee LIKE 'sanctions_%'"
                ),
                {"s": schema},
            ).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(g) for g in groups] == [
        ("sanctions_auditor", False),
        ("sanctions_job", False),
        ("sanctions_officer", False),
    ]
    assert usage
    assert truncate == 0


def test_the_application_works_for_an_officer_connecting_as_their_own_database_user(
    app: App, login: Login, db_url: str, pdf_renderer_of_app: Any
) -> None:
    """What an officer's command does as their own login, not the owner's: open a case (the
    case, its events sealed with their hash, its letters, numbering and Merkle leaves)."""
    seed(app)
    name = new_name()
    grant_user(app, name, ["bawaslu"], None)
    with login("sanctions_officer", name):
        pass  # creates the login role
    url = make_url(db_url).set(username=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        as_officer = App(app.settings, db=engine, pdf_renderer=pdf_renderer_of_app)
        reference = open_case(as_officer, actor=name)
        with session_scope(engine) as s:
            assert acting_user(s) == name
            checked, findings = verify(s, reference)
    finally:
        engine.dispose()
    assert (checked, findings) == (1, [])


@pytest.fixture
def dropped(pg_server: dict[str, object]) -> Iterator[list[str]]:
    """Database logins a test makes through the application, dropped afterwards."""
    names: list[str] = []
    yield names
    with psycopg.connect(**pg_server, autocommit=True) as owner:  # type: ignore[arg-type]
        for name in names:
            owner.execute(f"DROP ROLE IF EXISTS {name}".encode())


def test_user_add_creates_the_database_login_in_its_group_and_maps_an_existing_one(
    app: App, db_url: str, pg_server: dict[str, object], dropped: list[str]
) -> None:
    seed(app)
    open_case(app)
    grant_cli_user(app, db_url, ["admin"])
    officer, job, auditor = new_name(), new_name(), new_name()
    dropped.extend([officer, job, auditor])
    runner = CliRunner()

    def run(*args: str, url: str = db_url) -> str:
        result = runner.invoke(cli, list(args), env={"SANCTIONS_DATABASE_URL": url})
        assert result.exit_code == 0, result.output
        return result.output

    first = run("user", "add", officer, "--role", "kepegawaian", "--agency", "SLEMAN")
    assert f"{officer}: created as a database login, member of sanctions_officer" in first
    again = run("user", "add", officer, "--role", "pejabat", "--agency", "SLEMAN")
    assert f"{officer}: an existing database login, member of sanctions_officer" in again
    assert "member of sanctions_job" in run("user", "add", job, "--role", "penjadwal")
    as_officer = make_url(db_url).set(username=officer).render_as_string(hide_password=False)
    assert run("user", "whoami", url=as_officer).strip() == officer
    assert "NET-" in run("case", "list", url=as_officer)
    with psycopg.connect(
        **{**pg_server, "user": officer},  # type: ignore[arg-type]
        options=f"-csearch_path={_schema_of(db_url)}",
        autocommit=True,
    ) as conn:
        assert count(conn, "SELECT count(*) FROM cases") == 1
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM cases")
    with psycopg.connect(**pg_server, autocommit=True) as owner:  # type: ignore[arg-type]
        member = owner.execute(
            "SELECT pg_has_role(%s, 'sanctions_job', 'MEMBER'), "
            "pg_has_role(%s, 'sanctions_officer', 'MEMBER')",
            (job, job),
        ).fetchone()
    assert member == (True, False)
    made = run("user", "add", auditor, "--role", "pengawas", "--database-group", "auditor")
    assert "member of sanctions_auditor" in made
    with psycopg.connect(
        **{**pg_server, "user": auditor},  # type: ignore[arg-type]
        options=f"-csearch_path={_schema_of(db_url)}",
        autocommit=True,
    ) as conn:
        assert count(conn, "SELECT count(*) FROM letters") >= 1  # a grant for all agencies
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE letters SET signed = true")
