"""registry changes: who changed which reference value when

Revision ID: 0013
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old", sa.String(length=500), nullable=True),
        sa.Column("new", sa.String(length=500), nullable=True),
        sa.Column("holds_from", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_changes_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registry_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_changes_key"))
    op.drop_table("registry_changes")
