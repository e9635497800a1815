"""Dates an officer types: a date after today is refused, a weekend or holiday is accepted
with a warning, and an act years before the contest (or a report before the act) is refused
with the reason; nothing is written by a refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sanctions.app import App
from sanctions.cases.dates import act_before_contest_problem, day_off_warning, future_problem
from sanctions.errors import InputError
from sanctions.settings import Settings
from tests.factories import NOW, TODAY, open_case, seed, snapshot, step


@pytest.fixture
def seeded(app: App) -> App:
    seed(app)
    return app


def test_a_step_dated_after_today_is_refused_and_nothing_changes(seeded: App) -> None:
    ref = open_case(seeded)
    before = snapshot(seeded)
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(InputError, match=f"after today \\({TODAY.isoformat()}\\)"):
        step(seeded, ref, "kaji", "bawaslu", tomorrow)
    assert snapshot(seeded) == before


def test_a_case_cannot_be_opened_with_a_future_act_or_report_date(seeded: App) -> None:
    before = snapshot(seeded)
    future = TODAY + timedelta(days=3)
    with pytest.raises(InputError, match=r"the act date .* is after today"):
        open_case(seeded, act_date=future, reported_on=future)
    with pytest.raises(InputError, match=r"the report date .* is after today"):
        open_case(seeded, reported_on=future)
    assert snapshot(seeded) == before


def test_an_act_years_before_the_contest_is_refused_as_a_typo(seeded: App) -> None:
    before = snapshot(seeded)
    with pytest.raises(InputError, match=r"more than 2 years before .*2024-09-22.*check the year"):
        open_case(seeded, act_date=date(2014, 10, 3))
    assert snapshot(seeded) == before


def test_a_report_dated_before_the_act_is_refused(seeded: App) -> None:
    with pytest.raises(InputError, match="cannot be after the report"):
        open_case(seeded, act_date=date(2024, 10, 9), reported_on=date(2024, 10, 7))


def test_a_step_on_a_sunday_is_recorded_with_a_warning(seeded: App) -> None:
    ref = open_case(seeded)
    written = step(seeded, ref, "kaji", "bawaslu", date(2024, 10, 13))
    assert written.case.state == "kajian_bawaslu"
    assert written.warnings == [
        "the step's date 2024-10-13 is not a working day (Sunday); recorded as given"
    ]
    assert step(seeded, ref, "teruskan", "bawaslu", date(2024, 10, 14)).warnings == []


@pytest.mark.pure
def test_the_date_rules_on_their_own() -> None:
    calendar = App(Settings()).calendar
    assert future_problem(date(2024, 1, 2), date(2024, 1, 2), "x") is None
    assert future_problem(date(2024, 1, 3), date(2024, 1, 2), "x") is not None
    assert day_off_warning(date(2024, 8, 17), calendar, "the step's date") == (
        "the step's date 2024-08-17 is not a working day "
        f"({calendar.holiday_name(date(2024, 8, 17))}); recorded as given"
    )
    assert day_off_warning(date(2024, 8, 19), calendar, "x") is None
    assert act_before_contest_problem(date(2022, 9, 22), date(2024, 9, 22)) is None
    assert act_before_contest_problem(date(2022, 9, 21), date(2024, 9, 22)) is not None
    assert act_before_contest_problem(date(2000, 1, 1), None) is None
    assert NOW.date() == TODAY


def test_the_reminder_job_refuses_to_run_as_of_a_later_day_except_as_a_dry_run(
    seeded: App,
) -> None:
    from sanctions.deadlines.reminders import run_reminders

    later = TODAY + timedelta(days=1)
    before = snapshot(seeded)
    with pytest.raises(InputError, match="after today"):
        run_reminders(seeded, as_of=later, now=NOW, actor="job", dry_run=False)
    assert run_reminders(seeded, as_of=later, now=NOW, actor="job", dry_run=True).rows == []
    assert snapshot(seeded) == before
