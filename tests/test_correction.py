"""Mistakes that can be put right: `case correct` voids the last step by a compensating event
(the log stays append-only, the chain covers it), reopening the state before it and voiding
the letters it issued by numbered letters; a follow-up that happened before a reminder is
entered with its true date and a note, and the ladder stops."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases.correction import correct
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Deadline, Letter, ReminderStep
from sanctions.deadlines.reminders import run_reminders
from sanctions.errors import InputError, PermissionDenied, RuleViolation
from sanctions.letters.service import voided_by
from sanctions.registry import service as registry
from sanctions.reports import service as reports
from sanctions.trust.audit import verify
from tests.factories import (
    KNOWN_ROLES,
    NOW,
    REPORT_TO_RECOMMENDATION,
    UNIT_OFFICE_CODE,
    add_unit_office,
    open_case,
    recommended,
    s,
    seed,
    snapshot,
    step,
    walk,
)
from tests.fakes import fake_app_factory
from tests.letterdata import SUPERIOR
from tests.test_decisions import summoned
from tests.test_reminders import follow_up_due

DAY = date(2024, 12, 20)


@pytest.fixture
def seeded(app: App) -> App:
    seed(app)
    return app


def fix(app: App, reference: str, actor: str, reason: str = "salah ketik tanggal") -> Case:
    with session_scope(app.db) as session:
        written, _ = correct(app, session, reference, reason=reason, actor=actor, on=DAY, now=NOW)
        return written.case


def events(app: App, reference: str) -> list[CaseEvent]:
    with session_scope(app.db) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        return list(
            session.exec(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
            ).all()
        )


def deadlines(app: App, reference: str) -> list[tuple[str, str, bool, bool | None]]:
    """(name, state, open?, met) of every deadline of the case, in the order opened."""
    with session_scope(app.db) as session:
        rows = session.exec(
            select(Deadline)
            .join(Case, col(Case.id) == Deadline.case_id)
            .where(Case.reference == reference)
            .order_by(col(Deadline.id))
        ).all()
        return [(d.name, d.state, d.closed_seq is None, d.met) for d in rows]


def test_a_mistyped_step_is_voided_and_taken_again_with_the_right_date(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, [s("kaji", "bawaslu", "2024-12-18")])  # meant 2024-10-08
    case = fix(seeded, ref, "bawaslu")
    assert case.state == "dilaporkan"
    assert "kajian_bawaslu_on" not in case.facts
    log = events(seeded, ref)
    assert [(e.seq, e.trigger, e.source, e.dest) for e in log] == [
        (1, "buka", None, "dilaporkan"),
        (2, "kaji", "dilaporkan", "kajian_bawaslu"),
        (3, "koreksi", "kajian_bawaslu", "dilaporkan"),
    ]
    assert log[2].inputs["voids"] == "2" and log[2].note == "salah ketik tanggal"
    walk(seeded, ref, [s("kaji", "bawaslu", "2024-10-08")])
    with session_scope(seeded.db) as session:
        checked, findings = verify(session, ref)
    assert (checked, findings) == (1, [])


def test_the_letters_of_a_voided_step_are_voided_by_numbered_letters_of_their_issuer(
    seeded: App,
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    with session_scope(seeded.db) as session:
        written, voided = correct(
            seeded, session, ref, reason="tingkat rekomendasi keliru", actor="pengawas", on=DAY,
            now=NOW,
        )  # fmt: skip
        issued = session.exec(
            select(Letter).where(Letter.case_id == written.case.id, Letter.event_seq == voided.seq)
        ).all()
        voiding = written.letters
        assert [(v.kind, v.agency_id) for v in voiding] == [
            ("pembatalan_naskah_pengawas", letter.agency_id) for letter in issued
        ]
        for letter, void in zip(issued, voiding, strict=True):
            assert void.context["data"]["voided_number"] == letter.number
            assert void.context["data"]["reason"] == "tingkat rekomendasi keliru"
            assert void.number != letter.number
        assert voided_by([*issued, *voiding]) == {
            letter.number: void.number for letter, void in zip(issued, voiding, strict=True)
        }
    assert written.case.state == "klarifikasi"
    assert "level" not in written.case.facts


def test_a_correction_reopens_the_deadlines_the_step_closed_and_closes_those_it_opened(
    seeded: App,
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION)
    before = deadlines(seeded, ref)
    walk(seeded, ref, [s("rekomendasikan", "pengawas", "2024-10-21", level="berat")])
    fix(seeded, ref, "pengawas")
    after = deadlines(seeded, ref)
    assert after[: len(before)] == before  # the klarifikasi deadlines open again, as they were
    assert [d for d in after[len(before) :] if d[1] == "direkomendasikan"] == [
        ("tindak_lanjut_ppk", "direkomendasikan", False, None)  # closed, neither met nor missed
    ]


def test_only_the_roles_that_took_the_step_or_an_admin_may_correct_it(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    before = snapshot(seeded)
    with session_scope(seeded.db) as session, pytest.raises(PermissionDenied, match="pengawas"):
        correct(seeded, session, ref, reason="x", actor="bkpsdm", on=DAY, now=NOW)
    assert {k: v for k, v in snapshot(seeded).items() if k != "access_events"} == {
        k: v for k, v in before.items() if k != "access_events"
    }
    assert fix(seeded, ref, "admin").state == "klarifikasi"


def test_a_step_followed_by_another_party_s_event_is_not_corrected(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    reminded = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    run_reminders(seeded, as_of=reminded, now=NOW, actor="job", dry_run=False)
    before = snapshot(seeded)
    with session_scope(seeded.db) as session, pytest.raises(RuleViolation, match="pengingat"):
        correct(seeded, session, ref, reason="x", actor="pengawas", on=DAY, now=NOW)
    assert snapshot(seeded) == before


def test_the_opening_is_not_voided_and_a_reason_is_required(seeded: App) -> None:
    ref = open_case(seeded)
    with session_scope(seeded.db) as session:
        with pytest.raises(RuleViolation, match="opened the case"):
            correct(seeded, session, ref, reason="x", actor="admin", on=DAY, now=NOW)
        with pytest.raises(InputError, match="--reason is empty"):
            correct(seeded, session, ref, reason="  ", actor="admin", on=DAY, now=NOW)


def test_two_corrections_in_a_row_void_the_two_last_steps(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION[:2])
    fix(seeded, ref, "bawaslu")
    assert fix(seeded, ref, "bawaslu").state == "dilaporkan"
    assert [e.inputs.get("voids") for e in events(seeded, ref)][-2:] == ["3", "2"]


def test_a_voided_follow_up_is_not_counted_by_the_reports(seeded: App) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    fix(seeded, ref, "bkpsdm", reason="tindak lanjut dicatat pada perkara yang salah")
    with session_scope(seeded.db) as session:
        [_, total] = reports.follow_up(seeded, session, actor="admin", on=DAY)
    assert (total.on_time, total.not_acted, total.overdue) == (0, 1, 1)


# -- a follow-up entered after a reminder, with its true date -----------------------------------
def test_a_follow_up_before_a_reminder_is_entered_with_its_true_date_and_a_note(
    seeded: App,
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    due = follow_up_due(seeded, ref)
    reminded = seeded.calendar.add_working_days(due, 1)
    run_reminders(seeded, as_of=reminded, now=NOW, actor="job", dry_run=False)
    with pytest.raises(InputError, match="needs --note"):
        step(seeded, ref, "tindak_lanjuti", "bkpsdm", due)
    with session_scope(seeded.db) as session:
        from sanctions.cases import service

        service.advance(
            seeded, session, ref, "tindak_lanjuti", inputs={}, actor="bkpsdm", on=due, now=NOW,
            note="surat tindak lanjut tanggal jatuh tempo baru diterima setelah pengingat",
        )  # fmt: skip
    assert ("tindak_lanjut_ppk", "direkomendasikan", False, True) in deadlines(seeded, ref)
    later = seeded.calendar.add_working_days(reminded, 10)
    run_reminders(seeded, as_of=later, now=NOW, actor="job", dry_run=False)
    with session_scope(seeded.db) as session:  # the follow-up's ladder stopped at its first step
        steps = session.exec(
            select(ReminderStep.step_key)
            .join(Deadline, col(Deadline.id) == ReminderStep.deadline_id)
            .where(Deadline.state == "direkomendasikan")
        ).all()
    assert steps == ["pengingat"]
    with session_scope(seeded.db) as session:
        [_, total] = reports.follow_up(seeded, session, actor="admin", on=later)
    # acting is not the decision (issue 10): the report still counts the case overdue, as the
    # ladder of the deadline `ditindaklanjuti` re-opened does
    assert (total.on_time, total.late, total.not_acted, total.overdue) == (0, 0, 1, 1)


# -- the command line -----------------------------------------------------------------------
def test_case_correct_prints_what_it_voided_and_the_voiding_letters(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION[:2])  # teruskan issued the forwarding letter
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "l")}
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(seeded.db) as session:
        registry.add_user(
            session, actor="admin", username=me, roles=["bawaslu"], known_roles=KNOWN_ROLES,
            agency_code=None,
        )  # fmt: skip
    args = ["case", "correct", ref.lower(), "--reason", "diteruskan ke alamat yang salah"]
    result = runner.invoke(cli, [*args, "--on", "2024-12-20", "--json"], env=env,
                           obj=fake_app_factory())  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == set(JSON_SCHEMAS["case correct"])
    assert (out["voided_trigger"], out["state"]) == ("teruskan", "kajian_bawaslu")
    assert len(out["voiding_letters"]) == 1


def test_a_case_is_found_by_its_reference_in_any_case_or_its_register_number(
    seeded: App,
) -> None:
    from sanctions.cases import service, views
    from sanctions.cases.opening import OpenCaseInput
    from tests.factories import PNS_NIP
    from tests.letterdata import sample_letter_data

    with session_scope(seeded.db) as session:
        data = OpenCaseInput(
            nip=PNS_NIP,
            contest_code="PILKADA-SLEMAN-2024",
            reported_on=date(2024, 10, 7),
            act_date=date(2024, 10, 3),
            violation_codes=["DIS-02"],
            register_number="001/Reg/LP/PB/Kab/14.04/X/2024",
        )
        workflow = seeded.workflows.for_date(data.reported_on)
        given = sample_letter_data(workflow.state(workflow.initial).letters)
        ref = service.open_case(seeded, session, data, actor="bawaslu", now=NOW,
                                letter_data=given).case.reference  # fmt: skip
    with session_scope(seeded.db) as session:
        assert views.case_by_reference(session, ref.lower()).reference == ref
        found = views.case_by_reference(session, " 001/Reg/LP/PB/Kab/14.04/X/2024 ")
        assert found.reference == ref
    assert step(seeded, "001/Reg/LP/PB/Kab/14.04/X/2024", "kaji", "bawaslu",
                date(2024, 10, 8)).case.reference == ref  # fmt: skip


def test_a_voided_temporary_release_is_voided_by_the_superior_s_office_and_signer(
    seeded: App,
) -> None:
    from sanctions.cases.service import issue_on_demand

    ref = summoned(seeded)
    walk(seeded, ref, [s("periksa", "tim", "2024-11-11")])
    with session_scope(seeded.db) as session:
        add_unit_office(session)  # the school, whose head is the employee's direct superior
    release = {"signer": SUPERIOR, "acting_official": "Wakil Kepala Sekolah Bidang Kurikulum",
               "start_date": date(2024, 11, 11)}  # fmt: skip
    with session_scope(seeded.db) as session:
        decree = issue_on_demand(
            seeded, session, ref, "sk_pembebasan_sementara", on=date(2024, 11, 12),
            actor="atasan", now=NOW, given=release,
        )  # fmt: skip
    with session_scope(seeded.db) as session:
        written, _ = correct(
            seeded, session, ref, reason="pegawai tidak memenuhi syarat pembebasan", actor="atasan",
            on=date(2024, 11, 13), now=NOW,
        )  # fmt: skip
        [void] = written.letters
        school = session.exec(select(Agency).where(Agency.code == UNIT_OFFICE_CODE)).one()
    # the school voids its own decree: its kop, its register (the next number), its signer
    assert void.kind == "pembatalan_naskah_atasan"
    assert void.agency_id == decree.agency_id == school.id
    assert void.context["kop"]["lines"] == ["PEMERINTAH KABUPATEN SLEMAN", "SMP NEGERI 1 SLEMAN"]
    assert void.context["agency"]["name"] == "SMP Negeri 1 Sleman"
    assert (void.series, void.seq) == (decree.series, decree.seq + 1)
    assert void.number.endswith("/SMPN1/2024") and void.number != decree.number
    signed = {k: void.context["signer"][k] for k in ("title", "name", "nip", "rank")}
    assert signed == {k: decree.context["signer"][k] for k in ("title", "name", "nip", "rank")}
    assert signed["name"] == SUPERIOR["name"]
    assert void.context["data"]["voided_number"] == decree.number

    # a letter of the case's agency is still voided by the agency: the examination's record
    with session_scope(seeded.db) as session:
        written, voided = correct(
            seeded, session, ref, reason="pemeriksaan tercatat pada tanggal yang keliru",
            actor="admin", on=date(2024, 11, 13), now=NOW,
        )  # fmt: skip
        issued = session.exec(
            select(Letter).where(Letter.case_id == written.case.id, Letter.event_seq == voided.seq)
        ).all()
        agency = session.get(Agency, written.case.agency_id)
    assert agency is not None and [letter.kind for letter in issued] == ["bap"]
    [void] = written.letters
    assert void.kind == "pembatalan_naskah"
    assert void.agency_id == issued[0].agency_id == agency.id
    assert void.context["signer"]["title"] == agency.ppk_title  # the agency's head, the Bupati
    assert void.context["kop"]["lines"] == ["BUPATI SLEMAN"]


def test_a_temporary_release_given_by_its_step_is_voided_by_the_superior_s_office_too(
    seeded: App,
) -> None:
    """The step that releases the employee stays in its state (stays: true); it is corrected
    like any step: its facts dropped, its decree voided by the school that issued it."""
    ref = summoned(seeded)
    with session_scope(seeded.db) as session:
        add_unit_office(session)
    released = step(
        seeded, ref, "bebaskan_sementara", "atasan", date(2024, 11, 1),
        acting_official="Wakil Kepala Sekolah Bidang Kurikulum",
    )  # fmt: skip
    [decree] = released.letters
    case = fix(seeded, ref, "atasan")
    assert case.state == "panggilan_1"  # where it was: the step stayed there
    assert "bebaskan_sementara_on" not in case.facts and "acting_official" not in case.facts
    assert "panggilan_1_on" in case.facts  # the state's own fact is kept
    with session_scope(seeded.db) as session:
        [void] = session.exec(
            select(Letter).where(Letter.case_id == case.id, Letter.event_seq == case.version)
        ).all()
    assert void.kind == "pembatalan_naskah_atasan"
    assert void.agency_id == decree.agency_id
    assert (void.series, void.seq) == (decree.series, decree.seq + 1)
    assert void.context["signer"]["name"] == SUPERIOR["name"]
    # the release can be given again, rightly this time
    again = step(
        seeded, ref, "bebaskan_sementara", "atasan", date(2024, 12, 20), acting_official="Plh"
    )
    assert again.case.facts["bebaskan_sementara_on"] == "2024-12-20"
    with session_scope(seeded.db) as session:
        assert verify(session, ref) == (1, [])  # the chain, the log and state = replay hold


# -- a letter received from an issuer this installation does not host ------------------------
BKN_REQUEST = "B-77/BKN/10/2024"
BKN_VOID = "B-91/BKN/10/2024"
RECEIVED_PDF = b"%PDF-1.4\n% a letter as its sender signed it\n%%EOF\n"


def clarification_received_from_bkn(app: App) -> str:
    """A case whose clarification request was received from BKN, which is not hosted here."""
    from sanctions.cases import service
    from sanctions.letters.incoming import IncomingLetter

    with session_scope(app.db) as session:
        session.execute(text("UPDATE agencies SET hosted = :no WHERE code = 'BKN'"), {"no": False})
    ref = open_case(app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(app, ref, [s("kaji", "bawaslu", "2024-10-08"), s("teruskan", "bawaslu", "2024-10-10")])
    request = IncomingLetter(BKN_REQUEST, date(2024, 10, 14), RECEIVED_PDF)
    with session_scope(app.db) as session:
        service.advance(
            app, session, ref, "minta_klarifikasi", inputs={}, actor="pengawas",
            on=date(2024, 10, 15), now=NOW, incoming={"permintaan_klarifikasi": request},
        )  # fmt: skip
    return ref


def stored_files(app: App) -> list[str]:
    return sorted(str(p) for p in app.settings.letter_store.rglob("*") if p.is_file())


def test_a_letter_received_from_an_office_not_hosted_is_voided_by_the_void_received_from_it(
    seeded: App,
) -> None:
    from sanctions.letters.incoming import IncomingLetter

    ref = clarification_received_from_bkn(seeded)
    void = IncomingLetter(BKN_VOID, date(2024, 10, 17), RECEIVED_PDF + b"% void\n",
                          subject="Pembatalan permintaan klarifikasi")  # fmt: skip
    with session_scope(seeded.db) as session:
        written, voided = correct(
            seeded, session, ref, reason="permintaan klarifikasi dicabut BKN", actor="pengawas",
            on=date(2024, 10, 18), now=NOW, received=void,
        )  # fmt: skip
        [recorded] = written.letters
        [request] = session.exec(
            select(Letter).where(Letter.case_id == written.case.id, Letter.event_seq == voided.seq)
        ).all()
        bkn = session.exec(select(Agency).where(Agency.code == "BKN")).one()
    assert voided.trigger == "minta_klarifikasi" and written.case.state == "diteruskan"
    # BKN's own void, recorded as received with its number, in the correction's event
    assert (recorded.kind, recorded.incoming, recorded.number) == (
        "pembatalan_naskah_pengawas", True, BKN_VOID,
    )  # fmt: skip
    assert recorded.agency_id == request.agency_id == bkn.id
    assert (recorded.issued_on, recorded.received_on) == (date(2024, 10, 17), date(2024, 10, 18))
    assert recorded.event_seq == written.case.version
    assert recorded.subject == "Pembatalan permintaan klarifikasi"
    assert recorded.context["data"]["voided_number"] == BKN_REQUEST
    assert voided_by([request, recorded]) == {BKN_REQUEST: BKN_VOID}
    with session_scope(seeded.db) as session:
        assert verify(session, ref) == (1, [])  # the chain, the log and state = replay hold


def test_without_the_received_void_the_correction_names_the_options_and_changes_nothing(
    seeded: App,
) -> None:
    from sanctions.letters.incoming import IncomingLetter

    ref = clarification_received_from_bkn(seeded)
    before, files = snapshot(seeded), stored_files(seeded)
    with pytest.raises(InputError) as refused:
        fix(seeded, ref, "pengawas")
    message = str(refused.value)
    assert f"{BKN_REQUEST} of #4 minta_klarifikasi of {ref} was received from BKN" in message
    assert "pembatalan_naskah_pengawas" in message
    assert "--incoming-number, --incoming-date and --incoming-file" in message
    assert message.endswith("nothing was written")
    # a void dated before the letter it voids is refused too
    early = IncomingLetter(BKN_VOID, date(2024, 10, 13), RECEIVED_PDF)
    refusal = pytest.raises(InputError, match="before the letter it voids")
    with refusal, session_scope(seeded.db) as session:
        correct(seeded, session, ref, reason="x", actor="pengawas", on=DAY, now=NOW,
                received=early)  # fmt: skip
    assert snapshot(seeded) == before and stored_files(seeded) == files
    with session_scope(seeded.db) as session:
        assert verify(session, ref) == (1, [])


def test_a_received_void_for_a_step_whose_letters_are_voided_here_is_refused(
    seeded: App,
) -> None:
    from sanctions.letters.incoming import IncomingLetter

    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION[:2])  # Bawaslu, hosted here, forwarded it
    before = snapshot(seeded)
    void = IncomingLetter(BKN_VOID, date(2024, 10, 17), RECEIVED_PDF)
    refusal = pytest.raises(InputError, match="drop the --incoming-\\* options")
    with refusal, session_scope(seeded.db) as session:
        correct(seeded, session, ref, reason="x", actor="bawaslu", on=DAY, now=NOW,
                received=void)  # fmt: skip
    assert snapshot(seeded) == before


def test_case_correct_records_bpasns_void_of_a_banding_receipt_received_from_it(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    from sanctions.cases import service
    from sanctions.letters.incoming import IncomingLetter
    from tests.factories import BPASN_CODE, grant_cli_user
    from tests.test_appeals import delivered

    ref = delivered(seeded, "pemberhentian", "PTDH", ("DIS-05",))
    with session_scope(seeded.db) as session:
        session.execute(
            text("UPDATE agencies SET hosted = :no WHERE code = :code"),
            {"no": False, "code": BPASN_CODE},
        )
    receipt = IncomingLetter("17/BPASN/SET/11/2024", date(2024, 11, 28), RECEIVED_PDF)
    with session_scope(seeded.db) as session:
        service.advance(
            seeded, session, ref, "ajukan_banding", inputs={"reason": "x"}, actor="bkpsdm",
            on=date(2024, 11, 28), now=NOW, incoming={"tanda_terima_banding": receipt},
        )  # fmt: skip
    grant_cli_user(seeded, db_url, ["admin"])
    store = seeded.settings.letter_store
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(store)}
    args = ["case", "correct", ref, "--reason", "banding dicatat keliru", "--on", "2024-11-29"]
    runner = CliRunner()
    before, files = snapshot(seeded), stored_files(seeded)
    refused = runner.invoke(cli, args, env=env, obj=fake_app_factory())
    assert refused.exit_code == 2, refused.output
    assert "--incoming-number, --incoming-date and --incoming-file" in refused.output
    assert "pembatalan_naskah_bpasn" in refused.output
    assert snapshot(seeded) == before and stored_files(seeded) == files
    (tmp_path / "void.pdf").write_bytes(RECEIVED_PDF + b"% void\n")
    received = ["--incoming-number", "18/BPASN/SET/11/2024", "--incoming-date", "2024-11-29",
                "--incoming-file", str(tmp_path / "void.pdf")]  # fmt: skip
    result = runner.invoke(cli, [*args, *received, "--json"], env=env, obj=fake_app_factory())
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == set(JSON_SCHEMAS["case correct"])
    assert out["voided_trigger"] == "ajukan_banding"
    assert out["voiding_letters"] == out["received_voids"] == ["18/BPASN/SET/11/2024"]
    with session_scope(seeded.db) as session:
        void = session.exec(select(Letter).where(Letter.number == "18/BPASN/SET/11/2024")).one()
        assert void.incoming and void.kind == "pembatalan_naskah_bpasn"
        assert void.context["data"]["voided_number"] == "17/BPASN/SET/11/2024"
        assert verify(session, ref) == (1, [])


NOTICE = {
    "recommendation_number": "R-1/BKN/10/2024",
    "recommendation_date": "2024-10-11",
    "finding": "tidak terbukti",
    "considerations": "bukti tidak cukup",
}


def test_a_step_with_letters_issued_here_and_one_received_voids_each_as_its_issuer_does(
    app: App, tmp_path: Path
) -> None:
    """No shipped step carries both (a workflow that declares one: the clarification request
    BKN sends with a notice the regency's agency issues): the agency's letter is voided by a
    numbered letter issued here, BKN's by the void received from BKN, in one correction."""
    import shutil

    from sanctions.cases import service
    from sanctions.letters.incoming import IncomingLetter
    from sanctions.settings import Settings

    folder = tmp_path / "workflows"
    shutil.copytree(Path(__file__).resolve().parents[1] / "workflows", folder)
    base = folder / "netralitas-skb-2022.yaml"
    text_of = base.read_text(encoding="utf-8")
    declared = (
        "    label: Klarifikasi oleh lembaga pengawas\n    letters: [permintaan_klarifikasi]\n"
    )
    assert declared in text_of
    base.write_text(
        text_of.replace(declared, declared.replace("]", ", pemberitahuan_tidak_terbukti]")),
        encoding="utf-8",
    )
    settings = Settings(database_url=app.settings.database_url,
                        letter_store=app.settings.letter_store, workflows_dir=folder)  # fmt: skip
    mixed = App(settings, db=app.db, pdf_renderer=app.pdf_renderer)
    seed(mixed)
    with session_scope(mixed.db) as session:
        session.execute(text("UPDATE agencies SET hosted = :no WHERE code = 'BKN'"), {"no": False})
    ref = open_case(mixed, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(mixed, ref, [s("kaji", "bawaslu", "2024-10-08"), s("teruskan", "bawaslu", "2024-10-10")])
    request = IncomingLetter(BKN_REQUEST, date(2024, 10, 14), RECEIVED_PDF)
    with session_scope(mixed.db) as session:
        taken = service.advance(
            mixed, session, ref, "minta_klarifikasi", inputs={}, actor="pengawas",
            on=date(2024, 10, 15), now=NOW, incoming={"permintaan_klarifikasi": request},
            letter_data={"pemberitahuan_tidak_terbukti": NOTICE},
        )  # fmt: skip
        assert [(x.kind, x.incoming) for x in taken.letters] == [
            ("permintaan_klarifikasi", True), ("pemberitahuan_tidak_terbukti", False),
        ]  # fmt: skip
        notice = taken.letters[1]
    void = IncomingLetter(BKN_VOID, date(2024, 10, 17), RECEIVED_PDF + b"% void\n")
    with session_scope(mixed.db) as session:
        written, _ = correct(
            mixed, session, ref, reason="dicatat keliru", actor="admin",
            on=date(2024, 10, 18), now=NOW, received=void,
        )  # fmt: skip
        received, issued = written.letters
    assert (received.kind, received.incoming, received.number) == (
        "pembatalan_naskah_pengawas", True, BKN_VOID,
    )  # fmt: skip
    assert (issued.kind, issued.incoming, issued.agency_id) == (
        "pembatalan_naskah", False, notice.agency_id,
    )  # fmt: skip
    assert issued.context["data"]["voided_number"] == notice.number
    assert voided_by([notice, received, issued]) == {
        BKN_REQUEST: BKN_VOID, notice.number: issued.number,
    }  # fmt: skip
    with session_scope(mixed.db) as session:
        assert verify(session, ref) == (1, [])


def test_a_release_signed_for_an_office_named_in_its_data_is_voided_by_that_office(
    seeded: App,
) -> None:
    """The superior's office is named in the release's data (`signer.office`), not found from
    the employee's unit: the void is that office's too (the correction was refused: its
    issuer was looked up from the unit, which names no registered office)."""
    from sanctions.cases.service import issue_on_demand

    ref = summoned(seeded)
    walk(seeded, ref, [s("periksa", "tim", "2024-11-11")])
    with session_scope(seeded.db) as session:
        registry.add_agency(
            session,
            registry.AgencyInput(
                code="SDN2-NGAGLIK", name="SD Negeri 2 Ngaglik", kind="daerah", city="Sleman",
                ppk_title="Kepala SD Negeri 2 Ngaglik", ppk_name="Suparno, S.Pd.",
                ppk_nip="196805121993031006", parent="PEMERINTAH KABUPATEN SLEMAN",
                address="Jalan Kaliurang Km 9, Ngaglik", unit_code="SDN2",
            ),
            actor="admin",
        )  # fmt: skip
    release = {"signer": {**SUPERIOR, "office": "SDN2-NGAGLIK"}, "start_date": date(2024, 11, 11),
               "acting_official": "Guru Kelas VI"}  # fmt: skip
    with session_scope(seeded.db) as session:
        decree = issue_on_demand(
            seeded, session, ref, "sk_pembebasan_sementara", on=date(2024, 11, 12),
            actor="atasan", now=NOW, given=release,
        )  # fmt: skip
    with session_scope(seeded.db) as session:
        written, _ = correct(
            seeded, session, ref, reason="dibebaskan oleh kantor yang keliru", actor="atasan",
            on=date(2024, 11, 13), now=NOW,
        )  # fmt: skip
        [void] = written.letters
    assert void.kind == "pembatalan_naskah_atasan"
    assert void.agency_id == decree.agency_id
    assert void.context["agency"]["name"] == "SD Negeri 2 Ngaglik"
    assert void.context["signer"]["name"] == SUPERIOR["name"]
    with session_scope(seeded.db) as session:
        assert verify(session, ref) == (1, [])
