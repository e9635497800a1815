"""The one HTML → PDF edge: letters, the report and the case file cover become PDF/A-3b bytes
(with the page count and, for letters, the signature rectangle).

One `PdfRenderer` per process: it holds the process's single `FontConfiguration` and image cache
(a new FontConfiguration per document leaks about 0.2 MB a letter, docs/sources.md §L0.2).
WeasyPrint is imported when the first renderer is built, not when this module is imported. Not
thread-safe.

Every document is PDF/A-3b with embedded fonts and the sRGB output intent. Resources may only
come from files under the template folder or from ``data:`` URIs, and every warning WeasyPrint
logs while rendering (a missing font, an unknown CSS property, a blocked URL) fails the document
with a RenderError rather than producing a subtly wrong PDF.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from sanctions.errors import RenderError

PDF_VARIANT = "pdf/a-3b"
SIGNATURE_ANCHOR = "ttd-slot"
# The sRGB output intent, loaded once per renderer. WeasyPrint's own 'srgb' intent reopens its
# ICC file for every PDF and never closes it (a ResourceWarning per letter in 70.0).
_OUTPUT_INTENT = "srgb-bundled"
_CACHE_LIMIT = 256
STYLESHEET = "print.css"
# The templates link the stylesheet for browser previews; the renderer applies its own copy,
# parsed once per process (re-parsing it took about a fifth of each letter's time).
_STYLESHEET_LINK = f'<link rel="stylesheet" href="{STYLESHEET}">'
_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in points.


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered document.

    `signature_box` is the ``#ttd-slot`` rectangle as (x1, y1, x2, y2) in PDF points, origin at
    the bottom-left of page `signature_page` (0-based), ready for a signing service (BSrE wants
    millimetres: mm = pt × 25.4 / 72). Both are None when the letter has no signature slot.
    """

    data: bytes
    page_count: int
    signature_box: tuple[float, float, float, float] | None
    signature_page: int | None = None


class PdfRendering(Protocol):
    """What the letters service needs of a renderer: `PdfRenderer`, or a test's fake."""

    template_dir: Path

    def render_pdf(
        self,
        html: str,
        *,
        base_url: Path | str | None = None,
        identifier: bytes,
        title: str,
        author: str,
        letter_styles: bool = True,
    ) -> RenderedPdf: ...


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class PdfRenderer:
    """Renders HTML to PDF/A; build one per process and reuse it for every document.

    For letters: the template folder's ``print.css`` is parsed once, here, and applied to every
    letter (as a user stylesheet; the letter templates carry no other styles than a few inline
    widths). The ``<link rel="stylesheet" href="print.css">`` the templates carry, for browser
    previews, is dropped from the HTML before rendering. Other documents (the report, the case
    file cover) bring their own styles and are rendered with ``letter_styles=False``.
    """

    def __init__(self, template_dir: Path, *, pdf_variant: str = PDF_VARIANT) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.template_dir = template_dir.resolve()
        self.pdf_variant = pdf_variant
        self._font_config = FontConfiguration()
        self._cache: dict[str, Any] = {}
        self._srgb = _srgb_profile()
        self._fetcher = _make_fetcher(self.template_dir)
        self._warnings = _WarningCollector()
        logging.getLogger("weasyprint").addHandler(self._warnings)
        self._stylesheet = self._load_stylesheet()

    def _load_stylesheet(self) -> Any:
        from weasyprint import CSS

        path = self.template_dir / STYLESHEET
        if not path.is_file():
            raise RenderError(f"{path}: stylesheet not found")
        self._warnings.messages.clear()
        stylesheet = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=path.as_uri(),
            url_fetcher=self._fetcher,
            font_config=self._font_config,
        )
        if self._warnings.messages:
            raise RenderError(f"{path}: {'; '.join(self._warnings.messages)}")
        return stylesheet

    def close(self) -> None:
        """Detach from WeasyPrint's logger (the font configuration is freed with the object)."""
        logging.getLogger("weasyprint").removeHandler(self._warnings)

    def render_pdf(
        self,
        html: str,
        *,
        base_url: Path | str | None = None,
        identifier: bytes,
        title: str,
        author: str,
        letter_styles: bool = True,
    ) -> RenderedPdf:
        """`html` as a PDF/A document with the given identifier, title and author.

        `base_url` (default: the template folder) resolves relative URLs such as ``print.css``.
        `letter_styles=False` is for documents that are not letters: ``print.css`` is not
        applied and the HTML is rendered as it is, with the styles it carries.
        """
        base = Path(base_url).resolve() if base_url is not None else self.template_dir
        if not base.is_relative_to(self.template_dir):
            raise RenderError(f"base_url {base} is outside the template folder")
        self._warnings.messages.clear()
        try:
            document, data = self._write(
                html.replace(_STYLESHEET_LINK, "", 1) if letter_styles else html,
                base,
                identifier=identifier,
                title=title,
                author=author,
                stylesheets=[self._stylesheet] if letter_styles else [],
            )
        finally:
            self._trim_cache()
        if self._warnings.messages:
            problems = "; ".join(dict.fromkeys(self._warnings.messages))
            self._warnings.messages.clear()
            raise RenderError(f"PDF rendering reported problems: {problems}")
        box, page_index = _signature_box(document.pages)
        return RenderedPdf(
            data=data, page_count=len(document.pages), signature_box=box, signature_page=page_index
        )

    def _write(
        self,
        html: str,
        base: Path,
        *,
        identifier: bytes,
        title: str,
        author: str,
        stylesheets: list[Any],
    ) -> tuple[Any, bytes]:
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        try:
            document = HTML(
                string=html,
                base_url=f"{base.as_uri()}/",
                url_fetcher=self._fetcher,
            ).render(
                stylesheets=stylesheets,
                font_config=self._font_config,
                color_profiles={_OUTPUT_INTENT: self._srgb},
                output_intent=_OUTPUT_INTENT,
                cache=self._cache,
            )
            document.metadata.title = title
            document.metadata.authors = [author]
            data: bytes = document.write_pdf(
                pdf_variant=self.pdf_variant,
                pdf_identifier=identifier,
                output_intent=_OUTPUT_INTENT,
                cache=self._cache,
            )
        except FatalURLFetchingError as error:
            raise RenderError(f"PDF rendering failed: {error}: {error.__cause__}") from None
        except Exception as error:
            raise RenderError(f"PDF rendering failed: {type(error).__name__}: {error}") from error
        return document, data

    def _trim_cache(self) -> None:
        """Keep the image cache for template-folder files only.

        Every letter's QR and every report chart is a new ``data:`` URI; cached, they would grow
        the cache (and the worker) by one image per document.
        """
        for key in [key for key in self._cache if key.startswith("data:")]:
            del self._cache[key]
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()


def _srgb_profile() -> Any:
    """WeasyPrint's bundled sRGB ICC profile, read once (the file is closed straight away)."""
    from importlib.resources import files
    from io import BytesIO

    from weasyprint.css import ColorProfile

    data = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    return ColorProfile(
        BytesIO(data), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )


def _signature_box(pages: list[Any]) -> tuple[tuple[float, float, float, float] | None, int | None]:
    for index, page in enumerate(pages):
        anchor = page.anchors.get(SIGNATURE_ANCHOR)
        if anchor is not None:
            x1, y1, x2, y2 = anchor
            height = page.height
            box = (
                round(x1 * _PX_TO_PT, 2),
                round((height - y2) * _PX_TO_PT, 2),
                round(x2 * _PX_TO_PT, 2),
                round((height - y1) * _PX_TO_PT, 2),
            )
            return box, index
    return None, None


def _make_fetcher(template_dir: Path) -> Any:
    """A URL fetcher for ``data:`` URIs and files under `template_dir`, nothing else.

    File contents are kept in memory: templates, the stylesheet and fonts do not change while
    a process runs.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateFolderFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
            self._files: dict[str, tuple[bytes, str]] = {}

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise ValueError(f"only files under the template folder may be used, not {url}")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(template_dir):
                raise ValueError(f"{path} is outside the template folder {template_dir}")
            key = str(path)
            if key not in self._files:
                self._files[key] = (path.read_bytes(), _content_type(path))
            body, content_type = self._files[key]
            return URLFetcherResponse(path.as_uri(), body, {"Content-Type": content_type})

    return TemplateFolderFetcher()


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".ttf": "font/ttf",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }.get(path.suffix.lower(), "application/octet-stream")
