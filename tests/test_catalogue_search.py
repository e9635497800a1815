"""Finding catalogue codes from a report's own words (issue 17): every listed form resolves to
its code, real report phrasings resolve to the right code for the act date, and bad text is a
clear error. Pure: the shipped catalogue, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.loader import load_catalogue
from sanctions.catalogue.search import resolve, search
from sanctions.catalogue.stemming import stem, terms
from sanctions.errors import InputError

pytestmark = pytest.mark.pure

CATALOGUE: Catalogue = load_catalogue(
    Path(__file__).resolve().parent.parent / "workflows" / "catalogue"
)
PENETAPAN = date(2024, 9, 22)
BEFORE = date(2024, 9, 2)  # before penetapan calon: ethics rows, bakal calon
AFTER = date(2024, 10, 10)  # after it: discipline rows, calon

# Report phrasings as officers and Bawaslu offices write them, with the act's timing and the
# code they name.
PHRASINGS: list[tuple[str, date, str]] = [
    ("memasang baliho bakal calon bupati di depan rumah", BEFORE, "ETK-01"),
    ("ikut memasang APK caleg", AFTER, "DIS-01"),
    ("pasang spanduk paslon di pagar kantor", AFTER, "DIS-01"),
    ("sosialisasi bakal calon di facebook", BEFORE, "ETK-02"),
    ("menyebarkan materi kampanye paslon lewat medsos", AFTER, "DIS-02"),
    ("share video kampanye paslon di tiktok", AFTER, "DIS-02"),
    ("komentar mendukung capres di facebook", AFTER, "DIS-02"),
    ("hadir di deklarasi bakal paslon", BEFORE, "ETK-03"),
    ("menghadiri deklarasi paslon dan memberikan dukungan", AFTER, "DIS-04"),
    ("follow akun pemenangan bakal calon", BEFORE, "ETK-04"),
    ("like dan komen postingan capres", AFTER, "DIS-06"),
    ("bergabung di grup WA tim pemenangan paslon", AFTER, "DIS-06"),
    ("foto bareng bakal calon dengan simbol jari di medsos", BEFORE, "ETK-05"),
    ("memposting foto bersama paslon di instagram", AFTER, "DIS-07"),
    ("mengunggah foto bersama calon di media sosial", AFTER, "DIS-07"),
    ("ikut kegiatan sosialisasi partai politik", BEFORE, "ETK-06"),
    ("ikut kampanye istri yang jadi caleg tanpa cuti di luar tanggungan negara", BEFORE, "ETK-07"),
    ("mendekati parpol untuk mencalonkan diri sebagai bupati tanpa cuti", BEFORE, "DIS-03"),
    ("menjadi pengurus partai politik", AFTER, "DIS-05"),
    ("tercatat sebagai anggota parpol", AFTER, "DIS-05"),
    ("mengadakan kegiatan yang mengarah keberpihakan dengan ajakan dan imbauan", AFTER, "DIS-08"),
    ("menjadi tim sukses bakal calon", BEFORE, "DIS-09"),
    ("menjadi tim pemenangan paslon setelah penetapan", AFTER, "DIS-10"),
    ("menjadi konsultan partai politik", AFTER, "DIS-10"),
    ("mengumpulkan fotokopi KTP untuk bakal calon perseorangan", BEFORE, "DIS-11"),
    ("memberikan surat dukungan disertai fotokopi KTP untuk calon DPD", AFTER, "PP94-N7"),
    ("membuat kebijakan yang menguntungkan salah satu paslon", AFTER, "PP94-N5"),
    ("mengadakan pertemuan dengan warga mengajak memilih paslon", AFTER, "PP94-N6"),
    ("membagikan sembako dari paslon kepada warga", AFTER, "PP94-N6"),
    ("ikut kampanye calon bupati", AFTER, "PP94-N1"),
    ("ikut berkampanye untuk calon presiden", AFTER, "PP94-N1"),
    ("hadir dalam kampanye terbuka paslon", AFTER, "DIS-04"),
    ("ikut kampanye memakai atribut partai", AFTER, "PP94-N2"),
    ("kampanye pakai seragam PNS", AFTER, "PP94-N2"),
    ("mengerahkan PNS lain ikut kampanye", AFTER, "PP94-N3"),
    ("menggunakan mobil dinas untuk kampanye", AFTER, "PP94-N4"),
    ("menjadi panitia kampanye paslon", AFTER, "KASN19-03"),
    ("menjadi pelaksana kampanye", AFTER, "KASN19-03"),
    ("menghadiri acara partai politik", AFTER, "KASN19-06"),
    ("datang ke acara parpol", BEFORE, "KASN19-06"),
    ("hadir di acara penyerahan dukungan parpol ke paslon", AFTER, "KASN19-07"),
    ("jadi narsum di acara parpol", AFTER, "KASN19-15"),
    ("menjadi pembicara dalam pertemuan partai politik", AFTER, "KASN19-15"),
    ("melobi partai politik agar mencalonkan kakaknya", BEFORE, "KASN19-14"),
    ("mencalonkan diri sebagai caleg tanpa mengundurkan diri sebagai ASN", AFTER, "UU20-59"),
    ("maju sebagai calon bupati tetapi tidak mundur dari PNS", AFTER, "UU20-59"),
]


def test_the_table_holds_at_least_forty_phrasings_of_distinct_wording() -> None:
    assert len({p for p, _, _ in PHRASINGS}) == len(PHRASINGS) >= 40


@pytest.mark.parametrize(("text", "acted", "code"), PHRASINGS, ids=[p for p, _, _ in PHRASINGS])
def test_a_real_report_phrasing_resolves_to_its_code(text: str, acted: date, code: str) -> None:
    found = resolve(CATALOGUE, text, act_date=acted, penetapan_calon=PENETAPAN)
    assert found.best is not None, (found.reason, found.candidates[:3])
    assert found.best.code == code, found.candidates[:3]


def test_every_row_finds_itself_first_from_its_own_conduct() -> None:
    for v in CATALOGUE.violations:
        assert search(CATALOGUE, v.conduct)[0].code == v.code, v.code


def test_every_listed_form_resolves_to_one_of_its_codes_first() -> None:
    for alias in CATALOGUE.aliases:
        hits = search(CATALOGUE, alias.form)
        assert hits[0].code in alias.codes, (alias.list, alias.item, hits[:3])


def test_a_form_listed_by_phase_resolves_by_the_act_date() -> None:
    form = "Kampanye atau sosialisasi melalui media sosial (posting, share, berkomentar)"
    early = resolve(CATALOGUE, form, act_date=BEFORE, penetapan_calon=PENETAPAN)
    late = resolve(CATALOGUE, form, act_date=AFTER, penetapan_calon=PENETAPAN)
    assert early.best is not None and early.best.code == "ETK-02"
    assert late.best is not None and late.best.code == "DIS-02"


def test_the_forms_the_issue_names_each_have_a_code_of_their_own() -> None:
    named = {
        "committee member or organiser of a campaign": "KASN19-03",
        "attending a party's event": "KASN19-06",
        "attending a party's hand-over of support to a candidate pair": "KASN19-07",
        "approaching a party about someone else's candidacy": "KASN19-14",
        "speaker or resource person at a party event": "KASN19-15",
        "running as a candidate without resigning": "UU20-59",
    }
    for code in named.values():
        v = CATALOGUE.violation(code)
        assert v.listed_in and v.source and v.confidence in ("C", "S", "U")
        assert search(CATALOGUE, v.conduct)[0].code == code


def test_a_code_whose_phase_the_act_date_does_not_fit_comes_after_those_that_fit() -> None:
    hits = search(
        CATALOGUE, "memasang baliho bakal calon", act_date=AFTER, penetapan_calon=PENETAPAN
    )
    fits = [h.fits_phase for h in hits]
    assert fits == sorted(fits, key=lambda f: f is False)
    assert hits[0].code == "DIS-01"  # the ethics row ETK-01 does not fit an act after penetapan


def test_without_dates_no_phase_is_judged() -> None:
    assert all(h.fits_phase is None for h in search(CATALOGUE, "memasang baliho"))


def test_a_vague_text_is_ambiguous_and_gives_the_candidates() -> None:
    found = resolve(CATALOGUE, "calon", act_date=AFTER, penetapan_calon=PENETAPAN)
    assert found.best is None
    assert (found.candidates and "nearly matched" in found.reason) or "scores" in found.reason


def test_joining_a_candidate_pairs_campaign_is_refused_between_its_two_codes() -> None:
    # PP 94 Ps 5 n angka 1 (ikut kampanye) and the SKB's DIS-04 (attending a candidate pair's
    # campaign) both read so: the officer chooses.
    found = resolve(CATALOGUE, "ikut kampanye paslon", act_date=AFTER, penetapan_calon=PENETAPAN)
    assert found.best is None
    assert {"PP94-N1", "DIS-04"} <= {h.code for h in found.candidates}


def test_a_text_matching_nothing_gives_no_best_and_says_why() -> None:
    found = resolve(CATALOGUE, "banjir bandang melanda desa", act_date=AFTER)
    assert found.best is None
    assert found.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the description is empty"),
        ("   \n\t", "the description is empty"),
        ("yang dan di ke 2024 !!!", "has no word that describes a conduct"),
        ("x" * 2001, "is 2001 characters long (at most 2000)"),
    ],
)
def test_bad_or_empty_text_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        search(CATALOGUE, text)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("memasang", "pasang"), ("dipasang", "pasang"), ("pemasangan", "pasang"),
        ("menghadiri", "hadir"), ("kehadiran", "hadir"), ("mendukung", "dukung"),
        ("dukungan", "dukung"), ("menyerahkan", "serah"), ("penyerahan", "serah"),
        ("memberikan", "beri"), ("pemberian", "beri"), ("mendekati", "dekat"),
        ("pendekatan", "dekat"), ("mencalonkan", "calon"), ("berkampanye", "kampanye"),
        ("mengkampanyekan", "kampanye"), ("memperkenalkan", "kenal"), ("pasangan", "pasangan"),
    ],
)  # fmt: skip
def test_the_affix_stripper_brings_derived_words_to_their_base(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("medsos", "media sosial"),
        ("narsum", "narasumber"),
        ("paslon", "pasangan calon"),
        ("parpol", "partai politik"),
        ("like komen share", "like comment share"),
        ("billboard", "baliho"),
    ],
)
def test_report_shorthand_reads_as_the_catalogue_words(short: str, long: str) -> None:
    assert set(terms(short)) <= set(terms(long)) | set(terms(short)) and set(terms(long)) <= set(
        terms(short)
    )


_NOISE = st.sampled_from(["", "ASN ", "Terlapor ", "Sdr. X diduga ", "Oknum PNS "])
_END = st.sampled_from(["", ".", " pada hari kerja", " di Kabupaten Sleman tahun 2024"])


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(CATALOGUE.violations),
    _NOISE,
    _END,
    st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
)
def test_a_rows_own_conduct_finds_it_first_however_it_is_cased_or_framed(
    violation,
    lead: str,
    tail: str,
    case,  # type: ignore[no-untyped-def]
) -> None:
    text = case(lead + violation.conduct + tail)
    assert search(CATALOGUE, text)[0].code == violation.code


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_either_searched_or_a_clear_input_error(text: str) -> None:
    try:
        hits = search(CATALOGUE, text)
    except InputError as exc:
        assert str(exc).startswith("the description")
    else:
        assert all(0 < h.score <= 1 for h in hits)
        assert len({h.code for h in hits}) == len(hits)
