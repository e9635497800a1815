"""Reference data: users and their roles, agencies, employees, election contests.

Each function runs inside the caller's transaction (`session_scope`), checks the acting
user's role, validates its input fully before writing, and raises a `SanctionsError`
subclass that says what was wrong and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from sanctions.cases.penetapan import parse_dates
from sanctions.db import logins
from sanctions.db.bulk import construct
from sanctions.db.models import Agency, AppUser, Contest, Employee, RoleGrant
from sanctions.errors import Conflict, InputError, NotFound, PermissionDenied
from sanctions.letters.letterhead import Registers, head_pattern
from sanctions.letters.numbering import NumberingOwner, check_pattern, colliding_number
from sanctions.registry.employees import (
    EmployeeInput,
    choice,
    validate_employee,
)
from sanctions.trust.access import no_users_yet, require_role, roles_for

AGENCY_KINDS = ("pusat", "daerah")
CONTEST_KINDS = ("pemilu", "pilkada")
PAGE_NUMBER_STYLES = ("dash", "halaman")
REGISTER_ORDERS = ("agenda", "recorded")  # sanctions/letters/register.py


# -- users ------------------------------------------------------------------------------
def add_user(
    session: Session,
    *,
    actor: str,
    username: str,
    roles: Sequence[str],
    known_roles: Sequence[str],
    agency_code: str | None,
    full_name: str = "",
) -> list[str]:
    """Grant roles to a user (creating the user). The very first user may grant itself
    anything, so a fresh database can be set up; after that only an admin grants roles."""
    from sanctions.trust import log  # the chain's writer: looking up loads none of it

    if not no_users_yet(session):
        require_role(session, actor, ["admin"], what="granting roles")
    elif username != actor:
        raise InputError(
            f"the database has no users yet: the first user must be yourself ({actor!r})"
        )
    for role in roles:
        choice(role, known_roles, "role")
    agency_id = agency_by_code(session, agency_code).id if agency_code else None
    if session.get(AppUser, username) is None:
        session.add(AppUser(username=username, full_name=full_name))
        session.flush()
    granted = []
    for role in roles:
        existing = session.exec(
            select(RoleGrant).where(
                RoleGrant.username == username,
                RoleGrant.role == role,
                RoleGrant.agency_id == agency_id
                if agency_id is not None
                else RoleGrant.agency_id.is_(None),  # type: ignore[union-attr]
            )
        ).first()
        if existing is None:
            grant = RoleGrant(username=username, role=role, agency_id=agency_id)
            session.add(grant)
            session.flush()
            log.append(session, [log.grant_leaf(grant)])
            granted.append(role)
    session.flush()
    return granted


def map_database_login(
    session: Session, *, username: str, roles: Sequence[str], group: str | None = None
) -> tuple[bool, str] | None:
    """On PostgreSQL, make `username` a database login in `group` (officer, job, auditor;
    default: the group its application roles need, sanctions/db/logins.py); returns
    (created?, group role), or None on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if group is not None and group not in logins.GROUPS:
        raise InputError(f"unknown database group {group!r}; allowed: {', '.join(logins.GROUPS)}")
    group = logins.GROUPS[group] if group else logins.group_for(tuple(roles))
    return logins.map_login(session, username, group), group


def list_grants(session: Session, *, actor: str) -> list[tuple[str, str, str]]:
    """The role grants the actor may see: every grant for an admin or a holder of a grant for
    all agencies; otherwise the grants for the agencies the actor holds a role for (who else
    works on their cases), never those for all agencies or for other agencies."""
    mine = session.exec(select(RoleGrant).where(RoleGrant.username == actor)).all()
    if not mine:
        raise PermissionDenied(
            f"listing users needs a role; user {actor!r} has none "
            "(an admin grants roles with `sanctions user add`)"
        )
    everywhere = any(g.agency_id is None for g in mine)
    agencies = {g.agency_id for g in mine}
    rows = session.exec(
        select(RoleGrant, Agency)
        .join(Agency, isouter=True)
        .order_by(col(RoleGrant.username), col(RoleGrant.id))
    ).all()
    return [
        (g.username, g.role, a.code if a else "*")
        for g, a in rows
        if everywhere or g.agency_id in agencies
    ]


# -- agencies ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyInput:
    code: str
    name: str
    kind: str
    city: str
    ppk_title: str
    ppk_name: str
    parent: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    ppk_nip: str | None = None
    unit_code: str = ""
    numbering_pattern: str = "{code}/{seq}/{unit}/{year}"
    decree_pattern: str | None = None  # the keputusan register's own pattern, if it has one
    page_number_style: str = "dash"
    register_order: str = "agenda"  # numbers rise with dates (letters/register.py)
    e_signature: bool = False
    verification_url: str | None = None
    # False: an issuer this installation does not host; its letters are received, not issued
    # (docs/exchange.md).
    hosted: bool = True
    head_pattern: str | None = None  # the PPK's own series on the kop jabatan (letterhead.py)
    logo_sha256: str | None = None  # the kop images in the letter store (registry/logos.py)
    emblem_sha256: str | None = None


def add_agency(session: Session, data: AgencyInput, *, actor: str) -> Agency:
    require_role(session, actor, ["admin"], what="registering an agency")
    choice(data.kind, AGENCY_KINDS, "agency kind")
    choice(data.page_number_style, PAGE_NUMBER_STYLES, "page number style")
    choice(data.register_order, REGISTER_ORDERS, "register order")
    if session.exec(select(Agency).where(Agency.code == data.code)).first():
        raise Conflict(f"agency {data.code!r} already exists")
    refuse_colliding_numbers(
        session,
        data.code,
        data.unit_code or data.code,
        [
            data.numbering_pattern,
            data.decree_pattern,
            head_pattern(Registers(data.numbering_pattern, data.decree_pattern, data.head_pattern)),
        ],
    )
    agency = Agency(**{f.name: getattr(data, f.name) for f in fields(data)})
    session.add(agency)
    session.flush()
    return agency


def refuse_colliding_numbers(
    session: Session, code: str, unit: str, patterns: Sequence[str | None]
) -> None:
    """Refuse a numbering pattern that is not valid, or that could give a number another of
    the agency's registers or another agency in this database could also give (every lookup
    is by issuer and number, but a number printed on paper must name one letter)."""
    mine = [p for p in patterns if p]
    for pattern in mine:
        check_pattern(pattern)
    owners = [NumberingOwner(code, unit, p) for p in mine]
    for i, one in enumerate(owners):
        for other in owners[i + 1 :]:
            example = colliding_number(one, other)
            if example is not None:
                raise InputError(
                    f"{code}'s pattern {other.pattern!r} could give the same number as "
                    f"its pattern {one.pattern!r} (e.g. {example!r}): give the keputusan "
                    "register (--decree-pattern) or the PPK's own series (--head-pattern) a "
                    "literal of its own (e.g. .../KEP/...)"
                )
    for agency in session.exec(select(Agency).order_by(Agency.code)).all():
        if agency.code == code:
            continue
        theirs = [
            agency.numbering_pattern,
            agency.decree_pattern,
            head_pattern(
                Registers(agency.numbering_pattern, agency.decree_pattern, agency.head_pattern)
            ),
        ]
        for owner in owners:
            for pattern in (p for p in theirs if p):
                other = NumberingOwner(agency.code, agency.unit_code or agency.code, pattern)
                example = colliding_number(owner, other)
                if example is not None:
                    raise InputError(
                        f"numbering pattern {owner.pattern!r} of {code} could give the same "
                        f"number as agency {agency.code}'s {pattern!r} (e.g. {example!r}): "
                        f"give {code} a unit code of its own (--unit-code) or put "
                        "{agency} in the pattern"
                    )


def agency_by_code(session: Session, code: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        known = session.exec(select(Agency.code).order_by(Agency.code).limit(20)).all()
        raise NotFound(
            f"no agency {code!r}"
            + (
                f" (known: {', '.join(known)})"
                if known
                else "; add one with `sanctions agency add`"
            )
        )
    return agency


def list_agencies(session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(Agency.code)).all())


# -- employees --------------------------------------------------------------------------
def add_employee(session: Session, data: EmployeeInput, *, actor: str, today: date) -> Employee:
    digits = validate_employee(data, today=today)
    agency = agency_by_code(session, data.agency_code)
    require_role(
        session, actor, ["kepegawaian"], agency_id=agency.id, what="registering an employee"
    )
    if session.exec(select(Employee).where(Employee.nip == digits)).first():
        raise Conflict(f"an employee with NIP {digits} already exists")
    employee = new_employee(data, digits=digits, agency_id=agency.id or 0)
    session.add(employee)
    session.flush()
    return employee


def new_employee(data: EmployeeInput, *, digits: str, agency_id: int) -> Employee:
    """The row for a validated employee (`validate_employee` gave `digits`)."""
    # no attribute events: an import builds thousands
    return construct(Employee, employee_values(data, digits=digits, agency_id=agency_id))


def employee_values(data: EmployeeInput, *, digits: str, agency_id: int) -> dict[str, Any]:
    """`new_employee`'s values (an import writes them as plain rows)."""
    return {
        "nip": digits,
        "employee_type": data.employee_type,
        "name": data.name.strip(),
        "birth_date": data.birth_date,
        "sex": data.sex,
        "rank": data.rank,
        "position": data.position,
        "position_type": data.position_type,
        "unit": data.unit,
        "agency_id": agency_id,
        "address": data.address,
    }


def employee_by_nip(session: Session, text: str, *, actor: str | None = None) -> Employee:
    """The employee with NIP `text`; with `actor`, only if the actor holds a role for the
    employee's agency (or for all agencies)."""
    digits = text.replace(" ", "")
    employee = session.exec(select(Employee).where(Employee.nip == digits)).first()
    if employee is None:
        raise NotFound(f"no employee with NIP {text!r}; register one with `sanctions employee add`")
    if actor is not None and not roles_for(session, actor, employee.agency_id):
        raise PermissionDenied(
            f"user {actor!r} holds no role for the agency of employee {digits}; "
            "an admin grants roles with `sanctions user add`"
        )
    return employee


# -- contests ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ContestInput:
    code: str
    name: str
    kind: str
    region: str = ""
    candidate_determination_date: date | None = None
    campaign_start: date | None = None
    campaign_end: date | None = None
    bawaslu_code: str | None = None  # the agency row of the Bawaslu office
    # `OFFICE=YYYY-MM-DD` per office contested, as typed (sanctions/cases/penetapan.py)
    penetapan: tuple[str, ...] = ()


def add_contest(
    session: Session,
    data: ContestInput,
    *,
    actor: str,
    offices: Mapping[str, Sequence[str]] | None = None,
) -> Contest:
    """Register a contest; `offices`: the offices per contest kind a --penetapan date may
    name (workflow rule contest_offices)."""
    require_role(session, actor, ["admin", "bawaslu", "pengawas"], what="registering a contest")
    choice(data.kind, CONTEST_KINDS, "contest kind")
    by_office = parse_dates(data.penetapan, data.kind, offices or {})
    if data.campaign_start and data.campaign_end and data.campaign_end < data.campaign_start:
        raise InputError("the campaign ends before it starts")
    if session.exec(select(Contest).where(Contest.code == data.code)).first():
        raise Conflict(f"contest {data.code!r} already exists")
    values = {
        f.name: getattr(data, f.name)
        for f in fields(data)
        if f.name not in ("bawaslu_code", "penetapan")
    }
    values["penetapan_by_office"] = by_office
    if data.bawaslu_code:
        values["bawaslu_agency_id"] = agency_by_code(session, data.bawaslu_code).id
    contest = Contest(**values)
    session.add(contest)
    session.flush()
    return contest


def contest_by_code(session: Session, code: str) -> Contest:
    contest = session.exec(select(Contest).where(Contest.code == code)).first()
    if contest is None:
        known = session.exec(select(Contest.code).order_by(Contest.code).limit(20)).all()
        raise NotFound(
            f"no contest {code!r}"
            + (
                f" (known: {', '.join(known)})"
                if known
                else "; add one with `sanctions contest add`"
            )
        )
    return contest


def list_contests(session: Session) -> list[Contest]:
    return list(session.exec(select(Contest).order_by(Contest.code)).all())
