"""The record nobody can quietly change, and need-to-know: tampering is caught, refusals are
logged, and an officer of one agency cannot see or touch another agency's cases."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.errors import PermissionDenied, SanctionsError
from sanctions.letters import service as letters
from sanctions.letters.context import from_json
from sanctions.letters.render import render_html
from sanctions.registry import service as registry
from sanctions.trust.access import refusals
from sanctions.trust.audit import verify
from tests.factories import (
    KNOWN_ROLES,
    NOW,
    REPORT_TO_RECOMMENDATION,
    add_agency,
    open_case,
    recommended,
    s,
    seed,
    walk,
)
from tests.test_letters_issued import recommend

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("trust.seeded", app, seed)  # once, copied into each test
    return app


def chain_findings(app: App) -> list[tuple[str, int, str]]:
    with session_scope(app.db) as session:
        _, findings = verify(session)
    return [(f.reference, f.seq, f.what) for f in findings]


def tamper(app: App, sql: str) -> None:
    with app.db.begin() as conn:
        conn.execute(text(sql))


def test_an_untouched_record_verifies(seeded: App) -> None:
    open_case(seeded)  # reported the same day as the case recommended after it
    recommend(seeded)
    assert chain_findings(seeded) == []


def test_an_edited_event_is_named(seeded: App) -> None:
    ref = recommend(seeded)
    tamper(seeded, "UPDATE case_events SET actor = 'someone' WHERE seq = 3")
    [(case, seq, what)] = chain_findings(seeded)
    assert (case, seq) == (ref, 3) and "edited" in what


def test_a_deleted_event_is_named(seeded: App) -> None:
    ref = recommend(seeded)
    tamper(seeded, "DELETE FROM case_events WHERE seq = 2")
    [(case, seq, what)] = chain_findings(seeded)
    assert (case, seq) == (ref, 3) and "missing" in what


def test_reordered_events_are_caught(seeded: App) -> None:
    ref = recommend(seeded)
    tamper(seeded, "UPDATE case_events SET seq = 100 WHERE seq = 2")
    tamper(seeded, "UPDATE case_events SET seq = 2 WHERE seq = 3")
    tamper(seeded, "UPDATE case_events SET seq = 3 WHERE seq = 100")
    [(case, seq, _)] = chain_findings(seeded)
    assert (case, seq) == (ref, 2)


def test_a_swapped_letter_file_hash_breaks_the_chain_of_the_event_that_issued_it(
    seeded: App,
) -> None:
    ref = recommend(seeded)
    tamper(
        seeded, "UPDATE letters SET sha256 = 'f' || substr(sha256, 2) WHERE kind = 'rekomendasi'"
    )
    [(case, seq, what)] = chain_findings(seeded)
    assert (case, seq) == (ref, 5) and "letter" in what


def test_a_state_changed_behind_the_log_is_caught(seeded: App) -> None:
    ref = open_case(seeded)
    tamper(seeded, "UPDATE cases SET state = 'berlaku'")
    [(case, _, what)] = chain_findings(seeded)
    assert case == ref and "'berlaku'" in what


def test_audit_verify_exits_nonzero_and_names_the_row(seeded: App, db_url: str) -> None:
    ref = recommend(seeded)
    runner = CliRunner()
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    me = runner.invoke(cli, ["user", "whoami"], env=env).output.strip()
    with session_scope(seeded.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["admin"],
            known_roles=KNOWN_ROLES,
            agency_code=None,
        )
    untouched = runner.invoke(cli, ["audit", "verify"], env=env)
    assert untouched.exit_code == 0, untouched.output
    tamper(seeded, "UPDATE case_events SET note = 'dihapus' WHERE seq = 4")
    result = runner.invoke(cli, ["audit", "verify", "--json"], env=env)
    assert result.exit_code == 1
    assert f'"case": "{ref}"' in result.output and '"event": 4' in result.output


# -- need-to-know ---------------------------------------------------------------------
@pytest.fixture
def two_agencies(seeded: App) -> tuple[App, str]:
    """A case of SLEMAN, and an officer holding every agency role, but only for BANTUL."""
    with session_scope(seeded.db) as session:
        add_agency(session, "BANTUL")
        registry.add_user(
            session,
            actor="admin",
            username="bantul",
            roles=["kepegawaian", "pejabat", "atasan", "tim_pemeriksa"],
            known_roles=KNOWN_ROLES,
            agency_code="BANTUL",
        )
    ref = open_case(seeded)
    walk(seeded, ref, recommended("berat"))
    return seeded, ref


def test_an_officer_of_another_agency_cannot_list_show_advance_or_read_the_case(
    two_agencies: tuple[App, str],
) -> None:
    app, ref = two_agencies
    with session_scope(app.db) as session:
        assert views.list_cases(app, session, actor="bantul", on=date(2024, 10, 22)).rows == []
        assert letters.list_letters(app, session, actor="bantul") == []
    for attempt in (
        lambda session: views.show_case(app, session, ref, actor="bantul", on=date(2024, 10, 22)),
        lambda session: views.history(session, ref, actor="bantul"),
        lambda session: cases.advance(
            app,
            session,
            ref,
            "tindak_lanjuti",
            inputs={},
            actor="bantul",
            on=date(2024, 10, 28),
            now=NOW,
        ),
    ):
        with session_scope(app.db) as session, pytest.raises(PermissionDenied):
            attempt(session)


def test_the_supervisory_body_sees_the_cases_it_handles_in_every_agency(
    two_agencies: tuple[App, str],
) -> None:
    app, ref = two_agencies
    with session_scope(app.db) as session:
        rows = views.list_cases(app, session, actor="pengawas", on=date(2024, 10, 22)).rows
        assert [r.reference for r in rows] == [ref]
        assert views.show_case(app, session, ref, actor="pengawas", on=date(2024, 10, 22))


def test_every_refusal_of_the_cli_is_logged_as_an_access_event(
    two_agencies: tuple[App, str], db_url: str
) -> None:
    app, ref = two_agencies
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url}
    me = runner.invoke(cli, ["user", "whoami"], env=env).output.strip()
    with session_scope(app.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["kepegawaian"],
            known_roles=KNOWN_ROLES,
            agency_code="BANTUL",
        )
    for args in (
        ["case", "show", ref],
        ["case", "history", ref],
        ["case", "advance", ref, "tindak_lanjuti", "--on", "2024-10-28"],
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == PermissionDenied.exit_code, result.output
    with session_scope(app.db) as session:
        logged = refusals(session)
    assert [e.command.split()[2] for e in reversed(logged)] == ["show", "history", "advance"]
    assert all(e.actor == me and ref in e.command for e in logged)


def test_user_typed_text_is_printed_literally_in_letters_never_run_as_template_code(
    seeded: App,
) -> None:
    ref = open_case(seeded)
    walk(seeded, ref, REPORT_TO_RECOMMENDATION)
    hostile = {
        "forwarding_sender": "{{ 7*7 }} <img src='file:///etc/passwd'> {% raw %}",
        "forwarding_number": "<script>alert(1)</script>",
        "forwarding_date": date(2024, 10, 10),
    }
    with session_scope(seeded.db) as session:
        cases.advance(
            seeded,
            session,
            ref,
            "rekomendasikan",
            inputs={"level": "berat"},
            actor="pengawas",
            on=date(2024, 10, 21),
            now=NOW,
            letter_data={"rekomendasi": hostile},
        )
        letter = session.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        html = render_html(seeded.letters_env, letter.kind, from_json(letter.context))
    assert "{{ 7*7 }}" in html and "49" not in html.split("{{ 7*7 }}")[0][-5:]
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<img src='file:///etc/passwd'>" not in html


def test_a_refused_step_by_another_agency_changes_nothing(two_agencies: tuple[App, str]) -> None:
    from tests.factories import snapshot

    app, ref = two_agencies
    before = snapshot(app)
    with pytest.raises(SanctionsError):
        walk(app, ref, [s("tindak_lanjuti", "bantul", "2024-10-28")])
    assert snapshot(app) == before
