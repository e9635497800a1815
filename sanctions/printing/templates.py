"""The Jinja2 set-up every printed document shares (letters, the report, the case file cover):
one environment factory and one render function.

Pure: no PDF engine here (see `pdf.py`), no clock (every date comes from the context).
Templates are files under the template folder; nothing from the context is ever compiled as
template code, and every value is HTML-escaped. Every printed string is NFC-normalised and its
exotic dashes replaced (docs/sources.md §L1.5). A missing value is a `RenderError` that names the
template, the line and the dotted path of the value (``'data.exam_place' is undefined``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import jinja2
from jinja2.utils import missing
from markupsafe import Markup

from sanctions.errors import RenderError
from sanctions.printing import filters

__all__ = ["make_environment", "render_template"]

_PATHS: ContextVar[dict[int, str]] = ContextVar("template_context_paths")
# Dashes and hyphens Liberation Sans lacks or that trigger slow font fallback
# (docs/sources.md §L1.5).
_TRANSLATE = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-", "\u00a0": " "})


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


def make_environment(template_dir: Path, *, zero_pad_day: bool = False) -> jinja2.Environment:
    """The Jinja2 environment for the templates in `template_dir`, with the shared filters.

    `zero_pad_day` makes ``tanggal`` write ``05 Desember 2022`` instead of ``5 Desember 2022``
    (a template can still ask for either with ``tanggal(pad=…)``).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=_PathUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    def tanggal(value: Any, pad: bool | None = None) -> str:
        return filters.tanggal(value, pad=zero_pad_day if pad is None else pad)

    env.filters.update(
        tanggal=tanggal,
        hari=filters.hari,
        bulan=filters.bulan,
        waktu=filters.waktu,
        terbilang=filters.terbilang,
        angka_terbilang=filters.angka_terbilang,
        ribuan=filters.ribuan,
        nip=filters.nip,
        short_hash=filters.short_hash,
        lines=filters.lines,
        balanced_lines=filters.balanced_lines,
        gelar_kept=filters.gelar_kept,
        kop_fit=filters.kop_fit,
        upper_except=filters.upper_except,
    )
    return env


def render_template(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    """The HTML of `template` for `context`; every failure is a RenderError naming the template
    (and the innermost template line, and the missing value's path, when there is one)."""
    token = _PATHS.set(_value_paths(context))
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"{error.name or template}: line {error.lineno}: {error}") from None
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"{template}: template not found: {error}") from None
    except (
        jinja2.TemplateError,
        RenderError,
        TypeError,
        ValueError,
        AttributeError,
        LookupError,
        ArithmeticError,
    ) as error:
        where = _where(template, error)
        detail = f"missing value: {error}" if isinstance(error, jinja2.UndefinedError) else error
        raise RenderError(f"{where}: {detail}") from error
    finally:
        _PATHS.reset(token)


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return unicodedata.normalize("NFC", value).translate(_TRANSLATE)
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
