"""Letter HTML from Jinja2 templates: the letter environment and rendering one document kind.

The environment is the shared one (`sanctions.printing.templates`: autoescape, a StrictUndefined
that names the missing value's path, the Indonesian filters) plus what only letters use: the
document declarations, the ``diktum`` and ``qr`` filters, and the ``fail``, ``list_label`` and
``keputusan_rahmat`` globals. Pure: no PDF engine here, no clock.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup

from sanctions.errors import RenderError
from sanctions.letters import qr
from sanctions.letters.documents import DocumentSpec, load_documents, load_kop_offices
from sanctions.printing import templates
from sanctions.printing.filters import terbilang

_DOCUMENTS = "documents"
_KOP_OFFICES = "kop_offices"


def make_environment(
    template_dir: Path,
    *,
    zero_pad_day: bool = False,
    keputusan_rahmat: bool = True,
    documents: Mapping[str, DocumentSpec] | None = None,
) -> jinja2.Environment:
    """The Jinja2 environment for the letter templates in `template_dir`.

    Loads and checks ``documents.yaml`` there (DefinitionError if it is wrong) unless the
    caller gives the `documents` it already loaded.
    `zero_pad_day` writes ``05 Desember 2022`` instead of ``5 Desember 2022``;
    `keputusan_rahmat` prints DENGAN RAHMAT TUHAN YANG MAHA ESA in keputusan headers.
    """
    documents = documents if documents is not None else load_documents(template_dir)
    env = templates.make_environment(template_dir, zero_pad_day=zero_pad_day)
    env.filters.update(diktum=diktum_label, qr=qr_data_uri, nomor=number_kept)
    env.globals.update(
        {
            _DOCUMENTS: types.MappingProxyType(documents),
            _KOP_OFFICES: load_kop_offices(template_dir),
            "keputusan_rahmat": keputusan_rahmat,
            "fail": fail,
            "list_label": list_label,
        }
    )
    return env


def document_specs(env: jinja2.Environment) -> Mapping[str, DocumentSpec]:
    """The document declarations `make_environment` loaded into `env`."""
    specs: Mapping[str, DocumentSpec] = env.globals[_DOCUMENTS]  # type: ignore[assignment]
    return specs


def kop_offices(env: jinja2.Environment) -> tuple[str, ...]:
    """The offices that sign on a kop jabatan (documents.yaml `kop_jabatan`)."""
    offices: tuple[str, ...] = env.globals[_KOP_OFFICES]  # type: ignore[assignment]
    return offices


def render_html(
    env: jinja2.Environment,
    kind: str,
    context: Mapping[str, Any],
    *,
    images: Mapping[str, str] | None = None,
) -> str:
    """The HTML of letter `kind` for `context` (see documents.yaml for the keys it needs).
    `images`: the kop's images as data: URIs by SHA-256 (its `kop.image`); an image the
    context names and `images` lacks leaves the kop without it."""
    spec = document_specs(env).get(kind)
    if spec is None:
        raise RenderError(f"unknown document kind {kind!r}")
    doc = context.get("doc")
    if isinstance(doc, Mapping) and doc.get("kind", kind) != kind:
        raise RenderError(f"{spec.template}: context is for {doc.get('kind')!r}, not {kind!r}")
    return templates.render_template(
        env, spec.template, {**context, "spec": spec, "images": dict(images or {})}
    )


# --- letter-only filters and globals ---------------------------------------------------------


def number_kept(value: object) -> Markup:
    """A letter's number kept on one line, as a secretariat writes it: never
    "800.1.6.4/5/BKPSDM/" / "2024" (a line may break after a slash)."""
    if not isinstance(value, str | jinja2.Undefined):  # an undefined one names itself
        fail(f"nomor: expected a letter number, got {value!r}")
    return Markup('<span class="nowrap">{}</span>').format(str(value))


def diktum_label(number: int) -> str:
    """The diktum heading of a keputusan: 1 → ``KESATU``, 2 → ``KEDUA`` …"""
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise RenderError(f"diktum: expected a whole number from 1, got {number!r}")
    return "KE" + terbilang(number).upper()


def list_label(level: int, number: int) -> str:
    """Legal list labels by nesting level (UU 12/2011 Lampiran II): a. → 1. → a) → 1)."""
    if not 1 <= level <= 4 or number < 1:
        raise RenderError(f"list_label: no label for level {level}, item {number}")
    text = _letters(number) if level in (1, 3) else str(number)
    return f"{text}." if level <= 2 else f"{text})"


def qr_data_uri(content: str) -> str:
    return qr.svg_data_uri(str(content))


def fail(message: str) -> NoReturn:
    """For templates: stop rendering with a RenderError."""
    raise RenderError(message)


def _letters(number: int) -> str:
    """1 → a … 26 → z, 27 → aa (as legal lists continue past z)."""
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text
