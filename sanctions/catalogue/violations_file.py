"""Reading `violations.yaml`: the conduct catalogue, each row naming a level or a fixed
sanction declared in `sanctions.yaml` (or left to the Satgas)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sanctions.catalogue.entries import DECIDERS, PHASES, TRACKS, Level, Violation
from sanctions.catalogue.fields import read_code, read_root, read_urls, section_rows, unique_code
from sanctions.declared.dated import read_dated_texts
from sanctions.declared.problems import Problems, Record
from sanctions.declared.reader import Node

_VIOLATION_KEYS: Final = (
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
)


def load_violations(
    path: Path,
    levels: tuple[Level, ...] | None,
    sanction_codes: list[str] | None,
    problems: Problems,
    list_keys: list[str] | None = None,
) -> tuple[Violation, ...] | None:
    """The rows (None if any problem). `list_keys`: the lists `listed_in` may name (None:
    the lists file could not be read, so they are not checked)."""
    root = read_root(path, ("violations",), ("violations",), problems)
    if root is None:
        return None
    count = len(problems)
    assignable = [lv.code for lv in levels if lv.assignable] if levels is not None else None

    def level(node: Node) -> str:
        return node.choice(assignable, what="level") if assignable is not None else node.text()

    def fixed(node: Node) -> str:
        if sanction_codes is None:
            return read_code(node)
        return node.choice(sanction_codes, what="sanction")

    def source_list(node: Node) -> str:
        if list_keys is None:
            return node.text()
        return node.choice(list_keys, what="list")

    violations: list[Violation] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(section_rows(root, "violations", problems)):
        row = Record(
            node, problems, required=_VIOLATION_KEYS, optional=("note", "norm", "listed_in")
        )
        violation = Violation(
            code=unique_code(row, seen, index, "violations"),
            track=row.read("track", lambda n: n.choice(TRACKS, what="track"), "disiplin"),
            phase=row.read("phase", lambda n: n.choice(PHASES, what="phase"), "any"),
            phase_confidence=row.read("phase_confidence", Node.confidence, "U"),
            conduct=row.read("conduct", Node.text, ""),
            gloss=row.read("gloss", Node.text, ""),
            level=row.read("level", lambda n: n.optional(level), None),
            fixed_sanction=row.read("fixed_sanction", lambda n: n.optional(fixed), None),
            decided_by=row.read(
                "decided_by", lambda n: n.choice(DECIDERS, what="decider"), "pejabat_berwenang"
            ),
            basis=row.read("basis", Node.optional_text, None),
            confidence=row.read("confidence", Node.confidence, "U"),
            source=row.read("source", read_urls, ()),
            note=row.read("note", Node.optional_text, None),
            norm=row.read("norm", lambda n: n.optional(read_dated_texts) or (), ()),
            listed_in=row.read("listed_in", lambda n: n.distinct(source_list), ()),
        )
        if row.ok:
            _check_outcome(node, violation, row)
        if row.ok:
            violations.append(violation)
    if len(problems) > count:
        return None
    return tuple(violations)


def _check_outcome(node: Node, v: Violation, row: Record) -> None:
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
