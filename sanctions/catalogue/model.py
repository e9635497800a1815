"""The catalogue's public names, for the modules that import them from here.

The values and the questions they answer live in `sanctions.catalogue.entries`; reading them
from `workflows/catalogue/` lives in `sanctions.catalogue.loader`. New code imports from
those two modules.
"""

from __future__ import annotations

from sanctions.catalogue.entries import (
    AppealRoute,
    Catalogue,
    Counterpart,
    DecidedBy,
    EmployeeType,
    Level,
    Phase,
    Sanction,
    Track,
    Violation,
)
from sanctions.catalogue.loader import load_catalogue
from sanctions.declared.confidence import Confidence

__all__ = [
    "AppealRoute",
    "Catalogue",
    "Confidence",
    "Counterpart",
    "DecidedBy",
    "EmployeeType",
    "Level",
    "Phase",
    "Sanction",
    "Track",
    "Violation",
    "load_catalogue",
]
