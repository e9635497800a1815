"""The violation and sanction catalogue: the shipped files, the rules they encode, and one
invalid fixture per validation rule (tests/data/catalogue/<case>/, overlaid on base/)."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctions.catalogue.entries import Catalogue, Sanction
from sanctions.catalogue.loader import load_catalogue
from sanctions.errors import DefinitionError, InputError, UnknownCode

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "workflows" / "catalogue"
FIXTURES = Path(__file__).resolve().parent / "data" / "catalogue"
PP94_IN_FORCE = date(2021, 8, 31)

# docs/sources.md §3.1, §3.2 and §3.3.
VIOLATION_CODES = (
    [f"ETK-{n:02d}" for n in range(1, 8)]
    + [f"DIS-{n:02d}" for n in range(1, 14)]
    + [f"PP94-N{n}" for n in range(1, 8)]
    + ["KASN19-03", "KASN19-06", "KASN19-07", "KASN19-14", "KASN19-15", "UU20-59"]
)
SANCTION_CODES = [
    "MOR-T", "MOR-B", "R-1", "R-2", "R-3", "S-1", "S-2", "S-3", "S-1T", "S-2T", "S-3T",
    "B-1", "B-2", "B-3", "PTDH", "PPPK-PHK",
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(SHIPPED)


def codes(sanctions: list[Sanction]) -> list[str]:
    return [s.code for s in sanctions]


# -- the shipped files ---------------------------------------------------------------------


def test_the_shipped_catalogue_loads(catalogue: Catalogue) -> None:
    assert len(catalogue.violations) == 33
    assert len(catalogue.sanctions) == 16


def test_every_violation_code_in_the_domain_reference_is_present(catalogue: Catalogue) -> None:
    assert [v.code for v in catalogue.violations] == VIOLATION_CODES


def test_every_sanction_code_in_the_domain_reference_is_present(catalogue: Catalogue) -> None:
    assert [s.code for s in catalogue.sanctions] == SANCTION_CODES


def test_levels_run_from_moral_to_pemberhentian(catalogue: Catalogue) -> None:
    assert [lv.code for lv in catalogue.levels] == [
        "moral", "ringan", "sedang", "berat", "pemberhentian",
    ]  # fmt: skip
    assert [catalogue.level_rank(lv.code) for lv in catalogue.levels] == [0, 1, 2, 3, 4]
    assert catalogue.level("sedang").label == "Hukuman Disiplin Sedang"
    assert not catalogue.level("pemberhentian").assignable


def test_every_secondary_or_unconfirmed_row_says_why_in_a_note(catalogue: Catalogue) -> None:
    for v in catalogue.violations:
        if "S" in (v.confidence, v.phase_confidence) or "U" in (v.confidence, v.phase_confidence):
            assert v.note and ("[S]" in v.note or "[U]" in v.note), v.code
    for s in catalogue.sanctions:
        tags = (s.confidence, s.appeal_confidence, s.employee_types_confidence)
        if "S" in tags or "U" in tags:
            assert s.note and ("[S]" in s.note or "[U]" in s.note), s.code


def test_ethics_rows_carry_a_moral_level_and_are_declared_by_the_ppk(
    catalogue: Catalogue,
) -> None:
    for v in catalogue.violations:
        if v.code.startswith("ETK-"):
            assert (v.track, v.phase, v.level, v.decided_by) == (
                "etik", "bakal_calon", "moral", "ppk",
            )  # fmt: skip


def test_dis_05_party_membership_carries_the_fixed_sanction_ptdh(catalogue: Catalogue) -> None:
    dis05 = catalogue.violation("DIS-05")
    assert dis05.level is None
    assert dis05.fixed_sanction == "PTDH"
    assert catalogue.level_of(dis05) == "pemberhentian"


def test_dis_13_is_left_to_the_satgas(catalogue: Catalogue) -> None:
    dis13 = catalogue.violation("DIS-13")
    assert (dis13.decided_by, dis13.level, dis13.fixed_sanction) == ("satgas", None, None)
    assert catalogue.level_of("DIS-13") is None


def test_the_skb_levels_two_sources_give_are_secondary_not_unconfirmed(
    catalogue: Catalogue,
) -> None:
    levels = {c: catalogue.violation(c) for c in ("DIS-09", "DIS-10", "DIS-11", "DIS-12")}
    assert {c: v.level for c, v in levels.items()} == {
        "DIS-09": "sedang", "DIS-10": "berat", "DIS-11": "berat", "DIS-12": "berat",
    }  # fmt: skip
    assert all(v.confidence == "S" for v in levels.values())


def test_every_shipped_row_names_the_lists_it_comes_from(catalogue: Catalogue) -> None:
    keys = {lst.key for lst in catalogue.lists}
    assert keys == {"skb-2022", "pp94-2021", "kasn-2019", "uu20-2023"}
    for v in catalogue.violations:
        assert v.listed_in and set(v.listed_in) <= keys, v.code


def test_every_item_of_the_kasn_2019_list_is_a_row_or_an_alias(catalogue: Catalogue) -> None:
    items = {a.item.rstrip("a") for a in catalogue.aliases if a.list == "kasn-2019"}
    items |= {
        v.code.split("-")[1].lstrip("0")
        for v in catalogue.violations
        if v.code.startswith("KASN19")
    }
    assert {str(n) for n in range(1, 17)} <= items
    assert any(a.item == "10" and a.codes == ("UU20-59",) for a in catalogue.aliases)


def test_every_alias_and_list_carries_its_source_and_a_tag(catalogue: Catalogue) -> None:
    for a in catalogue.aliases:
        assert a.source and a.confidence in ("C", "S", "U"), (a.list, a.item)
        if a.confidence != "C":
            assert a.note and ("[S]" in a.note or "[U]" in a.note), (a.list, a.item)
    for lst in catalogue.lists:
        assert lst.source and lst.title


def test_a_violated_norm_is_printed_only_where_it_is_confirmed(catalogue: Catalogue) -> None:
    printed = {v.code for v in catalogue.violations if v.norm}
    assert printed == {"DIS-05", *(f"PP94-N{n}" for n in range(1, 8))}
    for v in catalogue.violations:
        for text in (t.text for t in v.norm):
            assert text.startswith("Pasal ") and " Nomor " in text and " Tahun " in text
    assert catalogue.violation("DIS-05").norm_on(date(2023, 10, 30)) == (
        "Pasal 87 ayat (4) huruf c Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara"
    )


def test_the_tags_the_legal_review_corrects_are_corrected(catalogue: Catalogue) -> None:
    # docs/sources.md §3.1, §3.2: DIS-03's level is contested (S); PP 94 Ps 5 n angka 1 has no level
    # in the restatements (U).
    assert catalogue.violation("DIS-03").confidence == "S"
    assert catalogue.violation("PP94-N1").confidence == "U"


@pytest.mark.parametrize(
    ("code", "months", "final"),
    [
        ("R-1", None, False), ("S-1", 6, False), ("S-2", 9, False), ("S-3", 12, False),
        ("S-1T", 12, False), ("S-2T", 12, False), ("S-3T", 12, False), ("B-1", 12, False),
        ("B-2", 12, False), ("B-3", None, True), ("PTDH", None, True), ("PPPK-PHK", None, True),
    ],
)  # fmt: skip
def test_sanctions_run_for_their_statutory_months_or_are_final(
    catalogue: Catalogue, code: str, months: int | None, final: bool
) -> None:
    sanction = catalogue.sanction(code)
    assert (sanction.duration_months, sanction.final) == (months, final)


def test_each_transitional_substitute_names_the_tukin_cut_it_replaces(
    catalogue: Catalogue,
) -> None:
    assert {s.code: s.substitutes for s in catalogue.sanctions if s.substitutes} == {
        "S-1T": "S-1", "S-2T": "S-2", "S-3T": "S-3",
    }  # fmt: skip


# -- time-versioned sedang sanctions -------------------------------------------------------


def test_sedang_before_the_tukin_regulation_offers_the_transitional_substitutes() -> None:
    cat = load_catalogue(SHIPPED, tukin_regulation_in_force=date(2026, 7, 1))
    options = cat.sanctions_for_level("sedang", on=date(2026, 6, 30), employee_type="PNS")
    assert codes(options) == ["S-1T", "S-2T", "S-3T"]


def test_sedang_from_the_tukin_regulation_on_offers_the_tukin_cuts() -> None:
    cat = load_catalogue(SHIPPED, tukin_regulation_in_force=date(2026, 7, 1))
    options = cat.sanctions_for_level("sedang", on=date(2026, 7, 1), employee_type="PNS")
    assert codes(options) == ["S-1", "S-2", "S-3"]


def test_sedang_offers_the_substitutes_on_any_date_while_no_tukin_regulation_applies(
    catalogue: Catalogue,
) -> None:
    assert catalogue.tukin_regulation_in_force is None
    for on in (PP94_IN_FORCE, date(2025, 1, 15), date(2099, 12, 31)):
        options = catalogue.sanctions_for_level("sedang", on=on, employee_type="PNS")
        assert codes(options) == ["S-1T", "S-2T", "S-3T"]
    assert not catalogue.sanction("S-1").available_on(date(2099, 12, 31))


@settings(deadline=None)  # the first example per tukin date loads the catalogue
@given(
    tukin=st.dates(min_value=date(2021, 9, 1), max_value=date(2040, 12, 31)),
    on=st.dates(min_value=PP94_IN_FORCE, max_value=date(2045, 12, 31)),
)
def test_on_any_decision_date_exactly_one_of_each_substitution_pair_is_available(
    tukin: date, on: date
) -> None:
    cat = _with_tukin(tukin)
    for substitute in ("S-1T", "S-2T", "S-3T"):
        original = cat.sanction(substitute).substitutes
        assert original is not None
        assert cat.sanction(substitute).available_on(on) != cat.sanction(original).available_on(on)
        assert cat.sanction(original).available_on(on) == (on >= tukin)


_TUKIN_CACHE: dict[date, Catalogue] = {}


def _with_tukin(tukin: date) -> Catalogue:
    if tukin not in _TUKIN_CACHE:
        _TUKIN_CACHE[tukin] = load_catalogue(SHIPPED, tukin_regulation_in_force=tukin)
    return _TUKIN_CACHE[tukin]


def test_pp94_sanctions_are_not_offered_for_decisions_before_pp94_took_force(
    catalogue: Catalogue,
) -> None:
    day_before = PP94_IN_FORCE - timedelta(days=1)
    for level in ("ringan", "sedang"):
        assert catalogue.sanctions_for_level(level, on=day_before, employee_type="PNS") == []
    ringan = catalogue.sanctions_for_level("ringan", on=PP94_IN_FORCE, employee_type="PNS")
    assert codes(ringan) == ["R-1", "R-2", "R-3"]


def test_a_tukin_date_before_pp94_leaves_the_substitutes_no_window() -> None:
    with pytest.raises(DefinitionError) as excinfo:
        load_catalogue(SHIPPED, tukin_regulation_in_force=date(2020, 1, 1))
    assert len(excinfo.value.problems) == 3
    assert excinfo.value.problems[0].endswith(
        "sanctions.yaml: sanctions[8].valid_until: 2020-01-01 (tukin_regulation_in_force) is "
        "not after valid_from 2021-08-31: the sanction would never be available"
    )


# -- employee types ------------------------------------------------------------------------


def test_berat_for_a_pppk_offers_contract_termination_instead_of_b3(catalogue: Catalogue) -> None:
    on = date(2025, 3, 1)
    assert codes(catalogue.sanctions_for_level("berat", on=on, employee_type="PNS")) == [
        "B-1", "B-2", "B-3",
    ]  # fmt: skip
    assert codes(catalogue.sanctions_for_level("berat", on=on, employee_type="PPPK")) == [
        "B-1", "B-2", "PPPK-PHK",
    ]  # fmt: skip


def test_pemberhentian_is_ptdh_for_a_pns_and_pppk_phk_for_a_pppk(catalogue: Catalogue) -> None:
    on = date(2025, 3, 1)
    assert codes(catalogue.sanctions_for_level("pemberhentian", on=on, employee_type="PNS")) == [
        "PTDH"
    ]
    assert codes(catalogue.sanctions_for_level("pemberhentian", on=on, employee_type="PPPK")) == [
        "PPPK-PHK"
    ]


def test_the_fixed_ptdh_is_imposed_on_a_pppk_as_pppk_phk(catalogue: Catalogue) -> None:
    fixed = catalogue.violation("DIS-05").fixed_sanction
    assert fixed is not None
    assert catalogue.sanction_for(fixed, employee_type="PNS").code == "PTDH"
    assert catalogue.sanction_for(fixed, employee_type="PPPK").code == "PPPK-PHK"
    assert catalogue.sanction_for("B-3", employee_type="PPPK").code == "PPPK-PHK"


def test_pppk_phk_is_for_pppk_only_and_ptdh_and_b3_for_pns_only(catalogue: Catalogue) -> None:
    assert catalogue.sanction("PPPK-PHK").employee_types == ("PPPK",)
    assert catalogue.sanction("PTDH").employee_types == ("PNS",)
    assert catalogue.sanction("B-3").employee_types == ("PNS",)
    with pytest.raises(InputError, match=r"^PPPK-PHK \(.*\) cannot be imposed on a PNS"):
        catalogue.sanction_for("PPPK-PHK", employee_type="PNS")


def test_rank_based_transitional_sedang_sanctions_are_not_offered_to_a_pppk(
    catalogue: Catalogue,
) -> None:
    options = catalogue.sanctions_for_level("sedang", on=date(2025, 3, 1), employee_type="PPPK")
    assert codes(options) == ["S-1T"]


# -- appeal routes (docs/sources.md §4) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "route", "confidence"),
    [
        ("MOR-T", "none", "U"), ("MOR-B", "none", "U"),
        ("R-1", "keberatan", "S"), ("R-2", "keberatan", "S"), ("R-3", "keberatan", "S"),
        ("S-1", "keberatan", "C"), ("S-2", "keberatan", "C"), ("S-3", "keberatan", "C"),
        ("S-1T", "keberatan", "C"), ("S-2T", "keberatan", "C"), ("S-3T", "keberatan", "C"),
        ("B-1", "keberatan", "C"), ("B-2", "keberatan", "C"),
        ("B-3", "banding", "C"), ("PTDH", "banding", "C"), ("PPPK-PHK", "banding", "C"),
    ],
)  # fmt: skip
def test_each_sanction_is_appealed_by_the_route_of_pp79(
    catalogue: Catalogue, code: str, route: str, confidence: str
) -> None:
    assert catalogue.appeal_route(code) == route
    assert catalogue.sanction(code).appeal_confidence == confidence


# -- several allegations -------------------------------------------------------------------


def test_the_heaviest_level_of_mixed_allegations_wins(catalogue: Catalogue) -> None:
    assert catalogue.heaviest(["ETK-01", "DIS-03"]) == "sedang"
    assert catalogue.heaviest(["DIS-03", "DIS-01", "ETK-04"]) == "berat"
    assert catalogue.heaviest([catalogue.violation("DIS-01"), "DIS-05"]) == "pemberhentian"


def test_satgas_conduct_counts_only_through_the_level_the_satgas_decided(
    catalogue: Catalogue,
) -> None:
    assert catalogue.heaviest(["DIS-13"]) is None
    assert catalogue.heaviest(["DIS-13", "DIS-03"]) == "sedang"
    assert catalogue.heaviest(["DIS-13", "DIS-03"], satgas_levels=["berat"]) == "berat"


@given(st.lists(st.sampled_from(VIOLATION_CODES), min_size=1, max_size=8), st.randoms())
def test_the_heaviest_level_does_not_depend_on_the_order_of_allegations(
    allegations: list[str], rnd: random.Random
) -> None:
    cat = _with_tukin(date(2030, 1, 1))
    shuffled = list(allegations)
    rnd.shuffle(shuffled)
    result = cat.heaviest(allegations)
    assert cat.heaviest(shuffled) == result
    ranked = [lv for lv in (cat.level_of(c) for c in allegations) if lv is not None]
    if result is None:
        assert ranked == []
    else:
        assert all(cat.level_rank(lv) <= cat.level_rank(result) for lv in ranked)
        assert result in ranked


# -- phases --------------------------------------------------------------------------------


def test_a_violation_phase_is_judged_against_penetapan_calon(catalogue: Catalogue) -> None:
    penetapan = date(2024, 9, 22)
    etk, dis, any_time = (catalogue.violation(c) for c in ("ETK-01", "DIS-01", "DIS-08"))
    assert etk.matches_phase(date(2024, 9, 21), penetapan)
    assert not etk.matches_phase(penetapan, penetapan)
    assert dis.matches_phase(penetapan, penetapan)
    assert not dis.matches_phase(date(2024, 9, 21), penetapan)
    assert any_time.matches_phase(date(2020, 1, 1), penetapan)


# -- lookups -------------------------------------------------------------------------------


def test_an_unknown_violation_code_lists_the_allowed_codes(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCode) as excinfo:
        catalogue.violation("DIS-99")
    assert str(excinfo.value) == (
        "unknown violation code 'DIS-99' (allowed: " + ", ".join(VIOLATION_CODES) + ")"
    )


def test_an_unknown_sanction_code_lists_the_allowed_codes(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCode) as excinfo:
        catalogue.appeal_route("S-4")
    assert str(excinfo.value) == (
        "unknown sanction code 'S-4' (allowed: " + ", ".join(SANCTION_CODES) + ")"
    )


def test_an_unknown_level_or_employee_type_lists_the_allowed_values(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(UnknownCode, match=r"unknown level 'medium' \(allowed: moral, ringan, "):
        catalogue.sanctions_for_level("medium", on=date(2025, 1, 1), employee_type="PNS")
    with pytest.raises(UnknownCode, match=r"^unknown employee type 'CPNS' \(allowed: PNS, PPPK\)$"):
        catalogue.sanctions_for_level("ringan", on=date(2025, 1, 1), employee_type="CPNS")


# -- invalid data files: one fixture per rule ----------------------------------------------

INVALID: dict[str, list[str]] = {
    "forms_alias_code_unknown": [
        (
            "catalogue/forms.yaml: aliases[0].codes[0]: unknown violation 'DIS-99' (allowed: "
            "ETK-01, DIS-01, DIS-05, DIS-13)"
        ),
    ],
    "forms_alias_phases_alike": [
        (
            "catalogue/forms.yaml: aliases[0].codes: several codes name one conduct by phase, so "
            "their phases must differ, got DIS-05 (any), DIS-13 (any)"
        ),
    ],
    "forms_alias_list_unknown": [
        (
            "catalogue/forms.yaml: aliases[0].list: unknown list 'skb-2019' (allowed: skb-2022, "
            "kasn-2019)"
        ),
    ],
    "forms_otherwise_cited_not_citable": [
        (
            "catalogue/forms.yaml: otherwise_cited: unknown citable list 'kasn-2019' (allowed: "
            "skb-2022)"
        ),
    ],
    "violation_listed_in_unknown": [
        (
            "catalogue/violations.yaml: violations[0].listed_in[1]: unknown list 'skb-2019' "
            "(allowed: skb-2022, kasn-2019)"
        ),
    ],
    "violation_norm_windows_overlap": [
        (
            "catalogue/violations.yaml: violations[2].norm[1]: its period overlaps that of "
            "'Pasal 87 ayat (4) huruf c Undang-Undang Nomor 5 Tahun 2014': on any date one text "
            "applies"
        ),
    ],
    "sanction_article_window_empty": [
        (
            "catalogue/sanctions.yaml: sanctions[3].article[0].until: 2023-10-31 is not after "
            "from 2023-10-31: the text would never apply"
        ),
    ],
    "configurable_date_unsupported": [
        (
            "catalogue/sanctions.yaml: configurable_dates.pp94_in_force: load_catalogue supplies "
            "no such date (supported: tukin_regulation_in_force)"
        ),
    ],
    "level_duplicate": [
        "catalogue/sanctions.yaml: levels[4].code: duplicate code 'berat' (first at levels[3])",
    ],
    "level_flag_not_boolean": [
        "catalogue/sanctions.yaml: levels[1].assignable: expected true or false, got str 'maybe'",
    ],
    "problems_in_both_files": [
        "catalogue/sanctions.yaml: sanctions[0].duration_months: must be at least 1, got 0",
        (
            "catalogue/sanctions.yaml: sanctions[0].appeal_route: unknown appeal route 'kasasi' "
            "(allowed: none, keberatan, banding)"
        ),
        (
            "catalogue/violations.yaml: violations[1].level: unknown level 'berta' (allowed: "
            "moral, ringan, sedang, berat)"
        ),
        (
            "catalogue/violations.yaml: violations[2].fixed_sanction: unknown sanction 'PTDX' "
            "(allowed: S-1, S-1T, B-3, PTDH, PPPK-PHK)"
        ),
    ],
    "sanction_appeal_route_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[2].appeal_route: unknown appeal route 'kasasi' "
            "(allowed: none, keberatan, banding)"
        ),
    ],
    "sanction_bound_not_a_date": [
        (
            "catalogue/sanctions.yaml: sanctions[2].valid_from: expected a date (YYYY-MM-DD), "
            "null or a configurable date (tukin_regulation_in_force), got str 'someday'"
        ),
    ],
    "sanction_code_duplicate": [
        "catalogue/sanctions.yaml: sanctions[5].code: duplicate code 'B-3' (first at sanctions[2])",
    ],
    "sanction_confidence_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[0].appeal_confidence: unknown confidence "
            "'confirmed' (allowed: C, S, U)"
        ),
    ],
    "sanction_counterpart_for_own_type": [
        (
            "catalogue/sanctions.yaml: sanctions[3].counterparts.PPPK: PTDH already applies to "
            "PPPK; a counterpart is only for an employee type it does not apply to"
        ),
    ],
    "sanction_counterpart_type_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[2].counterparts.PPK: unknown employee type 'PPK' "
            "(allowed: PNS, PPPK)"
        ),
    ],
    "sanction_counterpart_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[2].counterparts.PPPK.sanction: unknown sanction "
            "'PPPK-PHX' (allowed: S-1, S-1T, B-3, PTDH, PPPK-PHK)"
        ),
    ],
    "sanction_counterpart_wrong_type": [
        (
            "catalogue/sanctions.yaml: sanctions[2].counterparts.PPPK.sanction: PTDH does not "
            "apply to PPPK (its employee_types: PNS)"
        ),
    ],
    "sanction_duration_not_positive": [
        "catalogue/sanctions.yaml: sanctions[0].duration_months: must be at least 1, got 0",
    ],
    "sanction_employee_type_twice": [
        "catalogue/sanctions.yaml: sanctions[0].employee_types[1]: 'PNS' is listed twice",
    ],
    "sanction_employee_type_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[0].employee_types[1]: unknown employee type "
            "'ASN' (allowed: PNS, PPPK)"
        ),
    ],
    "sanction_final_with_duration": [
        (
            "catalogue/sanctions.yaml: sanctions[2].duration_months: a final sanction has no "
            "duration (final is true), got 12"
        ),
    ],
    "sanction_level_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[0].level: unknown level 'medium' (allowed: "
            "moral, ringan, sedang, berat, pemberhentian)"
        ),
    ],
    "sanction_substitute_level_differs": [
        (
            "catalogue/sanctions.yaml: sanctions[1].substitutes: S-1T is berat but substitutes "
            "S-1, which is sedang: a substitute must have the same level"
        ),
    ],
    "sanction_substitute_unknown": [
        (
            "catalogue/sanctions.yaml: sanctions[1].substitutes: unknown sanction 'S-9' (allowed: "
            "S-1, S-1T, B-3, PTDH, PPPK-PHK)"
        ),
    ],
    "sanction_substitute_window_gap": [
        (
            "catalogue/sanctions.yaml: sanctions[1].valid_until: S-1T substitutes S-1, so it must "
            "end when S-1 starts (tukin_regulation_in_force), not at 2030-01-01"
        ),
    ],
    "sanction_window_empty": [
        (
            "catalogue/sanctions.yaml: sanctions[2].valid_until: 2020-01-01 is not after "
            "valid_from 2021-08-31: the sanction would never be available"
        ),
    ],
    "violation_code_duplicate": [
        (
            "catalogue/violations.yaml: violations[2].code: duplicate code 'DIS-01' (first at "
            "violations[1])"
        ),
    ],
    "violation_code_malformed": [
        (
            "catalogue/violations.yaml: violations[1].code: 'dis 01' is not a code (upper-case "
            "letters and digits in hyphen-separated groups, e.g. DIS-01)"
        ),
    ],
    "violation_confidence_unknown": [
        (
            "catalogue/violations.yaml: violations[1].confidence: unknown confidence 'X' "
            "(allowed: C, S, U)"
        ),
    ],
    "violation_decider_unknown": [
        (
            "catalogue/violations.yaml: violations[1].decided_by: unknown decider 'bupati' "
            "(allowed: ppk, pejabat_berwenang, satgas)"
        ),
    ],
    "violation_fixed_sanction_unknown": [
        (
            "catalogue/violations.yaml: violations[2].fixed_sanction: unknown sanction 'PTDX' "
            "(allowed: S-1, S-1T, B-3, PTDH, PPPK-PHK)"
        ),
    ],
    "violation_key_missing": [
        "catalogue/violations.yaml: violations[1]: missing required key 'gloss'",
    ],
    "violation_key_unknown": [
        (
            "catalogue/violations.yaml: violations[1]: unknown key 'levle' (allowed: code, track, "
            "phase, phase_confidence, conduct, gloss, level, fixed_sanction, decided_by, basis, "
            "confidence, source, note, norm, listed_in)"
        ),
    ],
    "violation_level_and_fixed_sanction": [
        (
            "catalogue/violations.yaml: violations[2].fixed_sanction: give a level or a "
            "fixed_sanction, not both (level is 'berat')"
        ),
    ],
    "violation_level_not_assignable": [
        (
            "catalogue/violations.yaml: violations[1].level: unknown level 'pemberhentian' "
            "(allowed: moral, ringan, sedang, berat)"
        ),
    ],
    "violation_level_unknown": [
        (
            "catalogue/violations.yaml: violations[1].level: unknown level 'berta' (allowed: "
            "moral, ringan, sedang, berat)"
        ),
    ],
    "violation_neither_level_nor_fixed_sanction": [
        (
            "catalogue/violations.yaml: violations[1].level: null, and fixed_sanction is null "
            "too: name a level or a fixed_sanction, or set decided_by: satgas"
        ),
    ],
    "violation_phase_unknown": [
        (
            "catalogue/violations.yaml: violations[0].phase: unknown phase 'before' (allowed: "
            "bakal_calon, calon, any)"
        ),
    ],
    "violation_row_not_mapping": [
        "catalogue/violations.yaml: violations[1]: expected a mapping, got str 'DIS-01'",
    ],
    "violation_satgas_with_level": [
        (
            "catalogue/violations.yaml: violations[3].level: the Satgas decides the sanction for "
            "this conduct (decided_by: satgas), so level must be null"
        ),
    ],
    "violation_source_empty": [
        (
            "catalogue/violations.yaml: violations[1].source: expected a non-empty list of URLs, "
            "got an empty list"
        ),
    ],
    "violation_source_not_url": [
        (
            "catalogue/violations.yaml: violations[1].source[0]: 'www.example.org/dis-01' is not "
            "a URL (expected http:// or https://)"
        ),
    ],
    "violation_text_wrong_type": [
        "catalogue/violations.yaml: violations[1].conduct: expected a non-empty text, got int 12",
    ],
    "violation_track_unknown": [
        (
            "catalogue/violations.yaml: violations[0].track: unknown track 'ethics' (allowed: "
            "etik, disiplin, pemberhentian)"
        ),
    ],
    "violations_duplicate_key": [
        "catalogue/violations.yaml: not valid YAML (line 22, column 5): duplicate key 'level'",
    ],
    "violations_invalid_yaml": [
        "catalogue/violations.yaml: not valid YAML (line 27, column 9): "
        "did not find expected ',' or ']'",
    ],
    "violations_list_empty": [
        (
            "catalogue/violations.yaml: violations: expected a non-empty list of violations, "
            "got an empty list"
        ),
    ],
    "violations_not_a_mapping": [
        "catalogue/violations.yaml: expected a mapping, got a list",
    ],
    "violations_section_missing": [
        "catalogue/violations.yaml: unknown key 'violation' (allowed: violations)",
        "catalogue/violations.yaml: missing required key 'violations'",
    ],
    "violations_section_unknown": [
        "catalogue/violations.yaml: unknown key 'extra' (allowed: violations)",
    ],
}


def overlay(case: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """base/ with the case's file(s) on top, as ./catalogue seen from tmp_path."""
    target = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "base", target)
    for path in (FIXTURES / case).iterdir() if case else ():
        shutil.copy(path, target / path.name)
    monkeypatch.chdir(tmp_path)
    return Path("catalogue")


def test_every_fixture_directory_has_an_expected_message() -> None:
    cases = {p.name for p in FIXTURES.iterdir() if p.is_dir()} - {"base"}
    assert cases == set(INVALID)


def test_the_base_fixture_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = load_catalogue(overlay(None, tmp_path, monkeypatch))
    assert [v.code for v in cat.violations] == ["ETK-01", "DIS-01", "DIS-05", "DIS-13"]


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_catalogue_reports_every_problem_with_file_and_path(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DefinitionError) as excinfo:
        load_catalogue(overlay(case, tmp_path, monkeypatch))
    assert excinfo.value.problems == INVALID[case]


def test_one_problem_is_the_message_and_several_are_listed_under_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DefinitionError) as one:
        load_catalogue(overlay("violation_level_unknown", tmp_path / "a", monkeypatch))
    assert str(one.value) == INVALID["violation_level_unknown"][0]
    with pytest.raises(DefinitionError) as several:
        load_catalogue(overlay("problems_in_both_files", tmp_path / "b", monkeypatch))
    problems = INVALID["problems_in_both_files"]
    assert str(several.value) == "\n".join(
        ["4 problems in the catalogue in catalogue:", *(f"  - {p}" for p in problems)]
    )


def test_a_missing_file_is_reported_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = overlay(None, tmp_path, monkeypatch)
    (directory / "violations.yaml").unlink()
    with pytest.raises(DefinitionError) as excinfo:
        load_catalogue(directory)
    assert excinfo.value.problems == ["catalogue/violations.yaml: file not found"]


@pytest.mark.parametrize(
    ("case", "path"),
    [
        ("sanction_confidence_unknown", "sanctions.yaml: sanctions[0].appeal_confidence"),
        ("violation_confidence_unknown", "violations.yaml: violations[1].confidence"),
    ],
)
def test_a_wrong_confidence_tag_in_either_file_has_the_shape_every_loader_uses(
    case: str, path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DefinitionError) as excinfo:
        load_catalogue(overlay(case, tmp_path, monkeypatch))
    tag = "confirmed" if case.startswith("sanction") else "X"
    assert str(excinfo.value) == (
        f"catalogue/{path}: unknown confidence {tag!r} (allowed: C, S, U)"
    )
