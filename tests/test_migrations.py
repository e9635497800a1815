"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

import sanctions.db.models  # noqa: F401  (registers the tables)
from sanctions.db import HEAD_REVISION, alembic_config, current_revision


def test_the_head_revision_the_code_checks_for_is_alembics_head(db: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head == HEAD_REVISION
    assert current_revision(db) == HEAD_REVISION


def test_upgrading_an_empty_database_gives_the_schema_the_models_declare(db: Engine) -> None:
    with db.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diffs == []
