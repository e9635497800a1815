"""Where a letter may break (issue 12, "Layout and truth"), with the context build_context
gives it for a regency (Bupati as PPK), a province and a ministry: in a decree MEMUTUSKAN is
never left alone at the foot of a page, and the Menetapkan paragraph (the decree's full title)
is never split; both go over to the next page together (the temporary release's Menetapkan
broke across pages 1 and 2 for all three). A letter number is never split across lines."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

import jinja2
import pytest

from sanctions.letters import images
from sanctions.letters.context import build_context, with_verification
from sanctions.letters.render import render_html
from sanctions.printing.pdf import PdfRenderer
from tests.letters.conftest import build_sample_context
from tests.letters.test_kop_images import png
from tests.letters.test_letterhead import CATALOGUE, EMBLEM, ISSUERS, LOGO, SPECS, _facts
from tests.pdftext import page_texts

pytestmark = pytest.mark.pdf

DECREES = tuple(kind for kind, spec in SPECS.items() if spec.layout == "keputusan")
# what the decision decrees need that the sample case does not say
SANCTIONED = {"sanction": "B-1"}
ARTICLES = {"DIS-02": "Pasal 5 huruf n angka 1 Peraturan Pemerintah Nomor 94 Tahun 2021"}


def _context(kind: str, issuer_type: str) -> dict[str, Any]:
    """The context build_context gives `kind` for that issuer, with the sample case's letter
    data (the team decree, the objection …) for what the step would have recorded."""
    sample = build_sample_context(kind)
    facts = _facts(kind, issuer_type)
    facts = replace(
        facts,
        number=sample["doc"]["number"],
        employee=dict(sample["employee"]),
        facts={**facts.facts, **(SANCTIONED if "sanction" in sample else {})},
        given={**facts.given, "articles": ARTICLES},
        appeal_forum=ISSUERS[issuer_type].head_title,
    )
    context = build_context(facts, CATALOGUE)
    context["data"] = {**sample["data"], **context["data"]}
    for key, value in sample.items():
        context.setdefault(key, value)
    if context["addressee"] is None:  # a surat's addressee, which the test's facts do not name
        context["addressee"] = sample["addressee"]
    return with_verification(context, number=facts.number, url="https://tte.example.go.id/v")


def _words(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


def test_the_sweep_covers_every_keputusan_kind() -> None:
    assert set(DECREES) >= {
        "sk_tim_pemeriksa",
        "sk_pembebasan_sementara",
        "sk_hukuman_disiplin",
        "sk_majelis_kode_etik",
        "keputusan_keberatan",
    }


@pytest.mark.parametrize("issuer_type", list(ISSUERS))
@pytest.mark.parametrize("letter_kind", DECREES)
def test_memutuskan_and_the_whole_menetapkan_paragraph_are_on_one_page(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, letter_kind: str, issuer_type: str
) -> None:
    context = _context(letter_kind, issuer_type)
    kop_image = {LOGO: images.data_uri(png(60, 72)), EMBLEM: images.data_uri(png(64, 70))}
    page = render_html(env, letter_kind, context, images=kop_image)
    found = re.search(r'<p class="kep-menetapkan">(.*?)</p>', page, re.S)
    assert found is not None
    paragraph = _words(found.group(1))
    pdf = pdf_renderer.render_pdf(
        page, identifier=letter_kind.encode(), title=letter_kind, author="a"
    )
    pages = [re.sub(r"\s+", " ", text) for text in page_texts(pdf.data)]
    holding = [n for n, text in enumerate(pages, start=1) if "MEMUTUSKAN:" in text]
    assert len(holding) == 1, (letter_kind, issuer_type, holding)
    text = pages[holding[0] - 1]
    assert f"MEMUTUSKAN: Menetapkan : {paragraph}" in text, (
        letter_kind,
        issuer_type,
        holding,
        text,
    )


@pytest.mark.parametrize("issuer_type", list(ISSUERS))
@pytest.mark.parametrize("letter_kind", ["laporan_tindak_lanjut", "keputusan_keberatan"])
def test_a_letter_number_in_the_text_is_never_split_across_lines(
    pdf_renderer: PdfRenderer, env: jinja2.Environment, letter_kind: str, issuer_type: str
) -> None:
    """A line may break after a slash: the follow-up report printed "… 800.1.6.4/0213/" /
    "BKPSDM/2026 tanggal …", the objection decree's title "NOMOR 800.1.6.4/0213/" /
    "BKPSDM/2026"."""
    context = _context(letter_kind, issuer_type)
    numbers = [v for k, v in context["data"].items() if k.endswith("_number") and v]
    assert numbers
    kop_image = {LOGO: images.data_uri(png(60, 72)), EMBLEM: images.data_uri(png(64, 70))}
    page = render_html(env, letter_kind, context, images=kop_image)
    pdf = pdf_renderer.render_pdf(page, identifier=b"n", title=letter_kind, author="a")
    lines = [re.sub(r"\s+", " ", x) for text in page_texts(pdf.data) for x in text.splitlines()]
    for number in numbers:
        # every time the letter prints the number, a line holds it whole
        assert sum(line.count(number) for line in lines) == _words(page).count(number), (
            number, [x for x in lines if number[:9] in x],
        )  # fmt: skip
