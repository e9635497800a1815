"""The follow-up facts a case keeps (`sanctions.cases.follow_up`, migration 0029) are those
its events and deadlines give after every kind of change: steps, corrections voiding the
recommendation or the PPK's act, a suspension, a calendar revision and a move to another
workflow version; and `report followup` read from them gives the figures the in-memory
reference derives from the events, on every date around those changes. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import follow_up
from sanctions.cases.correction import correct
from sanctions.db import session_scope
from sanctions.db.models import Case
from sanctions.deadlines.adjustments import adjust, apply_revision
from sanctions.reports.figures import ALL_TIME, FollowUpLaw, Step
from sanctions.trust.log import LogFinding
from tests.factories import NOW, open_case, recommended, seed, walk, walk_together
from tests.test_ledger import _entry, _revised
from tests.test_migration import kasn_cases, run  # noqa: F401 (the fixture)
from tests.test_reports import decided
from tests.test_reports_sql import days, in_memory, in_sql

DAY = date(2024, 12, 20)


def findings(app: App) -> list[LogFinding]:
    with session_scope(app.db) as session:
        return follow_up.check(session, follow_up.laws_of(app.workflows.versions))


def kept(app: App) -> dict[str, follow_up.Facts]:
    with session_scope(app.db) as session:
        return {c.reference: follow_up.kept(c) for c in session.exec(select(Case)).all()}


def reports_agree(app: App, start: date, end: date, every: int = 4) -> int:
    """The SQL reports equal the in-memory ones on every `every`th day from `start` to `end`;
    the number of dates with a recommended case."""
    compared = 0
    for on in days(start, end, every):
        expected = in_memory(app, "admin", on, ALL_TIME, None)
        assert in_sql(app, "admin", on, ALL_TIME, None) == expected, on
        compared += bool(expected[0])
    return compared


def fix(app: App, reference: str, reason: str) -> None:
    with session_scope(app.db) as session:
        correct(app, session, reference, reason=reason, actor="admin", on=DAY, now=NOW)


def test_a_case_keeps_its_follow_up_facts_through_steps_corrections_and_adjustments(
    app: App, tmp_path: Path
) -> None:
    seed(app)
    acted, voided_act, voided_entry, suspended, waiting = (open_case(app) for _ in range(5))
    delivered = decided("bkpsdm", "bupati", "tim", "2024-10-28")  # serahkan: 2024-11-15
    walk_together(
        app,
        [
            *((ref, [*recommended("berat"), *delivered]) for ref in (acted, voided_act)),
            *((ref, recommended("berat")) for ref in (voided_entry, suspended, waiting)),
        ],
    )
    facts = kept(app)
    assert facts[acted].recommended_on == date(2024, 10, 21)
    assert facts[acted].follow_up_left_on == date(2024, 11, 15)
    assert facts[acted].follow_up_acted is True
    assert facts[waiting].follow_up_due is not None
    assert facts[waiting].follow_up_left_on is None and facts[waiting].follow_up_acted is None
    suspension = _entry(kind="suspension", start=date(2024, 11, 4), end=date(2024, 11, 8),
                        reason="PPK dalam cuti sakit", basis="Surat keterangan dokter")  # fmt: skip
    with session_scope(app.db) as session:
        adjust(app, session, suspended, "tindak_lanjut_ppk", suspension, actor="bkpsdm",
               on=date(2024, 11, 8), now=NOW)  # fmt: skip
    fix(app, voided_act, "penyerahan dicatat pada perkara yang salah")
    fix(app, voided_entry, "rekomendasi pada perkara yang salah")
    revised = _revised(app, tmp_path)
    report = apply_revision(revised, "cuti_bersama_2024_tambahan", actor="admin", on=DAY, now=NOW)
    assert report.rows and not report.failed
    after = kept(app)
    assert after[voided_act].recommended_on == date(2024, 10, 21)
    assert after[voided_act].follow_up_left_on is None
    assert after[voided_entry].recommended_on is None
    assert after[voided_entry].follow_up_due == facts[voided_entry].follow_up_due
    assert after[suspended].follow_up_due != facts[suspended].follow_up_due
    assert findings(app) == []
    assert reports_agree(app, date(2024, 10, 1), date(2025, 2, 1)) > 10


def test_a_case_moved_to_another_workflow_version_keeps_the_facts_of_its_new_law(
    app: App,
    kasn_cases: dict[str, str],  # noqa: F811 (the fixture)
) -> None:
    assert findings(app) == []
    run(app, "kasn-ke-bkn-2024")
    run(app, "kasn-ke-menpanrb-2024")
    assert findings(app) == []
    # every eighth day of ten months (every report, ~75 ms a date); every
    # fourth day is the first test's, over the steps, corrections and adjustments
    assert reports_agree(app, date(2023, 12, 1), date(2024, 10, 1), every=8) > 10


def test_the_audit_names_a_case_whose_follow_up_facts_a_step_did_not_keep(app: App) -> None:
    seed(app)
    ref = open_case(app)
    walk(app, ref, recommended("berat"))
    with app.db.begin() as connection:
        connection.execute(Case.__table__.update().values(follow_up_due=None))  # type: ignore[attr-defined]
    [finding] = findings(app)
    assert finding.what.startswith("its follow-up columns disagree with its events")
    assert "follow_up_due" in finding.what


@pytest.mark.pure
def test_the_facts_are_those_of_the_first_recommendation_and_the_first_step_ending_it() -> None:
    law = FollowUpLaw(
        states=frozenset({"direkomendasikan", "ditindaklanjuti"}),
        governed=frozenset({("direkomendasikan", "tindak_lanjuti")}),
    )
    step = Step
    steps = [
        step(1, date(2024, 1, 1), "buka", None, "dilaporkan"),
        step(2, date(2024, 1, 5), "rekomendasikan", "dilaporkan", "direkomendasikan"),
        step(3, date(2024, 1, 9), "tindak_lanjuti", "direkomendasikan", "ditindaklanjuti"),
        step(4, date(2024, 1, 12), "tutup", "ditindaklanjuti", "selesai"),
        step(5, date(2024, 1, 15), "koreksi", "selesai", "ditindaklanjuti", voids=4),
    ]
    due = date(2024, 2, 1)
    assert follow_up.derive(steps, law, due) == follow_up.Facts(date(2024, 1, 5), due, None, None)
    assert follow_up.derive(steps[:4], law, due) == follow_up.Facts(
        date(2024, 1, 5), due, date(2024, 1, 12), False
    )
    assert follow_up.derive(steps[:1], law, due) == follow_up.Facts(follow_up_due=due)
