"""Guards, roles and deadlines refuse with the rule in words, and a refusal writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine as DbEngine
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases.guards import GuardContext
from sanctions.cases.machine import Engine
from sanctions.cases.workflow import TransitionSpec
from sanctions.db import session_scope
from sanctions.db.models import CaseEvent
from sanctions.errors import (
    ConcurrencyConflict,
    DeadlinePassed,
    GuardFailed,
    PermissionDenied,
    SanctionsError,
    TransitionNotAllowed,
)
from sanctions.settings import Settings
from tests.factories import PPPK_NIP, open_case, recommended, s, seed, snapshot, step, walk
from tests.fakes import FakePdfRenderer
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots, request: pytest.FixtureRequest) -> App:
    if "delivered" not in request.fixturenames:  # else its snapshot brings the seed
        snapshots.restore("refusals.seeded", app, seed)  # seeded once, copied into each test
    return app


Delivered = Callable[[str, str, tuple[str, ...]], str]


@pytest.fixture
def delivered(app: App, snapshots: Snapshots) -> Delivered:
    """`delivered(sanction, level, violations)`: the seed and a case walked to the LHP and
    decided with `sanction`, its decision delivered (`_delivered`); its reference. Walked once
    per session and database kind for each sanction (several tests start from each), copied
    into the test's database. Called once, before the test writes anything."""
    called: list[str] = []

    def restore(sanction: str, level: str, violations: tuple[str, ...]) -> str:
        assert not called, "delivered() restores a whole database: call it once, first"
        called.append(sanction)

        def build(source: App) -> str:
            seed(source)
            return _delivered(source, sanction, level, violations)

        name = f"refusals.delivered-{sanction}-{level}-{'+'.join(violations)}"
        return snapshots.restore(name, app, build)

    return restore


def refused(app: App, ref: str, trigger: str, actor: str, on: str, **inputs: str) -> SanctionsError:
    before = snapshot(app)
    with pytest.raises(SanctionsError) as excinfo:
        step(app, ref, trigger, actor, date.fromisoformat(on), **inputs)
    assert snapshot(app) == before
    return excinfo.value


def at_lhp(
    app: App, level: str, violations: tuple[str, ...] = ("DIS-02",), nip: str | None = None
) -> str:
    kwargs = {"nip": nip} if nip else {}
    ref = open_case(app, violations=violations, **kwargs)
    team = [s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS)]
    walk(
        app,
        ref,
        [
            *recommended(level),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            *(team if level in ("sedang", "berat", "pemberhentian") else []),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction=LHP_SANCTION[level]),
        ],
    )
    return ref


# What the LHP recommends for each recommended level (the decision may still differ).
LHP_SANCTION = {"ringan": "R-2", "sedang": "S-1T", "berat": "B-1", "pemberhentian": "PTDH"}


def test_a_berat_case_cannot_be_summoned_before_an_examination_team_is_formed(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    error = refused(seeded, ref, "panggil", "atasan", "2024-10-30", examination_date="2024-11-11")
    assert isinstance(error, GuardFailed)
    assert "requires a Tim Pemeriksa" in str(error) and "bentuk_tim" in str(error)


def test_no_examination_team_is_formed_for_a_ringan_case(seeded: App) -> None:
    ref = open_case(seeded)
    walk(
        seeded,
        ref,
        [
            *recommended("ringan", reason="Pelanggaran pertama, menyesal"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
        ],
    )
    error = refused(seeded, ref, "bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS)
    assert "direct superior examines" in str(error)


def test_a_summons_less_than_seven_working_days_before_the_examination_is_refused(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(seeded, ref, [*recommended("sedang"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    error = refused(seeded, ref, "panggil", "atasan", "2024-10-29", examination_date="2024-11-05")
    assert "at least 7 working days" in str(error)
    assert "2024-11-07 or later" in str(error)


def test_a_lower_sanction_than_recommended_needs_a_recorded_reason(seeded: App) -> None:
    ref = at_lhp(seeded, "berat")
    error = refused(seeded, ref, "putuskan", "bupati", "2024-11-20", sanction="S-1T")
    assert "lower level" in str(error) and "PP 94/2021 Ps 24" in str(error)
    result = step(
        seeded,
        ref,
        "putuskan",
        "bupati",
        date(2024, 11, 20),
        sanction="S-1T",
        reason="Mengakui dan belum pernah dihukum",
    )
    assert result.event.inputs["reason"].startswith("Mengakui")


def test_party_membership_allows_only_ptdh(seeded: App) -> None:
    ref = at_lhp(seeded, "pemberhentian", violations=("DIS-05",))
    error = refused(seeded, ref, "putuskan", "bupati", "2024-11-20", sanction="B-3", reason="x")
    assert "fixed sanction" in str(error) and "PTDH" in str(error)


def test_a_tukin_cut_is_refused_while_the_transitional_substitutes_apply(seeded: App) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(
        seeded,
        ref,
        [
            *recommended("sedang"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
            s("periksa", "atasan", "2024-11-08"),
            s("susun_lhp", "atasan", "2024-11-11", sanction="S-1T"),
        ],
    )
    error = refused(seeded, ref, "putuskan", "bupati", "2024-11-20", sanction="S-1")
    assert "S-1T" in str(error)


def test_a_tukin_cut_is_allowed_once_the_salary_regulation_is_configured_in_force(
    db_url: str, db: DbEngine
) -> None:
    settings = Settings(database_url=db_url, tukin_regulation_in_force=date(2024, 1, 1))
    app = App(settings, db=db, pdf_renderer=FakePdfRenderer())  # the subject is the guard
    seed(app)
    ref = open_case(app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    assert (
        walk(
            app,
            ref,
            [
                *recommended("sedang"),
                s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
                s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
                s("periksa", "atasan", "2024-11-08"),
                s("susun_lhp", "atasan", "2024-11-11", sanction="S-1T"),
                s("putuskan", "bupati", "2024-11-20", sanction="S-1"),
            ],
        )
        == "diputus"
    )


def test_a_ppk_employee_cannot_receive_a_pns_only_sanction(seeded: App) -> None:
    ref = at_lhp(seeded, "pemberhentian", violations=("DIS-05",), nip=PPPK_NIP)
    error = refused(seeded, ref, "putuskan", "bupati", "2024-11-20", sanction="PTDH")
    assert "PPPK-PHK" in str(error)


def _delivered(app: App, sanction: str, level: str, violations: tuple[str, ...]) -> str:
    ref = at_lhp(app, level, violations=violations)
    walk(
        app,
        ref,
        [
            s("putuskan", "bupati", "2024-11-20", sanction=sanction),
            s("serahkan", "bkpsdm", "2024-11-25"),
        ],
    )
    return ref


def test_a_dismissal_is_appealed_by_banding_not_keberatan(
    seeded: App, delivered: Delivered
) -> None:
    ref = delivered("PTDH", "pemberhentian", ("DIS-05",))
    error = refused(seeded, ref, "ajukan_keberatan", "bkpsdm", "2024-11-28", reason="x")
    assert "banding administratif to BPASN" in str(error)


def test_a_demotion_is_appealed_by_keberatan_not_banding(seeded: App, delivered: Delivered) -> None:
    ref = delivered("B-1", "berat", ("DIS-02",))
    error = refused(seeded, ref, "ajukan_banding", "bkpsdm", "2024-11-28", reason="x")
    assert "keberatan" in str(error)


def test_a_banding_filed_after_fourteen_working_days_is_refused(
    seeded: App, delivered: Delivered
) -> None:
    ref = delivered("PTDH", "pemberhentian", ("DIS-05",))
    last_day = seeded.calendar.add_working_days(date(2024, 11, 25), 14)
    late = seeded.calendar.add_working_days(last_day, 1)
    error = refused(seeded, ref, "ajukan_banding", "bkpsdm", late.isoformat(), reason="x")
    assert isinstance(error, DeadlinePassed)
    assert last_day.isoformat() in str(error) and "PP 79/2021" in str(error)
    assert (
        step(seeded, ref, "ajukan_banding", "bkpsdm", last_day, reason="x").case.state == "banding"
    )


def test_a_decision_comes_into_force_only_on_the_fifteenth_working_day(
    seeded: App, delivered: Delivered
) -> None:
    ref = delivered("B-1", "berat", ("DIS-02",))
    due = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    early = seeded.calendar.add_working_days(date(2024, 11, 25), 14)
    error = refused(seeded, ref, "nyatakan_berlaku", "bkpsdm", early.isoformat())
    assert due.isoformat() in str(error)


def test_a_sanction_cannot_be_marked_served_before_its_period_ends(
    seeded: App, delivered: Delivered
) -> None:
    ref = delivered("B-1", "berat", ("DIS-02",))
    due = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    walk(seeded, ref, [s("nyatakan_berlaku", "bkpsdm", due.isoformat())])
    error = refused(seeded, ref, "akhiri_masa_hukuman", "bkpsdm", "2025-06-01")
    assert "served until" in str(error)
    error = refused(seeded, ref, "tutup", "bkpsdm", "2025-06-01")
    assert "runs for 12 months" in str(error)


def test_the_ethics_track_is_refused_for_a_discipline_violation(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    error = refused(seeded, ref, "bentuk_majelis", "bkpsdm", "2024-10-28", members=PANEL_MEMBERS)
    assert "DIS-02 is a discipline violation" in str(error)


def test_an_officer_without_the_role_for_the_step_is_refused(seeded: App) -> None:
    ref = open_case(seeded)
    error = refused(seeded, ref, "kaji", "bkpsdm", "2024-10-08")
    assert isinstance(error, PermissionDenied)
    assert "needs the role bawaslu" in str(error) and "you have kepegawaian" in str(error)


def test_an_officer_of_another_agency_holds_no_role_on_this_case(seeded: App) -> None:
    from sanctions.registry import service as registry
    from tests.factories import KNOWN_ROLES, add_agency

    with session_scope(seeded.db) as session:
        add_agency(session, "BANTUL")
        registry.add_user(
            session,
            actor="admin",
            username="bantul",
            roles=["kepegawaian"],
            known_roles=KNOWN_ROLES,
            agency_code="BANTUL",
        )
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    error = refused(seeded, ref, "tindak_lanjuti", "bantul", "2024-10-28")
    assert isinstance(error, PermissionDenied)


def test_a_step_not_declared_from_the_current_state_lists_what_is_allowed(seeded: App) -> None:
    ref = open_case(seeded)
    error = refused(seeded, ref, "putuskan", "bupati", "2024-10-08", sanction="B-1")
    assert isinstance(error, TransitionNotAllowed)
    assert "allowed from here: catat_rujukan_pidana, kaji, pegawai_keluar" in str(error)


def test_a_closed_case_allows_nothing(seeded: App) -> None:
    ref = open_case(seeded)
    walk(
        seeded,
        ref,
        [s("kaji", "bawaslu", "2024-10-08"), s("hentikan", "bawaslu", "2024-10-09", reason="x")],
    )
    error = refused(seeded, ref, "teruskan", "bawaslu", "2024-10-10")
    assert "nothing (the case is closed)" in str(error)


def test_opening_a_case_with_an_unknown_violation_code_lists_the_codes_and_writes_nothing(
    seeded: App,
) -> None:
    before = snapshot(seeded)
    with pytest.raises(SanctionsError) as excinfo:
        open_case(seeded, violations=("DIS-02", "DIS-99"))
    assert "DIS-99" in str(excinfo.value) and "DIS-13" in str(excinfo.value)
    assert snapshot(seeded) == before


class _RaceEngine(Engine):
    """A real engine that waits, after its checks, until the rival has done its checks too."""

    def __init__(self, engine: Engine, barrier: threading.Barrier) -> None:
        super().__init__(engine.workflow)
        self.barrier = barrier

    def fire(self, state: str, trigger: str, ctx: GuardContext, roles) -> TransitionSpec:  # type: ignore[no-untyped-def, override]
        spec = super().fire(state, trigger, ctx, roles)
        self.barrier.wait(timeout=60)  # a bound for a loaded machine, not a delay
        return spec


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_officers_racing_on_one_case_exactly_one_wins(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    barrier = threading.Barrier(2)
    seeded._engines["bkn-2024"] = _RaceEngine(seeded.engine("bkn-2024"), barrier)
    outcomes: list[object] = []

    def officer(trigger: str, actor: str, inputs: dict[str, str]) -> None:
        try:
            result = step(seeded, ref, trigger, actor, date(2024, 10, 28), **inputs)
            outcomes.append(result.case.state)
        except Exception as exc:  # the loser's error is the subject of the test
            outcomes.append(exc)

    threads = [
        threading.Thread(target=officer, args=("tindak_lanjuti", "bkpsdm", {})),
        threading.Thread(
            target=officer, args=("pegawai_keluar", "pengawas", {"reason": "pensiun"})
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, ConcurrencyConflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "changed by someone else" in str(losers[0])


def test_a_case_whose_codes_contradict_the_act_date_opens_once_a_reason_is_recorded(
    seeded: App,
) -> None:
    # ETK-02 (toward a bakal calon) on 3 Oct 2024, after penetapan calon (22 Sep 2024)
    before = snapshot(seeded)
    with pytest.raises(SanctionsError, match="record why with --act-date-reason"):
        open_case(seeded, violations=("ETK-02",))
    assert snapshot(seeded) == before
    ref = open_case(
        seeded, violations=("ETK-02",), act_date_reason="Penetapan calon DPD pada tanggal lain"
    )
    with session_scope(seeded.db) as session:
        first = session.exec(select(CaseEvent).order_by(col(CaseEvent.id))).all()[-1]
    assert first.inputs["act_date_reason"].startswith("Penetapan calon DPD")
    assert ref.startswith("NET-2024-")
