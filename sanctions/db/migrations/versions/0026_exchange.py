"""one installation per institution: hosted issuers, incoming letters, trusted keys, case
origins and accepted bundles (docs/exchange.md)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

NEW_TABLES = ("trusted_keys", "case_origins", "accepted_bundles")

# letters_public (0021) gains `incoming`, at its end as CREATE OR REPLACE VIEW requires: the
# verification page answers only for letters issued here (sanctions/letters/public.py).
_PUBLIC_VIEW = """
{verb} VIEW letters_public WITH (security_barrier) AS
SELECT l.id, l.case_id, l.event_seq, l.agency_id, a.code AS issuer, a.name AS issuer_name,
       l.kind, l.title, l.number, l.issued_on,
       CASE WHEN l.confidential THEN 'Rahasia'
            ELSE l.context::jsonb -> 'doc' ->> 'sifat' END AS sifat,
       l.confidential, l.pages, l.signed, l.sha256, l.content_hash{extra}
FROM letters l
JOIN agencies a ON a.id = l.agency_id
JOIN cases c ON c.id = l.case_id
WHERE pg_has_role(current_user, 'sanctions_job', 'MEMBER')
   OR EXISTS (SELECT 1 FROM role_grants g WHERE g.username = current_user
              AND (g.agency_id IS NULL OR g.agency_id = c.agency_id))
"""


def upgrade() -> None:
    # plain ALTER TABLE ... ADD COLUMN (no table rebuild: rows in other tables point at these)
    op.add_column(
        "agencies", sa.Column("hosted", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "letters", sa.Column("incoming", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("letters", sa.Column("received_on", sa.Date(), nullable=True))
    op.add_column(
        "letters",
        sa.Column("subject", sa.String(length=500), nullable=False, server_default=""),
    )
    op.create_table(
        "trusted_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("issuers", sa.JSON(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    op.create_table(
        "case_origins",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("origin_key", sa.String(length=64), nullable=False),
        sa.Column("origin_reference", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("case_id"),
        sa.UniqueConstraint("origin_key", "origin_reference"),
    )
    op.create_table(
        "accepted_bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("accepted_by", sa.String(length=80), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id"),
    )
    with op.batch_alter_table("accepted_bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accepted_bundles_case_id"), ["case_id"])
    if op.get_bind().dialect.name == "postgresql":
        # the grants of 0018 for the new tables: officers read and add, never change
        tables = ", ".join(NEW_TABLES)
        op.execute(
            f"GRANT SELECT ON {tables} TO sanctions_officer, sanctions_job, sanctions_auditor"
        )
        op.execute(f"GRANT INSERT ON {tables} TO sanctions_officer")
        op.execute(
            "GRANT USAGE, SELECT ON SEQUENCE trusted_keys_id_seq, accepted_bundles_id_seq "
            "TO sanctions_officer"
        )
        op.execute(_PUBLIC_VIEW.format(verb="CREATE OR REPLACE", extra=", l.incoming"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP VIEW letters_public")
        op.execute(_PUBLIC_VIEW.format(verb="CREATE", extra=""))
        op.execute(
            "GRANT SELECT ON letters_public TO sanctions_officer, sanctions_auditor, sanctions_job"
        )
    with op.batch_alter_table("accepted_bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accepted_bundles_case_id"))
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_column("received_on")
        batch_op.drop_column("incoming")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("hosted")
