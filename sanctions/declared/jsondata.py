"""Declared values as plain JSON data, and back: what the declarations cache stores.

The loaded law is frozen dataclasses, string enums, dates, tuples, mappings (also read-only
ones) and plain scalars. `to_data` writes each as JSON with a small tag (`{"$": "date", ...}`);
`from_data` rebuilds them. Reading never runs code named by the file: the only classes it
builds are dataclasses and enums defined in this package's declaration modules
(`ALLOWED_PACKAGES`), filled field by field; anything else is refused with `ValueError`. So a
planted or damaged cache file can at worst be refused (and the declarations read again),
never execute anything, unlike a pickle.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from datetime import date, datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, Final

# The packages whose dataclasses and enums make up the loaded declarations.
ALLOWED_PACKAGES: Final = (
    "cases",
    "catalogue",
    "declared",
    "deadlines",
    "institutions",
    "law",
    "letters",
)
_PREFIXES: Final = tuple(f"sanctions.{name}." for name in ALLOWED_PACKAGES)


def to_data(value: Any) -> Any:
    """`value` as JSON-ready data; raises `TypeError` for a value of any other kind."""
    if isinstance(value, Enum):  # first: a StrEnum is also a str
        return {"$": "enum", "c": _name(type(value)), "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$": "dc", "c": _name(type(value)), "v": fields}
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [to_data(v) for v in value]}
    if isinstance(value, frozenset | set):
        kind = "frozenset" if isinstance(value, frozenset) else "set"
        return {"$": kind, "v": sorted((to_data(v) for v in value), key=repr)}
    if isinstance(value, dict | MappingProxyType):
        kind = "proxy" if isinstance(value, MappingProxyType) else "dict"
        return {"$": kind, "v": [[to_data(k), to_data(v)] for k, v in value.items()]}
    raise TypeError(f"not declared data: {type(value).__qualname__}")


_SCALARS: Final = frozenset({type(None), bool, int, float, str})  # as json.loads gives them


def from_data(data: Any) -> Any:
    """The value `to_data` wrote; raises `ValueError` for anything it would not write."""
    kind = type(data)
    if kind in _SCALARS:  # most values (`case show` reads 12,000): the exact types first
        return data
    if kind is list:
        return [from_data(v) for v in data]
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise ValueError("not declared data: an untagged mapping")
    tag, value = data["$"], data.get("v")
    if tag == "date":
        return date.fromisoformat(_text(value))
    if tag == "datetime":
        return datetime.fromisoformat(_text(value))
    if tag in {"tuple", "frozenset", "set", "dict", "proxy"}:
        if not isinstance(value, list):
            raise ValueError(f"not declared data: {tag} without items")
        if tag in {"dict", "proxy"}:
            pairs = {from_data(_pair(p)[0]): from_data(_pair(p)[1]) for p in value}
            return MappingProxyType(pairs) if tag == "proxy" else pairs
        items = [from_data(v) for v in value]
        return {"tuple": tuple, "frozenset": frozenset, "set": set}[tag](items)
    if tag == "enum":
        cls = _class(data.get("c"))
        if not (isinstance(cls, type) and issubclass(cls, Enum)):
            raise ValueError(f"not declared data: {data.get('c')!r} is not an enum")
        return cls(value)
    if tag == "dc":
        cls, names, expected = _dataclass(data.get("c"))
        if not isinstance(value, dict):
            raise ValueError("not declared data: a dataclass without fields")
        if sorted(value) != expected:
            raise ValueError(f"not declared data: the fields of {cls.__qualname__} differ")
        instance: Any = object.__new__(cls)
        for name in names:  # frozen dataclasses: set as their own __init__ does
            object.__setattr__(instance, name, from_data(value[name]))
        return instance
    raise ValueError(f"not declared data: unknown tag {tag!r}")


def _dataclass(name: object) -> tuple[type, tuple[str, ...], list[str]]:
    """The declaration dataclass `name` names, its field names and them sorted; refused as
    `_class` refuses (checked once per name and process)."""
    if not isinstance(name, str):
        raise ValueError(f"not declared data: class {name!r}")
    return _checked_dataclass(name)


@functools.cache
def _checked_dataclass(name: str) -> tuple[type, tuple[str, ...], list[str]]:
    cls = _class(name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"not declared data: {name!r} is not a dataclass")
    names = tuple(f.name for f in dataclasses.fields(cls))
    return cls, names, sorted(names)


def _name(cls: type) -> str:
    if not cls.__module__.startswith(_PREFIXES) or "<" in cls.__qualname__:
        raise TypeError(f"not declared data: {cls.__module__}.{cls.__qualname__}")
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: object) -> object:
    if not isinstance(name, str) or name.count(":") != 1:
        raise ValueError(f"not declared data: class {name!r}")
    module, qualname = name.split(":")
    if not module.startswith(_PREFIXES) or not all(p.isidentifier() for p in qualname.split(".")):
        raise ValueError(f"not declared data: class {name!r} is outside the declarations")
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        if part.startswith("_") and part != qualname.split(".")[-1]:
            raise ValueError(f"not declared data: class {name!r}")
        found = getattr(found, part, None)
    return found


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not declared data: expected a text")
    return value


def _pair(item: object) -> list[Any]:
    if not isinstance(item, list) or len(item) != 2:
        raise ValueError("not declared data: expected a [key, value] pair")
    return item
