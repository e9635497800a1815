"""A draft (KONSEP) as WeasyPrint prints it: never mistakable for an issued letter."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import jinja2
import pypdf
import pytest

from sanctions.letters.draft import DRAFT_IDENTIFIER, DRAFT_LINE, as_draft
from sanctions.letters.render import render_html
from sanctions.printing.pdf import PdfRenderer

pytestmark = pytest.mark.pdf

Context = Callable[..., dict[str, Any]]


@pytest.mark.parametrize("document", ["bap", "sk_hukuman_disiplin", "surat_penerusan"])
def test_every_page_of_a_draft_says_konsep_and_none_carries_a_qr_code_or_hash(
    document: str, pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context(document)
    issued = render_html(env, document, context)
    html = as_draft(issued)
    assert 'class="qr"' in issued and 'class="qr"' not in html
    assert 'class="ttd-hash"' in issued and 'class="ttd-hash"' not in html
    pdf = pdf_renderer.render_pdf(html, identifier=DRAFT_IDENTIFIER, title="KONSEP x", author="x")
    # pypdf reads the rotated watermark too (pdftotext's layout mode leaves it out)
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages]
    assert len(pages) == pdf.page_count
    for text in pages:
        assert "KONSEP" in text and " ".join(DRAFT_LINE.split()[:3]) in " ".join(text.split())
    whole = "\n".join(pages)
    assert "sha256" not in whole and context["verification"]["content_hash"][:8] not in whole
