"""Forming the Tim Pemeriksa and the Majelis Kode Etik on both databases: an invalid
composition or the old free-text form is refused with the rule in words and nothing changes;
a valid one is recorded as structured members that the decree, the BAP, the summons and the
LHP then print."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import pytest

from sanctions.app import App
from sanctions.cases import composition, drafts
from sanctions.db import session_scope
from sanctions.errors import GuardFailed, InputError, InvalidNip, SanctionsError
from tests.factories import PPPK_NIP, open_case, recommended, s, seed, snapshot, step, walk
from tests.letterdata import sample_letter_data
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("composition.seeded", app, seed)  # seeded once, copied into each test
    return app


def followed_up(app: App) -> str:
    ref = open_case(app)  # DIS-02 (berat) of a PNS teacher, Penata Muda, III/a
    walk(app, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    return ref


def refused(app: App, ref: str, trigger: str, actor: str, **inputs: str) -> SanctionsError:
    before = snapshot(app)
    with pytest.raises(SanctionsError) as excinfo:
        step(app, ref, trigger, actor, date(2024, 10, 29), **inputs)
    assert snapshot(app) == before  # database and letter store as they were
    return excinfo.value


def test_a_team_with_a_member_junior_to_the_examinee_is_refused_and_nothing_changes(
    seeded: App,
) -> None:
    ref = followed_up(seeded)
    junior = TEAM_MEMBERS.replace(
        "golongan=Pembina, IV/a; unsur=pengawasan", "golongan=II/d; unsur=pengawasan"
    )
    error = refused(seeded, ref, "bentuk_tim", "bupati", members=junior)
    assert isinstance(error, GuardFailed) and error.exit_code == 5
    assert "member 2 (Ir. Wahyuni, M.M., II/d) is junior to the examinee (III/a)" in str(error)


def test_a_team_without_the_supervision_element_is_refused_naming_it(seeded: App) -> None:
    ref = followed_up(seeded)
    two = " | ".join(p for p in TEAM_MEMBERS.split(" | ") if "unsur=pengawasan" not in p)
    error = refused(seeded, ref, "bentuk_tim", "bupati", members=two)
    assert isinstance(error, GuardFailed)
    assert "the Tim Pemeriksa has no member with unsur=pengawasan" in str(error)


def test_the_old_free_text_form_is_refused_with_the_structured_form_and_exit_2(
    seeded: App,
) -> None:
    ref = followed_up(seeded)
    error = refused(seeded, ref, "bentuk_tim", "bupati", members="A;196501011990031001;Sekda")
    assert isinstance(error, InputError) and error.exit_code == 2
    assert "the old form 'nama;NIP;jabatan' is no longer accepted" in str(error)
    assert "nama=Drs. Sutrisno, M.Si.; nip=" in str(error)


def test_a_member_with_a_malformed_nip_is_refused_by_the_nip_rules(seeded: App) -> None:
    ref = followed_up(seeded)
    bad = TEAM_MEMBERS.replace("nip=197002021995032002", "nip=197013021995032002")
    error = refused(seeded, ref, "bentuk_tim", "bupati", members=bad)
    assert isinstance(error, InvalidNip)
    assert str(error).startswith("members[2]: NIP 197013021995032002: digits 1-8")


def test_a_panel_of_four_is_refused_and_nothing_changes(seeded: App) -> None:
    ref = open_case(seeded, violations=("ETK-01",), act_date=date(2024, 9, 2))
    walk(seeded, ref, recommended("moral"))
    four = PANEL_MEMBERS.rsplit(" | ", 1)[0]
    error = refused(seeded, ref, "bentuk_majelis", "bkpsdm", members=four)
    assert isinstance(error, GuardFailed)
    assert "at least 3 anggota besides the ketua and the sekretaris (given: 2)" in str(error)
    assert "odd number of members (given: 4)" in str(error)


def test_a_valid_team_is_recorded_structured_and_every_later_letter_prints_it(
    seeded: App,
) -> None:
    ref = followed_up(seeded)
    formed = step(seeded, ref, "bentuk_tim", "bupati", date(2024, 10, 29), members=TEAM_MEMBERS)
    recorded = json.loads(formed.case.facts["members"])
    assert [m["element"] for m in recorded] == ["atasan_langsung", "pengawasan", "kepegawaian"]
    assert recorded[0]["nip"] == "196803151994031005"
    [decree] = formed.letters
    rows = decree.context["data"]["team"]
    assert [(r["name"], r["rank"], r["role"], r["element"]) for r in rows] == [
        ("Drs. Sutrisno, M.Pd.", "Pembina Tingkat I, IV/b", "Ketua merangkap Anggota",
         "unsur atasan langsung"),
        ("Ir. Wahyuni, M.M.", "Pembina, IV/a", "Anggota", "unsur pengawasan"),
        ("Bambang Riyadi, S.H.", "Pembina, IV/a", "Sekretaris merangkap Anggota",
         "unsur kepegawaian"),
    ]  # fmt: skip
    # The summons names the team's chair; the BAP lists the team (no examiners given).
    summons_data = sample_letter_data(["surat_panggilan_1"])
    del summons_data["surat_panggilan_1"]["examiner"]
    summoned = step(
        seeded, ref, "panggil", "tim", date(2024, 10, 30), letter_data=summons_data,
        examination_date="2024-11-11",
    )  # fmt: skip
    assert summoned.letters[0].context["data"]["examiner"]["name"] == "Drs. Sutrisno, M.Pd."
    bap_data = sample_letter_data(["bap"])
    del bap_data["bap"]["examiners"]
    examined = step(seeded, ref, "periksa", "tim", date(2024, 11, 11), letter_data=bap_data)
    examiners = examined.letters[0].context["data"]["examiners"]
    assert [e["nip"] for e in examiners] == [m["nip"] for m in recorded]
    lhp = step(seeded, ref, "susun_lhp", "tim", date(2024, 11, 15), sanction="B-1").letters[0]
    assert [r["nip"] for r in lhp.context["data"]["team"]] == [m["nip"] for m in recorded]


def test_a_team_for_an_involved_superior_seats_the_next_superior_with_the_reason_recorded(
    seeded: App,
) -> None:
    ref = followed_up(seeded)
    replaced = TEAM_MEMBERS.replace("unsur=atasan_langsung", "unsur=pejabat_lain")
    reason = "kepala sekolah hadir dalam kegiatan kampanye yang sama"
    formed = step(
        seeded, ref, "bentuk_tim", "bupati", date(2024, 10, 29), members=replaced,
        superior_involved=reason,
    )  # fmt: skip
    assert formed.event.inputs["superior_involved"] == reason
    [chair, *_] = formed.letters[0].context["data"]["team"]
    assert chair["element"] == composition.ELEMENTS["pejabat_lain"]


def test_a_valid_panel_is_recorded_and_printed_with_its_places(seeded: App) -> None:
    ref = open_case(seeded, violations=("ETK-01",), act_date=date(2024, 9, 2))
    walk(seeded, ref, recommended("moral"))
    formed = step(
        seeded, ref, "bentuk_majelis", "bkpsdm", date(2024, 10, 28), members=PANEL_MEMBERS
    )
    rows = formed.letters[0].context["data"]["members"]
    assert [r["role"] for r in rows] == [
        "Ketua merangkap Anggota",
        "Sekretaris merangkap Anggota",
        "Anggota",
        "Anggota",
        "Anggota",
    ]
    assert not [w for w in formed.warnings if "golongan" in w]  # PNS ranks, all compared


def test_a_team_for_a_pppk_examinee_is_formed_with_a_warning_not_a_refusal(seeded: App) -> None:
    ref = open_case(seeded, nip=PPPK_NIP)  # recorded without a PPPK golongan (I..XVII)
    walk(seeded, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    formed = step(seeded, ref, "bentuk_tim", "bupati", date(2024, 10, 29), members=TEAM_MEMBERS)
    assert formed.case.state == "tim_dibentuk"
    assert any("golongan is not recorded" in w for w in formed.warnings)


def test_the_letter_template_of_the_forming_step_shows_the_structured_members(
    seeded: App,
) -> None:
    with session_scope(seeded.db) as session:
        text = drafts.template(
            seeded, session, "bentuk_tim", reference=None, state=None, on=date(2024, 10, 29)
        )
    assert "# step input members (--set members=" in text
    assert "#   unsur=atasan_langsung | pengawasan | kepegawaian | pejabat_lain" in text
    assert "#   golongan=golongan ruang" in text
    assert "# superior_involved (--set superior_involved=…, optional)" in text
