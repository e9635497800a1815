"""Working-day calendar: known Indonesian dates, invariants, and `calendar.yaml` validation.

Expected dates were worked out by hand from the holiday list of `holidays` 0.109 (Indonesia,
public + government categories, Indonesian names), printed in each test's comment.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.deadlines.workdays import (
    WorkingCalendar,
    collective_leave_published,
    load_calendar,
    national_holidays,
)
from sanctions.declared.reader import display_path
from sanctions.errors import DefinitionError

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

DATA = Path(__file__).parent / "data" / "calendar"
REPO = Path(__file__).parent.parent

CALENDAR = WorkingCalendar()
NO_COLLECTIVE_LEAVE = WorkingCalendar(collective_leave_is_holiday=False)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=1, max_value=400)


# --------------------------------------------------------------------------- known dates


def test_three_working_days_after_17_march_2026_is_27_march_2026() -> None:
    # 18 Mar cuti bersama Nyepi, 19 Nyepi, 20 cuti bersama Idul Fitri, 21-22 Idul Fitri
    # (a weekend), 23-24 cuti bersama Idul Fitri: day 1 = 25, day 2 = 26, day 3 = 27.
    assert CALENDAR.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)


def test_without_collective_leave_three_working_days_after_17_march_2026_is_23_march() -> None:
    # Only 19 Mar (Nyepi) and the weekend are off: 18 = 1, 20 = 2, 23 = 3.
    assert NO_COLLECTIVE_LEAVE.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 23)


def test_lebaran_2026_days_are_not_working_days_and_carry_their_names() -> None:
    assert CALENDAR.holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert CALENDAR.holiday_name(date(2026, 3, 21)) == "Hari Raya Idul Fitri"
    assert CALENDAR.holiday_name(date(2026, 3, 23)) == "Cuti Bersama Hari Raya Idul Fitri"
    for day in (18, 19, 20, 21, 22, 23, 24):
        assert not CALENDAR.is_working_day(date(2026, 3, day))
    assert CALENDAR.is_working_day(date(2026, 3, 17))
    assert CALENDAR.is_working_day(date(2026, 3, 25))


def test_collective_leave_is_neither_named_nor_off_when_the_setting_is_off() -> None:
    assert NO_COLLECTIVE_LEAVE.holiday_name(date(2026, 3, 23)) is None
    assert NO_COLLECTIVE_LEAVE.is_working_day(date(2026, 3, 23))
    assert NO_COLLECTIVE_LEAVE.holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"


def test_an_ordinary_weekday_has_no_holiday_name_and_a_plain_saturday_is_not_working() -> None:
    assert CALENDAR.holiday_name(date(2026, 3, 2)) is None
    assert CALENDAR.is_working_day(date(2026, 3, 2))
    assert CALENDAR.holiday_name(date(2026, 3, 7)) is None
    assert not CALENDAR.is_working_day(date(2026, 3, 7))


def test_one_working_day_after_23_december_2026_is_28_december() -> None:
    # 24 Dec cuti bersama Natal, 25 Natal, 26-27 weekend.
    assert CALENDAR.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert NO_COLLECTIVE_LEAVE.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)


def test_three_working_days_after_29_december_2026_is_4_january_2027() -> None:
    # 30 Dec = 1, 31 Dec = 2 (not a holiday in the list), 1 Jan Tahun Baru, 2-3 Jan weekend,
    # 4 Jan = 3.
    assert CALENDAR.add_working_days(date(2026, 12, 29), 3) == date(2027, 1, 4)


def test_five_working_days_span_the_2026_year_end_both_ways() -> None:
    # 28, 29, 30, 31 Dec and 4 Jan.
    assert CALENDAR.add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert CALENDAR.subtract_working_days(date(2027, 1, 4), 5) == date(2026, 12, 23)
    assert CALENDAR.working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5
    assert CALENDAR.working_days_between(date(2027, 1, 4), date(2026, 12, 23)) == -5


def test_the_2027_year_end_skips_christmas_collective_leave_and_new_year_weekend() -> None:
    # 24 Dec 2027 (Fri) cuti bersama Natal, 25 Natal (Sat); 1 Jan 2028 is a Saturday.
    assert CALENDAR.add_working_days(date(2027, 12, 23), 1) == date(2027, 12, 27)
    assert CALENDAR.add_working_days(date(2027, 12, 30), 2) == date(2028, 1, 3)


def test_decision_received_tuesday_14_july_2026_takes_effect_tuesday_4_august_2026() -> None:
    # D12 (docs/sources.md §10.4, PerBKN 6/2022 Ps 50(1) [S]): receipt day not counted, in force on
    # working day 15. No holiday falls between 15 Jul and 4 Aug 2026 (16 Jun Tahun Baru Islam
    # is before, 17 Aug is after), so the third-party vector 4 Aug 2026 holds.
    assert CALENDAR.add_working_days(date(2026, 7, 14), 15) == date(2026, 8, 4)


def test_decision_received_13_august_2026_takes_effect_7_september_2026() -> None:
    # Same rule across 17 Aug (Kemerdekaan) and 25 Aug (Maulid Nabi): 14 Aug = 1, 18 = 2 …
    # 24 = 6, 26 = 7 … 31 = 10, 1-4 Sep = 11-14, 7 Sep = 15.
    assert CALENDAR.add_working_days(date(2026, 8, 13), 15) == date(2026, 9, 7)


def test_summons_for_an_examination_on_30_march_2026_is_due_by_12_march_2026() -> None:
    # 7 working days before: 27, 26, 25 Mar, then back over the Lebaran block to 17, 16, 13, 12.
    assert CALENDAR.subtract_working_days(date(2026, 3, 30), 7) == date(2026, 3, 12)


def test_next_working_day_is_the_day_itself_or_the_first_after_a_holiday_block() -> None:
    assert CALENDAR.next_working_day(date(2026, 3, 17)) == date(2026, 3, 17)
    assert CALENDAR.next_working_day(date(2026, 3, 18)) == date(2026, 3, 25)
    assert CALENDAR.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert CALENDAR.working_days_between(date(2026, 3, 17), date(2026, 3, 31)) == 5
    assert CALENDAR.working_days_between(date(2026, 3, 17), date(2026, 3, 17)) == 0
    assert CALENDAR.working_days_between(date(2026, 3, 16), date(2026, 3, 17)) == 1


def test_calendar_days_ignore_holidays() -> None:
    assert CALENDAR.add_calendar_days(date(2026, 3, 17), 3) == date(2026, 3, 20)
    assert CALENDAR.add_calendar_days(date(2026, 3, 17), -17) == date(2026, 2, 28)


def test_adding_zero_or_negative_working_days_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="n >= 1"):
        CALENDAR.add_working_days(date(2026, 3, 17), 0)
    with pytest.raises(ValueError, match="n >= 1"):
        CALENDAR.subtract_working_days(date(2026, 3, 17), -1)


def test_collective_leave_data_ends_with_2027_in_the_installed_holidays_package() -> None:
    # holidays 0.109 holds cuti bersama for 2002-2027; a later year needs a package upgrade.
    assert collective_leave_published(2026)
    assert collective_leave_published(2027)
    assert not collective_leave_published(2028)


def test_2026_has_17_public_holidays_and_8_days_of_collective_leave() -> None:
    # docs/sources.md §L5 count: 17 public + 8 government (cuti bersama) days.
    with_leave = national_holidays(2026, True)
    without = national_holidays(2026, False)
    assert len(without) == 17
    assert sorted(set(with_leave) - set(without)) == [
        date(2026, 2, 16),
        date(2026, 3, 18),
        date(2026, 3, 20),
        date(2026, 3, 23),
        date(2026, 3, 24),
        date(2026, 5, 15),
        date(2026, 5, 28),
        date(2026, 12, 24),
    ]


def test_national_holidays_are_looked_up_once_per_year_and_setting() -> None:
    national_holidays(2031, True)
    before = national_holidays.cache_info()
    for _ in range(100):
        national_holidays(2031, True)
    after = national_holidays.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 100


def test_a_calendar_copies_its_extra_holidays_so_later_changes_do_not_leak_in() -> None:
    extras = {date(2026, 7, 15): "Hari Jadi"}
    calendar = WorkingCalendar(extra_holidays=extras)
    extras[date(2026, 7, 16)] = "Tambahan"
    assert calendar.is_working_day(date(2026, 7, 16))
    assert not calendar.is_working_day(date(2026, 7, 15))
    assert calendar == WorkingCalendar(extra_holidays={date(2026, 7, 15): "Hari Jadi"})
    assert hash(calendar) == hash(WorkingCalendar(extra_holidays={date(2026, 7, 15): "Hari Jadi"}))


def test_an_extra_working_day_wins_over_a_weekend_and_a_holiday() -> None:
    calendar = WorkingCalendar(extra_working_days=frozenset({date(2026, 3, 21), date(2026, 3, 7)}))
    assert calendar.is_working_day(date(2026, 3, 7))
    assert calendar.is_working_day(date(2026, 3, 21))
    assert calendar.holiday_name(date(2026, 3, 21)) == "Hari Raya Idul Fitri"


# --------------------------------------------------------------------------- invariants


@given(dates, counts)
def test_adding_working_days_always_lands_on_a_working_day(start: date, n: int) -> None:
    assert CALENDAR.is_working_day(CALENDAR.add_working_days(start, n))


@given(dates, counts)
def test_adding_working_days_lands_exactly_n_working_days_later(start: date, n: int) -> None:
    end = CALENDAR.add_working_days(start, n)
    assert end > start
    assert CALENDAR.working_days_between(start, end) == n
    assert CALENDAR.working_days_between(end, start) == -n


@given(dates, counts)
def test_adding_one_more_working_day_goes_strictly_later(start: date, n: int) -> None:
    assert CALENDAR.add_working_days(start, n) < CALENDAR.add_working_days(start, n + 1)


@given(dates, dates, counts)
def test_a_later_start_never_gives_an_earlier_result(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert CALENDAR.add_working_days(early, n) <= CALENDAR.add_working_days(late, n)


@given(dates, counts)
def test_subtracting_undoes_adding_from_a_working_day(start: date, n: int) -> None:
    day = CALENDAR.next_working_day(start)
    assert CALENDAR.subtract_working_days(CALENDAR.add_working_days(day, n), n) == day
    assert CALENDAR.add_working_days(CALENDAR.subtract_working_days(day, n), n) == day


@given(dates, counts)
def test_subtracting_working_days_lands_on_a_working_day_n_before(end: date, n: int) -> None:
    start = CALENDAR.subtract_working_days(end, n)
    assert CALENDAR.is_working_day(start)
    assert start < end
    # The n-th working day strictly before `end` leaves n - 1 working days between the two;
    # (start, end] adds `end` itself when it is a working day.
    assert CALENDAR.working_days_between(start, end) == n - 1 + CALENDAR.is_working_day(end)


@given(dates, dates)
def test_working_days_between_matches_a_day_by_day_count(a: date, b: date) -> None:
    start, end = sorted((a, b))
    if (end - start).days > 800:
        end = start + timedelta(days=800)
    walked = sum(
        CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )
    assert CALENDAR.working_days_between(start, end) == walked


@given(dates)
def test_is_working_day_agrees_with_weekday_and_holiday_name(day: date) -> None:
    expected = day.weekday() < 5 and CALENDAR.holiday_name(day) is None
    assert CALENDAR.is_working_day(day) == expected


@given(dates, counts)
def test_collective_leave_can_only_push_a_deadline_later(start: date, n: int) -> None:
    assert NO_COLLECTIVE_LEAVE.add_working_days(start, n) <= CALENDAR.add_working_days(start, n)


# --------------------------------------------------------------------------- calendar.yaml


def test_the_shipped_calendar_file_loads() -> None:
    calendar = load_calendar(REPO / "workflows" / "calendar.yaml")
    assert calendar.collective_leave_is_holiday
    assert calendar.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)


def test_no_calendar_file_gives_the_national_calendar() -> None:
    assert load_calendar(None) == WorkingCalendar()
    assert load_calendar(None, collective_leave_is_holiday=False) == NO_COLLECTIVE_LEAVE


def test_an_agency_extra_holiday_from_the_data_file_moves_the_effective_date() -> None:
    # valid.yaml makes Wed 15 Jul 2026 a holiday for everyone and Sat 18 Jul a working day:
    # 16 = 1, 17 = 2, 18 = 3, 20-24 = 4-8, 27-31 = 9-13, 3 Aug = 14, 4 Aug = 15.
    calendar = load_calendar(DATA / "valid.yaml")
    assert calendar.holiday_name(date(2026, 7, 15)) == "Hari Jadi Instansi (fiktif)"
    assert not calendar.is_working_day(date(2026, 7, 15))
    assert calendar.is_working_day(date(2026, 7, 18))
    assert calendar.add_working_days(date(2026, 7, 14), 15) == date(2026, 8, 4)
    assert calendar.add_working_days(date(2026, 7, 14), 3) == date(2026, 7, 18)
    assert CALENDAR.add_working_days(date(2026, 7, 14), 3) == date(2026, 7, 17)


def test_a_regional_extra_holiday_applies_only_to_its_region() -> None:
    galungan = date(2026, 6, 17)
    assert load_calendar(DATA / "valid.yaml").is_working_day(galungan)
    bali = load_calendar(DATA / "valid.yaml", region="Bali")
    assert not bali.is_working_day(galungan)
    assert bali.holiday_name(galungan) == "Hari Raya Galungan"
    assert not bali.is_working_day(date(2026, 7, 15))  # agency-wide entries apply too


def test_the_collective_leave_setting_passes_through_the_loader() -> None:
    calendar = load_calendar(DATA / "valid.yaml", collective_leave_is_holiday=False)
    assert calendar.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 23)


INVALID = [
    ("not_a_date.yaml", "extra_holidays[2].date: not a date (YYYY-MM-DD): '2026-02-30'"),
    ("date_not_iso.yaml", "extra_holidays[0].date: not a date (YYYY-MM-DD): '15/07/2026'"),
    ("date_missing.yaml", "extra_holidays[0]: missing required key 'date'"),
    ("name_empty.yaml", "extra_holidays[0].name: expected a non-empty text, got str ''"),
    ("source_missing.yaml", "extra_holidays[0]: missing required key 'source'"),
    (
        "confidence_bad.yaml",
        "extra_holidays[0].confidence: unknown confidence 'X' (allowed: C, S, U)",
    ),
    ("region_not_string.yaml", "extra_holidays[0].region: expected a non-empty text, got int 51"),
    (
        "unknown_entry_key.yaml",
        "extra_holidays[0]: unknown key 'reason' (allowed: date, name, region, source, confidence)",
    ),
    (
        "unknown_top_key.yaml",
        "unknown key 'holidays' (allowed: extra_holidays, extra_working_days, revisions)",
    ),
    ("list_not_list.yaml", "extra_holidays: expected a list, got a mapping"),
    ("entry_not_mapping.yaml", "extra_working_days[0]: expected a mapping, got str '2026-07-18'"),
    ("top_not_mapping.yaml", "expected a mapping, got a list"),
    (
        "duplicate_date.yaml",
        "extra_holidays[1].date: 2026-07-15 is already listed at extra_holidays[0]",
    ),
    (
        "holiday_and_working_day.yaml",
        "extra_working_days[0].date: 2026-07-15 is also an extra holiday at extra_holidays[0]",
    ),
    ("duplicate_yaml_key.yaml", "not valid YAML (line 4, column 5): duplicate key 'name'"),
    ("bad_syntax.yaml", "not valid YAML (line 3, column 1): did not find expected ',' or '}'"),
]


@pytest.mark.parametrize(("name", "message"), INVALID, ids=[name for name, _ in INVALID])
def test_an_invalid_calendar_file_is_refused_with_the_path_of_the_problem(
    name: str, message: str
) -> None:
    path = DATA / name
    with pytest.raises(DefinitionError) as caught:
        load_calendar(path)
    assert str(caught.value) == f"{display_path(path)}: {message}"


def test_every_invalid_calendar_fixture_is_covered() -> None:
    fixtures = {p.name for p in DATA.glob("*.yaml")} - {"valid.yaml"}
    assert fixtures == {name for name, _ in INVALID}


def test_a_missing_calendar_file_is_a_definition_error_naming_it() -> None:
    path = DATA / "does_not_exist.yaml"
    with pytest.raises(DefinitionError) as caught:
        load_calendar(path)
    assert str(caught.value) == f"{display_path(path)}: file not found"


def test_file_names_in_messages_are_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    with pytest.raises(DefinitionError) as caught:
        load_calendar(DATA / "not_a_date.yaml")
    assert str(caught.value) == (
        "tests/data/calendar/not_a_date.yaml: extra_holidays[2].date: not a date (YYYY-MM-DD): "
        "'2026-02-30'"
    )
