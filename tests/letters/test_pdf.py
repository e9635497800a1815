"""PDF output: text, page numbers, footer, PDF/A markers, fonts, metadata, QR, signature box.

veraPDF is not reachable from this project's machines (docs/sources.md §L6), so PDF/A is checked
structurally: pdfaid in XMP, an OutputIntent, /Lang, every font embedded.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pikepdf
import pypdf
import pytest

from sanctions.errors import RenderError
from sanctions.letters.render import document_specs, render_html
from sanctions.printing.pdf import PdfRenderer, RenderedPdf
from tests.pdftext import page_texts

pytestmark = pytest.mark.pdf

Context = Callable[..., dict[str, Any]]
FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh BSrE."
)
UU_ITE = "UU ITE No. 11 Tahun 2008 Pasal 5 Ayat 1"
SLOT_HEIGHT_PT = 22 * 72 / 25.4


def _render(
    renderer: PdfRenderer, env: jinja2.Environment, kind: str, context: dict[str, Any]
) -> RenderedPdf:
    html = render_html(env, kind, context)
    return renderer.render_pdf(
        html,
        identifier=f"letter-{kind}".encode(),
        title=f"{context['doc']['title']} {context['doc']['number']}",
        author=context["agency"]["name"],
    )


def _pages(pdf: RenderedPdf) -> list[str]:
    """The text of each page, with runs of white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_a_one_page_letter_shows_its_number_date_addressee_and_signer(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_pengingat_ppk")
    pdf = _render(pdf_renderer, env, "surat_pengingat_ppk", context)
    assert pdf.page_count == 1
    (text,) = _pages(pdf)
    assert f"Nomor : {context['doc']['number']} Jakarta, 23 November 2026" in text
    assert "Yth." in text and "Bupati Sleman" in text
    assert "telah terlampaui 5 (lima) hari kerja" in text
    assert "Dr. Suharmen, M.Si." in text and "NIP 19710307 199703 1 002" in text
    assert "Halaman 1 dari 1" in text


def test_a_multi_page_letter_repeats_the_footer_and_numbers_pages_halaman_x_dari_y(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("rekomendasi")
    assert context["agency"]["page_number_style"] == "halaman"
    pages = _pages(_render(pdf_renderer, env, "rekomendasi", context))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert FOOTER in text
        assert UU_ITE in text
        assert f"Halaman {number} dari {len(pages)}" in text


def test_dash_page_numbers_start_on_page_two(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("sk_tim_pemeriksa")
    assert context["agency"]["page_number_style"] == "dash"
    pages = _pages(_render(pdf_renderer, env, "sk_tim_pemeriksa", context))
    assert len(pages) >= 3
    assert "-1-" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert text.lstrip().startswith(f"-{number}-") or f" -{number}- " in text
        assert "Halaman" not in text
        assert FOOTER in text


def test_without_an_electronic_signature_there_is_no_bsre_footer(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_pengingat_ppk")
    context["agency"]["e_signature"] = False
    (text,) = _pages(_render(pdf_renderer, env, "surat_pengingat_ppk", context))
    assert "BSrE" not in text and UU_ITE not in text


def test_a_disciplinary_decision_carries_the_sanction_wording_and_indonesian_dates(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("sk_hukuman_disiplin")
    text = " ".join(_pages(_render(pdf_renderer, env, "sk_hukuman_disiplin", context)))
    assert (
        "pemotongan tunjangan kinerja sebesar 25% (dua puluh lima persen) selama 6 (enam) bulan"
        in text
    )
    assert "pada tanggal : 23 November 2026" in text
    assert "KEPUTUSAN BUPATI SLEMAN" in text and "MEMUTUSKAN:" in text


def test_a_long_name_in_a_decree_title_and_its_nip_in_the_text_are_never_split_across_lines(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("sk_hukuman_disiplin")
    context["employee"]["name"] = "Dr. Ir. Bambang Sutrisno Wicaksono, M.Si."
    reader = pypdf.PdfReader(
        io.BytesIO(_render(pdf_renderer, env, "sk_hukuman_disiplin", context).data)
    )
    lines = [
        re.sub(r"\s+", " ", line).strip() for line in reader.pages[0].extract_text().splitlines()
    ]
    # Without care the title ended "… ATAS NAMA Dr. Ir. Bambang Sutrisno Wicaksono," / "M.Si."
    # and the considering paragraph "NIP 19860926 201505 1" / "001".
    assert "Dr. Ir. Bambang Sutrisno Wicaksono, M.Si." in lines
    assert any("NIP 19860926 201505 1 001" in line for line in lines)
    assert not any(line in {"M.Si.", "001", "1 001"} for line in lines)


def test_the_pdf_is_marked_pdf_a_3b_in_indonesian_with_an_output_intent_and_the_identifier(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    pdf = _render(pdf_renderer, env, "bap", sample_context("bap"))
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        with document.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3"
            assert xmp.get("pdfaid:conformance") == "B"
        assert str(document.Root.Lang) == "id"
        intents = document.Root.OutputIntents
        assert len(intents) >= 1
        assert str(intents[0].S) == "/GTS_PDFA1"
        assert bytes(document.trailer.ID[0]) == b"letter-bap"


def test_every_font_is_embedded_and_is_the_bundled_liberation_sans(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("lhp")
    context["employee"]["name"] = "Drs. Agus Santoso, M.Pd. — “Āgus” ő ñ"
    pdf = _render(pdf_renderer, env, "lhp", context)
    names = set()
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        for page in document.pages:
            for font in page.Resources.Font.values():
                descriptor = (
                    font.FontDescriptor
                    if "/FontDescriptor" in font
                    else font.DescendantFonts[0].FontDescriptor
                )
                assert "/FontFile2" in descriptor, font.BaseFont
                names.add(str(font.BaseFont).split("+", 1)[1])
    assert names <= {
        "Letter-Sans",
        "Letter-Sans-Bold",
        "Letter-Sans-Italic",
        "Letter-Sans-Bold-Italic",
    }
    assert "Letter-Sans" in names


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_every_font_as_embedded(
    pdf_renderer: PdfRenderer,
    env: jinja2.Environment,
    sample_context: Context,
    tmp_path: Path,
) -> None:
    pdf = _render(pdf_renderer, env, "sk_hukuman_disiplin", sample_context("sk_hukuman_disiplin"))
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf.data)
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_the_title_and_author_reach_the_pdf_metadata(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_panggilan_1")
    pdf = _render(pdf_renderer, env, "surat_panggilan_1", context)
    metadata = pypdf.PdfReader(io.BytesIO(pdf.data)).metadata
    assert metadata is not None
    assert metadata.title == f"Surat Panggilan I {context['doc']['number']}"
    assert metadata.author == context["agency"]["name"]


def test_the_signature_box_is_the_slot_on_the_signers_page_with_the_qr_drawn_in_it(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_panggilan_1")
    pdf = _render(pdf_renderer, env, "surat_panggilan_1", context)
    assert pdf.signature_box is not None and pdf.signature_page is not None
    x1, y1, x2, y2 = pdf.signature_box
    assert 0 < x1 < x2 <= 595.3 and 0 < y1 < y2 <= 841.9
    assert x1 > 595.3 / 2 - 20  # the right half of the page
    assert abs((y2 - y1) - SLOT_HEIGHT_PT) < 1
    pages = _pages(pdf)
    assert "Ery Widaryana, S.Sos., M.M." in pages[pdf.signature_page]
    short = context["verification"]["content_hash"][:8]
    assert f"sha256 {short}" in pages[pdf.signature_page]
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        operators = [
            str(op.operator)
            for op in pikepdf.parse_content_stream(document.pages[pdf.signature_page])
        ]
    assert operators.count("m") > 100  # the QR's module runs, drawn as vector paths


def test_a_letter_without_a_slot_has_no_signature_box(pdf_renderer: PdfRenderer) -> None:
    html = '<html lang="id"><head><title>t</title></head><body><p>Tanpa slot</p></body></html>'
    pdf = pdf_renderer.render_pdf(html, identifier=b"x", title="t", author="a")
    assert pdf.signature_box is None and pdf.signature_page is None
    assert pdf.page_count == 1


@pytest.mark.parametrize(
    "resource",
    [
        '<img src="file:///etc/hostname">',
        '<link rel="stylesheet" href="../pyproject.toml">',
        '<img src="https://example.com/logo.png">',
    ],
)
def test_resources_outside_the_template_folder_are_refused(
    pdf_renderer: PdfRenderer, resource: str
) -> None:
    html = f'<html lang="id"><head><title>t</title></head><body>{resource}<p>x</p></body></html>'
    with pytest.raises(RenderError):
        pdf_renderer.render_pdf(html, identifier=b"x", title="t", author="a")


def test_a_weasyprint_warning_fails_the_letter(pdf_renderer: PdfRenderer) -> None:
    html = '<html lang="id"><body><p style="flubber: 3">x</p></body></html>'
    with pytest.raises(RenderError, match="flubber"):
        pdf_renderer.render_pdf(html, identifier=b"x", title="t", author="a")
    ok = pdf_renderer.render_pdf(
        '<html lang="id"><body><p>x</p></body></html>', identifier=b"x", title="t", author="a"
    )
    assert ok.page_count == 1


def test_user_text_appears_literally_in_the_pdf(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_pengantar_keputusan")
    context["addressee"]["name"] = "Sdr. <script>alert(1)</script> {{ 7*7 }}"
    (text,) = _pages(_render(pdf_renderer, env, "surat_pengantar_keputusan", context))
    assert "Sdr. <script>alert(1)</script> {{ 7*7 }}" in text


def test_every_document_kind_renders_to_a_pdf_with_its_signature_box(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context, kind: str
) -> None:
    context = sample_context(kind)
    pdf = _render(pdf_renderer, env, kind, context)
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.signature_box is not None
    # poppler's text (the tests above use pypdf's, whose spacing their phrases were written
    # for): the number and the sifat come out the same, ten times faster over 25 kinds.
    text = re.sub(r"\s+", " ", " ".join(page_texts(pdf.data)))
    assert context["doc"]["number"] in text
    if document_specs(env)[kind].sifat == "Rahasia":
        assert "Rahasia" in text or "R A H A S I A" in text or "RAHASIA" in text


def test_importing_the_letters_package_does_not_import_weasyprint() -> None:
    code = (
        "import sys, sanctions.letters, sanctions.letters.render, sanctions.letters.documents, "
        "sanctions.letters.pool, sanctions.printing.pdf; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("style", ["dash", "halaman"])
def test_a_rahasia_letter_says_rahasia_at_the_top_and_bottom_of_every_page(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context, style: str
) -> None:
    context = sample_context("lhp")
    context["agency"]["page_number_style"] = style
    context["agency"]["e_signature"] = True
    pdf = _render(pdf_renderer, env, "lhp", context)
    pages = page_texts(pdf.data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == "RAHASIA", (number, lines[:3])
        assert lines.count("RAHASIA") == 2, (number, lines)
        assert lines.index("RAHASIA", 1) > len(lines) // 2  # the second one is at the foot
        assert "diterbitkan oleh BSrE." in " ".join(lines)  # the footer still fits below it


def test_a_letter_that_is_not_rahasia_never_says_rahasia(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    pdf = _render(pdf_renderer, env, "surat_pengingat_ppk", sample_context("surat_pengingat_ppk"))
    assert all("RAHASIA" not in text for text in page_texts(pdf.data))


@pytest.mark.parametrize(
    "letter", ["surat_penerusan", "rekomendasi", "lhp", "surat_panggilan_1", "sk_hukuman_disiplin"]
)
def test_the_signature_never_starts_a_page_without_the_closing_text(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context, letter: str
) -> None:
    """Samples long enough to need a second page: what goes over to it starts with text, and
    the signer's title never opens a page (a secretariat returns an orphaned signature)."""
    context = sample_context(letter)
    pdf = _render(pdf_renderer, env, letter, context)
    pages = page_texts(pdf.data)
    assert len(pages) >= 2, letter
    title = context["signer"]["title"].split()[0]
    for text in pages[1:]:
        # the running "-2-" page number may run into the first line of the page's text
        body = re.sub(r"^\s*(RAHASIA\s*)?-\d+-?", "", text.strip())
        lines = [line.strip() for line in body.splitlines() if line.strip() != ""]
        lines = [line for line in lines if line != "RAHASIA"]
        assert lines and not lines[0].startswith(title), (letter, lines[:3])


def test_a_signers_degrees_wrap_together_never_one_alone_under_the_name(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_pengingat_ppk")
    context["signer"] = {**context["signer"], "name": "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."}
    reader = pypdf.PdfReader(
        io.BytesIO(_render(pdf_renderer, env, "surat_pengingat_ppk", context).data)
    )
    text = "\n".join(page.extract_text() for page in reader.pages)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    # the signature column is narrower than the name: it breaks before the degrees, which
    # stay together ("… Fakrulloh, S.H.," / "M.H." was on the page)
    assert "M.H." not in lines
    assert "S.H., M.H." in lines or "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H." in lines
