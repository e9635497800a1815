"""The members of a Tim Pemeriksa or a Majelis Kode Etik as structured data, and the pure rules
on their composition (sanctions/cases/composition.py), without a database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.cases import composition as c
from sanctions.errors import InputError, InvalidNip
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

pytestmark = pytest.mark.pure

TODAY = date(2024, 10, 29)
TEACHER = c.Examinee("198609262015051001", "PNS", "Penata Muda Tingkat I, III/b")
TEAM_RULES = {"required": ("atasan_langsung", "pengawasan", "kepegawaian")}


def member(
    n: int, *, rank: str = "IV/a", element: str | None = None, role: str | None = None
) -> str:
    fields = [f"nama=Pejabat {n}", f"nip=1970020219950320{n:02d}", f"jabatan=Jabatan {n}"]
    fields.append(f"golongan={rank}")
    if element:
        fields.append(f"unsur={element}")
    if role:
        fields.append(f"kedudukan={role}")
    return "; ".join(fields)


def team(*items: str) -> tuple[c.Member, ...]:
    return c.parse_members(" | ".join(items), today=TODAY)


def team_problems(members: tuple[c.Member, ...], involved: bool = False) -> list[str]:
    return c.team_problems(
        members,
        TEACHER,
        required=TEAM_RULES["required"],
        substitute="pejabat_lain",
        superior_involved=involved,
    )


def test_members_are_read_field_by_field_into_name_nip_position_rank_element_and_role() -> None:
    [first, *_] = c.parse_members(TEAM_MEMBERS, today=TODAY)
    assert first == c.Member(
        name="Drs. Sutrisno, M.Pd.",
        nip="196803151994031005",
        position="Kepala SMP Negeri 1 Sleman",
        rank="Pembina Tingkat I, IV/b",
        employee_type="PNS",
        element="atasan_langsung",
        role="ketua",
    )


def test_the_recorded_form_reads_back_to_the_same_members() -> None:
    members = c.parse_members(PANEL_MEMBERS, today=TODAY)
    assert c.from_fact(c.to_fact(members)) == members
    assert c.read(c.to_fact(members), today=TODAY) == members


def test_the_recorded_form_is_not_taken_as_input_so_no_nip_escapes_its_check() -> None:
    forged = '[{"name":"X","nip":"1","position":"Y","rank":"IV/a","employee_type":"PNS"}]'
    with pytest.raises(InputError, match="is not a key=value field"):
        c.parse_members(forged, today=TODAY)


PIECES = st.sampled_from(
    ["nama=", "nip=", "jabatan=", "golongan=", "unsur=", "kedudukan=", "; ", " | ", "=", ";",
     "|", "196803151994031005", "IV/a", "XVII", "ketua", "atasan_langsung", "Drs. A, M.Si.",
     "[", "{", '"', "\n", "197013021995032002"]
)  # fmt: skip


@given(st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=30).map("".join)))
def test_any_members_text_is_read_or_refused_with_the_project_s_own_error(text: str) -> None:
    try:
        members = c.parse_members(text, today=TODAY)
    except InputError as refused:
        assert str(refused)
    else:
        assert members and c.from_fact(c.to_fact(members)) == members


def test_the_old_positional_form_is_refused_with_the_structured_form_shown() -> None:
    with pytest.raises(InputError) as e:
        c.parse_members("Drs. A;196501011990031001;Sekda", today=TODAY)
    assert "'Drs. A' is not a key=value field" in str(e.value)
    assert "the old form 'nama;NIP;jabatan' is no longer accepted" in str(e.value)
    assert "nama=Drs. Sutrisno, M.Si.; nip=196805121994031005" in str(e.value)


def test_a_member_s_nip_is_checked_like_any_nip_and_the_member_is_named() -> None:
    with pytest.raises(InvalidNip) as e:
        c.parse_members("nama=A; nip=196513011990031001; jabatan=B; golongan=IV/a", today=TODAY)
    assert str(e.value).startswith("members[1]: NIP 196513011990031001: digits 1-8")


def test_a_member_without_golongan_or_with_an_unknown_unsur_is_refused() -> None:
    with pytest.raises(InputError, match=r"members\[1\]: missing golongan"):
        c.parse_members("nama=A; nip=196803151994031005; jabatan=B", today=TODAY)
    with pytest.raises(InputError, match=r"unknown unsur 'inspektorat' .allowed: atasan_langsung"):
        c.parse_members(member(1, element="inspektorat"), today=TODAY)
    with pytest.raises(InputError, match=r"golongan 'Pembina' for PNS .*expected a ruang"):
        c.parse_members(member(1, rank="Pembina"), today=TODAY)


def test_the_same_person_twice_is_refused() -> None:
    with pytest.raises(InputError, match=r"members\[2\]: NIP 197002021995032001 is already"):
        team(member(1), member(1))


def test_a_team_of_the_superior_supervision_and_personnel_is_complete() -> None:
    members = team(
        member(1, element="atasan_langsung"),
        member(2, element="pengawasan"),
        member(3, element="kepegawaian"),
    )
    assert team_problems(members) == []


def test_a_team_without_the_personnel_element_names_what_is_missing() -> None:
    members = team(member(1, element="atasan_langsung"), member(2, element="pengawasan"))
    assert team_problems(members) == ["the Tim Pemeriksa has no member with unsur=kepegawaian"]


def test_an_involved_superior_is_replaced_by_the_next_superior_up_and_does_not_sit() -> None:
    replaced = team(
        member(1, element="pejabat_lain"),
        member(2, element="pengawasan"),
        member(3, element="kepegawaian"),
    )
    assert team_problems(replaced, involved=True) == []
    still_there = team(
        member(1, element="atasan_langsung"),
        member(2, element="pengawasan"),
        member(3, element="kepegawaian"),
    )
    [sits, no_substitute] = team_problems(still_there, involved=True)
    assert "no member may sit as atasan_langsung" in sits
    assert "a member with unsur=pejabat_lain (the next superior up) must take" in no_substitute


def test_a_member_junior_to_the_examinee_is_named_with_both_golongan() -> None:
    members = team(member(1, rank="Penata Muda, III/a"), member(2, rank="Penata Muda Tk. I, III/b"))
    assert c.junior_members(members, TEACHER) == [
        "member 1 (Pejabat 1, III/a) is junior to the examinee (III/b)"
    ]


def test_ranks_on_the_pppk_scale_are_not_compared_with_the_pns_scale_but_warned() -> None:
    pppk = c.Examinee("199001152022212003", "PPPK", "IX")
    members = team(member(1, rank="III/a"))
    assert c.junior_members(members, pppk) == []
    [warning] = c.rank_warnings(members, pppk)
    assert "cannot be compared with the examinee's PPPK golongan IX" in warning


def test_an_examinee_without_a_recorded_golongan_is_warned_not_refused() -> None:
    unknown = c.Examinee("198609262015051001", "PNS", None)
    assert c.junior_members(team(member(1, rank="I/a")), unknown) == []
    assert "golongan is not recorded" in c.rank_warnings(team(member(1)), unknown)[0]


def test_the_examinee_cannot_sit_on_the_team() -> None:
    members = team(
        "nama=X; nip=198609262015051001; jabatan=Guru; golongan=III/b; unsur=pengawasan",
        member(1, element="atasan_langsung"),
        member(2, element="kepegawaian"),
    )
    assert team_problems(members) == [
        "member 1 (X) is the examinee; the examinee cannot sit on the body"
    ]


def test_a_panel_of_chair_secretary_and_three_members_holds() -> None:
    members = c.parse_members(PANEL_MEMBERS, today=TODAY)
    assert c.panel_problems(members, TEACHER, min_members=3, odd=True) == []


def test_a_panel_with_two_members_besides_chair_and_secretary_is_too_small() -> None:
    members = team(member(1, role="ketua"), member(2, role="sekretaris"), member(3, role="anggota"))
    problems = c.panel_problems(members, TEACHER, min_members=3, odd=True)
    assert problems == [
        "the Majelis Kode Etik needs at least 3 anggota besides the ketua and the sekretaris "
        "(given: 1)"
    ]


@given(
    anggota=st.integers(min_value=0, max_value=9),
    chairs=st.integers(min_value=0, max_value=2),
    secretaries=st.integers(min_value=0, max_value=2),
)
def test_a_panel_holds_exactly_when_one_chair_one_secretary_enough_members_and_odd(
    anggota: int, chairs: int, secretaries: int
) -> None:
    roles = ["ketua"] * chairs + ["sekretaris"] * secretaries + ["anggota"] * anggota
    members = team(*(member(i + 1, role=r) for i, r in enumerate(roles))) if roles else ()
    holds = not c.panel_problems(members, TEACHER, min_members=3, odd=True)
    assert holds == (chairs == 1 and secretaries == 1 and anggota >= 3 and len(roles) % 2 == 1)


@given(
    examinee=st.tuples(st.sampled_from(["I", "II", "III", "IV"]), st.sampled_from("abcd")),
    other=st.tuples(st.sampled_from(["I", "II", "III", "IV"]), st.sampled_from("abcd")),
)
def test_a_member_is_junior_exactly_when_their_ruang_is_lower(
    examinee: tuple[str, str], other: tuple[str, str]
) -> None:
    own = c.Examinee(TEACHER.nip, "PNS", f"Pangkat, {examinee[0]}/{examinee[1]}")
    members = team(member(1, rank=f"{other[0]}/{other[1]}"))
    order = ["I", "II", "III", "IV"]
    lower = (order.index(other[0]), other[1]) < (order.index(examinee[0]), examinee[1])
    assert bool(c.junior_members(members, own)) == lower


def test_the_printed_rows_give_each_member_a_place_and_the_team_its_element() -> None:
    rows = c.printed(c.parse_members(TEAM_MEMBERS, today=TODAY), team=True)
    assert [(r["role"], r.get("element")) for r in rows] == [
        ("Ketua merangkap Anggota", "unsur atasan langsung"),
        ("Anggota", "unsur pengawasan"),
        ("Sekretaris merangkap Anggota", "unsur kepegawaian"),
    ]


def test_case_show_summarises_the_recorded_members_one_per_item() -> None:
    members = c.from_fact(c.to_fact(c.parse_members(TEAM_MEMBERS, today=TODAY)))
    assert c.summary(members).startswith(
        "Drs. Sutrisno, M.Pd. (Pembina Tingkat I, IV/b, atasan_langsung, ketua) | Ir. Wahyuni"
    )
