"""the follow-up facts on the case: recommended, due, left, acted

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02

`cases.recommended_on` (the first standing step into direkomendasikan), `follow_up_due` (the
due date of the case's first tindak_lanjut_ppk deadline opened there), `follow_up_left_on`
(the first standing step after the recommendation that ends the follow-up) and
`follow_up_acted` (that step is the PPK's act, not moot): NULL while not yet. The write path
keeps them (`sanctions.cases.follow_up`); `report followup` reads them through
`ix_cases_follow_up` instead of deriving them from every case's events (9.65 s over 1,000,000
cases, docs/performance.md). Here they are filled for the cases already written, in one
UPDATE, by the declared follow-up law (which states end the follow-up, which steps are the
PPK's act, per workflow version), which `sanctions db upgrade` gives this migration as data
(`config.attributes["follow_up"]`): a migration imports no package code. A database with a
recommended case is refused without it. Run `VACUUM (ANALYZE) cases` after it on a large
database (the index-only scans of the reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

_RECOMMENDED = "direkomendasikan"  # sanctions.law.names.RECOMMENDED_STATE
_DEADLINE = "tindak_lanjut_ppk"  # sanctions.law.names.FOLLOW_UP_DEADLINE
_CORRECTION = "koreksi"  # sanctions.cases.changes.CORRECTION_TRIGGER (voids: its input)
_INDEX = [
    "recommended_on",
    "agency_id",
    "reported_on",
    "follow_up_due",
    "follow_up_left_on",
    "follow_up_acted",
]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_acted", sa.Boolean(), nullable=True))
    bind = op.get_bind()
    config = op.get_context().config
    laws: Mapping[str, Any] | None = None if config is None else config.attributes.get("follow_up")
    if laws is None:
        recommended = bind.execute(
            sa.text("SELECT 1 FROM case_events WHERE dest = :s LIMIT 1"), {"s": _RECOMMENDED}
        ).first()
        if recommended is not None:
            raise RuntimeError(
                "migration 0029 fills the cases' follow-up columns by the declared law: run "
                "it with `sanctions db upgrade`"
            )
        laws = {}
    op.execute(_backfill(bind.dialect.name, laws))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_follow_up", _INDEX)


def _quoted(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _listed(names: Any) -> str:
    return ", ".join(_quoted(n) for n in names) or "NULL"


def _backfill(dialect: str, laws: Mapping[str, Any]) -> str:
    """One UPDATE of every case with a recommendation or a follow-up deadline, as
    `sanctions.cases.follow_up.derive` gives the facts from the steps."""
    if dialect == "postgresql":
        voids = "CAST(NULLIF(e.inputs ->> 'voids', '') AS INTEGER)"
    else:
        voids = "CAST(NULLIF(json_extract(e.inputs, '$.voids'), '') AS INTEGER)"
    ends = " OR ".join(
        f"(c.workflow_version = {_quoted(v)} AND s.source IN ({_listed(law['states'])}) "
        f"AND s.dest NOT IN ({_listed(law['states'])}))"
        for v, law in sorted(laws.items())
        if law["states"]
    )
    acts = " OR ".join(
        f"(c.workflow_version = {_quoted(v)} AND le.source = {_quoted(source)} "
        f'AND le."trigger" = {_quoted(trigger)})'
        for v, law in sorted(laws.items())
        for source, trigger in law["governed"]
    )
    fix = _quoted(_CORRECTION)
    return f"""
WITH voided AS (
    SELECT e.case_id, {voids} AS seq FROM case_events e WHERE e."trigger" = {fix}
), steps AS (
    SELECT e.case_id, e.seq, e.source, e.dest FROM case_events e
    WHERE (
        (e."trigger" <> {fix} AND (e.source IS NULL OR e.source <> e.dest))
        OR (e."trigger" = {fix} AND COALESCE({voids}, 0) = 0)
    ) AND NOT EXISTS (SELECT 1 FROM voided v WHERE v.case_id = e.case_id AND v.seq = e.seq)
), entered AS (
    SELECT case_id, MIN(seq) AS seq FROM steps WHERE dest = {_quoted(_RECOMMENDED)}
    GROUP BY case_id
), left_at AS (
    SELECT s.case_id, MIN(s.seq) AS seq FROM steps s
    JOIN entered n ON n.case_id = s.case_id AND s.seq > n.seq
    JOIN cases c ON c.id = s.case_id
    WHERE {ends or "1 = 0"}
    GROUP BY s.case_id
), first_due AS (
    SELECT d.case_id, d.due_date FROM deadlines d WHERE d.id IN (
        SELECT MIN(id) FROM deadlines
        WHERE name = {_quoted(_DEADLINE)} AND state = {_quoted(_RECOMMENDED)}
        GROUP BY case_id
    )
), facts AS (
    SELECT c.id AS case_id, ee."on" AS recommended_on, fd.due_date AS due, le."on" AS left_on,
        CASE WHEN le.seq IS NULL THEN NULL WHEN {acts or "1 = 0"} THEN TRUE ELSE FALSE END
            AS acted
    FROM cases c
    LEFT JOIN entered n ON n.case_id = c.id
    LEFT JOIN case_events ee ON ee.case_id = n.case_id AND ee.seq = n.seq
    LEFT JOIN left_at l ON l.case_id = c.id
    LEFT JOIN case_events le ON le.case_id = l.case_id AND le.seq = l.seq
    LEFT JOIN first_due fd ON fd.case_id = c.id
    WHERE n.case_id IS NOT NULL OR fd.case_id IS NOT NULL
)
UPDATE cases SET recommended_on = facts.recommended_on, follow_up_due = facts.due,
    follow_up_left_on = facts.left_on, follow_up_acted = facts.acted
FROM facts WHERE facts.case_id = cases.id
"""


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_follow_up")
        for name in ("follow_up_acted", "follow_up_left_on", "follow_up_due", "recommended_on"):
            batch_op.drop_column(name)
