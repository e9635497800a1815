"""Letter HTML from Jinja2 templates: the environment, its Indonesian filters, and rendering.

Pure: no PDF engine here (see `pdf.py`), no clock (every date comes from the context).
Templates are files under the template directory; nothing from the context is ever compiled
as template code, and every value is HTML-escaped. A missing value is a `RenderError` that names
the template, the line and the dotted path of the value (``'data.exam_place' is undefined``).
"""

from __future__ import annotations

import types
import unicodedata
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from babel import Locale
from babel.dates import format_date
from jinja2.utils import missing
from markupsafe import Markup
from num2words import num2words

from sanctions.errors import RenderError
from sanctions.letters import qr
from sanctions.letters.documents import DocumentSpec, load_documents

_LOCALE = Locale.parse("id")
_PATHS: ContextVar[dict[int, str]] = ContextVar("letter_context_paths")
# Dashes and hyphens Liberation Sans lacks or that trigger slow font fallback
# (docs/sources.md §L1.5).
_TRANSLATE = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-", "\u00a0": " "})
_DOCUMENTS = "documents"


class _PathUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message gives the full dotted path, e.g. ``'doc.hal'``."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name, owner = self._undefined_name, self._undefined_obj
        if self._undefined_hint or owner is missing:
            return super()._undefined_message
        parent = _PATHS.get({}).get(id(owner))
        if parent is None:
            return super()._undefined_message
        if isinstance(name, str):
            return f"'{parent}.{name}' is undefined"
        return f"'{parent}[{name!r}]' is undefined"


def make_environment(
    template_dir: Path,
    *,
    zero_pad_day: bool = False,
    keputusan_rahmat: bool = True,
    documents: Mapping[str, DocumentSpec] | None = None,
) -> jinja2.Environment:
    """The Jinja2 environment for the templates in `template_dir`.

    Loads and checks ``documents.yaml`` there (DefinitionError if it is wrong) unless the
    caller gives the `documents` it already loaded.
    `zero_pad_day` writes ``05 Desember 2022`` instead of ``5 Desember 2022``;
    `keputusan_rahmat` prints DENGAN RAHMAT TUHAN YANG MAHA ESA in keputusan headers.
    """
    documents = documents if documents is not None else load_documents(template_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=_PathUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    def tanggal(value: date, pad: bool | None = None) -> str:
        day_format = "dd" if (zero_pad_day if pad is None else pad) else "d"
        return format_date(_as_date(value, "tanggal"), f"{day_format} MMMM y", locale=_LOCALE)

    env.filters.update(
        tanggal=tanggal,
        hari=hari,
        bulan=bulan,
        terbilang=terbilang,
        angka_terbilang=angka_terbilang,
        nip=format_nip,
        diktum=diktum_label,
        qr=qr_data_uri,
        short_hash=short_hash,
        lines=lines,
    )
    env.globals.update(
        {_DOCUMENTS: types.MappingProxyType(documents), "keputusan_rahmat": keputusan_rahmat}
    )
    env.globals["fail"] = fail
    env.globals["list_label"] = list_label
    return env


def document_specs(env: jinja2.Environment) -> Mapping[str, DocumentSpec]:
    """The document declarations `make_environment` loaded into `env`."""
    specs: Mapping[str, DocumentSpec] = env.globals[_DOCUMENTS]  # type: ignore[assignment]
    return specs


def render_html(env: jinja2.Environment, kind: str, context: Mapping[str, Any]) -> str:
    """The HTML of letter `kind` for `context` (see documents.yaml for the keys it needs)."""
    spec = document_specs(env).get(kind)
    if spec is None:
        raise RenderError(f"unknown document kind {kind!r}")
    doc = context.get("doc")
    if isinstance(doc, Mapping) and doc.get("kind", kind) != kind:
        raise RenderError(f"{spec.template}: context is for {doc.get('kind')!r}, not {kind!r}")
    token = _PATHS.set(_value_paths(context))
    try:
        template = env.get_template(spec.template)
        return template.render({**context, "spec": spec})
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"{error.name or spec.template}: line {error.lineno}: {error}") from None
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"{spec.template}: template not found: {error}") from None
    except (
        jinja2.TemplateError,
        RenderError,
        TypeError,
        ValueError,
        AttributeError,
        LookupError,
        ArithmeticError,
    ) as error:
        where = _where(spec.template, error)
        detail = f"missing value: {error}" if isinstance(error, jinja2.UndefinedError) else error
        raise RenderError(f"{where}: {detail}") from error
    finally:
        _PATHS.reset(token)


# --- filters (also usable on their own) -----------------------------------------------------


def hari(value: date) -> str:
    """The Indonesian day name: ``Senin`` … ``Minggu``."""
    return format_date(_as_date(value, "hari"), "EEEE", locale=_LOCALE)


def bulan(value: date) -> str:
    """The Indonesian month name: ``Januari`` … ``Desember``."""
    return format_date(_as_date(value, "bulan"), "MMMM", locale=_LOCALE)


def terbilang(value: int) -> str:
    """A whole number in Indonesian words: 12 → ``dua belas``."""
    _defined(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RenderError(f"terbilang: expected a whole number, got {value!r}")
    words: str = num2words(value, lang="id")
    return words


def angka_terbilang(value: int) -> str:
    """Figures then words, as legal texts write them: 12 → ``12 (dua belas)``."""
    return f"{value} ({terbilang(value)})"


def format_nip(value: str) -> str:
    """An 18-digit NIP (or NI PPPK) in its written 8-6-1-3 form: ``19860926 201505 1 001``."""
    digits = str(value).replace(" ", "")
    if len(digits) != 18 or not digits.isdigit():
        raise RenderError(f"nip: {value!r} is not 18 digits")
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def diktum_label(number: int) -> str:
    """The diktum heading of a keputusan: 1 → ``KESATU``, 2 → ``KEDUA`` …"""
    return "KE" + terbilang(number).upper()


def list_label(level: int, number: int) -> str:
    """Legal list labels by nesting level (UU 12/2011 Lampiran II): a. → 1. → a) → 1)."""
    if not 1 <= level <= 4 or number < 1:
        raise RenderError(f"list_label: no label for level {level}, item {number}")
    text = _letters(number) if level in (1, 3) else str(number)
    return f"{text}." if level <= 2 else f"{text})"


def qr_data_uri(content: str) -> str:
    return qr.svg_data_uri(str(content))


def short_hash(value: str) -> str:
    """The first 16 hex digits of a content hash, in two groups: ``3f7a9c12 4b5d8e01``."""
    text = str(value).lower()
    if len(text) < 16 or any(char not in "0123456789abcdef" for char in text):
        raise RenderError(f"short_hash: {value!r} is not a hex digest")
    return f"{text[:8]} {text[8:16]}"


def lines(value: str) -> list[str]:
    """The non-empty lines of a multi-line value (an address), stripped."""
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def fail(message: str) -> NoReturn:
    """For templates: stop rendering with a RenderError."""
    raise RenderError(message)


# --- helpers ---------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return unicodedata.normalize("NFC", value).translate(_TRANSLATE)
    return value


def _letters(number: int) -> str:
    """1 → a … 26 → z, 27 → aa (as legal lists continue past z)."""
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _defined(value: object) -> None:
    """Raise the missing-value error when a filter is given an undefined value."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()


def _as_date(value: object, name: str) -> date:
    _defined(value)
    if not isinstance(value, date):
        raise RenderError(f"{name}: expected a date, got {value!r}")
    return value


def _value_paths(context: Mapping[str, Any]) -> dict[int, str]:
    """id() of every mapping and list in the context → its dotted path, for error messages."""
    paths: dict[int, str] = {}

    def walk(value: Any, path: str, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(value, Mapping):
            paths.setdefault(id(value), path)
            for key, item in value.items():
                walk(item, f"{path}.{key}", depth + 1)
        elif isinstance(value, list | tuple):
            paths.setdefault(id(value), path)
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]", depth + 1)

    for key, value in context.items():
        walk(value, str(key), 0)
    return paths


def _where(template: str, error: BaseException) -> str:
    """``lhp.html.j2: line 12`` or ``lhp.html.j2 (_macros.html.j2 line 58)``: the document's
    template and the innermost template line in the traceback."""
    found: tuple[str, int] | None = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (Path(filename).name, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return template
    name, line = found
    return f"{template}: line {line}" if name == template else f"{template} ({name} line {line})"
