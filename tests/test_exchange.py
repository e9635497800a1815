"""One installation per institution (docs/exchange.md): issuers it does not host, letters
received from them, cases opened from such a letter, and signed case bundles between
installations."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import follow_up
from sanctions.cases.opening import OpenCaseInput
from sanctions.cases.receiving import receive_case
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS, problems
from sanctions.db import session_scope
from sanctions.db.models import Case, Letter
from sanctions.errors import Conflict, InputError, PermissionDenied, RuleViolation
from sanctions.letters.context import from_json
from sanctions.letters.incoming import IncomingLetter
from sanctions.letters.render import render_html
from sanctions.trust import bundles, log
from tests.factories import NOW, PNS_NIP, grant_cli_user, s, seed, snapshot, walk
from tests.fakes import fake_app_factory

BKN_NUMBER = "R-1234/BKN/DWASDAL/10/2024"
BKN_PDF = b"%PDF-1.4\n% the recommendation as BKN signed it\n%%EOF\n"


def bkpsdm_only(app: App) -> None:
    """A regency's BKPSDM installation: it hosts its own agency only; Bawaslu, BKN, KASN and
    BPASN are registered so letters can name them, their letters are received."""
    seed(app)
    with session_scope(app.db) as session:
        session.execute(
            text(
                "UPDATE agencies SET hosted = :no "
                "WHERE code IN ('BKN', 'KASN', 'BAWASLU-SLEMAN', 'BPASN')"
            ),
            {"no": False},
        )


def recommendation(**changes: object) -> IncomingLetter:
    values: dict[str, object] = {
        "number": BKN_NUMBER,
        "on": date(2024, 10, 21),
        "data": BKN_PDF,
        "subject": "Rekomendasi pelanggaran netralitas ASN",
        "received_on": date(2024, 10, 23),
        **changes,
    }
    return IncomingLetter(**values)  # type: ignore[arg-type]


REPORT = OpenCaseInput(
    nip=PNS_NIP,
    contest_code="PILKADA-SLEMAN-2024",
    reported_on=date(2024, 10, 7),
    act_date=date(2024, 9, 2),
    violation_codes=["DIS-03"],
    description="Unggahan kampanye di Facebook",
)


def receive(
    app: App, letter: IncomingLetter | None = None, actor: str = "bkpsdm", **inputs: str
) -> str:
    with session_scope(app.db) as session:
        written = receive_case(
            app, session, REPORT, "rekomendasi", letter or recommendation(),
            inputs=inputs or {"level": "sedang"}, actor=actor, now=NOW,
        )  # fmt: skip
        return written.case.reference


@pytest.fixture
def bkpsdm(app: App) -> App:
    bkpsdm_only(app)
    return app


def test_a_bkpsdm_only_installation_carries_bkns_letter_to_an_in_force_decree_citing_its_number(
    bkpsdm: App,
) -> None:
    ref = receive(bkpsdm)
    with session_scope(bkpsdm.db) as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        assert case.state == "direkomendasikan"
        assert case.facts["level"] == "sedang"
        # recommended from the letter's date, as `report followup` counts it
        assert case.recommended_on == date(2024, 10, 21) and case.follow_up_due is not None
        assert follow_up.check(session, follow_up.laws_of(bkpsdm.workflows.versions)) == []
        [received] = session.exec(select(Letter).where(Letter.case_id == case.id)).all()
        assert (received.incoming, received.number, received.issued_on) == (
            True, BKN_NUMBER, date(2024, 10, 21),
        )  # fmt: skip
        assert received.received_on == date(2024, 10, 23)
    state = walk(
        bkpsdm,
        ref,
        [
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
            s("periksa", "atasan", "2024-11-08"),
            s("susun_lhp", "atasan", "2024-11-11", sanction="S-1T"),
            s("putuskan", "bupati", "2024-11-12", sanction="S-1T"),
            s("serahkan", "bkpsdm", "2024-11-13"),
        ],
    )
    in_force = bkpsdm.calendar.add_working_days(date(2024, 11, 13), 15)
    state = walk(bkpsdm, ref, [s("nyatakan_berlaku", "bkpsdm", in_force.isoformat())])
    assert state == "berlaku"
    with session_scope(bkpsdm.db) as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        letters = session.exec(
            select(Letter).where(Letter.case_id == case.id).order_by(col(Letter.id))
        ).all()
        issued = {x.kind: x for x in letters if not x.incoming}
        # no letter of Bawaslu or BKN was issued here: only the received one is theirs
        assert {x.agency_id for x in letters if x.incoming} == {received.agency_id}
        assert received.agency_id not in {x.agency_id for x in issued.values()}
        decree = issued["sk_hukuman_disiplin"]
        assert decree.context["data"]["recommendation_number"] == BKN_NUMBER
        html = render_html(bkpsdm.letters_env, decree.kind, from_json(decree.context))
        assert f"Nomor {BKN_NUMBER} tanggal 21 Oktober 2024" in html
        report = issued["laporan_tindak_lanjut"]
        assert report.context["data"]["recommendation_number"] == BKN_NUMBER
        assert not log.verify(session).findings  # the received letter is in the log


def test_a_step_whose_letter_belongs_to_an_issuer_not_hosted_records_the_received_letter(
    app: App,
) -> None:
    seed(app)
    with session_scope(app.db) as session:
        session.execute(text("UPDATE agencies SET hosted = :no WHERE code = 'BKN'"), {"no": False})
    from tests.factories import open_case, step

    ref = open_case(app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(app, ref, [s("kaji", "bawaslu", "2024-10-08"), s("teruskan", "bawaslu", "2024-10-10")])
    with pytest.raises(InputError, match="which this installation does not host"):
        step(app, ref, "minta_klarifikasi", "pengawas", date(2024, 10, 14))
    from sanctions.cases import service

    letter = IncomingLetter("B-77/BKN/10/2024", date(2024, 10, 14), BKN_PDF)
    with session_scope(app.db) as session:
        written = service.advance(
            app, session, ref, "minta_klarifikasi", inputs={}, actor="pengawas",
            on=date(2024, 10, 15), now=NOW, incoming={"permintaan_klarifikasi": letter},
        )  # fmt: skip
        [recorded] = written.letters
        assert recorded.incoming and recorded.number == "B-77/BKN/10/2024"
        assert written.event.hash is not None


def test_receiving_refuses_a_bad_letter_a_reused_number_and_a_user_without_the_role(
    bkpsdm: App,
) -> None:
    before = snapshot(bkpsdm)
    with pytest.raises(InputError, match="after the day it was received"):
        receive(bkpsdm, recommendation(on=date(2024, 10, 24)))
    with pytest.raises(InputError, match="neither a PDF nor a scan"):
        receive(bkpsdm, recommendation(data=b"MZ\x90\x00 an executable"))
    with pytest.raises(InputError, match="level"):
        receive(bkpsdm, recommendation(), reason="tanpa tingkat")
    with pytest.raises(PermissionDenied):
        receive(bkpsdm, actor="bawaslu")
    assert snapshot(bkpsdm) == before
    receive(bkpsdm)
    again = snapshot(bkpsdm)
    with pytest.raises(Conflict, match="already recorded"):
        receive(bkpsdm, recommendation(data=BKN_PDF + b"another file"))
    assert snapshot(bkpsdm) == again


def test_a_hosted_issuers_letter_cannot_be_recorded_as_received(app: App) -> None:
    seed(app)  # every issuer hosted: the recommendation is issued here, by a step
    with pytest.raises(RuleViolation, match="issued by this installation itself"):
        receive(app, actor="pengawas")


def test_the_command_line_receives_a_recommendation_sends_the_case_and_refuses_a_bad_bundle(
    bkpsdm: App, db_url: str, tmp_path: Path
) -> None:
    grant_cli_user(bkpsdm, db_url, ["admin", "kepegawaian"])
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(bkpsdm.settings.letter_store),
        "SANCTIONS_KEY_FILE": str(tmp_path / "key.pem"),
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, obj=fake_app_factory())

    made = run("keys", "init", "--out", str(tmp_path / "pub.json"), "--label", "BKPSDM Sleman")
    assert made.exit_code == 0, made.output
    assert json.loads((tmp_path / "pub.json").read_text())["issuers"] == ["SLEMAN"]
    (tmp_path / "rekomendasi.pdf").write_bytes(BKN_PDF)
    received = run(
        "case", "receive", "--kind", "rekomendasi", "--nip", PNS_NIP,
        "--contest", "PILKADA-SLEMAN-2024", "--violation", "DIS-03", "--act-date", "2024-09-02",
        "--reported-on", "2024-10-07", "--set", "level=sedang",
        "--incoming-number", BKN_NUMBER, "--incoming-date", "2024-10-21",
        "--incoming-file", str(tmp_path / "rekomendasi.pdf"), "--received-on", "2024-10-23",
        "--json",
    )  # fmt: skip
    assert received.exit_code == 0, received.output
    out = json.loads(received.stdout)
    assert problems(out, JSON_SCHEMAS["case receive"]) == []
    assert (out["state"], out["received"]) == ("direkomendasikan", BKN_NUMBER)
    sent = run(
        "case", "send", out["reference"], "--to", "BKN", "--out", str(tmp_path / "b.zip"), "--json"
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    assert problems(json.loads(sent.stdout), JSON_SCHEMAS["case send"]) == []
    assert bundles.read((tmp_path / "b.zip").read_bytes()).manifest["to"] == "BKN"
    before = snapshot(bkpsdm)
    (tmp_path / "bad.zip").write_bytes(b"not a zip at all")
    refused = run("case", "accept", str(tmp_path / "bad.zip"))
    assert refused.exit_code == 11 and "not a case bundle" in refused.stderr
    own = run("case", "accept", str(tmp_path / "b.zip"))  # its own bundle: no key it trusts
    assert own.exit_code == 11 and "does not trust" in own.stderr
    assert snapshot(bkpsdm) == before


def test_the_reminder_job_of_a_bkpsdm_only_installation_leaves_bkns_reminders_to_bkn(
    bkpsdm: App,
) -> None:
    from sanctions.deadlines.reminders import run_reminders

    ref = receive(bkpsdm)  # the 30 working days of the follow-up ran out long ago
    before = snapshot(bkpsdm)
    report = run_reminders(bkpsdm, as_of=NOW.date(), now=NOW, actor="job", dry_run=False)
    [row] = [r for r in report.rows if r.case == ref]
    assert row.status == "skipped" and "does not host" in row.detail
    assert snapshot(bkpsdm) == before


def test_a_received_letter_is_not_vouched_for_by_this_installations_verification(
    bkpsdm: App, tmp_path: Path
) -> None:
    from sanctions.letters import public
    from sanctions.letters.service import verify_file

    receive(bkpsdm)
    (tmp_path / "bkn.pdf").write_bytes(BKN_PDF)
    with session_scope(bkpsdm.db) as session:
        assert public.by_file(session, BKN_PDF).verdict == "UNKNOWN"
        checked = verify_file(bkpsdm, session, tmp_path / "bkn.pdf")
        assert not checked.issued and "received from its sender" in checked.detail
