"""`sanctions report followup|violations|positions|backlog|overdue`: aligned tables, CSV,
JSON, and a PDF with charts for a head of agency (matplotlib is loaded only for --pdf)."""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from sanctions.cli.shell import Shell, emit_table, parse_date, pass_shell
from sanctions.errors import InputError
from sanctions.reports import service as svc
from sanctions.reports.cells import safe_row
from sanctions.reports.figures import Period

Rows = list[dict[str, Any]]


@click.group()
def report() -> None:
    """Follow-up by PPKs, violations, position groups and the backlog.

    \b
    Each report takes --from/--to (a period), --agency (one agency) and --as-of (the date the
    deadlines are judged on, default today), and prints an aligned table, --csv or --json.
    --pdf FILE also writes the full report with charts (follow-up per agency, cases per week
    around the campaign, violation types, position groups, backlog) for the same filters.

    \b
    Every report is judged on --as-of: only the steps dated on or before it count (a case
    reported later is left out; a case is in the state it was in that day), a reminder of the
    escalation ladder is never the PPK's follow-up, and a step voided by `case correct`
    never counts.
    """


def _options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--from", "start", help="Period start (YYYY-MM-DD), inclusive."),
            click.option("--to", "end", help="Period end (YYYY-MM-DD), inclusive."),
            click.option("--agency", "agency_code", help="Only this agency."),
            click.option("--as-of", help="Judge deadlines and ages on this date (default: today)."),
            click.option("--csv", "as_csv", is_flag=True, help="Print CSV."),
            click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts."),
            click.option(
                "--pdf",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Also write the full report with charts to this PDF file.",
            ),
        ]
    ):
        fn = option(fn)
    return pass_shell(fn)


@report.command("followup")
@click.option("--by", type=click.Choice(["agency", "ppk"]), default="agency", show_default=True)
@_options
def followup(shell: Shell, by: str, **options: Any) -> None:
    """Recommendations per agency (or PPK): acted on time, late, not acted, overdue.

    "Acted" = the PPK started the discipline track or formed the ethics panel; on time or
    late against the follow-up deadline. Worst first; the last row is the total.
    """
    period, on = _period(options), _as_of(shell, options)
    with progress("report followup"), shell.transaction() as (session, actor):
        rows = svc.follow_up(
            shell.app,
            session,
            actor=actor,
            on=on,
            period=period,
            agency_code=options["agency_code"],
            by=by,
        )
    data = [row.as_dict() for row in rows]
    _emit(data, options, table=[_follow_up_line(r, by) for r in data])
    _pdf(shell, options, period, on)


def _follow_up_line(row: dict[str, Any], by: str) -> dict[str, Any]:
    rate = row["rate_percent"]
    return {
        "agency" if by == "agency" else "PPK": row["key"],
        "recommended": row["recommended"],
        "on time": row["on_time"],
        "late": row["late"],
        "not acted": row["not_acted"],
        "overdue": row["overdue"],
        "moot": row["moot"],
        "rate": "-" if rate is None else f"{rate}%",
        "worst days late": row["worst_days_late"] or "",
    }


@report.command("violations")
@_options
def violations(shell: Shell, **options: Any) -> None:
    """Cases reported in the period by violation code, teachers and health workers apart."""
    period, on = _period(options), _as_of(shell, options)
    with progress("report violations"), shell.transaction() as (session, actor):
        rows = svc.violations(
            shell.app,
            session,
            actor=actor,
            on=on,
            period=period,
            agency_code=options["agency_code"],
        )
    data = [row.as_dict() for row in rows]
    table = [
        {
            "code": r["code"],
            "conduct": r["conduct"][:50],
            "cases": r["cases"],
            "guru/dosen": r["guru_dosen"],
            "nakes": r["tenaga_kesehatan"],
            "others": r["others"],
        }
        for r in data
    ]
    _emit(data, options, table=table)
    _pdf(shell, options, period, on)


@report.command("positions")
@_options
def positions(shell: Shell, **options: Any) -> None:
    """Cases reported in the period by position group (JPT ... pelaksana, guru/dosen, nakes)."""
    period, on = _period(options), _as_of(shell, options)
    with progress("report positions"), shell.transaction() as (session, actor):
        rows = svc.positions(
            shell.app,
            session,
            actor=actor,
            on=on,
            period=period,
            agency_code=options["agency_code"],
        )
    data = [row.as_dict() for row in rows]
    table = [
        {
            "group": r["label"],
            "cases": r["cases"],
            "share": f"{r['share_percent']}%",
            "top violation": r["top_violation"],
            "singled out": "yes" if r["singled_out"] else "",
        }
        for r in data
    ]
    _emit(data, options, table=table)
    _pdf(shell, options, period, on)


@report.command("backlog")
@_options
def backlog(shell: Shell, **options: Any) -> None:
    """Open cases by stage and age (days since the report) on --as-of."""
    period, on = _period(options), _as_of(shell, options)
    with progress("report backlog"), shell.transaction() as (session, actor):
        rows = svc.backlog(
            shell.app,
            session,
            actor=actor,
            on=on,
            period=period,
            agency_code=options["agency_code"],
        )
    table = [{"stage": r.pop("label")[:40], **r} for r in (row.as_dict() for row in rows)]
    _emit([row.as_json() for row in rows], options, table=table)
    _pdf(shell, options, period, on)


@report.command("overdue")
@click.option("--agency", "agency_code", help="Only this agency.")
@click.option("--as-of", help="Judge deadlines on this date (default: today).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the list as a PDF (Indonesian) to this file.",
)
@pass_shell
def overdue(
    shell: Shell,
    agency_code: str | None,
    as_of: str | None,
    as_csv: bool,
    as_json: bool,
    pdf: Path | None,
) -> None:
    """Every deadline past due on the case's own route, the longest late first: case,
    employee, stage in words, deadline, due date, working days late, who must act, the
    reminders already sent and the escalation ladder's next step with its date.
    """
    from sanctions.cases import desk
    from sanctions.cli.desk import OVERDUE_WRAP, overdue_flat, overdue_table

    on = parse_date(as_of, "--as-of") or shell.today
    if as_csv and as_json:
        raise InputError("choose one of --csv and --json")
    with progress("report overdue"), shell.transaction() as (session, actor):
        rows = desk.overdue(shell.app, session, actor=actor, on=on, agency_code=agency_code)
    if as_csv:
        _write_csv(overdue_flat(rows))
    elif as_json:
        emit_table([r.as_dict() for r in rows], as_json=True)
    else:
        emit_table(
            overdue_table(rows), as_json=False, empty="nothing is overdue", wrap=OVERDUE_WRAP
        )
    if pdf is not None:
        from sanctions.reports.pdf import render_overdue_pdf

        data = render_overdue_pdf(
            rows,
            on=on,
            agency=agency_code,
            generated_at=shell.now,
            generated_by=actor,
            renderer=shell.app.pdf_renderer,
        )
        pdf.write_bytes(data)
        click.echo(f"overdue list written to {pdf}", err=True)


# -- helpers --------------------------------------------------------------------------------
@contextmanager
def progress(what: str) -> Iterator[None]:
    """On a terminal, say on stderr that the figures are being aggregated and how long it
    took (over a national database, seconds); nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        yield
        return
    click.echo(f"{what}: aggregating in the database ...", err=True, nl=False)
    start = time.perf_counter()
    try:
        yield
    finally:
        click.echo(f" {time.perf_counter() - start:.1f} s", err=True)


def _period(options: dict[str, Any]) -> Period:
    period = Period(parse_date(options["start"], "--from"), parse_date(options["end"], "--to"))
    if period.start and period.end and period.end < period.start:
        raise InputError(f"--to {period.end} is before --from {period.start}")
    return period


def _as_of(shell: Shell, options: dict[str, Any]) -> date:
    return parse_date(options["as_of"], "--as-of") or shell.today


def _emit(data: Rows, options: dict[str, Any], *, table: Rows) -> None:
    if options["as_csv"] and options["as_json"]:
        raise InputError("choose one of --csv and --json")
    if options["as_csv"]:
        _write_csv(data)
    else:
        emit_table(data if options["as_json"] else table, as_json=options["as_json"])


def _write_csv(rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(safe_row(list(rows[0])))  # no text may become a formula when opened
    writer.writerows(safe_row(list(row.values())) for row in rows)


def _pdf(shell: Shell, options: dict[str, Any], period: Period, on: date) -> None:
    path: Path | None = options["pdf"]
    if path is None:
        return
    from sanctions.reports.pdf import render_report_pdf

    with progress("report --pdf"), shell.transaction() as (session, actor):
        data = svc.leadership_report(
            shell.app,
            session,
            actor=actor,
            on=on,
            now=shell.now,
            period=period,
            agency_code=options["agency_code"],
        )
    path.write_bytes(render_report_pdf(data, renderer=shell.app.pdf_renderer))
    click.echo(f"report with charts written to {path}", err=True)
