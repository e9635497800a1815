"""Appeals (PP 79/2021) through the service layer on both databases: a ringan decision is open
to keberatan and its decree says so, the keberatan forum is resolved for the official who
decided, a late keberatan is recorded late, `case show` stops offering a banding once its
strict window closed, and the outcomes replace the sanction (its period run from the appeal
decision) or annul it, each issuing its letters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import views
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, Letter
from sanctions.errors import GuardFailed, InputError
from tests.factories import BPASN_CODE, open_case, recommended, s, seed, snapshot, step, walk
from tests.letterdata import BKPSDM_RECEIVER, BPASN_RECEIVER, sample_letter_data
from tests.officer import TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("appeals.seeded", app, seed)  # seeded once, copied into each test
    return app


def delivered(app: App, level: str, sanction: str, violations: tuple[str, ...], **kw: str) -> str:
    """A teacher's case decided with `sanction` and handed over on 25 Nov 2024."""
    ref = open_case(app, violations=violations, act_date=date(2024, 10, 3))
    team = [s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS)]
    walk(
        app,
        ref,
        [
            *recommended(level, **({"reason": "Pertimbangan Satgas"} if level == "ringan" else {})),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            *(team if level in ("sedang", "berat", "pemberhentian") else []),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction=sanction),
            s("putuskan", "bupati", "2024-11-20", sanction=sanction, **kw),
            s("serahkan", "bkpsdm", "2024-11-25"),
        ],
    )
    return ref


def letters_of(app: App, ref: str) -> dict[str, dict[str, Any]]:
    with session_scope(app.db) as session:
        case_id = session.exec(select(Case.id).where(Case.reference == ref)).one()
        rows = session.exec(
            select(Letter).where(Letter.case_id == case_id).order_by(col(Letter.id))
        ).all()
        return {x.kind: x.context for x in rows}


def facts_of(app: App, ref: str) -> dict[str, str]:
    with session_scope(app.db) as session:
        return dict(session.exec(select(Case).where(Case.reference == ref)).one().facts)


def test_a_ringan_decree_offers_keberatan_and_a_keberatan_against_it_is_taken(
    seeded: App,
) -> None:
    ref = delivered(seeded, "ringan", "R-2", ("DIS-02",), official="ppk", authority_reason="x")
    appeal = letters_of(seeded, ref)["sk_hukuman_disiplin"]["data"]["appeal"]
    assert appeal["route"] == "keberatan"
    # decided by the PPK (a regency's sekolah without a pengawas): the forum is the PPK [U]
    assert appeal["to"] == "Pejabat Pembina Kepegawaian yang menetapkan keputusan"
    written = step(seeded, ref, "ajukan_keberatan", "bkpsdm", date(2024, 11, 28), reason="x")
    assert written.case.state == "keberatan"


def test_the_keberatan_forum_of_an_administrators_decision_is_the_officials_superior(
    seeded: App,
) -> None:
    ref = delivered(seeded, "sedang", "S-1T", ("DIS-03",))
    assert facts_of(seeded, ref)["official"] == "administrator"
    appeal = letters_of(seeded, ref)["sk_hukuman_disiplin"]["data"]["appeal"]
    assert appeal["to"] == (
        "Pejabat Pimpinan Tinggi Pratama selaku atasan Pejabat yang Berwenang Menghukum"
    )
    with session_scope(seeded.db) as session:
        view = views.show_case(seeded, session, ref, actor="bupati", on=date(2024, 11, 26))
    assert view.authority is not None and view.authority.appeal_forum is not None
    assert view.authority.appeal_forum.startswith("Pejabat Pimpinan Tinggi Pratama selaku")


def test_a_keberatan_filed_after_the_unconfirmed_window_is_recorded_late_not_refused(
    seeded: App,
) -> None:
    ref = delivered(seeded, "berat", "B-1", ("DIS-02",))
    late = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    written = step(seeded, ref, "ajukan_keberatan", "bkpsdm", late, reason="x")
    assert written.case.state == "keberatan"
    assert written.late == ["batas_keberatan"]


def test_case_show_stops_offering_a_banding_the_day_after_its_window_closed(
    seeded: App,
) -> None:
    ref = delivered(seeded, "pemberhentian", "PTDH", ("DIS-05",))
    last_day = seeded.calendar.add_working_days(date(2024, 11, 25), 14)

    def banding_on(on: date) -> views.Option:
        with session_scope(seeded.db) as session:
            view = views.show_case(seeded, session, ref, actor="bkpsdm", on=on)
        return next(o for o in view.options if o.transition.trigger == "ajukan_banding")

    assert banding_on(last_day).allowed
    closed = banding_on(last_day + timedelta(days=1))
    assert not closed.allowed
    assert any("the time limit ended on " + last_day.isoformat() in r for r in closed.reasons)


def test_a_keberatan_that_lightens_the_sanction_replaces_it_and_restarts_its_period(
    seeded: App,
) -> None:
    ref = delivered(seeded, "berat", "B-2", ("DIS-02",))
    step(seeded, ref, "ajukan_keberatan", "bkpsdm", date(2024, 11, 28), reason="x")
    decided = date(2024, 12, 16)
    written = step(
        seeded, ref, "ubah_keberatan", "sekda", decided, outcome="memperingan", sanction="B-1"
    )
    facts = written.case.facts
    assert (written.case.state, facts["sanction"]) == ("berlaku", "B-1")
    assert facts["hukuman_sebelum_keberatan"] == "B-2"
    # B-1 runs 12 months from the appeal decision, not from the original decree
    end = decided.replace(year=decided.year + 1) - timedelta(days=1)
    assert facts["masa_hukuman_sampai"] == end.isoformat()
    assert [x.kind for x in written.letters] == ["keputusan_keberatan", "laporan_tindak_lanjut"]
    decree, report = (x.context for x in written.letters)
    assert decree["data"]["outcome"] == "memperingan"
    assert decree["sanction"]["code"] == "B-1"
    assert decree["data"]["objection_date"] == {"$date": "2024-11-28"}  # stored context
    assert report["data"]["appeal_decision_number"] == written.letters[0].number


def test_an_outcome_contradicting_the_sanction_it_names_is_refused_and_nothing_changes(
    seeded: App,
) -> None:
    ref = delivered(seeded, "berat", "B-2", ("DIS-02",))
    step(seeded, ref, "ajukan_keberatan", "bkpsdm", date(2024, 11, 28), reason="x")
    before = snapshot(seeded)
    with pytest.raises(GuardFailed, match="memperberat replaces B-2 with a heavier sanction"):
        step(
            seeded, ref, "ubah_keberatan", "sekda", date(2024, 12, 16),
            outcome="memperberat", sanction="B-1",
        )  # fmt: skip
    with pytest.raises(GuardFailed, match="mengubah changes the form of the sanction within"):
        step(
            seeded, ref, "ubah_keberatan", "sekda", date(2024, 12, 16),
            outcome="mengubah", sanction="S-1T",
        )  # fmt: skip
    assert snapshot(seeded) == before


def test_an_annulled_decision_restores_rights_and_tells_the_body_to_lift_the_block(
    seeded: App,
) -> None:
    ref = delivered(seeded, "berat", "B-1", ("DIS-02",))
    step(seeded, ref, "ajukan_keberatan", "bkpsdm", date(2024, 11, 28), reason="x")
    written = step(
        seeded, ref, "batalkan_keputusan", "sekda", date(2024, 12, 16), reason="Tidak terbukti"
    )
    assert written.case.state == "dianulir"
    assert [x.kind for x in written.letters] == ["keputusan_keberatan", "pemberitahuan_pembatalan"]
    decree, notice = (x.context for x in written.letters)
    assert decree["data"]["outcome"] == "membatalkan"
    assert notice["data"]["appeal_decision_number"] == written.letters[0].number
    assert "blocking_requested" not in notice["data"]  # no block was requested on this case


def test_the_ppks_answer_to_bpasn_is_its_own_step_with_its_letter_and_deadline(
    seeded: App,
) -> None:
    ref = delivered(seeded, "pemberhentian", "PTDH", ("DIS-05",))
    step(seeded, ref, "ajukan_banding", "bkpsdm", date(2024, 11, 28), reason="x")
    with session_scope(seeded.db) as session:
        view = views.show_case(seeded, session, ref, actor="bupati", on=date(2024, 11, 29))
    [deadline] = [d.deadline for d in view.deadlines]
    assert deadline.name == "tanggapan_ppk"
    late = seeded.calendar.add_working_days(date(2024, 11, 28), 22)
    written = step(seeded, ref, "tanggapi_banding", "bupati", late)
    assert written.case.state == "banding_ditanggapi"
    assert written.late == ["tanggapan_ppk"]  # the PPK answered late: recorded, not refused
    [answer] = written.letters
    assert answer.kind == "tanggapan_banding"
    assert answer.context["addressee"]["name"] == "Ketua Badan Pertimbangan Aparatur Sipil Negara"


def test_bpasn_decides_without_the_ppks_answer_and_its_change_is_reported(seeded: App) -> None:
    ref = delivered(seeded, "pemberhentian", "PTDH", ("DIS-05",))
    step(seeded, ref, "ajukan_banding", "bkpsdm", date(2024, 11, 28), reason="x")
    # BPASN's own decision is not governed by the PPK's 21 days: not recorded late
    decided = seeded.calendar.add_working_days(date(2024, 11, 28), 40)
    written = step(
        seeded, ref, "ubah_banding", "bpasn", decided,
        outcome="memperingan", sanction="B-2", bpasn_number="012/BPASN/2025",
    )  # fmt: skip
    assert written.late == []
    assert (written.case.state, written.case.facts["sanction"]) == ("berlaku", "B-2")
    [report] = written.letters
    assert report.context["data"]["bpasn_decision_number"] == "012/BPASN/2025"


@pytest.mark.parametrize(
    ("case_of", "trigger", "receipt"),
    [
        (("ringan", "R-2", ("DIS-02",)), "ajukan_keberatan", "tanda_terima_keberatan"),
        (("pemberhentian", "PTDH", ("DIS-05",)), "ajukan_banding", "tanda_terima_banding"),
    ],
)
def test_an_appeal_receipt_is_signed_by_the_officer_who_received_it_never_the_bupati(
    seeded: App, case_of: tuple[str, str, tuple[str, ...]], trigger: str, receipt: str
) -> None:
    level, sanction, violations = case_of
    extra = {"official": "ppk", "authority_reason": "x"} if level == "ringan" else {}
    ref = delivered(seeded, level, sanction, violations, **extra)
    before = snapshot(seeded)
    # the receipt's data without its receiver: every missing value at once, nothing written
    values = sample_letter_data([receipt], on=date(2024, 11, 28))
    del values[receipt]["receiver"]
    with pytest.raises(InputError) as refused:
        step(seeded, ref, trigger, "bkpsdm", date(2024, 11, 28), values, reason="x")
    assert (
        f"  {receipt}: missing receiver.name (text), receiver.nip (nip), receiver.position "
        "(text)" in str(refused.value).splitlines()
    )
    assert snapshot(seeded) == before
    written = step(seeded, ref, trigger, "bkpsdm", date(2024, 11, 28), reason="x")
    [letter] = written.letters
    assert letter.kind == receipt
    banding = receipt == "tanda_terima_banding"
    receiver = BPASN_RECEIVER if banding else BKPSDM_RECEIVER
    assert letter.context["signer"] == {
        "title": receiver["position"],
        "name": receiver["name"],
        "nip": receiver["nip"],
        "rank": None,
    }
    assert letter.context["kop"]["style"] == "instansi"
    with session_scope(seeded.db) as session:
        issuer = session.get(Agency, letter.agency_id)
    assert issuer is not None
    if banding:  # lodged with BPASN, copied to the PPK: BPASN's kop and register
        assert issuer.code == BPASN_CODE
        assert letter.context["kop"]["lines"] == ["BADAN PERTIMBANGAN APARATUR SIPIL NEGARA"]
        assert letter.number == "1/BPASN/SET.BPASN/11/2024"
    else:  # on the BKPSDM's kop and in its berita acara register, which the officer signs for
        assert issuer.code == "SLEMAN"
        assert letter.context["kop"]["lines"][0] == "PEMERINTAH KABUPATEN SLEMAN"
        assert letter.number.endswith("/BKPSDM/2024")


def test_a_banding_recorded_by_mistake_has_its_receipt_voided_by_bpasn(seeded: App) -> None:
    from sanctions.cases.correction import correct
    from tests.factories import NOW

    ref = delivered(seeded, "pemberhentian", "PTDH", ("DIS-05",))
    [receipt] = step(
        seeded, ref, "ajukan_banding", "bkpsdm", date(2024, 11, 28), reason="x"
    ).letters
    with session_scope(seeded.db) as session:
        written, _ = correct(
            seeded, session, ref, reason="banding belum diterima", actor="bkpsdm",
            on=date(2024, 11, 29), now=NOW,
        )  # fmt: skip
        [void] = written.letters
        bpasn = session.exec(select(Agency).where(Agency.code == BPASN_CODE)).one()
    assert void.kind == "pembatalan_naskah_bpasn"
    assert void.agency_id == receipt.agency_id == bpasn.id
    assert void.context["kop"]["lines"] == ["BADAN PERTIMBANGAN APARATUR SIPIL NEGARA"]
    assert void.context["signer"]["title"] == bpasn.ppk_title
    assert void.number == "2/BPASN/SET.BPASN/11/2024"  # the next number of BPASN's register
    assert void.context["data"]["voided_number"] == receipt.number
