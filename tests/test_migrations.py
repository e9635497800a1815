"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import sanctions.db.models  # noqa: F401  (registers the tables)
from sanctions.db import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    session_scope,
    upgrade,
)
from sanctions.trust.audit import verify


def test_the_head_revision_the_code_checks_for_is_alembics_head(db: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head == HEAD_REVISION
    assert current_revision(db) == HEAD_REVISION


def test_upgrading_an_empty_database_gives_the_schema_the_models_declare(db: Engine) -> None:
    with db.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diffs == []


def test_migration_0005_seals_older_events_as_the_chain_verifies_them(db_url: str) -> None:
    """The migration carries its own frozen copy of the hash; it must agree with the chain
    `audit verify` checks, for events (and their letters) written before it ran."""
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0004")
        with engine.begin() as c:
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
            c.execute(text("INSERT INTO contests (code, name, kind, region) VALUES "
                           "('C', 'C', 'pilkada', '')"))  # fmt: skip
            c.execute(
                text(
                    "INSERT INTO cases (reference, agency_id, employee_id, contest_id, "
                    "workflow_version, state, version, reported_on, act_date, "
                    "employee_snapshot, facts, opened_by, opened_at) VALUES ('NET-1', 1, 1, 1, "
                    "'bkn-2024', 'kajian_bawaslu', 2, '2024-10-07', '2024-10-03', '{}', '{}', "
                    "'x', '2026-11-25 09:00:00')"
                )
            )
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
