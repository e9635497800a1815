"""issuer signers (who signs an issuer's letters, with validity dates) and the decree register

Revision ID: 0017
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuer_signers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        sa.Column("rank", sa.String(length=80), nullable=True),
        sa.Column("acting", sa.String(length=4), nullable=False),
        sa.Column("on_behalf", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("issuer_signers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuer_signers_agency_id"), ["agency_id"])
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decree_pattern", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("decree_pattern")
    with op.batch_alter_table("issuer_signers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuer_signers_agency_id"))
    op.drop_table("issuer_signers")
