"""PostgreSQL shows a Rahasia letter's content only to its declared readers (migration 0021):
a database user connecting with psycopg as an officer who holds a reader's role for the
agency reads it, one who holds only another role of the same agency sees its public metadata
(`letters_public`) and never its context, an officer of another agency sees nothing; and the
application's own commands still work for a reader connecting as themselves. PostgreSQL only:
SQLite is one office (docs/deployment.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import make_engine, session_scope
from sanctions.letters import public
from tests.factories import add_agency, open_case, recommended, s, seed, walk
from tests.fakes import fake_app_factory
from tests.officer import TEAM_MEMBERS
from tests.test_pg_need_to_know import Login, count, db_url, grant_user, login, new_name

pytestmark = pytest.mark.postgres
__all__ = ["db_url", "login"]  # the fixtures, for pytest

TEAM = TEAM_MEMBERS


@pytest.fixture
def rahasia(app: App) -> str:
    """A SLEMAN case whose team decree (sk_tim_pemeriksa, Rahasia) is issued, and BANTUL."""
    seed(app)
    reference = open_case(app)
    walk(
        app,
        reference,
        [
            *recommended("berat"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM),
        ],
    )
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")
    return reference


def test_a_rahasia_letter_records_its_readers_when_it_is_issued(app: App, rahasia: str) -> None:
    with session_scope(app.db) as session:
        rows = session.execute(
            text("SELECT kind, confidential, readers FROM letters ORDER BY id")
        ).all()
        version = session.execute(text("SELECT workflow_version FROM cases")).scalar_one()
    declared = app.workflow(version).rule_values["confidential_readers"]
    assert "kepegawaian" in declared and "bawaslu" not in declared
    assert [(k, r) for k, c, r in rows if c] == [("sk_tim_pemeriksa", sorted(declared))]
    assert all(r == [] for _, c, r in rows if not c)


def test_a_reader_reads_a_non_reader_sees_metadata_only_another_agency_nothing(
    app: App, rahasia: str, login: Login
) -> None:
    reader, non_reader, outsider = new_name(), new_name(), new_name()
    grant_user(app, reader, ["kepegawaian"], "SLEMAN")
    grant_user(app, non_reader, ["bawaslu", "pengawas"], "SLEMAN")
    grant_user(app, outsider, ["kepegawaian", "pejabat"], "BANTUL")
    rahasia_rows = "SELECT count(*) FROM letters WHERE confidential"
    with login("sanctions_officer", reader) as conn:
        assert count(conn, rahasia_rows) == 1
        row = conn.execute(
            "SELECT context -> 'doc' ->> 'sifat' FROM letters WHERE confidential"
        ).fetchone()
        assert row == ("Rahasia",)
    with login("sanctions_officer", non_reader) as conn:
        assert count(conn, rahasia_rows) == 0  # the content is not theirs to read
        assert count(conn, "SELECT count(*) FROM letters WHERE NOT confidential") >= 1
        public = conn.execute(
            "SELECT issuer, kind, sifat, number, issued_on FROM letters_public WHERE confidential"
        ).fetchall()
        assert [(p[0], p[1], p[2]) for p in public] == [("SLEMAN", "sk_tim_pemeriksa", "Rahasia")]
        with pytest.raises(errors.UndefinedColumn):
            conn.execute("SELECT context FROM letters_public")
        # nor can they declassify it or add themselves to its readers
        declassify = "UPDATE letters SET confidential = false WHERE kind = 'sk_tim_pemeriksa'"
        assert conn.execute(declassify).rowcount == 0
        conn.execute("""UPDATE letters SET readers = '["bawaslu"]'""")  # no WHERE: Biasa ones
        assert count(conn, rahasia_rows) == 0
    auditor = new_name()
    grant_user(app, auditor, ["pengawas"], None)  # every agency, but no reader's role
    with login("sanctions_auditor", auditor) as conn:
        assert count(conn, rahasia_rows) == 0
        assert count(conn, "SELECT count(*) FROM letters_public WHERE confidential") == 1
    with login("sanctions_officer", outsider) as conn:
        for query in ("SELECT count(*) FROM letters", "SELECT count(*) FROM letters_public"):
            assert count(conn, query) == 0, query
    with login("sanctions_job") as conn:  # the reminder job reads no Rahasia content either
        assert count(conn, rahasia_rows) == 0
        assert count(conn, "SELECT count(*) FROM letters_public WHERE confidential") == 1
    with session_scope(app.db) as session:  # the owner (the application) is not filtered
        readers = session.execute(
            text("SELECT readers FROM letters WHERE confidential")
        ).scalar_one()
    assert "bawaslu" not in readers


def test_the_commands_work_for_a_reader_connecting_as_their_own_database_user(
    app: App, rahasia: str, login: Login, db_url: str, tmp_path: Path
) -> None:
    reader, non_reader = new_name(), new_name()
    grant_user(app, reader, ["kepegawaian", "pejabat"], "SLEMAN")
    grant_user(app, non_reader, ["bawaslu"], "SLEMAN")
    for name in (reader, non_reader):
        with login("sanctions_officer", name):
            pass  # creates the login role
    runner = CliRunner()

    def run(user: str, *args: str) -> str:
        url = make_url(db_url).set(username=user).render_as_string(hide_password=False)
        env = {
            "SANCTIONS_DATABASE_URL": url,
            "SANCTIONS_LETTER_STORE": str(app.settings.letter_store),
        }
        result = runner.invoke(cli, list(args), env=env, obj=fake_app_factory())
        assert result.exit_code == 0, (user, args, result.output)
        return result.stdout

    listed = json.loads(run(reader, "letter", "list", "--json"))
    [team] = [x for x in listed if x["kind"] == "sk_tim_pemeriksa"]
    assert (team["sifat"], team["readable"]) == ("Rahasia", True)
    out = tmp_path / "sk-tim.pdf"
    run(reader, "letter", "get", team["number"], "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    shown = json.loads(run(reader, "case", "show", rahasia, "--as-of", "2024-10-30", "--json"))
    assert shown["state"] == "tim_dibentuk"
    # a non-reader's own login lists the letters it may read, without the Rahasia content
    theirs = json.loads(run(non_reader, "letter", "list", "--json"))
    assert team["number"] not in [x["number"] for x in theirs]
    assert theirs and all(x["sifat"] is None for x in theirs)


def test_the_verification_page_answers_for_a_rahasia_letter_it_may_not_read(
    app: App, rahasia: str, login: Login, db_url: str
) -> None:
    """The page runs as a read-only login without a reader's role: it still says VALID, with
    the public metadata only (migration 0021's letters_public)."""
    page = new_name()
    grant_user(app, page, ["pengawas"], None)
    with login("sanctions_auditor", page) as conn:
        assert count(conn, "SELECT count(*) FROM letters WHERE confidential") == 0
    with session_scope(app.db) as session:
        digest, number, sha = session.execute(
            text("SELECT content_hash, number, sha256 FROM letters WHERE confidential")
        ).one()
    url = make_url(db_url).set(username=page).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            answer = public.by_content_hash(session, digest)
            typed = public.by_number(session, number, digest[:16])
    finally:
        engine.dispose()
    assert (answer.verdict, answer.sifat, answer.number) == ("VALID", "Rahasia", number)
    assert answer.kind and answer.issuer and answer.issued_on
    assert typed.verdict == "VALID"
    assert sha  # the file's hash is public metadata too (the page's by_file)
