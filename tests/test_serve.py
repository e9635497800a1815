"""The public verification page, served by uvicorn and read in a real headless Chromium.

Debian's chromium (installed by scripts/setup) is driven by Playwright; the page is loaded, a
real issued PDF and an altered copy are uploaded, the QR code's link is followed and a number
typed in, and the verdict is read off the page. The page never shows a letter's content.
"""

from __future__ import annotations

import io
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import uvicorn
from sqlmodel import select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.web.verification import make_app
from tests.factories import open_case, seed
from tests.waiting import wait_until

pytestmark = pytest.mark.pdf  # a real issued PDF is uploaded

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's own probe starts it: no sandbox as root, no background network calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def site(app: App) -> Iterator[str]:
    """The page served on a free local port, over the test's database."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(app), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=30, what="the page to be served")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium for the module's tests (its start and exit cost about 2 CPU-s);
    each test browses in a context of its own (see `browser`)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium on this machine (scripts/setup installs Debian's)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[object]:
    """A fresh browser context (no cookies, cache or pages from another test), closed after."""
    context = chromium.new_context()
    try:
        yield context
    finally:
        context.close()


def _issued(app: App) -> tuple[Letter, Path]:
    seed(app)
    open_case(app, reported_on=date(2024, 10, 7))
    with session_scope(app.db) as session:
        letter = session.exec(select(Letter)).one()
    return letter, app.settings.letter_store / letter.path


def _altered(original: Path, out: Path) -> Path:
    with pikepdf.open(original) as pdf:
        pdf.docinfo["/Subject"] = "diubah"  # any change to the issued bytes
        buffer = io.BytesIO()
        pdf.save(buffer)
    out.write_bytes(buffer.getvalue())
    return out


def test_the_page_says_valid_for_an_issued_pdf_and_altered_for_a_changed_copy(
    app: App, site: str, browser: object, tmp_path: Path
) -> None:
    letter, issued = _issued(app)
    altered = _altered(issued, tmp_path / "diubah.pdf")
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{site}/verifikasi")
    assert "Verifikasi Surat" in page.title()

    page.set_input_files("input[name=file]", str(issued))
    page.click("text=Periksa berkas")
    assert page.inner_text("#verdict") == "VALID"
    metadata = page.inner_text("#metadata")
    assert letter.number in metadata and "Tanda Terima Laporan" in metadata
    assert "Ahmad Fauzi" not in page.content()  # the reporter's name is content, not metadata

    page.goto(f"{site}/verifikasi")
    page.set_input_files("input[name=file]", str(altered))
    page.click("text=Periksa berkas")
    assert page.inner_text("#verdict") == "ALTERED"
    assert letter.number in page.inner_text("#metadata")


def test_the_qr_link_and_a_typed_number_are_answered_and_a_stranger_is_unknown(
    app: App, site: str, browser: object, tmp_path: Path
) -> None:
    letter, _ = _issued(app)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{site}/verifikasi/{letter.content_hash}")
    assert page.inner_text("#verdict") == "VALID"

    page.fill("input[name=number]", letter.number)
    page.fill("input[name=code]", f"{letter.content_hash[:8]} {letter.content_hash[8:16]}")
    page.click("text=Periksa nomor")
    assert page.inner_text("#verdict") == "VALID"

    page.goto(f"{site}/verifikasi")
    page.fill("input[name=number]", letter.number)
    page.fill("input[name=code]", "0000000000000000")
    page.click("text=Periksa nomor")
    assert page.inner_text("#verdict") == "ALTERED"

    stranger = tmp_path / "lain.pdf"
    stranger.write_bytes(b"%PDF-1.7\n% not a letter\n%%EOF\n")
    page.goto(f"{site}/verifikasi")
    page.set_input_files("input[name=file]", str(stranger))
    page.click("text=Periksa berkas")
    assert page.inner_text("#verdict") == "UNKNOWN"
