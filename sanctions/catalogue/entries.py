"""The violation and sanction catalogue as values: what conduct is forbidden and what it costs.

`Catalogue` answers the questions the rules ask (the level of a violation, the sanctions an
official may pick on a decision date for an employee type, the appeal route); the frozen
entries it holds are read from the declared files by `sanctions.catalogue.loader`.

Every fact carries its confidence tag (C confirmed, S secondary, U unconfirmed) as data, so
callers can show it; nothing here decides to trust an [S]/[U] value silently. Pure: the
decision date is always a parameter; nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal, get_args

from sanctions.catalogue.forms import Alias, SourceList
from sanctions.declared.confidence import Confidence
from sanctions.declared.dated import DatedText, text_on
from sanctions.errors import InputError, UnknownCode

__all__ = [
    "APPEAL_ROUTES",
    "DECIDERS",
    "EMPLOYEE_TYPES",
    "PHASES",
    "TRACKS",
    "AppealRoute",
    "Catalogue",
    "Counterpart",
    "DecidedBy",
    "EmployeeType",
    "Level",
    "Phase",
    "Sanction",
    "Track",
    "Violation",
]

Track = Literal["etik", "disiplin", "pemberhentian"]
Phase = Literal["bakal_calon", "calon", "any"]
DecidedBy = Literal["ppk", "pejabat_berwenang", "satgas"]
AppealRoute = Literal["none", "keberatan", "banding"]
EmployeeType = Literal["PNS", "PPPK"]

TRACKS: Final[tuple[Track, ...]] = get_args(Track)
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)
DECIDERS: Final[tuple[DecidedBy, ...]] = get_args(DecidedBy)
APPEAL_ROUTES: Final[tuple[AppealRoute, ...]] = get_args(AppealRoute)
EMPLOYEE_TYPES: Final[tuple[EmployeeType, ...]] = get_args(EmployeeType)


@dataclass(frozen=True)
class Level:
    """A severity level. `rank` orders them: 0 is the lightest."""

    code: str
    label: str
    gloss: str
    rank: int
    # May a violation name this level? `pemberhentian` is reached only through a fixed sanction.
    assignable: bool
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class Violation:
    code: str
    track: Track
    phase: Phase
    phase_confidence: Confidence
    conduct: str
    gloss: str
    level: str | None
    fixed_sanction: str | None
    decided_by: DecidedBy
    basis: str | None
    confidence: Confidence
    source: tuple[str, ...]
    note: str | None = None
    # What a letter prints as the violated norm, in full Indonesian words as a decree cites it
    # on first mention, by the letter's date; () = not confirmed: the officer confirms it.
    # `basis` above is the research record (as the sources cite it) and is never printed.
    norm: tuple[DatedText, ...] = ()
    # The lists in circulation the row comes from (keys of `Catalogue.lists`).
    listed_in: tuple[str, ...] = ()

    def norm_on(self, day: date) -> str | None:
        """The violated norm as printed on `day`, or None when it is not confirmed."""
        return text_on(self.norm, day)

    def matches_phase(self, act_date: date, penetapan_calon: date) -> bool:
        """bakal_calon: the act precedes penetapan calon; calon: on or after it; any: always."""
        if self.phase == "bakal_calon":
            return act_date < penetapan_calon
        if self.phase == "calon":
            return act_date >= penetapan_calon
        return True


@dataclass(frozen=True)
class Counterpart:
    """The sanction imposed instead when the employee is of `employee_type` (B-3 → PPPK-PHK)."""

    employee_type: EmployeeType
    sanction: str
    confidence: Confidence


@dataclass(frozen=True)
class Sanction:
    code: str
    track: Track
    level: str
    name: str
    gloss: str | None
    duration_months: int | None
    final: bool
    employee_types: tuple[EmployeeType, ...]
    employee_types_confidence: Confidence
    basis: str
    appeal_route: AppealRoute
    appeal_confidence: Confidence
    # Availability by decision date: valid_from inclusive, valid_until exclusive, None = open.
    valid_from: date | None
    valid_until: date | None
    # The configurable date a bound was taken from. A valid_from_event with valid_from None
    # means the event has not happened: the sanction is not available on any date yet.
    valid_from_event: str | None
    valid_until_event: str | None
    substitutes: str | None
    counterparts: tuple[Counterpart, ...]
    confidence: Confidence
    source: tuple[str, ...]
    note: str | None = None
    # The sanction's article as a decree prints it, by the decision date; () = not confirmed
    # (the officer confirms it). `basis` is the research record and is never printed.
    article: tuple[DatedText, ...] = ()

    def article_on(self, day: date) -> str | None:
        return text_on(self.article, day)

    def available_on(self, on: date) -> bool:
        if self.valid_from is None and self.valid_from_event is not None:
            return False
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_until is None or on < self.valid_until

    def counterpart_for(self, employee_type: str) -> str | None:
        return next(
            (c.sanction for c in self.counterparts if c.employee_type == employee_type), None
        )


@dataclass(frozen=True)
class Catalogue:
    levels: tuple[Level, ...]
    violations: tuple[Violation, ...]
    sanctions: tuple[Sanction, ...]
    tukin_regulation_in_force: date | None = None
    lists: tuple[SourceList, ...] = ()
    aliases: tuple[Alias, ...] = ()
    # The list a letter cites for a row no citable list names (forms.yaml `otherwise_cited`).
    otherwise_cited: str | None = None
    _levels: dict[str, Level] = field(init=False, repr=False, compare=False, hash=False)
    _violations: dict[str, Violation] = field(init=False, repr=False, compare=False, hash=False)
    _sanctions: dict[str, Sanction] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_levels", {lv.code: lv for lv in self.levels})
        object.__setattr__(self, "_violations", {v.code: v for v in self.violations})
        object.__setattr__(self, "_sanctions", {s.code: s for s in self.sanctions})

    # -- lookups ---------------------------------------------------------------------------
    def violation(self, code: str) -> Violation:
        found = self._violations.get(code)
        if found is None:
            raise UnknownCode(
                f"unknown violation code {code!r} (allowed: {', '.join(self._violations)})"
            )
        return found

    def sanction(self, code: str) -> Sanction:
        found = self._sanctions.get(code)
        if found is None:
            raise UnknownCode(
                f"unknown sanction code {code!r} (allowed: {', '.join(self._sanctions)})"
            )
        return found

    def level(self, code: str) -> Level:
        found = self._levels.get(code)
        if found is None:
            raise UnknownCode(f"unknown level {code!r} (allowed: {', '.join(self._levels)})")
        return found

    def source_list(self, key: str) -> SourceList:
        found = next((lst for lst in self.lists if lst.key == key), None)
        if found is None:
            allowed = ", ".join(lst.key for lst in self.lists) or "none declared"
            raise UnknownCode(f"unknown list {key!r} (allowed: {allowed})")
        return found

    def listed_citation(self, violation: Violation | str) -> str | None:
        """How a letter cites the list the row comes from: its first citable list, else the
        `otherwise_cited` list (None when neither exists)."""
        v = self.violation(violation) if isinstance(violation, str) else violation
        for key in (*v.listed_in, *((self.otherwise_cited,) if self.otherwise_cited else ())):
            cited = self.source_list(key).cited_as
            if cited is not None:
                return cited
        return None

    def level_rank(self, level: str) -> int:
        """0 for the lightest level (moral), rising to pemberhentian."""
        return self.level(level).rank

    # -- rules -----------------------------------------------------------------------------
    def level_of(self, violation: Violation | str) -> str | None:
        """The level a proven allegation carries: its own, or its fixed sanction's; None when
        the Satgas decides it (conduct outside the SKB matrix, DIS-13)."""
        v = self.violation(violation) if isinstance(violation, str) else violation
        if v.level is not None:
            return v.level
        if v.fixed_sanction is not None:
            return self.sanction(v.fixed_sanction).level
        return None

    def heaviest(
        self, violations: Iterable[Violation | str], *, satgas_levels: Iterable[str] = ()
    ) -> str | None:
        """The level of a case holding several allegations: the heaviest one wins [S].

        Allegations whose level the Satgas decides count only through `satgas_levels` (the
        levels it decided). None when nothing is left to rank, e.g. a case holding only DIS-13.
        """
        levels = [self.level_of(v) for v in violations]
        levels.extend(satgas_levels)
        known = [lv for lv in levels if lv is not None]
        if not known:
            return None
        return max(known, key=self.level_rank)

    def sanction_for(self, code: str, *, employee_type: str) -> Sanction:
        """The sanction as imposed on this employee type: itself, or its counterpart
        (PTDH and B-3 become PPPK-PHK for a PPPK)."""
        _check_employee_type(employee_type)
        sanction = self.sanction(code)
        if employee_type in sanction.employee_types:
            return sanction
        counterpart = sanction.counterpart_for(employee_type)
        if counterpart is None:
            raise InputError(
                f"{code} ({sanction.name}) cannot be imposed on a {employee_type} "
                f"(it applies to: {', '.join(sanction.employee_types)})"
            )
        return self.sanction(counterpart)

    def sanctions_for_level(self, level: str, *, on: date, employee_type: str) -> list[Sanction]:
        """The concrete sanctions an official may pick for `level`, on decision date `on`, for
        this employee type, in catalogue order. A sanction that does not apply to the type is
        replaced by its counterpart (B-3 → PPPK-PHK). Before the tukin regulation is in force
        the sedang level yields S-1T..S-3T; from that date S-1..S-3."""
        self.level(level)
        _check_employee_type(employee_type)
        chosen: list[Sanction] = []
        for sanction in self.sanctions:
            if sanction.level != level:
                continue
            if employee_type not in sanction.employee_types:
                counterpart = sanction.counterpart_for(employee_type)
                if counterpart is None:
                    continue
                sanction = self.sanction(counterpart)
            if sanction.available_on(on) and sanction not in chosen:
                chosen.append(sanction)
        return chosen

    def appeal_route(self, sanction_code: str) -> AppealRoute:
        """none | keberatan | banding (PP 79/2021; see the sanction's appeal_confidence)."""
        return self.sanction(sanction_code).appeal_route


def _check_employee_type(employee_type: str) -> None:
    if employee_type not in EMPLOYEE_TYPES:
        raise UnknownCode(
            f"unknown employee type {employee_type!r} (allowed: {', '.join(EMPLOYEE_TYPES)})"
        )
