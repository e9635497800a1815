"""the jabatan and position type on the case, for the reports over a national database

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-01

`cases.position` and `cases.position_type`: the employee snapshot's jabatan and position type
(what `report positions` and `report violations` group by) as columns, copied by the write
path when a case opens (`sanctions.cases.changes.report_columns`) and here from the snapshots
of the cases already written. Reading them out of each case's JSON snapshot made those two
reports parse a million documents and read a million wide rows (docs/performance.md).
`ix_cases_report` gains both, so a report's pass over the cases stays an index-only scan.
The server default '' is for rows written by hand; the write path always gives the values.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0027"
branch_labels = None
depends_on = None

_REPORT = ["agency_id", "reported_on", "state", "workflow_version", "act_date", "id"]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("position", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("position_type", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.drop_index("ix_cases_report")
    if op.get_bind().dialect.name == "postgresql":
        field = "employee_snapshot ->> '{}'"
    else:
        field = "json_extract(employee_snapshot, '$.{}')"
    # as `report_columns` copies them: the snapshot's value as text, '' when absent or empty
    op.execute(
        f"UPDATE cases SET position = COALESCE(CAST({field.format('position')} AS TEXT), ''), "
        f"position_type = COALESCE(CAST({field.format('position_type')} AS TEXT), '') "
        "WHERE employee_snapshot IS NOT NULL"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_report", [*_REPORT, "position", "position_type"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_report")
        batch_op.drop_column("position_type")
        batch_op.drop_column("position")
        batch_op.create_index("ix_cases_report", _REPORT)
