"""Each register is kept as an agenda book: numbers rise with dates, a back-dated letter takes a
number reserved for its date or is refused, reserved numbers are listed and voided with a
reason, never given twice."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases.views import case_by_reference
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.db import session_scope
from sanctions.db.models import Agency, Letter, LetterReservation
from sanctions.errors import InputError, PermissionDenied, RuleViolation
from sanctions.letters import register
from sanctions.letters.numbering import out_of_order, register_of
from sanctions.letters.service import issue_letter
from sanctions.registry import edits
from sanctions.trust import log
from tests.factories import (
    REPORT_TO_RECOMMENDATION,
    grant_cli_user,
    open_case,
    seed,
    snapshot,
    step,
    walk,
)

if TYPE_CHECKING:
    from tests.conftest import Snapshots

FORWARDING = {
    "forwarding_sender": "Bawaslu Kabupaten Sleman",
    "forwarding_number": "123/PP.01/K.JI-13/X/2024",
    "forwarding_date": date(2024, 10, 10),
}
LATER = datetime(2024, 10, 30, 9, 0, tzinfo=UTC)


def seed_agenda(app: App) -> None:
    """The usual seed, with BKN keeping its register as an agenda book (the default)."""
    seed(app)
    with session_scope(app.db) as s:
        edits.edit_agency(s, "BKN", {"register_order": "agenda"}, actor="admin", now=LATER)


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("agenda.seeded", app, seed_agenda)
    return app


@pytest.fixture
def recommended(seeded: App) -> str:
    """A case whose recommendation BKN numbered on 21 October 2024."""
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION)
    step(seeded, ref, "rekomendasikan", "pengawas", date(2024, 10, 21), {"rekomendasi": FORWARDING},
         level="berat")  # fmt: skip
    return ref


def issue(app: App, ref: str, on: date) -> Letter:
    """BKN's recommendation letter of case `ref` dated `on` (a surat in BKN's one register)."""
    with session_scope(app.db) as s:
        case = case_by_reference(s, ref)
        letter = issue_letter(
            app, s, case, "rekomendasi", on=on, actor="pengawas", now=LATER, given=FORWARDING
        )
        s.expunge(letter)
        return letter


def reserve(app: App, on: date, count: int = 1, actor: str = "pengawas") -> list[int]:
    with session_scope(app.db) as s:
        taken = register.reserve(s, issuer="BKN", register="surat", on=on, count=count,
                                 actor=actor, now=LATER, today=LATER.date())  # fmt: skip
        return [r.seq for r in taken]


def bkn_register(app: App) -> list[tuple[int, date]]:
    """BKN's numbers in order, with their dates (letters and reserved numbers alike)."""
    with session_scope(app.db) as s:
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        rows = s.exec(select(Letter.seq, Letter.issued_on).where(Letter.agency_id == bkn.id))
        return sorted(rows.all())


def no_log_findings(app: App) -> list[str]:
    """What the audit finds wrong with the reserved numbers and the counters (the letters
    `issue` writes directly are not logged: the write path logs a step's letters)."""
    with session_scope(app.db) as s:
        found = [f"{f.ref}: {f.what}" for f in log.verify(s).findings]
    return [f for f in found if f.startswith(("letter_reservations:", "letter_sequences:"))]


@pytest.mark.pure
def test_a_refusal_names_the_last_number_its_date_and_how_to_reserve() -> None:
    message = out_of_order(register="keputusan", on=date(2024, 10, 2), last_date=date(2024, 10, 9),
                           last_seq=41, issuer="SLEMAN")  # fmt: skip
    assert "last number 41 is dated 2024-10-09" in message
    assert "sanctions letter reserve --issuer SLEMAN --register keputusan --date 2024-10-02" in (
        message
    )


@pytest.mark.pure
def test_decrees_keep_their_own_register_only_when_the_issuer_declares_a_decree_pattern() -> None:
    plain = "{code}/{seq}/{unit}/{year}"
    assert register_of("keputusan", numbering_pattern=plain, decree_pattern=None) == (plain, "*")
    assert register_of("keputusan", numbering_pattern=plain, decree_pattern="188/{seq}/{year}") == (
        "188/{seq}/{year}",
        "keputusan",
    )
    by_series = "{series}-{seq}/{year}"
    assert register_of("laporan", numbering_pattern=by_series, decree_pattern=None)[1] == "laporan"


def test_a_letter_dated_before_the_registers_last_number_is_refused_and_changes_nothing(
    seeded: App, recommended: str
) -> None:
    issue(seeded, recommended, date(2024, 10, 25))
    before = snapshot(seeded)
    with pytest.raises(RuleViolation) as refused:
        issue(seeded, recommended, date(2024, 10, 22))
    assert "is dated 2024-10-25" in str(refused.value)
    assert "letter reserve --issuer BKN --register surat --date 2024-10-22" in str(refused.value)
    assert snapshot(seeded) == before


def test_a_back_dated_letter_takes_the_earliest_number_reserved_for_its_date_and_order_holds(
    seeded: App, recommended: str
) -> None:
    issue(seeded, recommended, date(2024, 10, 25))
    first, second = reserve(seeded, date(2024, 10, 25), count=2)
    later = issue(seeded, recommended, date(2024, 10, 28))
    assert later.seq == second + 1  # the reserved numbers stay where they were taken
    assert issue(seeded, recommended, date(2024, 10, 25)).seq == first
    assert issue(seeded, recommended, date(2024, 10, 25)).seq == second
    with pytest.raises(RuleViolation, match="is dated 2024-10-28"):  # none left for that day
        issue(seeded, recommended, date(2024, 10, 25))
    numbered = bkn_register(seeded)
    assert [seq for seq, _ in numbered] == list(range(1, len(numbered) + 1))  # gapless
    assert [on for _, on in numbered] == sorted(on for _, on in numbered)  # dates rise
    with session_scope(seeded.db) as s:
        used = s.exec(select(LetterReservation).order_by(col(LetterReservation.seq))).all()
        assert [(r.state, r.letter_id is not None, r.closed_by) for r in used] == [
            ("used", True, "pengawas"),
            ("used", True, "pengawas"),
        ]
        assert register.reservations(s, issuer="BKN") == []  # none free
    assert no_log_findings(seeded) == []


def test_a_number_cannot_be_reserved_for_a_day_before_the_registers_last_date_or_after_today(
    seeded: App, recommended: str
) -> None:
    issue(seeded, recommended, date(2024, 10, 25))
    before = snapshot(seeded)
    with pytest.raises(RuleViolation, match=r"last number \d+ is dated 2024-10-25"):
        reserve(seeded, date(2024, 10, 24))
    with pytest.raises(InputError, match="after today"):
        reserve(seeded, date(2024, 10, 31))
    with pytest.raises(InputError, match="reserve from 1 to 100"):
        reserve(seeded, date(2024, 10, 25), count=0)
    with pytest.raises(PermissionDenied, match="reserving letter numbers"):
        reserve(seeded, date(2024, 10, 25), actor="atasan")
    assert snapshot(seeded) == before


def test_an_unused_reserved_number_is_voided_with_a_reason_and_never_given(
    seeded: App, recommended: str
) -> None:
    (kept,) = reserve(seeded, date(2024, 10, 25))
    issue(seeded, recommended, date(2024, 10, 27))
    before_reason = snapshot(seeded)
    with session_scope(seeded.db) as s, pytest.raises(InputError, match="say why"):
        register.void(s, issuer="BKN", register="surat", year=2024, seq=kept, reason=" ",
                      actor="pengawas", now=LATER)  # fmt: skip
    assert snapshot(seeded) == before_reason
    with session_scope(seeded.db) as s:
        voided = register.void(s, issuer="BKN", register="surat", year=2024, seq=kept,
                               reason="tidak jadi dibuat", actor="pengawas", now=LATER)  # fmt: skip
        assert (voided.state, voided.void_reason) == ("voided", "tidak jadi dibuat")
    with session_scope(seeded.db) as s:
        listed = register.reservations(s, issuer="BKN", include_closed=True)
        assert [(r.seq, r.state) for r, _ in listed] == [(kept, "voided")]
        with pytest.raises(RuleViolation, match="already voided"):
            register.void(s, issuer="BKN", register="surat", year=2024, seq=kept, reason="x",
                          actor="pengawas", now=LATER)  # fmt: skip
    with pytest.raises(RuleViolation, match="is dated 2024-10-27"):
        issue(seeded, recommended, date(2024, 10, 25))
    assert kept not in [seq for seq, _ in bkn_register(seeded)]
    assert no_log_findings(seeded) == []


def test_a_reserved_number_changed_behind_the_logs_back_is_caught(
    seeded: App, recommended: str
) -> None:
    reserve(seeded, date(2024, 10, 25))
    with session_scope(seeded.db) as s:
        s.execute(text("UPDATE letter_reservations SET for_date = '2024-10-21'"))
    assert any("letter_reservations:" in f and "for_date" in f for f in no_log_findings(seeded))


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_back_dated_letters_racing_for_one_reserved_number_have_one_winner(
    seeded: App, recommended: str
) -> None:
    (kept,) = reserve(seeded, date(2024, 10, 25))
    issue(seeded, recommended, date(2024, 10, 28))
    start = threading.Barrier(4)
    won: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def racer() -> None:
        start.wait(timeout=30)
        try:
            letter = issue(seeded, recommended, date(2024, 10, 25))
        except RuleViolation as exc:
            with lock:
                refused.append(str(exc))
        else:
            with lock:
                won.append(letter.seq)

    threads = [threading.Thread(target=racer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert won == [kept]
    assert len(refused) == 3 and all("is dated 2024-10-28" in r for r in refused)
    numbered = bkn_register(seeded)
    assert [seq for seq, _ in numbered] == list(range(1, len(numbered) + 1))
    assert no_log_findings(seeded) == []


def test_the_command_line_reserves_lists_and_voids_numbers_and_refuses_bad_input_unchanged(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    grant_cli_user(seeded, db_url, ["pengawas"])
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "store")}

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["letter", "reserve", *args], env=env)

    done = run("--issuer", "BKN", "--count", "2", "--json")
    assert done.exit_code == 0, done.output
    reserved = json.loads(done.stdout)
    assert [(r["seq"], r["state"], r["register"]) for r in reserved] == [
        (1, "free", "*"),
        (2, "free", "*"),
    ]
    assert set(reserved[0]) == set(JSON_SCHEMAS["letter reserve"][0])
    voided = run("--issuer", "BKN", "--void", "1", "--reason", "tidak terpakai", "--json")
    assert voided.exit_code == 0, voided.output
    listed = json.loads(run("--list", "--json").stdout)
    assert [(r["seq"], r["state"]) for r in listed] == [(2, "free")]
    before = snapshot(seeded)
    for args, code, says in (
        (("--issuer", "BKN", "--date", "2999-01-01"), 2, "after today"),
        (("--issuer", "NOPE"), 4, "no agency 'NOPE'"),
        (("--issuer", "BKN", "--void", "1", "--reason", "lagi"), 5, "already voided"),
        (("--count", "1"), 2, "--issuer is required"),
    ):
        refused = run(*args)
        assert refused.exit_code == code, refused.output
        assert says in refused.output
    assert snapshot(seeded) == before


def test_an_employees_remedy_receipt_is_never_refused_for_the_registers_date_order(
    seeded: App, recommended: str
) -> None:
    """A keberatan or banding recorded after later letters were numbered: its receipt takes
    the next number out of date order, and says why, rather than refusing the remedy."""
    issue(seeded, recommended, date(2024, 10, 25))
    with session_scope(seeded.db) as s:
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        args = {"pattern": bkn.numbering_pattern, "counter": "*", "actor": "pengawas", "now": LATER}
        with pytest.raises(RuleViolation, match="is dated 2024-10-25"):
            register.take_number(s, bkn, "berita_acara", on=date(2024, 10, 22), **args)
        taken = register.take_number(
            s, bkn, "berita_acara", on=date(2024, 10, 22), remedy=True, **args
        )
        last = s.exec(select(Letter.seq).where(Letter.agency_id == bkn.id)).all()
        assert taken.seq == max(last) + 1 and taken.reservation is None
        assert taken.out_of_order is not None and "is dated 2024-10-25" in taken.out_of_order
    kinds = {k: v.remedy for k, v in seeded.law.documents.items() if v.remedy}
    assert kinds == {"tanda_terima_keberatan": True, "tanda_terima_banding": True}
