"""Working-day (*hari kerja*) calendar for Indonesian civil-service deadlines.

National holidays and *cuti bersama* come from the `holidays` package (Indonesia, categories
PUBLIC and GOVERNMENT; *cuti bersama* are the GOVERNMENT entries). Agency or regional extra
non-working days, and days made working (a Saturday declared a working day), come from
`workflows/calendar.yaml`, read by `sanctions.deadlines.calendar_file` and applied by
`load_calendar`; everything else here is pure.

Counting convention (Indonesian practice, "the day of receipt is not counted"): the start day is
never counted, the next working day is day 1. So `add_working_days(start, n)` is the n-th working
day after `start`, and `working_days_between(start, end)` counts the working days in
(start, end].

Speed: the national list is cached per (year, collective-leave flag) in a module-level
`functools.lru_cache`; each calendar then keeps, per year, the sorted ordinals of that year's
working days (also shared across equal calendars through a second module-level cache), so
adding n working days is a binary search, not a day-by-day walk. `scripts/bench_workdays.py`
measures it.

Coverage caveats of the package (holidays 0.109): *cuti bersama* are known for 2002–2027 only
(see `collective_leave_published`); Islamic holidays past the published decrees are estimates
whose Indonesian name ends in "(perkiraan)"; no holiday at all is known after 2100.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Final

from sanctions.deadlines.calendar_file import CalendarFile, read_calendar_file
from sanctions.declared.cache import trusted, write_private

_SATURDAY: Final = 5


# --------------------------------------------------------------------------- national holidays


_cache_dir: Path | None = None


def use_holiday_cache(directory: Path | None) -> None:
    """Keep each year's table as JSON under `directory` (per `holidays` version), so a short
    command does not pay for importing and computing the package (~0.15 s). The edge (the
    App) sets it; without it every process asks the package."""
    global _cache_dir
    _cache_dir = directory
    national_holidays.cache_clear()


@functools.lru_cache(maxsize=512)
def national_holidays(year: int, collective_leave_is_holiday: bool) -> Mapping[date, str]:
    """Indonesian national holidays of `year` (Indonesian names), with or without *cuti bersama*.

    Cached per (year, flag): the `holidays` package is asked at most once for each, and at
    most once per installed version when a cache directory is set.
    """
    cached = _cache_file(year, collective_leave_is_holiday)
    if cached is not None and cached.exists():
        try:
            if trusted(cached):
                loaded = json.loads(cached.read_text())
                table = {date.fromisoformat(k): str(v) for k, v in loaded.items()}
                return MappingProxyType(table)
        except (OSError, ValueError, AttributeError, TypeError):
            pass  # a damaged (or foreign) cache file is rebuilt below
    import holidays

    categories = ("public", "government") if collective_leave_is_holiday else ("public",)
    found = holidays.country_holidays("ID", years=year, categories=categories, language="id")
    table = {d: name for d, name in sorted(found.items()) if d.year == year}
    if cached is not None:
        with contextlib.suppress(OSError):  # the cache is an optimisation only
            data = json.dumps({d.isoformat(): n for d, n in table.items()}).encode("utf-8")
            write_private(cached.parent, cached, data)
    return MappingProxyType(table)


def _cache_file(year: int, collective_leave_is_holiday: bool) -> Path | None:
    """Each year's table under a folder named by the content of what computes it: the
    installed `holidays` version and the bytes of its Indonesian calendar module, so a
    changed package (or a patched module) never reads another's tables."""
    if _cache_dir is None:
        return None
    flag = "cuti" if collective_leave_is_holiday else "public"
    return _cache_dir / f"holidays-{holidays_digest()}" / f"ID-{year}-{flag}.json"


@functools.cache
def holidays_digest() -> str:
    from importlib.metadata import distribution

    package = distribution("holidays")
    digest = hashlib.sha256(str(package.version).encode("utf-8"))
    for name in ("holidays/countries/indonesia.py", "holidays/calendars/gregorian.py"):
        with contextlib.suppress(OSError):
            digest.update(Path(str(package.locate_file(name))).read_bytes())
    return digest.hexdigest()[:24]


def collective_leave_published(year: int) -> bool:
    """Whether the holiday data holds any *cuti bersama* for `year`.

    False means the SKB for that year is not in the installed `holidays` package yet (or the
    year is outside 2002–2027): working-day results for that year ignore collective leave.
    """
    return len(national_holidays(year, True)) > len(national_holidays(year, False))


@dataclass(frozen=True)
class _Year:
    ordinals: tuple[int, ...]  # the year's working days, as date ordinals, ascending
    members: frozenset[int]


@functools.lru_cache(maxsize=4096)
def _year_index(
    year: int,
    collective_leave_is_holiday: bool,
    extra_off: frozenset[int],
    extra_on: frozenset[int],
) -> _Year:
    national = national_holidays(year, collective_leave_is_holiday)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    working: list[int] = []
    for ordinal in range(first, last + 1):
        if ordinal in extra_on:
            working.append(ordinal)
            continue
        d = date.fromordinal(ordinal)
        if d.weekday() < _SATURDAY and ordinal not in extra_off and d not in national:
            working.append(ordinal)
    return _Year(tuple(working), frozenset(working))


# --------------------------------------------------------------------------- the calendar


def _frozen_mapping(value: Mapping[date, str] | None = None) -> Mapping[date, str]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days. Immutable; cheap to share across cases.

    A day is a working day when it is in `extra_working_days`, or when it is Monday to Friday
    and neither a national holiday (with *cuti bersama* if `collective_leave_is_holiday`) nor
    in `extra_holidays`. `extra_working_days` wins over everything.
    """

    collective_leave_is_holiday: bool = True
    extra_holidays: Mapping[date, str] = field(default_factory=_frozen_mapping, hash=False)
    extra_working_days: frozenset[date] = frozenset()
    _years: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Copy: a caller mutating its dict afterwards must not desynchronise the year cache.
        object.__setattr__(self, "extra_holidays", _frozen_mapping(self.extra_holidays))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = _year_index(
                year,
                self.collective_leave_is_holiday,
                frozenset(d.toordinal() for d in self.extra_holidays if d.year == year),
                frozenset(d.toordinal() for d in self.extra_working_days if d.year == year),
            )
            self._years[year] = found
        return found

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday and not a holiday, or listed in `extra_working_days`."""
        return d.toordinal() in self._year(d.year).members

    def holiday_name(self, d: date) -> str | None:
        """Indonesian name of the holiday on `d` (an extra holiday first), or None.

        *Cuti bersama* are named only when `collective_leave_is_holiday`. The name is given
        even when `d` is also an extra working day, or falls on a weekend.
        """
        extra = self.extra_holidays.get(d)
        if extra is not None:
            return extra
        return national_holidays(d.year, self.collective_leave_is_holiday).get(d)

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        if self.is_working_day(d):
            return d
        return self.add_working_days(d, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n >= 1); `start` itself is never counted."""
        if n < 1:
            raise ValueError(f"add_working_days needs n >= 1, got {n}")
        position = start.toordinal()
        year = start.year
        while True:
            ordinals = self._year(year).ordinals
            index = bisect.bisect_right(ordinals, position)
            available = len(ordinals) - index
            if n <= available:
                return date.fromordinal(ordinals[index + n - 1])
            n -= available
            year += 1

    def subtract_working_days(self, end: date, n: int) -> date:
        """The n-th working day before `end` (n >= 1); `end` itself is never counted.

        For a working day `d`: `add_working_days(subtract_working_days(d, n), n) == d`.
        """
        if n < 1:
            raise ValueError(f"subtract_working_days needs n >= 1, got {n}")
        position = end.toordinal()
        year = end.year
        while True:
            ordinals = self._year(year).ordinals
            before = bisect.bisect_left(ordinals, position)
            if n <= before:
                return date.fromordinal(ordinals[before - n])
            n -= before
            year -= 1

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (the count in (end, start]) if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        start_ordinals = self._year(start.year).ordinals
        end_ordinals = self._year(end.year).ordinals
        up_to_end = bisect.bisect_right(end_ordinals, end.toordinal())
        up_to_start = bisect.bisect_right(start_ordinals, start.toordinal())
        full_years = sum(len(self._year(y).ordinals) for y in range(start.year, end.year))
        return full_years + up_to_end - up_to_start

    def add_calendar_days(self, start: date, n: int) -> date:
        """`start` plus n calendar days (n may be negative); holidays do not matter."""
        return start + timedelta(days=n)


# --------------------------------------------------------------------------- calendar.yaml


def load_calendar(
    path: Path | None,
    *,
    collective_leave_is_holiday: bool = True,
    region: str | None = None,
    up_to: str | None = None,
    base_only: bool = False,
    declared: CalendarFile | None = None,
) -> WorkingCalendar:
    """The working calendar: national holidays plus the extras of `calendar.yaml`.

    `path=None` gives the national calendar only. Entries without a `region` apply everywhere;
    entries with one apply only when the same `region` is asked for. The file's revisions are
    included (all of them, those up to and including `up_to`, or none with `base_only`).
    `declared`: the file as `read_calendar_file(path)` read it (e.g. from the cache).
    """
    if path is None:
        return WorkingCalendar(collective_leave_is_holiday=collective_leave_is_holiday)
    if declared is None:
        declared = read_calendar_file(path)
    if base_only:
        extra_holidays, extra_working_days = declared.holidays, declared.working_days
    else:
        extra_holidays, extra_working_days = declared.extras(up_to=up_to)
    return WorkingCalendar(
        collective_leave_is_holiday=collective_leave_is_holiday,
        extra_holidays={e.day: e.name for e in extra_holidays if e.applies_to(region)},
        extra_working_days=frozenset(e.day for e in extra_working_days if e.applies_to(region)),
    )
