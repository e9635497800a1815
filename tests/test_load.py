"""Under load from parallel officer processes on PostgreSQL, nothing is lost or done twice:
letter numbers stay gapless and unique, every chain and the Merkle log verify, every case's
state is the replay of its log. The same code as `scripts/bench load`, on a smaller scale."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cli.schemas import problems
from sanctions.db import session_scope
from sanctions.db.models import Case, CaseEvent, Letter
from sanctions.errors import TransitionNotAllowed
from tests.businessday import BusinessDay
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
from tests.waiting import wait_until


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
    # one office, one business day: no valid step is refused by the agenda books' date order
    assert not any("agenda book" in kind for kind in tally.rules), tally.examples
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
    # the rates divide by the time that actually elapsed, first attempt to last, however far
    # apart a loaded machine started the officers (not by a sum or a mean of their walls)
    span = max(t.last_end or 0.0 for t in tallies) - min(t.first_start or 0.0 for t in tallies)
    assert figures["elapsed_s"] == pytest.approx(span, abs=0.001) and span > 0
    assert figures["steps_per_s"] == pytest.approx(tally.steps / span, rel=0.01)
    assert "FakePdfRenderer" in table(figures)
    with session_scope(app.db) as session:  # every step and letter dated a business day
        days = session.exec(select(col(CaseEvent.on))).all()
        issued = session.exec(select(col(Letter.issued_on))).all()
    assert tally.first_day is not None and tally.last_day is not None
    assert all(tally.first_day <= d <= tally.last_day for d in [*days, *issued])
    assert figures["business_day"]["moves"] == tally.day_moves


@pytest.mark.pure
def test_the_business_day_moves_on_only_once_the_steps_dated_on_it_have_ended(
    tmp_path: Path,
) -> None:
    path = tmp_path / "business-day"
    BusinessDay.start(path, date(2024, 10, 7))
    stepping, moving, arriving = BusinessDay(path), BusinessDay(path), BusinessDay(path)
    moved: list[date] = []
    try:
        with stepping.held() as today:
            assert today == date(2024, 10, 7)
            mover = threading.Thread(
                target=lambda: moved.append(moving.move_on(today, date(2024, 10, 17)))
            )
            mover.start()
            # the mover waits for the step, and meanwhile no officer starts a step of its own
            wait_until(lambda: _locked(f"{path}.turnstile"), timeout=30, what="the move to wait")
            assert moved == [] and path.read_text() == "2024-10-07"
        mover.join(timeout=30)
        assert moved == [date(2024, 10, 17)]
        with arriving.held() as later:
            assert later == date(2024, 10, 17)
        # a rival who saw the old day leaves the day as it is now
        assert moving.move_on(date(2024, 10, 7), date(2024, 10, 8)) == date(2024, 10, 17)
        assert moving.moves == 1
    finally:
        for day in (stepping, moving, arriving):
            day.close()


def _locked(name: str) -> bool:
    """Whether someone holds a lock on file `name` (tried without waiting)."""
    fd = os.open(name, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # a lock taken here is released with the descriptor
    return False


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
