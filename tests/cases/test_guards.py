"""Every named guard on its own, without a database: on a `GuardContext` built from the shipped
catalogue, the shipped working calendar and the rule values of the shipped workflow, each guard
allows what its rule allows, refuses what it refuses, and a refusal names the rule and what
would satisfy it. Where a rule has an invariant, Hypothesis checks it on many dates."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctions.cases.guards import (
    GUARD_NEEDS,
    GUARDS,
    SANCTION_ENDS,
    GuardContext,
    evaluate,
    known_guards,
    reads_priors,
)
from sanctions.cases.repeat import PriorSanction
from sanctions.cases.workflow import load_workflows
from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.loader import load_catalogue
from sanctions.deadlines.workdays import WorkingCalendar, load_calendar
from sanctions.institutions.authority import Authority, load_authority
from sanctions.settings import Settings
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

pytestmark = pytest.mark.pure

SHIPPED = Settings()
CATALOGUE: Catalogue = load_catalogue(SHIPPED.catalogue_dir)
CALENDAR: WorkingCalendar = load_calendar(SHIPPED.workflows_dir / "calendar.yaml")
AUTHORITY: Authority = load_authority(
    SHIPPED.workflows_dir / "authority.yaml",
    levels=[level.code for level in CATALOGUE.levels if level.code != "moral"],
    sanctions={s.code: s.level for s in CATALOGUE.sanctions},
)
PENETAPAN = date(2024, 9, 22)  # penetapan calon of Pilkada Sleman 2024
ON = date(2024, 11, 4)  # a Monday, no holiday near it

# Dates the calendar has holiday data for (collective leave is published up to 2027).
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
sanction_codes = st.sampled_from([s.code for s in CATALOGUE.sanctions])
employee_types = st.sampled_from(["PNS", "PPPK"])
PROPERTY = settings(deadline=None)  # the first look at a year computes its holidays


@functools.cache
def shipped_rules() -> Mapping[str, object]:
    """The rule values of the shipped bkn-2024 workflow (team levels, notice period …)."""
    workflows = load_workflows(SHIPPED.workflows_dir, known_guards=known_guards())
    return workflows.get("bkn-2024").rule_values


def context(
    *,
    on: date = ON,
    violations: tuple[str, ...] = ("DIS-02",),
    employee_type: str = "PNS",
    act_date: date = date(2024, 10, 3),
    determination: date | None = PENETAPAN,
    facts: Mapping[str, str] | None = None,
    inputs: Mapping[str, str] | None = None,
    deadlines: Mapping[str, date] | None = None,
    rules: Mapping[str, object] | None = None,
    position_type: str = "fungsional",
    agency_tier: str | None = "kabupaten_kota",
    employee_rank: str | None = "Penata Muda Tingkat I, III/b",
) -> GuardContext:
    """A case as the guards see it: by default a PNS teacher's DIS-02 (berat) after penetapan."""
    return GuardContext(
        on=on,
        employee_type=employee_type,
        act_date=act_date,
        candidate_determination_date=determination,
        allegations=tuple(CATALOGUE.violation(code) for code in violations),
        facts=dict(facts or {}),
        inputs=dict(inputs or {}),
        catalogue=CATALOGUE,
        calendar=CALENDAR,
        deadlines=dict(deadlines or {}),
        rules=shipped_rules() if rules is None else rules,
        position_type=position_type,
        agency_tier=agency_tier,
        authority=AUTHORITY,
        employee_nip="198609262015051001",
        employee_rank=employee_rank,
    )


def allows(name: str, ctx: GuardContext) -> bool:
    """Whether guard `name` lets the step through (its refusal, if any, in the assert)."""
    message = GUARDS[name](ctx)
    assert message is None, f"{name} refused: {message}"
    return True


def refuses(name: str, ctx: GuardContext) -> str:
    """The sentence guard `name` refuses the step with (fails if it allows it)."""
    message = GUARDS[name](ctx)
    assert message is not None, f"{name} allowed the step"
    return message


def judges(name: str, ctx: GuardContext) -> bool:
    """True when `name` allows, False when it refuses: for property tests."""
    return GUARDS[name](ctx) is None


# --------------------------------------------------------------------------- the act date
# (the composition of the team and the panel: tests/cases/test_composition.py; the guards
# apply the shipped rules, below under "composition")


def test_conduct_toward_a_calon_after_penetapan_fits_the_act_date() -> None:
    assert allows("allegations_fit_act_date", context(violations=("DIS-02",)))


def test_conduct_toward_a_bakal_calon_before_penetapan_fits_the_act_date() -> None:
    early = context(violations=("ETK-02", "DIS-03"), act_date=date(2024, 9, 2))
    assert allows("allegations_fit_act_date", early)


def test_ethics_conduct_toward_a_bakal_calon_after_penetapan_is_refused_pointing_to_dis() -> None:
    message = refuses("allegations_fit_act_date", context(violations=("ETK-02",)))
    assert "ETK-02 is conduct toward a bakal calon" in message
    assert "2024-10-03 is after it (penetapan calon is 2024-09-22)" in message
    assert "use the matching DIS-* code" in message


def test_conduct_toward_a_calon_before_penetapan_is_refused_pointing_to_etk() -> None:
    early = context(violations=("DIS-02",), act_date=date(2024, 9, 2))
    message = refuses("allegations_fit_act_date", early)
    assert "DIS-02 is conduct toward a calon" in message
    assert "use the matching ETK-* code" in message


def test_without_a_penetapan_date_every_act_counts_as_before_it_and_the_message_says_so() -> None:
    message = refuses("allegations_fit_act_date", context(determination=None))
    assert "no candidate-determination date is set for the contest" in message


def test_each_allegation_out_of_phase_gets_its_own_sentence() -> None:
    early = context(violations=("DIS-02", "DIS-04"), act_date=date(2024, 9, 2))
    message = refuses("allegations_fit_act_date", early)
    assert message.count("is conduct toward a calon") == 2 and "; " in message


def test_conduct_of_any_phase_fits_any_act_date() -> None:
    for act in (date(2024, 9, 2), date(2024, 10, 3)):
        assert allows("allegations_fit_act_date", context(violations=("DIS-12",), act_date=act))


# --------------------------------------------------------------------------- the track


def test_a_discipline_violation_takes_the_discipline_track() -> None:
    assert allows("track_is_discipline", context(violations=("DIS-02",)))
    message = refuses("track_is_ethics", context(violations=("DIS-02",)))
    assert "the ethics track (PP 42/2004) is only for ethics breaches" in message
    assert "DIS-02 is a discipline violation" in message
    assert "follow up on the discipline track" in message


def test_one_discipline_violation_among_ethics_breaches_keeps_the_discipline_track() -> None:
    mixed = context(violations=("ETK-01", "DIS-03", "DIS-09"))
    assert allows("track_is_discipline", mixed)
    assert "DIS-03, DIS-09 are discipline violations" in refuses("track_is_ethics", mixed)


def test_ethics_breaches_only_take_the_ethics_track() -> None:
    ethics = context(violations=("ETK-01", "ETK-02"))
    assert allows("track_is_ethics", ethics)
    message = refuses("track_is_discipline", ethics)
    assert "the discipline track (PP 94/2021) is for discipline violations" in message
    assert "form the Majelis Kode Etik" in message


@PROPERTY
@given(st.sets(st.sampled_from([v.code for v in CATALOGUE.violations]), min_size=1))
def test_exactly_one_track_guard_allows_any_set_of_allegations(codes: set[str]) -> None:
    ctx = context(violations=tuple(sorted(codes)))
    discipline, ethics = judges("track_is_discipline", ctx), judges("track_is_ethics", ctx)
    assert discipline != ethics
    assert ethics == all(CATALOGUE.violation(c).track == "etik" for c in codes)


# --------------------------------------------------------------------------- the level


def test_recommending_the_level_the_catalogue_prescribes_is_allowed() -> None:
    assert allows("level_fits_catalogue", context(inputs={"level": "berat"}))


def test_every_discipline_violation_alone_may_be_recommended_at_its_catalogue_level() -> None:
    wrong = []
    for v in CATALOGUE.violations:
        level = "pemberhentian" if v.fixed_sanction else v.level
        if v.track == "etik" or level is None:
            continue
        if not judges(
            "level_fits_catalogue", context(violations=(v.code,), inputs={"level": level})
        ):
            wrong.append(f"{v.code}:{level}")
    assert wrong == [], f"refused at their own level: {', '.join(wrong)}"


def test_a_recommendation_without_a_level_is_refused() -> None:
    message = refuses("level_fits_catalogue", context(inputs={}))
    assert message == "a recommendation must name a sanction level"


def test_another_level_than_the_catalogue_prescribes_needs_a_reason() -> None:
    message = refuses("level_fits_catalogue", context(inputs={"level": "ringan"}))
    assert "the catalogue prescribes level 'berat' for DIS-02" in message
    assert "recommend 'berat' or record a reason (--set reason=...)" in message
    assert "for recommending 'ringan'" in message
    with_reason = context(inputs={"level": "ringan", "reason": "pertama kali"})
    assert allows("level_fits_catalogue", with_reason)


def test_the_heaviest_allegation_sets_the_prescribed_level() -> None:
    mixed = context(violations=("DIS-03", "DIS-02"), inputs={"level": "sedang"})
    assert "prescribes level 'berat' for DIS-03, DIS-02" in refuses("level_fits_catalogue", mixed)


def test_party_membership_prescribes_dismissal() -> None:
    party = context(violations=("DIS-05",), inputs={"level": "berat"})
    assert "recommend level 'pemberhentian'" in refuses("level_fits_catalogue", party)
    dismissal = context(violations=("DIS-05",), inputs={"level": "pemberhentian"})
    assert allows("level_fits_catalogue", dismissal)


def test_party_membership_is_recommended_dismissal_even_against_a_reason() -> None:
    party = context(violations=("DIS-05",), inputs={"level": "berat", "reason": "pertimbangan"})
    message = refuses("level_fits_catalogue", party)
    assert "DIS-05 (party membership) carries dismissal" in message
    assert "no reason allows another level" in message


def test_an_act_date_against_the_phase_rule_is_kept_with_a_recorded_reason() -> None:
    inputs = {"act_date_reason": "Penetapan calon DPD berbeda dari pasangan calon"}
    ctx = context(violations=("ETK-02",), inputs=inputs)
    assert allows("allegations_fit_act_date", ctx)
    message = refuses("allegations_fit_act_date", context(violations=("ETK-02",)))
    assert "record why with --set act_date_reason=..." in message


def test_ethics_breaches_are_recommended_a_moral_sanction_even_with_a_reason() -> None:
    ethics = context(violations=("ETK-01",), inputs={"level": "ringan", "reason": "x"})
    message = refuses("level_fits_catalogue", ethics)
    assert "ethics breaches carry a moral sanction (PP 42/2004 Ps 15)" in message
    assert "recommend level 'moral'" in message
    assert allows(
        "level_fits_catalogue", context(violations=("ETK-01",), inputs={"level": "moral"})
    )


def test_conduct_outside_the_matrix_takes_the_level_the_satgas_decided() -> None:
    for level in ("ringan", "sedang", "berat"):
        satgas = context(violations=("DIS-13",), inputs={"level": level})
        assert allows("level_fits_catalogue", satgas)


# --------------------------------------------------------------------------- the examination team


def test_a_team_may_be_formed_where_a_sedang_or_heavier_sanction_is_expected() -> None:
    for level in ("sedang", "berat", "pemberhentian"):
        assert allows("team_allowed", context(facts={"level": level}))


def test_no_team_is_formed_for_a_ringan_case_and_the_superior_examines() -> None:
    message = refuses("team_allowed", context(facts={"level": "ringan"}))
    assert "a Tim Pemeriksa is formed only where a sedang or berat or pemberhentian" in message
    assert "the recommended level is 'ringan', so the direct superior examines" in message


def test_the_team_levels_are_the_workflows_rule_values() -> None:
    rules = {**shipped_rules(), "team_allowed_levels": ["berat"]}
    assert refuses("team_allowed", context(facts={"level": "sedang"}, rules=rules))


def test_a_berat_case_may_be_summoned_once_its_team_is_formed() -> None:
    formed = context(facts={"level": "berat", "tim_dibentuk_on": "2024-10-29"})
    assert allows("team_formed_if_required", formed)


def test_a_sedang_case_needs_no_team_before_the_summons() -> None:
    assert allows("team_formed_if_required", context(facts={"level": "sedang"}))


def test_a_berat_or_dismissal_case_without_a_team_is_refused_naming_the_step_to_take() -> None:
    for level in ("berat", "pemberhentian"):
        message = refuses("team_formed_if_required", context(facts={"level": level}))
        assert f"a {level} sanction requires a Tim Pemeriksa before the summons" in message
        assert "(PP 94/2021 Ps 27): form the team first (trigger bentuk_tim)" in message


# --------------------------------------------------------------------------- the summons


def test_a_summons_seven_working_days_before_the_examination_is_allowed() -> None:
    exam = CALENDAR.add_working_days(ON, 7)
    assert allows("summons_notice_period", context(inputs={"examination_date": exam.isoformat()}))


def test_a_summons_six_working_days_before_is_refused_with_the_earliest_date() -> None:
    exam = CALENDAR.add_working_days(ON, 6)
    message = refuses(
        "summons_notice_period", context(inputs={"examination_date": exam.isoformat()})
    )
    assert "at least 7 working days before the examination (PP 94/2021 Ps 26)" in message
    assert f"{exam.isoformat()} is only 6 working days after {ON.isoformat()}" in message
    earliest = CALENDAR.add_working_days(ON, 7)
    assert f"set the examination on {earliest.isoformat()} or later" in message


def test_a_summons_without_an_examination_date_is_refused() -> None:
    message = refuses("summons_notice_period", context())
    assert "must name the examination date (--set examination_date=YYYY-MM-DD)" in message


def test_a_second_summons_reads_the_examination_date_from_the_facts() -> None:
    exam = CALENDAR.add_working_days(ON, 3)
    facts = {"examination_date": exam.isoformat()}
    assert "only 3 working days" in refuses("summons_notice_period", context(facts=facts))


def test_holidays_do_not_count_towards_the_notice_period() -> None:
    # Lebaran 2026: 18-24 March are holidays and collective leave, so from Monday 16 March
    # to Wednesday 25 March (9 days) only 17 and 25 March count.
    on, exam = date(2026, 3, 16), date(2026, 3, 25)
    message = refuses(
        "summons_notice_period", context(on=on, inputs={"examination_date": exam.isoformat()})
    )
    assert "is only 2 working days after 2026-03-16" in message


@PROPERTY
@given(on=days, ahead=st.integers(min_value=-10, max_value=40), minimum=st.integers(1, 15))
def test_a_summons_is_allowed_exactly_when_the_working_day_gap_reaches_the_rule(
    on: date, ahead: int, minimum: int
) -> None:
    exam = on + timedelta(days=ahead)
    rules = {**shipped_rules(), "summons_notice_working_days": minimum}
    ctx = context(on=on, inputs={"examination_date": exam.isoformat()}, rules=rules)
    gap = CALENDAR.working_days_between(on, exam)
    assert judges("summons_notice_period", ctx) == (gap >= minimum)


@PROPERTY
@given(on=days, ahead=st.integers(min_value=0, max_value=10))
def test_the_earliest_examination_date_a_refusal_suggests_is_allowed(on: date, ahead: int) -> None:
    ctx = context(on=on, inputs={"examination_date": (on + timedelta(days=ahead)).isoformat()})
    message = GUARDS["summons_notice_period"](ctx)
    if message is None:
        return
    suggested = message.rsplit("set the examination on ", 1)[1].split()[0]
    retry = context(on=on, inputs={"examination_date": suggested})
    assert allows("summons_notice_period", retry)
    before = date.fromisoformat(suggested) - timedelta(days=1)
    assert not judges(
        "summons_notice_period", context(on=on, inputs={"examination_date": before.isoformat()})
    )


# --------------------------------------------------------------------------- absence


def test_absence_is_recorded_on_or_after_the_examination_date() -> None:
    facts = {"examination_date": "2024-11-11"}
    for on in (date(2024, 11, 11), date(2024, 11, 12)):
        assert allows("examination_date_passed", context(on=on, facts=facts))


def test_absence_before_the_examination_date_is_refused_naming_both_dates() -> None:
    ctx = context(on=date(2024, 11, 8), facts={"examination_date": "2024-11-11"})
    message = refuses("examination_date_passed", ctx)
    assert "only be recorded on or after the examination date (2024-11-11)" in message
    assert "the step is dated 2024-11-08" in message


def test_absence_without_an_examination_date_is_refused() -> None:
    assert "examination date (None)" in refuses("examination_date_passed", context())


@PROPERTY
@given(on=days, exam=days)
def test_absence_is_allowed_exactly_from_the_examination_date_on(on: date, exam: date) -> None:
    ctx = context(on=on, facts={"examination_date": exam.isoformat()})
    assert judges("examination_date_passed", ctx) == (on >= exam)


# --------------------------------------------------------------------------- the decision


def decision(
    sanction: str | None,
    *,
    level: str | None = "berat",
    violations: tuple[str, ...] = ("DIS-02",),
    employee_type: str = "PNS",
    on: date = ON,
    reason: str | None = None,
) -> GuardContext:
    inputs = {"sanction": sanction} if sanction else {}
    if reason:
        inputs["reason"] = reason
    return context(
        on=on,
        violations=violations,
        employee_type=employee_type,
        facts={"level": level} if level else {},
        inputs=inputs,
    )


SANCTION_GUARDS = (
    "sanction_matches_recommendation",
    "fixed_sanction_applies",
    "sanction_available",
    "sanction_is_moral",
    "sanction_is_disciplinary",
)


def test_a_decision_without_a_sanction_is_refused_by_every_sanction_guard() -> None:
    for name in SANCTION_GUARDS:
        message = refuses(name, decision(None))
        assert message == "the decision must name a sanction (--set sanction=CODE)", name


def test_a_sanction_of_the_recommended_level_matches_the_recommendation() -> None:
    assert allows("sanction_matches_recommendation", decision("B-1"))


def test_a_sanction_the_catalogue_offers_for_the_level_in_place_of_another_matches() -> None:
    # For a PPPK, PPPK-PHK stands in for B-3 at level berat.
    pppk = decision("PPPK-PHK", employee_type="PPPK")
    assert allows("sanction_matches_recommendation", pppk)


def test_a_lower_sanction_than_recommended_needs_a_reason_because_of_liability() -> None:
    message = refuses("sanction_matches_recommendation", decision("S-1T"))
    assert "the recommendation is 'berat' but S-1T is 'sedang', a lower level" in message
    assert "under-punishes is liable (PP 94/2021 Ps 24)" in message
    assert "needs a recorded reason (--set reason=...)" in message
    assert allows("sanction_matches_recommendation", decision("S-1T", reason="pertama kali"))


def test_a_heavier_sanction_than_recommended_needs_a_reason() -> None:
    message = refuses("sanction_matches_recommendation", decision("PTDH"))
    assert "the recommendation is 'berat' but PTDH is 'pemberhentian'" in message
    assert "a heavier sanction than recommended needs a recorded reason" in message


def test_without_a_recommended_level_any_sanction_matches() -> None:
    assert allows("sanction_matches_recommendation", decision("R-1", level=None))


def test_party_membership_allows_only_its_fixed_sanction() -> None:
    assert allows("fixed_sanction_applies", decision("PTDH", violations=("DIS-05",)))
    message = refuses("fixed_sanction_applies", decision("B-3", violations=("DIS-05",)))
    assert "DIS-05 (party membership) carries a fixed sanction, not a level" in message
    assert "the decision must be PTDH" in message


def test_for_a_pppk_the_fixed_sanction_is_contract_termination() -> None:
    message = refuses(
        "fixed_sanction_applies", decision("PTDH", violations=("DIS-05",), employee_type="PPPK")
    )
    assert "the decision must be PPPK-PHK" in message


def test_only_pppk_phk_passes_the_fixed_sanction_for_a_pppk_of_all_catalogued_sanctions() -> None:
    passing = [
        s.code
        for s in CATALOGUE.sanctions
        if judges(
            "fixed_sanction_applies", decision(s.code, violations=("DIS-05",), employee_type="PPPK")
        )
    ]
    assert passing == ["PPPK-PHK"]


def test_without_a_fixed_sanction_any_sanction_passes_that_guard() -> None:
    for s in CATALOGUE.sanctions:
        assert allows("fixed_sanction_applies", decision(s.code))


def test_a_sanction_available_on_the_decision_date_for_the_employee_type_is_allowed() -> None:
    assert allows("sanction_available", decision("S-1T", level="sedang"))


def test_a_tukin_cut_before_the_salary_regulation_is_refused_listing_what_is_available() -> None:
    message = refuses("sanction_available", decision("S-1", level="sedang"))
    assert "S-1 is not available for a PNS on 2024-11-04" in message
    assert "the sedang sanctions available then are: S-1T, S-2T, S-3T" in message


def test_a_pns_only_sanction_is_not_available_for_a_pppk() -> None:
    message = refuses("sanction_available", decision("S-2T", level="sedang", employee_type="PPPK"))
    assert "S-2T is not available for a PPPK" in message
    assert "available then are: S-1T" in message


def test_a_sanction_of_pp94_is_not_available_before_pp94_took_force() -> None:
    message = refuses("sanction_available", decision("B-1", on=date(2021, 8, 30)))
    assert "B-1 is not available for a PNS on 2021-08-30" in message


@PROPERTY
@given(code=sanction_codes, on=days, employee_type=employee_types)
def test_a_sanction_is_available_exactly_when_the_catalogue_offers_it_for_its_level(
    code: str, on: date, employee_type: str
) -> None:
    sanction = CATALOGUE.sanction(code)
    offered = CATALOGUE.sanctions_for_level(sanction.level, on=on, employee_type=employee_type)
    ctx = decision(code, on=on, employee_type=employee_type)
    assert judges("sanction_available", ctx) == (sanction in offered)


def test_the_ethics_track_ends_in_a_moral_sanction() -> None:
    for code in ("MOR-T", "MOR-B"):
        assert allows("sanction_is_moral", decision(code, level="moral"))
    message = refuses("sanction_is_moral", decision("R-1", level="moral"))
    assert message == "the ethics track ends in a moral sanction (MOR-T or MOR-B), not R-1"


def test_the_discipline_track_imposes_a_disciplinary_sanction() -> None:
    assert allows("sanction_is_disciplinary", decision("R-1", level="ringan"))
    message = refuses("sanction_is_disciplinary", decision("MOR-T"))
    assert message == "the discipline track imposes a disciplinary sanction, not the moral MOR-T"


@PROPERTY
@given(code=sanction_codes)
def test_every_sanction_is_either_moral_or_disciplinary(code: str) -> None:
    ctx = decision(code)
    assert judges("sanction_is_moral", ctx) != judges("sanction_is_disciplinary", ctx)


# --------------------------------------------------------------------------- appeals


def decided(code: str | None, **facts: str) -> GuardContext:
    return context(facts={**({"sanction": code} if code else {}), **facts})


def test_a_demotion_is_challenged_by_keberatan() -> None:
    assert allows("appeal_by_keberatan", decided("B-1"))
    message = refuses("appeal_by_banding", decided("B-1"))
    assert message == "B-1 is challenged by keberatan, not by banding administratif (PP 79/2021)"


def test_a_dismissal_is_challenged_by_banding_to_bpasn() -> None:
    assert allows("appeal_by_banding", decided("PTDH"))
    message = refuses("appeal_by_keberatan", decided("PTDH"))
    assert (
        message
        == "PTDH is challenged by banding administratif to BPASN, not by keberatan (PP 79/2021)"
    )


def test_a_light_sanction_is_open_to_keberatan_and_a_moral_one_to_no_appeal() -> None:
    # PP 79/2021 Pasal 1 angka 4 names no exclusion for ringan (docs/sources.md, legal review #37)
    assert allows("appeal_by_keberatan", decided("R-1"))
    assert "R-1 is challenged by keberatan" in refuses("appeal_by_banding", decided("R-1"))
    for name, label in (("appeal_by_keberatan", "keberatan"), ("appeal_by_banding", "banding")):
        message = refuses(name, decided("MOR-T"))
        assert "MOR-T has no administrative appeal (PP 79/2021)" in message
        assert f"cannot be challenged by {label}" in message


def appealed(outcome: str, new: str, old: str = "B-2") -> GuardContext:
    return context(facts={"sanction": old}, inputs={"outcome": outcome, "sanction": new})


def test_an_appeal_lightens_heavies_or_changes_the_form_with_a_sanction_that_does() -> None:
    assert allows("appeal_outcome_fits_sanction", appealed("memperingan", "B-1"))
    assert allows("appeal_outcome_fits_sanction", appealed("memperingan", "S-2T"))
    assert allows("appeal_outcome_fits_sanction", appealed("memperberat", "B-3"))
    assert allows("appeal_outcome_fits_sanction", appealed("mengubah", "B-1"))


def test_an_appeal_outcome_that_contradicts_its_sanction_is_refused_saying_which() -> None:
    message = refuses("appeal_outcome_fits_sanction", appealed("memperingan", "B-3"))
    assert message == "memperingan replaces B-2 with a lighter sanction; B-3 is not lighter"
    message = refuses("appeal_outcome_fits_sanction", appealed("mengubah", "S-1T"))
    assert "use memperingan or memperberat" in message
    message = refuses("appeal_outcome_fits_sanction", appealed("memperberat", "B-2"))
    assert "confirm it instead (trigger kuatkan_keberatan)" in message


def test_an_appeal_before_any_decision_is_refused() -> None:
    for name in ("appeal_by_keberatan", "appeal_by_banding"):
        assert refuses(name, decided(None)) == "no sanction has been decided yet"


@PROPERTY
@given(code=sanction_codes)
def test_an_appeal_route_guard_allows_exactly_the_catalogued_route(code: str) -> None:
    route = CATALOGUE.appeal_route(code)
    assert judges("appeal_by_keberatan", decided(code)) == (route == "keberatan")
    assert judges("appeal_by_banding", decided(code)) == (route == "banding")


# --------------------------------------------------------------------------- taking effect, serving


def test_a_decision_comes_into_force_on_its_due_date() -> None:
    due = date(2024, 12, 16)
    for on in (due, due + timedelta(days=1)):
        assert allows("waiting_period_over", context(on=on, deadlines={"mulai_berlaku": due}))


def test_a_decision_before_the_15th_working_day_is_refused_while_an_appeal_may_come() -> None:
    due = date(2024, 12, 16)
    message = refuses(
        "waiting_period_over", context(on=date(2024, 12, 13), deadlines={"mulai_berlaku": due})
    )
    assert "takes effect on the 15th working day after receipt (2024-12-16)" in message
    assert "until then the employee may still appeal" in message


def test_without_a_waiting_deadline_the_decision_may_come_into_force() -> None:
    assert allows("waiting_period_over", context())


@PROPERTY
@given(on=days, due=days)
def test_the_waiting_period_is_over_exactly_on_and_after_the_due_date(on: date, due: date) -> None:
    ctx = context(on=on, deadlines={"mulai_berlaku": due})
    assert judges("waiting_period_over", ctx) == (on >= due)


def test_a_sanction_is_marked_served_the_day_after_its_last_day() -> None:
    facts = {SANCTION_ENDS: "2025-06-15"}
    assert allows("sanction_period_over", context(on=date(2025, 6, 16), facts=facts))
    message = refuses("sanction_period_over", context(on=date(2025, 6, 15), facts=facts))
    assert message == "the sanction is served until 2025-06-15; it can be marked served after that"


def test_a_sanction_without_a_period_cannot_be_marked_served_and_the_case_is_closed() -> None:
    message = refuses("sanction_period_over", context())
    assert "no period to serve; close the case instead (trigger tutup)" in message


@PROPERTY
@given(on=days, end=days)
def test_a_sanction_is_served_exactly_after_its_last_day(on: date, end: date) -> None:
    ctx = context(on=on, facts={SANCTION_ENDS: end.isoformat()})
    assert judges("sanction_period_over", ctx) == (on > end)


def test_a_final_or_periodless_sanction_closes_the_case_at_once() -> None:
    for code in ("PTDH", "B-3", "R-1", "MOR-T"):
        assert allows("sanction_is_final", decided(code))


def test_a_sanction_with_a_period_closes_the_case_only_once_served() -> None:
    message = refuses("sanction_is_final", decided("B-1"))
    assert "B-1 runs for 12 months; the case closes once it is served" in message
    assert "(trigger akhiri_masa_hukuman)" in message


def test_closing_before_any_decision_is_refused() -> None:
    assert refuses("sanction_is_final", decided(None)) == "no sanction has been decided yet"


@PROPERTY
@given(code=sanction_codes)
def test_exactly_the_sanctions_with_a_period_to_serve_wait_for_it(code: str) -> None:
    sanction = CATALOGUE.sanction(code)
    waits = bool(sanction.duration_months) and not sanction.final
    assert judges("sanction_is_final", decided(code)) == (not waits)


# --------------------------------------------------------------------------- evaluate


def test_evaluate_lists_every_failing_guard_with_its_sentence_in_order() -> None:
    ctx = context(violations=("ETK-02",), inputs={"level": "berat"})
    names = ("allegations_fit_act_date", "track_is_ethics", "level_fits_catalogue")
    failures = evaluate(names, ctx)
    assert [name for name, _ in failures] == ["allegations_fit_act_date", "level_fits_catalogue"]
    assert all(sentence for _, sentence in failures)


def test_evaluate_leaves_out_the_guards_that_read_an_input_not_given_yet() -> None:
    names = ("level_fits_catalogue", "summons_notice_period", "team_formed_if_required")
    ctx = context(facts={"level": "berat"})
    skipped = evaluate(names, ctx, skip_reading=frozenset({"level", "examination_date"}))
    assert [name for name, _ in skipped] == ["team_formed_if_required"]
    assert [name for name, _ in evaluate(names, ctx)] == list(names)


# --------------------------------------------------------------------------- who decides


def test_the_ppk_of_a_regency_decides_a_berat_sanction_of_a_teacher_by_default() -> None:
    assert allows("decided_by_competent_official", context(inputs={"sanction": "B-2"}))
    assert allows(
        "decided_by_competent_official", context(inputs={"sanction": "B-2", "official": "ppk"})
    )


def test_a_pengawas_deciding_a_berat_sanction_is_refused_with_the_rule_in_words() -> None:
    message = refuses(
        "decided_by_competent_official",
        context(inputs={"sanction": "B-2", "official": "pengawas"}),
    )
    assert "B-2 (berat) for a pejabat fungsional of an instansi daerah kabupaten/kota" in message
    assert "imposed by the Pejabat Pembina Kepegawaian" in message
    assert "the Pejabat Pengawas may not decide it" in message


def test_a_sedang_sanction_of_a_functional_official_is_decided_by_an_administrator_or_jpt() -> None:
    for official in ("administrator", "jpt_pratama"):
        inputs = {"sanction": "S-1T", "official": official}
        assert allows("decided_by_competent_official", context(inputs=inputs))
    message = refuses(
        "decided_by_competent_official", context(inputs={"sanction": "S-1T", "official": "ppk"})
    )
    assert "Pejabat Administrator or Pejabat Pimpinan Tinggi Pratama" in message
    assert "only where no such official exists" in message


def test_the_next_higher_official_decides_where_none_exists_with_a_recorded_reason() -> None:
    inputs = {"sanction": "R-1", "official": "administrator"}
    ctx = context(position_type="pelaksana", inputs=inputs)
    assert "--set authority_reason=" in refuses("decided_by_competent_official", ctx)
    reason = {**inputs, "authority_reason": "unit kerja tidak memiliki pejabat pengawas"}
    assert allows(
        "decided_by_competent_official", context(position_type="pelaksana", inputs=reason)
    )


def test_a_lower_official_than_the_competent_one_is_refused_even_with_a_reason() -> None:
    inputs = {"sanction": "B-2", "official": "administrator", "authority_reason": "x"}
    assert "may not decide it" in refuses("decided_by_competent_official", context(inputs=inputs))


def test_the_president_decides_every_sanction_of_a_jpt_utama() -> None:
    for code in ("R-1", "S-1T", "B-2", "PTDH"):
        ctx = context(position_type="jpt_utama", agency_tier="pusat", inputs={"sanction": code})
        assert allows("decided_by_competent_official", ctx)
        ctx = context(
            position_type="jpt_utama",
            agency_tier="pusat",
            inputs={"sanction": code, "official": "ppk"},
        )
        assert "imposed by the Presiden" in refuses("decided_by_competent_official", ctx)


def test_an_agency_whose_tier_is_unknown_cannot_decide_and_is_told_how_rows_are_read() -> None:
    message = refuses(
        "decided_by_competent_official", context(agency_tier=None, inputs={"sanction": "B-2"})
    )
    assert "the tier of the case's agency is unknown" in message
    assert "PEMERINTAH KABUPATEN" in message


# --------------------------------------------------------------------------- temporary release


def test_a_likely_berat_case_may_release_the_employee_once() -> None:
    assert allows("release_allowed", context(facts={"level": "berat"}))
    assert allows("release_allowed", context(facts={"level": "sedang", "sanction": "B-2"}))
    again = context(facts={"level": "berat", "bebaskan_sementara_on": "2024-11-01"})
    assert refuses("release_allowed", again) == (
        "the employee has been released from duty since 2024-11-01"
    )


def test_no_release_where_the_lhp_recommends_less_than_berat() -> None:
    message = refuses("release_allowed", context(facts={"level": "berat", "sanction": "S-1T"}))
    assert message.endswith("this case's is 'sedang'")


def test_a_disciplinary_measure_follows_a_moral_sanction_only_on_the_panels_advice() -> None:
    advised = {"panel_recommends_discipline": "ya", "sanction": "MOR-T"}
    ctx = context(violations=("ETK-02",), facts=advised, inputs={"level": "sedang"})
    assert allows("panel_recommended_discipline", ctx)
    silent = context(violations=("ETK-02",), facts={"sanction": "MOR-T"}, inputs={"level": "x"})
    assert "PP 42/2004 Ps 16" in refuses("panel_recommended_discipline", silent)
    moral = context(violations=("ETK-02",), facts=advised, inputs={"level": "moral"})
    assert "disciplinary level" in refuses("panel_recommended_discipline", moral)


# ------------------------------------------------------- repeat offences, candidates


def test_a_decision_lighter_than_the_employees_last_sanction_of_the_same_kind_needs_a_reason() -> (
    None
):
    earlier = PriorSanction("NET-2023-0001", "B-2", date(2023, 12, 4), ("DIS-02",))
    lighter = replace(context(inputs={"sanction": "S-1"}), prior_sanctions=(earlier,))
    assert "repeat offence" in refuses("sanction_not_lighter_than_last_sanction", lighter)
    heavier = replace(lighter, inputs={"sanction": "B-3"})
    assert allows("sanction_not_lighter_than_last_sanction", heavier)
    reasoned = replace(lighter, inputs={"sanction": "S-1", "repeat_reason": "alasan"})
    assert allows("sanction_not_lighter_than_last_sanction", reasoned)
    level = replace(lighter, inputs={"level": "sedang"})
    assert "level 'sedang' is lighter" in refuses("level_not_lighter_than_last_sanction", level)
    assert allows("level_not_lighter_than_last_sanction", replace(level, inputs={"level": "berat"}))


def test_the_resignation_path_is_for_a_candidate_who_did_not_resign() -> None:
    assert allows("candidate_did_not_resign", context(violations=("UU20-59",)))
    assert "UU 20/2023 Ps 56" in refuses("candidate_did_not_resign", context())


# --------------------------------------------------------------------------- coverage


def _guards_named_in_calls_to(helper: str) -> set[str]:
    """The guard names this file passes, as a literal, to `helper(...)`."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    return {
        str(node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == helper
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_registered_guard_has_a_test_that_it_allows_and_one_that_it_refuses() -> None:
    allowed, refused = _guards_named_in_calls_to("allows"), _guards_named_in_calls_to("refuses")
    assert sorted(set(GUARDS) - allowed) == [], "guards never shown to allow a step"
    assert sorted(set(GUARDS) - refused) == [], "guards never shown to refuse a step"
    assert sorted((allowed | refused) - set(GUARDS)) == [], "tests of guards that do not exist"


# --------------------------------------------------------------------------- composition


def test_a_team_of_superior_supervision_and_personnel_none_junior_may_be_formed() -> None:
    assert allows("team_composition", context(inputs={"members": TEAM_MEMBERS}))


def test_a_team_with_a_member_junior_to_the_examinee_is_refused_with_the_rule_in_words() -> None:
    junior = TEAM_MEMBERS.replace(
        "golongan=Pembina, IV/a; unsur=pengawasan", "golongan=III/a; unsur=pengawasan"
    )
    message = refuses("team_composition", context(inputs={"members": junior}))
    assert message.startswith("the Tim Pemeriksa is made of the direct superior")
    assert message.endswith("member 2 (Ir. Wahyuni, M.M., III/a) is junior to the examinee (III/b)")


def test_a_team_whose_superior_is_involved_needs_the_next_superior_up() -> None:
    inputs = {"members": TEAM_MEMBERS, "superior_involved": "atasan langsung ikut berkampanye"}
    message = refuses("team_composition", context(inputs=inputs))
    assert "no member may sit as atasan_langsung" in message
    replaced = TEAM_MEMBERS.replace("unsur=atasan_langsung", "unsur=pejabat_lain")
    assert allows("team_composition", context(inputs={**inputs, "members": replaced}))


def test_a_panel_of_five_with_chair_and_secretary_may_be_formed() -> None:
    assert allows("panel_composition", context(inputs={"members": PANEL_MEMBERS}))


def test_a_panel_of_four_is_refused_for_its_size_and_even_number() -> None:
    four = PANEL_MEMBERS.rsplit(" | ", 1)[0]
    message = refuses("panel_composition", context(inputs={"members": four}))
    assert "needs at least 3 anggota besides the ketua and the sekretaris (given: 2)" in message
    assert "must have an odd number of members (given: 4)" in message


def test_the_panel_size_is_the_declared_rule_not_a_constant() -> None:
    rules = {**shipped_rules(), "panel_min_members": 1, "panel_odd": False}
    four = PANEL_MEMBERS.rsplit(" | ", 1)[0]
    assert allows("panel_composition", context(inputs={"members": four}, rules=rules))


# --------------------------------------------------------------------------- what they read


class _Watched(tuple[PriorSanction, ...]):
    """Earlier sanctions that note when a guard looks at them."""

    looked = False

    def __iter__(self) -> Iterator[PriorSanction]:
        type(self).looked = True
        return super().__iter__()

    def __len__(self) -> int:
        type(self).looked = True
        return super().__len__()


def test_only_the_guards_that_declare_priors_read_the_employees_earlier_sanctions() -> None:
    """A step reads the employee's earlier sanctions from the database only when one of its
    guards declares `priors`: a guard that reads them without saying so would judge a step
    without them."""
    earlier = _Watched([PriorSanction("NET-2023-0001", "B-2", date(2023, 12, 4), ("DIS-02",))])
    decided = {"sanction": "B-2", "level": "berat", "recommended_sanction": "B-2"}
    contexts = [
        context(),
        context(inputs={"level": "sedang"}),
        context(inputs={"sanction": "S-1"}),
        context(facts=decided, inputs={"sanction": "S-1", "outcome": "memperingan"}),
        context(violations=("ETK-02",), facts={"sanction": "MOR-T"}, inputs={"level": "sedang"}),
    ]
    readers = set()
    for name in GUARDS:
        for ctx in contexts:
            _Watched.looked = False
            GUARDS[name](replace(ctx, prior_sanctions=earlier))
            if _Watched.looked:
                readers.add(name)
    declared = {name for name, needs in GUARD_NEEDS.items() if needs.priors}
    assert (
        readers
        == declared
        == {
            "level_not_lighter_than_last_sanction",
            "sanction_not_lighter_than_last_sanction",
        }
    )
    assert reads_priors(["track_is_discipline", "sanction_not_lighter_than_last_sanction"])
    assert not reads_priors(["track_is_discipline", "level_fits_catalogue"])
