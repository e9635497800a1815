"""A deadline as a budget with a ledger: its due date is derived, never typed.

A deadline starts with its declared budget (an amount of working days, calendar days or months
from its anchor). Entries then change it: an **extension** adds to the budget (Bawaslu's 7 days
of review extended when more information is needed), a **suspension** stops the clock for a
period (the employee's sick leave during an examination, a criminal case pending), and the due
date moves by the units that fall inside it. A calendar revision changes which days are working
days, so the same budget and ledger give another date. Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sanctions.deadlines.rules import Direction, Unit, offset
from sanctions.deadlines.workdays import WorkingCalendar

EntryKind = Literal["suspension", "extension"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("suspension", "extension")


@dataclass(frozen=True)
class Budget:
    """What the deadline was given: `amount` units of `unit` from `anchor`."""

    anchor: date
    amount: int
    unit: Unit
    direction: Direction = Direction.AFTER


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    amount: int = 0  # extension: units added
    start: date | None = None  # suspension: first day the clock stops
    end: date | None = None  # suspension: last day it is stopped (inclusive)


def suspended_units(start: date, end: date, unit: Unit, calendar: WorkingCalendar) -> int:
    """How many units of the deadline's clock the days `start`..`end` (inclusive) hold: working
    days for a working-day deadline, calendar days otherwise (a month-long deadline is paused
    day for day)."""
    if end < start:
        return 0
    if unit is Unit.WORKING_DAYS:
        return calendar.working_days_between(start - timedelta(days=1), end)
    return (end - start).days + 1


def derived_due(budget: Budget, entries: Iterable[Entry], calendar: WorkingCalendar) -> date:
    """The due date of `budget` with its ledger applied, on `calendar`.

    Extensions first (they enlarge the budget); then each suspension, oldest first, that
    starts on or before the due date reached so far pushes it on by the units it holds.
    A suspension that starts after the due date changes nothing: the deadline had already
    passed. A BEFORE deadline (a latest date before an event) is never moved.
    """
    ordered = list(entries)
    extra = sum(e.amount for e in ordered if e.kind == "extension")
    due = offset(budget.anchor, budget.amount + extra, budget.unit, calendar, budget.direction)
    if budget.direction is Direction.BEFORE:
        return due
    suspensions = sorted(
        (e for e in ordered if e.kind == "suspension" and e.start and e.end),
        key=lambda e: e.start or date.min,
    )
    for entry in suspensions:
        assert entry.start is not None and entry.end is not None
        if entry.start > due:
            continue
        # the anchor day itself consumes nothing (the budget counts from the day after it),
        # so suspending it gives nothing back
        first = max(entry.start, budget.anchor + timedelta(days=1))
        units = suspended_units(first, entry.end, budget.unit, calendar)
        if units == 0:
            continue
        if budget.unit is Unit.WORKING_DAYS:
            due = calendar.add_working_days(due, units)
        else:
            due = due + timedelta(days=units)
    return due


@dataclass(frozen=True)
class Dated:
    """An open deadline as stored: its budget, its ledger and the due date derived before."""

    key: int  # the deadline's id
    budget: Budget
    entries: tuple[Entry, ...]
    due: date


def redated(
    deadlines: Iterable[Dated], calendar: WorkingCalendar, *, effective: date
) -> list[tuple[Dated, date]]:
    """The open deadlines a revised calendar moves, with their new due dates. A deadline due
    before the revision took effect was met or missed under the old calendar and stays."""
    moved = []
    for deadline in deadlines:
        if deadline.due < effective:
            continue
        new = derived_due(deadline.budget, deadline.entries, calendar)
        if new != deadline.due:
            moved.append((deadline, new))
    return moved
