"""Repeat offences without a database: an earlier sanction of the same employee counts once it
was decided and not annulled, "the same kind" is the declared notion, and a recommendation,
LHP or decision lighter than the last sanction of the same kind is refused unless the officer
records why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sanctions.cases.guards import GUARDS
from sanctions.cases.repeat import PriorSanction, imposed_sanction, repeat_of
from sanctions.catalogue.entries import Violation
from tests.cases.test_guards import CATALOGUE, context, shipped_rules

pytestmark = pytest.mark.pure

GUARD = "level_not_lighter_than_last_sanction"
DECISION_GUARD = "sanction_not_lighter_than_last_sanction"
EARLIER = PriorSanction("NET-2023-0001", "B-1", date(2023, 12, 4), ("DIS-02",))


def test_a_case_imposed_its_sanction_once_decided_and_not_annulled() -> None:
    decided = {"sanction": "B-1", "diputus_on": "2023-12-04"}
    assert imposed_sanction("A", "berlaku", decided, ["DIS-02"]) == PriorSanction(
        "A", "B-1", date(2023, 12, 4), ("DIS-02",)
    )
    moral = {"sanction": "MOR-T", "sanksi_moral_on": "2023-12-04"}
    assert imposed_sanction("B", "ditutup", moral, ["ETK-01"]) is not None


def test_an_lhp_recommendation_or_an_annulled_decision_is_no_earlier_sanction() -> None:
    lhp_only = {"sanction": "B-1", "lhp_on": "2023-12-01"}
    assert imposed_sanction("A", "lhp", lhp_only, ["DIS-02"]) is None
    annulled = {"sanction": "B-1", "diputus_on": "2023-12-04"}
    assert imposed_sanction("A", "dianulir", annulled, ["DIS-02"]) is None
    assert imposed_sanction("A", "ditutup", {"reason": "x"}, ["DIS-02"]) is None


def test_only_a_sanction_decided_before_the_act_makes_a_repeat() -> None:
    dis02 = CATALOGUE.violation("DIS-02")
    found = repeat_of(
        [EARLIER], act_date=date(2023, 12, 4), allegations=(dis02,), notion="code",
        catalogue=CATALOGUE,
    )  # fmt: skip
    assert found == ()  # decided the same day as the act: not before it
    found = repeat_of(
        [EARLIER], act_date=date(2023, 12, 5), allegations=(dis02,), notion="code",
        catalogue=CATALOGUE,
    )  # fmt: skip
    assert found == (EARLIER,)


def test_the_same_kind_is_the_declared_notion() -> None:
    other = (CATALOGUE.violation("PP94-N1"),)
    ethics = (CATALOGUE.violation("ETK-01"),)
    act = date(2024, 10, 3)

    def repeats(notion: str, allegations: tuple[Violation, ...]) -> bool:
        found = repeat_of(
            [EARLIER], act_date=act, allegations=allegations, notion=notion, catalogue=CATALOGUE
        )
        return bool(found)

    assert not repeats("code", other)
    assert repeats("track", other) and not repeats("track", ethics)
    assert repeats("netralitas", other) and repeats("netralitas", ethics)
    assert shipped_rules()["repeat_offence_same_kind"] == "netralitas"


def test_a_recommendation_lighter_than_the_last_sanction_needs_a_reason() -> None:
    ctx = context(violations=("PP94-N1",), inputs={"level": "sedang"})
    ctx = replace(ctx, prior_sanctions=(EARLIER,))
    message = GUARDS[GUARD](ctx)
    assert message is not None
    assert "NET-2023-0001 imposed B-1 (berat)" in message
    assert "--set repeat_reason=" in message
    heavier = replace(ctx, inputs={"level": "berat"})
    assert GUARDS[GUARD](heavier) is None
    reasoned = replace(ctx, inputs={"level": "sedang", "repeat_reason": "keadaan meringankan"})
    assert GUARDS[GUARD](reasoned) is None


def test_a_decision_lighter_within_the_same_level_is_lighter_too() -> None:
    earlier = PriorSanction("NET-2023-0001", "B-2", date(2023, 12, 4), ("DIS-02",))
    ctx = context(inputs={"sanction": "B-1"})
    ctx = replace(ctx, prior_sanctions=(earlier,))
    assert "B-1 (berat) is lighter" in (GUARDS[DECISION_GUARD](ctx) or "")
    same = replace(ctx, inputs={"sanction": "B-2"})
    assert GUARDS[DECISION_GUARD](same) is None  # not lighter: the same sanction again


def test_a_first_offence_is_never_refused_by_the_repeat_rule() -> None:
    assert GUARDS[GUARD](context(inputs={"level": "ringan"})) is None
    assert GUARDS[DECISION_GUARD](context(inputs={"sanction": "R-1"})) is None
