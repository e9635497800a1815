"""`sanctions audit verify|checkpoint|refusals`: the record nobody can quietly change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, pass_shell
from sanctions.errors import InputError
from sanctions.trust.access import JOB_ROLE, refusals, require_role
from sanctions.trust.audit import verify

AUDITORS = ["admin", "pengawas"]


@click.group()
def audit() -> None:
    """The tamper-evident case record and its Merkle log."""


@audit.command("verify")
@click.argument("reference", required=False)
@click.option(
    "--since",
    "since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint file: prove the log only grew since it was signed.",
)
@click.option("--public-key", help="The installation's public key to trust (hex; default: ours).")
@json_option
@pass_shell
def audit_verify(
    shell: Shell, reference: str | None, since: Path | None, public_key: str | None, as_json: bool
) -> None:
    """Recompute every case's event chain (or CASE's), check the whole Merkle log against
    every record and every stored letter file against its SHA-256, and with --since a signed
    checkpoint, prove the log only grew since. Names the first bad record; exits 1 if any."""
    from sanctions.cases import follow_up
    from sanctions.trust import checkpoints, log
    from sanctions.trust.files import check_files

    checkpoint = _read_checkpoint(since) if since else None
    with shell.transaction() as (session, actor):
        require_role(session, actor, AUDITORS, what="auditing the case record")
        checked, findings = verify(session, reference)
        state = log.verify(session)
        problems = [*state.findings, *check_files(session, shell.settings.letter_store)]
        problems += follow_up.check(session, follow_up.laws_of(shell.app.workflows.versions))
        grown = None
        if checkpoint is not None:
            trusted = public_key or _own_public_key(shell)
            grown = checkpoints.verify_since(session, checkpoint, state, trusted_key=trusted)
            problems = [*grown.findings, *problems]
    rows = [
        {"case": f.reference, "event": f.seq, "record": "case_events", "problem": f.what}
        for f in findings
    ]
    for f in problems:
        leaf = f" (leaf #{f.index})" if f.index is not None else ""
        rows.append({"case": None, "event": None, "record": f.ref + leaf, "problem": f.what})
    summary: dict[str, Any] = {
        "cases_checked": checked,
        "log_size": state.size,
        "since_size": None if grown is None else grown.size_then,
        "consistency_proof": None if grown is None else grown.proof_length,
    }
    if as_json:
        emit_json({**summary, "findings": rows})
    else:
        click.echo(
            f"{checked} case(s) checked, {state.size} log leaves, {len(rows)} problem(s)"
            + (
                f"; the log grew from {grown.size_then} leaves (consistency proof of "
                f"{grown.proof_length} hashes verified)"
                if grown is not None and not grown.findings
                else ""
            )
        )
        if rows:
            shown = [{k: "" if v is None else v for k, v in row.items()} for row in rows]
            emit_table(shown, as_json=False, wrap={"problem": 64, "record": 36})
    if rows:
        raise SystemExit(1)


@audit.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write it here.")
@pass_shell
def audit_checkpoint(shell: Shell, out: Path | None) -> None:
    """Sign the Merkle log's head with the installation's key and print (or --out) the
    checkpoint, to keep outside the database (the supervisory body keeps a copy)."""
    from sanctions.trust import checkpoints, keys

    key = keys.load_or_create(shell.settings.key_file)
    with shell.transaction() as (session, actor):
        require_role(session, actor, [*AUDITORS, JOB_ROLE], what="signing a checkpoint")
        document = checkpoints.make(session, key, now=shell.now, actor=actor)
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"checkpoint of {document['size']} leaves, root {document['root']} → {out}")


@audit.command("refusals")
@click.option("--limit", type=int, default=100, show_default=True)
@json_option
@pass_shell
def audit_refusals(shell: Shell, limit: int, as_json: bool) -> None:
    """Refused attempts to act or read, newest first."""
    with shell.transaction() as (session, actor):
        require_role(session, actor, AUDITORS, what="reading the access log")
        rows = [
            {"at": e.at, "user": e.actor, "command": e.command, "reason": e.reason}
            for e in refusals(session, limit=limit)
        ]
    emit_table(rows, as_json=as_json, empty="no refusals", wrap={"reason": 60, "command": 40})


def _read_checkpoint(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > 64 * 1024 * 1024:
        raise InputError(f"{path}: refused: larger than 64 MiB, the limit for a checkpoint")
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path}: not a checkpoint (not JSON: {exc})") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: not a checkpoint (not a JSON object)")
    return value


def _own_public_key(shell: Shell) -> str | None:
    from sanctions.trust import keys

    path = shell.settings.key_file
    return keys.load(path).public_hex if path.exists() else None
