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
from typing import Any, Final, NoReturn

import jinja2
from babel import Locale
from babel.dates import format_date
from markupsafe import Markup
from num2words import num2words

from sanctions.errors import InvalidNip, RenderError
from sanctions.registry.nip import format_nip

__all__ = [
    "angka_terbilang",
    "balanced_lines",
    "bulan",
    "gelar_kept",
    "hari",
    "kop_fit",
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


def upper_except(value: str, keep: Sequence[str] = ()) -> Markup:
    """`value` in capitals but for the names in `keep`, which keep their case (a decree's
    TENTANG line in capitals must not turn "Drs. Agus Santoso, M.Pd." into "DRS. … M.PD.") and
    stay on one line, as a secretariat writes a name: never "… Budi Santoso, / S.Pd."."""
    text = _text(value, "upper_except")
    names = sorted({_text(name, "upper_except") for name in keep if name}, key=len, reverse=True)
    if not names:
        return Markup.escape(text.upper())
    pieces = re.split("(" + "|".join(re.escape(name) for name in names) + ")", text)
    return Markup("").join(
        Markup('<span class="nowrap">{}</span>').format(piece)
        if piece in names
        else Markup.escape(piece.upper())
        for piece in pieces
    )


def gelar_kept(value: str) -> Markup:
    """A name whose trailing degrees (gelar: everything after its first comma) stay on one
    line together: a signature block too narrow for "Prof. Dr. Zudan Arif Fakrulloh, S.H.,
    M.H." breaks it as "… Fakrulloh, / S.H., M.H.", never leaving "M.H." alone."""
    text = _text(value, "gelar_kept")
    name, comma, degrees = text.partition(", ")
    if not comma or not degrees.strip():
        return Markup.escape(text)
    return Markup('{}, <span class="nowrap">{}</span>').format(name, degrees)


def lines(value: str) -> list[str]:
    """The non-empty lines of a multi-line value (an address), stripped."""
    return [line.strip() for line in _text(value, "lines").splitlines() if line.strip()]


# -- long jabatan lines ------------------------------------------------------------------------
# Advance widths of Liberation Sans Regular (metric-compatible with Arial, the letters' font),
# in units of 1/2048 em, for the printable ASCII characters; any other character is taken as
# wide as a digit. Read once from letter_templates/fonts/LiberationSans-Regular.ttf (hmtx).
_EM: Final = 2048
_GLYPHS: Final = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)
_WIDTHS: Final = (
    569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569,
    1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 569, 569, 1196, 1196, 1196,
    1139, 2079, 1366, 1366, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1024, 1366, 1139, 1706,
    1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 569, 569,
    569, 961, 1139, 682, 1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455,
    1706, 1139, 1139, 1139, 1139, 682, 1024, 569, 1139, 1024, 1479, 1024, 1024, 1024, 684,
    532, 684, 1196,
)  # fmt: skip
_ADVANCE: Final = dict(zip(_GLYPHS, _WIDTHS, strict=True))
_PT_PER_MM: Final = 72 / 25.4
# Where a person breaks a jabatan: before a conjunction or a preposition, and before the name
# of the region or state the office is of ("… dan Reformasi Birokrasi / Republik Indonesia").
_BREAK_BEFORE: Final = frozenset(
    ("dan", "serta", "atau", "pada", "selaku", "republik", "kabupaten", "kota", "provinsi",
     "daerah", "sekretariat", "u.b.", "a.n.")
)  # fmt: skip
# Names a person keeps on one line ("Aparatur Negara", never "Aparatur / Negara").
_PHRASES: Final = (
    "Aparatur Negara",
    "Aparatur Sipil Negara",
    "Sumber Daya Manusia",
    "Reformasi Birokrasi",
    "Republik Indonesia",
    "Pemilihan Umum",
    "Daerah Istimewa",
    "Daerah Khusus",
    "Dalam Negeri",
    "Luar Negeri",
    "Ahli Pertama",
    "Ahli Muda",
    "Ahli Madya",
    "Ahli Utama",
)
_KEPT_PAIRS: Final = frozenset(
    (a.casefold(), b.casefold())
    for phrase in _PHRASES
    for a, b in zip(phrase.split(), phrase.split()[1:], strict=False)
)
# Words a line never ends with: they belong to the word after them.
_KEEP_WITH_NEXT: Final = frozenset(("a.n.", "u.b.", "plt.", "plh.", "pj.", "republik", "dan"))


def balanced_lines(value: str, width_mm: float = 78.0, size_pt: float = 12.0) -> list[str]:
    """A long jabatan ("Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Republik
    Indonesia,") split into the lines a person would write in a signature column `width_mm`
    wide at `size_pt`: as few lines as the column needs, broken before "dan" or the region
    rather than inside a phrase, the lines of even length, and never one word alone on the
    last line. A value that fits on one line is one line."""
    text = _text(str(value.unescape()) if isinstance(value, Markup) else value, "balanced_lines")
    words = text.split()
    room = width_mm * _PT_PER_MM * 0.97  # a margin for kerning and the renderer's rounding
    if not words:
        return []

    def width(line: Sequence[str]) -> float:
        chars = " ".join(line)
        return sum(_ADVANCE.get(c, 1139) for c in chars) * size_pt / _EM

    needed = _greedy_count(words, width, room)
    if needed == 1:
        return [" ".join(words)]
    # As few lines as the column needs, or one more where that keeps a phrase whole.
    options = [_split(words, k, width, room) for k in (needed, needed + 1)]
    found = [o for o in options if o is not None]
    if not found:  # a word wider than the column: the renderer wraps it
        return [" ".join(words)]
    return min(found, key=lambda o: o[0])[1]


# -- kop lines ---------------------------------------------------------------------------------
# Advance widths of Liberation Sans Bold (the kop's lines are bold), same glyphs and units as
# above (hmtx of letter_templates/fonts/LiberationSans-Bold.ttf); any other character is taken
# as wide as a capital H, so a line with one never comes out wider than measured.
_BOLD_WIDTHS: Final = (
    569, 682, 971, 1139, 1139, 1821, 1479, 487, 682, 682, 797, 1196, 569, 682, 569, 569,
    1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 682, 682, 1196, 1196, 1196,
    1251, 1997, 1479, 1479, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1139, 1479, 1251, 1706,
    1479, 1593, 1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 682, 569,
    682, 1196, 1139, 682, 1139, 1251, 1139, 1251, 1139, 682, 1251, 1251, 569, 569, 1139, 569,
    1821, 1251, 1251, 1251, 1251, 797, 1139, 682, 1251, 1139, 1593, 1139, 1139, 1024, 797,
    573, 797, 1196,
)  # fmt: skip
_BOLD_ADVANCE: Final = dict(zip(_GLYPHS, _BOLD_WIDTHS, strict=True))
_BOLD_OTHER: Final = 1479
KOP_STEP_PT: Final = 0.5  # the kop's font size steps down by half a point
KOP_SMALLEST_PT: Final = 9.0  # below it a kop line is no longer read as a heading


def kop_fit(
    value: str, size_pt: float = 12.0, width_mm: float = 160.0, spacing_em: float = 0.0
) -> dict[str, Any]:
    """The font size at which a kop line ("PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA")
    stays on one line `width_mm` wide (by default the text column), in bold: `size_pt` when
    it fits, else the largest size half a point at a time down to 9 pt that does
    (`letter-spacing` of `spacing_em` counted after every character). `wraps` is true only
    for a line too long even at 9 pt: the template then lets it wrap rather than run past the
    margin. Returns {size, wraps}."""
    text = _text(str(value.unescape()) if isinstance(value, Markup) else value, "kop_fit")
    text = " ".join(text.split())
    room = width_mm * _PT_PER_MM * 0.97  # the margin balanced_lines keeps, for the same reasons
    em = sum(_BOLD_ADVANCE.get(c, _BOLD_OTHER) for c in text) / _EM + spacing_em * len(text)
    size = float(size_pt)
    while em * size > room and size - KOP_STEP_PT >= KOP_SMALLEST_PT:
        size -= KOP_STEP_PT
    return {"size": size, "wraps": em * size > room}


def _split(
    words: Sequence[str], count: int, width: Any, room: float
) -> tuple[float, list[str]] | None:
    """The least-cost split of `words` into `count` lines that fit in `room`, with its cost
    (uneven lines, breaks where a person would not break, an orphan, an extra line)."""
    n = len(words)
    if count > n:
        return None
    inf = float("inf")
    # best[i][k]: the least cost of the first i words on k lines, and where its last line starts
    best = [[(inf, 0)] * (count + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, 0)
    for i in range(1, n + 1):
        for k in range(1, count + 1):
            for j in range(k - 1, i):
                if best[j][k - 1][0] == inf:
                    continue
                line = words[j:i]
                w = width(line)
                if w > room:
                    continue
                cost = best[j][k - 1][0] + ((room - w) / room) ** 2
                if i < n:  # a break after words[i - 1]
                    cost += _break_cost(words[i - 1], words[i])
                elif len(line) == 1 and n > count:  # the last word alone on its line
                    cost += 10.0
                if cost < best[i][k][0]:
                    best[i][k] = (cost, j)
    total = best[n][count][0]
    if total == inf:
        return None
    lines, i = [], n
    for k in range(count, 0, -1):
        j = best[i][k][1]
        lines.append(" ".join(words[j:i]))
        i = j
    return total + 2.0 * (count - 1), lines[::-1]


def _greedy_count(words: Sequence[str], width: Any, room: float) -> int:
    count, line = 1, [words[0]]
    for word in words[1:]:
        if width([*line, word]) > room:
            count, line = count + 1, [word]
        else:
            line.append(word)
    return count


def _break_cost(before: str, after: str) -> float:
    if before.casefold() in _KEEP_WITH_NEXT or (before.casefold(), after.casefold()) in _KEPT_PAIRS:
        return 5.0
    if after.casefold() in _BREAK_BEFORE or before.endswith((",", ";")):
        return 0.0
    return 1.0


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
