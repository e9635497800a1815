"""Letters issued by case steps: numbered gaplessly in the step's transaction, stored by hash,
verifiable, and never issued with a blank."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import CaseEvent, Letter
from sanctions.errors import InputError, PermissionDenied, RuleViolation
from sanctions.letters.service import (
    allocate_number,
    read_letter,
    verify_file,
)
from sanctions.registry import service as registry
from tests.factories import (
    KNOWN_ROLES,
    NOW,
    REPORT_TO_RECOMMENDATION,
    add_agency,
    later,
    open_case,
    s,
    seed,
    snapshot,
    step,
    walk,
    walk_together,
)
from tests.forking import forking_parent, running
from tests.letterdata import sample_letter_data
from tests.waiting import kill_all, row_counter, wait_until

if TYPE_CHECKING:
    from tests.conftest import Snapshots

FORWARDING = {
    "forwarding_sender": "Bawaslu Kabupaten Sleman",
    "forwarding_number": "123/PP.01/K.JI-13/X/2024",
    "forwarding_date": date(2024, 10, 10),
}


@pytest.fixture
def seeded(app: App, snapshots: Snapshots, request: pytest.FixtureRequest) -> App:
    # seed() registers the Bawaslu office and BKN, whose letters the walk issues
    if "prepared" not in request.fixturenames:  # else its snapshot brings the seed
        snapshots.restore("letters_issued.seeded", app, seed)  # once, copied per test
    return app


Prepared = Callable[[str, Callable[[App], str]], str]


@pytest.fixture
def prepared(app: App, snapshots: Snapshots) -> Prepared:
    """`prepared(name, walk)`: the seed and the case `walk(app)` opens and walks (`recommend`,
    `decided`), built once per session and database kind (several tests start from each) and
    copied into the test's database; its reference. Called once, before the test writes
    anything."""
    called: list[str] = []

    def restore(name: str, walk: Callable[[App], str]) -> str:
        assert not called, "prepared() restores a whole database: call it once, first"
        called.append(name)

        def build(source: App) -> str:
            seed(source)
            return walk(source)

        return snapshots.restore(f"letters_issued.{name}", app, build)

    return restore


def recommend(app: App, data: dict[str, object] | None = None, *, days: int = 0) -> str:
    """A case recommended by BKN on 21 October 2024 (`days` later: a case reported after)."""
    ref = open_case(app, act_date=date(2024, 10, 3) + timedelta(days=days),
                    reported_on=date(2024, 10, 7) + timedelta(days=days))  # fmt: skip
    walk(app, ref, later(REPORT_TO_RECOMMENDATION, days))
    given = {"rekomendasi": data or FORWARDING}
    on = date(2024, 10, 21) + timedelta(days=days)
    step(app, ref, "rekomendasikan", "pengawas", on, given, level="berat")
    return ref


def recommend_together(app: App, count: int) -> list[str]:
    """`count` cases reported on one day and recommended by BKN side by side, step by step
    (each office's letters in date order)."""
    refs = [open_case(app) for _ in range(count)]
    walk_together(app, [(ref, REPORT_TO_RECOMMENDATION) for ref in refs])
    for ref in refs:
        step(app, ref, "rekomendasikan", "pengawas", date(2024, 10, 21),
             {"rekomendasi": FORWARDING}, level="berat")  # fmt: skip
    return refs


def letters(app: App, kind: str | None = None) -> list[Letter]:
    """The issued letters (of `kind`), oldest first."""
    with session_scope(app.db) as s:
        query = select(Letter).order_by(col(Letter.id))
        if kind is not None:
            query = query.where(Letter.kind == kind)
        return list(s.exec(query).all())


def text_of(data: bytes) -> str:
    """The letter's text with its line breaks folded into spaces."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.pdf
def test_a_recommendation_step_issues_a_numbered_pdf_a_letter_in_its_transaction(
    seeded: App,
) -> None:
    recommend(seeded)
    [letter] = letters(seeded, "rekomendasi")
    # BKN's second letter of the case: its request for clarification was the first
    assert letter.number == "B-2/BKN/DWASDAL/10/2024"
    assert letter.kind == "rekomendasi" and letter.event_seq == 5
    data = (seeded.settings.letter_store / letter.path).read_bytes()
    body = text_of(data)
    for expected in (
        "B-2/BKN/DWASDAL/10/2024",
        "21 Oktober 2024",
        "Bupati Sleman",
        "Hukuman Disiplin Berat",
        "Budi Santoso",
        "19860926 201505 1 001",
        "Tembusan",
    ):
        assert expected in body, expected
    assert "123/PP.01/K.JI-13/X/2024" in body.replace(" ", "")  # may wrap after a slash
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert len(pdf.Root.OutputIntents) == 1
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts and all("/FontFile2" in f.DescendantFonts[0].FontDescriptor for f in fonts)


def test_a_letter_missing_a_value_refuses_the_step_naming_the_value_and_writes_nothing(
    seeded: App,
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION[:2])
    before = snapshot(seeded)
    # the request for clarification needs the date the reply is due, which only BKN knows
    with pytest.raises(InputError) as excinfo:
        step(seeded, ref, "minta_klarifikasi", "pengawas", date(2024, 10, 14), {})
    assert "permintaan_klarifikasi: missing reply_due (due_date)" in str(excinfo.value)
    assert snapshot(seeded) == before


def test_a_summons_lacking_every_value_names_them_all_and_the_step_inputs_that_give_them(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(
        seeded,
        ref,
        [
            *REPORT_TO_RECOMMENDATION,
            s("rekomendasikan", "pengawas", "2024-10-21", level="sedang"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
        ],
    )
    before = snapshot(seeded)
    with pytest.raises(InputError) as excinfo:
        step(seeded, ref, "panggil", "atasan", date(2024, 10, 29), {},
             examination_date="2024-11-08")  # fmt: skip
    assert str(excinfo.value).splitlines()[1] == (
        "  surat_panggilan_1: missing examiner.name (text), examiner.nip (nip), examiner.rank "
        "(text), examiner.position (text), exam_time (text; or the step input --set "
        "examination_time=...), exam_place (text; or the step input --set "
        "examination_place=...)"
    )
    # examined without a team: the direct superior signs, never the head by default
    assert str(excinfo.value).splitlines()[2] == (
        "  surat_panggilan_1: signer: the case is examined without a team, so the employee's "
        "direct superior (atasan langsung) signs the summons, not the head (PP 94/2021 Pasal "
        "26; workflows/authority.yaml direct_superior_or_team): give the superior as "
        "surat_panggilan_1: signer: {title, name, nip, rank} in the letter data"
    )
    assert snapshot(seeded) == before


def test_numbers_count_per_agency_series_and_year_without_gaps(
    seeded: App, prepared: Prepared
) -> None:
    prepared("recommended", recommend)
    recommend(seeded, days=7)  # reported after the first was forwarded: its letters follow
    bkn = [x for x in letters(seeded) if x.kind in ("permintaan_klarifikasi", "rekomendasi")]
    assert [x.number for x in bkn] == [f"B-{n}/BKN/DWASDAL/10/2024" for n in (1, 2, 3, 4)]
    bawaslu = [x.number for x in letters(seeded, "surat_penerusan")]
    assert bawaslu == ["2/PM.00.02/PP.01/X/2024", "4/PM.00.02/PP.01/X/2024"]


def test_an_issued_file_verifies_and_an_altered_copy_is_caught(
    seeded: App, prepared: Prepared, tmp_path: Path
) -> None:
    prepared("recommended", recommend)
    [letter] = letters(seeded, "rekomendasi")
    issued = seeded.settings.letter_store / letter.path
    altered = tmp_path / "altered.pdf"
    with pikepdf.open(issued) as pdf:
        pdf.pages[0].Contents.write(pdf.pages[0].Contents.read_bytes().replace(b"Berat", b"Ringan"))
        pdf.save(altered)
    stranger = tmp_path / "other.pdf"
    stranger.write_bytes(b"%PDF-1.7\nnot a letter\n")
    with session_scope(seeded.db) as s:
        ok = verify_file(seeded, s, issued)
        changed = verify_file(seeded, s, altered)
        unknown = verify_file(seeded, s, stranger)
    assert (ok.issued, ok.altered, ok.letter.number) == (True, False, letter.number)  # type: ignore[union-attr]
    assert (changed.issued, changed.altered) == (True, True)
    assert letter.number in changed.detail
    assert (unknown.issued, unknown.altered) == (False, False)


def test_a_rahasia_letter_is_listed_but_not_readable_without_a_reading_role(
    seeded: App, prepared: Prepared
) -> None:
    prepared("recommended", recommend)
    with session_scope(seeded.db) as s:
        registry.add_user(
            s,
            actor="admin",
            username="auditor",
            roles=["bawaslu"],
            known_roles=KNOWN_ROLES,
            agency_code="SLEMAN",
        )
        letter = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        letter.confidential = True
        s.add(letter)
    with session_scope(seeded.db) as s, pytest.raises(PermissionDenied) as excinfo:
        read_letter(seeded, s, letter.number, actor="auditor")
    assert "Rahasia" in str(excinfo.value)
    with session_scope(seeded.db) as s:
        _, data = read_letter(seeded, s, letter.number, actor="bkpsdm")
    assert data.startswith(b"%PDF")


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_many_concurrent_issuers_get_unique_gapless_numbers_even_when_some_roll_back(
    seeded: App,
) -> None:
    taken: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def issuer(worker: int) -> None:
        start.wait(timeout=30)
        for i in range(10):
            try:
                with session_scope(seeded.db) as s:
                    seq = allocate_number(s, agency_id=1, series="surat", year=2024)
                    if (worker + i) % 4 == 0:
                        raise RuntimeError("roll back")
                    with lock:
                        taken.append(seq)
            except RuntimeError:
                pass

    threads = [threading.Thread(target=issuer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(taken) == list(range(1, len(taken) + 1))
    assert len(taken) == 60


# One process imports the app and loads the declared law once, then forks a batch for each
# "go" it reads (printing the batch's pid) and reaps it on "reap": three batches killed
# mid-letter without three interpreters importing SQLAlchemy and the app. Each batch is a
# process of its own (its own engine and connections, opened after the fork), killed by the
# test; reaped by this process, so that its CPU counts as the test's children's.
ISSUE_FOREVER = forking_parent(
    setup="""
import datetime  # the letter data's dates are written as datetime.date(...)
from datetime import date
from pathlib import Path
from sanctions.app import App
from sanctions.db import make_engine, session_scope
from sanctions.settings import Settings
from sanctions.letters.service import issue_letter
from sanctions.cases.views import case_by_reference
from tests.factories import NOW
from tests.fakes import FakePdfRenderer
settings = Settings(database_url={url!r}, letter_store=Path({store!r}))
loaded = App(settings, pdf_renderer=FakePdfRenderer())
loaded.law, loaded.letters_env, loaded.calendar  # shared by the apps the batches build
""",
    child="""
app = App(settings, db=make_engine({url!r}), pdf_renderer=FakePdfRenderer())
while True:
    with session_scope(app.db) as s:
        case = case_by_reference(s, {ref!r})
        issue_letter(app, s, case, "rekomendasi", on=date(2024, 10, 22),
                     actor="pengawas", now=NOW, given={data!r})
""",
)


@pytest.mark.slow
def test_a_batch_killed_mid_letter_leaves_no_gap_and_every_letter_has_its_file(
    seeded: App, prepared: Prepared, db_url: str
) -> None:
    ref = prepared("recommended", recommend)
    script = ISSUE_FOREVER.format(
        url=db_url,
        store=str(seeded.settings.letter_store),
        ref=ref,
        data=FORWARDING,
    )
    rng = random.Random(11)
    batches = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )

    def say(line: str) -> bytes:
        assert batches.stdin is not None and batches.stdout is not None
        batches.stdin.write(line.encode() + b"\n")
        batches.stdin.flush()
        return batches.stdout.readline().strip()

    pid = 0
    try:
        assert batches.stdout is not None
        assert batches.stdout.readline().strip() == b"ready"
        with row_counter(db_url, "letters") as count:
            for _ in range(3):
                # The batch issues letters as fast as it can; once it has issued a few it is
                # killed, wherever it is in the next one (rendering, storing or committing it).
                wanted = count() + rng.randint(1, 4)
                pid = int(say("go"))

                def issued(wanted: int = wanted, pid: int = pid) -> bool:
                    if count() >= wanted:
                        return True
                    assert running(pid), "the batch exited before issuing its letters"
                    return False

                wait_until(
                    issued,
                    timeout=60,
                    what="the batch to issue its letters",
                    process=batches,
                    poll=0.002,
                )
                os.kill(pid, signal.SIGKILL)
                assert say(f"reap {pid}") == b"reaped"
                pid = 0
    finally:
        if pid and running(pid):  # a failed wait: the batch must not outlive the test
            os.kill(pid, signal.SIGKILL)
        kill_all([batches])
    # BKN's letters: the case's clarification request and recommendation, then the batch's
    issued = [x for x in letters(seeded) if x.kind in ("permintaan_klarifikasi", "rekomendasi")]
    assert len(issued) > 3
    assert [x.seq for x in issued] == list(range(1, len(issued) + 1))
    for x in issued:
        assert (seeded.settings.letter_store / x.path).exists()


COVERING = {
    "decision_title": "Keputusan Bupati Sleman tentang Penjatuhan Hukuman Disiplin",
    "decision_number": "800/123/2024",
    "decision_date": date(2024, 11, 22),
    "meeting_date": date(2024, 11, 25),
}


def decided(app: App) -> str:
    """A sedang case decided by the PPK (state `diputus`): its decision awaits delivery."""
    ref = open_case(app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(
        app,
        ref,
        [
            *REPORT_TO_RECOMMENDATION,
            s("rekomendasikan", "pengawas", "2024-10-21", level="sedang"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
            s("panggil_ulang", "atasan", "2024-11-08", examination_date="2024-11-20"),
            s("catat_ketidakhadiran", "atasan", "2024-11-20"),
            s("putuskan", "bupati", "2024-11-22", sanction="S-2T"),
        ],
    )
    return ref


def on_demand(app: App, ref: str, kind: str, actor: str, given: dict[str, object]) -> Letter:
    from sanctions.cases.service import issue_on_demand

    with session_scope(app.db) as s:
        return issue_on_demand(
            app, s, ref, kind, on=date(2024, 11, 26), actor=actor, now=NOW, given=given
        )


def test_a_letter_issued_on_demand_is_an_event_in_the_case_chain(
    seeded: App, prepared: Prepared
) -> None:
    from sanctions.trust.audit import verify

    ref = prepared("decided", decided)
    letter = on_demand(seeded, ref, "surat_pengantar_keputusan", "bkpsdm", COVERING)
    number, seq = letter.number, letter.event_seq
    with session_scope(seeded.db) as s:
        event = s.exec(select(CaseEvent).where(CaseEvent.seq == seq)).one()
        assert (event.trigger, event.note, event.source == event.dest) == (
            "terbitkan:surat_pengantar_keputusan",
            number,
            True,
        )
        assert verify(s)[1] == []


def test_issuing_on_demand_needs_a_role_the_workflow_declares_for_that_letter(
    seeded: App,
    prepared: Prepared,
) -> None:
    ref = prepared("decided", decided)
    before = snapshot(seeded)
    for actor in ("bawaslu", "pengawas", "atasan"):  # no role declared for the covering letter
        with pytest.raises(PermissionDenied):
            on_demand(seeded, ref, "surat_pengantar_keputusan", actor, COVERING)
    assert snapshot(seeded) == before


def test_only_letters_the_workflow_declares_on_demand_are_issued_and_only_in_their_states(
    seeded: App,
    prepared: Prepared,
) -> None:
    ref = prepared("decided", decided)
    before = snapshot(seeded)
    # another body's letter, a decree nobody decided, a step's own letter: never on demand
    for kind in ("rekomendasi", "sk_hukuman_disiplin", "surat_penerusan"):
        with pytest.raises(RuleViolation, match="not issued on demand"):
            on_demand(seeded, ref, kind, "bupati", FORWARDING)
    # declared, but for the examination, not once the case is decided
    with pytest.raises(RuleViolation, match="only while the case is pemeriksaan"):
        on_demand(seeded, ref, "sk_pembebasan_sementara", "bupati", {})
    assert snapshot(seeded) == before


def test_a_number_two_issuers_gave_is_looked_up_by_issuer_and_never_guessed(seeded: App) -> None:
    """A database from before registration refused colliding patterns can hold one number
    twice (once per issuer): every lookup names the issuer, and a bare number is refused."""
    from sanctions.db.models import Agency
    from sanctions.errors import InputError, NotFound
    from sanctions.letters.service import letter_by_number

    recommend(seeded)
    with session_scope(seeded.db) as s:
        add_agency(s, "BANTUL")
        bantul = s.exec(select(Agency).where(Agency.code == "BANTUL")).one()
        mine = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        twin = Letter(
            **{
                **mine.model_dump(exclude={"id"}),
                "agency_id": bantul.id,
                "seq": 1,
                "series": "twin",
            }
        )
        s.add(twin)
        s.flush()
        number, issuer = mine.number, s.get(Agency, mine.agency_id).code  # type: ignore[union-attr]
    with session_scope(seeded.db) as s:
        with pytest.raises(InputError, match=r"several issuers \(BANTUL, " + issuer):
            letter_by_number(s, number)
        assert letter_by_number(s, number, issuer=issuer).agency_id != bantul.id
        assert letter_by_number(s, number, issuer="BANTUL").agency_id == bantul.id
        with pytest.raises(NotFound, match="issued by SLEMAN"):
            letter_by_number(s, number, issuer="SLEMAN")


def test_letter_render_writes_a_number_two_issuers_gave_once_per_issuer_and_skips_received(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    """`letter render` wrote both letters of one number to one file (the second over the
    first), and failed on a letter received from another issuer (it has no context to render
    from: its file is the one received)."""
    import json

    from click.testing import CliRunner

    from sanctions.cli import cli
    from sanctions.db.models import Agency
    from sanctions.trust.pinning import check_law
    from tests.factories import grant_cli_user

    with session_scope(seeded.db) as s:  # the law in force when the letters are issued
        check_law(s, seeded.law.pins, actor="admin", now=NOW - timedelta(days=400))
    recommend(seeded)
    with session_scope(seeded.db) as s:
        add_agency(s, "BANTUL")
        bantul = s.exec(select(Agency).where(Agency.code == "BANTUL")).one()
        mine = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        copied = mine.model_dump(exclude={"id"})
        s.add(Letter(**{**copied, "agency_id": bantul.id, "seq": 1, "series": "twin"}))
        s.add(Letter(**{**copied, "number": "R-99/BANTUL/10/2024", "agency_id": bantul.id,
                        "seq": 1, "series": "masuk", "incoming": True, "context": {}}))  # fmt: skip
        number, issuer = mine.number, s.get(Agency, mine.agency_id).code  # type: ignore[union-attr]
    grant_cli_user(seeded, db_url, ["admin"])
    env = {"SANCTIONS_DATABASE_URL": db_url,
           "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store)}  # fmt: skip
    out = tmp_path / "out"
    args = ["letter", "render", "--from", "2024-10-21", "--to", "2024-10-21", "--out", str(out),
            "--workers", "1", "--json"]  # fmt: skip
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.stdout) if row["number"] == number]
    assert len(rows) == 2 and {row["status"] for row in rows} == {"ok"}
    safe = number.replace("/", "_")
    assert sorted(p.name for p in out.iterdir() if safe in p.name) == sorted(
        [f"BANTUL_{safe}.pdf", f"{issuer}_{safe}.pdf"]
    )
    assert all(row["number"] != "R-99/BANTUL/10/2024" for row in json.loads(result.stdout))


@pytest.mark.pdf
def test_a_preview_is_a_konsep_on_every_page_without_number_qr_or_signature(seeded: App) -> None:
    from sanctions.cases.drafts import preview

    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION[:1])
    before = snapshot(seeded)
    with session_scope(seeded.db) as s:
        [draft] = preview(
            seeded, s, ref, "teruskan", inputs={}, actor="bawaslu", on=date(2024, 10, 10),
            now=NOW, letter_data=sample_letter_data(["surat_penerusan"]),
        )  # fmt: skip
    assert snapshot(seeded) == before
    if os.environ.get("SANCTIONS_KEEP_DRAFT"):  # to look at it: pdftoppm -png -r 50
        Path(os.environ["SANCTIONS_KEEP_DRAFT"]).write_bytes(draft.pdf)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(draft.pdf)).pages]
    assert len(pages) == draft.pages
    assert all("KONSEP" in text for text in pages)
    whole = " ".join(" ".join(pages).split())
    assert "Nomor : ..." in whole or "Nomor: ..." in whole
    assert "sha256" not in whole and "BSrE" not in whole
    assert str(PdfReader(io.BytesIO(draft.pdf)).metadata.title).startswith("KONSEP ")
