"""HTML → PDF for the case file's cover summary and the reports (not for official letters:
those go through `sanctions.letters`, which numbers, hashes and archives them).

The templates live in the template folder (`letter_templates/dossier.html.j2`,
`letter_templates/report.html.j2`) and use its bundled Liberation Sans fonts. Rendering the
HTML is pure (Jinja2, every value escaped, a missing value is an error); WeasyPrint is imported
only inside `html_to_pdf`, so importing this module costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date

from sanctions.errors import RenderError
from sanctions.registry.nip import format_nip

__all__ = ["html_to_pdf", "make_environment", "render_html"]


def make_environment(template_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(tanggal=tanggal, nip=nip, waktu=waktu, ribuan=ribuan)
    return env


def render_html(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"{template}: template not found in {env.loader}: {exc}") from None
    except (jinja2.TemplateError, TypeError, ValueError, LookupError) as exc:
        raise RenderError(f"{template}: {exc}") from exc


def html_to_pdf(html: str, *, base_dir: Path, title: str, author: str) -> bytes:
    """`html` as PDF bytes; relative URLs (fonts) resolve against `base_dir`. Any warning
    WeasyPrint logs (a missing font, a bad stylesheet) fails the rendering."""
    from weasyprint import HTML

    problems = _Problems()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        document = HTML(string=html, base_url=f"{base_dir.resolve().as_uri()}/").render()
        document.metadata.title = title
        document.metadata.authors = [author]
        data: bytes = document.write_pdf()
    except Exception as exc:
        raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
    finally:
        logger.removeHandler(problems)
    if problems.messages:
        raise RenderError("PDF rendering reported: " + "; ".join(dict.fromkeys(problems.messages)))
    return data


class _Problems(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# -- filters ------------------------------------------------------------------------------
def tanggal(value: date | None) -> str:
    """25 November 2026 (Indonesian month names); '-' for no date."""
    if value is None:
        return "-"
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, "d MMMM y", locale="id")


def waktu(value: datetime) -> str:
    return f"{tanggal(value)} {value:%H.%M} {value.tzname() or ''}".strip()


def nip(value: str) -> str:
    return format_nip(value) if len(value) == 18 and value.isdigit() else value


def ribuan(value: int) -> str:
    """12345 → 12.345 (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")
