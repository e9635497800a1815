"""Under load from parallel officer processes on PostgreSQL, nothing is lost or done twice:
letter numbers stay gapless and unique, every chain and the Merkle log verify, every case's
state is the replay of its log. The same code as `scripts/bench load`, on a smaller scale."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlmodel import Session, select

from sanctions.app import App
from sanctions.cli.schemas import problems
from sanctions.db import session_scope
from sanctions.db.models import Case, CaseEvent
from sanctions.errors import TransitionNotAllowed
from tests.factories import add_unit_office, open_case, seed
from tests.invariants import check_invariants
from tests.load import (
    REPORT_SHAPE,
    WaitSampler,
    combined,
    database_error,
    report,
    run_officer_pool,
    table,
)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_parallel_officers_on_shared_cases_leave_every_record_consistent(
    app: App, db_url: str, tmp_path: Path
) -> None:
    seed(app)
    with session_scope(app.db) as session:
        add_unit_office(session)  # the direct superior's office issues the temporary release
    references = [open_case(app) for _ in range(4)]
    load = os.getloadavg()
    # Each officer stops after 8 steps of its own (or when no case has a step left); the
    # 120 s are only a bound for a machine that is far too slow.
    with WaitSampler.on(db_url) as waits:
        tallies = run_officer_pool(
            db_url,
            references,
            processes=4,
            seconds=120,
            steps_each=8,
            letter_store=tmp_path / "letters",
            fake_pdf=True,
            keep_open=4,  # a case that ends is replaced, as in the benchmark
        )
    tally = combined(tallies)
    assert tally.steps > 10 and tally.letters > 0
    assert tally.other == {}, tally.examples  # every refusal is a rule's or a rival's
    assert all(t.first_start is not None and t.steps > 0 for t in tallies)
    with session_scope(app.db) as session:
        invariants = check_invariants(app, session)
    assert invariants.ok, invariants
    assert invariants.cases == 4 + tally.opened and invariants.registers >= 1
    assert invariants.letters == tally.letters + 4  # the steps' and openings' letters, receipts
    after = os.getloadavg()
    figures = report(tally, invariants, database="postgresql", seconds=120, cases=4,
                     keep_open=4, fake_pdf=True, load_before=load, load_after=after,
                     waits=waits.figures())  # fmt: skip
    assert problems(json.loads(json.dumps(figures)), REPORT_SHAPE) == []
    sampled = figures["waits"]
    assert sampled["samples"] > 0
    assert sum(sampled[k] for k in WaitSampler.KINDS) == pytest.approx(1, abs=0.01)
    assert figures["steps"] == tally.steps and figures["renderer"] == "fake"
    assert 0 < figures["elapsed_s"] <= max(t.wall for t in tallies) + 1
    assert "FakePdfRenderer" in table(figures)


def test_the_checks_find_a_gap_in_a_register_and_a_state_its_log_does_not_replay_to(
    app: App,
) -> None:
    seed(app)
    reference = open_case(app)
    with session_scope(app.db) as session:
        assert check_invariants(app, session).ok
    with session_scope(app.db) as session:  # behind the write path's back
        session.connection().exec_driver_sql("UPDATE letter_sequences SET last_seq = last_seq + 1")
        case = _case(session, reference)
        case.state = "direkomendasikan"
        session.add(case)
    with session_scope(app.db) as session:
        found = check_invariants(app, session)
    assert not found.ok
    assert any("missing" in f for f in found.number_findings)
    assert any("replays to 'dilaporkan'" in f for f in found.replay_findings)
    assert found.chain_findings and found.log_findings


def test_the_replay_refuses_an_event_that_is_no_step_of_the_workflow(app: App) -> None:
    seed(app)
    reference = open_case(app)
    with session_scope(app.db) as session:
        case = _case(session, reference)
        first = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
        session.add(
            CaseEvent(case_id=case.id or 0, seq=2, at=first.at, on=first.on, actor="admin",
                      trigger="tindak_lanjuti", source=first.dest, dest="ditindaklanjuti",
                      workflow_version=first.workflow_version)
        )  # fmt: skip
        case.state, case.version = "ditindaklanjuti", 2
        session.add(case)
    with session_scope(app.db) as session:
        found = check_invariants(app, session).replay_findings
    assert found == [
        f"{reference}: event 2: tindak_lanjuti from 'dilaporkan' to 'ditindaklanjuti' is not "
        f"a step of {first.workflow_version}"
    ]


@pytest.mark.pure
def test_a_refusal_is_told_apart_from_a_database_error_by_its_sqlstate() -> None:
    class Driver(Exception):
        sqlstate = "40P01"

    try:
        try:
            raise Driver("deadlock detected")
        except Driver as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as wrapped:
        assert database_error(wrapped) == "deadlock"
    assert database_error(TransitionNotAllowed("no")) is None


def _case(session: Session, reference: str) -> Case:
    return session.exec(select(Case).where(Case.reference == reference)).one()
