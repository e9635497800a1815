"""Changing reference data after the fact: `agency edit`, `contest edit`, `employee edit` and
`user revoke`. Every changed value is recorded (`RegistryChange`) with who changed it, when,
the value before and after and the date from which it holds, in the change's transaction.

A case keeps the snapshot of its employee taken when it opened (`employee_snapshot`), so an
employee's new rank, unit or address changes no open case's letters; the agency's and the
contest's current values are what later letters print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from sanctions.cases.penetapan import parse_dates
from sanctions.db.models import Agency, AppUser, RegistryChange, RoleGrant
from sanctions.errors import InputError, NotFound, RuleViolation
from sanctions.letters.letterhead import Registers, head_pattern
from sanctions.registry.employees import POSITION_TYPES, choice
from sanctions.registry.service import (
    AGENCY_KINDS,
    PAGE_NUMBER_STYLES,
    REGISTER_ORDERS,
    agency_by_code,
    contest_by_code,
    employee_by_nip,
    refuse_colliding_numbers,
)
from sanctions.trust.access import require_role

EMPLOYEE_STATUSES = ("aktif", "pensiun", "berhenti", "diberhentikan", "meninggal")
AGENCY_FIELDS = (
    "name", "parent", "kind", "address", "phone", "website", "email", "city", "ppk_title",
    "ppk_name", "ppk_nip", "unit_code", "numbering_pattern", "decree_pattern",
    "page_number_style", "register_order", "verification_url", "head_pattern", "logo_sha256",
    "emblem_sha256",
)  # fmt: skip
CONTEST_FIELDS = (
    "name",
    "region",
    "candidate_determination_date",
    "campaign_start",
    "campaign_end",
    "penetapan",  # OFFICE=YYYY-MM-DD items, merged into the contest's dates per office
)
EMPLOYEE_FIELDS = ("rank", "unit", "address", "status", "position", "position_type")
_DATES = {"candidate_determination_date", "campaign_start", "campaign_end"}


def _fields(values: Mapping[str, object], allowed: Sequence[str], what: str) -> None:
    if not values:
        raise InputError(f"nothing to change: give at least one of {', '.join(allowed)}")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InputError(f"{what} has no field {unknown[0]!r} (it has: {', '.join(allowed)})")


def _record(
    session: Session,
    row: object,
    values: Mapping[str, object],
    *,
    entity: str,
    key: str,
    actor: str,
    now: datetime,
    holds_from: date | None,
) -> list[RegistryChange]:
    changes = []
    for name, value in values.items():
        old = getattr(row, name)
        if old == value:
            continue
        setattr(row, name, value)
        changes.append(
            RegistryChange(
                at=now, actor=actor, entity=entity, key=key, field=name,
                old=None if old is None else str(old), new=None if value is None else str(value),
                holds_from=holds_from,
            )
        )  # fmt: skip
    session.add(row)
    session.add_all(changes)
    session.flush()
    return changes


def edit_agency(
    session: Session,
    code: str,
    values: Mapping[str, str | None],
    *,
    actor: str,
    now: datetime,
    holds_from: date | None = None,
) -> list[RegistryChange]:
    require_role(session, actor, ["admin"], what="changing an agency")
    _fields(values, AGENCY_FIELDS, "an agency")
    if "kind" in values:
        choice(values["kind"] or "", AGENCY_KINDS, "agency kind")
    if "page_number_style" in values:
        choice(values["page_number_style"] or "", PAGE_NUMBER_STYLES, "page number style")
    if "register_order" in values:
        choice(values["register_order"] or "", REGISTER_ORDERS, "register order")
    for name in ("name", "kind", "city", "ppk_title", "ppk_name", "numbering_pattern"):
        if name in values and not (values[name] or "").strip():
            raise InputError(f"an agency's {name} cannot be empty")
    agency = agency_by_code(session, code)
    patterns = ("unit_code", "numbering_pattern", "decree_pattern", "head_pattern")
    if set(patterns) & set(values):
        merged = {k: values.get(k, getattr(agency, k)) for k in patterns}
        refuse_colliding_numbers(
            session,
            agency.code,
            merged["unit_code"] or agency.code,
            [
                merged["numbering_pattern"],
                merged["decree_pattern"],
                head_pattern(
                    Registers(
                        merged["numbering_pattern"] or agency.numbering_pattern,
                        merged["decree_pattern"],
                        merged["head_pattern"],
                    )
                ),
            ],
        )
    return _record(session, agency, values, entity="agency", key=agency.code, actor=actor,
                   now=now, holds_from=holds_from)  # fmt: skip


def edit_contest(
    session: Session,
    code: str,
    values: Mapping[str, str | Sequence[str] | None],
    *,
    actor: str,
    now: datetime,
    holds_from: date | None = None,
    offices: Mapping[str, Sequence[str]] | None = None,
) -> list[RegistryChange]:
    """Change a contest; `penetapan` (OFFICE=YYYY-MM-DD items, the offices per kind in
    `offices`) sets the date of each office named and keeps the others'."""
    require_role(session, actor, ["admin", "bawaslu", "pengawas"], what="changing a contest")
    _fields(values, CONTEST_FIELDS, "a contest")
    contest = contest_by_code(session, code)
    typed: dict[str, object] = {}
    for name, value in values.items():
        if name == "penetapan":
            items = (value,) if isinstance(value, str) else tuple(value or ())
            given = parse_dates(items, contest.kind, offices or {})
            typed["penetapan_by_office"] = {**(contest.penetapan_by_office or {}), **given}
        elif not isinstance(value, str | None):
            raise InputError(f"a contest's {name} takes one value")
        elif name in _DATES and value:
            try:
                typed[name] = date.fromisoformat(value)
            except ValueError:
                raise InputError(f"--{name.replace('_', '-')}: not a date: {value!r}") from None
        else:
            typed[name] = value or ("" if name not in _DATES else None)
    start = typed.get("campaign_start", contest.campaign_start)
    end = typed.get("campaign_end", contest.campaign_end)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise InputError(f"the campaign would end ({end}) before it starts ({start})")
    return _record(session, contest, typed, entity="contest", key=contest.code, actor=actor,
                   now=now, holds_from=holds_from)  # fmt: skip


def edit_employee(
    session: Session,
    nip: str,
    values: Mapping[str, str | None],
    *,
    actor: str,
    now: datetime,
    holds_from: date,
) -> list[RegistryChange]:
    """Change an employee's rank, unit, address, position or status, holding from
    `holds_from` (required: the day the decree or move took effect)."""
    employee = employee_by_nip(session, nip)
    require_role(session, actor, ["kepegawaian"], agency_id=employee.agency_id,
                 what="changing an employee")  # fmt: skip
    _fields(values, EMPLOYEE_FIELDS, "an employee")
    if "status" in values:
        choice(values["status"] or "", EMPLOYEE_STATUSES, "employee status")
    if "position_type" in values:
        choice(values["position_type"] or "", POSITION_TYPES, "position type")
    if "position" in values and not (values["position"] or "").strip():
        raise InputError("an employee's position cannot be empty")
    if holds_from > now.astimezone().date():
        raise InputError(f"--from {holds_from} is after today: record a change once it holds")
    return _record(session, employee, dict(values), entity="employee", key=employee.nip,
                   actor=actor, now=now, holds_from=holds_from)  # fmt: skip


def revoke(
    session: Session,
    username: str,
    *,
    roles: Sequence[str],
    agency_code: str | None,
    actor: str,
    now: datetime,
) -> list[RegistryChange]:
    """Take roles from a user (all of them when `roles` is empty), for one agency or every
    grant; the last admin cannot be revoked."""
    require_role(session, actor, ["admin"], what="revoking roles")
    if session.get(AppUser, username) is None:
        raise NotFound(f"no user {username!r}; list users with `sanctions user list`")
    query = (
        select(RoleGrant, Agency).join(Agency, isouter=True).where(RoleGrant.username == username)
    )
    if roles:
        query = query.where(col(RoleGrant.role).in_(roles))
    if agency_code is not None:
        query = query.where(RoleGrant.agency_id == agency_by_code(session, agency_code).id)
    grants = session.exec(query).all()
    if not grants:
        held = sorted({g.role for g in session.exec(
            select(RoleGrant).where(RoleGrant.username == username)).all()})  # fmt: skip
        raise InputError(
            f"{username!r} holds no such grant (holds: {', '.join(held) or 'no role'})"
        )
    if any(g.role == "admin" for g, _ in grants):
        admins = session.exec(select(RoleGrant.username).where(RoleGrant.role == "admin")).all()
        if set(admins) <= {username}:
            raise RuleViolation(f"{username!r} is the last admin: grant admin to another first")
    changes = []
    for grant, agency in grants:
        changes.append(
            RegistryChange(
                at=now, actor=actor, entity="user", key=username, field="role",
                old=f"{grant.role}@{agency.code if agency else '*'}", new=None, holds_from=None,
            )
        )  # fmt: skip
        session.delete(grant)
    session.add_all(changes)
    session.flush()
    return changes


def history(session: Session, entity: str, key: str) -> list[RegistryChange]:
    return list(
        session.exec(
            select(RegistryChange)
            .where(RegistryChange.entity == entity, RegistryChange.key == key)
            .order_by(col(RegistryChange.id))
        ).all()
    )
