"""`sanctions case export`: the complete case file, out. Loaded by the `case` group on use."""

from __future__ import annotations

from pathlib import Path

import click

from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, pass_shell


@click.command("export")
@click.argument("reference")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="A new (or empty) folder, or a file ending in .zip.",
)
@json_option
@pass_shell
def case_export(shell: Shell, reference: str, out: Path, as_json: bool) -> None:
    """Write the complete case file of REFERENCE: cover summary PDF, every issued letter, the
    event log as JSON and manifest.json with the SHA-256 of every file.

    \b
    Example:
      sanctions case export NET-2024-000001 --out NET-2024-000001.zip
    """
    from sanctions.reports import dossier  # Jinja2 and the PDF edge: only for this command

    with shell.transaction() as (session, actor):
        loaded = dossier.load_dossier(shell.app, session, reference, actor=actor, now=shell.now)
    result = dossier.write_dossier(shell.app, loaded, out)
    rows = [{"file": f.name, "bytes": f.size, "sha256": f.sha256} for f in result.files]
    if as_json:
        emit_json({"reference": reference, "out": str(result.path), "files": rows})
        return
    emit_table(rows, as_json=False)
    click.echo(f"case file of {reference} written to {result.path}")
