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
* nothing may still be in a transaction on it (a child process a test left behind holding a
  lock on one of its tables): then, or when emptying it does not get its locks within a bounded
  wait, it is dropped instead.

Each pytest-xdist worker has its own pool (a module-level list), so no two tests ever share a
schema at the same time. What is left in the pools is dropped at the end of the session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import psycopg

# The shape of a schema, as one digest: the identity and version (xmin: the transaction that
# last wrote it) of every catalogue row describing the schema and what is in it. Any DDL (a
# table, column, default, constraint, index, view, trigger enabled or disabled, row-level
# security switched or a policy changed, a function, an owner, a grant) writes new versions of
# those rows, so the digest changes; rows and statistics do not (VACUUM and ANALYZE update the
# catalogue in place). Reading versions instead of deparsing definitions keeps it cheap.
FINGERPRINT = """
WITH rel AS (SELECT oid FROM pg_class WHERE relnamespace = %(schema)s::regnamespace)
SELECT md5(coalesce(string_agg(item, ' ' ORDER BY item), ''))
FROM (
    SELECT 'c' || oid::text || ':' || xmin::text FROM pg_class
    WHERE relnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'a' || attrelid::text || '.' || attnum::text || ':' || xmin::text FROM pg_attribute
    WHERE attrelid IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 'd' || oid::text || ':' || xmin::text FROM pg_attrdef
    WHERE adrelid IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 'k' || oid::text || ':' || xmin::text FROM pg_constraint
    WHERE connamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'i' || indexrelid::text || ':' || xmin::text FROM pg_index
    WHERE indrelid IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 't' || oid::text || ':' || xmin::text FROM pg_trigger
    WHERE tgrelid IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 'p' || oid::text || ':' || xmin::text FROM pg_policy
    WHERE polrelid IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 'r' || oid::text || ':' || xmin::text FROM pg_rewrite
    WHERE ev_class IN (SELECT oid FROM rel)
  UNION ALL
    SELECT 'f' || oid::text || ':' || xmin::text FROM pg_proc
    WHERE pronamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'y' || oid::text || ':' || xmin::text FROM pg_type
    WHERE typnamespace = %(schema)s::regnamespace
  UNION ALL
    SELECT 'n' || oid::text || ':' || xmin::text FROM pg_namespace
    WHERE oid = %(schema)s::regnamespace
  UNION ALL
    SELECT 'g' || oid::text || ':' || xmin::text FROM pg_default_acl
    WHERE defaclnamespace = %(schema)s::regnamespace
) AS shape (item)
"""

TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

# Every sequence back to its start, as in a new schema (nextval gives the start value).
RESTART_SEQUENCES = """
SELECT setval(s.seqrelid, s.seqstart, false)
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
WHERE c.relnamespace = %(schema)s::regnamespace
"""

# Another backend holding a lock on one of the schema's tables (still in a transaction there).
IN_USE = """
SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE c.relnamespace = %(schema)s::regnamespace AND l.pid <> pg_backend_pid()
LIMIT 1
"""

Connection = psycopg.Connection[tuple[object, ...]]


@dataclass
class Built:
    """A migrated schema and what it looked like when it was built."""

    schema: str
    fingerprint: str
    tables: tuple[str, ...]
    version: tuple[str, ...]  # alembic_version's rows


@dataclass
class Pool:
    """One worker's migrated schemas not in use, and those lent to a running test."""

    free: list[Built] = field(default_factory=list)
    lent: dict[str, Built] = field(default_factory=dict)
    server: Mapping[str, object] | None = None
    # One connection a worker keeps for the pool's own queries: the server's catalogue caches
    # stay warm in its backend (a new connection's first look at the catalogue costs ~5x).
    _conn: Connection | None = None

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
            built = _describe(self._connection(), schema)
        self.lent[built.schema] = built
        return built.schema

    def is_lent(self, schema: str) -> bool:
        return schema in self.lent

    def give_back(self, schema: str) -> bool:
        """Empty `schema` and keep it for the next test; False when it must be dropped.

        One statement, one round trip: a `DO` block that checks the fingerprint and that no
        other backend holds a lock on the schema (raising when either fails), then empties it
        and puts its version row and sequences back, in one transaction."""
        built = self.lent.pop(schema)
        try:
            self._connection().execute(_emptying(built))
        except psycopg.errors.RaiseException:
            return False  # changed, or still in use: dropped by the caller
        except psycopg.Error:
            self.close()
            return False
        self.free.append(built)
        return True

    def drain(self) -> list[str]:
        """The schemas left in the pool (to drop at the end of the session); closes its
        connection."""
        schemas = [built.schema for built in self.free]
        self.free.clear()
        self.close()
        return schemas

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def _connection(self) -> Connection:
        assert self.server is not None
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.server)
        return self._conn


def connect(server: Mapping[str, object]) -> Connection:
    """An autocommit connection for the pool's own statements, committing without waiting for
    the WAL flush (as the tests' own connections do: see tests/conftest.py's `pg_url`)."""
    return psycopg.connect(**server, autocommit=True, options="-csynchronous_commit=off")  # type: ignore[arg-type]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _emptying(built: Built) -> bytes:
    """The `DO` block that empties `built`'s schema if it is as built and not in use."""
    schema = _quoted(built.schema)
    fingerprint = FINGERPRINT.replace("%(schema)s", schema)
    in_use = IN_USE.replace("%(schema)s", schema)
    restart = RESTART_SEQUENCES.replace("%(schema)s", schema)
    deletes = "".join(f'DELETE FROM "{built.schema}"."{table}";\n' for table in built.tables)
    versions = "".join(
        f'INSERT INTO "{built.schema}".alembic_version (version_num) VALUES ({_quoted(v)});\n'
        for v in built.version
    )
    return f"""DO $pool$
BEGIN
IF ({fingerprint}) IS DISTINCT FROM {_quoted(built.fingerprint)} THEN
    RAISE EXCEPTION 'schema % changed', {schema};
END IF;
IF EXISTS ({in_use}) THEN
    RAISE EXCEPTION 'schema % in use', {schema};
END IF;
PERFORM set_config('lock_timeout', '5s', true);
PERFORM set_config('session_replication_role', 'replica', true);
{deletes}{versions}{restart.strip().replace("SELECT", "PERFORM", 1)};
END
$pool$""".encode()


def _fingerprint(conn: Connection, schema: str) -> str:
    row = conn.execute(FINGERPRINT, {"schema": schema}).fetchone()
    assert row is not None
    return str(row[0])


def _describe(conn: Connection, schema: str) -> Built:
    conn.execute(f"SET search_path TO {schema}")
    tables = tuple(str(r[0]) for r in conn.execute(TABLES, {"schema": schema}))
    version: tuple[str, ...] = ()
    if "alembic_version" in tables:
        version = tuple(str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version"))
    return Built(schema, _fingerprint(conn, schema), tables, version)


def drop(server: Mapping[str, object], schemas: list[str]) -> None:
    """Drop `schemas` (a throwaway server may be gone already, and they with it)."""
    if not schemas:
        return
    with contextlib.suppress(psycopg.OperationalError), connect(server) as conn:
        for schema in schemas:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


POOL = Pool()
