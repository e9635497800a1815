"""Agencies that sign electronically get PAdES-signed letters; verify checks the signature."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlmodel import select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import Agency, Letter
from sanctions.letters.service import verify_file
from sanctions.letters.signing import check_signatures
from tests.factories import seed
from tests.test_letters_issued import recommend

pytestmark = pytest.mark.pdf  # PAdES signatures on the real PDF


def make_p12(path: Path, passphrase: bytes) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Kepala BKN (uji)")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"uji", key, cert, None, serialization.BestAvailableEncryption(passphrase)
        )
    )


@pytest.fixture
def signing(app: App, tmp_path: Path) -> App:
    p12 = tmp_path / "kepala-bkn.p12"
    make_p12(p12, b"rahasia")
    signed_app = App(
        replace(app.settings, signing_p12=p12, signing_passphrase="rahasia"), db=app.db
    )
    seed(signed_app)
    with session_scope(signed_app.db) as s:
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        bkn.e_signature = True
        s.add(bkn)
    return signed_app


def test_a_letter_of_an_e_signing_agency_is_pades_signed_on_its_signature_block(
    signing: App,
) -> None:
    recommend(signing)
    with session_scope(signing.db) as s:
        letter = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
    assert letter.signed
    data = (signing.settings.letter_store / letter.path).read_bytes()
    [check] = check_signatures(data)
    assert check.ok and "Kepala BKN" in check.signer
    with pikepdf.open(signing.settings.letter_store / letter.path) as pdf:
        [field] = [f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"]
        x1, y1, x2, y2 = (float(v) for v in field.Rect)
        assert x2 > x1 and y2 > y1  # placed on the signature block, not an empty rectangle
    assert "Dokumen ini telah ditandatangani secara elektronik" in _text(data)


def test_verify_accepts_the_signed_letter_and_rejects_a_byte_changed_copy(
    signing: App, tmp_path: Path
) -> None:
    recommend(signing)
    with session_scope(signing.db) as s:
        letter = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
    issued = signing.settings.letter_store / letter.path
    tampered = tmp_path / "tampered.pdf"
    raw = bytearray(issued.read_bytes())
    spot = raw.index(b"Rekomendasi")
    raw[spot : spot + 11] = b"Rekomendasa"
    tampered.write_bytes(bytes(raw))
    with session_scope(signing.db) as s:
        good = verify_file(signing, s, issued)
        bad = verify_file(signing, s, tampered)
    assert not good.altered and "signature intact" in good.detail
    assert bad.issued and bad.altered


def _text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_signing_is_off_for_agencies_that_do_not_sign_electronically(signing: App) -> None:
    with session_scope(signing.db) as s:
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        bkn.e_signature = False
        s.add(bkn)
    recommend(signing)
    with session_scope(signing.db) as s:
        assert not s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one().signed


def test_an_e_signing_agency_without_a_certificate_prints_no_electronic_signature_sentence(
    app: App,
) -> None:
    seed(app)
    with session_scope(app.db) as s:
        bkn = s.exec(select(Agency).where(Agency.code == "BKN")).one()
        bkn.e_signature = True
        s.add(bkn)
    recommend(app)
    with session_scope(app.db) as s:
        letter = s.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
    assert not letter.signed
    assert letter.context["agency"]["e_signature"] is False
    text = _text((app.settings.letter_store / letter.path).read_bytes())
    assert "ditandatangani secara elektronik" not in text
    assert "BSrE" not in text
