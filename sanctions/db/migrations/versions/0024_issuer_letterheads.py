"""issuer letterheads: the lambang and the emblem registered per issuer (SHA-256 of the image
in the letter store) and the regional head's own number series

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("emblem_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("head_pattern", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("head_pattern")
        batch_op.drop_column("emblem_sha256")
        batch_op.drop_column("logo_sha256")
