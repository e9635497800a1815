"""Who signs the receipts, the summons of a case examined without a team and the temporary
release, on which kop and in which number series (issue 12, "The right letterhead and
signer"), for a regency (Bupati as PPK), a province (Gubernur as PPK) and a ministry (Menteri
as PPK); and how a long jabatan wraps in the signature column."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.errors import InputError
from sanctions.letters import letterhead, needs
from sanctions.letters.context import Party, build_context, letterhead_of
from sanctions.letters.render import render_html
from sanctions.printing.filters import balanced_lines, kop_fit
from tests.letters.conftest import build_sample_context
from tests.letters.test_letterhead import (
    BAWASLU,
    BPASN,
    CATALOGUE,
    GIVEN_SIGNER,
    ISSUERS,
    LOGO,
    PNG_DATA_URI,
    SPECS,
    _facts,
)

pytestmark = pytest.mark.pure

RECEIVER = {
    "name": "Yoga Pratama, S.H.",
    "nip": "198101102005011004",
    "position": "Analis Sumber Daya Manusia Aparatur Ahli Muda",
}
RECEIPTS = ("tanda_terima_keberatan", "tanda_terima_banding")
SUMMONS = ("surat_panggilan_1", "surat_panggilan_2")
# The direct superior's own office, registered as an issuer, for each kind of government.
UNIT_OFFICES: dict[str, Party] = {
    "kabupaten": replace(
        ISSUERS["kabupaten"],
        code="SMPN1-SLEMAN",
        name="SMP Negeri 1 Sleman",
        head_title="Kepala SMP Negeri 1 Sleman",
        office_title="Kepala SMP Negeri 1 Sleman",
        address="Jalan Bhayangkara Nomor 20, Sleman",
        decree_pattern=None,
        numbering_pattern="{code}/{seq}/SMPN1/{year}",
    ),
    "provinsi": replace(
        ISSUERS["provinsi"],
        code="DISDIKPORA-DIY",
        name="Dinas Pendidikan, Pemuda, dan Olahraga",
        head_title="Kepala Dinas Pendidikan, Pemuda, dan Olahraga",
        office_title="Kepala Dinas Pendidikan, Pemuda, dan Olahraga",
        address="Jalan Cendana Nomor 9, Yogyakarta",
        decree_pattern="188/{seq}/DIKPORA/{year}",
    ),
    "kementerian": replace(
        ISSUERS["kementerian"],
        code="DITJEN-OTDA",
        name="Direktorat Jenderal Otonomi Daerah",
        head_title="Direktur Jenderal Otonomi Daerah",
        office_title="Direktur Jenderal Otonomi Daerah",
        address="Jalan Medan Merdeka Utara Nomor 7, Jakarta Pusat",
        head_pattern=None,
        numbering_pattern="{code}/{seq}/OTDA/{year}",
    ),
}


def _text(page: str) -> str:
    """The page's words: a block tag parts words, an inline span (nowrap) does not."""
    inline = re.sub(r"</?span\b[^>]*>", "", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


def _page(env: jinja2.Environment, kind: str, context: dict[str, Any]) -> str:
    sample = build_sample_context(kind)
    sample.update(
        agency={**sample["agency"], **context["agency"]},
        signer=context["signer"],
        kop=context["kop"],
        data={**sample["data"], **context["data"]},
    )
    return _text(render_html(env, kind, sample, images={LOGO: PNG_DATA_URI}))


# -- receipts ----------------------------------------------------------------------------
@pytest.mark.parametrize("issuer_type", list(ISSUERS))
def test_a_keberatan_receipt_is_signed_by_the_receiving_officer_on_the_agency_kop_and_series(
    env: jinja2.Environment, issuer_type: str
) -> None:
    receipt = "tanda_terima_keberatan"
    facts = replace(_facts(receipt, issuer_type), given={"receiver": dict(RECEIVER)})
    head = letterhead_of(facts)
    context = build_context(facts, CATALOGUE)
    assert context["signer"] == {
        "title": RECEIVER["position"],
        "name": RECEIVER["name"],
        "nip": RECEIVER["nip"],
        "rank": None,
    }
    agency = ISSUERS[issuer_type]
    # the officer signs for the agency: its kop and its berita acara register, not the office's
    assert head.style == "instansi" and head.lines[-1] == agency.name.upper()
    assert head.numbering == letterhead.Numbering(
        agency.numbering_pattern, "berita_acara" if "{series}" in agency.numbering_pattern else "*"
    )
    text = _page(env, receipt, context)
    # the opening sentence names the officer; the pair of signatures has them as receiver
    assert f"di bawah ini, {RECEIVER['name']}, NIP 19810110 200501 1 004, " in text
    assert f"Yang menerima, {RECEIVER['position']}," in text
    handed_by = build_sample_context(receipt)["employee"]["name"]
    assert f"{handed_by} {RECEIVER['name']} NIP 19860926 201505 1 001 NIP 19810110" in text
    assert agency.head_name not in text  # the regional head or minister never receives it


BPASN_RECEIVER = {
    "name": "Rahmat Hidayat, S.H.",
    "nip": "198702142010121002",
    "position": "Analis Hukum Ahli Muda Sekretariat Badan Pertimbangan Aparatur Sipil Negara",
}


@pytest.mark.parametrize("issuer_type", list(ISSUERS))
def test_a_banding_receipt_is_bpasn_s_on_its_kop_in_its_register_signed_by_its_officer(
    env: jinja2.Environment, issuer_type: str
) -> None:
    """A banding is lodged with BPASN, copied to the PPK (PP 79/2021): whatever the case's
    agency, BPASN receives it and issues the receipt (documents.yaml issuer bpasn)."""
    facts = replace(
        _facts("tanda_terima_banding", issuer_type), given={"receiver": dict(BPASN_RECEIVER)}
    )
    assert facts.issuer is BPASN
    head = letterhead_of(facts)
    context = build_context(facts, CATALOGUE)
    assert context["signer"] == {
        "title": BPASN_RECEIVER["position"],
        "name": BPASN_RECEIVER["name"],
        "nip": BPASN_RECEIVER["nip"],
        "rank": None,
    }
    assert head.style == "instansi" and head.lines == ("BADAN PERTIMBANGAN APARATUR SIPIL NEGARA",)
    assert head.image == LOGO and head.contacts[0][0] == BPASN.address
    assert head.numbering == letterhead.Numbering(BPASN.numbering_pattern, "*")
    text = _page(env, "tanda_terima_banding", context)
    assert "BADAN PERTIMBANGAN APARATUR SIPIL NEGARA" in text
    assert f"di bawah ini, {BPASN_RECEIVER['name']}, NIP 19870214 201012 1 002, " in text
    assert "pada Badan Pertimbangan Aparatur Sipil Negara, telah menerima" in text
    assert f"Yang menerima, {BPASN_RECEIVER['position']}," in text
    case_agency = ISSUERS[issuer_type]
    assert case_agency.name.upper() not in text and case_agency.head_name not in text
    assert BPASN.head_name not in text  # its officer receives it, not its head


def test_a_report_receipt_is_signed_by_the_bawaslu_officer_who_took_it_not_the_ketua(
    env: jinja2.Environment,
) -> None:
    officer = {**RECEIVER, "position": "Staf Sekretariat Bawaslu Kabupaten Sleman"}
    facts = replace(_facts("tanda_terima_laporan", "kabupaten"), given={"receiver": officer})
    head = letterhead_of(facts)
    context = build_context(facts, CATALOGUE)
    assert context["signer"]["name"] == officer["name"]
    assert head.lines == ("BADAN PENGAWAS PEMILIHAN UMUM KABUPATEN SLEMAN",)
    assert head.numbering == letterhead.Numbering(BAWASLU.numbering_pattern, "*")
    text = _page(env, "tanda_terima_laporan", context)
    assert "Yang menerima, Staf Sekretariat Bawaslu Kabupaten Sleman" in text
    assert BAWASLU.head_name not in text


@pytest.mark.parametrize("receipt", [*RECEIPTS, "tanda_terima_laporan"])
def test_a_receipt_without_its_receiving_officer_lists_every_value_to_give_at_once(
    receipt: str,
) -> None:
    facts = replace(_facts(receipt, "kabupaten"), given={})
    context = build_context(facts, CATALOGUE)
    assert context["signer"]["name"] == ""  # nothing of the head is filled in
    lacking = [str(n) for n in needs.missing(SPECS[receipt], context)]
    assert {"receiver.name (text)", "receiver.nip (nip)", "receiver.position (text)"} <= set(
        lacking
    )
    skeleton = "\n".join(needs.skeleton(SPECS[receipt]))
    assert "  receiver:\n    name:  # text\n    nip:  # NIP, 18 digits, quoted\n" in skeleton


# -- the summons of a case examined without a team --------------------------------------
@pytest.mark.parametrize("issuer_type", list(ISSUERS))
@pytest.mark.parametrize("summons", SUMMONS)
def test_a_summons_without_a_team_or_a_named_superior_is_refused_naming_the_value(
    summons: str, issuer_type: str
) -> None:
    facts = replace(_facts(summons, issuer_type), given={})
    with pytest.raises(InputError) as raised:
        letterhead_of(facts)
    assert str(raised.value) == (
        "signer: the case is examined without a team, so the employee's direct superior "
        "(atasan langsung) signs the summons, not the head (PP 94/2021 Pasal 26; "
        "workflows/authority.yaml direct_superior_or_team): give the superior as "
        f"{summons}: signer: {{title, name, nip, rank}} in the letter data"
    )


@pytest.mark.parametrize("issuer_type", list(ISSUERS))
@pytest.mark.parametrize("summons", SUMMONS)
def test_a_summons_without_a_team_is_signed_by_the_named_superior_on_the_agency_kop(
    env: jinja2.Environment, summons: str, issuer_type: str
) -> None:
    facts = _facts(summons, issuer_type)  # the letter data names the superior
    head = letterhead_of(facts)
    agency = ISSUERS[issuer_type]
    assert head.signer["name"] == GIVEN_SIGNER["name"]
    assert head.style == "instansi" and head.lines[-1] == agency.name.upper()
    assert head.numbering.pattern == agency.numbering_pattern
    text = _page(env, summons, build_context(facts, CATALOGUE))
    assert f"{GIVEN_SIGNER['title']}, " in text and GIVEN_SIGNER["name"] in text
    assert agency.head_name not in text


# -- the temporary release ---------------------------------------------------------------
@pytest.mark.parametrize("issuer_type", list(UNIT_OFFICES))
def test_a_temporary_release_has_the_kop_and_register_of_the_superior_s_own_office(
    env: jinja2.Environment, issuer_type: str
) -> None:
    """The service issues it from the superior's office (documents.yaml issuer
    signer_office); the kop and the series are that office's, chosen with the signer."""
    office = UNIT_OFFICES[issuer_type]
    superior = {**GIVEN_SIGNER, "title": office.head_title}
    facts = replace(
        _facts("sk_pembebasan_sementara", issuer_type),
        issuer=office,
        given={"signer": superior},
    )
    head = letterhead_of(facts)
    assert head.style == "instansi" and head.image == LOGO
    assert head.lines[-1] == office.name.upper()
    assert office.address in head.contacts[0]
    expected = (
        letterhead.Numbering(office.decree_pattern, "keputusan")
        if office.decree_pattern
        else letterhead.Numbering(office.numbering_pattern, "*")
    )
    assert head.numbering == expected
    text = _page(env, "sk_pembebasan_sementara", build_context(facts, CATALOGUE))
    assert office.name.upper() in text and superior["name"] in text
    assert ISSUERS[issuer_type].name.upper() not in text  # not the BKPSDM's letterhead


# -- a long jabatan in the signature column ----------------------------------------------
MENTERI_PANRB = "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Republik Indonesia,"


def test_a_minister_s_jabatan_breaks_where_a_person_would() -> None:
    assert balanced_lines(MENTERI_PANRB) == [
        "Menteri Pendayagunaan",
        "Aparatur Negara",
        "dan Reformasi Birokrasi",
        "Republik Indonesia,",
    ]
    assert balanced_lines(MENTERI_PANRB.upper())[-1] == "REPUBLIK INDONESIA,"
    assert balanced_lines("Menteri Dalam Negeri Republik Indonesia,") == [
        "Menteri Dalam Negeri",
        "Republik Indonesia,",
    ]
    assert balanced_lines("Ketua Badan Pengawas Pemilihan Umum Kabupaten Sleman,") == [
        "Ketua Badan Pengawas",
        "Pemilihan Umum Kabupaten Sleman,",
    ]
    assert balanced_lines("Bupati Sleman,") == ["Bupati Sleman,"]


def test_the_signature_block_prints_the_balanced_lines(env: jinja2.Environment) -> None:
    signer = {"title": MENTERI_PANRB.rstrip(","), "name": "Abdullah Azwar Anas", "nip": None,
              "rank": None}  # fmt: skip
    page = render_html(env, "sk_hukuman_disiplin",
                       build_sample_context("sk_hukuman_disiplin", signer=signer))  # fmt: skip
    assert (
        "Menteri Pendayagunaan<br>Aparatur Negara<br>dan Reformasi Birokrasi<br>"
        "Republik Indonesia," in page
    )


_WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,", min_size=1,
            max_size=14),
    min_size=1,
    max_size=16,
)  # fmt: skip


@given(words=_WORDS)
def test_balanced_lines_keep_every_word_in_order_and_every_line_fits_the_column(
    words: list[str],
) -> None:
    text = " ".join(words)
    lines = balanced_lines(text)
    assert " ".join(lines).split() == words
    assert balanced_lines(text, width_mm=10_000) == [text]  # what fits stays on one line
    for line in lines:
        if " " in line:  # a line of several words fits the column: it is not wrapped again
            assert balanced_lines(line) == [line]


# -- a kop line on one line ----------------------------------------------------------------
def test_a_kop_line_that_fits_keeps_the_kop_s_size_and_a_long_one_steps_down_until_it_fits() -> (
    None
):
    assert kop_fit("PEMERINTAH KABUPATEN SLEMAN", 14, 139) == {"size": 14.0, "wraps": False}
    # the province's parent line: too long at 14 pt beside the lambang, one line at 13 pt
    assert kop_fit("PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA", 14, 139) == {
        "size": 13.0,
        "wraps": False,
    }
    assert kop_fit("PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA", 14, 165)["size"] == 14.0
    # a line too long even at 9 pt is the one case left to wrap (never past the margin)
    assert kop_fit("BADAN " * 30, 14, 139) == {"size": 9.0, "wraps": True}


@given(
    words=st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ,.", min_size=1, max_size=14),
                   min_size=1, max_size=12),
    size=st.sampled_from([14.0, 15.0]),
    room=st.sampled_from([139.0, 165.0]),
)  # fmt: skip
def test_a_kop_line_is_given_the_largest_half_point_size_at_which_it_fits(
    words: list[str], size: float, room: float
) -> None:
    line = " ".join(words)
    fit = kop_fit(line, size, room)
    assert 9.0 <= fit["size"] <= size and (size - fit["size"]) % 0.5 == 0
    if fit["size"] < size:  # half a point more would not have fitted
        assert kop_fit(line, fit["size"] + 0.5, room)["size"] < fit["size"] + 0.5
    if not fit["wraps"] and fit["size"] > 9.0:
        assert kop_fit(line, fit["size"], room) == fit
