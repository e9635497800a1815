"""The write path's short cuts keep the record: a step digests the deadlines it leaves from
what it read and wrote (without reading them back), and the log then says exactly what the
database holds. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import Case, LogLeaf
from sanctions.trust import log
from sanctions.trust.audit import verify as verify_chains
from tests.factories import open_case, recommended, s, seed, step

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("write_path.seeded", app, seed)
    return app


def logged_deadlines(app: App, reference: str) -> tuple[dict[str, str] | None, dict[str, str]]:
    """The deadline digests of the case's latest event leaf (None when its step touched no
    deadline), and those of its rows now."""
    with session_scope(app.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        leaf = session.exec(
            select(LogLeaf).where(LogLeaf.ref == f"case_events:{case.id}:{case.version}")
        ).one()
        return leaf.payload.get("deadlines"), log.deadline_digests(
            log.deadline_rows(session, case.id or 0)
        )


def test_each_step_logs_the_deadlines_it_closed_and_opened_as_the_database_holds_them(
    seeded: App,
) -> None:
    reference = open_case(seeded)
    touched = []
    for st in [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")]:
        step(seeded, reference, st.trigger, st.actor, st.on, **st.inputs)
        logged, now = logged_deadlines(seeded, reference)
        assert logged is None or logged == now, st.trigger
        touched += [st.trigger] if logged is not None else []
    assert touched == ["kaji", "teruskan", "rekomendasikan", "tindak_lanjuti"]
    assert len(now) == 4  # opened, closed met, and reopened on the way
    with session_scope(seeded.db) as session:
        assert log.verify(session).findings == []
        assert verify_chains(session)[1] == []


def test_a_step_missing_its_deadline_logs_it_closed_as_missed(seeded: App) -> None:
    reference = open_case(seeded)
    # Bawaslu's Pilkada window (3 + 2 calendar days) has ended: recorded late, closed missed
    step(seeded, reference, "kaji", "bawaslu", date(2024, 10, 8))
    step(seeded, reference, "teruskan", "bawaslu", date(2024, 10, 25))
    logged, now = logged_deadlines(seeded, reference)
    assert logged == now
    with session_scope(seeded.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        rows = log.deadline_rows(session, case.id or 0)
    assert sorted(d.met for d in rows if d.closed_seq == 3) == [False, False]
