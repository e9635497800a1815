"""the agenda-book rule: each register's last date, and reserved numbers (nomor cadangan)

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_sequences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_date", sa.Date(), nullable=True))
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "register_order", sa.String(length=10), nullable=False, server_default="agenda"
            )
        )
    # the registers kept so far: their last date is that of the latest letter they numbered
    op.execute(
        "UPDATE letter_sequences SET last_date = (SELECT max(letters.issued_on) FROM letters "
        "WHERE letters.agency_id = letter_sequences.agency_id "
        "AND letters.series = letter_sequences.series AND letters.year = letter_sequences.year)"
    )
    op.create_table(
        "letter_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("for_date", sa.Date(), nullable=False),
        sa.Column("reserved_by", sa.String(length=80), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "series", "year", "seq"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # as 0018 grants the other written tables (its roles exist once 0018 ran)
        op.execute("GRANT SELECT ON letter_reservations TO sanctions_officer, sanctions_job, "
                   "sanctions_auditor")  # fmt: skip
        op.execute("GRANT INSERT, UPDATE ON letter_reservations TO sanctions_officer, "
                   "sanctions_job")  # fmt: skip
        op.execute("GRANT USAGE, SELECT ON SEQUENCE letter_reservations_id_seq TO "
                   "sanctions_officer, sanctions_job")  # fmt: skip


def downgrade() -> None:
    op.drop_table("letter_reservations")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("register_order")
    with op.batch_alter_table("letter_sequences", schema=None) as batch_op:
        batch_op.drop_column("last_date")
