"""The kop's images are embedded in the PDF/A: a PNG lambang as an image, an SVG emblem drawn
as vector graphics; the PDF/A-3b structural checks still hold (issue 12)."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from typing import Any

import jinja2
import pikepdf
import pytest

from sanctions.letters import images
from sanctions.letters.render import render_html
from sanctions.printing.pdf import PdfRenderer
from tests.letters.test_kop_images import SVG, png
from tests.pdfa import assert_pdf_a_3b
from tests.pdftext import page_texts

pytestmark = pytest.mark.pdf

LOGO, EMBLEM = "1" * 64, "2" * 64


def _kop(style: str, image: str | None) -> dict[str, Any]:
    if style == "jabatan":
        return {"style": "jabatan", "lines": ["BUPATI SLEMAN"], "contacts": [], "image": image,
                "image_role": "emblem"}  # fmt: skip
    return {
        "style": "instansi",
        "lines": ["PEMERINTAH KABUPATEN SLEMAN", "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM"],
        "contacts": [["Jalan Parasamya Nomor 1, Sleman", "Telepon (0274) 868405"]],
        "image": image,
        "image_role": "logo",
    }


def _images_in(data: bytes) -> list[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(data)) as document:
        return [
            (int(obj.Width), int(obj.Height))
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]


def test_a_png_lambang_is_embedded_in_the_pdf_a(
    env: jinja2.Environment,
    sample_context: Callable[..., dict[str, Any]],
    pdf_renderer: PdfRenderer,
) -> None:
    context = sample_context("surat_panggilan_1", kop=_kop("instansi", LOGO))
    page = render_html(
        env, "surat_panggilan_1", context, images={LOGO: images.data_uri(png(60, 72))}
    )
    pdf = pdf_renderer.render_pdf(page, identifier=b"kop-logo", title="t", author="a")
    assert (60, 72) in _images_in(pdf.data)
    assert_pdf_a_3b(pdf.data)
    listed = subprocess.run(["pdfimages", "-list", "-"], input=pdf.data, capture_output=True,
                            check=False)  # fmt: skip
    if listed.returncode == 0:  # pdfimages reads a file; "-" is not accepted by every version
        assert b"60    72" in listed.stdout or b" 60 " in listed.stdout


def test_an_svg_emblem_is_drawn_as_vector_graphics_in_the_pdf_a(
    env: jinja2.Environment,
    sample_context: Callable[..., dict[str, Any]],
    pdf_renderer: PdfRenderer,
) -> None:
    context = sample_context("sk_hukuman_disiplin", kop=_kop("jabatan", EMBLEM))
    bare = pdf_renderer.render_pdf(
        render_html(env, "sk_hukuman_disiplin", context), identifier=b"k", title="t", author="a"
    )
    drawn = pdf_renderer.render_pdf(
        render_html(env, "sk_hukuman_disiplin", context, images={EMBLEM: images.data_uri(SVG)}),
        identifier=b"k", title="t", author="a",
    )  # fmt: skip
    assert_pdf_a_3b(drawn.data)
    # WeasyPrint draws the SVG as vector paths: its fill colour (#1e783c) is set on page 1
    assert _GREEN.search(_drawing(drawn.data)) and not _GREEN.search(_drawing(bare.data))
    assert _images_in(drawn.data) == _images_in(bare.data)  # no raster copy of the emblem


_GREEN = re.compile(rb"0\.1176\d* 0\.4705\d* 0\.2352\d* (rg|sc|scn)")


def _drawing(data: bytes) -> bytes:
    """Every content stream of the first page, the forms it draws included."""
    with pikepdf.open(io.BytesIO(data)) as document:
        streams = [document.pages[0].obj]
        seen: list[bytes] = []
        while streams:
            obj = streams.pop()
            contents = obj.get("/Contents")
            for part in [contents] if isinstance(contents, pikepdf.Stream) else contents or []:
                seen.append(part.read_bytes())
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                seen.append(obj.read_bytes())
            resources = obj.get("/Resources") or {}
            streams.extend(resources.get("/XObject", {}).values())
        return b"\n".join(seen)


# Each kop, as letterhead.choose gives its lines, for a regency, a province and a ministry,
# with the longest lines each kind of issuer prints (issue 12: "PEMERINTAH DAERAH DAERAH
# ISTIMEWA / YOGYAKARTA" broke its parent line in two).
_LONG_KOPS = {
    "kabupaten": ("instansi", ["PEMERINTAH KABUPATEN SLEMAN",
                               "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"]),
    "provinsi": ("instansi", ["PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA",
                              "BADAN KEPEGAWAIAN DAERAH"]),
    "kementerian": ("instansi", ["KEMENTERIAN PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI "
                                 "BIROKRASI", "REPUBLIK INDONESIA", "SEKRETARIAT KEMENTERIAN"]),
    "gubernur": ("jabatan", ["GUBERNUR DAERAH ISTIMEWA YOGYAKARTA"]),
    "menteri": ("jabatan", ["MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI",
                            "REPUBLIK INDONESIA"]),
}  # fmt: skip


@pytest.mark.parametrize("with_image", [True, False], ids=["with-image", "text-only"])
@pytest.mark.parametrize("issuer", list(_LONG_KOPS))
def test_every_kop_line_prints_on_one_line_of_the_pdf(
    env: jinja2.Environment,
    sample_context: Callable[..., dict[str, Any]],
    pdf_renderer: PdfRenderer,
    issuer: str,
    with_image: bool,
) -> None:
    style, lines = _LONG_KOPS[issuer]
    kop = _kop(style, LOGO if with_image else None)
    kop["lines"] = lines
    kind = "sk_hukuman_disiplin" if style == "jabatan" else "surat_panggilan_1"
    page = render_html(
        env, kind, sample_context(kind, kop=kop), images={LOGO: images.data_uri(png(60, 72))}
    )
    pdf = pdf_renderer.render_pdf(page, identifier=b"kop-lines", title="t", author="a")
    printed = [" ".join(line.split()) for line in page_texts(pdf.data)[0].splitlines()]
    for line in lines:  # the whole line is one line of text, not broken across two
        assert line in printed, f"{line!r} is not one line of the kop: {printed[:8]}"
    assert_pdf_a_3b(pdf.data)
