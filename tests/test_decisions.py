"""The decision and its delivery on both databases: a decision posted to the last known
address issues the covering letter and no berita acara of a hand-over, and the sanction's
period runs from the legal effective date, not from the day an officer records it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.cases.changes import Written
from sanctions.cases.drafts import letter_needs
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.errors import GuardFailed, InputError, NotFound, TransitionNotAllowed
from sanctions.letters.context import from_json
from sanctions.letters.render import render_html
from tests.factories import (
    add_unit_office,
    open_case,
    recommended,
    s,
    seed,
    snapshot,
    step,
    walk,
    walk_together,
)
from tests.letterdata import SUPERIOR, WITNESSES, sample_letter_data
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("decisions.seeded", app, seed)  # seeded once, copied into each test
    return app


SUMMONED = [
    *recommended("berat"),
    s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
    s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
    s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
]
DECIDED = [
    *SUMMONED,
    s("periksa", "tim", "2024-11-11"),
    s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
    s("putuskan", "bupati", "2024-11-20", sanction="B-1"),
]


def summoned(app: App) -> str:
    """A case recommended berat, its team formed and the employee summoned for 11 November."""
    ref = open_case(app, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(app, ref, SUMMONED)
    return ref


def decided(app: App) -> str:
    ref = open_case(app, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(app, ref, DECIDED)
    return ref


def decided_together(app: App, count: int) -> list[str]:
    """`count` cases reported on one day and decided side by side, step by step."""
    refs = [
        open_case(app, violations=("DIS-02",), act_date=date(2024, 10, 3)) for _ in range(count)
    ]
    walk_together(app, [(ref, DECIDED) for ref in refs])
    return refs


def test_a_decision_posted_to_the_last_address_issues_the_covering_letter_only(
    seeded: App,
) -> None:
    ref, other = decided_together(seeded, 2)
    written = step(seeded, ref, "kirim_ke_alamat", "bkpsdm", date(2024, 11, 29))
    assert written.case.state == "disampaikan"
    assert [x.kind for x in written.letters] == ["surat_pengantar_keputusan"]
    handed = step(seeded, other, "serahkan", "bkpsdm", date(2024, 11, 29))
    assert [x.kind for x in handed.letters] == ["ba_penyampaian_keputusan"]


def test_a_sanction_recorded_late_runs_from_its_legal_effective_date(seeded: App) -> None:
    ref = decided(seeded)
    step(seeded, ref, "serahkan", "bkpsdm", date(2024, 11, 25))
    effective = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    recorded = effective + timedelta(days=40)  # the officer records it weeks later
    written = step(seeded, ref, "nyatakan_berlaku", "bkpsdm", recorded)
    end = effective.replace(year=effective.year + 1) - timedelta(days=1)
    assert written.case.facts["masa_hukuman_sampai"] == end.isoformat()


def test_a_violation_the_examination_did_not_prove_ends_without_a_sanction(seeded: App) -> None:
    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(
        seeded,
        ref,
        [
            *SUMMONED,
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
        ],
    )
    written = step(
        seeded, ref, "nyatakan_tidak_terbukti_pemeriksaan", "bupati", date(2024, 11, 20),
        reason="unggahan tidak dapat dibuktikan dibuat oleh yang bersangkutan",
    )  # fmt: skip
    assert written.case.state == "tidak_terbukti_pemeriksaan"
    [notice] = written.letters
    assert notice.kind == "pemberitahuan_tidak_terbukti"
    assert notice.context["data"]["finding"] == "tidak_terbukti"
    assert notice.context["data"]["lhp_number"]  # the LHP is cited
    assert notice.context["data"]["considerations"].startswith("unggahan tidak dapat")


def test_the_ethics_panel_may_declare_the_employee_not_guilty(seeded: App) -> None:
    ref = open_case(seeded, violations=("ETK-02",), act_date=date(2024, 9, 2))
    walk(
        seeded,
        ref,
        [
            *recommended("moral"),
            s("bentuk_majelis", "bkpsdm", "2024-10-28", members=PANEL_MEMBERS),
            s("sidangkan", "majelis", "2024-11-05"),
        ],
    )
    written = step(
        seeded, ref, "nyatakan_tidak_bersalah", "bupati", date(2024, 11, 12),
        reason="yang bersangkutan hadir sebagai warga, tanpa atribut ASN",
    )  # fmt: skip
    assert written.case.state == "tidak_bersalah"
    [notice] = written.letters
    assert notice.context["data"]["finding"] == "tidak_bersalah"


def test_a_temporary_release_is_a_fact_from_the_examination_ended_by_the_decision(
    seeded: App,
) -> None:
    ref = summoned(seeded)
    with session_scope(seeded.db) as session:
        case = views.case_by_reference(session, ref)
        due_before = [(d.name, d.due_date) for d in cases.open_deadlines(session, case)]
    with session_scope(seeded.db) as session:
        add_unit_office(session)  # the school, whose head is the employee's direct superior
    released = step(
        seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 1),
        acting_official="Wakil Kepala Sekolah Bidang Kurikulum",
    )  # fmt: skip
    assert released.case.state == "panggilan_1"  # the case stays where it is
    assert released.case.facts["bebaskan_sementara_on"] == "2024-11-01"
    [decree] = released.letters
    assert decree.kind == "sk_pembebasan_sementara"
    assert decree.context["signer"]["name"] == SUPERIOR["name"]  # the direct superior signs
    # ... on the kop of the superior's office, numbered in its register, not the BKPSDM's
    assert decree.context["kop"]["lines"] == ["PEMERINTAH KABUPATEN SLEMAN", "SMP NEGERI 1 SLEMAN"]
    assert decree.number.endswith("/SMPN1/2024")
    assert decree.context["data"]["start_date"] == {"$date": "2024-11-01"}
    with session_scope(seeded.db) as session:
        case = views.case_by_reference(session, ref)
        assert [(d.name, d.due_date) for d in cases.open_deadlines(session, case)] == due_before
    with pytest.raises(GuardFailed, match="released from duty since 2024-11-01"):
        step(seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 4), acting_official="X")
    walk(
        seeded,
        ref,
        [
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
            s("putuskan", "bupati", "2024-11-20", sanction="B-1"),
        ],
    )
    assert facts_of(seeded, ref)["pembebasan_sementara_berakhir_on"] == "2024-11-20"
    with pytest.raises(TransitionNotAllowed):
        step(seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 21), acting_official="X")


def test_no_temporary_release_where_no_berat_sanction_is_likely(seeded: App) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 10, 3))
    walk(
        seeded,
        ref,
        [
            *recommended("sedang"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
        ],
    )
    with pytest.raises(GuardFailed, match="where a berat or pemberhentian sanction is likely"):
        step(seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 1), acting_official="X")


def facts_of(app: App, ref: str) -> dict[str, str]:
    with session_scope(app.db) as session:
        return dict(views.case_by_reference(session, ref).facts)


def test_a_criminal_referral_to_gakkumdu_is_a_flag_recorded_at_any_stage(seeded: App) -> None:
    ref = decided(seeded)
    written = step(
        seeded, ref, "catat_rujukan_pidana", "bawaslu", date(2024, 11, 21),
        criminal_referral_number="012/PP.01.02/K.YO-04/11/2024",
        criminal_referral_date="2024-11-19",
    )  # fmt: skip
    assert written.case.state == "diputus" and written.letters == []
    assert written.case.facts["criminal_referral_number"] == "012/PP.01.02/K.YO-04/11/2024"
    assert written.case.facts["criminal_referral_date"] == "2024-11-19"
    with pytest.raises(InputError, match="criminal_referral_date: not a date"):
        step(
            seeded, ref, "catat_rujukan_pidana", "bawaslu", date(2024, 11, 21),
            criminal_referral_number="x", criminal_referral_date="19/11/2024",
        )  # fmt: skip


def test_a_bap_the_examinee_refused_to_sign_still_stands_and_records_the_copy(
    seeded: App,
) -> None:
    ref = summoned(seeded)
    written = step(
        seeded, ref, "periksa", "tim", date(2024, 11, 11),
        examinee_signed="tidak", copy_handed_on="2024-11-11",
    )  # fmt: skip
    [bap] = written.letters
    assert bap.context["data"]["examinee_refused"] is True
    assert bap.context["data"]["copy_handed_on"] == {"$date": "2024-11-11"}


def test_the_ethics_panel_may_also_recommend_a_disciplinary_measure(seeded: App) -> None:
    ref = open_case(seeded, violations=("ETK-02",), act_date=date(2024, 9, 2))
    walk(
        seeded,
        ref,
        [
            *recommended("moral"),
            s("bentuk_majelis", "bkpsdm", "2024-10-28", members=PANEL_MEMBERS),
            s("sidangkan", "majelis", "2024-11-05"),
            s(
                "jatuhkan_sanksi_moral", "bupati", "2024-11-12",
                sanction="MOR-T", panel_recommends_discipline="ya",
            ),
        ],
    )  # fmt: skip
    written = step(seeded, ref, "lanjutkan_disiplin", "bupati", date(2024, 11, 13), level="sedang")
    assert (written.case.state, written.case.facts["level"]) == ("ditindaklanjuti", "sedang")
    assert written.case.facts["sanction"] == "MOR-T"  # the moral sanction stays on record


def test_bawaslus_handling_window_follows_the_kind_of_contest(seeded: App) -> None:
    def windows(contest: str, act: date, reported: date) -> dict[str, date]:
        ref = open_case(
            seeded, violations=("DIS-02",), act_date=act, reported_on=reported, contest=contest
        )
        step(seeded, ref, "kaji", "bawaslu", reported)
        with session_scope(seeded.db) as session:
            case = views.case_by_reference(session, ref)
            return {d.name: d.due_date for d in cases.open_deadlines(session, case)}

    pilkada = windows("PILKADA-SLEMAN-2024", date(2024, 10, 3), date(2024, 10, 7))
    assert pilkada == {
        "penanganan_bawaslu_pilkada": date(2024, 10, 10),  # 3 calendar days
        "penanganan_bawaslu_tambahan_pilkada": date(2024, 10, 12),  # 2 more
    }
    pemilu = windows("PEMILU-2024", date(2023, 11, 20), date(2023, 12, 4))
    assert pemilu["penanganan_bawaslu_pemilu"] == date(2023, 12, 11)  # 7 days
    assert pemilu["penanganan_bawaslu_tambahan_pemilu"] == seeded.calendar.add_working_days(
        date(2023, 12, 4), 14
    )


def test_the_upload_to_siasn_is_recorded_as_a_fact_with_its_date(seeded: App) -> None:
    ref = decided(seeded)
    written = step(
        seeded, ref, "catat_unggah_siasn", "bkpsdm", date(2024, 11, 22),
        siasn_uploaded_on="2024-11-21", siasn_reference="IDIS-2024-000123",
    )  # fmt: skip
    assert written.case.state == "diputus"  # the case stays where it is
    assert written.case.facts["siasn_uploaded_on"] == "2024-11-21"
    assert written.case.facts["catat_unggah_siasn_on"] == "2024-11-22"
    assert written.letters == []


def test_case_show_says_no_kgb_or_promotion_while_a_berat_sanction_is_served(
    seeded: App,
) -> None:
    ref = decided(seeded)
    step(seeded, ref, "serahkan", "bkpsdm", date(2024, 11, 25))
    effective = seeded.calendar.add_working_days(date(2024, 11, 25), 15)
    step(seeded, ref, "nyatakan_berlaku", "bkpsdm", effective)
    with session_scope(seeded.db) as session:
        view = views.show_case(seeded, session, ref, actor="bkpsdm", on=effective)
    assert view.serving_effects is not None
    assert "no periodic salary raise (KGB) and no promotion while B-1" in view.serving_effects


def test_a_temporary_release_is_refused_when_the_superior_s_office_is_not_an_issuer(
    seeded: App,
) -> None:
    """Its kop, its number series and its signer belong together: with the employee's unit
    not registered, the release is refused rather than printed on the BKPSDM's letterhead."""
    ref = summoned(seeded)
    # the case shows the step with the office to name, and shows it without failing
    with session_scope(seeded.db) as session:
        view = views.show_case(seeded, session, ref, actor="atasan", on=date(2024, 11, 1))
        [release] = [o for o in view.options if o.transition.trigger == "bebaskan_sementara"]
        needs = letter_needs(seeded, session, view.case, release.transition, on=date(2024, 11, 1))
    assert needs == ["sk_pembebasan_sementara (signer.office)"]
    before = snapshot(seeded)
    with pytest.raises(NotFound) as refused:
        step(seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 1), acting_official="X")
    assert str(refused.value) == (
        "sk_pembebasan_sementara is signed by the direct superior on the kop and in the number "
        "series of their office, and the employee's unit 'SMP Negeri 1 Sleman' is not "
        "registered as an issuer: register the office (`sanctions agency add --code CODE --name "
        '"SMP Negeri 1 Sleman" ...`) or name a registered one in the letter data '
        "(sk_pembebasan_sementara: signer: {title, name, nip, rank, office: CODE}); the letter "
        "is not printed on another office's letterhead"
    )
    assert snapshot(seeded) == before
    # an office named in the letter data that is not registered is refused by its code too
    named = {"sk_pembebasan_sementara": {"signer": {**SUPERIOR, "office": "SMPN9"}}}
    with pytest.raises(NotFound, match=r"signer\.office 'SMPN9' is not a registered issuer"):
        step(seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 1), named,
             acting_official="X")  # fmt: skip
    assert snapshot(seeded) == before


def _absence_record(app: App, letters: Sequence[Letter]) -> tuple[Letter, str]:
    """The absence record among `letters`, and its words as printed."""
    [record] = [x for x in letters if x.kind == "ba_ketidakhadiran"]
    page = render_html(app.letters_env, record.kind, from_json(record.context))
    return record, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _summoned_to_the_inspectorate(app: App) -> str:
    ref = open_case(app, violations=("DIS-02",), act_date=date(2024, 10, 3))
    summons = s("panggil", "tim", "2024-10-30", examination_date="2024-11-11",
                examination_time="09.00 WIB",
                examination_place="Ruang Rapat Inspektorat Kabupaten Sleman")  # fmt: skip
    walk(app, ref, [*SUMMONED[:-1], summons])
    return ref


def _absent(app: App, ref: str, on: date) -> Written:
    """The absence recorded with the second summons on `on`, which sets a new examination
    elsewhere; the record's values the case knows are not typed."""
    data = {
        "ba_ketidakhadiran": {"recorded_time": "12.00 WIB", "witnesses": WITNESSES},
        **sample_letter_data(["surat_panggilan_2"], on=on),
    }
    return step(app, ref, "panggil_ulang", "tim", on, data, examination_date="2024-11-25",
                examination_time="13.00 WIB",
                examination_place="Aula Dinas Pendidikan")  # fmt: skip


def test_an_absence_recorded_days_later_names_the_examination_missed_not_today(
    seeded: App,
) -> None:
    """The first summons set the examination for Monday 11 November at 09.00 in the
    Inspectorate; the absence is recorded on the Wednesday with the second summons. The
    record said "pada hari ini" of the Wednesday and printed the new examination's time and
    place, and the summons it answers was typed by hand."""
    ref = _summoned_to_the_inspectorate(seeded)
    written = _absent(seeded, ref, date(2024, 11, 13))
    record, text = _absence_record(seeded, written.letters)
    [summons] = [x for x in _letters(seeded, ref) if x.kind == "surat_panggilan_1"]
    assert record.issued_on == date(2024, 11, 13)
    assert "Pada hari ini Rabu tanggal tiga belas bulan November" in text
    assert (
        f"dengan Surat Panggilan I Nomor {summons.number} tanggal 30 Oktober 2024 untuk "
        "diperiksa pada hari Senin tanggal 11 November 2024 pukul 09.00 WIB bertempat di Ruang "
        "Rapat Inspektorat Kabupaten Sleman, tidak hadir tanpa alasan yang sah sampai dengan "
        "pukul 12.00 WIB pada hari itu."
    ) in text
    assert "hari ini pukul" not in text and "Aula Dinas Pendidikan" not in text


def test_an_absence_recorded_on_the_day_says_pada_hari_ini_of_that_examination(
    seeded: App,
) -> None:
    ref = _summoned_to_the_inspectorate(seeded)
    written = _absent(seeded, ref, date(2024, 11, 11))
    _, text = _absence_record(seeded, written.letters)
    assert "Pada hari ini Senin tanggal sebelas bulan November" in text
    assert "bertempat di Ruang Rapat Inspektorat Kabupaten Sleman," in text
    assert "untuk diperiksa pada hari ini pukul 09.00 WIB di tempat tersebut" in text
    assert "Aula Dinas Pendidikan" not in text and "13.00" not in text


def _letters(app: App, ref: str) -> list[Letter]:
    with session_scope(app.db) as session:
        case = views.case_by_reference(session, ref)
        return list(session.exec(select(Letter).where(Letter.case_id == case.id)).all())


def test_an_absence_recorded_again_after_a_voided_second_summons_answers_the_first(
    seeded: App,
) -> None:
    from sanctions.cases.correction import correct
    from tests.factories import NOW

    ref = _summoned_to_the_inspectorate(seeded)
    _absent(seeded, ref, date(2024, 11, 12))
    with session_scope(seeded.db) as session:  # the second summons was sent by mistake
        correct(seeded, session, ref, reason="tanggal keliru", actor="tim",
                on=date(2024, 11, 13), now=NOW)  # fmt: skip
    written = _absent(seeded, ref, date(2024, 11, 13))
    record, text = _absence_record(seeded, written.letters)
    [summons] = [x for x in _letters(seeded, ref) if x.kind == "surat_panggilan_1"]
    assert record.context["data"]["summons_number"] == summons.number
    assert "dengan Surat Panggilan I Nomor" in text and "pada hari Senin tanggal 11" in text


def test_the_second_summons_asks_for_the_missed_examinations_place_not_the_new_one(
    seeded: App,
) -> None:
    """The first summons named no time or place (they were in its letter data): the absence
    record asks for them, and the second summons' own inputs (its new examination) do not
    count as giving them."""
    ref = summoned(seeded)  # the summons step named only the examination's date
    with session_scope(seeded.db) as session:
        view = views.show_case(seeded, session, ref, actor="tim", on=date(2024, 11, 12))
        [again] = [o for o in view.options if o.transition.trigger == "panggil_ulang"]
        needs = letter_needs(seeded, session, view.case, again.transition, on=date(2024, 11, 12))
    [absence] = [x for x in needs if x.startswith("ba_ketidakhadiran")]
    assert "exam_time" in absence and "exam_place" in absence
    assert "summons_number" not in absence and "exam_date" not in absence  # the case knows
    data = {"ba_ketidakhadiran": {"recorded_time": "12.00 WIB", "witnesses": WITNESSES},
            **sample_letter_data(["surat_panggilan_2"], on=date(2024, 11, 12))}  # fmt: skip
    with pytest.raises(InputError) as refused:
        step(seeded, ref, "panggil_ulang", "tim", date(2024, 11, 12), data,
             examination_date="2024-11-25", examination_time="13.00 WIB",
             examination_place="Aula Dinas Pendidikan")  # fmt: skip
    assert (
        "  ba_ketidakhadiran: missing exam_place (text), exam_time (text)"
        in str(refused.value).splitlines()
    )
