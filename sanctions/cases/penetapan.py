"""Which penetapan calon date judges an act: a contest holds one per office contested.

A Pemilu fixes its candidates on several days (the legislative candidate lists, the
presidential pairs, the DPD: docs/sources.md, legal review #21); a Pilkada one per regional
head. The offices a contest of each kind may give a date for are the workflow rule
`contest_offices`. A case may record the office its act concerns (`act_office`); the date is
that office's, else the contest's default date. Without an office and with several dates the
latest is used, and the message says so: it keeps an act on the ethics side (before
penetapan, a moral sanction) longest, the reading that never takes a lighter track from the
employee. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sanctions.errors import InputError
from sanctions.law import names

ACT_OFFICE = "act_office"  # the case fact naming the office the act concerns


@dataclass(frozen=True)
class Penetapan:
    on: date | None
    which: str  # which date it is, in words ("" when there is one date only, or none)


def declared_offices(rules: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """The offices per contest kind a workflow declares (rule `contest_offices`)."""
    value = rules.get(names.CONTEST_OFFICES_RULE)
    if not isinstance(value, Mapping):
        return {}
    return {str(kind): tuple(str(o) for o in offices) for kind, offices in value.items()}


def check_office(office: str, kind: str, offices: Mapping[str, Sequence[str]]) -> str:
    """`office` if a contest of `kind` has it, else a refusal naming the allowed ones."""
    allowed = tuple(offices.get(kind, ()))
    if office not in allowed:
        raise InputError(
            f"unknown office {office!r} for a {kind} contest (allowed: "
            f"{', '.join(allowed) or 'none declared'})"
        )
    return office


def parse_dates(
    given: Sequence[str], kind: str, offices: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """`OFFICE=YYYY-MM-DD` items (as typed with --penetapan) as office -> ISO date."""
    found: dict[str, str] = {}
    for item in given:
        office, sep, day = item.partition("=")
        if not sep:
            raise InputError(f"--penetapan takes OFFICE=YYYY-MM-DD, not {item!r}")
        check_office(office.strip(), kind, offices)
        try:
            found[office.strip()] = date.fromisoformat(day.strip()).isoformat()
        except ValueError:
            raise InputError(f"--penetapan {office.strip()}: not a date: {day!r}") from None
    return found


def penetapan_for(
    default: date | None, by_office: Mapping[str, str] | None, office: str | None
) -> Penetapan:
    """The penetapan calon date for an act concerning `office` (None: not recorded)."""
    dates = {o: date.fromisoformat(d) for o, d in (by_office or {}).items()}
    if office:
        if office in dates:
            return Penetapan(dates[office], f"penetapan calon {office}")
        return Penetapan(default, f"the contest's date; no date of its own for {office}")
    every = sorted({*dates.values(), *([default] if default else [])})
    if len(every) <= 1:
        return Penetapan(every[0] if every else None, "")
    latest = every[-1]
    named = sorted(o for o, d in dates.items() if d == latest) or ["the contest's default"]
    return Penetapan(
        latest,
        f"the latest of the contest's penetapan dates ({', '.join(named)}), as the case records "
        "no office: it keeps an act before it on the ethics side",
    )
