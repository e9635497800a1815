"""Reading `forms.yaml`: the lists of forbidden conduct in circulation and the aliases that
map each listed form to its catalogue row (or rows, by phase), checked against the rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from sanctions.catalogue.entries import Violation
from sanctions.catalogue.fields import read_code, read_root, read_urls, section_rows
from sanctions.catalogue.forms import Alias, SourceList
from sanctions.declared.problems import Problems, Record
from sanctions.declared.reader import Node

_LIST_KEYS: Final = ("key", "title", "gloss", "cited_as", "confidence", "source")
_ALIAS_KEYS: Final = ("list", "item", "form", "codes", "confidence", "source")
_SECTIONS: Final = ("lists", "otherwise_cited", "aliases")
_KEY: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def read_forms(path: Path, problems: Problems) -> Node | None:
    """The file's root (None if it is unusable); a catalogue without the file has an empty
    one (no lists, no aliases)."""
    if not path.exists():
        return Node({}, str(path), "")
    return read_root(path, _SECTIONS, ("lists", "aliases"), problems)


def _list_key(node: Node) -> str:
    return node.matching(_KEY, "a list key (lower-case words and years joined by '-')")


def _item(node: Node) -> str:
    value = node.value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return node.text()


def load_lists(root: Node | None, problems: Problems) -> tuple[SourceList, ...] | None:
    """The declared lists (None if the file or a row is wrong)."""
    if root is None:
        return None
    count = len(problems)
    lists: list[SourceList] = []
    seen: set[str] = set()
    for node in section_rows(root, "lists", problems):
        row = Record(node, problems, required=_LIST_KEYS, optional=("note",))
        key = row.read("key", _list_key, "")
        if key in seen:
            row.fail(node.get("key").error(f"list {key!r} is declared twice"))
        seen.add(key)
        lists.append(
            SourceList(
                key=key,
                title=row.read("title", Node.text, ""),
                gloss=row.read("gloss", Node.text, ""),
                cited_as=row.read("cited_as", Node.optional_text, None),
                confidence=row.read("confidence", Node.confidence, "U"),
                source=row.read("source", read_urls, ()),
                note=row.read("note", Node.optional_text, None),
            )
        )
    return tuple(lists) if len(problems) == count else None


def load_otherwise_cited(
    root: Node | None, lists: Sequence[SourceList] | None, problems: Problems
) -> str | None:
    """The list a letter cites for a row no citable list names: a declared list that has a
    citation."""
    if root is None or lists is None or not root.has("otherwise_cited"):
        return None
    citable = [lst.key for lst in lists if lst.cited_as is not None]
    node = root.get("otherwise_cited")
    return problems.read(lambda: node.choice(citable, what="citable list"), None)


def load_aliases(
    root: Node | None,
    lists: Sequence[SourceList] | None,
    violations: Sequence[Violation] | None,
    problems: Problems,
) -> tuple[Alias, ...] | None:
    """The aliases, each naming a declared list and rows that exist, of distinct phases."""
    if root is None:
        return None
    count = len(problems)
    keys = [lst.key for lst in lists] if lists is not None else None
    rows = {v.code: v for v in violations} if violations is not None else None

    def a_list(node: Node) -> str:
        return node.choice(keys, what="list") if keys is not None else node.text()

    def a_code(node: Node) -> str:
        return node.choice(list(rows), what="violation") if rows is not None else read_code(node)

    def some_codes(node: Node) -> tuple[str, ...]:
        node.nonempty_seq("violation codes")
        return node.distinct(a_code)

    aliases: list[Alias] = []
    for node in section_rows(root, "aliases", problems):
        row = Record(node, problems, required=_ALIAS_KEYS, optional=("note",))
        alias = Alias(
            list=row.read("list", a_list, ""),
            item=row.read("item", _item, ""),
            form=row.read("form", Node.text, ""),
            codes=row.read("codes", some_codes, ()),
            confidence=row.read("confidence", Node.confidence, "U"),
            source=row.read("source", read_urls, ()),
            note=row.read("note", Node.optional_text, None),
        )
        if row.ok and rows is not None:
            phases = [rows[c].phase for c in alias.codes]
            if len(set(phases)) < len(phases):
                pairs = zip(alias.codes, phases, strict=True)
                row.fail(
                    node.get("codes").error(
                        "several codes name one conduct by phase, so their phases must differ, "
                        f"got {', '.join(f'{c} ({p})' for c, p in pairs)}"
                    )
                )
        if row.ok:
            aliases.append(alias)
    return tuple(aliases) if len(problems) == count else None
