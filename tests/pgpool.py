"""Migrated PostgreSQL schemas used again, test after test, instead of built and dropped.

Building a test's schema (replaying the ~125 statements of `upgrade head`) and dropping it
afterwards cost about 0.3 s a test on a quiet 2-core machine and 0.8 s on a loaded one, most of
it the server's catalogue writes. Emptying the same schema's tables costs a tenth of that. So a
test that asks for a migrated database takes a schema from its worker's pool (or builds one
when the pool is empty), and when the test is over the schema is emptied and put back, but
only when it is exactly as it was built:

* its structure (tables, columns and defaults, constraints, indexes, views, triggers and
  whether they are enabled, row-level security and its policies, functions, owners and every
  grant) has the same fingerprint as when it was built; a test that changed any of them (a red
  team test disabling a trigger, a grant to a reader's own database user) leaves a schema
  that is dropped, never reused;
* its rows are deleted with triggers off (`session_replication_role = replica`: the
  append-only triggers refuse a DELETE, and the foreign keys' order does not matter), the
  `alembic_version` row a migrated schema has is written back, and every sequence is reset,
  so the next test sees ids from 1 as in a fresh schema;
* nothing may still hold a lock on it (a child process a test left behind): after a bounded
  wait it is dropped instead.

Each pytest-xdist worker has its own pool (a module-level list), so no two tests ever share a
schema at the same time. What is left in the pools is dropped at the end of the session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psycopg

# The shape of a schema, as one digest: everything a test could change that the next test
# would notice. Names are printed unqualified (the connection's search_path is the schema).
FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), ''))
FROM (
    SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || c.relowner::regrole::text || ' '
           || coalesce(c.relacl::text, '') || ' ' || c.relrowsecurity::text || ' '
           || c.relforcerowsecurity::text || ' '
           || CASE WHEN c.relkind IN ('v', 'm') THEN md5(pg_get_viewdef(c.oid)) ELSE '' END
    FROM pg_class c WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'col ' || c.relname || '.' || a.attname || ' ' || a.atttypid::regtype::text || ' '
           || a.attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
           || ' ' || coalesce(a.attacl::text, '')
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = %(schema)s::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
    SELECT 'con ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'idx ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'trg ' || c.relname || '.' || t.tgname || ' ' || t.tgenabled::text || ' '
           || pg_get_triggerdef(t.oid)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'pol ' || c.relname || '.' || p.polname || ' ' || p.polcmd::text || ' '
           || p.polpermissive::text || ' ' || p.polroles::text || ' '
           || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' '
           || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'fn ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc) || ' '
           || p.proowner::regrole::text || ' ' || coalesce(p.proacl::text, '') || ' '
           || p.prosecdef::text || ' ' || coalesce(p.proconfig::text, '')
    FROM pg_proc p WHERE p.pronamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'nsp ' || n.nspowner::regrole::text || ' ' || coalesce(n.nspacl::text, '')
    FROM pg_namespace n WHERE n.oid = %(schema)s::regnamespace
  UNION ALL
    SELECT 'dacl ' || d.defaclrole::regrole::text || ' ' || d.defaclobjtype::text || ' '
           || d.defaclacl::text
    FROM pg_default_acl d WHERE d.defaclnamespace = %(schema)s::regnamespace
) AS shape (item)
"""

TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

SEQUENCES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'S'
ORDER BY c.relname
"""


@dataclass
class Built:
    """A migrated schema and what it looked like when it was built."""

    schema: str
    fingerprint: str
    tables: tuple[str, ...]
    sequences: tuple[str, ...]
    version: tuple[str, ...]  # alembic_version's rows


@dataclass
class Pool:
    """One worker's migrated schemas not in use, and those lent to a running test."""

    free: list[Built] = field(default_factory=list)
    lent: dict[str, Built] = field(default_factory=dict)
    server: Mapping[str, object] | None = None

    def take(
        self,
        server: Mapping[str, object],
        create: Callable[[], str],
        migrate: Callable[[str], None],
    ) -> str:
        """A migrated, empty schema: one from the pool, or a new one `create`d and `migrate`d."""
        self.server = server
        if self.free:
            built = self.free.pop()
        else:
            schema = create()
            migrate(schema)
            built = _describe(server, schema)
        self.lent[built.schema] = built
        return built.schema

    def is_lent(self, schema: str) -> bool:
        return schema in self.lent

    def give_back(self, schema: str) -> bool:
        """Empty `schema` and keep it for the next test; False when it must be dropped."""
        built = self.lent.pop(schema)
        assert self.server is not None
        try:
            with _connect(self.server, schema) as conn:
                conn.execute("SET lock_timeout = '5s'")
                if _fingerprint(conn, schema) != built.fingerprint:
                    return False
                with conn.transaction():
                    conn.execute("SET LOCAL session_replication_role = replica")
                    for table in built.tables:
                        conn.execute(f'DELETE FROM "{table}"')
                    for version in built.version:
                        conn.execute(
                            "INSERT INTO alembic_version (version_num) VALUES (%s)", (version,)
                        )
                    for sequence in built.sequences:
                        conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
        except psycopg.Error:
            return False
        self.free.append(built)
        return True

    def drain(self) -> list[str]:
        """The schemas left in the pool (to drop at the end of the session)."""
        schemas = [built.schema for built in self.free]
        self.free.clear()
        return schemas


def _connect(server: Mapping[str, object], schema: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        **server,  # type: ignore[arg-type]
        options=f"-csearch_path={schema}",
        autocommit=True,
    )


def _fingerprint(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> str:
    row = conn.execute(FINGERPRINT, {"schema": schema}).fetchone()
    assert row is not None
    return str(row[0])


def _describe(server: Mapping[str, object], schema: str) -> Built:
    with _connect(server, schema) as conn:
        tables = tuple(str(r[0]) for r in conn.execute(TABLES, {"schema": schema}))
        sequences = tuple(str(r[0]) for r in conn.execute(SEQUENCES, {"schema": schema}))
        version: tuple[str, ...] = ()
        if "alembic_version" in tables:
            version = tuple(
                str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")
            )
        return Built(schema, _fingerprint(conn, schema), tables, sequences, version)


def drop(server: Mapping[str, object], schemas: list[str]) -> None:
    """Drop `schemas` (a throwaway server may be gone already, and they with it)."""
    if not schemas:
        return
    with (
        contextlib.suppress(psycopg.OperationalError),
        psycopg.connect(**server, autocommit=True) as conn,  # type: ignore[arg-type]
    ):
        for schema in schemas:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


POOL = Pool()
