"""Text written into CSV and spreadsheet outputs, made safe to open in a spreadsheet.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (CSV injection: `=HYPERLINK(...)`,
`=cmd|' /C calc'!A0`). Text from reports, imported files and their rejects comes from people
outside the office, so every such cell is written with a leading apostrophe, which every
spreadsheet shows as text; numbers and dates are written as they are. Pure.
"""

from __future__ import annotations

from typing import Any, Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, or for a text a spreadsheet would run as a formula, that text behind `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
