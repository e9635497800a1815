"""The case file: cover summary PDF, every issued letter as issued, the event log and a
manifest of SHA-256 hashes, as a folder or a zip; only for users with a role for the agency.

The tests of the cover's printed content are marked `pdf` (WeasyPrint); the others, whose
subject is the package, the access rule or the store, get the fake renderer's cover."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases.views import case_by_reference
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Contest, Letter
from sanctions.errors import InputError, PermissionDenied, StorageError
from sanctions.letters import store as letter_store
from sanctions.registry import service as registry
from sanctions.reports.dossier import COVER, export_case
from tests.factories import NOW, add_agency, open_case, recommended, s, seed, walk
from tests.fakes import fake_app_factory
from tests.pdfa import assert_pdf_a_3b

if TYPE_CHECKING:
    from tests.conftest import Snapshots


def issue_fake_letter(
    app: App, reference: str, *, kind: str, number: str, seq: int, confidential: bool = False
) -> bytes:
    """A letter row and its file in the letter store, as the letters service leaves them."""
    data = f"%PDF-1.7\n% {kind} {number}\n%%EOF\n".encode()
    digest, path = letter_store.put(app.settings.letter_store, data)
    with session_scope(app.db) as session:
        case = case_by_reference(session, reference)
        session.add(
            Letter(
                case_id=case.id or 0,
                event_seq=None,
                agency_id=case.agency_id,
                kind=kind,
                title=kind.replace("_", " ").title(),
                series="SRT",
                year=2024,
                seq=seq,
                number=number,
                issued_on=date(2024, 10, 21),
                issued_at=NOW,
                issued_by="pengawas",
                confidential=confidential,
                sha256=digest,
                content_hash="0" * 64,
                path=path,
                pages=1,
            )
        )
    return data


def build_reference(app: App) -> str:
    seed(app)
    ref = open_case(app)
    walk(app, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2025-01-15")])
    return ref


@pytest.fixture
def reference(app: App, snapshots: Snapshots) -> str:
    """A case recommended on 2024-10-21 and followed up late (2025-01-15), with the four
    letters its steps issued (built once, copied into each test)."""
    return snapshots.restore("dossier.reference", app, build_reference)


def export(app: App, reference: str, out: Path, actor: str = "bkpsdm") -> list[str]:
    with session_scope(app.db) as session:
        result = export_case(app, session, reference, out, actor=actor, now=NOW)
    return [f.name for f in result.files]


def test_a_case_file_zip_holds_cover_letters_and_log_with_a_manifest_whose_hashes_match(
    app: App, reference: str, tmp_path: Path
) -> None:
    names = export(app, reference, tmp_path / "berkas.zip")
    with zipfile.ZipFile(tmp_path / "berkas.zip") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(files) == sorted(names)
    assert names[0] == "ringkasan.pdf" and names[-2:] == ["log-peristiwa.json", "manifest.json"]
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["case"] == reference
    assert {m["path"]: m["sha256"] for m in manifest["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }
    assert all(m["bytes"] == len(files[m["path"]]) for m in manifest["files"])
    letters = sorted(n for n in files if n.startswith("surat/"))
    assert letters == [
        "surat/01-tanda_terima_laporan-1-PM.00.02-PP.01-X-2024.pdf",
        "surat/02-surat_penerusan-2-PM.00.02-PP.01-X-2024.pdf",
        "surat/03-permintaan_klarifikasi-B-1-BKN-DWASDAL-10-2024.pdf",
        "surat/04-rekomendasi-B-2-BKN-DWASDAL-10-2024.pdf",
    ]
    log = json.loads(files["log-peristiwa.json"])
    assert [e["trigger"] for e in log["events"]] == [
        "buka",
        "kaji",
        "teruskan",
        "minta_klarifikasi",
        "rekomendasikan",
        "tindak_lanjuti",
    ]
    assert log["events"][-1]["late"] == ["tindak_lanjut_ppk"]
    assert log["events"][0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(log["events"]))


@pytest.mark.pdf  # the cover's printed content is the subject
def test_the_cover_summary_names_the_parties_the_allegations_the_timeline_and_the_deadlines(
    app: App, reference: str, tmp_path: Path
) -> None:
    export(app, reference, tmp_path / "berkas")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "berkas/ringkasan.pdf").pages)
    text = " ".join(text.split())
    for expected in (
        f"BERKAS PERKARA PELANGGARAN NETRALITAS ASN {reference}",
        "Budi Santoso, S.Pd.",
        "19860926 201505 1 001",
        "Bupati Sleman",
        "DIS-02",
        "PPK menindaklanjuti (jalur disiplin)",
        "Terlambat: tindak_lanjut_ppk",
        "terlewat",
        "B-2/BKN/DWASDAL/10/2024",
    ):
        assert expected in text, expected


@pytest.mark.pdf  # the cover's printed content is the subject
def test_the_cover_summary_is_pdf_a_3b_with_its_bundled_fonts_embedded(
    app: App, reference: str, tmp_path: Path
) -> None:
    export(app, reference, tmp_path / "berkas")
    fonts = assert_pdf_a_3b((tmp_path / "berkas/ringkasan.pdf").read_bytes())
    assert fonts <= {"Dossier-Sans", "Dossier-Sans-Bold", "Dossier-Sans-Italic"}
    assert "Dossier-Sans" in fonts


@pytest.mark.pdf  # the cover's printed content is the subject
def test_the_cover_summary_prints_a_dash_for_dates_a_case_does_not_have(
    app: App, tmp_path: Path
) -> None:
    seed(app)
    reference = open_case(app)
    walk(app, reference, recommended("berat"))  # the follow-up deadline is still open
    with session_scope(app.db) as session:
        contest = session.get(Contest, case_by_reference(session, reference).contest_id)
        assert contest is not None
        contest.candidate_determination_date = None
    export(app, reference, tmp_path / "berkas")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "berkas/ringkasan.pdf").pages)
    text = " ".join(text.split())
    assert "Penetapan calon -" in text
    assert re.search(r"Desember 2024 - (berjalan|lewat waktu)", text), text


def test_a_case_file_folder_has_the_same_files_and_is_never_written_over(
    app: App, reference: str, tmp_path: Path
) -> None:
    names = export(app, reference, tmp_path / "berkas")
    manifest = json.loads((tmp_path / "berkas" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (tmp_path / "berkas" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert sorted(
        str(p.relative_to(tmp_path / "berkas")) for p in (tmp_path / "berkas").rglob("*.*")
    ) == sorted(names)
    with pytest.raises(InputError, match="not an empty folder"):
        export(app, reference, tmp_path / "berkas")


def test_only_a_user_with_a_role_for_the_case_agency_may_export_it(
    app: App, reference: str, tmp_path: Path
) -> None:
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")
        registry.add_user(
            session,
            actor="admin",
            username="bantul",
            roles=["kepegawaian"],
            known_roles=["kepegawaian"],
            agency_code="BANTUL",
        )
    with pytest.raises(PermissionDenied, match=f"no role for the agency of case {reference}"):
        export(app, reference, tmp_path / "berkas.zip", actor="bantul")
    assert not (tmp_path / "berkas.zip").exists()


def test_a_letter_file_changed_after_issue_refuses_the_export(
    app: App, reference: str, tmp_path: Path
) -> None:
    stored = next(app.settings.letter_store.rglob("*.pdf"))
    stored.write_bytes(stored.read_bytes() + b"% edited\n")
    with pytest.raises(StorageError, match="does not match the SHA-256 recorded"):
        export(app, reference, tmp_path / "berkas.zip")
    assert not (tmp_path / "berkas.zip").exists()
    stored.unlink()
    with pytest.raises(StorageError, match="missing from the letter store"):
        export(app, reference, tmp_path / "berkas.zip")


def test_case_export_on_the_command_line_writes_the_zip(
    app: App, reference: str, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(app.settings.letter_store),
    }
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(app.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["kepegawaian"],
            known_roles=["kepegawaian"],
            agency_code="SLEMAN",
        )
    out = tmp_path / f"{reference}.zip"
    result = runner.invoke(
        cli,
        ["case", "export", reference, "--out", str(out), "--json"],
        env=env,
        obj=fake_app_factory(),
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["files"]
    with zipfile.ZipFile(out) as archive:
        assert {f["file"] for f in listed} == set(archive.namelist())
        cover = archive.read("ringkasan.pdf")
    assert PdfReader(io.BytesIO(cover)).pages[0].extract_text().startswith("BERKAS PERKARA")


def test_rahasia_letters_go_into_the_case_file_only_for_their_declared_readers(
    app: App, reference: str, tmp_path: Path
) -> None:
    issue_fake_letter(
        app, reference, kind="surat_panggilan_1", number="R-1/2024", seq=90, confidential=True
    )
    # pengawas holds a grant for every agency but is not a declared reader of Rahasia letters
    names = export(app, reference, tmp_path / "pengawas.zip", actor="pengawas")
    assert not [n for n in names if "surat_panggilan_1" in n]
    with zipfile.ZipFile(tmp_path / "pengawas.zip") as archive:
        assert not [n for n in archive.namelist() if "surat_panggilan_1" in n]
        cover = " ".join(
            " ".join(
                p.extract_text() for p in PdfReader(io.BytesIO(archive.read(COVER))).pages
            ).split()
        )
    assert "tidak disertakan (Rahasia" in cover and "R-1/2024" in cover
    # the agency's personnel officer is one: the letter is in the package
    names = export(app, reference, tmp_path / "bkpsdm.zip", actor="bkpsdm")
    assert [n for n in names if "surat_panggilan_1" in n] == [
        "surat/05-surat_panggilan_1-R-1-2024.pdf"
    ]


def test_a_path_in_a_stored_letter_row_cannot_leave_the_export_folder(
    app: App, reference: str, tmp_path: Path
) -> None:
    issue_fake_letter(app, reference, kind="../../../escaped", number="../../x/../y", seq=91)
    out = tmp_path / "deep" / "berkas"
    names = export(app, reference, out)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*escaped*"))
    assert written == ["deep/berkas/surat/05-escaped-x---y.pdf"]
    assert "surat/05-escaped-x---y.pdf" in names


def test_a_letter_row_naming_a_file_outside_the_store_is_refused(
    app: App, reference: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"not a letter")
    with session_scope(app.db) as session:
        letter = session.exec(select(Letter).order_by(col(Letter.id))).first()
        assert letter is not None
        letter.path = "../secret.pdf"
        session.add(letter)
    with pytest.raises(StorageError, match="not the one its SHA-256 gives"):
        export(app, reference, tmp_path / "berkas.zip")
    assert not (tmp_path / "berkas.zip").exists()
