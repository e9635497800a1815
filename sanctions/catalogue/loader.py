"""Loading the catalogue from its two declared files, in one directory (`workflows/catalogue/`).

- `sanctions.yaml`: the severity `levels` (ordered, lightest first), the concrete `sanctions`
  (MOR-T … PPPK-PHK) and the `configurable_dates` their availability may depend on;
- `violations.yaml`: the conduct catalogue (SKB 2022 ETK-*/DIS-* rows, PP 94/2021 Ps 5 huruf n
  PP94-N* rows, the forms only other lists name), each naming a level or a fixed sanction;
- `forms.yaml` (optional): the lists in circulation and the aliases mapping each listed form
  to its row (`sanctions.catalogue.forms`).

Both are read through `sanctions.declared.reader` (by `sanctions_file` and `violations_file`,
with what they share in `fields`), and every problem in both files is reported at once, each
as `file: path.inside: message`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.forms_file import (
    load_aliases,
    load_lists,
    load_otherwise_cited,
    read_forms,
)
from sanctions.catalogue.sanctions_file import load_sanctions
from sanctions.catalogue.violations_file import load_violations
from sanctions.declared.problems import Problems
from sanctions.declared.reader import display_path

__all__ = ["FORMS_FILE", "SANCTIONS_FILE", "VIOLATIONS_FILE", "load_catalogue"]

VIOLATIONS_FILE: Final = "violations.yaml"
SANCTIONS_FILE: Final = "sanctions.yaml"
FORMS_FILE: Final = "forms.yaml"


def load_catalogue(directory: Path, *, tukin_regulation_in_force: date | None = None) -> Catalogue:
    """Read and check `sanctions.yaml` and `violations.yaml` in `directory`.

    `tukin_regulation_in_force`: the date the regulation on salary and allowances applies, from
    which the tukin-cut sedang sanctions (S-1..S-3) replace their transitional substitutes
    (S-1T..S-3T); None means not yet.

    Raises one DefinitionError whose `problems` list every problem found in both files.
    """
    problems = Problems()
    dates: dict[str, date | None] = {"tukin_regulation_in_force": tukin_regulation_in_force}
    levels, sanctions, sanction_codes = load_sanctions(directory / SANCTIONS_FILE, dates, problems)
    forms = read_forms(directory / FORMS_FILE, problems)
    lists = load_lists(forms, problems)
    otherwise_cited = load_otherwise_cited(forms, lists, problems)
    keys = [lst.key for lst in lists] if lists is not None else None
    violations = load_violations(
        directory / VIOLATIONS_FILE, levels, sanction_codes, problems, list_keys=keys
    )
    aliases = load_aliases(forms, lists, violations, problems)
    problems.raise_if_any(f"the catalogue in {display_path(directory)}")
    assert levels is not None and sanctions is not None and violations is not None
    assert lists is not None and aliases is not None
    return Catalogue(
        lists=lists,
        aliases=aliases,
        otherwise_cited=otherwise_cited,
        levels=levels,
        violations=violations,
        sanctions=sanctions,
        tukin_regulation_in_force=tukin_regulation_in_force,
    )
