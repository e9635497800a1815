"""The violation and sanction catalogue: what conduct is forbidden and what it can cost.

Loaded from two declared files in one directory (normally `workflows/catalogue/`):

- `sanctions.yaml`: the severity `levels` (ordered, lightest first), the concrete `sanctions`
  (MOR-T … PPPK-PHK) and the `configurable_dates` their availability may depend on;
- `violations.yaml`: the conduct catalogue (SKB 2022 ETK-*/DIS-* rows, PP 94/2021 Ps 5 huruf n
  PP94-N* rows), each naming a level or a fixed sanction.

Every fact carries its confidence tag (C confirmed, S secondary, U unconfirmed) as data, so
callers can show it; nothing here decides to trust an [S]/[U] value silently.

The module is pure: it reads the two files once and answers questions about them. The decision
date is always a parameter; nothing reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, cast, get_args

from sanctions.declared.reader import read_yaml
from sanctions.errors import DefinitionError, InputError, UnknownCode

__all__ = [
    "AppealRoute",
    "Catalogue",
    "Confidence",
    "Counterpart",
    "DecidedBy",
    "EmployeeType",
    "Level",
    "Phase",
    "Sanction",
    "Track",
    "Violation",
    "load_catalogue",
]

Track = Literal["etik", "disiplin", "pemberhentian"]
Phase = Literal["bakal_calon", "calon", "any"]
Confidence = Literal["C", "S", "U"]
DecidedBy = Literal["ppk", "pejabat_berwenang", "satgas"]
AppealRoute = Literal["none", "keberatan", "banding"]
EmployeeType = Literal["PNS", "PPPK"]

TRACKS: Final[tuple[Track, ...]] = get_args(Track)
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)
CONFIDENCES: Final[tuple[Confidence, ...]] = get_args(Confidence)
DECIDERS: Final[tuple[DecidedBy, ...]] = get_args(DecidedBy)
APPEAL_ROUTES: Final[tuple[AppealRoute, ...]] = get_args(AppealRoute)
EMPLOYEE_TYPES: Final[tuple[EmployeeType, ...]] = get_args(EmployeeType)

VIOLATIONS_FILE: Final = "violations.yaml"
SANCTIONS_FILE: Final = "sanctions.yaml"

_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_T = TypeVar("_T")


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


# -- loading -------------------------------------------------------------------------------


def load_catalogue(directory: Path, *, tukin_regulation_in_force: date | None = None) -> Catalogue:
    """Read and check `sanctions.yaml` and `violations.yaml` in `directory`.

    `tukin_regulation_in_force`: the date the regulation on salary and allowances applies, from
    which the tukin-cut sedang sanctions (S-1..S-3) replace their transitional substitutes
    (S-1T..S-3T); None means not yet.

    Raises one DefinitionError whose `problems` list every problem found in both files.
    """
    problems: list[str] = []
    dates: dict[str, date | None] = {"tukin_regulation_in_force": tukin_regulation_in_force}
    levels, sanctions, sanction_codes = _load_sanctions(directory / SANCTIONS_FILE, dates, problems)
    violations = _load_violations(directory / VIOLATIONS_FILE, levels, sanction_codes, problems)
    if problems:
        if len(problems) == 1:
            raise DefinitionError(problems[0], problems=problems)
        listing = "\n".join(f"  - {p}" for p in problems)
        raise DefinitionError(
            f"{len(problems)} problems in the catalogue in {_display_path(directory)}:\n{listing}",
            problems=problems,
        )
    assert levels is not None and sanctions is not None and violations is not None
    return Catalogue(
        levels=levels,
        violations=violations,
        sanctions=sanctions,
        tukin_regulation_in_force=tukin_regulation_in_force,
    )


def _display_path(path: Path) -> str:
    """The path as a user knows it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Node:
    """A parsed YAML value and where it sits (`file`, and `path` inside it)."""

    __slots__ = ("file", "path", "value")

    def __init__(self, value: Any, file: str, path: str) -> None:
        self.value = value
        self.file = file
        self.path = path

    def error(self, message: str) -> DefinitionError:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return DefinitionError(f"{where}: {message}")

    def get(self, key: str) -> _Node:
        value = self.value.get(key) if isinstance(self.value, dict) else None
        return _Node(value, self.file, f"{self.path}.{key}" if self.path else key)

    def items(self) -> list[tuple[str, _Node]]:
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {_kind(self.value)}")
        return [(str(key), self.get(str(key))) for key in self.value]

    def seq(self) -> list[_Node]:
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        return [_Node(v, self.file, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected a non-empty text, got {_kind(self.value)}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def whole_number(self, *, minimum: int) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_kind(self.value)}")
        if self.value < minimum:
            raise self.error(f"must be at least {minimum}, got {self.value}")
        return self.value


def _read(path: Path, problems: list[str]) -> _Node | None:
    try:
        root = read_yaml(path)
    except DefinitionError as exc:
        problems.extend(exc.problems)
        return None
    return _Node(root.value, root.file, "")


class _Row:
    """One mapping in a list; reads fields, recording every problem instead of stopping."""

    def __init__(
        self,
        node: _Node,
        problems: list[str],
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> None:
        self.node = node
        self.problems = problems
        self.ok = True
        self.missing: set[str] = set()
        if not isinstance(node.value, dict):
            self.fail(node.error(f"expected a mapping, got {_kind(node.value)}"))
            self.missing = set(required) | set(optional)
            return
        allowed = (*required, *optional)
        for key in node.value:
            if key not in allowed:
                self.fail(node.error(f"unknown key {key!r} (allowed: {', '.join(allowed)})"))
        for key in required:
            if key not in node.value:
                self.fail(node.error(f"missing required key {key!r}"))
                self.missing.add(key)
        self.missing.update(k for k in optional if k not in node.value)

    def fail(self, error: DefinitionError) -> None:
        self.ok = False
        self.problems.extend(error.problems)

    def read(self, key: str, reader: Callable[[_Node], _T], default: _T) -> _T:
        """The field read by `reader`; `default` when it is missing (already reported if
        required) or wrong (reported now, and the row is marked bad)."""
        if key in self.missing:
            return default
        try:
            return reader(self.node.get(key))
        except DefinitionError as exc:
            self.fail(exc)
            return default


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _code(node: _Node) -> str:
    text = node.text()
    if not _CODE.fullmatch(text):
        raise node.error(
            f"{text!r} is not a valid code (expected upper-case letters and digits in "
            "hyphen-separated groups, e.g. DIS-01)"
        )
    return text


def _choice(allowed: Sequence[_T], what: str) -> Callable[[_Node], _T]:
    def read(node: _Node) -> _T:
        if node.value not in allowed:
            shown = _kind(node.value) if not isinstance(node.value, str) else repr(node.value)
            raise node.error(
                f"unknown {what} {shown} (allowed: {', '.join(str(a) for a in allowed)})"
            )
        return cast(_T, node.value)

    return read


def _optional(reader: Callable[[_Node], _T]) -> Callable[[_Node], _T | None]:
    def read(node: _Node) -> _T | None:
        return None if node.value is None else reader(node)

    return read


def _text(node: _Node) -> str:
    return node.text()


def _bool(node: _Node) -> bool:
    return node.flag()


def _urls(node: _Node) -> tuple[str, ...]:
    items = node.seq()
    if not items:
        raise node.error("expected a list of at least one URL")
    urls = []
    for item in items:
        url = item.text()
        if not url.startswith(("https://", "http://")):
            raise item.error(f"{url!r} is not a URL (expected http:// or https://)")
        urls.append(url)
    return tuple(urls)


def _months(node: _Node) -> int | None:
    return None if node.value is None else node.whole_number(minimum=1)


def _bound(dates: Mapping[str, date | None]) -> Callable[[_Node], tuple[date | None, str | None]]:
    """A validity bound: a date, null (open) or the name of a configurable date."""

    def read(node: _Node) -> tuple[date | None, str | None]:
        value = node.value
        if value is None:
            return None, None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value, None
        if isinstance(value, str) and value in dates:
            return dates[value], value
        names = ", ".join(dates) or "none declared"
        raise node.error(
            f"expected a date (YYYY-MM-DD), null or a configurable date ({names}), "
            f"got {_kind(value)}"
        )

    return read


def _load_levels(root: _Node, problems: list[str]) -> tuple[Level, ...] | None:
    levels: list[Level] = []
    seen: dict[str, int] = {}
    ok = True
    for index, node in enumerate(_list(root.get("levels"), "level", problems)):
        row = _Row(
            node,
            problems,
            required=("code", "label", "gloss", "assignable", "confidence"),
            optional=("note",),
        )
        code = _unique_code(row, seen, index, "levels", reader=_text)
        level = Level(
            code=code,
            label=row.read("label", _text, ""),
            gloss=row.read("gloss", _text, ""),
            rank=len(levels),
            assignable=row.read("assignable", _bool, False),
            confidence=row.read("confidence", _choice(CONFIDENCES, "confidence"), "U"),
            note=row.read("note", _optional(_text), None),
        )
        ok = ok and row.ok
        if row.ok:
            levels.append(level)
    return tuple(levels) if ok and levels else None


def _list(node: _Node, what: str, problems: list[str]) -> list[_Node]:
    if node.value is None:
        parent = _Node(None, node.file, node.path.rpartition(".")[0])
        key = node.path.rpartition(".")[2]
        problems.append(parent.error(f"missing required key {key!r}").message)
        return []
    if not isinstance(node.value, list) or not node.value:
        problems.append(node.error(f"expected a non-empty list of {what}s").message)
        return []
    return node.seq()


def _top(node: _Node, sections: Sequence[str], problems: list[str]) -> bool:
    if not isinstance(node.value, dict):
        keys = ", ".join(sections)
        problems.append(node.error(f"expected a mapping with the keys {keys}").message)
        return False
    for key in node.value:
        if key not in sections:
            problems.append(
                node.error(f"unknown key {key!r} (allowed: {', '.join(sections)})").message
            )
    return True


def _load_sanctions(
    path: Path, supplied: Mapping[str, date | None], problems: list[str]
) -> tuple[tuple[Level, ...] | None, tuple[Sanction, ...] | None, list[str] | None]:
    """The levels, the sanctions (None if any problem) and every sanction code the file
    declares, even on rows with problems (so references to them are not reported twice)."""
    root = _read(path, problems)
    if root is None or not _top(root, ("configurable_dates", "levels", "sanctions"), problems):
        return None, None, None
    count = len(problems)
    dates = _declared_dates(root.get("configurable_dates"), supplied, problems)
    levels = _load_levels(root, problems)
    level_codes = [lv.code for lv in levels] if levels is not None else None

    rows: list[tuple[_Node, Sanction]] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(_list(root.get("sanctions"), "sanction", problems)):
        row = _Row(
            node,
            problems,
            required=(
                "code",
                "track",
                "level",
                "name",
                "duration_months",
                "final",
                "employee_types",
                "employee_types_confidence",
                "basis",
                "appeal_route",
                "appeal_confidence",
                "valid_from",
                "valid_until",
                "substitutes",
                "confidence",
                "source",
            ),
            optional=("gloss", "counterparts", "note"),
        )
        code = _unique_code(row, seen, index, "sanctions")
        level_reader: Callable[[_Node], str] = (
            _choice(level_codes, "level") if level_codes is not None else _text
        )
        open_bound: tuple[date | None, str | None] = (None, None)
        bound = _bound(dates)
        track: Track = row.read("track", _choice(TRACKS, "track"), "disiplin")
        level = row.read("level", level_reader, "")
        name = row.read("name", _text, "")
        gloss = row.read("gloss", _optional(_text), None)
        duration = row.read("duration_months", _months, None)
        final = row.read("final", _bool, False)
        employee_types: tuple[EmployeeType, ...] = row.read("employee_types", _employee_types, ())
        employee_types_confidence: Confidence = row.read(
            "employee_types_confidence", _choice(CONFIDENCES, "confidence"), "U"
        )
        basis = row.read("basis", _text, "")
        appeal_route: AppealRoute = row.read(
            "appeal_route", _choice(APPEAL_ROUTES, "appeal route"), "none"
        )
        appeal_confidence: Confidence = row.read(
            "appeal_confidence", _choice(CONFIDENCES, "confidence"), "U"
        )
        valid_from, from_event = row.read("valid_from", bound, open_bound)
        valid_until, until_event = row.read("valid_until", bound, open_bound)
        sanction = Sanction(
            code=code,
            track=track,
            level=level,
            name=name,
            gloss=gloss,
            duration_months=duration,
            final=final,
            employee_types=employee_types,
            employee_types_confidence=employee_types_confidence,
            basis=basis,
            appeal_route=appeal_route,
            appeal_confidence=appeal_confidence,
            valid_from=valid_from,
            valid_until=valid_until,
            valid_from_event=from_event,
            valid_until_event=until_event,
            substitutes=row.read("substitutes", _optional(_code), None),
            counterparts=row.read("counterparts", _counterparts, ()),
            confidence=row.read("confidence", _choice(CONFIDENCES, "confidence"), "U"),
            source=row.read("source", _urls, ()),
            note=row.read("note", _optional(_text), None),
        )
        if final and duration is not None:
            row.fail(
                node.get("duration_months").error(
                    f"a final sanction has no duration (final is true), got {duration}"
                )
            )
        if valid_from is not None and valid_until is not None and valid_until <= valid_from:
            shown = valid_until.isoformat() + (f" ({until_event})" if until_event else "")
            row.fail(
                node.get("valid_until").error(
                    f"{shown} is not after valid_from {valid_from.isoformat()}: the sanction "
                    "would never be available"
                )
            )
        if row.ok:
            rows.append((node, sanction))

    _check_sanction_references(rows, list(seen), problems)
    if len(problems) > count or levels is None:
        return levels, None, list(seen)
    return levels, tuple(s for _, s in rows), list(seen)


def _unique_code(
    row: _Row,
    seen: dict[str, int],
    index: int,
    section: str,
    *,
    reader: Callable[[_Node], str] = _code,
) -> str:
    """Read the row's code and record where it first appeared; a repeat is a problem."""
    code = row.read("code", reader, "")
    if not code:
        return code
    if code in seen:
        row.fail(
            row.node.get("code").error(
                f"duplicate code {code!r} (first at {section}[{seen[code]}])"
            )
        )
    else:
        seen[code] = index
    return code


def _declared_dates(
    node: _Node, supplied: Mapping[str, date | None], problems: list[str]
) -> dict[str, date | None]:
    """The configurable dates the file declares (name → description), with their values."""
    declared: dict[str, date | None] = {}
    if node.value is None:
        return declared
    if not isinstance(node.value, dict):
        problems.append(node.error(f"expected a mapping, got {_kind(node.value)}").message)
        return declared
    for name, child in node.items():
        if name not in supplied:
            problems.append(
                child.error(
                    f"load_catalogue supplies no such date (supported: {', '.join(supplied)})"
                ).message
            )
            continue
        try:
            child.text()
        except DefinitionError as exc:
            problems.extend(exc.problems)
        declared[name] = supplied[name]
    return declared


def _employee_types(node: _Node) -> tuple[EmployeeType, ...]:
    items = node.seq()
    if not items:
        raise node.error(f"expected a list of at least one of {', '.join(EMPLOYEE_TYPES)}")
    types: list[EmployeeType] = []
    for item in items:
        value = _choice(EMPLOYEE_TYPES, "employee type")(item)
        if value in types:
            raise item.error(f"{value} is listed twice")
        types.append(value)
    return tuple(types)


def _counterparts(node: _Node) -> tuple[Counterpart, ...]:
    if node.value is None:
        return ()
    if not isinstance(node.value, dict):
        raise node.error(
            "expected a mapping of employee type to {sanction, confidence}, "
            f"got {_kind(node.value)}"
        )
    result = []
    for key, child in node.items():
        employee_type = _choice(EMPLOYEE_TYPES, "employee type")(_Node(key, child.file, child.path))
        problems: list[str] = []
        row = _Row(child, problems, required=("sanction", "confidence"))
        counterpart = Counterpart(
            employee_type=employee_type,
            sanction=row.read("sanction", _code, ""),
            confidence=row.read("confidence", _choice(CONFIDENCES, "confidence"), "U"),
        )
        if problems:
            raise DefinitionError(problems[0], problems=problems)
        result.append(counterpart)
    return tuple(result)


def _check_sanction_references(
    rows: list[tuple[_Node, Sanction]], declared: list[str], problems: list[str]
) -> None:
    """Substitutes and counterparts name sanctions that exist and fit. A reference to a
    declared sanction whose own row has problems is not checked further."""
    by_code = {s.code: s for _, s in rows}
    known = ", ".join(declared)
    for node, sanction in rows:
        if sanction.substitutes is not None:
            where = node.get("substitutes")
            target = by_code.get(sanction.substitutes)
            if target is None and sanction.substitutes in declared:
                pass
            elif target is None:
                problems.append(
                    where.error(
                        f"unknown sanction {sanction.substitutes!r} (allowed: {known})"
                    ).message
                )
            elif target.code == sanction.code:
                problems.append(where.error("a sanction cannot substitute itself").message)
            elif target.level != sanction.level:
                problems.append(
                    where.error(
                        f"{sanction.code} is {sanction.level} but substitutes {target.code}, "
                        f"which is {target.level}: a substitute must have the same level"
                    ).message
                )
            elif (sanction.valid_until, sanction.valid_until_event) != (
                target.valid_from,
                target.valid_from_event,
            ):
                starts = _show_bound(target.valid_from, target.valid_from_event)
                ends = _show_bound(sanction.valid_until, sanction.valid_until_event)
                problems.append(
                    node.get("valid_until")
                    .error(
                        f"{sanction.code} substitutes {target.code}, so it must end when "
                        f"{target.code} starts ({starts}), not at {ends}"
                    )
                    .message
                )
        for counterpart in sanction.counterparts:
            where = node.get("counterparts").get(counterpart.employee_type)
            target = by_code.get(counterpart.sanction)
            if counterpart.employee_type in sanction.employee_types:
                problems.append(
                    where.error(
                        f"{sanction.code} already applies to {counterpart.employee_type}; a "
                        "counterpart is only for an employee type it does not apply to"
                    ).message
                )
            elif target is None and counterpart.sanction in declared:
                pass
            elif target is None:
                problems.append(
                    where.get("sanction")
                    .error(f"unknown sanction {counterpart.sanction!r} (allowed: {known})")
                    .message
                )
            elif counterpart.employee_type not in target.employee_types:
                problems.append(
                    where.get("sanction")
                    .error(
                        f"{target.code} does not apply to {counterpart.employee_type} "
                        f"(its employee_types: {', '.join(target.employee_types)})"
                    )
                    .message
                )


def _show_bound(value: date | None, event: str | None) -> str:
    if event is not None:
        return event
    return value.isoformat() if value is not None else "no date (open)"


def _load_violations(
    path: Path,
    levels: tuple[Level, ...] | None,
    sanction_codes: list[str] | None,
    problems: list[str],
) -> tuple[Violation, ...] | None:
    root = _read(path, problems)
    if root is None or not _top(root, ("violations",), problems):
        return None
    count = len(problems)
    assignable = [lv.code for lv in levels if lv.assignable] if levels is not None else None
    violations: list[Violation] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(_list(root.get("violations"), "violation", problems)):
        row = _Row(
            node,
            problems,
            required=(
                "code",
                "track",
                "phase",
                "phase_confidence",
                "conduct",
                "gloss",
                "level",
                "fixed_sanction",
                "decided_by",
                "basis",
                "confidence",
                "source",
            ),
            optional=("note",),
        )
        code = _unique_code(row, seen, index, "violations")
        level_reader: Callable[[_Node], str] = (
            _choice(assignable, "level") if assignable is not None else _text
        )
        fixed_reader: Callable[[_Node], str] = (
            _choice(sanction_codes, "sanction") if sanction_codes is not None else _code
        )
        violation = Violation(
            code=code,
            track=row.read("track", _choice(TRACKS, "track"), "disiplin"),
            phase=row.read("phase", _choice(PHASES, "phase"), "any"),
            phase_confidence=row.read("phase_confidence", _choice(CONFIDENCES, "confidence"), "U"),
            conduct=row.read("conduct", _text, ""),
            gloss=row.read("gloss", _text, ""),
            level=row.read("level", _optional(level_reader), None),
            fixed_sanction=row.read("fixed_sanction", _optional(fixed_reader), None),
            decided_by=row.read("decided_by", _choice(DECIDERS, "decider"), "pejabat_berwenang"),
            basis=row.read("basis", _optional(_text), None),
            confidence=row.read("confidence", _choice(CONFIDENCES, "confidence"), "U"),
            source=row.read("source", _urls, ()),
            note=row.read("note", _optional(_text), None),
        )
        if row.ok:
            _check_outcome(node, violation, row)
        if row.ok:
            violations.append(violation)
    if len(problems) > count:
        return None
    return tuple(violations)


def _check_outcome(node: _Node, v: Violation, row: _Row) -> None:
    """A violation names a level or a fixed sanction, not both; the Satgas rows name neither."""
    if v.decided_by == "satgas":
        if v.level is not None or v.fixed_sanction is not None:
            key = "level" if v.level is not None else "fixed_sanction"
            row.fail(
                node.get(key).error(
                    "the Satgas decides the sanction for this conduct (decided_by: satgas), "
                    f"so {key} must be null"
                )
            )
    elif v.level is not None and v.fixed_sanction is not None:
        row.fail(
            node.get("fixed_sanction").error(
                f"give a level or a fixed_sanction, not both (level is {v.level!r})"
            )
        )
    elif v.level is None and v.fixed_sanction is None:
        row.fail(
            node.get("level").error(
                "null, and fixed_sanction is null too: name a level or a fixed_sanction, or "
                "set decided_by: satgas"
            )
        )
