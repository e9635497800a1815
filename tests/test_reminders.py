"""The reminder job: overdue PPK follow-ups climb the escalation ladder one letter at a time,
each step exactly once (the database says so), a failed or killed run resumes cleanly, and
letters may be mailed through SMTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Deadline, Letter, ReminderStep
from sanctions.deadlines.reminders import (
    RunReport,
    count_overdue,
    find_overdue,
    overdue_pages,
    run_reminders,
)
from sanctions.letters.service import issue_letter
from sanctions.trust.audit import verify
from tests.factories import NOW, grant_cli_user, seed, snapshot
from tests.fakes import fake_app_factory
from tests.officer import TEAM_MEMBERS
from tests.test_letters_issued import recommend, recommend_together
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import Snapshots

JOB = "job-pengingat"


@pytest.fixture
def seeded(app: App, snapshots: Snapshots, request: pytest.FixtureRequest) -> App:
    if "recommended" not in request.fixturenames:  # else its snapshot brings the seed
        snapshots.restore("reminders.seeded", app, seed)  # once, copied into each test
    return app


Recommended = Callable[[int], list[str]]


@pytest.fixture
def recommended(app: App, snapshots: Snapshots) -> Recommended:
    """`recommended(n)`: the seed and `n` cases walked to a recommendation; their references.
    One case (what most tests need) comes from a snapshot built once per session and database
    kind; several are walked side by side on the seed's snapshot (`recommend_together`: their
    letters in date order, as an agenda book numbers them; a snapshot per count would be built
    more often than it is used). Called once, before the test writes anything."""
    called: list[int] = []

    def restore(count: int) -> list[str]:
        assert not called, "recommended() restores a whole database: call it once, first"
        called.append(count)

        def build(source: App) -> str:
            seed(source)
            return recommend(source)

        if count > 1:  # walked side by side, their letters in date order (agenda book)
            snapshots.restore("reminders.seeded", app, seed)
            return recommend_together(app, count)
        return [snapshots.restore("reminders.recommended", app, build)]

    return restore


def remind(app: App, on: date, *, dry_run: bool = False, **kw: Any) -> RunReport:
    return run_reminders(app, as_of=on, now=NOW, actor=JOB, dry_run=dry_run, **kw)


def follow_up_due(app: App, reference: str) -> date:
    with session_scope(app.db) as s:
        return s.exec(
            select(col(Deadline.due_date))
            .join(Case, col(Case.id) == Deadline.case_id)
            .where(Case.reference == reference, col(Deadline.closed_seq).is_(None))
        ).one()


def steps_of(app: App, reference: str) -> list[tuple[str, date]]:
    with session_scope(app.db) as s:
        return [
            (key, on)
            for key, on in s.exec(
                select(col(ReminderStep.step_key), col(ReminderStep.issued_on))
                .join(Case, col(Case.id) == ReminderStep.case_id)
                .where(Case.reference == reference)
                .order_by(col(ReminderStep.id))
            ).all()
        ]


def waiting_for_me(session: Session) -> bool:
    """Is another PostgreSQL session waiting for a lock this session's transaction holds?"""
    blocked = session.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        )
    ).scalar_one()
    return bool(blocked)


def all_letters(app: App) -> list[Letter]:
    with session_scope(app.db) as s:
        return list(s.exec(select(Letter).order_by(col(Letter.id))).all())


LADDER_KINDS = (
    "rekomendasi",
    "surat_pengingat_ppk",
    "surat_teguran_ppk",
    "permintaan_pemblokiran",
    "surat_eskalasi",
)


def ladder_letters(app: App) -> list[Letter]:
    """The recommendations and the ladder's letters (not the earlier steps' receipts,
    forwarding and clarification letters)."""
    return [x for x in all_letters(app) if x.kind in LADDER_KINDS]


def assert_consistent(app: App) -> None:
    """Every step has its letter and event; a case's seq equals its version; numbers gapless."""
    with session_scope(app.db) as s:
        for record in s.exec(select(ReminderStep)).all():
            letter = s.get(Letter, record.letter_id)
            assert letter is not None and letter.event_seq == record.event_seq
            event = s.exec(
                select(CaseEvent).where(
                    CaseEvent.case_id == record.case_id, CaseEvent.seq == record.event_seq
                )
            ).one()
            assert event.trigger == f"pengingat:{record.step_key}"
            assert event.source == event.dest
        for case in s.exec(select(Case)).all():
            seqs = s.exec(
                select(col(CaseEvent.seq))
                .where(CaseEvent.case_id == case.id)
                .order_by(col(CaseEvent.seq))
            ).all()
            assert list(seqs) == list(range(1, case.version + 1))
    letters = all_letters(app)
    by_series: dict[tuple[int, str, int], list[int]] = {}
    for x in letters:
        by_series.setdefault((x.agency_id, x.series, x.year), []).append(x.seq)
    for seqs in by_series.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    for x in letters:
        assert (app.settings.letter_store / x.path).exists()
    with session_scope(app.db) as s:
        _, findings = verify(s)
    assert findings == []  # every reminder event is sealed into its case's chain


def test_the_ladder_climbs_one_letter_per_step_on_its_days_and_stops_after_the_last(
    seeded: App,
    recommended: Recommended,
) -> None:
    cal = seeded.calendar
    [ref] = recommended(1)
    due = follow_up_due(seeded, ref)
    assert due == cal.add_working_days(date(2024, 10, 21), 30)

    # Not overdue on the due date itself.
    assert remind(seeded, due).rows == []

    # The first working day after the due date: the reminder.
    first = cal.add_working_days(due, 1)
    report = remind(seeded, first)
    [row] = report.rows
    assert (row.case, row.step, row.status, row.days_overdue) == (ref, "pengingat", "issued", 1)
    assert row.letter.startswith("B-3/BKN/")  # after the clarification and the recommendation

    # The warning is due 7 working days after the reminder went out, not a day earlier.
    warn = cal.add_working_days(first, 7)
    [row] = remind(seeded, cal.subtract_working_days(warn, 1)).rows
    assert (row.status, row.step, row.letter) == ("waiting", "", "")
    assert row.detail == f"teguran due {warn.isoformat()}"
    [row] = remind(seeded, warn).rows
    assert (row.step, row.status) == ("teguran", "issued")

    block = cal.add_working_days(warn, 7)
    [row] = remind(seeded, block).rows
    assert (row.step, row.status) == ("permintaan_blokir", "issued")

    escalate = cal.add_working_days(block, 14)
    assert remind(seeded, cal.subtract_working_days(escalate, 1)).rows[0].status == "waiting"
    [row] = remind(seeded, escalate).rows
    assert (row.step, row.status) == ("eskalasi", "issued")

    [row] = remind(seeded, date(2025, 12, 31)).rows
    assert (row.status, row.step) == ("done", "")

    assert steps_of(seeded, ref) == [
        ("pengingat", first),
        ("teguran", warn),
        ("permintaan_blokir", block),
        ("eskalasi", escalate),
    ]
    letters = ladder_letters(seeded)
    assert [x.kind for x in letters] == [
        "rekomendasi",
        "surat_pengingat_ppk",
        "surat_teguran_ppk",
        "permintaan_pemblokiran",
        "surat_eskalasi",
    ]
    # Later letters cite the earlier ones the case already holds.
    assert letters[2].context["data"]["reminder_number"] == letters[1].number
    assert letters[3].context["data"]["warning_number"] == letters[2].number
    assert letters[3].context["addressee"]["name"].startswith("Kepala Badan Kepegawaian")
    assert letters[4].context["addressee"]["name"] == "Menteri Dalam Negeri"  # a daerah PPK
    assert letters[4].context["data"]["target_agency"]["kind"] == "daerah"
    with session_scope(seeded.db) as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        assert case.state == "direkomendasikan"  # reminders do not move the case
        assert case.facts["blokir_diminta_on"] == block.isoformat()
    assert_consistent(seeded)


def test_running_twice_on_the_same_day_issues_nothing_twice(
    seeded: App, recommended: Recommended
) -> None:
    refs = recommended(2)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)
    first = remind(seeded, day)
    assert [r.status for r in first.rows] == ["issued", "issued"]
    before = snapshot(seeded)
    again = remind(seeded, day)
    assert [r.status for r in again.rows] == ["waiting", "waiting"]
    assert snapshot(seeded) == before
    assert_consistent(seeded)


def test_a_dry_run_reports_what_it_would_issue_and_writes_nothing(
    seeded: App, recommended: Recommended
) -> None:
    [ref] = recommended(1)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    before = snapshot(seeded)
    [row] = remind(seeded, day, dry_run=True).rows
    assert (row.step, row.status, row.detail, row.letter) == (
        "pengingat",
        "would_issue",
        "surat_pengingat_ppk",
        "",
    )
    assert snapshot(seeded) == before


def test_a_case_that_fails_rolls_back_alone_and_the_others_are_issued(
    seeded: App, recommended: Recommended
) -> None:
    refs = recommended(3)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)

    def flaky(app: App, session: Session, case: Case, kind: str, **kw: Any) -> Letter:
        if case.reference == refs[1]:
            raise RuntimeError("printer on fire")
        return issue_letter(app, session, case, kind, **kw)

    report = remind(seeded, day, issue=flaky)
    assert [r.status for r in report.rows] == ["issued", "failed", "issued"]
    assert "printer on fire" in report.rows[1].detail and report.failed
    assert steps_of(seeded, refs[1]) == []
    assert_consistent(seeded)
    # The next run picks the failed case up.
    assert [r.status for r in remind(seeded, day).rows] == ["waiting", "issued", "waiting"]
    assert_consistent(seeded)


def test_the_scan_in_keyset_pages_finds_what_one_scan_finds_in_its_order(
    seeded: App, recommended: Recommended
) -> None:
    refs = recommended(3)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)
    with session_scope(seeded.db) as session:
        whole = find_overdue(session, as_of=day)
        assert count_overdue(session, as_of=day) == len(whole) == 3
    for size in (1, 2, 3, 4):
        pages = list(overdue_pages(seeded, as_of=day, page=size))
        assert [len(p) for p in pages] == [min(size, 3 - i) for i in range(0, 3, size)]
        assert [o for p in pages for o in p] == whole
    remind(seeded, day)  # the job steps the cases: a page later in the scan still finds its own
    assert [len(p) for p in overdue_pages(seeded, as_of=day, page=2)] == [2, 1]


def test_a_finished_follow_up_is_no_longer_overdue(seeded: App, recommended: Recommended) -> None:
    from tests.factories import step

    [ref] = recommended(1)
    due = follow_up_due(seeded, ref)
    step(seeded, ref, "tindak_lanjuti", "bkpsdm", date(2024, 10, 28))
    with session_scope(seeded.db) as s:
        # ditindaklanjuti opens its own follow-up deadline counted from the recommendation.
        assert [o.deadline.state for o in find_overdue(s, as_of=due)] == []


# --------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_runs_at_once_issue_each_step_exactly_once_with_gapless_numbers(
    seeded: App,
    recommended: Recommended,
) -> None:
    refs = recommended(4)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)
    start = threading.Barrier(2)
    reports: list[RunReport] = []
    errors: list[BaseException] = []
    finished = [threading.Event(), threading.Event()]

    def issue_once_the_other_run_waits(other: threading.Event) -> Any:
        def issue(app: App, session: Session, case: Case, kind: str, **kw: Any) -> Letter:
            # Hold the step's row lock until the other run is queued on it (or is done), so
            # the two runs really meet on the same step.
            wait_until(
                lambda: other.is_set() or waiting_for_me(session),
                timeout=60,
                what="the other run to queue on this step's row lock",
            )
            return issue_letter(app, session, case, kind, **kw)

        return issue

    def runner(me: int) -> None:
        # Its own engine, its own connections.
        own = App(seeded.settings, pdf_renderer=seeded.pdf_renderer)
        try:
            start.wait(timeout=30)
            issue = issue_once_the_other_run_waits(finished[1 - me])
            reports.append(remind(own, day, issue=issue))
        except BaseException as exc:
            errors.append(exc)
        finally:
            finished[me].set()
            own.db.dispose()

    threads = [threading.Thread(target=runner, args=(me,)) for me in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    statuses = [r.status for report in reports for r in report.rows]
    assert statuses.count("issued") == 4
    assert statuses.count("failed") == 0
    for ref in refs:
        assert steps_of(seeded, ref) == [("pengingat", day)]
    assert len(ladder_letters(seeded)) == 8  # 4 recommendations + 4 reminders
    assert_consistent(seeded)


KILLABLE_RUN = """
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
sys.path.insert(0, {root!r})
from sanctions.app import App
from sanctions.db import make_engine
from sanctions.settings import Settings
from sanctions.deadlines.reminders import run_reminders
from sanctions.letters.service import issue_letter
from tests.factories import NOW
from tests.fakes import FakePdfRenderer
app = App(Settings(database_url={url!r}, letter_store=Path({store!r})), db=make_engine({url!r}),
          pdf_renderer=FakePdfRenderer())
issued = 0
def issue(*args, **kw):
    global issued
    letter = issue_letter(*args, **kw)
    issued += 1
    if issued == 2:  # the second case's letter is numbered and stored, its transaction open
        print("mid-way", flush=True)
        sys.stdin.readline()  # and here the run is killed
    return letter
def progress(done, total):
    print("done", done, flush=True)
run_reminders(app, as_of=date.fromisoformat({day!r}), now=NOW, actor="job", dry_run=False,
              progress=progress, issue=issue)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_a_run_killed_mid_way_resumes_without_duplicates_or_gaps(
    seeded: App, recommended: Recommended, db_url: str
) -> None:
    refs = recommended(5)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)
    script = KILLABLE_RUN.format(
        root=str(Path(__file__).resolve().parent.parent),
        url=db_url,
        store=str(seeded.settings.letter_store),
        day=day.isoformat(),
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().split() == [b"done", b"1"]  # one case committed
    assert proc.stdout.readline().strip() == b"mid-way"  # the next one half done
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stdin.close()
    issued_before = sum(1 for ref in refs if steps_of(seeded, ref))
    assert 1 <= issued_before < 5
    assert_consistent(seeded)

    report = remind(seeded, day)
    assert [r.status for r in report.rows].count("issued") == 5 - issued_before
    for ref in refs:
        assert steps_of(seeded, ref) == [("pengingat", day)]
    assert_consistent(seeded)


# --------------------------------------------------------------------------- CLI


def test_the_command_prints_the_summary_table_and_json(
    seeded: App, recommended: Recommended, db_url: str, tmp_path: Path
) -> None:
    [ref] = recommended(1)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    grant_cli_user(seeded, db_url, ["penjadwal"])
    runner = CliRunner()
    fake = fake_app_factory()
    dry = runner.invoke(
        cli, ["remind", "--as-of", day.isoformat(), "--dry-run", "--json"], env=env, obj=fake
    )
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    assert data["dry_run"] is True
    assert data["cases"][0]["status"] == "would_issue"

    result = runner.invoke(cli, ["remind", "--as-of", day.isoformat()], env=env, obj=fake)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "case",
        "agency",
        "deadline",
        "due",
        "days",
        "overdue",
        "step",
        "letter",
        "status",
    ]
    assert ref in lines[2] and "pengingat" in lines[2] and "B-3/BKN/" in lines[2]
    assert "1 issued" in result.output

    again = runner.invoke(cli, ["remind", "--as-of", day.isoformat(), "--json"], env=env, obj=fake)
    assert again.exit_code == 0
    assert json.loads(again.output)["counts"]["issued"] == 0


def test_the_command_exits_non_zero_when_a_case_fails(
    seeded: App, recommended: Recommended, db_url: str
) -> None:
    [ref] = recommended(1)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    with session_scope(seeded.db) as s:  # the issuing body is gone: its letter cannot be issued
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        bkn.code = "BKN-OLD"
        s.add(bkn)
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    grant_cli_user(seeded, db_url, ["penjadwal"])
    result = CliRunner().invoke(
        cli, ["remind", "--as-of", day.isoformat()], env=env, obj=fake_app_factory()
    )
    assert result.exit_code == 1
    text = " ".join(result.output.split())  # the status column wraps
    assert "failed: surat_pengingat_ppk is issued by BKN, which is not registered" in text
    assert steps_of(seeded, ref) == []


# --------------------------------------------------------------------------- e-mail


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_issued_letters_are_mailed_to_the_agency_and_unsent_mail_is_retried(
    seeded: App, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    with session_scope(seeded.db) as s:
        sleman = s.exec(select(Agency).where(Agency.code == "SLEMAN")).one()
        sleman.email = "bkpsdm@slemankab.go.id"
        s.add(sleman)
    refs = recommend_together(seeded, 2)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, refs[0]), 1)

    # The mail server is down: the letters are issued all the same, their mail waits.
    down = App(
        replace(seeded.settings, smtp_url=f"smtp://127.0.0.1:{_free_port()}"),
        db=seeded.db,
        pdf_renderer=seeded.pdf_renderer,
    )
    report = remind(down, day)
    assert [r.status for r in report.rows] == ["issued", "issued"]
    assert all(r.mail.startswith("failed") for r in report.rows)
    assert len(report.mail_failures) == 2 and not report.failed

    up = App(
        replace(seeded.settings, smtp_url=f"smtp://127.0.0.1:{port}"),
        db=seeded.db,
        pdf_renderer=seeded.pdf_renderer,
    )
    retry = remind(up, day)
    assert retry.mails_retried == 2 and retry.mail_failures == []
    assert len(inbox.messages) == 2
    _, to, raw = inbox.messages[0]
    assert to == ["bkpsdm@slemankab.go.id"]
    message = message_from_bytes(raw)
    [attachment] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    letter = ladder_letters(seeded)[2]
    assert letter.number in str(message["Subject"])
    payload = attachment.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload == (seeded.settings.letter_store / letter.path).read_bytes()
    with session_scope(seeded.db) as s:
        assert all(r.emailed_at is not None for r in s.exec(select(ReminderStep)).all())

    # Mailed once: the next run sends nothing again.
    remind(up, day)
    assert len(inbox.messages) == 2


def test_the_job_needs_the_scheduled_jobs_role_and_the_refusal_is_logged(
    seeded: App, recommended: Recommended, db_url: str
) -> None:
    [ref] = recommended(1)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    me = grant_cli_user(seeded, db_url, ["kepegawaian"], agency_code="SLEMAN")
    before = snapshot(seeded)
    result = CliRunner().invoke(
        cli, ["remind", "--as-of", day.isoformat()], env=env, obj=fake_app_factory()
    )
    assert result.exit_code == 6, result.output
    assert "penjadwal" in result.output
    after = snapshot(seeded)
    refused = after.pop("access_events")
    logged = ("access_events", "log_leaves", "log_head")  # the refusal and its log leaf
    assert {k: v for k, v in after.items() if k not in logged} == {
        k: v for k, v in before.items() if k not in logged
    }
    assert len(after["log_leaves"]) == len(before["log_leaves"]) + 1
    assert len(refused) == 1 and me in refused[0][2] and "remind" in refused[0][3]


def test_the_job_refuses_an_as_of_date_after_today_and_writes_nothing(
    seeded: App, recommended: Recommended, db_url: str
) -> None:
    recommended(1)
    grant_cli_user(seeded, db_url, ["penjadwal"])
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    before = snapshot(seeded)
    tomorrow = (datetime.now(UTC).astimezone().date() + timedelta(days=1)).isoformat()
    for day in (tomorrow, "2099-01-01"):
        result = CliRunner().invoke(
            cli, ["remind", "--as-of", day], env=env, obj=fake_app_factory()
        )
        assert result.exit_code == 2, result.output
        assert "after today" in result.output
    assert snapshot(seeded) == before


def test_the_daily_job_publishes_a_signed_checkpoint_file_and_mails_it(
    seeded: App,
    recommended: Recommended,
    db_url: str,
    tmp_path: Path,
    smtp_server: tuple[Inbox, int],
) -> None:
    from sanctions.trust import checkpoints, keys, log

    inbox, port = smtp_server
    [ref] = recommended(1)
    day = seeded.calendar.add_working_days(follow_up_due(seeded, ref), 1)
    grant_cli_user(seeded, db_url, ["penjadwal"])
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
        "SANCTIONS_CHECKPOINT_DIR": str(tmp_path / "published"),
        "SANCTIONS_CHECKPOINT_MAIL_TO": "pengawasan@bkn.go.id",
        "SANCTIONS_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "SANCTIONS_KEY_FILE": str(tmp_path / "key.pem"),
    }
    result = CliRunner().invoke(
        cli, ["remind", "--as-of", day.isoformat()], env=env, obj=fake_app_factory()
    )
    assert result.exit_code == 0, result.output
    [published] = (tmp_path / "published").iterdir()
    document = json.loads(published.read_text(encoding="utf-8"))
    public = keys.load(tmp_path / "key.pem").public_hex
    with session_scope(seeded.db) as s:
        state = log.verify(s)
        report = checkpoints.verify_since(s, document, state, trusted_key=public)
    assert report.findings == [] and report.size_then == state.size
    mailed = [m for m in inbox.messages if m[1] == ["pengawasan@bkn.go.id"]]
    assert len(mailed) == 1
    [attachment] = [
        p for p in message_from_bytes(mailed[0][2]).walk()
        if p.get_content_type() == "application/json"
    ]  # fmt: skip
    assert json.loads(attachment.get_payload(decode=True)) == document


def test_a_summons_without_a_decision_keeps_the_ladder_climbing_where_it_stood(
    seeded: App,
    recommended: Recommended,
) -> None:
    from tests.factories import s, walk

    [ref] = recommended(1)
    due = follow_up_due(seeded, ref)
    first = seeded.calendar.add_working_days(due, 1)
    assert [r.step for r in remind(seeded, first).rows] == ["pengingat"]
    # The PPK follows up and summons, then never decides: the follow-up deadline (the same
    # due date, counted from the recommendation) is open again in each state.
    walk(
        seeded,
        ref,
        [
            s("tindak_lanjuti", "bkpsdm", first.isoformat()),
            s("bentuk_tim", "bupati", first.isoformat(), members=TEAM_MEMBERS),
        ],
    )
    assert follow_up_due(seeded, ref) == due
    later = seeded.calendar.add_working_days(first, 7)
    rows = remind(seeded, later).rows
    assert [(r.step, r.status) for r in rows] == [("teguran", "issued")]  # not pengingat again
    assert [r.status for r in remind(seeded, later).rows] == ["waiting"]  # idempotent
    assert [k for k, _ in steps_of(seeded, ref)] == ["pengingat", "teguran"]


def test_the_ladder_stops_once_the_decision_is_delivered(
    seeded: App, recommended: Recommended
) -> None:
    from tests.factories import s, walk

    [ref] = recommended(1)
    walk(
        seeded,
        ref,
        [
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction="B-1"),
            s("putuskan", "bupati", "2024-11-20", sanction="B-1"),
            s("serahkan", "bkpsdm", "2024-11-25"),
        ],
    )
    with session_scope(seeded.db) as session:
        assert find_overdue(session, as_of=date(2025, 6, 2)) == []
