"""Which penetapan calon date judges an act, without a database: the office's own date, the
contest's default for an office without one, and without an office the latest date, saying so;
offices and dates as typed are checked against the declared offices."""

from __future__ import annotations

from datetime import date

import pytest

from sanctions.cases.penetapan import (
    Penetapan,
    check_office,
    declared_offices,
    parse_dates,
    penetapan_for,
)
from sanctions.errors import InputError
from tests.cases.test_guards import shipped_rules

pytestmark = pytest.mark.pure

DEFAULT = date(2023, 11, 13)  # the presidential pairs, say
BY_OFFICE = {"dpr": "2023-11-03", "dpd": "2023-11-03", "presiden": "2023-11-13"}


def test_an_act_concerning_an_office_is_judged_by_that_offices_date() -> None:
    assert penetapan_for(DEFAULT, BY_OFFICE, "dpr") == Penetapan(
        date(2023, 11, 3), "penetapan calon dpr"
    )


def test_an_office_without_a_date_of_its_own_takes_the_contests_date() -> None:
    found = penetapan_for(DEFAULT, BY_OFFICE, "dprd_provinsi")
    assert found.on == DEFAULT and "no date of its own for dprd_provinsi" in found.which


def test_without_an_office_the_latest_date_is_used_and_named() -> None:
    found = penetapan_for(date(2023, 11, 1), BY_OFFICE, None)
    assert found.on == date(2023, 11, 13)
    assert "latest of the contest's penetapan dates (presiden)" in found.which
    assert "ethics side" in found.which


def test_a_contest_with_one_date_works_as_before() -> None:
    assert penetapan_for(DEFAULT, {}, None) == Penetapan(DEFAULT, "")
    assert penetapan_for(DEFAULT, None, None) == Penetapan(DEFAULT, "")
    assert penetapan_for(None, {}, None) == Penetapan(None, "")
    assert penetapan_for(DEFAULT, {"presiden": "2023-11-13"}, None) == Penetapan(DEFAULT, "")


def test_offices_and_dates_as_typed_are_checked_against_the_declared_offices() -> None:
    offices = declared_offices(shipped_rules())
    assert offices["pemilu"] == ("presiden", "dpr", "dpd", "dprd_provinsi", "dprd_kabupaten_kota")
    assert parse_dates(["dpr=2023-11-03", " presiden = 2023-11-13"], "pemilu", offices) == {
        "dpr": "2023-11-03",
        "presiden": "2023-11-13",
    }
    with pytest.raises(
        InputError, match=r"unknown office 'bupati' for a pemilu contest \(allowed: presiden"
    ):
        parse_dates(["bupati=2024-09-22"], "pemilu", offices)
    with pytest.raises(InputError, match="takes OFFICE=YYYY-MM-DD"):
        parse_dates(["dpr"], "pemilu", offices)
    with pytest.raises(InputError, match="dpr: not a date"):
        parse_dates(["dpr=3 November"], "pemilu", offices)
    assert check_office("bupati", "pilkada", offices) == "bupati"
