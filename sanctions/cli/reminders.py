"""`sanctions remind`: the daily job that reminds and escalates PPKs whose follow-up is late."""

from __future__ import annotations

import smtplib
import sys
from contextlib import ExitStack
from typing import Any

import click
from click._termui_impl import ProgressBar

from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, parse_date, pass_shell
from sanctions.deadlines.reminders import ReminderRow, RunReport, run_reminders
from sanctions.errors import InputError
from sanctions.letters import store
from sanctions.trust.access import JOB_ROLE, require_role

PROGRESS_ABOVE = 20  # cases; fewer finish before a bar would be worth drawing


@click.command()
@click.option("--as-of", "as_of", help="Run as if today were this date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Report what would be issued; write nothing.")
@json_option
@pass_shell
def remind(shell: Shell, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Issue the next escalation step for every overdue PPK follow-up.

    Needs the scheduled job's role (`penjadwal`, granted with `sanctions user add`); --as-of
    may not be after today. Each case is its own transaction: a failure rolls back that case
    only, and the command then exits non-zero. Running it again the same day issues nothing twice.

    \b
    Example (cron, daily):
      sanctions remind
      sanctions remind --as-of 2026-12-01 --dry-run
    """
    day = parse_date(as_of, "--as-of") or shell.today
    if day > shell.today:
        raise InputError(
            f"--as-of {day} is after today ({shell.today}): the job only acts on deadlines "
            "that have passed; give today or an earlier date"
        )
    app = shell.app
    with shell.transaction() as (session, actor):
        require_role(session, actor, [JOB_ROLE], what="running the reminder job")
    store.sweep(app.settings.letter_store)  # temporary files of writes that died
    bars: list[ProgressBar[int]] = []
    with ExitStack() as stack:

        def progress(done: int, total: int) -> None:
            if total <= PROGRESS_ABOVE:
                return
            if not bars:
                bar: ProgressBar[int] = click.progressbar(length=total, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(1)

        report = run_reminders(
            app, as_of=day, now=shell.now, actor=actor, dry_run=dry_run, progress=progress
        )
    _emit(report, as_json=as_json)
    if not dry_run:
        _publish_checkpoint(shell)
    for problem in report.mail_failures:
        click.secho(f"warning: mail not sent (retried next run): {problem}", err=True, fg="yellow")
    if report.failed:
        raise SystemExit(1)


def _publish_checkpoint(shell: Shell) -> None:
    """The day's signed checkpoint of the log, to SANCTIONS_CHECKPOINT_DIR (and mailed to
    SANCTIONS_CHECKPOINT_MAIL_TO when SMTP is configured)."""
    settings = shell.settings
    if settings.checkpoint_dir is None:
        return
    from sanctions.trust import checkpoints, keys, publish

    key = keys.load_or_create(settings.key_file)
    with shell.transaction() as (session, actor):
        document = checkpoints.make(session, key, now=shell.now, actor=actor)
    path = publish.write_file(settings.checkpoint_dir, document)
    click.echo(f"checkpoint of {document['size']} log entries → {path}", err=True)
    if settings.checkpoint_mail_to and settings.smtp_url:
        try:
            publish.mail(settings.smtp_url, settings.checkpoint_mail_to, document)
        except (OSError, smtplib.SMTPException, InputError) as exc:
            click.secho(f"warning: checkpoint not mailed: {exc}", err=True, fg="yellow")


def _emit(report: RunReport, *, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "as_of": report.as_of,
                "dry_run": report.dry_run,
                "cases": [
                    {k: None if v == "" else v for k, v in row.as_dict().items()}
                    for row in report.rows
                ],
                "counts": _counts(report),
                "mails_retried": report.mails_retried,
                "mail_failures": report.mail_failures,
            }
        )
        return
    emit_table(
        [_table_row(row) for row in report.rows],
        as_json=False,
        empty="no overdue case",
        wrap={"status": 60},
    )
    counts = ", ".join(f"{n} {status}" for status, n in _counts(report).items() if n)
    label = "dry run, nothing written" if report.dry_run else "run"
    click.echo(f"\n{report.as_of.isoformat()} ({label}): {counts or 'nothing to do'}")


def _counts(report: RunReport) -> dict[str, int]:
    statuses = ("issued", "would_issue", "waiting", "done", "skipped", "failed")
    return {status: report.count(status) for status in statuses}


def _table_row(row: ReminderRow) -> dict[str, Any]:
    status = row.status if not row.detail else f"{row.status}: {row.detail}"
    if row.mail:
        status += f" (mail {row.mail})"
    return {
        "case": row.case,
        "agency": row.agency,
        "deadline": row.deadline,
        "due": row.due.isoformat(),
        "days overdue": str(row.days_overdue),
        "step": row.step or "-",
        "letter": row.letter or "-",
        "status": status,
    }
