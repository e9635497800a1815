"""PostgreSQL enforces need-to-know: group roles with least-privilege grants, append-only
logs (triggers), row-level security by agency. SQLite: nothing (one office, see
docs/deployment.md).

Roles are cluster-wide, so they are created only if missing (a DO block that also survives a
concurrent creation); grants, triggers and policies belong to the schema in use
(`current_schema()`, unqualified names), so every schema of one cluster gets its own.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

GROUPS = ("sanctions_officer", "sanctions_job", "sanctions_auditor")
# What officers and the scheduled job change: a case and everything recorded with it, the
# letters and their numbering, the logs they append to, the law pins taken at first use, and
# the reference data officers keep (employees: kepegawaian; contests: bawaslu, pengawas).
WRITTEN = (
    "employees",
    "contests",
    "registry_changes",
    "cases",
    "allegations",
    "case_events",
    "deadlines",
    "deadline_entries",
    "letters",
    "letter_sequences",
    "reminder_steps",
    "access_events",
    "law_pins",
    "log_leaves",
    "log_head",
    "checkpoints",
)
# Only ever appended to (the owner alone may change or remove a row; sealing a new event with
# its hash once, and the Merkle head growing, are the only updates others may make).
APPEND_ONLY = (
    "case_events",
    "log_leaves",
    "log_head",
    "checkpoints",
    "access_events",
    "registry_changes",
)
# Rows a database user sees only for the agencies they hold a role for (role_grants).
BY_CASE = (
    "allegations",
    "case_events",
    "deadlines",
    "deadline_entries",
    "letters",
    "reminder_steps",
)
# Who a row says did it: an officer may write only their own name there.
OWN_NAME = (("case_events", "actor"), ("letters", "issued_by"))

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION sanctions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    owner_name name;
BEGIN
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = TG_RELID;
    IF pg_has_role(current_user, owner_name, 'MEMBER') THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'case_events'
       AND to_jsonb(OLD) ->> 'hash' IS NULL
       AND to_jsonb(NEW) - 'prev_hash' - 'hash' = to_jsonb(OLD) - 'prev_hash' - 'hash' THEN
        RETURN NEW;  -- a new event sealed with its hash, once
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'log_head'
       AND (to_jsonb(NEW) ->> 'id') = (to_jsonb(OLD) ->> 'id')
       AND (to_jsonb(NEW) ->> 'size')::bigint >= (to_jsonb(OLD) ->> 'size')::bigint THEN
        RETURN NEW;  -- the Merkle log grows
    END IF;
    RAISE EXCEPTION '% on %.% refused: the table is append-only (only its owner % may change it)',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, owner_name
        USING ERRCODE = 'insufficient_privilege';
END
$fn$
"""

# A database user sees a case if they hold a role for its agency (or for all agencies).
CASE_VISIBLE = (
    "EXISTS (SELECT 1 FROM role_grants g WHERE g.username = current_user"
    " AND (g.agency_id IS NULL OR g.agency_id = cases.agency_id))"
)


def _is_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _is_postgresql():
        return
    for group in GROUPS:
        op.execute(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN "
            f"CREATE ROLE {group} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    groups = ", ".join(GROUPS)
    written = ", ".join(WRITTEN)
    op.execute(
        "DO $$ BEGIN "
        f"EXECUTE format('GRANT USAGE ON SCHEMA %I TO {groups}', current_schema()); "
        f"EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO {groups}', current_schema()); "
        "EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I "
        "TO sanctions_officer, sanctions_job', current_schema()); "
        "END $$"
    )
    op.execute(f"GRANT INSERT, UPDATE ON {written} TO sanctions_officer, sanctions_job")
    op.execute(APPEND_ONLY_FUNCTION)
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION sanctions_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sanctions_append_only()"
        )
    # Row-level security: enabled, not forced, so the owner (the application's own
    # connection, migrations) is not filtered. Officers and the auditor see the rows of their
    # agencies; the scheduled job works across agencies.
    op.execute("ALTER TABLE cases ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY cases_by_agency ON cases TO sanctions_officer, sanctions_auditor "
        f"USING ({CASE_VISIBLE}) WITH CHECK ({CASE_VISIBLE})"
    )
    op.execute("CREATE POLICY cases_job ON cases TO sanctions_job USING (true) WITH CHECK (true)")
    for table in BY_CASE:
        visible = f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {table}.case_id)"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_by_case ON {table} TO sanctions_officer, sanctions_auditor, "
            f"sanctions_job USING ({visible}) WITH CHECK ({visible})"
        )
    # An officer records events and issues letters in their own name only.
    for table, column in OWN_NAME:
        op.execute(
            f"CREATE POLICY {table}_own_name ON {table} AS RESTRICTIVE FOR INSERT "
            f"TO sanctions_officer WITH CHECK ({column} = current_user)"
        )


def downgrade() -> None:
    if not _is_postgresql():
        return
    for table, _ in OWN_NAME:
        op.execute(f"DROP POLICY {table}_own_name ON {table}")
    for table in BY_CASE:
        op.execute(f"DROP POLICY {table}_by_case ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP POLICY cases_job ON cases")
    op.execute("DROP POLICY cases_by_agency ON cases")
    op.execute("ALTER TABLE cases DISABLE ROW LEVEL SECURITY")
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP FUNCTION sanctions_append_only()")
    groups = ", ".join(GROUPS)
    # The roles stay: they are the cluster's, and other schemas may use them.
    op.execute(
        "DO $$ BEGIN "
        f"EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {groups}', current_schema()); "
        "EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM "
        f"{groups}', current_schema()); "
        f"EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {groups}', current_schema()); "
        "END $$"
    )
