"""Reading the values an officer gives for letters (`--letter-data FILE`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sanctions.declared.reader import LETTER_DATA_LIMITS, ReadError, load_yaml_file
from sanctions.errors import InputError


def load_letter_data(path: Path) -> dict[str, Any]:
    """A YAML or JSON mapping: document kind → that letter's values.

    Read by the declared-data reader within `LETTER_DATA_LIMITS` (256 KiB, bounded aliases).
    """
    try:
        value = load_yaml_file(path, limits=LETTER_DATA_LIMITS)
    except ReadError as exc:
        raise InputError(f"{path}: {exc.message}") from exc
    if not isinstance(value, dict):
        raise InputError(f"{path}: expected a mapping of document kind to values")
    return value
