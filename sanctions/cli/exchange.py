"""`sanctions keys init|trust|list`, `sanctions case send|accept`: signed case files between
installations (docs/exchange.md)."""

from __future__ import annotations

from pathlib import Path

import click

from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, parse_date, pass_shell
from sanctions.db import session_scope
from sanctions.errors import InputError
from sanctions.trust import bundles, keys

# A bundle is read whole (it is checked before anything is written): refuse a larger file
# before reading it.
_MAX_FILE = bundles.MAX_BUNDLE_BYTES


@click.group("keys")
def keys_group() -> None:
    """The installation's key and the keys of the offices it exchanges case files with."""


@keys_group.command("init")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the public key file here (default: print it).",
)
@click.option("--label", default="", help="Who this installation is, e.g. 'BKPSDM Sleman'.")
@pass_shell
def keys_init(shell: Shell, out: Path | None, label: str) -> None:
    """Create the installation's Ed25519 key (once; SANCTIONS_KEY_FILE, 0600) and write its
    public key file, naming the issuers this installation hosts, for the other offices to
    trust (`sanctions keys trust FILE`)."""
    from sanctions.cases.exchange import hosted_issuers

    existed = shell.settings.key_file.exists()
    key = keys.load_or_create(shell.settings.key_file)
    with session_scope(shell.app.db) as session:
        issuers = hosted_issuers(session)
    if not issuers:
        raise InputError("this installation hosts no issuer: register its agency first")
    text = bundles.public_key_file(key, issuers, label)
    if out is None:
        click.echo(text.decode("utf-8"), nl=False)
    else:
        out.write_bytes(text)
        what = "key exists" if existed else "key created"
        click.echo(
            f"{what}: {key.key_id[:16]}… for {', '.join(issuers)}; public key file → {out}",
            err=True,
        )


@keys_group.command("trust")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_shell
def keys_trust(shell: Shell, file: Path) -> None:
    """Trust another office's public key file (admin): bundles it signs are accepted for
    the issuers it names. Compare the key id with the office by telephone or in person."""
    from sanctions.cases.exchange import trust_key

    own = keys.load(shell.settings.key_file).key_id if shell.settings.key_file.exists() else ""
    data = _read(file, 64 * 1024)
    with shell.transaction() as (session, actor):
        trusted = trust_key(session, data, str(file), actor=actor, now=shell.now, own_key_id=own)
        key_id, issuers = trusted.key_id, ", ".join(trusted.issuers)
    click.echo(f"trusted key {key_id} for {issuers}")


@keys_group.command("list")
@json_option
@pass_shell
def keys_list(shell: Shell, as_json: bool) -> None:
    """The keys trusted here, and the issuers each may speak for."""
    from sanctions.cases.exchange import trusted_keys

    with session_scope(shell.app.db) as session:
        rows = [
            {"key_id": k.key_id, "issuers": ", ".join(k.issuers), "label": k.label,
             "added_by": k.added_by, "added_at": k.added_at}
            for k in trusted_keys(session)
        ]  # fmt: skip
    emit_table(rows, as_json=as_json, empty="no trusted keys")


@click.command("send")
@click.argument("reference")
@click.option("--to", "to", required=True, help="The receiving issuer's agency code (BKN).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The bundle file (default: REFERENCE-to-ISSUER.zip).",
)
@json_option
@pass_shell
def case_send(shell: Shell, reference: str, to: str, out: Path | None, as_json: bool) -> None:
    """Write the case's bundle for another office: its events, facts and letters, signed
    with the installation's key (`sanctions keys init`). It holds Rahasia letters: carry it
    as such (SRIKANDI, e-mail to the office's address, USB)."""
    from sanctions.cases.exchange import send

    if not shell.settings.key_file.exists():
        raise InputError(
            f"no installation key at {shell.settings.key_file}: create it with "
            "`sanctions keys init` and give its public key file to the other office"
        )
    key = keys.load(shell.settings.key_file)
    with shell.transaction() as (session, actor):
        sent = send(shell.app, session, reference, to=to, key=key, actor=actor, now=shell.now)
    target = out or Path(f"{reference.upper()}-to-{to}.zip")
    try:
        target.write_bytes(sent.data)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror}") from None
    if as_json:
        emit_json(
            {"bundle_id": sent.bundle_id, "file": str(target), "events": sent.events,
             "letters": sent.letters}
        )  # fmt: skip
    else:
        click.echo(
            f"bundle {sent.bundle_id[:16]}… of {reference} ({sent.events} events, "
            f"{sent.letters} letters) for {to} → {target}"
        )


@click.command("accept")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on_", help="The day it was received (default: today).")
@json_option
@pass_shell
def case_accept(shell: Shell, bundle: Path, on_: str | None, as_json: bool) -> None:
    """Accept a case bundle from another office: refused (nothing written) when it is not a
    safe zip, its key is not trusted here, its signature or a file's hash does not match, it
    was accepted before, or it contradicts the local record. Its new events and letters are
    recorded, the letters as received."""
    from sanctions.cases.exchange import accept

    own = keys.load(shell.settings.key_file).key_id if shell.settings.key_file.exists() else ""
    data = _read(bundle, _MAX_FILE)
    on = parse_date(on_, "--on") or shell.today
    with shell.transaction() as (session, actor):
        done = accept(shell.app, session, data, own_key_id=own, actor=actor, on=on, now=shell.now)
        letters = [x.number for x in done.letters]
    if as_json:
        emit_json(
            {"reference": done.reference, "state": done.state, "new_events": done.new_events,
             "received": letters, "sender": done.sender, "bundle_id": done.bundle_id}
        )  # fmt: skip
    else:
        click.echo(
            f"accepted {done.new_events} events of {done.reference} from {done.sender}: now "
            f"{done.state}; received {', '.join(letters) or 'no letter'}"
        )


def _read(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: {size} bytes, larger than the {limit} allowed")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
