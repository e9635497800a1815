"""The PDF/A-3b validator the PDF tests use (tests/pdfa.py) passes the letters we render and
names, by clause, what a file that is not PDF/A-3b does wrong: it is not a vacuous check."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from sanctions.printing.pdf import PdfRenderer
from tests.pdfa import assert_pdf_a_3b, pdf_a_3b_problems

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "letter_templates"
HTML = '<html lang="id"><body><p>Surat dinas.</p></body></html>'


@pytest.fixture(scope="module")
def letter() -> Any:
    renderer = PdfRenderer(TEMPLATE_DIR)
    yield renderer.render_pdf(HTML, identifier=b"v", title="Surat 1/2024", author="BKN").data
    renderer.close()


@pytest.mark.pdf
def test_a_letter_we_render_passes_every_check(letter: bytes) -> None:
    assert pdf_a_3b_problems(letter) == []
    assert "Letter-Sans" in assert_pdf_a_3b(letter)


@pytest.mark.pdf
def test_a_plain_weasyprint_pdf_is_refused_for_its_missing_id_intent_and_metadata() -> None:
    from weasyprint import HTML as Page

    problems = pdf_a_3b_problems(Page(string=HTML).write_pdf())
    assert any(p.startswith("6.1.3: the trailer has no ID") for p in problems)
    assert any(p.startswith("6.2.2: 0 output intents") for p in problems)
    assert any(p.startswith("6.6: the catalog has no XMP") for p in problems)


@pytest.mark.pdf
def test_javascript_an_unprinted_annotation_and_disagreeing_metadata_are_each_named(
    letter: bytes,
) -> None:
    with pikepdf.open(io.BytesIO(letter)) as document:
        document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10], F=2
        )
        document.pages[0].obj.Annots = document.make_indirect(pikepdf.Array([annotation]))
        document.docinfo["/Title"] = "Judul lain"
        out = io.BytesIO()
        document.save(out)
    problems = pdf_a_3b_problems(out.getvalue())
    assert any(p.startswith("6.4: a forbidden action /JavaScript") for p in problems)
    assert any(p.startswith("6.3: a /Text annotation is not printed") for p in problems)
    assert any(p.startswith("6.6: Info Title 'Judul lain'") for p in problems)
