"""The kop, the number series and the signer belong together (issue 12, "The right letterhead
and signer"): chosen by one function from who signs, for every letter kind and for a regency
(Bupati as PPK), a province (Gubernur as PPK) and a ministry (Menteri as PPK)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import jinja2
import pytest

from sanctions.catalogue.loader import load_catalogue
from sanctions.declared.reader import read_yaml
from sanctions.errors import InputError
from sanctions.law import names
from sanctions.letters import letterhead
from sanctions.letters.context import LetterFacts, Party, build_context, letterhead_of
from sanctions.letters.documents import load_documents, load_kop_offices
from sanctions.letters.render import render_html
from tests.letters.conftest import ALL_KINDS, build_sample_context

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
SPECS = load_documents(ROOT / "letter_templates")
OFFICES = load_kop_offices(ROOT / "letter_templates")
CATALOGUE = load_catalogue(ROOT / "workflows" / "catalogue")
AUTHORITY = read_yaml(ROOT / "workflows" / "authority.yaml")
SIGNER_ROLES = {kind: node.text() for kind, node in AUTHORITY.get("signers").items()}
LOGO = "a" * 64
EMBLEM = "e" * 64
PNG_DATA_URI = "data:image/png;base64,iVBORw0KGgo="

# The three kinds of issuer: the agency that keeps the case, whose PPK is an office holder
# who signs on a kop jabatan.
ISSUERS: dict[str, Party] = {
    "kabupaten": Party(
        code="SLEMAN",
        name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        parent="Pemerintah Kabupaten Sleman",
        address="Jalan Parasamya Nomor 1, Beran, Tridadi, Sleman 55511",
        phone="(0274) 868405",
        website="bkpsdm.slemankab.go.id",
        email="bkpsdm@slemankab.go.id",
        city="Sleman",
        kind="daerah",
        head_title="Bupati Sleman",
        head_name="Harda Kiswaya, S.E., M.Si.",
        head_nip=None,
        office_title="Bupati Sleman",
        logo=LOGO,
        emblem=EMBLEM,
        numbering_pattern="{code}/{seq}/{unit}/{year}",
        decree_pattern="188.4/{seq}/KEP.BUP/{year}",
    ),
    "provinsi": Party(
        code="DIY",
        name="Badan Kepegawaian Daerah",
        parent="Pemerintah Daerah Daerah Istimewa Yogyakarta",
        address="Jalan Kyai Mojo Nomor 56, Bener, Tegalrejo, Yogyakarta 55243",
        phone="(0274) 562150",
        website="bkd.jogjaprov.go.id",
        email="bkd@jogjaprov.go.id",
        city="Yogyakarta",
        kind="daerah",
        head_title="Gubernur Daerah Istimewa Yogyakarta",
        head_name="Hamengku Buwono X",
        head_nip=None,
        office_title="Gubernur Daerah Istimewa Yogyakarta",
        logo=LOGO,
        emblem=EMBLEM,
        numbering_pattern="{code}/{seq}/{unit}/{year}",
    ),
    "kementerian": Party(
        code="KEMENDAGRI",
        name="Sekretariat Jenderal",
        parent="Kementerian Dalam Negeri Republik Indonesia",
        address="Jalan Medan Merdeka Utara Nomor 7, Jakarta Pusat 10110",
        phone="(021) 3450038",
        website="www.kemendagri.go.id",
        email="biro.sdm@kemendagri.go.id",
        city="Jakarta",
        kind="pusat",
        head_title="Menteri Dalam Negeri Republik Indonesia",
        head_name="Muhammad Tito Karnavian",
        head_nip=None,
        office_title="Menteri Dalam Negeri Republik Indonesia",
        logo=LOGO,
        emblem=EMBLEM,
        numbering_pattern="{sifat_prefix}-{seq}/{agency}/{unit}/{month:02d}/{year}",
        head_pattern="{code}/{seq}/SJ/{year}",
    ),
}
BKN = Party(
    code="BKN",
    name="Badan Kepegawaian Negara",
    parent="",
    address="Jalan Mayjen Sutoyo Nomor 12, Cililitan, Jakarta Timur 13640",
    phone="(021) 8093008",
    website="www.bkn.go.id",
    email="humas@bkn.go.id",
    city="Jakarta",
    kind="pusat",
    head_title="Kepala Badan Kepegawaian Negara",
    head_name="Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
    head_nip="196901011994031001",
    logo=LOGO,
)
BAWASLU = Party(
    code="BAWASLU-SLEMAN",
    name="Badan Pengawas Pemilihan Umum Kabupaten Sleman",
    parent="",
    address="Jalan Candi Gebang Nomor 11, Wedomartani, Ngemplak, Sleman 55584",
    phone="",
    website="",
    email="",
    city="Sleman",
    kind="daerah",
    head_title="Ketua Badan Pengawas Pemilihan Umum Kabupaten Sleman",
    head_name="Arjuna Al Ichsan Siregar",
    head_nip=None,
    numbering_pattern="{seq}/{code}/{unit}/{roman_month}/{year}",
)
# BPASN, with which a banding is lodged: it issues the receipt (workflows/recipients.yaml).
BPASN = Party(
    code="BPASN",
    name="Badan Pertimbangan Aparatur Sipil Negara",
    parent="",
    address="Jalan Jenderal Sudirman Kav. 69, Jakarta Selatan 12190",
    phone="(021) 7398381",
    website="",
    email="",
    city="Jakarta",
    kind="pusat",
    head_title="Ketua Badan Pertimbangan Aparatur Sipil Negara",
    head_name="Ketua BPASN",
    head_nip=None,
    logo=LOGO,
    numbering_pattern="{seq}/{agency}/{unit}/{month:02d}/{year}",
)
# What each kop prints above the line (kop jabatan by issuer type; agency kop by agency).
KOP_JABATAN = {
    "kabupaten": ("BUPATI SLEMAN",),
    "provinsi": ("GUBERNUR DAERAH ISTIMEWA YOGYAKARTA",),
    "kementerian": ("MENTERI DALAM NEGERI", "REPUBLIK INDONESIA"),
}
KOP_INSTANSI = {
    "SLEMAN": (
        "PEMERINTAH KABUPATEN SLEMAN",
        "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    ),
    "DIY": ("PEMERINTAH DAERAH DAERAH ISTIMEWA YOGYAKARTA", "BADAN KEPEGAWAIAN DAERAH"),
    "KEMENDAGRI": ("KEMENTERIAN DALAM NEGERI", "REPUBLIK INDONESIA", "SEKRETARIAT JENDERAL"),
    "BKN": ("BADAN KEPEGAWAIAN NEGARA",),
    "BAWASLU-SLEMAN": ("BADAN PENGAWAS PEMILIHAN UMUM KABUPATEN SLEMAN",),
    "BPASN": ("BADAN PERTIMBANGAN APARATUR SIPIL NEGARA",),
}
# Who signs a kind the law gives to someone other than the issuer's head (the employee's
# superior, the examination team): the officer names them in the letter's data.
GIVEN_SIGNER = {
    "title": "Kepala Dinas Pendidikan",
    "name": "Ery Widaryana, S.Sos., M.M.",
    "nip": "197001211990031003",
    "rank": "Pembina Tingkat I (IV/b)",
}
NAMED_BY_OFFICER = ("direct_superior", "direct_superior_or_team", "examination_team")
# The officer who took the document in signs its receipt (`receiver` in the letter data).
RECEIVER = {
    "name": "Yoga Pratama, S.H.",
    "nip": "198101102005011004",
    "position": "Analis Sumber Daya Manusia Aparatur Ahli Muda",
}


def _facts(kind: str, issuer_type: str) -> LetterFacts:
    spec = SPECS[kind]
    agency = ISSUERS[issuer_type]
    # the superior's own office stands in as the agency here (tests/letters/
    # test_receivers_and_superiors.py gives it an office of its own)
    issuer = {"case_agency": agency, "supervisory_body": BKN, "bawaslu": BAWASLU,
              "signer_office": agency, "bpasn": BPASN}[spec.issuer]  # fmt: skip
    role = SIGNER_ROLES.get(kind, "issuer_head")
    given: dict[str, object] = {}
    if role in NAMED_BY_OFFICER:
        given = {"signer": dict(GIVEN_SIGNER)}
    elif role == "receiving_officer":
        given = {"receiver": dict(RECEIVER)}
    return LetterFacts(
        kind=kind,
        title=spec.title,
        sifat=spec.sifat,
        number="...",
        on=date(2026, 11, 23),
        issuer=issuer,
        case_agency=agency,
        supervisory_body=BKN,
        case={
            "reference": "NET-2026-000001",
            "register_number": None,
            "contest": "Pilkada",
            "region": "Kabupaten Sleman",
            "act_date": date(2026, 10, 3),
        },
        employee={"name": "Drs. Agus Santoso, M.Pd.", "nip": "198609262015051001"},
        allegations=[{"code": "DIS-02", "conduct": CATALOGUE.violation("DIS-02").conduct}],
        facts={"level": "sedang"},
        rules={names.EFFECT_DAYS_RULE: 15},
        given=given,
        signer_role=role,
        official="ppk",
        official_label="Pejabat Pembina Kepegawaian",
        series=spec.series,
        lampiran=spec.lampiran,
        kop_offices=OFFICES,
    )


def _text(page: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _expected_numbering(issuer: Party, series: str, jabatan: bool) -> letterhead.Numbering:
    if series == "keputusan" and issuer.decree_pattern:
        return letterhead.Numbering(issuer.decree_pattern, "keputusan")
    if jabatan:
        pattern = issuer.head_pattern or letterhead.HEAD_PATTERN
        return letterhead.Numbering(pattern, "ppk")
    pattern = issuer.numbering_pattern
    return letterhead.Numbering(pattern, series if "{series}" in pattern else "*")


@pytest.mark.parametrize("issuer_type", list(ISSUERS))
@pytest.mark.parametrize("letter_kind", ALL_KINDS)
def test_every_kind_has_the_kop_and_number_series_of_the_one_who_signs_it(
    env: jinja2.Environment, letter_kind: str, issuer_type: str
) -> None:
    facts = _facts(letter_kind, issuer_type)
    head = letterhead_of(facts)
    context = build_context(facts, CATALOGUE)
    in_person = facts.issuer is ISSUERS[issuer_type] and not facts.given
    office = facts.issuer.office_title
    # the signer printed is the one the kop and the series were chosen for
    assert context["signer"] == dict(head.signer)
    assert context["kop"] == head.as_context()
    if in_person:  # the PPK signs as the office: kop jabatan, the Garuda, the office's series
        assert head.style == "jabatan"
        assert context["signer"]["title"] == office
        assert head.lines == KOP_JABATAN[issuer_type] and head.contacts == ()
        assert head.image == EMBLEM
    else:  # the agency's kop with its lambang, the agency's series, whoever signs for it
        assert head.style == "instansi"
        expected_title = (
            RECEIVER["position"]
            if "receiver" in facts.given
            else GIVEN_SIGNER["title"]
            if facts.given
            else facts.issuer.head_title
        )
        assert context["signer"]["title"] == expected_title
        assert head.lines == KOP_INSTANSI[facts.issuer.code]
        assert head.contacts[0][0] == facts.issuer.address
        assert head.image == facts.issuer.logo
    assert head.numbering == _expected_numbering(facts.issuer, facts.series, in_person)

    # the page prints that kop and that signer
    sample = build_sample_context(
        letter_kind, agency={**build_sample_context(letter_kind)["agency"], **context["agency"]},
        signer=context["signer"], kop=context["kop"],
    )  # fmt: skip
    images = {LOGO: PNG_DATA_URI, EMBLEM: PNG_DATA_URI}
    page = render_html(env, letter_kind, sample, images=images)
    text = _text(page)
    if in_person:
        assert 'class="kop-jabatan"' in page and 'alt="Garuda Pancasila"' in page
        assert text.count(context["signer"]["title"]) >= 1
        assert facts.issuer.address not in text  # a kop jabatan has no address block
    elif head.image:
        assert 'class="kop-lambang"' in page and "kop-jabatan" not in page
        assert facts.issuer.address in text
    else:
        assert '<img class="kop-' not in page
    for line in (*head.lines, *(" ".join(pieces) for pieces in head.contacts)):
        assert line in text
    assert context["signer"]["name"] in text


def test_a_signer_for_the_regional_head_has_the_agency_kop_and_series() -> None:
    facts = _facts("surat_pengantar_keputusan", "kabupaten")
    for_the_head = {
        "title": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "name": "Budi Pramono, S.H., M.M.",
        "nip": "197203151998031004",
        "rank": "Pembina Utama Muda (IV/c)",
        "on_behalf": "a.n. Bupati Sleman",
    }
    head = letterhead_of(replace(facts, given={"signer": for_the_head}))
    assert head.style == "instansi" and head.image == LOGO
    assert head.numbering == letterhead.Numbering("{code}/{seq}/{unit}/{year}", "*")


def test_an_acting_regional_head_signs_on_the_kop_jabatan() -> None:
    facts = _facts("sk_hukuman_disiplin", "kabupaten")
    acting = replace(facts.issuer, head_name="Danang Maharsa", head_acting="Plt.")
    head = letterhead_of(replace(facts, issuer=acting))
    assert head.style == "jabatan" and head.signer["acting"] == "Plt."
    assert head.numbering == letterhead.Numbering("188.4/{seq}/KEP.BUP/{year}", "keputusan")


def test_a_minister_s_kop_jabatan_names_the_office_on_two_lines() -> None:
    head = letterhead_of(_facts("sk_hukuman_disiplin", "kementerian"))
    assert head.lines == ("MENTERI DALAM NEGERI", "REPUBLIK INDONESIA")
    assert head.numbering == letterhead.Numbering("{code}/{seq}/SJ/{year}", "ppk")


def test_a_head_of_an_agency_that_is_not_an_office_of_state_signs_on_the_agency_kop() -> None:
    # the head of BKN is its PPK, yet BKN's letters carry BKN's kop and BKN's numbers
    head = letterhead_of(replace(_facts("rekomendasi", "kabupaten"), issuer=BKN))
    assert head.style == "instansi"
    assert head.lines[0] == "BADAN KEPEGAWAIAN NEGARA"


def test_without_a_registered_emblem_the_kop_jabatan_is_text_only_and_says_so(
    env: jinja2.Environment,
) -> None:
    facts = _facts("sk_hukuman_disiplin", "provinsi")
    bare = replace(facts, issuer=replace(facts.issuer, emblem=None))
    head = letterhead_of(bare)
    assert head.style == "jabatan" and head.image is None
    assert head.missing_image is not None and "--emblem" in head.missing_image
    page = render_html(
        env, "sk_hukuman_disiplin",
        build_sample_context("sk_hukuman_disiplin", kop=head.as_context()),
    )  # fmt: skip
    assert 'class="kop-jabatan"' in page and '<img class="kop-garuda"' not in page
    assert "GUBERNUR DAERAH ISTIMEWA YOGYAKARTA" in page


def test_a_kind_the_official_who_decides_signs_still_asks_for_the_signer() -> None:
    facts = replace(_facts("sk_hukuman_disiplin", "kabupaten"), official="administrator",
                    official_label="Pejabat Administrator")  # fmt: skip
    with pytest.raises(InputError, match="give the signer"):
        letterhead_of(facts)


def test_a_penjabat_regional_head_signs_on_the_kop_of_the_office() -> None:
    facts = _facts("sk_hukuman_disiplin", "kabupaten")
    pj = replace(facts.issuer, head_title="Pj. Bupati Sleman", office_title="Pj. Bupati Sleman")
    head = letterhead_of(replace(facts, issuer=pj))
    assert head.style == "jabatan" and head.lines == ("BUPATI SLEMAN",)
    assert head.signer["title"] == "Pj. Bupati Sleman"


TEAM_SIGNED = ("bap", "lhp", "ba_ketidakhadiran", "surat_panggilan_1", "surat_panggilan_2")


@pytest.mark.parametrize("team_kind", TEAM_SIGNED)
def test_a_letter_the_team_signs_is_signed_by_the_recorded_chair_not_the_regional_head(
    team_kind: str,
) -> None:
    from sanctions.cases import composition
    from tests.officer import TEAM_MEMBERS

    members = composition.to_fact(composition.parse_members(TEAM_MEMBERS, today=date(2026, 11, 1)))
    facts = replace(
        _facts(team_kind, "kabupaten"), given={}, facts={"level": "sedang", "members": members}
    )
    head = letterhead_of(facts)
    assert (head.signer["name"], head.signer["nip"], head.signer["title"]) == (
        "Drs. Sutrisno, M.Pd.",
        "196803151994031005",
        "Ketua Tim Pemeriksa",
    )
    assert head.style != "jabatan"  # the team's letter is on the agency's kop, in its series


# A surat's text that encloses something: what its Lampiran line must then say.
ENCLOSES = re.compile(r"kami lampirkan|Bersama ini kami sampaikan")
SURAT_KINDS = tuple(kind for kind in ALL_KINDS if SPECS[kind].layout == "surat")


@pytest.mark.parametrize("letter_kind", SURAT_KINDS)
def test_a_surat_says_lampiran_exactly_when_its_text_encloses_something(
    env: jinja2.Environment, letter_kind: str
) -> None:
    """ "Bersama ini kami lampirkan salinan keputusan" with "Lampiran: -" was printed on the
    follow-up report, the forwarding letter, the response to a banding and the covering letter
    of a decision: the kind declares its Lampiran (documents.yaml `lampiran`)."""
    context = build_context(_facts(letter_kind, "kabupaten"), CATALOGUE)
    sample = build_sample_context(letter_kind)
    sample["doc"]["lampiran"] = context["doc"]["lampiran"]
    text = _text(render_html(env, letter_kind, sample))
    found = re.search(r"Lampiran : (.*?) Hal :", text)
    assert found is not None
    encloses = ENCLOSES.search(text) is not None
    assert (found.group(1) != "-") == encloses, (letter_kind, found.group(1))
    if encloses:
        assert found.group(1) == "1 (satu) berkas"


def test_the_officers_lampiran_replaces_the_declared_one() -> None:
    facts = _facts("laporan_tindak_lanjut", "kabupaten")
    given = replace(facts, given={**facts.given, "lampiran": "2 (dua) berkas"})
    assert build_context(given, CATALOGUE)["doc"]["lampiran"] == "2 (dua) berkas"
    assert build_context(facts, CATALOGUE)["doc"]["lampiran"] == "1 (satu) berkas"


def test_a_tembusan_the_officer_gives_is_never_to_the_addressee_as_printed() -> None:
    facts = replace(
        _facts("laporan_tindak_lanjut", "kabupaten"),
        addressee="supervisory_body",
        tembusan=("supervisory_body", "direct_superior"),
    )
    declared = build_context(facts, CATALOGUE)
    assert declared["addressee"]["name"] == BKN.head_title
    # the test's employee has no unit recorded: the copy says no "(None)"
    assert declared["tembusan"] == ["Atasan langsung yang bersangkutan"]
    # the officer's own copies, one of them the addressee (spaced and cased otherwise)
    copies = ["kepala badan kepegawaian  negara", "Inspektur Kabupaten Sleman",
              "Inspektur Kabupaten Sleman"]  # fmt: skip
    given = build_context(replace(facts, given={"tembusan": copies}), CATALOGUE)
    assert given["tembusan"] == ["Inspektur Kabupaten Sleman"]
    # the officer's own addressee, whom a declared copy names
    to_superior = {"name": "Atasan langsung yang bersangkutan", "address": "Sleman"}
    readdressed = build_context(replace(facts, given={"addressee": to_superior}), CATALOGUE)
    assert readdressed["tembusan"] == [BKN.head_title]
