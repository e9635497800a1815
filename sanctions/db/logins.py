"""Database logins on PostgreSQL: each officer connects as their own database user, a member
of the group role (migration 0018) whose grants their work needs. SQLite has no logins (the
actor is the OS account), so there this does nothing."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session

from sanctions.errors import PermissionDenied

OFFICERS = "sanctions_officer"
JOB = "sanctions_job"
AUDITORS = "sanctions_auditor"
# The application role the scheduled reminder job runs as (docs/roles.md).
JOB_ROLE = "penjadwal"


GROUPS = {"officer": OFFICERS, "job": JOB, "auditor": AUDITORS}


def group_for(roles: list[str] | tuple[str, ...]) -> str:
    """The group role a user with these application roles joins: the scheduled job's for
    `penjadwal`, the officers' for any other (an auditor is asked for by name)."""
    return JOB if JOB_ROLE in roles else OFFICERS


def map_login(session: Session, username: str, group: str) -> bool:
    """Make `username` a database login that is a member of `group`, creating the login if
    it does not exist (without a password: set one, or use peer/certificate authentication).
    Returns whether it was created. In the caller's transaction: nothing stays if it fails."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    role = session.get_bind().dialect.identifier_preparer.quote_identifier(username)
    exists = session.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": username}
    ).first()
    created = False
    try:
        if exists is None:
            try:
                with session.begin_nested():
                    session.execute(text(f"CREATE ROLE {role} LOGIN"))
                created = True
            except ProgrammingError as exc:
                if not _duplicate(exc):  # another session created it just now: map it
                    raise
        with session.begin_nested():
            session.execute(text(f"GRANT {group} TO {role}"))
    except ProgrammingError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise PermissionDenied(
            f"cannot make {username!r} a database login in {group}: {detail} (the database "
            "user running `sanctions user add` needs CREATEROLE, see docs/deployment.md)"
        ) from exc
    return created


def _duplicate(exc: ProgrammingError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "42710"  # duplicate_object
