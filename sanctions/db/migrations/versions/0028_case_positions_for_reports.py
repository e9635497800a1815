"""what the reports group by, on the case: jabatan, position type, violation codes

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01

`cases.position` and `cases.position_type`: the employee snapshot's jabatan and position type
(what `report positions` and `report violations` group by), and `cases.violation_codes`: the
distinct codes of the case's allegations, sorted and comma-separated (allegations are written
with the case and never changed). The write path fills them when a case opens
(`sanctions.cases.changes.report_columns`); here they are filled for the cases already
written, in one UPDATE. Reading the jabatan out of each case's JSON snapshot, and joining a
million allegations, made those two reports take 20-35 s over 1,000,000 cases
(docs/performance.md). `ix_cases_report` gains the three, so a report's pass over the cases
stays an index-only scan, once VACUUM (or autovacuum) has set the visibility map again after
the backfill's UPDATE: run `VACUUM (ANALYZE) cases` after this migration on a large database.
The server default '' is for rows written by hand; the write path always gives the values.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

_REPORT = ["agency_id", "reported_on", "state", "workflow_version", "act_date", "id"]
_ADDED = (("position", 200), ("position_type", 40), ("violation_codes", 400))


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name, length in _ADDED:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.drop_index("ix_cases_report")
    if op.get_bind().dialect.name == "postgresql":
        field = "employee_snapshot ->> '{}'"
        codes = (
            "SELECT string_agg(DISTINCT a.violation_code, ',' ORDER BY a.violation_code) "
            "FROM allegations a WHERE a.case_id = cases.id"
        )
    else:
        field = "json_extract(employee_snapshot, '$.{}')"
        codes = (
            "SELECT group_concat(code, ',') FROM (SELECT DISTINCT a.violation_code AS code "
            "FROM allegations a WHERE a.case_id = cases.id ORDER BY code)"
        )
    # as `report_columns` fills them: the snapshot's value as text, '' when absent or empty
    op.execute(
        f"UPDATE cases SET position = COALESCE(CAST({field.format('position')} AS TEXT), ''), "
        f"position_type = COALESCE(CAST({field.format('position_type')} AS TEXT), ''), "
        f"violation_codes = COALESCE(({codes}), '')"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_report", [*_REPORT, *(name for name, _ in _ADDED)])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_report")
        for name, _ in reversed(_ADDED):
            batch_op.drop_column(name)
        batch_op.create_index("ix_cases_report", _REPORT)
