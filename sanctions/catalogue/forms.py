"""The lists of forbidden conduct in circulation, and each listed form's code.

Officers, regents and Bawaslu offices quote several lists: the SKB 2022 matrix, the list of
prohibited acts read out at neutrality briefings since 2019, PP 94/2021 Pasal 5 huruf n and
UU 20/2023 on candidacy. Each list is a `SourceList`; a form a list words differently from the
catalogue row it is (one conduct, one code) is an `Alias` naming that row, with the list, the
item and the source of the mapping. An alias may name the rows of one conduct by phase (the
ethics row before penetapan calon, the discipline row after it): the act date chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctions.declared.confidence import Confidence

__all__ = ["Alias", "SourceList"]


@dataclass(frozen=True)
class SourceList:
    key: str
    title: str  # what the team calls it
    gloss: str
    # How a letter cites the list (Indonesian, in full); None: not an instrument, never cited.
    cited_as: str | None
    confidence: Confidence
    source: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Alias:
    list: str  # a SourceList key
    item: str  # the item's number or letter in that list
    form: str  # the form in the list's own words (Indonesian)
    codes: tuple[str, ...]  # the catalogue rows it is; several = the same conduct by phase
    confidence: Confidence
    source: tuple[str, ...]
    note: str | None = None
