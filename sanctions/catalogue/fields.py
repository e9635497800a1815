"""What both catalogue files share: reading their sections and rows, codes and sources."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from sanctions.declared.problems import Problems, Record
from sanctions.declared.reader import Node, read_yaml
from sanctions.errors import DefinitionError

_CODE: Final = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_A_CODE: Final = "a code (upper-case letters and digits in hyphen-separated groups, e.g. DIS-01)"


def read_root(
    path: Path, sections: tuple[str, ...], required: tuple[str, ...], problems: Problems
) -> Node | None:
    """The file's top-level mapping (its key problems recorded), or None if unusable."""
    try:
        root = read_yaml(path)
    except DefinitionError as exc:
        problems.add(exc)
        return None
    problems.extend(root.mapping_problems(allowed=sections, required=required))
    return root if root.is_mapping else None


def section_rows(root: Node, key: str, problems: Problems) -> list[Node]:
    """The rows of a section; a missing section is already reported by `read_root`."""
    if key not in root:
        return []
    return problems.read(lambda: root.get(key).nonempty_seq(key), [])


def unique_code(
    row: Record,
    seen: dict[str, int],
    index: int,
    section: str,
    *,
    reader: Callable[[Node], str] | None = None,
) -> str:
    """Read the row's code and record where it first appeared; a repeat is a problem."""
    code = row.read("code", reader or read_code, "")
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


# -- field readers --------------------------------------------------------------------------


def read_code(node: Node) -> str:
    return node.matching(_CODE, _A_CODE)


def read_urls(node: Node) -> tuple[str, ...]:
    return tuple(item.url() for item in node.nonempty_seq("URLs"))
