"""deadline ledger: extensions and suspensions of a deadline

Revision ID: 0011
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deadline_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deadline_entries_deadline_id"), ["deadline_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deadline_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_entries_deadline_id"))
    op.drop_table("deadline_entries")
