"""Writing issued letters into a folder the officer names (`case advance --out DIR`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from sanctions.cli.shell import Shell
from sanctions.errors import InputError, PermissionDenied
from sanctions.letters import service as letters

_UNSAFE = re.compile(r"[^0-9A-Za-z.\-]+")


def writable_folder(path: Path) -> None:
    """Make sure `path` is a folder this process may write (before any change is made)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {path}: cannot create the folder: {exc.strerror}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"--out {path}: the folder is not writable")


def file_name(number: str) -> str:
    """A letter number as a file name inside the folder: ``800.1.6.4_5_BKPSDM_2024.pdf``."""
    return _UNSAFE.sub("_", number).strip("._") + ".pdf"


def write_letters(shell: Shell, issued: list[tuple[str, str]], out: Path) -> dict[str, str]:
    """Write each (number, issuer code) letter the user may read into `out`; returns number →
    file written. A Rahasia letter the user may not read is left out with a notice (the step
    itself is committed: `letter get` fetches any letter later)."""
    written: dict[str, str] = {}
    with shell.transaction() as (session, actor):
        for number, issuer in issued:
            try:
                _, data = letters.read_letter(
                    shell.app, session, number, actor=actor, issuer=issuer
                )
            except PermissionDenied as refused:
                click.echo(f"not written: {refused}", err=True)
                continue
            target = out / file_name(number)
            target.write_bytes(data)
            written[number] = str(target)
    return written
