"""The confidence tags every declared fact carries (docs/sources.md): how sure we are of it.

The one definition, read by every declared file's loader (through `Node.confidence`) and
shown next to the values they tag (`workflow show`, `case show`, `catalogue`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args

Confidence = Literal["C", "S", "U"]

CONFIDENCES: Final[tuple[Confidence, ...]] = get_args(Confidence)

MEANINGS: Final[Mapping[Confidence, str]] = MappingProxyType(
    {
        "C": "confirmed",  # by the primary legal text: encoded as a rule
        "S": "secondary",  # from a secondary source (guidance, commentary, seed data)
        "U": "unconfirmed",  # no source settles it: a configurable default
    }
)

LEGEND: Final = ", ".join(f"{tag} {MEANINGS[tag]}" for tag in CONFIDENCES)
"""`C confirmed, S secondary, U unconfirmed`, for screens that show the tags."""
