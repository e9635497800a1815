"""Who may do what: roles are granted per user, per agency (or for all agencies)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, bindparam, or_
from sqlmodel import Session, col, func, select

from sanctions.db import session_scope
from sanctions.db.models import AccessEvent, AppUser, RoleGrant
from sanctions.errors import PermissionDenied

ADMIN_ROLE = "admin"
# The account the daily reminder job runs as (declared in the workflows' roles).
JOB_ROLE = "penjadwal"

_ROLES_EVERYWHERE = select(RoleGrant.role).where(
    RoleGrant.username == bindparam("username"), col(RoleGrant.agency_id).is_(None)
)
_ROLES_FOR_AGENCY = select(RoleGrant.role).where(
    RoleGrant.username == bindparam("username"),
    or_(col(RoleGrant.agency_id).is_(None), col(RoleGrant.agency_id) == bindparam("agency")),
)


def roles_for(session: Session, username: str, agency_id: int | None) -> set[str]:
    """The roles `username` holds for `agency_id` (grants for all agencies included)."""
    connection = session.connection()  # plain rows: the ORM adds nothing to a column read
    if agency_id is None:
        rows = connection.execute(_ROLES_EVERYWHERE, {"username": username})
    else:
        rows = connection.execute(_ROLES_FOR_AGENCY, {"username": username, "agency": agency_id})
    return {role for (role,) in rows}  # the rows themselves: `.scalars()` filters each again


def require_role(
    session: Session,
    username: str,
    needed: Collection[str],
    *,
    agency_id: int | None = None,
    what: str,
) -> set[str]:
    roles = roles_for(session, username, agency_id)
    if ADMIN_ROLE in roles or roles & set(needed):
        return roles
    have = ", ".join(sorted(roles)) or "no role"
    scope = "for this agency" if agency_id is not None else "for all agencies"
    raise PermissionDenied(
        f"{what} needs the role {' or '.join(sorted(needed))} {scope}; "
        f"user {username!r} has {have} (an admin grants roles with `sanctions user add`)"
    )


def no_users_yet(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(AppUser)).one() == 0


def record_refusal(engine: Engine, *, actor: str, command: str, reason: str, at: datetime) -> None:
    """Log a refused attempt in its own transaction (the refused one was rolled back)."""
    from sanctions.trust import log  # the chain's writer: only a refusal appends to it

    with session_scope(engine) as session:
        refusal = AccessEvent(at=at, actor=actor, command=command, reason=reason[:1000])
        session.add(refusal)
        session.flush()
        log.append(session, [log.refusal_leaf(refusal)])


def refusals(session: Session, *, limit: int = 100) -> list[AccessEvent]:
    return list(
        session.exec(select(AccessEvent).order_by(col(AccessEvent.id).desc()).limit(limit)).all()
    )


def visible_agencies(session: Session, username: str) -> list[int] | None:
    """None when `username` holds a role for every agency; else the agencies of their
    per-agency grants (empty when they hold no role at all)."""
    if roles_for(session, username, None):
        return None
    ids = session.exec(
        select(RoleGrant.agency_id).where(
            RoleGrant.username == username, col(RoleGrant.agency_id).is_not(None)
        )
    ).all()
    return sorted({i for i in ids if i is not None})


@contextmanager
def transaction(
    engine: Engine,
    *,
    now: datetime,
    command: Callable[[], str],
    actor_of: Callable[[Session], str],
) -> Iterator[tuple[Session, str]]:
    """One transaction and the acting user; a refused attempt (`PermissionDenied`) is
    recorded with the command line in a new transaction once this one has rolled back."""
    actor = ""
    try:
        with session_scope(engine) as session:
            actor = actor_of(session)
            yield session, actor
    except PermissionDenied as refusal:
        record_refusal(engine, actor=actor, command=command(), reason=str(refusal), at=now)
        raise
