"""What a letter prints as law: the violated norm and the sanction article in full Indonesian
words from the catalogue's printed fields, dated by the letter's date; never a research note,
an English word or a confidence tag; an unconfirmed article is asked of the officer, not
guessed (issue 10, "What is printed as law")."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.loader import load_catalogue
from sanctions.errors import InputError, RenderError
from sanctions.law import names
from sanctions.letters.context import LetterFacts, Party, build_context, with_verification
from sanctions.letters.documents import load_documents
from sanctions.letters.render import render_html
from tests.letterdata import OFFICER_ARTICLES

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE: Catalogue = load_catalogue(ROOT / "workflows" / "catalogue")
SPECS = load_documents(ROOT / "letter_templates")
DECIDED = date(2024, 11, 20)
UU_2014 = "Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara"
UU_2023 = "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara"

AGENCY = Party(
    code="SLM",
    name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kabupaten Sleman",
    parent="Pemerintah Kabupaten Sleman",
    address="Jalan Parasamya Nomor 1, Beran, Sleman",
    phone="(0274) 868405",
    website="bkpp.slemankab.go.id",
    email="bkpp@slemankab.go.id",
    city="Sleman",
    kind="daerah",
    head_title="Bupati Sleman",
    head_name="Harda Kiswaya, S.E., M.Si.",
    head_nip=None,
)
BODY = Party(
    code="BKN",
    name="Badan Kepegawaian Negara",
    parent="",
    address="Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur",
    phone="",
    website="",
    email="",
    city="Jakarta",
    kind="pusat",
    head_title="Kepala Badan Kepegawaian Negara",
    head_name="",
    head_nip=None,
)
PNS = {
    "name": "Drs. Bambang Sutrisno",
    "nip": "197603152005011002",
    "employee_type": "PNS",
    "rank": "Penata Tingkat I, III/d",
    "position": "Kepala Seksi Kurikulum",
    "unit": "Dinas Pendidikan Kabupaten Sleman",
    "address": "Jalan Kaliurang Km 9, Sleman",
}
# A sanction kind → the allegation a decree for it answers (a catalogue row of that level).
ANSWERS = {
    "R-1": "PP94-N1", "R-2": "PP94-N1", "R-3": "PP94-N1",
    "S-1": "PP94-N2", "S-2": "PP94-N2", "S-3": "PP94-N2",
    "S-1T": "PP94-N2", "S-2T": "PP94-N2", "S-3T": "PP94-N2",
    "B-1": "PP94-N3", "B-2": "PP94-N4", "B-3": "DIS-07",
    "PTDH": "DIS-05", "PPPK-PHK": "DIS-05",
}  # fmt: skip
# Research words and shorthand that must never reach a letter.
FORBIDDEN = re.compile(
    r"\[(?:C|S|U)\]|\b(?:per|seed|third-party|transitional|formerly|verify|likely|unconfirmed"
    r"|confirmed|confidence|secondary|source|cited|probably|note)\b|\bPs\.? \d|\bPP \d+/\d{4}"
    r"|\bUU \d+/\d{4}|\bPerBKN\b|\bSKB 2022\b|\bNone\b",
    re.IGNORECASE,
)


def _facts(
    kind: str, sanction: str | None, codes: list[str], on: date, **given: Any
) -> LetterFacts:
    spec = SPECS[kind]
    employee = {**PNS, "employee_type": "PPPK"} if sanction == "PPPK-PHK" else PNS
    facts = {"level": CATALOGUE.level_of(codes[0]) or "berat"}
    if sanction is not None:
        facts["sanction"] = sanction
    return LetterFacts(
        kind=kind,
        title=spec.title,
        sifat=spec.sifat,
        number="800.1.6.4/7/BKPSDM/2024",
        on=on,
        issuer=AGENCY,
        case_agency=AGENCY,
        supervisory_body=BODY,
        case={
            "reference": "NTR-2024-0042",
            "register_number": None,
            "contest": "Pemilihan Bupati dan Wakil Bupati Sleman Tahun 2024",
            "region": "Kabupaten Sleman",
            "act_date": date(2024, 10, 3),
        },
        employee=employee,
        allegations=[{"code": c, "conduct": CATALOGUE.violation(c).conduct} for c in codes],
        facts=facts,
        rules={names.EFFECT_DAYS_RULE: 15},
        given=given,
        addressee=spec.addressee,
        tembusan=spec.tembusan,
        appeal_forum="Gubernur Daerah Istimewa Yogyakarta",  # the regent's superior
    )


def _render(env: jinja2.Environment, facts: LetterFacts) -> str:
    context = with_verification(build_context(facts, CATALOGUE), number=facts.number, url=None)
    return render_html(env, facts.kind, context)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _decree(env: jinja2.Environment, code: str, on: date = DECIDED) -> str:
    facts = _facts(
        "sk_hukuman_disiplin",
        code,
        [ANSWERS[code]],
        on,
        lhp_number="800.1.6.4/5/BKPSDM/2024",
        lhp_date=date(2024, 11, 12),
        articles={k: v for k, v in OFFICER_ARTICLES.items() if k in (code, ANSWERS[code])},
    )
    return _text(_render(env, facts))


@pytest.mark.parametrize("code", sorted(ANSWERS))
def test_a_decree_for_each_sanction_kind_prints_indonesian_citations_only(
    env: jinja2.Environment, code: str
) -> None:
    text = _decree(env, code)
    assert not FORBIDDEN.findall(text), FORBIDDEN.findall(text)
    sanction = CATALOGUE.sanction(code)
    printed = sanction.article_on(DECIDED) or OFFICER_ARTICLES[code]
    assert printed in text
    norm = CATALOGUE.violation(ANSWERS[code]).norm_on(DECIDED) or OFFICER_ARTICLES[ANSWERS[code]]
    assert f"yang melanggar ketentuan {norm}" in text


def test_the_research_basis_of_a_row_never_reaches_a_letter(env: jinja2.Environment) -> None:
    text = _decree(env, "PPPK-PHK")
    assert CATALOGUE.sanction("PPPK-PHK").basis not in text
    assert "third-party" not in text and "jo." not in text


def test_a_violated_norm_of_pp_94_is_printed_in_full_words_as_a_decree_cites_it(
    env: jinja2.Environment,
) -> None:
    text = _decree(env, "B-1")
    assert (
        "Pasal 5 huruf n angka 3 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin "
        "Pegawai Negeri Sipil"
    ) in text
    assert "Pasal 8 ayat (4) Peraturan Pemerintah Nomor 94 Tahun 2021" in text


@pytest.mark.parametrize(
    ("on", "cited", "not_cited"),
    [
        (date(2023, 10, 30), "Pasal 87 ayat (4) huruf c " + UU_2014, UU_2023),
        (date(2023, 10, 31), "Pasal 52 ayat (3) huruf j juncto ayat (4) " + UU_2023, UU_2014),
    ],
)
def test_a_dismissal_cites_the_asn_law_in_force_on_the_decision_date(
    env: jinja2.Environment, on: date, cited: str, not_cited: str
) -> None:
    text = _decree(env, "PTDH", on)
    assert cited in text
    assert not_cited not in text


@pytest.mark.parametrize(
    ("on", "law", "not_law"),
    [(date(2023, 10, 30), UU_2014, UU_2023), (date(2023, 10, 31), UU_2023, UU_2014)],
)
def test_the_mengingat_of_every_decree_follows_the_decision_date(
    env: jinja2.Environment, on: date, law: str, not_law: str
) -> None:
    for kind, spec in SPECS.items():
        if spec.layout != "keputusan":
            continue
        assert law + ";" in spec.mengingat_on(on), kind
        assert not_law + ";" not in spec.mengingat_on(on), kind
    text = _decree(env, "S-1", on)
    assert law in text and not_law not in text


def test_an_unconfirmed_violated_norm_is_asked_of_the_officer_not_guessed(
    env: jinja2.Environment,
) -> None:
    facts = _facts(
        "sk_hukuman_disiplin", "B-1", ["DIS-01"], DECIDED,
        lhp_number="1", lhp_date=date(2024, 11, 12),
    )  # fmt: skip
    with pytest.raises(RenderError) as excinfo:
        _render(env, facts)
    assert "the violated norm of DIS-01 is not confirmed in the catalogue" in str(excinfo.value)
    assert "articles: {DIS-01:" in str(excinfo.value)


def test_an_unconfirmed_sanction_article_is_asked_of_the_officer_not_guessed(
    env: jinja2.Environment,
) -> None:
    facts = _facts(
        "sk_hukuman_disiplin", "S-1T", ["PP94-N2"], DECIDED,
        lhp_number="1", lhp_date=date(2024, 11, 12),
    )  # fmt: skip
    with pytest.raises(RenderError, match="the article of sanction S-1T is not confirmed"):
        _render(env, facts)


def test_the_officers_article_is_printed_where_the_catalogue_has_none(
    env: jinja2.Environment,
) -> None:
    confirmed = "Pasal 5 huruf n angka 1 Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin"
    facts = _facts(
        "lhp", "B-1", ["DIS-01"], DECIDED,
        articles={"DIS-01": confirmed}, report_to="Bupati Sleman", exam_date=date(2024, 11, 5),
        findings=[],
    )  # fmt: skip
    assert confirmed in _text(_render(env, facts))


def test_an_officers_article_for_a_confirmed_norm_is_refused() -> None:
    facts = _facts("lhp", "B-1", ["PP94-N3"], DECIDED, articles={"PP94-N3": "Pasal 99"})
    with pytest.raises(
        InputError, match=r"articles\.PP94-N3: the violated norm of PP94-N3 is confirmed"
    ):
        build_context(facts, CATALOGUE)


def test_articles_that_are_not_a_mapping_of_texts_are_refused() -> None:
    facts = _facts("lhp", "B-1", ["DIS-01"], DECIDED, articles=["Pasal 5"])
    with pytest.raises(InputError, match="articles: expected a mapping of catalogue code"):
        build_context(facts, CATALOGUE)


def test_a_letter_before_the_decision_cites_the_list_where_the_norm_is_unconfirmed(
    env: jinja2.Environment,
) -> None:
    facts = _facts(
        "surat_panggilan_1", None, ["DIS-02", "KASN19-15"], DECIDED,
        examiner={"name": "Ery", "nip": "197001211990031003", "rank": "IV/b",
                  "position": "Inspektur"},
        exam_time="09.00 WIB", exam_place="Ruang Rapat", exam_date=date(2024, 11, 25),
    )  # fmt: skip
    context = build_context(facts, CATALOGUE)
    skb = CATALOGUE.source_list("skb-2022").cited_as
    assert [a["basis"] for a in context["case"]["allegations"]] == [skb, skb]
    text = _text(
        render_html(env, "surat_panggilan_1", with_verification(context, number="1", url=None))
    )
    assert not FORBIDDEN.findall(text), FORBIDDEN.findall(text)
