"""Texts that hold for a period: a legal basis as it is cited on a given date.

A law changes and the decree follows the law in force on its own date: a decision taken before
31 October 2023 cites Undang-Undang Nomor 5 Tahun 2014, one taken on or after it Undang-Undang
Nomor 20 Tahun 2023. Declared files write such a text either as one text (always) or as a list
of `{text, from, until}` (`from` inclusive, `until` exclusive, either null = open), and
`text_on` picks the one for a date. Pure: the date is always a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sanctions.declared.reader import Node

__all__ = ["DatedText", "read_dated_texts", "text_on", "texts_on"]


@dataclass(frozen=True)
class DatedText:
    text: str
    valid_from: date | None = None  # inclusive; None = since always
    valid_until: date | None = None  # exclusive; None = still

    def applies_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day < self.valid_until


def read_dated_texts(node: Node, *, alternatives: bool = True) -> tuple[DatedText, ...]:
    """One text (valid always) or a non-empty list of texts or `{text, from, until}` items,
    each window not empty. `alternatives`: the items are one text's versions (one applies on
    any date, so their windows may not overlap); otherwise a list whose items all apply in
    their windows (a Mengingat)."""
    if isinstance(node.value, str):
        return (DatedText(node.text()),)
    items: list[DatedText] = []
    for item in node.nonempty_seq("texts or {text, from, until} mappings"):
        if isinstance(item.value, str):
            items.append(DatedText(item.text()))
            continue
        item.mapping(allowed=("text", "from", "until"), required=("text",))
        dated = DatedText(
            text=item.get("text").text(),
            valid_from=item.get("from").optional_date(),
            valid_until=item.get("until").optional_date(),
        )
        if dated.valid_from and dated.valid_until and dated.valid_until <= dated.valid_from:
            raise item.get("until").error(
                f"{dated.valid_until.isoformat()} is not after from "
                f"{dated.valid_from.isoformat()}: the text would never apply"
            )
        for other in items if alternatives else ():
            if _overlap(dated, other):
                raise item.error(
                    f"its period overlaps that of {other.text!r}: on any date one text applies"
                )
        items.append(dated)
    return tuple(items)


def text_on(items: Sequence[DatedText], day: date) -> str | None:
    """The text that applies on `day` (None if none does)."""
    return next((item.text for item in items if item.applies_on(day)), None)


def texts_on(items: Sequence[DatedText], day: date) -> tuple[str, ...]:
    """Every text of a list that applies on `day`, in order (a decree's Mengingat)."""
    return tuple(item.text for item in items if item.applies_on(day))


def _overlap(a: DatedText, b: DatedText) -> bool:
    a_from, b_from = a.valid_from or date.min, b.valid_from or date.min
    a_until, b_until = a.valid_until or date.max, b.valid_until or date.max
    return a_from < b_until and b_from < a_until
