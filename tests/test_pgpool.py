"""The pool of migrated PostgreSQL schemas (tests/pgpool.py) never lends a schema that is not
exactly as migrated: emptied, its ids starting from 1 again, its structure unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests import pgpool
from tests.conftest import _create_schema, _replay_template, pg_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(pg_server: dict[str, object], request: pytest.FixtureRequest) -> Iterator[pgpool.Pool]:
    own = pgpool.Pool()
    yield own
    pgpool.drop(pg_server, own.drain() + list(own.lent))


def _take(pool: pgpool.Pool, server: dict[str, object], request: pytest.FixtureRequest) -> str:
    return pool.take(
        server,
        create=lambda: _create_schema(server),
        migrate=lambda schema: _replay_template(pg_url(server, schema), request),
    )


def _conn(server: dict[str, object], schema: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(**server, options=f"-csearch_path={schema}", autocommit=True)  # type: ignore[arg-type]


def test_a_schema_given_back_is_lent_again_empty_with_its_ids_from_one_and_its_version(
    pool: pgpool.Pool, pg_server: dict[str, object], request: pytest.FixtureRequest
) -> None:
    schema = _take(pool, pg_server, request)
    next_id = "SELECT nextval(pg_get_serial_sequence('cases', 'id'))"
    with _conn(pg_server, schema) as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        conn.execute("INSERT INTO alembic_version (version_num) VALUES ('a second row')")
        conn.execute(next_id)
        assert conn.execute(next_id).fetchone() == (2,)
    assert pool.give_back(schema)

    again = _take(pool, pg_server, request)
    assert again == schema
    with _conn(pg_server, again) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [version]
        assert conn.execute(next_id).fetchone() == (1,)


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE case_events DISABLE TRIGGER ALL",
        "CREATE TABLE extra (x int)",
        "ALTER TABLE agencies ADD COLUMN extra int",
        "GRANT SELECT ON agencies TO PUBLIC",
        "CREATE INDEX extra_idx ON agencies (name)",
        "ALTER TABLE cases DISABLE ROW LEVEL SECURITY",
    ],
)
def test_a_schema_whose_structure_a_test_changed_is_never_lent_again(
    pool: pgpool.Pool, pg_server: dict[str, object], request: pytest.FixtureRequest, change: str
) -> None:
    schema = _take(pool, pg_server, request)
    with _conn(pg_server, schema) as conn:
        conn.execute(change)
    assert not pool.give_back(schema)
    assert pool.drain() == []
    pgpool.drop(pg_server, [schema])


def test_a_schema_another_process_is_still_in_a_transaction_on_is_never_lent_again(
    pool: pgpool.Pool, pg_server: dict[str, object], request: pytest.FixtureRequest
) -> None:
    schema = _take(pool, pg_server, request)
    with _conn(pg_server, schema) as left_behind:
        left_behind.execute("BEGIN")
        left_behind.execute("SELECT count(*) FROM cases")
        assert not pool.give_back(schema)
    assert pool.drain() == []
    pgpool.drop(pg_server, [schema])
