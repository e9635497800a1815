"""An employee record as an officer or an import file gives it, and its checks (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sanctions.errors import InputError
from sanctions.registry.nip import check_matches, parse_nip

EMPLOYEE_TYPES = ("PNS", "PPPK")
POSITION_TYPES = (
    "jpt_utama",
    "jpt_madya",
    "jpt_pratama",
    "administrator",
    "pengawas",
    "fungsional",
    "pelaksana",
)


def choice(value: str, allowed: Sequence[str], what: str) -> str:
    """`value` if it is one of `allowed`; otherwise an error that lists them."""
    if value not in allowed:
        raise InputError(f"unknown {what} {value!r} (allowed: {', '.join(allowed)})")
    return value


@dataclass(frozen=True)
class EmployeeInput:
    nip: str
    employee_type: str
    name: str
    birth_date: date
    sex: str
    position: str
    position_type: str
    agency_code: str
    rank: str | None = None
    unit: str = ""
    address: str = ""


def validate_employee(data: EmployeeInput, *, today: date) -> str:
    """Check one employee record without touching the database; returns the 18-digit NIP."""
    choice(data.employee_type, EMPLOYEE_TYPES, "employee type")
    choice(data.sex, ("L", "P"), "sex (L = laki-laki, P = perempuan)")
    choice(data.position_type, POSITION_TYPES, "position type")
    nip = parse_nip(data.nip, employee_type=data.employee_type, today=today)
    check_matches(nip, birth_date=data.birth_date, sex="L" if data.sex == "L" else "P")
    if not data.name.strip():
        raise InputError("the employee's name is empty")
    return nip.digits
