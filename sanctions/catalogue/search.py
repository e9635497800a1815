"""Finding the catalogue codes for a report's own words: a pure function over the catalogue.

Every row's conduct and every alias form (`forms.yaml`) is an entry; an entry's terms come
from `sanctions.catalogue.stemming`. A query is scored against each entry by the weight of the
terms they share (rarer terms weigh more): how much of the query the entry explains, times
how much of the entry the query covers (half weight), so a row's own wording scores 1 and a
longer or shorter neighbour less. A code scores its best entry; ties keep catalogue order.

With a penetapan calon date and an act date, a code whose phase the act date does not fit
(an ethics row after penetapan, a discipline row before it) is marked and ranked after every
code that fits. `resolve` turns the ranking into one code, or refuses with the candidates when
the best match is weak or a different code is nearly as good. Nothing here reads a database
or the clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Final

from sanctions.catalogue.entries import Catalogue, Violation
from sanctions.catalogue.stemming import terms
from sanctions.errors import InputError

__all__ = [
    "AMBIGUITY_RATIO",
    "MIN_SCORE",
    "Hit",
    "Resolution",
    "resolve",
    "search",
]

# A best match scoring under this is too weak to take without asking.
MIN_SCORE: Final = 0.25
# A different code scoring at least this share of the best one makes the text ambiguous.
AMBIGUITY_RATIO: Final = 0.85
_MAX_TEXT: Final = 2000


@dataclass(frozen=True)
class Hit:
    code: str
    score: float  # 0..1
    via: str  # "conduct" or the alias that matched ("kasn-2019 item 3")
    matched: str  # the entry's text that matched best
    fits_phase: bool | None  # None: no dates given


@dataclass(frozen=True)
class Resolution:
    """The one code a text names, or the candidates when it names none clearly."""

    best: Hit | None
    candidates: tuple[Hit, ...]
    reason: str  # why there is no best ("" when there is)


@dataclass(frozen=True)
class _Entry:
    code: str
    via: str
    text: str
    terms: frozenset[str]


def search(
    catalogue: Catalogue,
    text: str,
    *,
    act_date: date | None = None,
    penetapan_calon: date | None = None,
    limit: int = 5,
) -> list[Hit]:
    """The codes for `text`, best first (at most `limit`, each code once).

    Raises InputError for an empty text, one without a single meaningful word, or one longer
    than 2000 characters."""
    query = _query_terms(text)
    entries, weights = _index(catalogue)
    best: dict[str, Hit] = {}
    order = {v.code: i for i, v in enumerate(catalogue.violations)}
    for entry in entries:
        score = _score(query, entry.terms, weights)
        if score <= 0:
            continue
        known = best.get(entry.code)
        if known is None or score > known.score:
            fits = _fits(catalogue.violation(entry.code), act_date, penetapan_calon)
            best[entry.code] = Hit(entry.code, round(score, 4), entry.via, entry.text, fits)
    ranked = sorted(best.values(), key=lambda h: (h.fits_phase is False, -h.score, order[h.code]))
    return ranked[:limit]


def resolve(
    catalogue: Catalogue,
    text: str,
    *,
    act_date: date | None = None,
    penetapan_calon: date | None = None,
) -> Resolution:
    """The best code for `text` when it is clear: it fits the act date's phase, scores at
    least MIN_SCORE, and no other code scores within AMBIGUITY_RATIO of it."""
    hits = search(catalogue, text, act_date=act_date, penetapan_calon=penetapan_calon)
    fitting = [h for h in hits if h.fits_phase is not False]
    if not fitting:
        return Resolution(None, tuple(hits), "no catalogue row matches the text")
    top = fitting[0]
    if top.score < MIN_SCORE:
        return Resolution(
            None, tuple(hits), f"the best match scores {top.score:.2f} (needs {MIN_SCORE:.2f})"
        )
    rivals = [h for h in fitting[1:] if h.score >= top.score * AMBIGUITY_RATIO]
    if rivals:
        names = ", ".join(f"{h.code} ({h.score:.2f})" for h in rivals)
        return Resolution(
            None, tuple(hits), f"{top.code} ({top.score:.2f}) is nearly matched by {names}"
        )
    return Resolution(top, tuple(hits), "")


def _query_terms(text: str) -> frozenset[str]:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the description is empty: give the conduct in the report's words")
    if len(text) > _MAX_TEXT:
        raise InputError(
            f"the description is {len(text)} characters long (at most {_MAX_TEXT}): give "
            "the conduct, not the whole report"
        )
    found = frozenset(terms(text))
    if not found:
        raise InputError(
            f"the description {text!r} has no word that describes a conduct (only "
            "connecting words, numbers or punctuation)"
        )
    return found


def _fits(v: Violation, act_date: date | None, penetapan: date | None) -> bool | None:
    if act_date is None or penetapan is None:
        return None
    return v.matches_phase(act_date, penetapan)


def _score(query: frozenset[str], entry: frozenset[str], weights: dict[str, float]) -> float:
    common = query & entry
    if not common:
        return 0.0
    # A word no entry holds says nothing about which code: it weighs as the commonest term.
    default = min(weights.values(), default=1.0)
    shared = sum(weights.get(t, default) for t in common)
    of_query = shared / sum(weights.get(t, default) for t in query)
    of_entry = shared / sum(weights.get(t, default) for t in entry)
    return of_query * (0.5 + 0.5 * of_entry)


def _index(catalogue: Catalogue) -> tuple[tuple[_Entry, ...], dict[str, float]]:
    return _index_of(catalogue)


@cache
def _index_of(catalogue: Catalogue) -> tuple[tuple[_Entry, ...], dict[str, float]]:
    entries: list[_Entry] = [
        _Entry(v.code, "conduct", v.conduct, frozenset(terms(v.conduct)))
        for v in catalogue.violations
    ]
    for alias in catalogue.aliases:
        for code in alias.codes:
            via = f"{alias.list} item {alias.item}"
            entries.append(_Entry(code, via, alias.form, frozenset(terms(alias.form))))
    counts: dict[str, int] = {}
    for entry in entries:
        for term in entry.terms:
            counts[term] = counts.get(term, 0) + 1
    total = len(entries)
    weights = {t: math.log(1 + total / n) for t, n in counts.items()}
    return tuple(entries), weights


def describe_hits(hits: Sequence[Hit]) -> str:
    """`CODE (score) conduct`, one per line, for messages."""
    return "\n".join(f"  {h.code} ({h.score:.2f}): {h.matched}" for h in hits)
