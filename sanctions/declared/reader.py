"""Reading declared YAML data with errors that name the file and the path inside it.

A `Node` wraps a parsed value together with its location (`workflows/x.yaml: states.a`),
so a loader can say exactly where a value is wrong without threading paths by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sanctions.errors import DefinitionError

# libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BASE):  # type: ignore[valid-type,misc]
    """Safe loader that refuses a key repeated in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) or key is None:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
        return dict(super().construct_mapping(node, deep=deep))


class TextDateLoader(StrictLoader):
    """StrictLoader that leaves dates as text, so a bad one is reported at its path."""


TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, *, dates_as_text: bool = False) -> Any:
    """Parse YAML text: safe, duplicate keys refused; raises yaml.YAMLError or ValueError."""
    return yaml.load(text, Loader=TextDateLoader if dates_as_text else StrictLoader)


def display_path(path: Path) -> str:
    """The path as a user knows it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> Node:
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{name}: cannot read: {exc.strerror}") from exc
    try:
        value = parse_yaml(text)
    except ValueError as exc:  # e.g. an unquoted impossible date such as 2026-02-30
        raise DefinitionError(f"{name}: not valid YAML: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(f"{name}: not valid YAML{where}: {problem}") from exc
    return Node(value, name, "")


class Node:
    """A YAML value and where it sits."""

    __slots__ = ("file", "path", "value")

    def __init__(self, value: Any, file: str, path: str) -> None:
        self.value = value
        self.file = file
        self.path = path

    @property
    def where(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file

    def error(self, message: str) -> DefinitionError:
        return DefinitionError(f"{self.where}: {message}")

    def _child(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    # -- containers --------------------------------------------------------------------
    def mapping(self, *, allowed: set[str] | None = None, required: tuple[str, ...] = ()) -> Node:
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {_kind(self.value)}")
        if allowed is not None:
            unknown = sorted(str(k) for k in self.value if k not in allowed)
            if unknown:
                raise self.error(
                    f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
                )
        missing = sorted(k for k in required if k not in self.value)
        if missing:
            raise self.error(f"missing required key {missing[0]!r}")
        return self

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value and self.value[key] is not None

    def get(self, key: str, default: Any = None) -> Node:
        value = self.value.get(key, default) if isinstance(self.value, dict) else default
        return Node(value, self.file, self._child(key))

    def items(self) -> Iterator[tuple[str, Node]]:
        self.mapping()
        for key, value in self.value.items():
            yield str(key), Node(value, self.file, self._child(str(key)))

    def seq(self) -> list[Node]:
        if self.value is None:
            return []
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        return [Node(v, self.file, self._child(i)) for i, v in enumerate(self.value)]

    # -- scalars -----------------------------------------------------------------------
    def text(self, *, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected a non-empty text, got {_kind(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.error(f"unknown value {self.value!r} (allowed: {', '.join(choices)})")
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()

    def texts(self) -> tuple[str, ...]:
        return tuple(n.text() for n in self.seq())

    def integer(self, *, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_kind(self.value)}")
        if minimum is not None and self.value < minimum:
            raise self.error(f"must be at least {minimum}, got {self.value}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def as_date(self) -> date:
        if isinstance(self.value, date):
            return self.value
        if isinstance(self.value, str):
            try:
                return date.fromisoformat(self.value)
            except ValueError:
                pass
        raise self.error(f"not a date (YYYY-MM-DD): {self.value!r}")

    def optional_date(self) -> date | None:
        return None if self.value is None else self.as_date()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
