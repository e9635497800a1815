"""`sanctions deadline suspend|extend`: a deadline's ledger (who, when, why, on what basis)."""

from __future__ import annotations

import click

from sanctions.cli.shell import Shell, emit_json, json_option, parse_date, pass_shell
from sanctions.db.models import DeadlineEntry


@click.group()
def deadline() -> None:
    """Suspend or extend an open deadline of a case (the due date is derived)."""


def _adjust(shell: Shell, reference: str, name: str, entry: DeadlineEntry, on: str | None,
            as_json: bool) -> None:  # fmt: skip
    from sanctions.deadlines.adjustments import adjust

    day = parse_date(on, "--on") or shell.today
    with shell.transaction() as (session, actor):
        done = adjust(shell.app, session, reference, name, entry, actor=actor, on=day,
                      now=shell.now)  # fmt: skip
    if as_json:
        emit_json({"reference": done.reference, "deadline": done.deadline,
                   "old_due": done.old_due, "new_due": done.new_due})  # fmt: skip
    else:
        click.echo(f"{done.reference}: {done.deadline} due {done.old_due} -> {done.new_due}")


@deadline.command("suspend")
@click.argument("reference")
@click.argument("name")
@click.option("--from", "start", required=True, help="First day the clock stops (YYYY-MM-DD).")
@click.option("--until", "end", required=True, help="Last day it is stopped (YYYY-MM-DD).")
@click.option("--reason", required=True, help="Why, e.g. the employee's sick leave.")
@click.option("--basis", required=True, help="The legal basis or document.")
@click.option("--on", "on_", help="Date the entry is recorded (default: today).")
@json_option
@pass_shell
def suspend(shell: Shell, reference: str, name: str, start: str, end: str, reason: str,
            basis: str, on_: str | None, as_json: bool) -> None:  # fmt: skip
    """Stop the clock of deadline NAME of case REFERENCE for a period; its due date moves on by
    the working (or calendar) days the period holds.

    \b
    Example:
      sanctions deadline suspend NET-2024-000001 panggilan_kedua --from 2024-11-12 \\
          --until 2024-11-19 --reason "Cuti sakit" --basis "Surat keterangan dokter"
    """
    entry = DeadlineEntry(deadline_id=0, case_id=0, kind="suspension",
                          start=parse_date(start, "--from"), end=parse_date(end, "--until"),
                          reason=reason, basis=basis, event_seq=0)  # fmt: skip
    _adjust(shell, reference, name, entry, on_, as_json)


@deadline.command("extend")
@click.argument("reference")
@click.argument("name")
@click.option("--by", "amount", required=True, type=int, help="Units added (its own unit).")
@click.option("--reason", required=True, help="Why, e.g. more information was needed.")
@click.option("--basis", required=True, help="The legal basis, e.g. UU 7/2017 Pasal 454(8).")
@click.option("--on", "on_", help="Date the entry is recorded (default: today).")
@json_option
@pass_shell
def extend(shell: Shell, reference: str, name: str, amount: int, reason: str, basis: str,
           on_: str | None, as_json: bool) -> None:  # fmt: skip
    """Add to the budget of deadline NAME of case REFERENCE.

    \b
    Example:
      sanctions deadline extend NET-2024-000001 kajian --by 7 --reason "Keterangan tambahan" \\
          --basis "UU 7/2017 Pasal 454 ayat (8)"
    """
    entry = DeadlineEntry(deadline_id=0, case_id=0, kind="extension", amount=amount,
                          reason=reason, basis=basis, event_seq=0)  # fmt: skip
    _adjust(shell, reference, name, entry, on_, as_json)
