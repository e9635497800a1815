"""While a sedang or berat sanction is served the employee gets no periodic raise (KGB) and no
promotion (PerBKN 6/2022 Ps 55(1) [S]): `case show` says so, purely from the case's facts."""

from __future__ import annotations

import pytest

from sanctions.cases.guards import serving_effects
from tests.cases.test_guards import CATALOGUE, shipped_rules

pytestmark = pytest.mark.pure


def test_a_berat_sanction_in_force_withholds_kgb_and_promotion_until_its_end() -> None:
    facts = {"sanction": "B-1", "masa_hukuman_sampai": "2025-12-23"}
    said = serving_effects(CATALOGUE, facts, state="berlaku", rules=shipped_rules())
    assert said is not None
    assert "no periodic salary raise (KGB) and no promotion" in said
    assert "until 2025-12-23" in said and "[S]" in said


def test_a_ringan_sanction_or_one_not_yet_in_force_says_nothing() -> None:
    rules = shipped_rules()
    assert serving_effects(CATALOGUE, {"sanction": "R-2"}, state="berlaku", rules=rules) is None
    assert serving_effects(CATALOGUE, {"sanction": "B-1"}, state="diputus", rules=rules) is None
    assert serving_effects(CATALOGUE, {}, state="berlaku", rules=rules) is None
