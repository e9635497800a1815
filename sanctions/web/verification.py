"""The public verification page: scan the QR code (it opens `/verifikasi/<content hash>`),
type a letter's number and short code, or upload the PDF, and read VALID / ALTERED / UNKNOWN
with the letter's public metadata only (`sanctions.letters.public`). Read-only: every request
runs in a transaction that writes nothing. A small Starlette (ASGI) application; uvicorn
serves it (`sanctions serve`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import escape
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.letters import public
from sanctions.letters.public import PublicAnswer
from sanctions.printing.filters import tanggal

MAX_UPLOAD = 20 * 1024 * 1024  # bytes; an issued letter is a few hundred kilobytes at most

_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verifikasi Surat</title>
<style>
body {{ font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }}
.verdict {{ font-size: 2rem; font-weight: bold; padding: .5rem 1rem; display: inline-block; }}
.VALID {{ background: #d8f3dc; }} .ALTERED {{ background: #ffd6d6; }}
.UNKNOWN {{ background: #eee; }}
th {{ text-align: left; padding-right: 1rem; }} form {{ margin: 1.5rem 0; }}
</style></head><body>
<h1>Verifikasi Surat</h1>
{answer}
<form method="post" action="nomor">
<p><label>Nomor surat <input name="number" required></label></p>
<p><label>Kode (16 digit di samping kode QR) <input name="code" required></label></p>
<p><button type="submit">Periksa nomor</button></p>
</form>
<form method="post" action="berkas" enctype="multipart/form-data">
<p><label>Berkas PDF <input type="file" name="file" accept="application/pdf" required></label></p>
<p><button type="submit">Periksa berkas</button></p>
</form>
<p><small>Halaman ini hanya menunjukkan apakah surat diterbitkan, beserta penerbit, nomor,
tanggal, jenis dan sifatnya; isi surat tidak ditampilkan.</small></p>
</body></html>"""


def _answer_html(answer: PublicAnswer) -> str:
    rows = [
        ("Penerbit", answer.issuer),
        ("Nomor", answer.number),
        ("Tanggal", tanggal(answer.issued_on) if answer.issued_on else None),
        ("Jenis", answer.kind),
        ("Sifat", answer.sifat),
    ]
    table = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    return (
        f'<p id="verdict" class="verdict {answer.verdict}">{answer.verdict}</p>'
        f'<p id="detail">{escape(answer.detail)}</p>'
        + (f'<table id="metadata">{table}</table>' if table else "")
    )


def make_app(app: App) -> Starlette:
    """The ASGI application over `app`'s database (read only)."""

    def ask(question: Callable[[Session], PublicAnswer]) -> HTMLResponse:
        with session_scope(app.db) as session:
            answer = question(session)
            session.rollback()  # nothing is ever written
        status = 404 if answer.verdict == "UNKNOWN" else 200
        return HTMLResponse(_PAGE.format(answer=_answer_html(answer)), status_code=status)

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(_PAGE.format(answer=""))

    async def by_hash(request: Request) -> HTMLResponse:
        digest = str(request.path_params["digest"])
        return ask(lambda s: public.by_content_hash(s, digest))

    async def by_number(request: Request) -> HTMLResponse:
        async with request.form(max_files=0, max_fields=4) as form:
            number, code = str(form.get("number", "")), str(form.get("code", ""))
        return ask(lambda s: public.by_number(s, number, code))

    async def by_file(request: Request) -> HTMLResponse:
        if int(request.headers.get("content-length") or 0) > MAX_UPLOAD:
            return HTMLResponse("Berkas terlalu besar.", status_code=413)
        async with request.form(max_files=1, max_fields=4) as form:
            upload: Any = form.get("file")
            data = await upload.read(MAX_UPLOAD + 1) if hasattr(upload, "read") else b""
        if len(data) > MAX_UPLOAD:
            return HTMLResponse("Berkas terlalu besar.", status_code=413)
        return ask(lambda s: public.by_file(s, data))

    return Starlette(
        routes=[
            Route("/", home),
            Route("/verifikasi", home),
            Route("/verifikasi/", home),
            Route("/verifikasi/{digest:str}", by_hash),
            Route("/verifikasi/nomor", by_number, methods=["POST"]),
            Route("/verifikasi/berkas", by_file, methods=["POST"]),
            Route("/nomor", by_number, methods=["POST"]),
            Route("/berkas", by_file, methods=["POST"]),
        ]
    )
