"""Reading `workflows/calendar.yaml`: agency or regional extra holidays and extra working days.

    extra_holidays:          # days off on top of the national list
      - {date: 2026-07-15, name: ..., region: Bali, source: ..., confidence: C}
    extra_working_days:      # days made working (a Saturday declared a working day)
      - {date: 2026-07-18, name: ..., source: ..., confidence: S}

`region` is optional: an entry without one applies everywhere. A day is listed once per
region, and never as both an extra holiday and an extra working day. Dates are read as text,
so an impossible one (2026-02-30) is reported at its path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import Node, read_yaml

_TOP_KEYS: Final = ("extra_holidays", "extra_working_days", "revisions")
_REVISION_KEYS: Final = ("id", "date", "instrument", "confidence", "holidays", "working_days")
_REVISION_REQUIRED: Final = ("id", "date", "instrument", "confidence")
_ENTRY_KEYS: Final = ("date", "name", "region", "source", "confidence")
_REQUIRED: Final = ("date", "name", "source", "confidence")


@dataclass(frozen=True)
class CalendarEntry:
    """One line of `calendar.yaml`: an extra holiday or an extra working day."""

    day: date
    name: str
    region: str | None
    source: str
    confidence: Confidence
    at: str  # where it sits in the file, e.g. "extra_holidays[2]"

    def applies_to(self, region: str | None) -> bool:
        return self.region is None or self.region == region

    def overlaps(self, other: CalendarEntry) -> bool:
        """Same day, and some region would get both."""
        return self.day == other.day and (
            self.region is None or other.region is None or self.region == other.region
        )


def _entry(node: Node) -> CalendarEntry:
    node.mapping(allowed=_ENTRY_KEYS, required=_REQUIRED)
    return CalendarEntry(
        day=node.get("date").as_date(),
        name=node.get("name").text(),
        region=node.get("region").optional_text(),
        source=node.get("source").text(),
        confidence=node.get("confidence").confidence(),
        at=node.path,
    )


def _entries(node: Node) -> tuple[tuple[CalendarEntry, Node], ...]:
    """The list's entries with their nodes; a day listed twice for one region is refused."""
    entries: list[tuple[CalendarEntry, Node]] = []
    for item in node.seq():
        entry = _entry(item)
        for earlier, _ in entries:
            if entry.overlaps(earlier):
                raise item.get("date").error(
                    f"{entry.day.isoformat()} is already listed at {earlier.at}"
                )
        entries.append((entry, item))
    return tuple(entries)


@dataclass(frozen=True)
class CalendarRevision:
    """A later decree that changes the calendar (a revised cuti bersama, an added regional
    day): its days become holidays or working days from the moment it is applied to the
    open deadlines (`sanctions calendar apply`). Deadlines already met or missed before
    `effective` are never moved."""

    key: str
    effective: date
    instrument: str
    confidence: Confidence
    holidays: tuple[CalendarEntry, ...]
    working_days: tuple[CalendarEntry, ...]
    at: str


@dataclass(frozen=True)
class CalendarFile:
    holidays: tuple[CalendarEntry, ...]  # the base extras
    working_days: tuple[CalendarEntry, ...]
    revisions: tuple[CalendarRevision, ...]  # oldest first

    def extras(
        self, *, up_to: str | None = None
    ) -> tuple[tuple[CalendarEntry, ...], tuple[CalendarEntry, ...]]:
        """(holidays, working days) of the base and of every revision (or those up to and
        including revision `up_to`), a later revision winning over an earlier entry."""
        holidays = {(e.day, e.region): e for e in self.holidays}
        working = {(e.day, e.region): e for e in self.working_days}
        for revision in self.revisions:
            for entry in revision.holidays:
                working.pop((entry.day, entry.region), None)
                holidays[(entry.day, entry.region)] = entry
            for entry in revision.working_days:
                holidays.pop((entry.day, entry.region), None)
                working[(entry.day, entry.region)] = entry
            if revision.key == up_to:
                break
        return tuple(holidays.values()), tuple(working.values())

    def revision(self, key: str) -> CalendarRevision:
        for revision in self.revisions:
            if revision.key == key:
                return revision
        known = ", ".join(r.key for r in self.revisions) or "none"
        raise KeyError(f"no calendar revision {key!r} (declared: {known})")

    def before(self, key: str) -> str | None:
        """The revision before `key` (None: the base)."""
        keys = [r.key for r in self.revisions]
        index = keys.index(key)
        return keys[index - 1] if index else None


def _revision(node: Node) -> CalendarRevision:
    node.mapping(allowed=_REVISION_KEYS, required=_REVISION_REQUIRED)
    holidays = _entries(node.get("holidays", []))
    working = _entries(node.get("working_days", []))
    _disjoint(holidays, working, what="a holiday of this revision")
    if not holidays and not working:
        raise node.error("a revision changes at least one day (holidays: or working_days:)")
    return CalendarRevision(
        key=node.get("id").identifier(),
        effective=node.get("date").as_date(),
        instrument=node.get("instrument").text(),
        confidence=node.get("confidence").confidence(),
        holidays=tuple(e for e, _ in holidays),
        working_days=tuple(e for e, _ in working),
        at=node.path,
    )


def _disjoint(
    holidays: tuple[tuple[CalendarEntry, Node], ...],
    working_days: tuple[tuple[CalendarEntry, Node], ...],
    *,
    what: str = "an extra holiday",
) -> None:
    for working, node in working_days:
        for holiday, _ in holidays:
            if working.overlaps(holiday):
                raise node.get("date").error(
                    f"{working.day.isoformat()} is also {what} at {holiday.at}"
                )


def read_calendar_file(path: Path) -> CalendarFile:
    """Validate `calendar.yaml`: its extras and its revisions, every region included."""
    root = read_yaml(path, dates_as_text=True)
    if root.value is None:  # an empty file declares nothing
        return CalendarFile((), (), ())
    root.mapping(allowed=_TOP_KEYS)
    holidays = _entries(root.get("extra_holidays"))
    working_days = _entries(root.get("extra_working_days"))
    _disjoint(holidays, working_days)
    revisions: list[CalendarRevision] = []
    for item in root.get("revisions", []).seq():
        revision = _revision(item)
        if any(r.key == revision.key for r in revisions):
            raise item.get("id").error(f"revision {revision.key!r} is declared twice")
        if revisions and revision.effective < revisions[-1].effective:
            raise item.get("date").error(
                f"revisions are listed oldest first; {revision.effective.isoformat()} is "
                f"before {revisions[-1].key} ({revisions[-1].effective.isoformat()})"
            )
        revisions.append(revision)
    return CalendarFile(
        tuple(e for e, _ in holidays), tuple(e for e, _ in working_days), tuple(revisions)
    )


def read_calendar_entries(
    path: Path,
) -> tuple[tuple[CalendarEntry, ...], tuple[CalendarEntry, ...]]:
    """(extra holidays, extra working days) of `calendar.yaml`, its revisions applied."""
    return read_calendar_file(path).extras()
