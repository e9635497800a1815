"""Reading declared YAML data with errors that name the file and the path inside it.

Every declared file (workflows, catalogue, calendar, ladder, bodies, classification codes,
`documents.yaml`) and every officer's `--letter-data` file is read here, and only here:

- parsed with a safe loader that refuses a key repeated in one mapping;
- within `Limits`: a file larger than `max_bytes` is refused unread, and aliases (`*name`) are
  counted on the composed node graph before any value is built, so an alias bomb such as
  "billion laughs" (a few hundred bytes expanding to ~10^9 values) is refused in well
  under a millisecond. `DECLARED_LIMITS` (2 MiB, 100 aliases adding at most 10 000 values) applies
  to declared files, `LETTER_DATA_LIMITS` (256 KiB, same alias bounds) to letter data.

A `Node` wraps a parsed value together with its location (`workflows/x.yaml: states.a`), so a
loader can say exactly where a value is wrong without threading paths by hand. Every message
has the one shape `file: path.inside: message`, e.g.
`workflows/catalogue/violations.yaml: violations[3].level: unknown level 'sedangg' (allowed:
ringan, sedang, berat)`; a file-level problem is `file: message`. Loaders that report every
problem at once collect them with `sanctions.declared.problems`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from sanctions.declared.confidence import CONFIDENCES, Confidence
from sanctions.errors import DefinitionError

if TYPE_CHECKING:  # PyYAML is imported when a file is read (sanctions.declared.cache)
    import yaml

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)

KiB: Final = 1024
MiB: Final = 1024 * KiB


@dataclass(frozen=True)
class Limits:
    """How much one YAML input may hold; past any bound it is refused, not read.

    `max_bytes`: the size of the file (or text, UTF-8 encoded). `max_aliases`: how many times
    aliases may be used in it. `max_alias_values`: how many values those aliases may add in
    all once expanded (an alias of a list of 9 values adds 10). `what` names the input in
    messages ("a declared file").
    """

    what: str
    max_bytes: int
    max_aliases: int = 100
    max_alias_values: int = 10_000


DECLARED_LIMITS: Final = Limits("a declared file", max_bytes=2 * MiB)
"""For `workflows/`, `letter_templates/documents.yaml`: the largest shipped file is ~30 KiB;
`catalogue/sanctions.yaml` uses 8 aliases (shared notes and sources)."""

LETTER_DATA_LIMITS: Final = Limits("a letter data file", max_bytes=256 * KiB)
"""For an officer's `--letter-data` file: a few values per letter."""


class ReadError(Exception):
    """A YAML input could not be read; the message says why, without the file's name."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@functools.cache
def _loaders() -> tuple[type[Any], type[Any]]:
    """The strict loader and the one that leaves dates as text, built on the first read (a
    command that finds the declarations in the cache imports no PyYAML)."""
    import yaml

    # libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[valid-type,misc]
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
    return StrictLoader, TextDateLoader


def parse_yaml(text: str, *, limits: Limits = DECLARED_LIMITS, dates_as_text: bool = False) -> Any:
    """Parse YAML text: safe, duplicate keys refused, within `limits`; raises `ReadError`."""
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise ReadError(_too_large(limits))
    return _parse(text, limits=limits, dates_as_text=dates_as_text)


def load_yaml_file(
    path: Path, *, limits: Limits = DECLARED_LIMITS, dates_as_text: bool = False
) -> Any:
    """The parsed content of the YAML (or JSON) file at `path`; raises `ReadError`.

    At most `limits.max_bytes + 1` bytes are read, so a huge file costs nothing to refuse.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise ReadError("file not found") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limits.max_bytes:
        raise ReadError(_too_large(limits))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"cannot read: not UTF-8 text (byte {exc.start})") from exc
    return _parse(text, limits=limits, dates_as_text=dates_as_text)


def read_yaml(path: Path, *, limits: Limits = DECLARED_LIMITS, dates_as_text: bool = False) -> Node:
    """The declared file at `path` as a `Node`; any problem is a `DefinitionError` naming it."""
    name = display_path(path)
    try:
        value = load_yaml_file(path, limits=limits, dates_as_text=dates_as_text)
    except ReadError as exc:
        raise DefinitionError(f"{name}: {exc.message}") from exc
    return Node(value, name, "")


def display_path(path: Path) -> str:
    """The path as a user knows it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _parse(text: str, *, limits: Limits, dates_as_text: bool) -> Any:
    import yaml

    strict, text_dates = _loaders()
    loader = (text_dates if dates_as_text else strict)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node, limits)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ReadError(f"not valid YAML{_at(mark)}: {problem}") from exc
    except ValueError as exc:  # e.g. an unquoted impossible date such as 2026-02-30
        raise ReadError(f"not valid YAML: {exc}") from exc
    except RecursionError:  # the pure-Python parser, on deep nesting (libyaml stops at 1000)
        raise ReadError("not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def _check_aliases(root: yaml.Node, limits: Limits) -> None:
    """Refuse, before any value is built, a graph whose aliases exceed `limits` or recur.

    The composed graph shares the anchored node wherever it is aliased, so it stays as small
    as the text; walking it once, with each node's expanded size remembered, costs as much.
    """
    sizes: dict[int, int] = {}  # finished nodes: values each expands to
    open_nodes = {id(root)}
    stack: list[tuple[yaml.Node, Iterator[yaml.Node]]] = [(root, _children(root))]
    totals = [1]  # the expanded size of each node on the stack, so far
    aliases = added = 0
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            open_nodes.discard(id(node))
            sizes[id(node)] = size = totals.pop()
            if totals:
                totals[-1] += size
        elif id(child) in open_nodes:
            raise ReadError(f"refused{_at(node.start_mark)}: an alias to a value that holds it")
        elif id(child) in sizes:  # reached a second time: an alias
            aliases += 1
            added += sizes[id(child)]
            totals[-1] += sizes[id(child)]
            if aliases > limits.max_aliases:
                raise ReadError(
                    f"refused{_at(node.start_mark)}: more than {limits.max_aliases} aliases, "
                    f"the limit for {limits.what}"
                )
            if added > limits.max_alias_values:
                raise ReadError(
                    f"refused{_at(node.start_mark)}: aliases add more than "
                    f"{limits.max_alias_values} values, the limit for {limits.what}"
                )
        else:
            open_nodes.add(id(child))
            stack.append((child, _children(child)))
            totals.append(1)


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return iter(node.value)
    if isinstance(node, yaml.MappingNode):
        return (part for pair in node.value for part in pair)
    return iter(())


def _at(mark: yaml.Mark | None) -> str:
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""


def _too_large(limits: Limits) -> str:
    size = limits.max_bytes
    if size % MiB == 0:
        shown = f"{size // MiB} MiB"
    elif size % KiB == 0:
        shown = f"{size // KiB} KiB"
    else:
        shown = f"{size} bytes"
    return f"refused: larger than {shown}, the limit for {limits.what}"


# --------------------------------------------------------------------------- nodes

_IDENTIFIER: Final = re.compile(r"[a-z][a-z0-9_]*")
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


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

    @property
    def kind(self) -> str:
        """What the value is, for messages: `nothing`, `a list`, `str 'x'`."""
        return _kind(self.value)

    def holding(self, value: Any) -> Node:
        """Another value reported at this node's place, e.g. the mapping key that names it."""
        return Node(value, self.file, self.path)

    def _child(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    # -- containers --------------------------------------------------------------------
    def mapping(
        self, *, allowed: Collection[str] | None = None, required: Sequence[str] = ()
    ) -> Node:
        """This node, if it is a mapping with only `allowed` keys and every `required` one."""
        problems = self.mapping_problems(allowed=allowed, required=required)
        if problems:
            raise DefinitionError(problems[0])
        return self

    def mapping_problems(
        self, *, allowed: Collection[str] | None = None, required: Sequence[str] = ()
    ) -> list[str]:
        """What `mapping` would refuse, every problem: unknown keys in file order, then
        missing ones in `required` order. `allowed` is listed as given, or sorted if a set."""
        if not isinstance(self.value, dict):
            return [self.error(f"expected a mapping, got {_kind(self.value)}").message]
        problems = []
        if allowed is not None:
            shown = ", ".join(sorted(allowed) if isinstance(allowed, set | frozenset) else allowed)
            problems += [
                self.error(f"unknown key {str(key)!r} (allowed: {shown})").message
                for key in self.value
                if key not in allowed
            ]
        problems += [
            self.error(f"missing required key {key!r}").message
            for key in required
            if key not in self.value
        ]
        return problems

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def __contains__(self, key: str) -> bool:
        """Whether the mapping gives `key`, even as null (`has` wants a value)."""
        return isinstance(self.value, dict) and key in self.value

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value and self.value[key] is not None

    def get(self, key: str, default: Any = None) -> Node:
        value = self.value.get(key, default) if isinstance(self.value, dict) else default
        return Node(value, self.file, self._child(key))

    def items(self) -> Iterator[tuple[str, Node]]:
        self.mapping()
        for key, value in self.value.items():
            yield str(key), Node(value, self.file, self._child(str(key)))

    def seq(self, *, null_ok: bool = True) -> list[Node]:
        """The items of a list; nothing (null) is an empty list unless `null_ok` is false."""
        if self.value is None and null_ok:
            return []
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        return [Node(v, self.file, self._child(i)) for i, v in enumerate(self.value)]

    def nonempty_seq(self, what: str) -> list[Node]:
        """The items of a list of at least one `what` ("steps", "URLs")."""
        if not isinstance(self.value, list) or not self.value:
            got = "an empty list" if self.value == [] else _kind(self.value)
            raise self.error(f"expected a non-empty list of {what}, got {got}")
        return self.seq()

    def distinct(self, read: Callable[[Node], _T]) -> tuple[_T, ...]:
        """The list's items, each read by `read`; an item given twice is refused (and so is
        null: a key given for a list of names is a list, even an empty one)."""
        values: list[_T] = []
        for item in self.seq(null_ok=False):
            value = read(item)
            if value in values:
                raise item.error(f"{value!r} is listed twice")
            values.append(value)
        return tuple(values)

    def names(self) -> tuple[str, ...]:
        """A list of distinct snake_case names."""
        return self.distinct(Node.identifier)

    # -- scalars -----------------------------------------------------------------------
    def text(self, *, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected a non-empty text, got {_kind(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.error(f"unknown value {self.value!r} (allowed: {', '.join(choices)})")
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()

    def optional(self, read: Callable[[Node], _T]) -> _T | None:
        """None when the value is null (or absent), else `read(self)`."""
        return None if self.value is None else read(self)

    def any_text(self) -> str:
        """A text that may be empty (a note)."""
        if not isinstance(self.value, str):
            raise self.error(f"expected a text, got {_kind(self.value)}")
        return self.value

    def texts(self) -> tuple[str, ...]:
        return tuple(n.text() for n in self.seq())

    def matching(self, pattern: re.Pattern[str], what: str) -> str:
        """A text the whole of which matches `pattern`; `what` says what that means
        ("a snake_case name ([a-z][a-z0-9_]*)")."""
        if not isinstance(self.value, str):
            raise self.error(f"expected {what}, got {_kind(self.value)}")
        if not pattern.fullmatch(self.value):
            raise self.error(f"{self.value!r} is not {what}")
        return self.value

    def identifier(self) -> str:
        """A snake_case name: a key, a letter kind, a trigger."""
        return self.matching(_IDENTIFIER, "a snake_case name ([a-z][a-z0-9_]*)")

    def url(self) -> str:
        url = self.text()
        if not url.startswith(("https://", "http://")):
            raise self.error(f"{url!r} is not a URL (expected http:// or https://)")
        return url

    def choice(self, allowed: Sequence[_T], *, what: str) -> _T:
        """One of `allowed`; `what` names it in the message ("level", "appeal route")."""
        if self.value not in allowed:
            shown = repr(self.value) if isinstance(self.value, str) else _kind(self.value)
            listed = ", ".join(str(a) for a in allowed)
            raise self.error(f"unknown {what} {shown} (allowed: {listed})")
        return cast(_T, self.value)

    def enum(self, kind: type[_E], *, what: str) -> _E:
        """The member of the string enum `kind` whose value this is."""
        return kind(self.choice([member.value for member in kind], what=what))

    def confidence(self) -> Confidence:
        """A confidence tag (`sanctions.declared.confidence`): C, S or U."""
        return self.choice(CONFIDENCES, what="confidence")

    def integer(self, *, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_kind(self.value)}")
        if minimum is not None and self.value < minimum:
            raise self.error(f"must be at least {minimum}, got {self.value}")
        return self.value

    def optional_integer(self, *, minimum: int | None = None) -> int | None:
        return None if self.value is None else self.integer(minimum=minimum)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def as_date(self) -> date:
        """A YAML date, or a text `YYYY-MM-DD` (as `dates_as_text` leaves them)."""
        if isinstance(self.value, date):
            return self.value
        if isinstance(self.value, str) and _ISO_DATE.fullmatch(self.value):
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
