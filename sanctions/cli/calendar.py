"""`sanctions calendar show|diff|apply`: the working-day calendar and its revisions."""

from __future__ import annotations

from typing import Any

import click

from sanctions.cli.shell import (
    Shell,
    emit_json,
    emit_table,
    json_option,
    parse_date,
    pass_shell,
    snake_case,
)


@click.group()
def calendar() -> None:
    """The working-day calendar: its revisions and the deadlines they move."""


@calendar.command("show")
@json_option
@pass_shell
def show(shell: Shell, as_json: bool) -> None:
    """The calendar's revisions (workflows/calendar.yaml), oldest first."""
    from sanctions.deadlines.adjustments import CALENDAR_FILE
    from sanctions.deadlines.calendar_file import read_calendar_file

    declared = read_calendar_file(shell.settings.workflows_dir / CALENDAR_FILE)
    rows: list[dict[str, Any]] = [
        {
            "revision": r.key,
            "effective": r.effective,
            "holidays": [e.day for e in r.holidays],
            "working_days": [e.day for e in r.working_days],
            "instrument": r.instrument,
            "confidence": r.confidence,
        }
        for r in declared.revisions
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        [
            {**r, "holidays": ", ".join(map(str, r["holidays"])),
             "working_days": ", ".join(map(str, r["working_days"]))}
            for r in rows
        ],
        as_json=False,
        empty="no revision declared",
        wrap={"instrument": 50},
    )  # fmt: skip


@calendar.command("diff")
@click.argument("revision")
@json_option
@pass_shell
def diff(shell: Shell, revision: str, as_json: bool) -> None:
    """The open deadlines REVISION would move, with their old and new due dates."""
    from sanctions.deadlines.adjustments import calendar_diff

    with shell.transaction() as (session, _):
        rows = calendar_diff(shell.app, session, revision)
    emit_table(
        [{"case": r.reference, "agency": r.agency, "deadline": r.deadline, "due": r.old_due,
          "new due": r.new_due} for r in rows],
        as_json=as_json,
        empty="no open deadline moves",
    )  # fmt: skip


@calendar.command("apply")
@click.argument("revision")
@click.option("--on", "on_", help="Date of the events (default: today).")
@json_option
@pass_shell
def apply(shell: Shell, revision: str, on_: str | None, as_json: bool) -> None:
    """Give every open deadline REVISION moves its new due date, one event per case recording
    the old and new dates and the instrument; deadlines met or missed before the revision took
    effect stay. A re-run moves nothing."""
    from sanctions.db import acting_user, check_current, session_scope
    from sanctions.deadlines.adjustments import apply_revision

    on = parse_date(on_, "--on") or shell.today
    check_current(shell.app.db)
    with session_scope(shell.app.db) as session:
        actor = acting_user(session)
    report = apply_revision(shell.app, revision, actor=actor, on=on, now=shell.now)
    rows = [{"case": r.reference, "deadline": r.deadline, "due": r.old_due, "new due": r.new_due}
            for r in report.rows]  # fmt: skip
    if as_json:
        moved = [{snake_case(k): v for k, v in row.items()} for row in rows]
        emit_json({"revision": revision, "moved": moved, "failed": report.failed})
    else:
        emit_table(rows, as_json=False, empty="no open deadline moved")
        for case, why in report.failed.items():
            click.echo(f"failed: {case}: {why}", err=True)
    if report.failed:
        raise click.exceptions.Exit(1)
