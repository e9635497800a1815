"""law pins, the append-only Merkle log and its signed checkpoints

Revision ID: 0014
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "law_pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pinned_by", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "sha256"),
    )
    with op.batch_alter_table("law_pins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_law_pins_name"), ["name"], unique=False)
    op.create_table(
        "log_leaves",
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("idx"),
    )
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_leaves_ref"), ["ref"], unique=False)
    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("signed_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("log_head")
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_leaves_ref"))
    op.drop_table("log_leaves")
    with op.batch_alter_table("law_pins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_law_pins_name"))
    op.drop_table("law_pins")
