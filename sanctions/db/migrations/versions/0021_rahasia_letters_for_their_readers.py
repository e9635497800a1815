"""Rahasia letter content only for the declared readers, enforced by PostgreSQL.

Each letter records, at issue time, the roles its workflow lets read it when it is Rahasia
(`letters.readers`, from `rules.confidential_readers`; empty for a Biasa letter). On
PostgreSQL restrictive row-level security policies let an officer, the auditor or the
scheduled job SELECT (or UPDATE) a Rahasia letter row (its context: everything the letter
says) only when they hold, for the case's agency or for all agencies, one of its readers'
roles or admin; and
the view `letters_public` gives every database user who holds a role for the agency the
letter's public metadata (issuer, number, date, kind, sifat, pages, the file's and the
content's hash: what the verification page answers, sanctions/letters/public.py) and nothing
of its content. The owner (the application's own connection, migrations) is not filtered, as in
0018. SQLite: the column only (one office, docs/deployment.md).

Letters issued before this revision are Rahasia without recorded readers: they get the readers
the shipped workflows declared when it was written (workflows/netralitas-skb-2022.yaml,
`rules.confidential_readers`, inherited by bkn-2024 and menpanrb-2024).

Revision ID: 0021
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None

# rules.confidential_readers of the shipped workflows when this revision was written.
DECLARED_READERS = (
    "admin", "kepegawaian", "pejabat", "atasan", "tim_pemeriksa", "majelis", "atasan_pejabat",
)  # fmt: skip
GROUPS = "sanctions_officer, sanctions_auditor, sanctions_job"

# The row is readable when it is not Rahasia, or the database user holds admin or one of the
# letter's readers for the case's agency (or for all agencies).
READER = (
    "NOT letters.confidential OR EXISTS (SELECT 1 FROM role_grants g JOIN cases c"
    " ON c.id = letters.case_id WHERE g.username = current_user"
    " AND (g.agency_id IS NULL OR g.agency_id = c.agency_id)"
    " AND (g.role = 'admin' OR COALESCE(letters.readers::jsonb, '[]'::jsonb) ? g.role))"
)
# What anyone with a role for the agency may see of a letter: never its context. The view
# runs with its owner's rights (the rows are not filtered by the policy above), so it applies
# the agency condition itself; the scheduled job sees every agency, as on `cases`.
PUBLIC_VIEW = """
CREATE VIEW letters_public WITH (security_barrier) AS
SELECT l.id, l.case_id, l.event_seq, l.agency_id, a.code AS issuer, a.name AS issuer_name,
       l.kind, l.title, l.number, l.issued_on,
       CASE WHEN l.confidential THEN 'Rahasia'
            ELSE l.context::jsonb -> 'doc' ->> 'sifat' END AS sifat,
       l.confidential, l.pages, l.signed, l.sha256, l.content_hash
FROM letters l
JOIN agencies a ON a.id = l.agency_id
JOIN cases c ON c.id = l.case_id
WHERE pg_has_role(current_user, 'sanctions_job', 'MEMBER')
   OR EXISTS (SELECT 1 FROM role_grants g WHERE g.username = current_user
              AND (g.agency_id IS NULL OR g.agency_id = c.agency_id))
"""


def _is_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("readers", sa.JSON(), nullable=True))
    letters = sa.table(
        "letters", sa.column("confidential", sa.Boolean()), sa.column("readers", sa.JSON())
    )
    op.execute(
        letters.update()
        .where(letters.c.confidential.is_(True))
        .values(readers=list(DECLARED_READERS))
    )
    if not _is_postgresql():
        return
    op.execute(
        f"CREATE POLICY letters_rahasia_readers ON letters AS RESTRICTIVE FOR SELECT "
        f"TO {GROUPS} USING ({READER})"
    )
    # Nor may anyone else change a Rahasia row (an UPDATE that reads nothing would not meet
    # the SELECT policy): not its readers, not its sifat.
    op.execute(
        f"CREATE POLICY letters_rahasia_writers ON letters AS RESTRICTIVE FOR UPDATE "
        f"TO {GROUPS} USING ({READER}) WITH CHECK ({READER})"
    )
    op.execute(PUBLIC_VIEW)
    op.execute(f"GRANT SELECT ON letters_public TO {GROUPS}")


def downgrade() -> None:
    if _is_postgresql():
        op.execute("DROP VIEW letters_public")
        op.execute("DROP POLICY letters_rahasia_writers ON letters")
        op.execute("DROP POLICY letters_rahasia_readers ON letters")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("readers")
