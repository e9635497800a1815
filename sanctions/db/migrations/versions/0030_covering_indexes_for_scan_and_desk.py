"""covering indexes for the overdue scan and the desk

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02

The overdue scan (`deadlines.reminders.overdue_query`) read 10,000 late deadlines and their
10,000 cases over 1,000,000 cases from the tables' heaps, one page each (about 28,000 pages,
143 ms of the server's time; docs/performance.md). `ix_deadlines_open` now carries every
column the scan reads of a deadline (id, case_id, name, state) after its range (closed_seq,
on_miss, due_date), and `ix_cases_scan` (id, agency_id, state, version, reference) every
column it reads of a case, so both are index-only scans once VACUUM has set the visibility
map. `ix_deadlines_case_open` (case_id, closed_seq, due_date, id, name, state, direction,
unit) gives the desk each case's open deadlines without reading its closed ones from the
heap. Run `VACUUM (ANALYZE) deadlines, cases` after it on a large database.
"""

from __future__ import annotations

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_OPEN = ["closed_seq", "on_miss", "due_date"]
_OPEN_COVERING = [*_OPEN, "id", "case_id", "name", "state"]
_CASE_OPEN = ["case_id", "closed_seq", "due_date", "id", "name", "state", "direction", "unit"]
_SCAN = ["id", "agency_id", "state", "version", "reference"]


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_open")
        batch_op.create_index("ix_deadlines_open", _OPEN_COVERING)
        batch_op.create_index("ix_deadlines_case_open", _CASE_OPEN)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_scan", _SCAN)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_scan")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_case_open")
        batch_op.drop_index("ix_deadlines_open")
        batch_op.create_index("ix_deadlines_open", _OPEN)
