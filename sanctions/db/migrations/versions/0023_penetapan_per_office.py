"""a contest's penetapan calon date per office contested (a Pemilu has several)

The existing `candidate_determination_date` stays: it is the contest's default date, used for
every office that has no date of its own (so a contest registered with one date keeps working
unchanged). `penetapan_by_office` maps an office (workflow rule `contest_offices`) to its ISO
date; NULL or empty means none of its own.

Revision ID: 0023
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("penetapan_by_office", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("penetapan_by_office")
