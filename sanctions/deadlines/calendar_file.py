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

_TOP_KEYS: Final = ("extra_holidays", "extra_working_days")
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


def read_calendar_entries(
    path: Path,
) -> tuple[tuple[CalendarEntry, ...], tuple[CalendarEntry, ...]]:
    """Validate `calendar.yaml`: (extra holidays, extra working days), every region included."""
    root = read_yaml(path, dates_as_text=True)
    if root.value is None:  # an empty file declares nothing
        return (), ()
    root.mapping(allowed=_TOP_KEYS)
    holidays = _entries(root.get("extra_holidays"))
    working_days = _entries(root.get("extra_working_days"))
    for working, node in working_days:
        for holiday, _ in holidays:
            if working.overlaps(holiday):
                raise node.get("date").error(
                    f"{working.day.isoformat()} is also an extra holiday at {holiday.at}"
                )
    return tuple(e for e, _ in holidays), tuple(e for e, _ in working_days)
