"""reminder steps of the escalation job

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:25:18.183836
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_reminder_steps_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["deadline_id"], ["deadlines.id"], name="fk_reminder_steps_deadline_id_deadlines"
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name="fk_reminder_steps_letter_id_letters"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_steps"),
        sa.UniqueConstraint("deadline_id", "step_key", name="uq_reminder_steps_deadline_step"),
    )
    with op.batch_alter_table("reminder_steps", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_steps_case_id", ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_steps_case_id")
    op.drop_table("reminder_steps")
