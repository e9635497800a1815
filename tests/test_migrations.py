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
from sqlalchemy import Connection, Engine, text
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
from sanctions.trust.audit import verify
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


def _one_old_case(c: Connection) -> None:
    """An agency, an employee, a contest and case NET-1, written as a database of before
    0005 held them (the columns these tables have had since 0001)."""
    c.execute(
        text(
            "INSERT INTO agencies (code, name, parent, kind, address, phone, website, "
            "email, city, ppk_title, ppk_name, unit_code, numbering_pattern, "
            "page_number_style, e_signature) VALUES ('A', 'Agency', '', 'daerah', '', "
            "'', '', '', 'Sleman', 'Bupati', 'X', '', '{seq}', 'dash', false)"
        )
    )
    c.execute(
        text(
            "INSERT INTO employees (nip, employee_type, name, birth_date, sex, position, "
            "position_type, unit, agency_id, address, status) VALUES "
            "('198609262015051001', 'PNS', 'B', '1986-09-26', 'L', 'Guru', "
            "'fungsional', '', 1, '', 'aktif')"
        )
    )
    c.execute(
        text("INSERT INTO contests (code, name, kind, region) VALUES ('C', 'C', 'pilkada', '')")
    )
    c.execute(
        text(
            "INSERT INTO cases (reference, agency_id, employee_id, contest_id, "
            "workflow_version, state, version, reported_on, act_date, "
            "employee_snapshot, facts, opened_by, opened_at) VALUES ('NET-1', 1, 1, 1, "
            "'bkn-2024', 'kajian_bawaslu', 2, '2024-10-07', '2024-10-03', '{}', '{}', "
            "'x', '2026-11-25 09:00:00')"
        )
    )


def test_migration_0005_seals_older_events_as_the_chain_verifies_them(db_url: str) -> None:
    """The migration carries its own frozen copy of the hash; it must agree with the chain
    `audit verify` checks, for events (and their letters) written before it ran."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0004")
        with engine.begin() as c:
            _one_old_case(c)
            for seq, trigger, source, dest in (
                (1, "buka", None, "dilaporkan"),
                (2, "kaji", "dilaporkan", "kajian_bawaslu"),
            ):
                c.execute(
                    text(
                        'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, '
                        "source, dest, note, inputs, late, workflow_version) VALUES (1, :s, "
                        "'2026-11-25 09:00:00', '2024-10-07', 'x', :t, :src, :d, 'n', "
                        "'{\"a\": \"b\"}', '[]', 'bkn-2024')"
                    ),
                    {"s": seq, "t": trigger, "src": source, "d": dest},
                )
            c.execute(
                text(
                    "INSERT INTO letters (case_id, event_seq, agency_id, kind, title, series, "
                    "year, seq, number, issued_on, issued_at, issued_by, confidential, sha256, "
                    "content_hash, path, pages, signed, context) VALUES (1, 2, 1, 'k', 't', "
                    "'*', 2024, 1, '1', '2024-10-07', '2026-11-25 09:00:00', 'x', false, "
                    "'ab', 'cd', 'p', 1, false, '{}')"
                )
            )
        upgrade(engine)
        with session_scope(engine) as session:
            assert verify(session) == (1, [])
    finally:
        engine.dispose()


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


def test_migration_0025_dates_each_register_by_its_latest_letter_and_keeps_agenda_order(
    db_url: str,
) -> None:
    """A register numbered before 0025 gets the date of its latest letter (so a letter dated
    before it needs a reserved number), and every agency keeps its registers as agenda books."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0018")
        with engine.begin() as c:
            _one_old_case(c)
            for seq, on in ((1, "2024-10-21"), (2, "2024-10-09")):  # numbered out of order
                c.execute(
                    text(
                        "INSERT INTO letters (case_id, agency_id, kind, title, series, year, "
                        "seq, number, issued_on, issued_at, issued_by, confidential, sha256, "
                        "content_hash, path, pages, signed, context) VALUES (1, 1, 'k', 't', "
                        "'*', 2024, :seq, :number, :on, '2026-11-25 09:00:00', 'x', false, "
                        "'ab', 'cd', 'p', 1, false, '{}')"
                    ),
                    {"seq": seq, "number": str(seq), "on": on},
                )
            c.execute(
                text(
                    "INSERT INTO letter_sequences (agency_id, series, year, last_seq) VALUES "
                    "(1, '*', 2024, 2), (1, 'keputusan', 2024, 0)"
                )
            )
        upgrade(engine, "0025")
        with engine.begin() as c:
            rows = c.execute(
                text("SELECT series, last_date FROM letter_sequences ORDER BY series")
            ).all()
            orders = c.execute(text("SELECT register_order FROM agencies")).scalars().all()
        assert [(series, str(last)) for series, last in rows] == [
            ("*", "2024-10-21"),  # its latest date, not its last number's
            ("keputusan", "None"),
        ]
        assert orders == ["agenda"]
    finally:
        engine.dispose()
