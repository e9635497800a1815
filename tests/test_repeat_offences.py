"""Repeat offences on both databases: a second case of the same employee (same NIP) after an
earlier sanction is flagged in `case show`, and a recommendation or decision lighter than the
last sanction is refused, changing nothing, unless a reason is recorded in the event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import views
from sanctions.db import session_scope
from sanctions.db.models import Case, CaseEvent, Letter
from sanctions.errors import GuardFailed
from tests.factories import open_case, recommended, s, seed, snapshot, step, walk
from tests.officer import TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots

DECIDED_ON = "2024-11-20"


@pytest.fixture
def repeated(app: App, snapshots: Snapshots) -> tuple[App, str, str]:
    """A berat sanction decided on 20 Nov 2024 and a new report on the same teacher for an
    act a week later, at the supervisory body's recommendation."""

    def build(app: App) -> tuple[str, str]:
        seed(app)
        first = open_case(app, violations=("DIS-02",), act_date=date(2024, 10, 3))
        walk(
            app,
            first,
            [
                *recommended("berat"),
                s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
                s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
                s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
                s("periksa", "tim", "2024-11-11"),
                s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
                s("putuskan", "bupati", DECIDED_ON, sanction="B-1"),
            ],
        )
        second = open_case(
            app, violations=("PP94-N1",), act_date=date(2024, 11, 25),
            reported_on=date(2024, 11, 26),
        )  # fmt: skip
        walk(
            app,
            second,
            [
                s("kaji", "bawaslu", "2024-11-26"),
                s("teruskan", "bawaslu", "2024-11-27"),
                s("minta_klarifikasi", "pengawas", "2024-11-28"),
            ],
        )
        return first, second

    first, second = snapshots.restore("repeat.two_cases", app, build)
    return app, first, second


def test_a_second_case_after_a_sanction_is_flagged_in_case_show(
    repeated: tuple[App, str, str],
) -> None:
    app, first, second = repeated
    with session_scope(app.db) as session:
        view = views.show_case(app, session, second, actor="pengawas", on=date(2024, 12, 2))
        earlier = views.show_case(app, session, first, actor="pengawas", on=date(2024, 12, 2))
    assert [(r.prior.reference, r.prior.sanction, r.level) for r in view.repeats] == [
        (first, "B-1", "berat")
    ]
    assert view.repeats[0].prior.decided_on == date.fromisoformat(DECIDED_ON)
    assert view.same_kind == "netralitas"
    assert earlier.repeats == ()  # the first case repeats nothing


def test_a_recommendation_lighter_than_the_last_sanction_is_refused_and_changes_nothing(
    repeated: tuple[App, str, str],
) -> None:
    app, first, second = repeated
    before = snapshot(app)
    with pytest.raises(GuardFailed) as refused:
        step(app, second, "rekomendasikan", "pengawas", date(2024, 12, 2), level="sedang")
    assert f"repeat offence: {first} imposed B-1 (berat)" in str(refused.value)
    assert "--set repeat_reason=" in str(refused.value)
    assert snapshot(app) == before


def test_a_lighter_recommendation_with_a_reason_is_recorded_in_the_event(
    repeated: tuple[App, str, str],
) -> None:
    app, _, second = repeated
    reason = "perbuatan kedua bersifat ringan dan pegawai mengakui kesalahan"
    written = step(
        app, second, "rekomendasikan", "pengawas", date(2024, 12, 2),
        level="sedang", repeat_reason=reason,
    )  # fmt: skip
    assert written.case.state == "direkomendasikan"
    [letter] = written.letters  # the recommendation names the earlier sanction
    [earlier] = letter.context["data"]["earlier_sanctions"]
    assert earlier["level"] == "berat" and earlier["decision_number"]
    assert earlier["decision_date"] == {"$date": DECIDED_ON}
    with session_scope(app.db) as session:
        event = session.exec(
            select(CaseEvent)
            .where(CaseEvent.case_id == written.case.id)
            .order_by(
                CaseEvent.seq.desc()  # type: ignore[attr-defined]
            )
        ).first()
    assert event is not None and event.inputs["repeat_reason"] == reason


def test_a_recommendation_as_heavy_as_the_last_sanction_needs_no_reason(
    repeated: tuple[App, str, str],
) -> None:
    app, first, second = repeated
    with session_scope(app.db) as session:
        letters = session.exec(
            select(Letter).join(Case).where(Case.reference == first, Letter.kind == "rekomendasi")
        ).all()
    assert "earlier_sanctions" not in letters[0].context["data"]  # a first offence
    written = step(
        app, second, "rekomendasikan", "pengawas", date(2024, 12, 2),
        level="berat", reason="pengulangan pelanggaran netralitas",
    )  # fmt: skip
    assert written.case.state == "direkomendasikan"
