"""Reports as of a date: only state-changing events dated on or before `--as-of` count, a
reminder letter is never the PPK's follow-up, and the follow-up is the decision as the workflow
declares it (issue 10): forming the team or a summons is not one. Every report is checked
against a hand count of a scenario with reminders, a late decision, an on-time one with a
keberatan, and PPKs who acted but never decided, on several dates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import col, select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import CaseEvent, Deadline
from sanctions.deadlines.reminders import TRIGGER_PREFIX, run_reminders
from sanctions.reports import service as svc
from sanctions.reports.figures import CaseRecord, FollowUpLaw, Step, as_of, follow_up
from tests.factories import (
    NOW,
    PNS_NIP,
    add_employee,
    open_case,
    recommended,
    s,
    seed,
    walk,
    walk_together,
)
from tests.officer import TEAM_MEMBERS
from tests.test_reminders import follow_up_due

if TYPE_CHECKING:
    from tests.conftest import Snapshots

B_NIP, C_NIP, D_NIP, E_NIP = (
    "198905142014032002",
    "198712012011011005",
    "198106112006041002",
    "199207232019022003",
)


@dataclass(frozen=True)
class Scenario:
    app: App
    due: date  # the follow-up due date of the four recommendations (all on 2024-10-21)
    first_reminder: date  # the ladder's first letter to A's and B's PPK
    second_reminder: date
    a_acted: date  # A's late `tindak_lanjuti` (no decision: not a follow-up)
    d_decided: date  # D's late decision (taken; delivered the next working day)
    d_delivered: date  # ... delivered: the follow-up is done, late


def build(app: App) -> tuple[date, date, date, date, date, date]:
    """A: recommended, two reminders, then `tindak_lanjuti` late and nothing more. B:
    recommended, two reminders, never acted. C: acted, decided and the decision delivered on
    time, keberatan upheld (dianulir, closed). D: `tindak_lanjuti` just before the due date and
    formed the team, two reminders, then examined, decided and delivered late in January.
    E: reported on 2024-12-10 only."""
    seed(app)
    with session_scope(app.db) as session:
        for nip, name in ((B_NIP, "B"), (C_NIP, "C"), (D_NIP, "D"), (E_NIP, "E")):
            add_employee(session, nip, "PNS", "SLEMAN", name=f"Pegawai {name}")
    # the four reports of 7 October 2024, dealt with side by side (each office's letters in
    # date order)
    a = open_case(app, nip=PNS_NIP)
    b = open_case(app, nip=B_NIP, violations=("DIS-06",))
    c = open_case(app, nip=C_NIP, violations=("DIS-03",), act_date=date(2024, 9, 2))
    d = open_case(app, nip=D_NIP)
    walk_together(
        app,
        [
            (a, recommended("berat")),
            (b, recommended("berat")),
            (
                c,
                [
                    *recommended("sedang"),
                    s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
                    s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
                    s("panggil_ulang", "atasan", "2024-11-08", examination_date="2024-11-20"),
                    s("catat_ketidakhadiran", "atasan", "2024-11-20"),
                    s("putuskan", "bupati", "2024-11-22", sanction="S-2T"),
                    s("serahkan", "bkpsdm", "2024-11-25"),
                    s("ajukan_keberatan", "bkpsdm", "2024-11-28", reason="Keberatan"),
                    s("batalkan_keputusan", "sekda", "2024-12-16", reason="Bukti tidak cukup"),
                ],
            ),
            (
                d,
                [
                    *recommended("berat"),
                    s("tindak_lanjuti", "bkpsdm", "2024-11-29"),
                    s("bentuk_tim", "bupati", "2024-12-02", members=TEAM_MEMBERS),
                ],
            ),
        ],
    )
    open_case(app, nip=E_NIP, act_date=date(2024, 12, 5), reported_on=date(2024, 12, 10))
    due = follow_up_due(app, a)
    first = app.calendar.add_working_days(due, 1)
    second = app.calendar.add_working_days(first, 7)
    for day in (first, second):
        # A and B, and D too: its follow-up deadline runs until the decision (issue 10), and
        # forming the team is not one; nor do the reports count it as one
        report = run_reminders(app, as_of=day, now=NOW, actor="job", dry_run=False)
        assert report.count("issued") == 3, [r.as_dict() for r in report.rows]
    acted = app.calendar.add_working_days(second, 1)
    walk(app, a, [s("tindak_lanjuti", "bkpsdm", acted.isoformat())])
    decided, delivered = date(2025, 1, 20), date(2025, 1, 21)
    walk(
        app,
        d,
        [
            s("panggil", "tim", "2025-01-06", examination_date="2025-01-16"),
            s("periksa", "tim", "2025-01-16"),
            s("susun_lhp", "tim", "2025-01-17", sanction="B-1"),
            s("putuskan", "bupati", decided.isoformat(), sanction="B-1"),
            s("serahkan", "bkpsdm", delivered.isoformat()),
        ],
    )
    return due, first, second, acted, decided, delivered


@pytest.fixture
def scenario(app: App, snapshots: Snapshots) -> Scenario:
    return Scenario(app, *snapshots.restore("reports_as_of", app, build))


def follow_up_counts(app: App, on: date) -> tuple[int, ...]:
    with session_scope(app.db) as session:
        [sleman, total] = svc.follow_up(app, session, actor="admin", on=on)
    assert sleman.as_dict() | {"key": "JUMLAH", "name": "semua"} == total.as_dict()
    return (
        total.recommended,
        total.on_time,
        total.late,
        total.not_acted,
        total.overdue,
        total.moot,
        total.worst_days_late,
    )


def test_the_scenario_has_reminders_before_the_late_follow_up(scenario: Scenario) -> None:
    assert date(2024, 11, 29) <= scenario.due < scenario.first_reminder < date(2024, 12, 10)
    assert date(2024, 12, 16) <= scenario.a_acted
    with session_scope(scenario.app.db) as session:
        reminders = session.exec(
            select(col(CaseEvent.on)).where(col(CaseEvent.trigger).startswith(TRIGGER_PREFIX))
        ).all()
    assert sorted(reminders) == [scenario.first_reminder] * 3 + [scenario.second_reminder] * 3


def test_follow_up_agrees_with_the_hand_count_on_every_date(scenario: Scenario) -> None:
    app, due = scenario.app, scenario.due
    # recommended, on time, late, not acted, overdue, moot, worst days late
    before_due = date(2024, 11, 1)  # C summoned, A, B and D recommended: nobody decided
    assert follow_up_counts(app, before_due) == (4, 0, 0, 4, 0, 0, 0)
    delivered_c = date(2024, 11, 25)  # C's decision delivered, on time
    assert follow_up_counts(app, delivered_c) == (4, 1, 0, 3, 0, 0, 0)
    first = scenario.first_reminder  # D acted and formed the team: not a decision
    assert follow_up_counts(app, first) == (4, 1, 0, 3, 3, 0, (first - due).days)
    acted = scenario.a_acted  # A's `tindak_lanjuti`, late, is not a decision either
    assert follow_up_counts(app, acted) == (4, 1, 0, 3, 3, 0, (acted - due).days)
    decided = scenario.d_decided  # D decided, not yet delivered: still overdue
    assert follow_up_counts(app, decided) == (4, 1, 0, 3, 3, 0, (decided - due).days)
    delivered = scenario.d_delivered  # D's decision delivered: acted, late
    assert follow_up_counts(app, delivered) == (4, 1, 1, 2, 2, 0, (delivered - due).days)
    end = date(2025, 1, 31)  # A and B still overdue, the worst by as many days
    assert follow_up_counts(app, end) == (4, 1, 1, 2, 2, 0, (end - due).days)
    with session_scope(app.db) as session:
        [by_ppk, _] = svc.follow_up(app, session, actor="admin", on=end, by="ppk")
    assert (by_ppk.key, by_ppk.late, by_ppk.overdue) == ("Bupati Sleman (Drs. Harda)", 1, 2)


def test_the_follow_up_report_and_the_ladder_read_one_declaration(scenario: Scenario) -> None:
    """The report counts a case not followed up while the ladder still has a follow-up
    deadline of it open: on every date, not acted = the cases whose `tindak_lanjut_ppk`
    deadline was open then."""
    app = scenario.app
    with session_scope(app.db) as session:
        rows = session.exec(
            select(col(Deadline.case_id), col(CaseEvent.on), col(Deadline.closed_on))
            .join(
                CaseEvent,
                (col(CaseEvent.case_id) == Deadline.case_id)
                & (col(CaseEvent.seq) == Deadline.opened_seq),
            )
            .where(Deadline.name == "tindak_lanjut_ppk")
        ).all()
    for on in (date(2024, 11, 1), scenario.first_reminder, scenario.d_decided,
               scenario.d_delivered, date(2025, 1, 31)):  # fmt: skip
        open_then = {c for c, opened, shut in rows if opened <= on and not (shut and shut <= on)}
        assert follow_up_counts(app, on)[3] == len(open_then), on


def test_the_day_before_a_late_decision_is_delivered_the_case_is_still_overdue(
    scenario: Scenario,
) -> None:
    counts = follow_up_counts(scenario.app, scenario.d_decided)
    assert counts[2:5] == (0, 3, 3)  # late 0, not acted 3, overdue 3
    assert follow_up_counts(scenario.app, scenario.d_delivered)[2:5] == (1, 2, 2)


def test_violations_and_positions_count_only_the_cases_reported_by_the_date(
    scenario: Scenario,
) -> None:
    app = scenario.app
    with session_scope(app.db) as session:
        early = svc.violations(app, session, actor="admin", on=date(2024, 12, 9))
        late = svc.violations(app, session, actor="admin", on=date(2024, 12, 10))
        groups = svc.positions(app, session, actor="admin", on=date(2024, 12, 9))
    assert {r.code: r.cases for r in early} == {"DIS-02": 2, "DIS-06": 1, "DIS-03": 1}
    assert {r.code: r.cases for r in late} == {"DIS-02": 3, "DIS-06": 1, "DIS-03": 1}
    assert [(g.group, g.cases) for g in groups] == [("guru_dosen", 4)]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (
            date(2024, 11, 1),
            {"direkomendasikan": 3, "panggilan_1": 1},
        ),
        (
            date(2024, 12, 2),
            {"direkomendasikan": 2, "tim_dibentuk": 1, "keberatan": 1},
        ),
        (
            date(2025, 1, 31),  # C annulled: closed; D's decision delivered; E reported
            {"dilaporkan": 1, "direkomendasikan": 1, "ditindaklanjuti": 1, "disampaikan": 1},
        ),
    ],
)
def test_backlog_counts_each_case_in_the_state_it_was_in_on_the_date(
    scenario: Scenario, on: date, expected: dict[str, int]
) -> None:
    with session_scope(scenario.app.db) as session:
        rows = svc.backlog(scenario.app, session, actor="admin", on=on)
    assert {r.state: r.total for r in rows} == expected


def test_the_leadership_report_is_judged_on_its_date(scenario: Scenario) -> None:
    app = scenario.app
    with session_scope(app.db) as session:
        data = svc.leadership_report(app, session, actor="admin", on=date(2024, 12, 2), now=NOW)
    assert data.total_cases == 4
    total = data.follow_up[-1]
    assert (total.on_time, total.late, total.not_acted, total.overdue) == (1, 0, 3, 0)
    assert sum(count for _, count in data.weeks) == 4


def test_the_report_reads_the_follow_up_from_the_declared_workflow(scenario: Scenario) -> None:
    law = svc.follow_up_law(scenario.app.workflows.get("bkn-2024"))
    assert {"direkomendasikan", "ditindaklanjuti", "tim_dibentuk", "diputus"} <= law.states
    assert "disampaikan" not in law.states and "gugur" not in law.states
    assert {("diputus", "serahkan"), ("sidang_majelis", "jatuhkan_sanksi_moral")} <= law.governed
    # acting or forming the team re-opens the deadline: it does not end the follow-up
    assert not law.ends(Step(3, date(2024, 11, 1), "tindak_lanjuti", "direkomendasikan",
                             "ditindaklanjuti"))  # fmt: skip
    assert law.ends(Step(9, date(2024, 11, 25), "serahkan", "diputus", "disampaikan"))


# -- the arithmetic on its own ----------------------------------------------------------------
LAW = FollowUpLaw(
    states=frozenset({"direkomendasikan", "ditindaklanjuti", "diputus"}),
    governed=frozenset({("diputus", "serahkan"), ("ditindaklanjuti", "putuskan")}),
)


def _record(*steps: Step) -> CaseRecord:
    return CaseRecord(
        reference="NET-2024-000001",
        agency_code="A",
        agency_name="Agency A",
        ppk="Bupati A (X)",
        state=steps[-1].dest,
        is_open=True,
        reported_on=date(2024, 10, 7),
        act_date=date(2024, 10, 3),
        position="Guru",
        position_type="fungsional",
        violation_codes=("DIS-02",),
        follow_up_due=date(2024, 12, 3),
        steps=steps,
        terminal=frozenset({"ditutup", "gugur"}),
        follow_up_law=LAW,
    )


OPENED = Step(1, date(2024, 10, 7), "buka", None, "dilaporkan")
RECOMMENDED = Step(2, date(2024, 10, 21), "rekomendasikan", "dilaporkan", "direkomendasikan")
ACTED = Step(3, date(2024, 11, 1), "tindak_lanjuti", "direkomendasikan", "ditindaklanjuti")
DECIDED = Step(4, date(2024, 12, 16), "putuskan", "ditindaklanjuti", "diputus")
DELIVERED = Step(5, date(2024, 12, 20), "serahkan", "diputus", "disampaikan")


@pytest.mark.pure
def test_a_decision_delivered_after_the_report_date_does_not_count() -> None:
    record = _record(OPENED, RECOMMENDED, ACTED, DECIDED, DELIVERED)
    for on in (date(2024, 12, 10), date(2024, 12, 19)):  # acted; then decided, not delivered
        standing = as_of(record, on)
        assert standing is not None
        assert (standing.left_by, standing.acted, standing.follow_up_met) == (None, False, None)
        [_, total] = follow_up([record], on=on)
        assert (total.on_time, total.late, total.overdue) == (0, 0, 1)
    [_, later] = follow_up([record], on=date(2024, 12, 20))
    assert (later.overdue, later.late, later.worst_days_late) == (0, 1, 17)


@pytest.mark.pure
def test_acting_without_deciding_is_not_a_follow_up_however_early() -> None:
    [_, total] = follow_up([_record(OPENED, RECOMMENDED, ACTED)], on=date(2024, 11, 2))
    assert (total.on_time, total.not_acted, total.overdue) == (0, 1, 0)
    [_, total] = follow_up([_record(OPENED, RECOMMENDED, ACTED)], on=date(2024, 12, 4))
    assert (total.on_time, total.not_acted, total.overdue, total.worst_days_late) == (0, 1, 1, 1)


@pytest.mark.pure
def test_leaving_the_follow_up_by_a_step_it_does_not_govern_is_moot() -> None:
    left = Step(4, date(2024, 11, 15), "pegawai_keluar", "ditindaklanjuti", "gugur")
    [_, total] = follow_up([_record(OPENED, RECOMMENDED, ACTED, left)], on=date(2024, 12, 31))
    assert (total.moot, total.not_acted, total.rate) == (1, 0, None)


@pytest.mark.pure
def test_a_voided_step_never_counts_and_the_correction_reopens_the_state_before_it() -> None:
    delivered = Step(5, date(2024, 11, 20), "serahkan", "diputus", "disampaikan")
    voided = Step(6, date(2024, 11, 22), "koreksi", "disampaikan", "diputus", 5)
    decided = replace(DECIDED, on=date(2024, 11, 18))
    record = _record(OPENED, RECOMMENDED, ACTED, decided, delivered, voided)
    for on in (date(2024, 11, 21), date(2024, 12, 10)):
        standing = as_of(record, on)
        assert standing is not None
        assert (standing.state, standing.left_by) == ("diputus", None)


@pytest.mark.pure
def test_a_case_reported_after_the_date_is_not_counted() -> None:
    assert as_of(_record(OPENED), date(2024, 10, 6)) is None
    assert follow_up([_record(OPENED, RECOMMENDED)], on=date(2024, 10, 6)) == []
