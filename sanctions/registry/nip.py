"""NIP (PNS) and NI PPPK: the 18-digit employee numbers, parsed and checked.

    YYYYMMDD  YYYYMM  G  NNN          written 19860926 201505 1 001, stored as 18 digits
    birth     TMT     sex serial 001-999

- PNS (Perka BKN 22/2007): digits 9-14 are the year and month of first appointment (TMT) as
  CPNS/PNS; the TMT is always the 1st of that month.
- PPPK: digits 9-12 are the year of first appointment as PPPK; digits 13-14 are a code for the
  work contract (seen: 21 regular, 24 part-time appointed in 2025), not a month.
- Digit 15 is the sex (1 male, 2 female); digits 16-18 a serial, never 000.

There is no checksum: a well-formed number can only be confirmed against BKN (SIASN).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, cast

from sanctions.errors import InvalidNip, UnknownCode

__all__ = ["DEFAULT_PPPK_CONTRACT_CODES", "Nip", "check_matches", "format_nip", "parse_nip"]

EmployeeType = Literal["PNS", "PPPK"]
Sex = Literal["L", "P"]

DEFAULT_PPPK_CONTRACT_CODES: Final = frozenset({"21", "24"})
ADULT_AGE: Final = 18
_SEX_BY_DIGIT: Final[dict[str, Sex]] = {"1": "L", "2": "P"}
_DIGIT_BY_SEX: Final[dict[Sex, str]] = {"L": "1", "P": "2"}
_DIGITS = re.compile(r"[0-9]{18}")
# Builds the InvalidNip for one number from a sentence about what is wrong.
_BadFn = Callable[[str], InvalidNip]


@dataclass(frozen=True)
class Nip:
    digits: str
    employee_type: EmployeeType
    birth_date: date
    # PNS: the 1st of the TMT month; PPPK: 1 January of the appointment year.
    appointed: date
    sex: Sex
    serial: int
    # PPPK digits 13-14 (work-contract code); None for a PNS.
    contract_code: str | None = None

    @property
    def formatted(self) -> str:
        return format_nip(self.digits)

    @property
    def label(self) -> str:
        return _label(self.employee_type)

    def __str__(self) -> str:
        return self.formatted


def format_nip(digits: str) -> str:
    """'198609262015051001' → '19860926 201505 1 001' (spaces in the input are ignored)."""
    compact = "".join(digits.split())
    if not _DIGITS.fullmatch(compact):
        raise InvalidNip(f"NIP {digits!r}: expected 18 digits 0-9 to format")
    return f"{compact[:8]} {compact[8:14]} {compact[14]} {compact[15:]}"


def parse_nip(
    text: str,
    *,
    employee_type: str,
    today: date,
    pppk_contract_codes: frozenset[str] = DEFAULT_PPPK_CONTRACT_CODES,
) -> Nip:
    """Check a NIP (employee_type 'PNS') or NI PPPK ('PPPK') and split it into its parts.

    Spaces (any whitespace) between the groups are allowed. Raises InvalidNip naming the
    first wrong part, what it holds and what is allowed.
    """
    return _parse_nip(text, employee_type, today, pppk_contract_codes)


# The last few thousand answers (a Nip is immutable): an import reads each new employee's
# NIP in its cell checks and again in the registry's rule for an employee.
@functools.lru_cache(maxsize=4096)
def _parse_nip(
    text: str, employee_type: str, today: date, pppk_contract_codes: frozenset[str]
) -> Nip:
    if employee_type not in ("PNS", "PPPK"):
        raise UnknownCode(f"unknown employee type {employee_type!r} (allowed: PNS, PPPK)")
    kind = cast(EmployeeType, employee_type)
    label = _label(kind)
    digits = _compact(text, label)

    def bad(message: str) -> InvalidNip:
        return InvalidNip(f"{label} {digits}: {message}")

    birth = _birth_date(digits, bad)
    if birth > today:
        raise bad(
            f"digits 1-8 (birth date) are '{digits[:8]}' = {birth.isoformat()}, after today "
            f"({today.isoformat()}); expected a birth date in the past"
        )
    if kind == "PNS":
        appointed = _pns_appointment(digits, birth, today, bad)
        contract_code = None
    else:
        appointed = _pppk_appointment(digits, birth, today, bad)
        contract_code = digits[12:14]
        if contract_code not in pppk_contract_codes:
            allowed = ", ".join(sorted(pppk_contract_codes)) or "none configured"
            raise bad(
                f"digits 13-14 (work-contract code) are '{contract_code}', expected one of "
                f"{allowed}"
            )
    sex = _SEX_BY_DIGIT.get(digits[14])
    if sex is None:
        raise bad(f"digit 15 (sex) is '{digits[14]}', expected 1 (male) or 2 (female)")
    if digits[15:] == "000":
        raise bad("digits 16-18 (serial) are '000', expected 001-999")
    return Nip(
        digits=digits,
        employee_type=kind,
        birth_date=birth,
        appointed=appointed,
        sex=sex,
        serial=int(digits[15:]),
        contract_code=contract_code,
    )


def check_matches(nip: Nip, *, birth_date: date | None = None, sex: Sex | None = None) -> None:
    """Raise InvalidNip when the number disagrees with the recorded birth date or sex."""
    if birth_date is not None and birth_date != nip.birth_date:
        raise InvalidNip(
            f"{nip.label} {nip.digits}: digits 1-8 give the birth date "
            f"{nip.birth_date.isoformat()}, but the recorded birth date is "
            f"{birth_date.isoformat()}; correct one of them"
        )
    if sex is not None and sex != nip.sex:
        raise InvalidNip(
            f"{nip.label} {nip.digits}: digit 15 is '{_DIGIT_BY_SEX[nip.sex]}' (sex {nip.sex}), "
            f"but the recorded sex is {sex} (digit {_DIGIT_BY_SEX.get(sex, '?')}); correct one "
            "of them"
        )


# -- parts ----------------------------------------------------------------------------------


def _label(employee_type: EmployeeType) -> str:
    return "NIP" if employee_type == "PNS" else "NI PPPK"


def _compact(text: str, label: str) -> str:
    compact = "".join(text.split())
    stray = next((ch for ch in compact if ch not in "0123456789"), None)
    if stray is not None:
        raise InvalidNip(
            f"{label} {text!r}: contains {stray!r}, expected 18 digits 0-9 (spaces allowed "
            "between the groups)"
        )
    if len(compact) != 18:
        raise InvalidNip(f"{label} {text!r}: has {len(compact)} digits, expected 18")
    return compact


def _birth_date(digits: str, bad: _BadFn) -> date:
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    expected = "expected a real date YYYYMMDD"
    if year < 1:
        raise bad(
            f"digits 1-8 (birth date) are '{digits[:8]}', {expected} (year 0000 does not exist)"
        )
    if not 1 <= month <= 12:
        raise bad(
            f"digits 1-8 (birth date) are '{digits[:8]}', {expected} (month {digits[4:6]} is not "
            "01-12)"
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise bad(
            f"digits 1-8 (birth date) are '{digits[:8]}', {expected} (day {digits[6:8]} does not "
            f"exist in {year:04d}-{month:02d}, which has {last} days)"
        )
    return date(year, month, day)


def _pns_appointment(digits: str, birth: date, today: date, bad: _BadFn) -> date:
    """Digits 9-14: TMT year and month; on or after the 18th birthday, not after today."""
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        raise bad(f"digits 13-14 (appointment month) are '{digits[12:14]}', expected 01-12")
    earliest = _first_month_on_or_after(birth.year + ADULT_AGE, birth.month, birth.day)
    if (year, month) < earliest:
        adult = f"{birth.year + ADULT_AGE:04d}-{birth.month:02d}-{birth.day:02d}"
        raise bad(
            f"digits 9-14 (appointment TMT) are '{digits[8:14]}' = {year:04d}-{month:02d}, "
            f"before the 18th birthday ({adult} for birth date {birth.isoformat()}); expected "
            f"{earliest[0]:04d}{earliest[1]:02d} or later"
        )
    if (year, month) > (today.year, today.month):
        raise bad(
            f"digits 9-14 (appointment TMT) are '{digits[8:14]}' = {year:04d}-{month:02d}, "
            f"after today ({today.isoformat()}); expected {today.year:04d}{today.month:02d} "
            "or earlier"
        )
    return date(year, month, 1)


def _pppk_appointment(digits: str, birth: date, today: date, bad: _BadFn) -> date:
    """Digits 9-12: appointment year, from the year the holder turns 18 to this year."""
    year = int(digits[8:12])
    first = birth.year + ADULT_AGE
    if year < first:
        raise bad(
            f"digits 9-12 (appointment year) are '{digits[8:12]}', before the year the holder "
            f"turns 18 ({first:04d} for birth date {birth.isoformat()}); expected "
            f"{first:04d}-{today.year:04d}"
        )
    if year > today.year:
        raise bad(
            f"digits 9-12 (appointment year) are '{digits[8:12]}', after this year "
            f"({today.year:04d}); expected {first:04d}-{today.year:04d}"
        )
    return date(year, 1, 1)


def _first_month_on_or_after(year: int, month: int, day: int) -> tuple[int, int]:
    """The first (year, month) whose 1st falls on or after year-month-day (no date built, so
    no overflow past 9999). A 29 February birthday in a common year counts as 1 March."""
    if day == 1:
        return year, month
    return (year + 1, 1) if month == 12 else (year, month + 1)
