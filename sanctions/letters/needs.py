"""What a letter still needs, and whether what the officer gave for it makes sense, purely.

A step checks every letter it issues before anything is written, and refuses with one message
listing every problem of every kind at once:

- a name the kind does not read is refused with the nearest known name (a typo would be lost);
- a value is checked against the type `letter_templates/documents.yaml` declares for its key
  under `types` (a text where a list is expected is refused: it would print one numbered item
  per character);
- dates make sense against the case: none before the act, an earlier letter or event
  (`past_date`) not after the letter's date, a day to answer by (`due_date`) not before it;
- a key the template reads on every rendering (`requires`) that neither the officer nor the
  case supplies is listed with its type (`missing`).
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sanctions.letters.documents import DocumentSpec

# Names a letter's data may give besides its declared `data.*` keys: they override what the
# case supplies (sanctions.letters.context.build_context) or confirm an article.
OVERRIDES: Final = (
    "place",
    "sifat",
    "lampiran",
    "hal",
    "signer",
    "addressee",
    "tembusan",
    "articles",
    "target_agency",
)
_NIP: Final = re.compile(r"\d{18}")
_DATES: Final = ("date", "past_date", "due_date")


@dataclass(frozen=True)
class Need:
    """A required key neither the officer nor the case supplies: `key` as the officer gives it
    (without `data.`), `type` as declared ("from the case" for a key outside `data`)."""

    key: str
    type: str

    def __str__(self) -> str:
        return f"{self.key} ({self.type})"


def describe(key: str, kind: str | None) -> str:
    """A declared type in words: `attachments[]` text → "list of text"."""
    if kind is None:
        return "from the case"
    if key.endswith("[]"):
        return f"list of {kind}"
    if "[]." in key:
        return f"{kind}, in every item of {key.split('[].')[0]}[]"
    return kind


def known_names(spec: DocumentSpec) -> tuple[str, ...]:
    """The top-level names a letter of kind `spec` reads from its data."""
    names = [re.split(r"[.\[]", key, maxsplit=1)[0] for key in spec.types]
    return tuple(dict.fromkeys((*names, *OVERRIDES)))


def check_given(
    spec: DocumentSpec, given: Mapping[str, Any], *, on: date, act_date: date | None
) -> tuple[dict[str, Any], list[str]]:
    """The officer's values for a letter of kind `spec` dated `on`, with ISO dates read as
    dates, and every problem found in them."""
    values = copy.deepcopy(dict(given))
    problems: list[str] = []
    known = known_names(spec)
    for name in values:
        if name not in known:
            near = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"it reads: {', '.join(known)}"
            problems.append(f"{name}: not a value {spec.kind} reads ({hint})")
    for key, kind in spec.types.items():
        _check(values, key.split("."), key, kind, problems, on=on, act_date=act_date)
    return values, problems


def _check(
    holder: dict[str, Any],
    parts: Sequence[str],
    key: str,
    kind: str,
    problems: list[str],
    *,
    on: date,
    act_date: date | None,
    where: str = "",
) -> None:
    part, rest = parts[0], parts[1:]
    name = part.removesuffix("[]")
    if name not in holder:
        return  # missing, if required: reported by `missing`
    path = f"{where}{name}"
    value = holder[name]
    if part.endswith("[]"):
        if not isinstance(value, list):
            what = "texts" if not rest else "items with " + rest[0]
            problems.append(
                f"{path}: expected a list of {what}, got {_kind(value)} (write it as a YAML "
                "list, one item per line starting with '- ')"
            )
            return
        for i, item in enumerate(value):
            at = f"{path}[{i + 1}]"
            if rest:
                if not isinstance(item, dict):
                    problems.append(f"{at}: expected a mapping with {rest[0]}, got {_kind(item)}")
                    continue
                _check(item, rest, key, kind, problems, on=on, act_date=act_date, where=f"{at}.")
            else:
                value[i] = _value(at, item, kind, problems, on=on, act_date=act_date)
        return
    if rest:
        if value is None and kind != "mapping":
            problems.append(f"{path}: expected a mapping with {rest[0]}, got nothing (null)")
        elif isinstance(value, dict):
            _check(value, rest, key, kind, problems, on=on, act_date=act_date, where=f"{path}.")
        elif value is not None:
            problems.append(f"{path}: expected a mapping with {rest[0]}, got {_kind(value)}")
        return
    holder[name] = _value(path, value, kind, problems, on=on, act_date=act_date)


def _value(
    path: str, value: Any, kind: str, problems: list[str], *, on: date, act_date: date | None
) -> Any:
    """`value` as type `kind` (an ISO date text becomes a date), or a problem reported."""
    if kind in _DATES:
        day = _date(value)
        if day is None:
            problems.append(f"{path}: expected a date (YYYY-MM-DD), got {_kind(value)}")
            return value
        if act_date is not None and day < act_date:
            problems.append(f"{path}: {day} is before the act ({act_date})")
        elif kind == "past_date" and day > on:
            problems.append(
                f"{path}: {day} is after the letter's date ({on}); it is an earlier day"
            )
        elif kind == "due_date" and day < on:
            problems.append(
                f"{path}: {day} is before the letter's date ({on}); it is a day to act by"
            )
        return day
    ok = {
        "text": isinstance(value, str) and bool(value.strip()),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "nip": isinstance(value, str) and bool(_NIP.fullmatch(value.replace(" ", ""))),
        "mapping": value is None or isinstance(value, dict),
    }[kind]
    if not ok:
        wanted = {
            "text": "a non-empty text (quote a number or a time: '09.00 WIB')",
            "int": "a whole number",
            "bool": "true or false",
            "nip": "a NIP of 18 digits (quoted)",
            "mapping": "a mapping of fields, or null",
        }[kind]
        problems.append(f"{path}: expected {wanted}, got {_kind(value)}")
    return value


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"a text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return f"a date {value}"
    return f"{type(value).__name__} {value!r}"


def missing(spec: DocumentSpec, context: Mapping[str, Any]) -> list[Need]:
    """The required keys of `spec` the built `context` lacks (an empty list counts as
    missing: a letter that lists its attachments lists at least one)."""
    needs: list[Need] = []
    seen: set[str] = set()
    for key in spec.requires:
        short = key.removeprefix("data.")
        absent = _absent(key.split("."), [context])
        if absent is None:
            continue
        listed = ".".join(key.split(".")[: absent + 1])
        if listed.endswith("[]") and listed != key:  # the whole list is missing
            short = listed.removeprefix("data.")
            fields = [
                k.removeprefix(f"{listed}.") for k in spec.requires if k.startswith(listed + ".")
            ]
            need = Need(short, "list of {" + ", ".join(fields) + "}")
        else:
            need = Need(
                short,
                describe(short, spec.types.get(short))
                if key.startswith("data.")
                else "from the case",
            )
        if need.key not in seen:
            seen.add(need.key)
            needs.append(need)
    return needs


def _absent(parts: Sequence[str], values: Sequence[Any]) -> int | None:
    """The index of the first part of a dotted key some value lacks, or None."""
    current = list(values)
    for i, part in enumerate(parts):
        name = part.removesuffix("[]")
        following = []
        for value in current:
            if not isinstance(value, Mapping) or name not in value:
                return i
            item = value[name]
            if part.endswith("[]"):
                if not isinstance(item, list) or not item:
                    return i
                following.extend(item)
            else:
                following.append(item)
        current = following
    return None


# -- the skeleton an officer fills in (`sanctions letter template`) ----------------------
_MEANING: Final = {
    "text": "text",
    "date": "date YYYY-MM-DD, not before the act",
    "past_date": "date YYYY-MM-DD of an earlier letter or event, not after the letter's date",
    "due_date": "date YYYY-MM-DD to act by, not before the letter's date",
    "int": "whole number",
    "bool": "true or false",
    "nip": "NIP, 18 digits, quoted",
    "mapping": "fields, or null",
}


def skeleton(spec: DocumentSpec, known: Mapping[str, Any] | None = None) -> list[str]:
    """The YAML lines of one kind's values (indented under the kind's name): every required
    `data.*` key with a comment giving its type; what the case already knows (`known`: the
    built context's `data`) is filled in as a comment (given, it would replace the case's own
    value)."""
    known = known or {}
    lines = [f"{spec.kind}:  # {spec.title}"]
    required = [k.removeprefix("data.") for k in spec.requires if k.startswith("data.")]
    done: set[str] = set()
    for key in required:
        top = re.split(r"[.\[]", key, maxsplit=1)[0]
        if top in done:
            continue
        done.add(top)
        group = [k for k in required if re.split(r"[.\[]", k, maxsplit=1)[0] == top]
        lines.extend(_entry(top, group, spec.types, known))
    optional = [k.removeprefix("data.") for k in spec.optional if k.startswith("data.")]
    if optional:
        shown = ", ".join(f"{k} ({spec.types.get(k, '?')})" for k in optional)
        lines.append(f"  # only in some cases: {shown}")
    if len(lines) == 1:
        lines[0] = f"{spec.kind}: {{}}  # {spec.title}: the case supplies every value"
    return lines


def _entry(
    top: str, group: Sequence[str], types: Mapping[str, str], known: Mapping[str, Any]
) -> list[str]:
    if top in known:
        known_value = _scalar(known[top])
        return [f"  # {top}: {known_value}  ({_what(group, types)}: known from the case)"]
    if group == [top]:
        return [f"  {top}:  # {_MEANING[types[top]]}"]
    if group == [f"{top}[]"]:
        return [f"  {top}:  # list of {_MEANING[types[group[0]]]}, one '- ' line each", "    -"]
    if all(k.startswith(f"{top}[].") for k in group):
        lines = [f"  {top}:  # list, one item per row"]
        for i, key in enumerate(group):
            lead = "    - " if i == 0 else "      "
            lines.append(f"{lead}{key.split('[].', 1)[1]}:  # {_MEANING[types[key]]}")
        return lines
    lines = [f"  {top}:"]
    for key in group:
        if key == top:
            lines[0] = f"  {top}:  # {_MEANING[types[top]]}"
            continue
        lines.append(f"    {key.split('.', 1)[1]}:  # {_MEANING[types[key]]}")
    return lines


def _what(group: Sequence[str], types: Mapping[str, str]) -> str:
    return ", ".join(dict.fromkeys(types.get(k, "?") for k in group))


def _scalar(value: Any) -> str:
    """`value` as one line of flow-style YAML."""
    import yaml

    text: str = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**6)
    return text.strip()[1:-1]
