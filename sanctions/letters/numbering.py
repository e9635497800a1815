"""Official letter numbers: an agency's numbering pattern, formatted and parsed back.

A pattern is a `str.format` template over these placeholders:

    seq           the sequence number the database allocated (int, ≥ 1)
    code          the archive classification code, e.g. ``800.1.6.4`` or ``KP.04.02``
    unit          the issuing unit's code, e.g. ``BKPSDM``
    agency        the agency's short code, e.g. ``PANRB``
    series        the document series, e.g. ``KEP`` for decrees (see services/letters.py)
    year, month   from the letter's date (ints; ``{month:02d}`` pads)
    roman_month   the month in Roman numerals, ``I`` … ``XII``
    sifat_prefix  ``R`` for a Rahasia letter, ``B`` otherwise (Permenpan 80/2012)

Examples: ``{code}/{seq}/{unit}/{year}`` (Permendagri 83/2022 practice),
``{code}/{seq:03d}/{unit}/{roman_month}/{year}``,
``B-{seq}/{agency}/{unit}/{code}/{month:02d}/{year}``.

Integer placeholders accept no format spec, ``d`` or a zero-padded width (``03d``); the others
accept none. Two placeholders may only touch when one of them is ``sifat_prefix`` (one letter);
otherwise a literal must separate them so a number can be parsed back. Text values (code, unit,
agency) may not contain ``/`` or whitespace. Allocation of ``seq`` is not done here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise
from string import Formatter

from sanctions.errors import DefinitionError, InputError

INT_FIELDS = frozenset({"seq", "year", "month"})
TEXT_FIELDS = frozenset({"code", "unit", "agency", "series"})
PLACEHOLDERS = INT_FIELDS | TEXT_FIELDS | {"roman_month", "sifat_prefix"}

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

_INT_SPEC = re.compile(r"(?:0(?P<width>[1-9]\d?))?d?")
_TEXT_VALUE = re.compile(r"[^\s/]+")


@dataclass(frozen=True)
class _Field:
    name: str
    spec: str

    @property
    def width(self) -> int | None:
        match = _INT_SPEC.fullmatch(self.spec)
        if match is None or match["width"] is None:
            return None
        return int(match["width"])


_Part = str | _Field


class _PatternProblem(Exception):
    pass


def validate_pattern(pattern: str, *, where: str) -> None:
    """Raise DefinitionError (prefixed with `where`) unless `pattern` is a usable pattern."""
    try:
        _compile(pattern)
    except _PatternProblem as problem:
        raise DefinitionError(f"{where}: numbering pattern {pattern!r}: {problem}") from None


def check_pattern(pattern: str) -> None:
    """Raise InputError unless `pattern` is a usable pattern (an officer's input)."""
    try:
        _compile(pattern)
    except _PatternProblem as problem:
        raise InputError(
            f"numbering pattern {pattern!r}: {problem}; e.g. {{code}}/{{seq}}/{{unit}}/{{year}}"
        ) from None


@dataclass(frozen=True)
class NumberingOwner:
    """What fixes the numbers an issuer gives: its pattern and the text it puts in them."""

    agency: str
    unit: str
    pattern: str


# Values that vary between letters of one issuer; a collision found with one of each shows the
# two patterns can give one number (seq values both below and above any zero-padded width).
_SAMPLE_SEQS = (7, 123456789)
_SAMPLE_DATES = (date(2026, 3, 15), date(2026, 11, 30))
_SAMPLE_SIFAT = ("Biasa", "Rahasia")
_SAMPLE_CODE = "800.1.6.4"
_SAMPLE_SERIES = "KEP"


def colliding_number(a: NumberingOwner, b: NumberingOwner) -> str | None:
    """A number that both issuers could give, or None when their numbers never meet.

    Classification codes and series are taken as free (the national classification is shared by
    every agency); an issuer's agency and unit text are fixed. A pattern shows the issuer apart
    when it holds its own {agency} or {unit} text, or literals the other cannot produce."""
    for one, other in ((a, b), (b, a)):
        for number in _samples(one):
            if _could_give(other, number):
                return number
    return None


def _samples(owner: NumberingOwner) -> Iterator[str]:
    for seq in _SAMPLE_SEQS:
        for on in _SAMPLE_DATES:
            for sifat in _SAMPLE_SIFAT:
                yield format_number(
                    owner.pattern,
                    seq=seq,
                    code=_SAMPLE_CODE,
                    unit=owner.unit,
                    agency=owner.agency,
                    on=on,
                    sifat=sifat,
                    series=_SAMPLE_SERIES,
                )


def _could_give(owner: NumberingOwner, number: str) -> bool:
    try:
        values = parse_number(owner.pattern, number)
    except InputError:
        return False
    return values.get("agency", owner.agency) == owner.agency and (
        values.get("unit", owner.unit) == owner.unit
    )


# -- registers (the agenda books an issuer keeps) ------------------------------------------------
# A register is named by the series of the letters it numbers; `letter reserve --register`.
REGISTERS = ("surat", "keputusan", "berita_acara", "laporan")
# The counter of a pattern that does not show the series: one for all the issuer's letters.
ALL_SERIES = "*"


def register_of(
    series: str, *, numbering_pattern: str, decree_pattern: str | None
) -> tuple[str, str]:
    """The (pattern, counter) that number a letter of `series` for an issuer.

    A pattern that shows the series numbers each series on its own counter; one that does not
    runs one counter for all the issuer's letters, so no two letters share a number. An issuer
    with a decree pattern keeps its keputusan in a register of their own."""
    if series == "keputusan" and decree_pattern:
        return decree_pattern, "keputusan"
    counter = series if uses_placeholder(numbering_pattern, "series") else ALL_SERIES
    return numbering_pattern, counter


def out_of_order(*, register: str, on: date, last_date: date, last_seq: int, issuer: str) -> str:
    """Why a letter dated `on` cannot take the next number of a register whose last number
    `last_seq` is dated `last_date` (an agenda book's numbers rise with its dates)."""
    return (
        f"a letter dated {on.isoformat()} cannot take the next number of {issuer}'s "
        f"{register} register: its last number {last_seq} is dated {last_date.isoformat()} "
        "and numbers rise with dates (agenda book). Date the letter "
        f"{last_date.isoformat()} or later, or use a number reserved for "
        f"{on.isoformat()} at the time (`sanctions letter reserve --issuer {issuer} "
        f"--register {register} --date {on.isoformat()}` on that day; "
        f"`sanctions letter reserve --list --issuer {issuer}` shows the free ones)"
    )


def uses_placeholder(pattern: str, name: str) -> bool:
    """Whether `pattern` contains `{name}` (e.g. whether numbers differ by series)."""
    parts, _ = _compiled(pattern)
    return _uses(parts, name)


def format_number(
    pattern: str,
    *,
    seq: int,
    code: str,
    unit: str,
    agency: str,
    on: date,
    sifat: str,
    series: str = "",
) -> str:
    """The letter number for sequence `seq`, dated `on`, with the given sifat."""
    parts, _ = _compiled(pattern)
    if seq < 1:
        raise InputError(f"numbering: sequence number must be at least 1, got {seq}")
    for name, value in (("code", code), ("unit", unit), ("agency", agency), ("series", series)):
        if _uses(parts, name) and not _TEXT_VALUE.fullmatch(value):
            raise DefinitionError(
                f"numbering: {name} {value!r} must be non-empty, without '/' or spaces"
            )
    values: dict[str, int | str] = {
        "seq": seq,
        "code": code,
        "unit": unit,
        "agency": agency,
        "series": series,
        "year": on.year,
        "month": on.month,
        "roman_month": ROMAN_MONTHS[on.month - 1],
        "sifat_prefix": "R" if sifat.strip().casefold() == "rahasia" else "B",
    }
    return "".join(
        part if isinstance(part, str) else format(values[part.name], part.spec) for part in parts
    )


def parse_number(pattern: str, text: str) -> dict[str, int | str]:
    """The placeholder values of `text` under `pattern` (ints for seq, year and month).

    Raises InputError when `text` does not have the pattern's shape.
    """
    _, regex = _compiled(pattern)
    match = regex.fullmatch(text)
    if match is None:
        raise InputError(f"nomor {text!r} does not match the numbering pattern {pattern!r}")
    result: dict[str, int | str] = {}
    for name, raw in match.groupdict().items():
        result[name] = int(raw) if name in INT_FIELDS else raw
    month = result.get("month")
    if isinstance(month, int) and not 1 <= month <= 12:
        raise InputError(f"nomor {text!r}: month {month} is not between 1 and 12")
    roman = result.get("roman_month")
    if month is not None and roman is not None and ROMAN_MONTHS[int(month) - 1] != roman:
        raise InputError(f"nomor {text!r}: month {month} and Roman month {roman} disagree")
    return result


def _compiled(pattern: str) -> tuple[tuple[_Part, ...], re.Pattern[str]]:
    try:
        return _compile(pattern)
    except _PatternProblem as problem:
        raise DefinitionError(f"numbering pattern {pattern!r}: {problem}") from None


@lru_cache(maxsize=64)
def _compile(pattern: str) -> tuple[tuple[_Part, ...], re.Pattern[str]]:
    parts = tuple(_split(pattern))
    fields = [part for part in parts if isinstance(part, _Field)]
    if not any(field.name == "seq" for field in fields):
        raise _PatternProblem("it has no {seq} placeholder")
    for left, right in pairwise(parts):
        if not (isinstance(left, _Field) and isinstance(right, _Field)):
            continue
        if "sifat_prefix" not in (left.name, right.name):
            raise _PatternProblem(
                f"{{{left.name}}} and {{{right.name}}} need a separator between them"
            )
    return parts, re.compile("".join(_regex(part, parts) for part in parts))


def _split(pattern: str) -> Iterator[_Part]:
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as error:
        raise _PatternProblem(str(error)) from None
    for literal, name, spec, conversion in parsed:
        if literal:
            yield literal
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join(sorted(PLACEHOLDERS))
            raise _PatternProblem(f"unknown placeholder {{{name}}} (known: {known})")
        if conversion is not None:
            raise _PatternProblem(f"{{{name}}}: conversions like !{conversion} are not allowed")
        spec = spec or ""
        if name in INT_FIELDS:
            if not _INT_SPEC.fullmatch(spec):
                raise _PatternProblem(f"{{{name}}}: format spec {spec!r} is not d or 0Nd")
        elif spec:
            raise _PatternProblem(f"{{{name}}}: text placeholders take no format spec")
        yield _Field(name, spec)


def _regex(part: _Part, parts: tuple[_Part, ...]) -> str:
    if isinstance(part, str):
        return re.escape(part)
    first = next(p for p in parts if isinstance(p, _Field) and p.name == part.name)
    if first is not part:
        return f"(?P={part.name})"
    if part.name in INT_FIELDS:
        width = part.width
        # The digits exactly as format() writes them, so a parsed number formats back the same.
        body = r"[1-9]\d*|0" if width is None else rf"\d{{{width}}}|[1-9]\d{{{width},}}"
    elif part.name == "roman_month":
        body = "|".join(sorted(ROMAN_MONTHS, key=len, reverse=True))
    elif part.name == "sifat_prefix":
        body = "[BR]"
    else:
        body = r"[^\s/]+"
    return f"(?P<{part.name}>{body})"


def _uses(parts: tuple[_Part, ...], name: str) -> bool:
    return any(isinstance(part, _Field) and part.name == name for part in parts)
