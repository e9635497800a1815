"""`sanctions serve`: the public verification page, read only."""

from __future__ import annotations

import click

from sanctions.cli.shell import Shell, pass_shell


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@pass_shell
def serve(shell: Shell, host: str, port: int) -> None:
    """Serve the public page that answers a letter's QR code: VALID, ALTERED or UNKNOWN with
    the letter's public metadata only (issuer, number, date, kind, sifat), never its content.

    The QR code of a letter carries `<verification URL>/<content hash>` when its issuer has a
    verification URL (`agency add --verification-url https://HOST/verifikasi`). Put the page
    behind the agency's web server (docs/deployment.md); it listens on localhost by default.

    \b
    Example:
      sanctions serve --port 8080
    """
    import uvicorn

    from sanctions.db import check_current
    from sanctions.web.verification import make_app

    check_current(shell.app.db)
    uvicorn.run(make_app(shell.app), host=host, port=port, log_level="info")
