"""The template filters every printed document uses: dates in Indonesian, numbers in words,
NIPs, times, thousands, hashes and address lines.

Pure functions of their argument. Each is strict: a value of the wrong type (None included) is a
`RenderError` that names the filter, and an undefined value (a key missing from the context) is
a `RenderError` that says which value is missing. A template that prints an optional value says
so itself: ``{{ d.closed|tanggal if d.closed else "-" }}``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import NoReturn

import jinja2
from babel import Locale
from babel.dates import format_date
from num2words import num2words

from sanctions.errors import InvalidNip, RenderError
from sanctions.registry.nip import format_nip

__all__ = [
    "angka_terbilang",
    "bulan",
    "hari",
    "lines",
    "nip",
    "ribuan",
    "short_hash",
    "tanggal",
    "terbilang",
    "upper_except",
    "waktu",
]

_LOCALE = Locale.parse("id")
_HEX = frozenset("0123456789abcdef")


def tanggal(value: date, pad: bool = False) -> str:
    """``22 November 2026``; with `pad`, ``05 Desember 2022``. A datetime prints its date."""
    day_format = "dd" if pad else "d"
    return format_date(_date(value, "tanggal"), f"{day_format} MMMM y", locale=_LOCALE)


def hari(value: date) -> str:
    """The Indonesian day name: ``Senin`` … ``Minggu``."""
    return format_date(_date(value, "hari"), "EEEE", locale=_LOCALE)


def bulan(value: date) -> str:
    """The Indonesian month name: ``Januari`` … ``Desember``."""
    return format_date(_date(value, "bulan"), "MMMM", locale=_LOCALE)


def waktu(value: datetime) -> str:
    """Date, time and zone: ``1 Desember 2026 10.44 UTC`` (no zone for a naive time)."""
    _defined(value, "waktu")
    if not isinstance(value, datetime):
        _wrong_type("waktu", "a date and time", value)
    return f"{tanggal(value)} {value:%H.%M} {value.tzname() or ''}".strip()


def terbilang(value: int) -> str:
    """A whole number in Indonesian words: 12 → ``dua belas``."""
    words: str = num2words(_whole(value, "terbilang"), lang="id")
    return words


def angka_terbilang(value: int) -> str:
    """Figures then words, as legal texts write them: 12 → ``12 (dua belas)``."""
    number = _whole(value, "angka_terbilang")
    return f"{number} ({terbilang(number)})"


def ribuan(value: int) -> str:
    """A whole number with the Indonesian thousands separator: 12345 → ``12.345``."""
    return f"{_whole(value, 'ribuan'):,}".replace(",", ".")


def nip(value: str) -> str:
    """An 18-digit NIP (or NI PPPK) in its written 8-6-1-3 form: ``19860926 201505 1 001``."""
    try:
        return format_nip(_text(value, "nip"))
    except InvalidNip:
        raise RenderError(f"nip: {value!r} is not 18 digits") from None


def short_hash(value: str) -> str:
    """The first 16 hex digits of a content hash, in two groups: ``3f7a9c12 4b5d8e01``."""
    text = _text(value, "short_hash").lower()
    if len(text) < 16 or not _HEX.issuperset(text):
        raise RenderError(f"short_hash: {value!r} is not a hex digest")
    return f"{text[:8]} {text[8:16]}"


def upper_except(value: str, keep: Sequence[str] = ()) -> str:
    """`value` in capitals but for the names in `keep`, which keep their case (a decree's
    TENTANG line in capitals must not turn "Drs. Agus Santoso, M.Pd." into "DRS. … M.PD.")."""
    text = _text(value, "upper_except")
    names = sorted({_text(name, "upper_except") for name in keep if name}, key=len, reverse=True)
    if not names:
        return text.upper()
    pieces = re.split("(" + "|".join(re.escape(name) for name in names) + ")", text)
    return "".join(piece if piece in names else piece.upper() for piece in pieces)


def lines(value: str) -> list[str]:
    """The non-empty lines of a multi-line value (an address), stripped."""
    return [line.strip() for line in _text(value, "lines").splitlines() if line.strip()]


# -- checks ---------------------------------------------------------------------------------
def _defined(value: object, name: str) -> None:
    """A RenderError naming the missing value (and the filter) when `value` is undefined."""
    if isinstance(value, jinja2.Undefined):
        try:
            value._fail_with_undefined_error()
        except jinja2.UndefinedError as error:
            raise RenderError(f"missing value: {error} (given to the {name} filter)") from None


def _wrong_type(name: str, expected: str, value: object) -> NoReturn:
    raise RenderError(f"{name}: expected {expected}, got {value!r}")


def _date(value: object, name: str) -> date:
    _defined(value, name)
    if not isinstance(value, date):
        _wrong_type(name, "a date", value)
    return value


def _whole(value: object, name: str) -> int:
    _defined(value, name)
    if not isinstance(value, int) or isinstance(value, bool):
        _wrong_type(name, "a whole number", value)
    return value


def _text(value: object, name: str) -> str:
    _defined(value, name)
    if not isinstance(value, str):
        _wrong_type(name, "text", value)
    return value
