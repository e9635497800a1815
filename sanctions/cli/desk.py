"""`sanctions desk`: the cases waiting for a step your roles may take, the most pressing first."""

from __future__ import annotations

import click

from sanctions.cases import desk as svc
from sanctions.cli.shell import Shell, emit_table, json_option, parse_date, pass_shell
from sanctions.registry.nip import format_nip

DESK_WRAP = {"stage": 30, "employee": 30}


def desk_table(rows: list[svc.DeskRow]) -> list[dict[str, object]]:
    return [
        {
            "case": r.reference,
            "employee": f"{r.employee} ({format_nip(r.nip)})",
            "stage": r.stage,
            "your step": ", ".join(r.steps),
            "due": r.due or "",
            "days left": "" if r.days_left is None else r.days_left,
        }
        for r in rows
    ]


@click.command("desk")
@click.option("--as-of", help="Count the days left from this date (default: today).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Rows on the page (0: every row).",
)
@click.option(
    "--offset", type=click.IntRange(min=0), default=0, help="Rows to skip (the next page)."
)
@json_option
@pass_shell
def desk(shell: Shell, as_of: str | None, limit: int, offset: int, as_json: bool) -> None:
    """The cases waiting for a step your roles may take: the step, its due date and the
    working days left (negative when overdue), the soonest due first, then the longest
    waiting; one page of them, with how many wait. Every row: `case list --mine`.
    """
    on = parse_date(as_of, "--as-of") or shell.today
    with shell.transaction() as (session, actor):
        page = svc.desk_page(
            shell.app, session, actor=actor, on=on, limit=limit or None, offset=offset
        )
    rows = page.rows
    if as_json:
        emit_table([r.as_dict() for r in rows], as_json=True)
        return
    emit_table(
        desk_table(rows),
        as_json=False,
        empty="nothing waits for you",
        wrap=DESK_WRAP,
    )
    if rows and len(rows) < page.total:
        last = offset + len(rows)
        more = f" (--offset {last} for the next)" if last < page.total else ""
        click.echo(f"rows {offset + 1}-{last} of {page.total} waiting{more}")


def overdue_table(rows: list[svc.OverdueRow]) -> list[dict[str, object]]:
    return [
        {
            "case": r.reference,
            "employee": f"{r.employee} ({format_nip(r.nip)})",
            "stage": r.stage,
            "deadline": r.deadline_label,
            "due": r.due,
            "wd late": r.working_days_late,
            "who must act": ", ".join(r.who_must_act),
            "reminders sent": ", ".join(f"{k} {d}" for k, d in r.reminders),
            "next step": f"{r.next_step} {r.next_step_on}" if r.next_step else "",
        }
        for r in rows
    ]


def overdue_flat(rows: list[svc.OverdueRow]) -> list[dict[str, object]]:
    """One CSV line per row: lists joined with "; "."""
    flat = []
    for r in rows:
        line = r.as_dict()
        line["who_must_act"] = "; ".join(r.who_must_act)
        line["who_must_act_labels"] = "; ".join(r.who_must_act_labels)
        line["reminders"] = "; ".join(f"{k} {d}" for k, d in r.reminders)
        flat.append(line)
    return flat


OVERDUE_WRAP = {"stage": 24, "deadline": 28, "employee": 24}
