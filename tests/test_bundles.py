"""Case bundles between installations (docs/exchange.md): the three-installation round trip
on each database, and every refusal (untrusted, altered, replayed, conflicting, unsafe) with
nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import exchange, follow_up
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Letter
from sanctions.errors import AlreadyAccepted, BundleRejected, RecordConflict
from sanctions.settings import Settings
from sanctions.trust import bundles, keys, log
from tests.conftest import _new_schema_name, copy_template, pg_url
from tests.factories import NOW, open_case, s, seed, snapshot, walk
from tests.fakes import FakePdfRenderer

ISSUERS = ("SLEMAN", "BAWASLU-SLEMAN", "BKN", "KASN")


@dataclass
class Office:
    """One installation: its database, letter store and key, hosting one issuer."""

    name: str
    app: App
    key: keys.InstallationKey
    hosts: str

    def public_key_file(self) -> bytes:
        return bundles.public_key_file(self.key, [self.hosts], self.name)

    def trust(self, other: Office) -> None:
        with session_scope(self.app.db) as session:
            exchange.trust_key(
                session, other.public_key_file(), other.name, actor="admin", now=NOW,
                own_key_id=self.key.key_id,
            )  # fmt: skip

    def send(self, reference: str, to: str, actor: str) -> bytes:
        with session_scope(self.app.db) as session:
            return exchange.send(
                self.app, session, reference, to=to, key=self.key, actor=actor, now=NOW
            ).data

    def accept(self, data: bytes, actor: str) -> exchange.Accepted:
        with session_scope(self.app.db) as session:
            return exchange.accept(
                self.app, session, data, own_key_id=self.key.key_id, actor=actor,
                on=date(2026, 11, 25), now=NOW,
            )  # fmt: skip

    def record(self, reference: str) -> dict[str, Any]:
        """The facts of the case every office must agree on."""
        with session_scope(self.app.db) as session:
            case = session.exec(select(Case).where(Case.reference == reference)).one()
            events = session.exec(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
            ).all()
            letters = session.exec(
                select(Letter, Agency.code)
                .join(Agency, col(Agency.id) == Letter.agency_id)
                .where(Letter.case_id == case.id)
                .order_by(col(Letter.event_seq), col(Letter.kind))
            ).all()
            assert not log.verify(session).findings
            return {
                "state": case.state,
                "facts": dict(case.facts),
                "events": [
                    (e.seq, e.trigger, e.on, e.source, e.dest, dict(e.inputs)) for e in events
                ],
                "letters": [
                    (x.event_seq, code, x.kind, x.number, x.issued_on, x.sha256)
                    for x, code in letters
                ],
            }


def _office(
    name: str, url: str, tmp_path: Path, request: pytest.FixtureRequest, hosts: str
) -> Office:
    copy_template(url, request)
    settings = Settings(
        database_url=url,
        letter_store=tmp_path / name / "letters",
        key_file=tmp_path / name / "key.pem",
    )
    app = App(settings, pdf_renderer=FakePdfRenderer())
    # the same seed in each office's database: built once per run, copied (tests/conftest.py)
    request.getfixturevalue("snapshots").restore("bundles.seeded", app, seed)
    with session_scope(app.db) as session:
        session.execute(text("UPDATE agencies SET hosted = (code = :mine)"), {"mine": hosts})
    return Office(name, app, keys.load_or_create(settings.key_file), hosts)


@pytest.fixture
def offices(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Office, Office, Office]]:
    """Bawaslu Sleman, BKN and BKPSDM Sleman, each with a database of its own (three SQLite
    files, or three PostgreSQL schemas), each trusting the offices it hears from."""
    urls = [db_url]
    schemas: list[str] = []
    server: dict[str, object] = {}
    if db_url.startswith("sqlite"):
        urls += [f"sqlite:///{tmp_path / f'{n}.db'}" for n in ("bkn", "bkpsdm")]
    else:
        server = request.getfixturevalue("pg_server")
        for _ in range(2):
            schema = _new_schema_name()
            with psycopg.connect(**server, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute(f"CREATE SCHEMA {schema}")
            schemas.append(schema)
            urls.append(pg_url(server, schema))
    made = [
        _office(name, url, tmp_path, request, hosts)
        for name, url, hosts in zip(
            ("bawaslu", "bkn", "bkpsdm"), urls, ("BAWASLU-SLEMAN", "BKN", "SLEMAN"), strict=True
        )
    ]
    bawaslu, bkn, bkpsdm = made
    bkn.trust(bawaslu)
    bkn.trust(bkpsdm)
    bkpsdm.trust(bkn)
    bawaslu.trust(bkn)
    try:
        yield bawaslu, bkn, bkpsdm
    finally:
        for office in made:
            office.app.db.dispose()
        for schema in schemas:
            with psycopg.connect(**server, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def reported(bawaslu: Office) -> tuple[str, bytes]:
    """A report at Bawaslu, studied and forwarded to BKN: the case and its bundle for BKN."""
    ref = open_case(bawaslu.app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk(
        bawaslu.app,
        ref,
        [s("kaji", "bawaslu", "2024-10-08"), s("teruskan", "bawaslu", "2024-10-10")],
    )
    return ref, bawaslu.send(ref, "BKN", "bawaslu")


def recommended(bawaslu: Office, bkn: Office) -> tuple[str, bytes]:
    """... accepted at BKN, clarified and recommended: the case at BKN and its bundle for
    the BKPSDM."""
    _, b1 = reported(bawaslu)
    ref = bkn.accept(b1, "pengawas").reference
    walk(
        bkn.app,
        ref,
        [
            s("minta_klarifikasi", "pengawas", "2024-10-14"),
            s("rekomendasikan", "pengawas", "2024-10-21", level="sedang"),
        ],
    )
    return ref, bkn.send(ref, "SLEMAN", "pengawas")


def test_the_case_goes_round_bawaslu_bkn_and_the_bkpsdm_and_every_office_ends_with_the_same_facts(
    offices: tuple[Office, Office, Office],
) -> None:
    bawaslu, bkn, bkpsdm = offices
    at_bawaslu, b1 = reported(bawaslu)
    at_bkn = bkn.accept(b1, "pengawas").reference
    walk(
        bkn.app,
        at_bkn,
        [
            s("minta_klarifikasi", "pengawas", "2024-10-14"),
            s("rekomendasikan", "pengawas", "2024-10-21", level="sedang"),
        ],
    )
    accepted = bkpsdm.accept(bkn.send(at_bkn, "SLEMAN", "pengawas"), "bkpsdm")
    at_bkpsdm = accepted.reference
    assert (accepted.state, accepted.new_events) == ("direkomendasikan", 5)
    walk(
        bkpsdm.app,
        at_bkpsdm,
        [
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
            s("periksa", "atasan", "2024-11-08"),
            s("susun_lhp", "atasan", "2024-11-11", sanction="S-1T"),
            s("putuskan", "bupati", "2024-11-12", sanction="S-1T"),
            s("serahkan", "bkpsdm", "2024-11-13"),
        ],
    )
    in_force = bkpsdm.app.calendar.add_working_days(date(2024, 11, 13), 15)
    walk(bkpsdm.app, at_bkpsdm, [s("nyatakan_berlaku", "bkpsdm", in_force.isoformat())])
    # the follow-up report goes back to BKN, and BKN tells Bawaslu how the case ended
    back = bkn.accept(bkpsdm.send(at_bkpsdm, "BKN", "bkpsdm"), "pengawas")
    assert (back.reference, back.state) == (at_bkn, "berlaku")
    home = bawaslu.accept(bkn.send(at_bkn, "BAWASLU-SLEMAN", "pengawas"), "bawaslu")
    assert home.reference == at_bawaslu
    everywhere = [bawaslu.record(at_bawaslu), bkn.record(at_bkn), bkpsdm.record(at_bkpsdm)]
    assert everywhere[0] == everywhere[1] == everywhere[2]
    assert everywhere[0]["state"] == "berlaku"
    # each letter was issued by one office only and received by the others
    issuers = {code for _, code, *_ in everywhere[0]["letters"]}
    assert issuers == {"BAWASLU-SLEMAN", "BKN", "SLEMAN"}
    for office in offices:
        with session_scope(office.app.db) as session:
            for letter in session.exec(select(Letter)).all():
                agency = session.get(Agency, letter.agency_id)
                assert agency is not None and letter.incoming == (agency.code != office.hosts)
            # and each keeps the case's follow-up facts as its own events give them
            laws = follow_up.laws_of(office.app.workflows.versions)
            assert follow_up.check(session, laws) == []


def test_a_bundle_from_a_key_not_trusted_here_is_refused_and_nothing_changes(
    offices: tuple[Office, Office, Office],
) -> None:
    bawaslu, _, bkpsdm = offices
    _, b1 = reported(bawaslu)
    before = snapshot(bkpsdm.app)
    with pytest.raises(BundleRejected, match="does not trust"):
        bkpsdm.accept(b1, "bkpsdm")  # BKPSDM trusts BKN only
    assert snapshot(bkpsdm.app) == before


def _rewritten(data: bytes, change: Any) -> bytes:
    """The bundle with its entries passed through `change(name, bytes) -> bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_an_altered_manifest_or_letter_and_a_replayed_bundle_are_refused_and_nothing_changes(
    offices: tuple[Office, Office, Office],
) -> None:
    bawaslu, bkn, _ = offices
    _, b1 = reported(bawaslu)

    def later_date(name: str, body: bytes) -> bytes:
        return body.replace(b'"2024-10-10"', b'"2024-10-11"') if name == "manifest.json" else body

    def other_pdf(name: str, body: bytes) -> bytes:
        return body + b"\n% edited" if name.startswith("letters/") else body

    before = snapshot(bkn.app)
    with pytest.raises(BundleRejected, match="signature does not match"):
        bkn.accept(_rewritten(b1, later_date), "pengawas")
    with pytest.raises(BundleRejected, match="does not match its SHA-256"):
        bkn.accept(_rewritten(b1, other_pdf), "pengawas")
    assert snapshot(bkn.app) == before
    bkn.accept(b1, "pengawas")
    once = snapshot(bkn.app)
    with pytest.raises(AlreadyAccepted, match="accepted already"):
        bkn.accept(b1, "pengawas")
    assert snapshot(bkn.app) == once


def _resigned(
    data: bytes, office: Office, change: Any, extra: dict[str, bytes] | None = None
) -> bytes:
    """The bundle's manifest changed by `change` and signed again by `office` (a sender it
    trusts that says something that does not fit the local record), with `extra` files."""
    bundle = bundles.read(data)
    manifest = json.loads(bundles.canonical(bundle.manifest))
    change(manifest)
    return bundles.write(manifest, {**bundle.files, **(extra or {})}, office.key)


def test_a_bundle_that_contradicts_the_local_record_is_refused_and_nothing_changes(
    offices: tuple[Office, Office, Office],
) -> None:
    bawaslu, bkn, bkpsdm = offices
    _, b2 = recommended(bawaslu, bkn)

    def skips_a_state(manifest: dict[str, Any]) -> None:
        manifest["events"][3]["source"] = "dilaporkan"  # minta_klarifikasi from the start

    before = snapshot(bkpsdm.app)
    with pytest.raises(RecordConflict, match="does not follow the local record"):
        bkpsdm.accept(_resigned(b2, bkn, skips_a_state), "bkpsdm")
    assert snapshot(bkpsdm.app) == before
    bkpsdm.accept(b2, "bkpsdm")

    def other_step(manifest: dict[str, Any]) -> None:
        manifest["events"][4]["inputs"]["level"] = "berat"  # the recommendation rewritten

    forged = b"%PDF-1.4\n% another recommendation under the same number\n%%EOF\n"
    digest = hashlib.sha256(forged).hexdigest()

    def other_file(manifest: dict[str, Any]) -> None:
        known = manifest["letters"][-1]  # BKN's recommendation
        manifest["letters"].append({**known, "sha256": digest, "size": len(forged), "event_seq": 6})
        manifest["events"].append(
            {**manifest["events"][-1], "seq": 6, "trigger": "tindak_lanjuti",
             "source": "direkomendasikan", "dest": "ditindaklanjuti", "letters": [digest]}
        )  # fmt: skip

    accepted = snapshot(bkpsdm.app)
    with pytest.raises(RecordConflict, match="event #5 differs from the local record"):
        bkpsdm.accept(_resigned(b2, bkn, other_step), "bkpsdm")
    with pytest.raises(RecordConflict, match="recorded here with another file"):
        bkpsdm.accept(_resigned(b2, bkn, other_file, {digest: forged}), "bkpsdm")
    with pytest.raises(RecordConflict, match="nothing to accept"):
        bkpsdm.accept(_resigned(b2, bkn, lambda m: m.update(created_at="later")), "bkpsdm")
    assert snapshot(bkpsdm.app) == accepted


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return out.getvalue()


def _signed(manifest: dict[str, Any], key: keys.InstallationKey) -> dict[str, bytes]:
    body = bundles.canonical(manifest)
    signature = {
        "format": bundles.SIGNATURE_FORMAT, "key_id": key.key_id,
        "public_key": key.public_hex, "signature": key.sign(body),
    }  # fmt: skip
    return {"manifest.json": body, "signature.json": bundles.canonical(signature)}


@pytest.mark.pure
def test_a_bundle_is_refused_when_it_is_no_zip_escapes_its_folder_or_unpacks_to_too_much(
    tmp_path: Path,
) -> None:
    key = keys.load_or_create(tmp_path / "key.pem")
    signed = _signed({"format": bundles.FORMAT}, key)
    with pytest.raises(BundleRejected, match="not a case bundle"):
        bundles.read(b"PK\x03\x04 but no zip")
    for name in ("../../etc/cron.d/x", "/etc/passwd", "letters/../../x.pdf", "letters/"):
        with pytest.raises(BundleRejected, match=r"only manifest\.json"):
            bundles.read(_zip({**signed, name: b"x"}))
    bomb = _zip({**signed, f"letters/{'a' * 64}.pdf": bytes(bundles.MAX_LETTER_BYTES + 1)})
    assert len(bomb) < 100_000  # a small file that unpacks to more than a letter may be
    with pytest.raises(BundleRejected, match="zip bomb"):
        bundles.read(bomb)
    huge = {"format": bundles.FORMAT, "padding": "x" * (bundles.MAX_MANIFEST_BYTES + 1)}
    with pytest.raises(BundleRejected, match=r"manifest\.json unpacks to"):
        bundles.read(_zip(_signed(huge, key)))
    deep: Any = []
    for _ in range(50):
        deep = [deep]
    with pytest.raises(BundleRejected, match="nested deeper"):
        bundles.read(_zip(_signed({"format": bundles.FORMAT, "deep": deep}, key)))
    with pytest.raises(BundleRejected, match="format"):
        bundles.read(_zip(_signed({"format": "sanctions-bundle/9"}, key)))


@pytest.mark.pure
def test_a_bundle_signed_by_another_key_than_it_names_is_refused(tmp_path: Path) -> None:
    mine = keys.load_or_create(tmp_path / "mine.pem")
    other = keys.load_or_create(tmp_path / "other.pem")
    entries = _signed({"format": bundles.FORMAT}, mine)
    forged = json.loads(entries["signature.json"])
    forged["signature"] = other.sign(entries["manifest.json"])
    with pytest.raises(BundleRejected, match="signature does not match"):
        bundles.read(_zip({**entries, "signature.json": bundles.canonical(forged)}))


def test_bkns_reminder_to_the_ppk_reaches_the_bkpsdm_as_a_received_letter(
    offices: tuple[Office, Office, Office],
) -> None:
    from sanctions.deadlines.reminders import run_reminders

    bawaslu, bkn, bkpsdm = offices
    at_bkn, _ = recommended(bawaslu, bkn)
    report = run_reminders(bkn.app, as_of=NOW.date(), now=NOW, actor="job", dry_run=False)
    [row] = [r for r in report.rows if r.case == at_bkn]
    assert row.status == "issued"
    accepted = bkpsdm.accept(bkn.send(at_bkn, "SLEMAN", "pengawas"), "bkpsdm")
    assert accepted.new_events == 6
    assert row.letter in [x.number for x in accepted.letters]
    assert bkpsdm.record(accepted.reference) == bkn.record(at_bkn)


def test_the_command_line_sends_and_accepts_a_bundle_and_prints_json_of_the_declared_shapes(
    offices: tuple[Office, Office, Office], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from sanctions.cli import cli
    from sanctions.cli.schemas import JSON_SCHEMAS, problems
    from tests.factories import grant_cli_user
    from tests.fakes import fake_app_factory

    bawaslu, bkn, bkpsdm = offices
    at_bkn, _ = recommended(bawaslu, bkn)  # the command line sends it again below

    def run(office: Office, *args: str) -> Any:
        url = office.app.settings.database_url
        grant_cli_user(office.app, url, ["admin", "pengawas", "kepegawaian"])
        env = {
            "SANCTIONS_DATABASE_URL": url,
            "SANCTIONS_LETTER_STORE": str(office.app.settings.letter_store),
            "SANCTIONS_KEY_FILE": str(office.app.settings.key_file),
        }
        result = CliRunner().invoke(cli, [*args, "--json"], env=env, obj=fake_app_factory())
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    bundle = tmp_path / "to-sleman.zip"
    sent = run(bkn, "case", "send", at_bkn, "--to", "SLEMAN", "--out", str(bundle))
    assert problems(sent, JSON_SCHEMAS["case send"]) == []
    assert sent["events"] >= 4 and sent["letters"] >= 1
    accepted = run(bkpsdm, "case", "accept", str(bundle))
    assert problems(accepted, JSON_SCHEMAS["case accept"]) == []
    assert accepted["state"] == "direkomendasikan" and accepted["sender"] == "BKN"
    trusted = run(bkpsdm, "keys", "list")
    assert problems(trusted, JSON_SCHEMAS["keys list"]) == [] and trusted
