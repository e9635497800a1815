"""Deadline rules: declared in the workflow data, computed here, with no I/O and no clock.

A rule says how far a due date lies from an anchor date (the day the case entered the state,
or a dated case fact such as `examination_date`), in working days, calendar days or months,
after or before the anchor. Amounts, units and their legal basis are data, each with its
confidence tag (docs/sources.md §5, §10.4); this module only does the arithmetic.

Counting: working days follow `WorkingCalendar` (the anchor day is never counted). Calendar-day
and month deadlines are not moved off weekends or holidays: no source consulted says they are.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import Node


class Unit(StrEnum):
    WORKING_DAYS = "hari_kerja"
    CALENDAR_DAYS = "hari_kalender"
    MONTHS = "bulan"


class OnMiss(StrEnum):
    REFUSE = "refuse"  # a governed step after the due date is refused
    RECORD_LATE = "record_late"  # allowed, recorded as late
    ESCALATE = "escalate"  # the reminder job acts on it


class Direction(StrEnum):
    AFTER = "after"  # due = anchor + amount
    BEFORE = "before"  # latest allowed date = anchor - amount


ENTERED: Final = "entered"
"""Anchor name for "the date the case entered the state"."""


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    label: str  # Indonesian, for letters and screens
    amount: int
    unit: Unit
    direction: Direction
    anchor: str  # ENTERED, or the name of a dated case fact ("examination_date", "received_on")
    basis: str  # legal basis text
    confidence: Confidence
    on_miss: OnMiss
    governs: tuple[str, ...]  # workflow trigger names the deadline applies to
    note: str = ""
    # Opened only for a case of this contest kind (pemilu | pilkada); None: for every case.
    contest_kind: str | None = None


# --------------------------------------------------------------------------- arithmetic


def offset(
    start: date,
    amount: int,
    unit: Unit,
    calendar: WorkingCalendar,
    direction: Direction = Direction.AFTER,
) -> date:
    """`start` moved `amount` units after (or before) it. Amount 0 gives `start` unchanged."""
    if amount < 0:
        raise ValueError(f"offset needs amount >= 0, got {amount}")
    if amount == 0:
        return start
    after = direction is Direction.AFTER
    if unit is Unit.WORKING_DAYS:
        if after:
            return calendar.add_working_days(start, amount)
        return calendar.subtract_working_days(start, amount)
    if unit is Unit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start, amount if after else -amount)
    return add_months(start, amount if after else -amount)


def due_date(rule: DeadlineRule, anchor_date: date, calendar: WorkingCalendar) -> date:
    """The due date (AFTER) or the latest allowed date (BEFORE) of `rule` for `anchor_date`."""
    return offset(anchor_date, rule.amount, rule.unit, calendar, rule.direction)


def days_left(due: date, today: date, calendar: WorkingCalendar, unit: Unit) -> int:
    """Units left until `due`: 0 on the due date, negative once overdue.

    Working days for `Unit.WORKING_DAYS` (those in (today, due]; when overdue, minus those in
    (due, today], but at least -1, so a weekend right after the due date already reads -1);
    calendar days for the other units.
    """
    if unit is not Unit.WORKING_DAYS:
        return (due - today).days
    left = calendar.working_days_between(today, due)
    if today > due:
        return min(left, -1)
    return left


def is_late(rule: DeadlineRule, due: date, on: date) -> bool:
    """Whether a step on `on` misses `due`.

    For AFTER rules `due` is the last allowed day; for BEFORE rules it is the latest allowed
    date too (e.g. the summons date), so both directions are late when `on > due`.
    """
    del rule  # same test for both directions; kept for call-site symmetry
    return on > due


def add_months(d: date, months: int) -> date:
    """`d` plus `months` (may be negative), clamped to the month end: 31 Jan + 1 = 28/29 Feb."""
    year, month0 = divmod(d.month - 1 + months, 12)
    year += d.year
    last_day = _gregorian.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def sanction_period_end(start: date, months: int) -> date:
    """Last day served of a sanction of `months` months that is in force from `start`.

    It is the day before the same day of the month `months` later: 15 Mar + 6 months ends
    14 Sep. When that month has no such day, the next period would start on the 1st of the
    following month, so it ends on the month's last day: 31 Aug 2026 + 6 months ends
    28 Feb 2027, and a sanction starting 29 Feb 2028 for 12 months ends 28 Feb 2029 (clamping
    first, as `add_months` does, would end both a day earlier). [U] No source settles this.
    """
    if months < 1:
        raise ValueError(f"sanction_period_end needs months >= 1, got {months}")
    same_day = add_months(start, months)
    if same_day.day != start.day:  # clamped: the month is shorter
        return same_day
    return same_day - timedelta(days=1)


# --------------------------------------------------------------------------- parsing

CONTEST_KINDS: Final = ("pemilu", "pilkada")
_RULE_KEYS: Final = (
    "name",
    "label",
    "amount",
    "unit",
    "direction",
    "anchor",
    "basis",
    "confidence",
    "on_miss",
    "governs",
    "note",
    "contest_kind",
)
_REQUIRED: Final = ("name", "label", "amount", "unit", "basis", "confidence")


def parse_deadline_rule(node: Node) -> DeadlineRule:
    """Validate one deadline rule from declared data (a state's `deadlines[i]`).

    Errors name the node's file and path, e.g. "workflows/discipline.yaml:
    states.decided.deadlines[3].unit: unknown unit 'days' (allowed: hari_kerja, …)".
    """
    node.mapping(allowed=_RULE_KEYS, required=_REQUIRED)
    return DeadlineRule(
        name=node.get("name").identifier(),
        label=node.get("label").text(),
        amount=node.get("amount").integer(minimum=1),
        unit=node.get("unit").enum(Unit, what="unit"),
        direction=node.get("direction", "after").enum(Direction, what="direction"),
        anchor=node.get("anchor", ENTERED).identifier(),
        basis=node.get("basis").text(),
        confidence=node.get("confidence").confidence(),
        on_miss=node.get("on_miss", "record_late").enum(OnMiss, what="on_miss action"),
        governs=node.get("governs", []).names(),
        note=node.get("note", "").any_text(),
        contest_kind=node.get("contest_kind").choice(CONTEST_KINDS, what="contest kind")
        if node.has("contest_kind")
        else None,
    )
