"""Every path through the shipped workflows, through the service layer, on both databases."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases.views import replay_state
from sanctions.db import session_scope
from sanctions.db.models import Case, CaseEvent, Deadline
from tests.factories import (
    PPPK_NIP,
    REPORT_TO_RECOMMENDATION,
    open_case,
    recommended,
    s,
    seed,
    step,
    walk,
)
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("case_paths.seeded", app, seed)  # seeded once, copied into each test
    return app


def assert_log_matches_state(app: App, reference: str) -> None:
    with session_scope(app.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        events = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
        ).all()
        assert replay_state(events) == case.state
        assert [e.seq for e in events] == list(range(1, case.version + 1))
        for before, after in itertools.pairwise(events):
            assert after.source == before.dest


def test_a_berat_case_runs_from_report_to_served_sanction_and_closing(seeded: App) -> None:
    ref = open_case(seeded)
    walk(
        seeded,
        ref,
        [
            *recommended("berat"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
            s("putuskan", "bupati", "2024-11-20", sanction="B-1"),
            s("serahkan", "bkpsdm", "2024-11-25"),
        ],
    )
    in_force = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    state = walk(seeded, ref, [s("nyatakan_berlaku", "bkpsdm", in_force.isoformat())])
    assert state == "berlaku"
    with session_scope(seeded.db) as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        # B-1 runs 12 months from taking effect; the case records its last day
        assert (
            case.facts["masa_hukuman_sampai"]
            == (in_force.replace(year=in_force.year + 1) - timedelta(days=1)).isoformat()
        )
    served = in_force.replace(year=in_force.year + 1)
    assert (
        walk(
            seeded,
            ref,
            [
                s("akhiri_masa_hukuman", "bkpsdm", served.isoformat()),
                s("tutup", "bkpsdm", served.isoformat()),
            ],
        )
        == "ditutup"
    )
    assert_log_matches_state(seeded, ref)


def test_a_sedang_case_with_a_second_summons_and_an_upheld_keberatan_comes_into_force(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 9, 2))
    state = walk(
        seeded,
        ref,
        [
            *recommended("sedang"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
            s("panggil_ulang", "atasan", "2024-11-08", examination_date="2024-11-20"),
            s("periksa", "atasan", "2024-11-20"),
            s("susun_lhp", "atasan", "2024-11-21", sanction="S-1T"),
            s("putuskan", "bupati", "2024-11-22", sanction="S-1T"),
            s("kirim_ke_alamat", "bkpsdm", "2024-11-29"),
            s("ajukan_keberatan", "bkpsdm", "2024-12-03", reason="Tidak pernah mengunggah"),
            s("kuatkan_keberatan", "sekda", "2024-12-20"),
        ],
    )
    assert state == "berlaku"
    assert_log_matches_state(seeded, ref)


def test_an_absent_employee_is_decided_without_examination_and_a_keberatan_can_annul_it(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 9, 2))
    state = walk(
        seeded,
        ref,
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
    )
    assert state == "dianulir"
    assert_log_matches_state(seeded, ref)


def _ptdh_until_delivered(app: App) -> str:
    ref = open_case(app, violations=("DIS-05",))
    walk(
        app,
        ref,
        [
            *recommended("pemberhentian"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="PTDH"),
            s("putuskan", "bupati", "2024-11-20", sanction="PTDH"),
            s("serahkan", "bkpsdm", "2024-11-25"),
        ],
    )
    return ref


def test_party_membership_ends_in_ptdh_which_bpasn_can_uphold_and_the_case_closes(
    seeded: App,
) -> None:
    ref = _ptdh_until_delivered(seeded)
    state = walk(
        seeded,
        ref,
        [
            s("ajukan_banding", "bkpsdm", "2024-12-05", reason="Bukan anggota partai"),
            s("kuatkan_banding", "bpasn", "2025-01-20"),
            s("tutup", "bkpsdm", "2025-01-21"),
        ],
    )
    assert state == "ditutup"
    assert_log_matches_state(seeded, ref)


def test_bpasn_can_annul_a_dismissal_on_banding(seeded: App) -> None:
    ref = _ptdh_until_delivered(seeded)
    state = walk(
        seeded,
        ref,
        [
            s("ajukan_banding", "bkpsdm", "2024-12-05", reason="Bukan anggota partai"),
            s("batalkan_keputusan", "bpasn", "2025-01-20", reason="Tidak terbukti"),
        ],
    )
    assert state == "dianulir"


def test_a_ppk_employee_s_party_membership_ends_in_contract_termination(seeded: App) -> None:
    ref = open_case(seeded, violations=("DIS-05",), nip=PPPK_NIP)
    state = walk(
        seeded,
        ref,
        [
            *recommended("pemberhentian"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="PPPK-PHK"),
            s("putuskan", "bupati", "2024-11-20", sanction="PPPK-PHK"),
        ],
    )
    assert state == "diputus"


def test_an_ethics_breach_before_penetapan_goes_to_the_ethics_panel_and_a_moral_sanction(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("ETK-02",), act_date=date(2024, 9, 2))
    state = walk(
        seeded,
        ref,
        [
            *recommended("moral"),
            s("bentuk_majelis", "bkpsdm", "2024-10-28", members=PANEL_MEMBERS),
            s("sidangkan", "majelis", "2024-11-05"),
            s("jatuhkan_sanksi_moral", "bupati", "2024-11-12", sanction="MOR-T"),
            s("tutup", "bkpsdm", "2024-11-13"),
        ],
    )
    assert state == "ditutup"
    assert_log_matches_state(seeded, ref)


@pytest.mark.parametrize(
    ("steps", "end"),
    [
        (
            [
                s("kaji", "bawaslu", "2024-10-08"),
                s("hentikan", "bawaslu", "2024-10-09", reason="Syarat formal tidak terpenuhi"),
            ],
            "ditolak",
        ),
        (
            [
                s("kaji", "bawaslu", "2024-10-08"),
                s("teruskan", "bawaslu", "2024-10-10"),
                s("tolak", "pengawas", "2024-10-11", reason="Bukan ASN"),
            ],
            "ditolak",
        ),
        (
            [
                s("kaji", "bawaslu", "2024-10-08"),
                s("teruskan", "bawaslu", "2024-10-10"),
                s("batalkan", "pengawas", "2024-10-11", reason="Dicabut"),
            ],
            "dibatalkan",
        ),
        ([*REPORT_TO_RECOMMENDATION, s("tolak", "pengawas", "2024-10-15", reason="x")], "ditolak"),
        (
            [*REPORT_TO_RECOMMENDATION, s("batalkan", "pengawas", "2024-10-15", reason="x")],
            "dibatalkan",
        ),
        (
            [
                *REPORT_TO_RECOMMENDATION,
                s("nyatakan_tidak_terbukti", "pengawas", "2024-10-15", reason="Tidak terbukti"),
            ],
            "tidak_terbukti",
        ),
        (
            [
                *REPORT_TO_RECOMMENDATION,
                s("pegawai_keluar", "bkpsdm", "2024-10-15", reason="pensiun"),
            ],
            "gugur",
        ),
    ],
    ids=[
        "bawaslu-stops",
        "forward-rejected",
        "forward-cancelled",
        "review-rejected",
        "review-cancelled",
        "not-proven",
        "employee-left",
    ],
)
def test_cases_can_end_before_any_recommendation(seeded: App, steps: list, end: str) -> None:
    ref = open_case(seeded)
    assert walk(seeded, ref, steps) == end
    assert_log_matches_state(seeded, ref)


def test_entering_a_state_opens_its_deadlines_and_leaving_closes_them(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    with session_scope(seeded.db) as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        open_ = session.exec(
            select(Deadline).where(Deadline.case_id == case.id, col(Deadline.closed_seq).is_(None))
        ).all()
        assert [d.name for d in open_] == ["tindak_lanjut_ppk"]
        assert open_[0].due_date == seeded.calendar.add_working_days(date(2024, 10, 21), 30)
        assert open_[0].confidence == "U"
    walk(seeded, ref, [s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    with session_scope(seeded.db) as session:
        closed = session.exec(select(Deadline).where(col(Deadline.closed_seq).is_not(None))).all()
        assert sorted((d.name, d.met) for d in closed) == [
            ("penanganan_bawaslu_pilkada", True),  # Bawaslu's windows, closed when it forwarded
            ("penanganan_bawaslu_tambahan_pilkada", True),
            ("tindak_lanjut_ppk", True),
        ]


def test_a_step_after_a_record_late_deadline_is_allowed_and_logged_as_late(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    late_day = seeded.calendar.add_working_days(date(2024, 10, 21), 31)
    result = step(seeded, ref, "tindak_lanjuti", "bkpsdm", late_day)
    assert result.late == ["tindak_lanjut_ppk"]
    assert result.event.late == ["tindak_lanjut_ppk"]


def test_the_case_opens_under_the_workflow_version_of_its_report_date(seeded: App) -> None:
    old = open_case(
        seeded, contest="PEMILU-2024", act_date=date(2023, 12, 1), reported_on=date(2023, 12, 5)
    )
    new = open_case(seeded)
    with session_scope(seeded.db) as session:
        versions = {c.reference: c.workflow_version for c in session.exec(select(Case)).all()}
    assert versions == {old: "skb-2022", new: "bkn-2024"}


def test_a_pinned_case_keeps_its_version_for_every_later_step(seeded: App) -> None:
    ref = open_case(
        seeded, contest="PEMILU-2024", act_date=date(2023, 12, 1), reported_on=date(2023, 12, 5)
    )
    result = step(seeded, ref, "kaji", "bawaslu", date(2024, 10, 1) + timedelta(days=1))
    assert result.event.workflow_version == "skb-2022"
    assert result.workflow.supervisory_body == "kasn"
