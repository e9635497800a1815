"""Collecting problems: a loader that reports every problem in a file at once.

Each problem keeps the one shape `file: path.inside: message` (see `sanctions.declared.reader`);
one problem is raised as itself, several are listed under "N problems in <subject>:", in one
`DefinitionError` whose `problems` hold them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sanctions.declared.reader import Node
from sanctions.errors import DefinitionError

_T = TypeVar("_T")


class Problems:
    """Every problem a loader found, each `file: path: message`, raised together."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __len__(self) -> int:
        return len(self.messages)

    def add(self, error: DefinitionError) -> None:
        self.messages.extend(error.problems)

    def extend(self, messages: Iterable[str]) -> None:
        """Messages already in the shape, e.g. from `Node.mapping_problems`."""
        self.messages.extend(messages)

    def read(self, read: Callable[[], _T], default: _T) -> _T:
        """`read()`, or `default` with its problem recorded."""
        try:
            return read()
        except DefinitionError as exc:
            self.add(exc)
            return default

    def raise_if_any(self, subject: str) -> None:
        """One problem is the message; several are listed under "N problems in `subject`"."""
        if not self.messages:
            return
        found = list(self.messages)
        if len(found) == 1:
            raise DefinitionError(found[0], problems=found)
        listing = "\n".join(f"  - {p}" for p in found)
        raise DefinitionError(f"{len(found)} problems in {subject}:\n{listing}", problems=found)


class Record:
    """A mapping read field by field, recording every problem instead of stopping."""

    def __init__(
        self,
        node: Node,
        problems: Problems,
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> None:
        self.node = node
        self.problems = problems
        found = node.mapping_problems(allowed=(*required, *optional), required=required)
        self.ok = not found
        problems.extend(found)
        self.missing = {key for key in (*required, *optional) if key not in node}

    def fail(self, error: DefinitionError) -> None:
        self.ok = False
        self.problems.add(error)

    def read(self, key: str, read: Callable[[Node], _T], default: _T) -> _T:
        """The field read by `read`; `default` when it is missing (already reported if
        required) or wrong (reported now, and the record is marked bad)."""
        if key in self.missing:
            return default
        try:
            return read(self.node.get(key))
        except DefinitionError as exc:
            self.fail(exc)
            return default
