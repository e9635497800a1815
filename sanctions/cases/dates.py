"""Plausibility of the dates an officer types (pure): a mistyped date must not lock a case.

* a date after today (or after the `--as-of` of a command that takes one) is refused: nothing
  is recorded ahead of time;
* a date on a weekend or a holiday is accepted with a warning: offices do sometimes act then,
  but it is a common slip (2024-10-13 for 2024-10-31's neighbour);
* an act dated more than `ACT_YEARS_BEFORE_CONTEST` years before the contest's
  candidate-determination date is refused as a typo (2014 for 2024): neutrality cases concern
  the run-up to one contest; a report dated before the act is refused
  (`sanctions.cases.opening`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sanctions.deadlines.workdays import WorkingCalendar

ACT_YEARS_BEFORE_CONTEST: Final = 2
_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def future_problem(day: date, today: date, what: str) -> str | None:
    if day <= today:
        return None
    return (
        f"{what} {day.isoformat()} is after today ({today.isoformat()}): enter the day it happened"
    )


def day_off_warning(day: date, calendar: WorkingCalendar, what: str) -> str | None:
    """A sentence when `day` is not a working day (accepted; the officer checks it)."""
    if calendar.is_working_day(day):
        return None
    name = calendar.holiday_name(day) or _WEEKDAYS[day.weekday()]
    return f"{what} {day.isoformat()} is not a working day ({name}); recorded as given"


def act_before_contest_problem(act_date: date, determination: date | None) -> str | None:
    if determination is None:
        return None
    limit = determination.replace(year=determination.year - ACT_YEARS_BEFORE_CONTEST)
    if act_date >= limit:
        return None
    return (
        f"the act ({act_date.isoformat()}) is more than {ACT_YEARS_BEFORE_CONTEST} years before "
        f"the contest's candidate determination ({determination.isoformat()}); check the year"
    )
