"""The Alembic migrations build exactly the schema the models declare, on both databases; and
so does the copy of the session's migrated template that every other test runs on. A snapshot
of built data (tests/conftest.py `Snapshots`) restores every row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

import sanctions.db.models  # noqa: F401  (registers the tables)
from sanctions.app import App
from sanctions.db import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    session_scope,
    upgrade,
)
from tests.factories import add_agency, seed, snapshot

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def upgraded(db_url: str) -> Iterator[Engine]:
    """An empty database migrated by Alembic's `upgrade head` itself."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["upgraded", "template-copy"])
def migrated(request: pytest.FixtureRequest, db_url: str) -> Engine:
    """Both ways a test database gets its schema: `upgrade head`, and the `db` fixture's copy
    (both on the `db_url` of the test, SQLite and PostgreSQL)."""
    engine: Engine = request.getfixturevalue("upgraded" if request.param == "upgraded" else "db")
    return engine


def test_the_head_revision_the_code_checks_for_is_alembics_head(migrated: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config(migrated)).get_current_head()
    assert head == HEAD_REVISION
    assert current_revision(migrated) == HEAD_REVISION


def test_upgrading_an_empty_database_gives_the_schema_the_models_declare(
    migrated: Engine,
) -> None:
    with migrated.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diffs == []


def test_a_restored_snapshot_has_every_row_of_its_source_and_new_rows_get_fresh_ids(
    app: App, snapshots: Snapshots
) -> None:
    def build(source: App) -> dict[str, list[tuple[Any, ...]]]:
        seed(source)
        return snapshot(source)

    rows = snapshots.restore("snapshot-check", app, build)
    assert snapshot(app) == rows and rows["agencies"]
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")  # the id sequences continue after the copied ids
    assert len(snapshot(app)["agencies"]) == len(rows["agencies"]) + 1
