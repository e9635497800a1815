"""Reading the values an officer gives for letters (`--letter-data FILE`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sanctions.declared.reader import parse_yaml
from sanctions.errors import InputError


def load_letter_data(path: Path) -> dict[str, Any]:
    """A YAML or JSON mapping: document kind → that letter's values."""
    try:
        value = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: not valid YAML or JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InputError(f"{path}: expected a mapping of document kind to values")
    return value
