"""Need-to-know on lists: the cases a user may see, of one agency or of all they hold a role
for (reports, the desk and the overdue list share this one filter)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlmodel import Session, col

from sanctions.db.models import Case
from sanctions.errors import PermissionDenied
from sanctions.registry.service import agency_by_code
from sanctions.trust.access import visible_agencies

Q = TypeVar("Q", bound=Any)


def visible_cases(
    query: Q, session: Session, actor: str, *, agency_code: str | None, refusal: str
) -> Q:
    """`query` (over `Case`) restricted to the agencies `actor` holds a role for, and to
    `agency_code` when given; PermissionDenied (`refusal` when they hold no role at all)."""
    visible = visible_agencies(session, actor)
    if visible == []:
        raise PermissionDenied(refusal)
    if agency_code is not None:
        agency = agency_by_code(session, agency_code)
        if visible is not None and agency.id not in visible:
            raise PermissionDenied(f"user {actor!r} holds no role for agency {agency_code!r}")
        return cast(Q, query.where(Case.agency_id == agency.id))
    if visible is not None:
        return cast(Q, query.where(col(Case.agency_id).in_(visible)))
    return query
