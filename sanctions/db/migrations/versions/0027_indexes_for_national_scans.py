"""indexes for the overdue list and the desk over a national database

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01

`ix_deadlines_late` (closed_seq, direction, due_date, case_id): the open deadlines already
past due, whatever their `on_miss`, are one range of it, and the case ids come from the index
itself (`report overdue` asks which cases have one). `ix_cases_agency_state` (agency_id,
state): an agency's cases in their states (the desk of an officer of one agency).
`ix_cases_report` (agency_id, reported_on, state, workflow_version, act_date, id): every
column the reports read of a case but the jabatan, so a report's pass over the cases can be
an index-only scan instead of reading the wide rows (snapshot, facts).
`ix_case_events_trigger` (trigger, case_id) and `ix_case_events_on` (on, case_id): the
corrections (`koreksi`) and the steps dated after a report's date, found without reading
every event: only their cases' steps are read (sanctions/reports/queries.py). Plain
composite indexes, like `ix_deadlines_open`: `closed_seq IS NULL` leads, so the open rows are
one range, and the models declare them without dialect options.

On PostgreSQL, `st_deadlines_open` (multi-column MCV statistics on closed_seq, on_miss,
due_date): the planner otherwise takes the three conditions of the overdue scan as
independent and expects a quarter of all deadlines (most closed deadlines are old, most
open ones are not due yet), and then hashes the whole cases table instead of looking up the
few cases of the late deadlines. Statistics are not schema the models describe.
"""

from __future__ import annotations

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deadlines_late", ["closed_seq", "direction", "due_date", "case_id"]
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_agency_state", ["agency_id", "state"])
        batch_op.create_index(
            "ix_cases_report",
            ["agency_id", "reported_on", "state", "workflow_version", "act_date", "id"],
        )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index("ix_case_events_trigger", ["trigger", "case_id"])
        batch_op.create_index("ix_case_events_on", ["on", "case_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS st_deadlines_open (mcv, dependencies) "
            "ON closed_seq, on_miss, due_date FROM deadlines"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_deadlines_open")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_on")
        batch_op.drop_index("ix_case_events_trigger")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_report")
        batch_op.drop_index("ix_cases_agency_state")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_late")
