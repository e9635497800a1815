"""Reading `sanctions.yaml`: the severity levels, the concrete sanctions and the configurable
dates their availability depends on, checked row by row and then across rows (substitutes
and counterparts name sanctions that exist and fit)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Final

from sanctions.catalogue.entries import (
    APPEAL_ROUTES,
    EMPLOYEE_TYPES,
    TRACKS,
    AppealRoute,
    Counterpart,
    EmployeeType,
    Level,
    Sanction,
    Track,
)
from sanctions.catalogue.fields import read_code, read_root, read_urls, section_rows, unique_code
from sanctions.declared.confidence import Confidence
from sanctions.declared.dated import read_dated_texts
from sanctions.declared.problems import Problems, Record
from sanctions.declared.reader import Node
from sanctions.errors import DefinitionError

_SANCTION_KEYS: Final = (
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
)


def _employee_type(node: Node) -> EmployeeType:
    return node.choice(EMPLOYEE_TYPES, what="employee type")


def _employee_types(node: Node) -> tuple[EmployeeType, ...]:
    node.nonempty_seq(f"employee types ({', '.join(EMPLOYEE_TYPES)})")
    return node.distinct(_employee_type)


def _bound(dates: Mapping[str, date | None]) -> Callable[[Node], tuple[date | None, str | None]]:
    """A validity bound: a date, null (open) or the name of a configurable date."""

    def read(node: Node) -> tuple[date | None, str | None]:
        value = node.value
        if value is None:
            return None, None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value, None
        if isinstance(value, str) and value in dates:
            return dates[value], value
        names = ", ".join(dates) or "none declared"
        raise node.error(
            f"expected a date (YYYY-MM-DD), null or a configurable date ({names}), got {node.kind}"
        )

    return read


def _counterparts(node: Node) -> tuple[Counterpart, ...]:
    if node.value is None:
        return ()
    result = []
    for key, child in node.items():
        employee_type = _employee_type(child.holding(key))
        problems = Problems()
        row = Record(child, problems, required=("sanction", "confidence"))
        counterpart = Counterpart(
            employee_type=employee_type,
            sanction=row.read("sanction", read_code, ""),
            confidence=row.read("confidence", Node.confidence, "U"),
        )
        if problems:
            raise DefinitionError(problems.messages[0], problems=problems.messages)
        result.append(counterpart)
    return tuple(result)


# -- sanctions.yaml -------------------------------------------------------------------------


def load_sanctions(
    path: Path, supplied: Mapping[str, date | None], problems: Problems
) -> tuple[tuple[Level, ...] | None, tuple[Sanction, ...] | None, list[str] | None]:
    """The levels, the sanctions (None if any problem) and every sanction code the file
    declares, even on rows with problems (so references to them are not reported twice)."""
    sections = ("configurable_dates", "levels", "sanctions")
    root = read_root(path, sections, ("levels", "sanctions"), problems)
    if root is None:
        return None, None, None
    count = len(problems)
    dates = _declared_dates(root.get("configurable_dates"), supplied, problems)
    levels = _load_levels(root, problems)
    level_codes = [lv.code for lv in levels] if levels is not None else None
    rows: list[tuple[Node, Sanction]] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(section_rows(root, "sanctions", problems)):
        row = Record(
            node,
            problems,
            required=_SANCTION_KEYS,
            optional=("gloss", "counterparts", "note", "article"),
        )
        code = unique_code(row, seen, index, "sanctions")
        sanction = _sanction(row, code, level_codes, dates)
        _check_sanction(row, sanction)
        if row.ok:
            rows.append((node, sanction))
    _check_sanction_references(rows, list(seen), problems)
    if len(problems) > count or levels is None:
        return levels, None, list(seen)
    return levels, tuple(s for _, s in rows), list(seen)


def _sanction(
    row: Record, code: str, level_codes: list[str] | None, dates: Mapping[str, date | None]
) -> Sanction:
    def level(node: Node) -> str:
        return node.choice(level_codes, what="level") if level_codes is not None else node.text()

    open_bound: tuple[date | None, str | None] = (None, None)
    bound = _bound(dates)
    # Read in the file's field order, so problems are reported in that order.
    track: Track = row.read("track", lambda n: n.choice(TRACKS, what="track"), "disiplin")
    level_code = row.read("level", level, "")
    name = row.read("name", Node.text, "")
    gloss = row.read("gloss", Node.optional_text, None)
    duration = row.read("duration_months", lambda n: n.optional_integer(minimum=1), None)
    final = row.read("final", Node.boolean, False)
    employee_types: tuple[EmployeeType, ...] = row.read("employee_types", _employee_types, ())
    employee_types_confidence: Confidence = row.read(
        "employee_types_confidence", Node.confidence, "U"
    )
    basis = row.read("basis", Node.text, "")
    appeal_route: AppealRoute = row.read(
        "appeal_route", lambda n: n.choice(APPEAL_ROUTES, what="appeal route"), "none"
    )
    appeal_confidence: Confidence = row.read("appeal_confidence", Node.confidence, "U")
    valid_from, from_event = row.read("valid_from", bound, open_bound)
    valid_until, until_event = row.read("valid_until", bound, open_bound)
    return Sanction(
        code=code,
        track=track,
        level=level_code,
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
        substitutes=row.read("substitutes", lambda n: n.optional(read_code), None),
        counterparts=row.read("counterparts", _counterparts, ()),
        confidence=row.read("confidence", Node.confidence, "U"),
        source=row.read("source", read_urls, ()),
        note=row.read("note", Node.optional_text, None),
        article=row.read("article", lambda n: n.optional(read_dated_texts) or (), ()),
    )


def _check_sanction(row: Record, sanction: Sanction) -> None:
    """A final sanction has no duration; a validity window is not empty."""
    node = row.node
    if sanction.final and sanction.duration_months is not None:
        row.fail(
            node.get("duration_months").error(
                f"a final sanction has no duration (final is true), got {sanction.duration_months}"
            )
        )
    starts, ends = sanction.valid_from, sanction.valid_until
    if starts is not None and ends is not None and ends <= starts:
        event = sanction.valid_until_event
        shown = ends.isoformat() + (f" ({event})" if event else "")
        row.fail(
            node.get("valid_until").error(
                f"{shown} is not after valid_from {starts.isoformat()}: the sanction "
                "would never be available"
            )
        )


def _declared_dates(
    node: Node, supplied: Mapping[str, date | None], problems: Problems
) -> dict[str, date | None]:
    """The configurable dates the file declares (name → description), with their values."""
    declared: dict[str, date | None] = {}
    if node.value is None:
        return declared
    entries: list[tuple[str, Node]] = problems.read(lambda: list(node.items()), [])
    for name, child in entries:
        if name not in supplied:
            problems.add(
                child.error(
                    f"load_catalogue supplies no such date (supported: {', '.join(supplied)})"
                )
            )
            continue
        problems.read(child.text, "")
        declared[name] = supplied[name]
    return declared


def _load_levels(root: Node, problems: Problems) -> tuple[Level, ...] | None:
    levels: list[Level] = []
    seen: dict[str, int] = {}
    ok = True
    for index, node in enumerate(section_rows(root, "levels", problems)):
        row = Record(
            node,
            problems,
            required=("code", "label", "gloss", "assignable", "confidence"),
            optional=("note",),
        )
        code = unique_code(row, seen, index, "levels", reader=Node.text)
        level = Level(
            code=code,
            label=row.read("label", Node.text, ""),
            gloss=row.read("gloss", Node.text, ""),
            rank=len(levels),
            assignable=row.read("assignable", Node.boolean, False),
            confidence=row.read("confidence", Node.confidence, "U"),
            note=row.read("note", Node.optional_text, None),
        )
        ok = ok and row.ok
        if row.ok:
            levels.append(level)
    return tuple(levels) if ok and levels else None


def _check_sanction_references(
    rows: list[tuple[Node, Sanction]], declared: list[str], problems: Problems
) -> None:
    """Substitutes and counterparts name sanctions that exist and fit. A reference to a
    declared sanction whose own row has problems is not checked further."""
    by_code = {s.code: s for _, s in rows}
    known = ", ".join(declared)
    for node, sanction in rows:
        if sanction.substitutes is not None:
            _check_substitute(node, sanction, by_code, declared, problems)
        for counterpart in sanction.counterparts:
            where = node.get("counterparts").get(counterpart.employee_type)
            target = by_code.get(counterpart.sanction)
            if counterpart.employee_type in sanction.employee_types:
                problems.add(
                    where.error(
                        f"{sanction.code} already applies to {counterpart.employee_type}; a "
                        "counterpart is only for an employee type it does not apply to"
                    )
                )
            elif target is None and counterpart.sanction in declared:
                pass
            elif target is None:
                problems.add(
                    where.get("sanction").error(
                        f"unknown sanction {counterpart.sanction!r} (allowed: {known})"
                    )
                )
            elif counterpart.employee_type not in target.employee_types:
                problems.add(
                    where.get("sanction").error(
                        f"{target.code} does not apply to {counterpart.employee_type} "
                        f"(its employee_types: {', '.join(target.employee_types)})"
                    )
                )


def _check_substitute(
    node: Node,
    sanction: Sanction,
    by_code: Mapping[str, Sanction],
    declared: list[str],
    problems: Problems,
) -> None:
    assert sanction.substitutes is not None
    where = node.get("substitutes")
    target = by_code.get(sanction.substitutes)
    if target is None and sanction.substitutes in declared:
        return
    if target is None:
        problems.add(
            where.error(
                f"unknown sanction {sanction.substitutes!r} (allowed: {', '.join(declared)})"
            )
        )
    elif target.code == sanction.code:
        problems.add(where.error("a sanction cannot substitute itself"))
    elif target.level != sanction.level:
        problems.add(
            where.error(
                f"{sanction.code} is {sanction.level} but substitutes {target.code}, "
                f"which is {target.level}: a substitute must have the same level"
            )
        )
    elif (sanction.valid_until, sanction.valid_until_event) != (
        target.valid_from,
        target.valid_from_event,
    ):
        starts = _show_bound(target.valid_from, target.valid_from_event)
        ends = _show_bound(sanction.valid_until, sanction.valid_until_event)
        problems.add(
            node.get("valid_until").error(
                f"{sanction.code} substitutes {target.code}, so it must end when "
                f"{target.code} starts ({starts}), not at {ends}"
            )
        )


def _show_bound(value: date | None, event: str | None) -> str:
    if event is not None:
        return event
    return value.isoformat() if value is not None else "no date (open)"
