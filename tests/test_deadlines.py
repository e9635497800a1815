"""Deadline rules: parsing with path-qualified errors, due dates, lateness, month arithmetic."""

from __future__ import annotations

import calendar as gregorian
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.deadlines.rules import (
    DeadlineRule,
    Direction,
    OnMiss,
    Unit,
    add_months,
    days_left,
    due_date,
    is_late,
    offset,
    parse_deadline_rule,
    sanction_period_end,
)
from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.declared.reader import Node
from sanctions.errors import DefinitionError

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

CALENDAR = WorkingCalendar()
FILE, PATH = "workflows/discipline.yaml", "states.decided.deadlines[0]"
WHERE = f"{FILE}: {PATH}"

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
months = st.integers(min_value=1, max_value=60)


def raw_rule(**changes: Any) -> dict[str, Any]:
    """A valid D10 rule (decision issued → delivered within 14 HK), with `changes` applied."""
    raw: dict[str, Any] = {
        "name": "penyampaian_keputusan",
        "label": "Penyampaian keputusan hukuman disiplin",
        "amount": 14,
        "unit": "hari_kerja",
        "basis": "PP 94/2021; BKN Denpasar KMS",
        "confidence": "C",
        "governs": ["deliver", "post"],
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not ...}


def rule(**changes: Any) -> DeadlineRule:
    return parse_deadline_rule(Node(raw_rule(**changes), FILE, PATH))


# --------------------------------------------------------------------------- parsing


def test_a_minimal_rule_gets_the_documented_defaults() -> None:
    parsed = rule()
    assert parsed == DeadlineRule(
        name="penyampaian_keputusan",
        label="Penyampaian keputusan hukuman disiplin",
        amount=14,
        unit=Unit.WORKING_DAYS,
        direction=Direction.AFTER,
        anchor="entered",
        basis="PP 94/2021; BKN Denpasar KMS",
        confidence="C",
        on_miss=OnMiss.RECORD_LATE,
        governs=("deliver", "post"),
        note="",
    )


def test_every_key_can_be_given() -> None:
    parsed = rule(
        name="panggilan_pertama",
        amount=7,
        direction="before",
        anchor="examination_date",
        confidence="S",
        on_miss="refuse",
        governs=["summon"],
        note="PP 94 Ps 26(2) per third-party seed data",
    )
    assert parsed.direction is Direction.BEFORE
    assert parsed.anchor == "examination_date"
    assert parsed.confidence == "S"
    assert parsed.on_miss is OnMiss.REFUSE
    assert parsed.governs == ("summon",)
    assert parsed.note == "PP 94 Ps 26(2) per third-party seed data"


def test_governs_may_be_left_out() -> None:
    assert rule(governs=...).governs == ()


INVALID: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown key",
        {"days": 3},
        ": unknown key 'days' (allowed: name, label, amount, unit, direction, anchor, basis, "
        "confidence, on_miss, governs, note, contest_kind)",
    ),
    ("name missing", {"name": ...}, ": missing required key 'name'"),
    (
        "name not snake case",
        {"name": "Penyampaian Keputusan"},
        ".name: 'Penyampaian Keputusan' is not a snake_case name ([a-z][a-z0-9_]*)",
    ),
    ("label missing", {"label": ...}, ": missing required key 'label'"),
    ("label blank", {"label": "  "}, ".label: expected a non-empty text, got str '  '"),
    ("amount missing", {"amount": ...}, ": missing required key 'amount'"),
    ("amount text", {"amount": "14"}, ".amount: expected a whole number, got str '14'"),
    (
        "amount boolean",
        {"amount": True},
        ".amount: expected a whole number, got a boolean (True)",
    ),
    ("amount zero", {"amount": 0}, ".amount: must be at least 1, got 0"),
    ("unit missing", {"unit": ...}, ": missing required key 'unit'"),
    (
        "unit unknown",
        {"unit": "days"},
        ".unit: unknown unit 'days' (allowed: hari_kerja, hari_kalender, bulan)",
    ),
    (
        "direction unknown",
        {"direction": "sebelum"},
        ".direction: unknown direction 'sebelum' (allowed: after, before)",
    ),
    (
        "anchor not a name",
        {"anchor": 3},
        ".anchor: expected a snake_case name ([a-z][a-z0-9_]*), got int 3",
    ),
    ("basis missing", {"basis": ...}, ": missing required key 'basis'"),
    ("confidence missing", {"confidence": ...}, ": missing required key 'confidence'"),
    (
        "confidence unknown",
        {"confidence": "confirmed"},
        ".confidence: unknown confidence 'confirmed' (allowed: C, S, U)",
    ),
    (
        "on_miss unknown",
        {"on_miss": "block"},
        ".on_miss: unknown on_miss action 'block' (allowed: refuse, record_late, escalate)",
    ),
    (
        "governs not a list",
        {"governs": "deliver"},
        ".governs: expected a list, got str 'deliver'",
    ),
    ("governs null", {"governs": None}, ".governs: expected a list, got nothing"),
    (
        "governs item not a name",
        {"governs": ["deliver", 7]},
        ".governs[1]: expected a snake_case name ([a-z][a-z0-9_]*), got int 7",
    ),
    (
        "governs duplicate",
        {"governs": ["deliver", "deliver"]},
        ".governs[1]: 'deliver' is listed twice",
    ),
    ("note not text", {"note": 5}, ".note: expected a text, got int 5"),
]


@pytest.mark.parametrize(
    ("changes", "message"),
    [(changes, message) for _, changes, message in INVALID],
    ids=[case for case, _, _ in INVALID],
)
def test_a_bad_rule_is_refused_naming_the_path_of_the_key(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        rule(**changes)
    assert str(caught.value) == WHERE + message


def test_a_rule_that_is_not_a_mapping_is_refused_at_its_own_path() -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_deadline_rule(Node(["name", "amount"], FILE, PATH))
    assert str(caught.value) == f"{WHERE}: expected a mapping, got a list"


# --------------------------------------------------------------------------- due dates


def test_a_decision_issued_on_13_march_2026_must_be_delivered_by_10_april_2026() -> None:
    # D10, 14 HK: 16, 17 Mar = 1-2; Lebaran block 18-24 Mar; 25-27 = 3-5; 30, 31 = 6-7;
    # 1, 2 Apr = 8-9; 3 Apr Wafat Yesus Kristus; 6-10 Apr = 10-14.
    assert due_date(rule(), date(2026, 3, 13), CALENDAR) == date(2026, 4, 10)


def test_the_summons_must_go_out_by_12_march_2026_for_an_examination_on_30_march() -> None:
    summons = rule(name="panggilan", amount=7, direction="before", anchor="examination_date")
    assert due_date(summons, date(2026, 3, 30), CALENDAR) == date(2026, 3, 12)


def test_a_before_rule_sent_on_the_latest_day_is_on_time_and_a_day_later_is_late() -> None:
    summons = rule(name="panggilan", amount=7, direction="before", anchor="examination_date")
    latest = due_date(summons, date(2026, 3, 30), CALENDAR)
    assert not is_late(summons, latest, date(2026, 3, 12))
    assert not is_late(summons, latest, date(2026, 3, 2))
    assert is_late(summons, latest, date(2026, 3, 13))


def test_the_decision_takes_effect_on_the_15th_working_day_after_receipt() -> None:
    # D12 [S]: received Tue 14 Jul 2026 → 4 Aug 2026 (no holiday in between).
    effect = rule(name="mulai_berlaku", amount=15, confidence="S")
    assert due_date(effect, date(2026, 7, 14), CALENDAR) == date(2026, 8, 4)


def test_calendar_day_rules_count_every_day_and_do_not_avoid_holidays() -> None:
    # D14: PPK answers BPASN within 21 days; 3 Mar 2026 + 21 = 24 Mar (cuti bersama).
    answer = rule(name="tanggapan_ppk", amount=21, unit="hari_kalender", confidence="U")
    assert due_date(answer, date(2026, 3, 3), CALENDAR) == date(2026, 3, 24)


def test_month_rules_add_calendar_months_clamped_to_the_month_end() -> None:
    monthly = rule(name="sebulan", amount=1, unit="bulan")
    assert due_date(monthly, date(2026, 1, 31), CALENDAR) == date(2026, 2, 28)
    back = rule(name="sebulan_sebelum", amount=1, unit="bulan", direction="before")
    assert due_date(back, date(2026, 3, 31), CALENDAR) == date(2026, 2, 28)


def test_a_calendar_day_before_rule_counts_back() -> None:
    back = rule(name="tiga_hari_sebelum", amount=3, unit="hari_kalender", direction="before")
    assert due_date(back, date(2026, 3, 2), CALENDAR) == date(2026, 2, 27)


def test_offset_by_zero_is_the_start_itself_even_on_a_holiday() -> None:
    for unit in Unit:
        assert offset(date(2026, 3, 19), 0, unit, CALENDAR) == date(2026, 3, 19)


def test_offset_refuses_a_negative_amount() -> None:
    with pytest.raises(ValueError, match="amount >= 0"):
        offset(date(2026, 3, 19), -1, Unit.CALENDAR_DAYS, CALENDAR)


def test_the_collective_leave_setting_changes_a_due_date() -> None:
    without = WorkingCalendar(collective_leave_is_holiday=False)
    assert due_date(rule(amount=3), date(2026, 3, 17), CALENDAR) == date(2026, 3, 27)
    assert due_date(rule(amount=3), date(2026, 3, 17), without) == date(2026, 3, 23)


units = st.sampled_from(list(Unit))
directions = st.sampled_from(list(Direction))
amounts = st.integers(min_value=1, max_value=40)
near = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))  # holiday data


@given(near, amounts, units, directions)
def test_an_offset_always_moves_the_way_its_direction_says(
    start: date, amount: int, unit: Unit, direction: Direction
) -> None:
    moved = offset(start, amount, unit, CALENDAR, direction)
    assert (moved > start) if direction is Direction.AFTER else (moved < start)


@given(near, amounts, units, directions)
def test_one_unit_more_never_moves_a_due_date_back_toward_the_anchor(
    start: date, amount: int, unit: Unit, direction: Direction
) -> None:
    nearer = offset(start, amount, unit, CALENDAR, direction)
    further = offset(start, amount + 1, unit, CALENDAR, direction)
    assert (further >= nearer) if direction is Direction.AFTER else (further <= nearer)


@given(near, amounts, directions)
def test_a_working_day_due_date_is_a_working_day_exactly_that_many_working_days_away(
    start: date, amount: int, direction: Direction
) -> None:
    due = offset(start, amount, Unit.WORKING_DAYS, CALENDAR, direction)
    assert CALENDAR.is_working_day(due)
    if direction is Direction.AFTER:
        assert CALENDAR.working_days_between(start, due) == amount
    else:  # counted back: the anchor's own day (or the next working day) is the n-th
        assert CALENDAR.working_days_between(due, CALENDAR.next_working_day(start)) == amount


# --------------------------------------------------------------------------- days left, lateness


def test_days_left_is_zero_on_the_due_date() -> None:
    assert days_left(date(2026, 8, 4), date(2026, 8, 4), CALENDAR, Unit.WORKING_DAYS) == 0
    assert days_left(date(2026, 8, 4), date(2026, 8, 4), CALENDAR, Unit.CALENDAR_DAYS) == 0


def test_days_left_counts_working_days_for_working_day_rules() -> None:
    # From Tue 17 Mar 2026 to Fri 27 Mar: 25, 26, 27.
    assert days_left(date(2026, 3, 27), date(2026, 3, 17), CALENDAR, Unit.WORKING_DAYS) == 3
    assert days_left(date(2026, 3, 27), date(2026, 3, 17), CALENDAR, Unit.CALENDAR_DAYS) == 10
    assert days_left(date(2026, 3, 27), date(2026, 3, 17), CALENDAR, Unit.MONTHS) == 10


def test_days_left_is_negative_once_overdue() -> None:
    # Due Fri 27 Mar 2026; Tue 31 Mar is two working days late (30, 31).
    assert days_left(date(2026, 3, 27), date(2026, 3, 31), CALENDAR, Unit.WORKING_DAYS) == -2
    assert days_left(date(2026, 3, 27), date(2026, 3, 31), CALENDAR, Unit.CALENDAR_DAYS) == -4


def test_a_weekend_right_after_the_due_date_already_counts_as_overdue() -> None:
    assert days_left(date(2026, 3, 27), date(2026, 3, 28), CALENDAR, Unit.WORKING_DAYS) == -1
    assert days_left(date(2026, 3, 27), date(2026, 3, 30), CALENDAR, Unit.WORKING_DAYS) == -1


def test_a_step_on_the_due_date_is_on_time_and_the_next_day_is_late() -> None:
    deliver = rule()
    assert not is_late(deliver, date(2026, 4, 10), date(2026, 4, 10))
    assert is_late(deliver, date(2026, 4, 10), date(2026, 4, 11))


@given(dates, dates)
def test_days_left_is_negative_exactly_when_late(due: date, today: date) -> None:
    due = CALENDAR.next_working_day(due)  # working-day rules always fall due on working days
    left = days_left(due, today, CALENDAR, Unit.WORKING_DAYS)
    assert (left < 0) == is_late(rule(), due, today)
    assert (left == 0) == (today == due)


# --------------------------------------------------------------------------- months


def test_31_january_plus_one_month_is_the_end_of_february() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_months_can_be_subtracted_and_cross_years() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 17), 12) == date(2027, 8, 17)


def test_a_six_month_sanction_from_15_march_ends_14_september() -> None:
    assert sanction_period_end(date(2026, 3, 15), 6) == date(2026, 9, 14)


def test_a_twelve_month_sanction_from_1_january_ends_31_december() -> None:
    assert sanction_period_end(date(2026, 1, 1), 12) == date(2026, 12, 31)


def test_a_sanction_from_a_day_the_end_month_lacks_ends_on_that_month_last_day() -> None:
    # 31 Aug + 6 months: there is no 31 Feb, the next period would start 1 Mar 2027.
    assert sanction_period_end(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert sanction_period_end(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert sanction_period_end(date(2026, 1, 30), 1) == date(2026, 2, 28)
    assert sanction_period_end(date(2026, 1, 28), 1) == date(2026, 2, 27)


def test_a_sanction_period_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError, match="months >= 1"):
        sanction_period_end(date(2026, 1, 1), 0)


@given(dates, months)
def test_adding_months_keeps_the_day_unless_the_month_is_shorter(d: date, m: int) -> None:
    result = add_months(d, m)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == m
    assert result.day == min(d.day, gregorian.monthrange(result.year, result.month)[1])


@given(dates, months)
def test_adding_then_removing_months_returns_to_a_day_up_to_28(d: date, m: int) -> None:
    d = d.replace(day=min(d.day, 28))
    assert add_months(add_months(d, m), -m) == d


@given(dates, months)
def test_a_sanction_period_spans_whole_months_and_the_next_starts_the_day_after(
    start: date, m: int
) -> None:
    end = sanction_period_end(start, m)
    after = end + timedelta(days=1)
    assert end >= start
    assert add_months(start, m) <= after  # never shorter than the clamped month count
    assert (after.year * 12 + after.month) - (start.year * 12 + start.month) in (m, m + 1)
    if start.day <= 28:
        assert after == add_months(start, m)


@given(dates, dates, months)
def test_a_later_start_never_ends_a_sanction_earlier(a: date, b: date, m: int) -> None:
    early, late = sorted((a, b))
    assert sanction_period_end(early, m) <= sanction_period_end(late, m)


@given(near, near, directions)
def test_a_step_is_late_the_same_way_for_after_and_before_rules(
    due: date, on: date, direction: Direction
) -> None:
    assert is_late(rule(direction=direction.value), due, on) == (on > due)


@given(near, near, near)
def test_a_later_day_never_has_more_working_days_left(due: date, a: date, b: date) -> None:
    earlier, later = sorted((a, b))
    left_then = days_left(due, earlier, CALENDAR, Unit.WORKING_DAYS)
    assert days_left(due, later, CALENDAR, Unit.WORKING_DAYS) <= left_then
