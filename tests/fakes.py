"""Fakes for tests whose subject is not the PDF.

`FakePdfRenderer` stands in for WeasyPrint (`sanctions.printing.pdf.PdfRenderer`): the letter's
HTML is still rendered for real by the letters service (Jinja2 with StrictUndefined, so a
missing letter value still fails the step), and the fake turns it into a small, real and
deterministic PDF in about a tenth of a millisecond instead of half a second:

* its text is the letter's text (tags dropped), so pypdf can read it and an edit changes it;
* its Info title is what the real renderer writes (``"<title> <number>"``), so `letter verify`
  recognises an altered copy by the number it claims;
* the SHA-256 of the HTML is in its metadata, so two different letters never share a file;
* `page_count`, `signature_box` and `signature_page` are filled like the real renderer's (one
  page per 50 lines; the box on the last page when the HTML has the ``ttd-slot`` anchor).

`fake_app_factory()` is what a CliRunner test passes as click's ``obj`` so that the command
builds its App with the fake (see `sanctions.cli`); subprocess scripts import the fake directly.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sanctions.app import App
from sanctions.printing.pdf import SIGNATURE_ANCHOR, RenderedPdf
from sanctions.settings import Settings
from tests.compiled import share_compiled_sql

LINES_PER_PAGE = 50
# Where the fake puts the signature slot: (x1, y1, x2, y2) in points on an A4 page.
FAKE_SIGNATURE_BOX = (340.0, 120.0, 540.0, 220.0)
_HEAD = re.compile(r"<head\b.*?</head>", re.DOTALL | re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|div|tr|li|h\d|table|section)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass
class FakePdfRenderer:
    """Renders letter HTML to a minimal PDF; records what it was asked to render."""

    rendered: list[str] = field(default_factory=list)  # the titles, in order
    template_dir: Path = Path(__file__).resolve().parents[1] / "letter_templates"

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
        self.rendered.append(title)
        lines = text_lines(html)
        pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
        pages = pages or [[]]
        data = minimal_pdf(
            pages,
            title=title,
            author=author,
            subject=f"sha256:{hashlib.sha256(html.encode('utf-8')).hexdigest()}",
            identifier=identifier,
        )
        has_slot = f'id="{SIGNATURE_ANCHOR}"' in html
        return RenderedPdf(
            data=data,
            page_count=len(pages),
            signature_box=FAKE_SIGNATURE_BOX if has_slot else None,
            signature_page=len(pages) - 1 if has_slot else None,
        )


def fake_app_factory(renderer: FakePdfRenderer | None = None) -> Callable[[Settings], App]:
    """For ``CliRunner().invoke(cli, args, obj=fake_app_factory())``: the command's App renders
    letters with a fake (one shared renderer when given)."""

    def build(settings: Settings) -> App:
        app = App(settings, pdf_renderer=renderer or FakePdfRenderer())
        share_compiled_sql(app.db)  # the engine is built here; it connects on first use
        return app

    return build


def text_lines(html: str) -> list[str]:
    """The visible text of `html`, one line per block, wrapped at 90 characters."""
    body = _BLOCK_END.sub("\n", _HEAD.sub("", html))
    lines: list[str] = []
    for raw in html_lib.unescape(_TAG.sub(" ", body)).splitlines():
        words = raw.split()
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > 90:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
    return lines


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def minimal_pdf(
    pages: list[list[str]], *, title: str, author: str, subject: str, identifier: bytes
) -> bytes:
    """A valid PDF 1.7 file: A4 pages showing `pages`' lines in Helvetica, and an Info dict."""
    page_count = len(pages)
    font = 3 + 2 * page_count
    info = font + 1
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(page_count))
        + b"] /Count %d >>" % page_count,
    ]
    for i, lines in enumerate(pages):
        shown = b"".join(_pdf_string(line) + b" Tj T* " for line in lines)
        stream = b"BT /F1 9 Tf 11 TL 56 790 Td " + shown + b"ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, 4 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(
        b"<< /Title "
        + _pdf_string(title)
        + b" /Author "
        + _pdf_string(author)
        + b" /Subject "
        + _pdf_string(subject)
        + b" /Producer (tests.fakes.FakePdfRenderer) >>"
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = identifier.hex().encode("ascii")
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        info,
        file_id,
        file_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
