"""`sanctions audit verify [CASE]`: recompute the tamper-evident chains."""

from __future__ import annotations

import click

from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, pass_shell
from sanctions.trust.access import refusals, require_role
from sanctions.trust.audit import verify


@click.group()
def audit() -> None:
    """The tamper-evident case record."""


@audit.command("verify")
@click.argument("reference", required=False)
@json_option
@pass_shell
def audit_verify(shell: Shell, reference: str | None, as_json: bool) -> None:
    """Recompute every case's event chain (or CASE's) and name the first row that was edited,
    deleted or reordered. Exits 1 if any is found."""
    with shell.transaction() as (session, actor):
        require_role(session, actor, ["admin", "pengawas"], what="auditing the case record")
        checked, findings = verify(session, reference)
    rows = [{"case": f.reference, "event": f.seq, "problem": f.what} for f in findings]
    if as_json:
        emit_json({"cases_checked": checked, "findings": rows})
    else:
        click.echo(f"{checked} case(s) checked, {len(findings)} with a broken record")
        if rows:
            emit_table(rows, as_json=False, wrap={"problem": 70})
    if findings:
        raise SystemExit(1)


@audit.command("refusals")
@click.option("--limit", type=int, default=100, show_default=True)
@json_option
@pass_shell
def audit_refusals(shell: Shell, limit: int, as_json: bool) -> None:
    """Refused attempts to act or read, newest first."""
    with shell.transaction() as (session, actor):
        require_role(session, actor, ["admin", "pengawas"], what="reading the access log")
        rows = [
            {"at": e.at, "user": e.actor, "command": e.command, "reason": e.reason}
            for e in refusals(session, limit=limit)
        ]
    emit_table(rows, as_json=as_json, empty="no refusals", wrap={"reason": 60, "command": 40})
