"""composite index for overdue scans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_open_due")
        batch_op.create_index("ix_deadlines_open", ["closed_seq", "on_miss", "due_date"])


def downgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_open")
        batch_op.create_index(
            "ix_deadlines_open_due",
            ["due_date"],
            postgresql_where=sa.text("closed_seq IS NULL"),
            sqlite_where=sa.text("closed_seq IS NULL"),
        )
