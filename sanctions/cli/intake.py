"""`sanctions employee import`, `sanctions case import`: files in. The `employee` and `case`
groups load these commands when they are used."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sanctions.cli.shell import Shell, emit_json, json_option, pass_shell
from sanctions.intake import service as svc
from sanctions.intake.tables import (
    CASE_LAYOUT,
    EMPLOYEE_LAYOUT,
    IntakeRefused,
    Problem,
    Table,
    read_table,
    write_rejects,
)

PROGRESS_EVERY = 10_000  # rows between two progress lines
SHOWN_PROBLEMS = 50


def _file_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--rejects",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the bad rows with their problems here (.csv or .xlsx; default with "
        "--skip-invalid: FILE-rejects.csv next to FILE).",
    )(fn)
    fn = click.option(
        "--progress",
        "show_progress",
        is_flag=True,
        help="Show progress (rows done, rows/s) on stderr even when it is not a terminal.",
    )(fn)
    fn = click.option(
        "--skip-invalid",
        is_flag=True,
        help="Import the good rows and write the bad ones to --rejects (default: any bad row "
        "refuses the whole file).",
    )(fn)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(fn)


@click.command("import")
@_file_options
@json_option
@pass_shell
def employee_import(
    shell: Shell,
    file: Path,
    skip_invalid: bool,
    show_progress: bool,
    rejects: Path | None,
    as_json: bool,
) -> None:
    """Register employees from a .csv or .xlsx file (layout: docs/intake.md).

    Columns: nip, employee_type, name, birth_date, sex, position, position_type, agency_code
    [, rank, unit, address]. Every row is checked first; any bad row refuses the whole file
    unless --skip-invalid. NIPs already registered are skipped, so re-importing the same or
    an overlapping file creates nothing twice.
    """
    table = read_table(file, EMPLOYEE_LAYOUT)
    with (
        _refusals(table, file, rejects),
        _progress(table, show_progress) as progress,
        shell.transaction() as (session, actor),
    ):
        result = svc.import_employees(
            session,
            table,
            actor=actor,
            today=shell.today,
            skip_invalid=skip_invalid,
            progress=progress,
        )
    _report(
        table,
        file,
        result,
        rejects,
        as_json,
        progress.rate(),
        f"{result.added} employee(s) added, {result.present} already present",
    )


@click.command("import")
@_file_options
@json_option
@pass_shell
def case_import(
    shell: Shell,
    file: Path,
    skip_invalid: bool,
    show_progress: bool,
    rejects: Path | None,
    as_json: bool,
) -> None:
    """Open cases from a Bawaslu / SBT / SP4N-LAPOR! list (.csv or .xlsx; docs/intake.md).

    Columns: register_number, nip, contest_code, reported_on, act_date, violation_codes
    [, description, workflow_version], plus the employee columns to register an employee
    whose NIP is not known yet. A row may leave violation_codes empty and give the conduct in
    the report's words as description: it gets the best unambiguous code for its act date
    (as `catalogue search`), or is rejected with the candidates. Every row is checked against
    the same rules as `case open` before anything is written; any bad row refuses the whole
    file unless --skip-invalid.
    A register number already imported is skipped, so nothing is opened twice.

    \b
    Example:
      sanctions case import samples/cases.xlsx --skip-invalid --rejects bad-rows.xlsx
    """
    table = read_table(file, CASE_LAYOUT)
    with (
        _refusals(table, file, rejects),
        _progress(table, show_progress) as progress,
        shell.transaction() as (session, actor),
    ):
        result = svc.import_cases(
            shell.app,
            session,
            table,
            actor=actor,
            now=shell.now,
            skip_invalid=skip_invalid,
            progress=progress,
        )
    _report(
        table,
        file,
        result,
        rejects,
        as_json,
        progress.rate(),
        f"{result.added} case(s) opened, {result.present} already present, "
        f"{result.employees_added} employee(s) registered",
    )


def _ranges(references: list[str]) -> list[str]:
    """NET-2024-000001 .. NET-2024-000004 for a run of consecutive references."""
    runs: list[list[str]] = []
    for ref in references:
        prefix, _, number = ref.rpartition("-")
        last = runs[-1][-1] if runs else None
        if (
            last
            and last.rpartition("-")[0] == prefix
            and int(last.rpartition("-")[2]) + 1 == int(number)
        ):
            runs[-1].append(ref)
        else:
            runs.append([ref])
    return [run[0] if len(run) == 1 else f"{run[0]} .. {run[-1]}" for run in runs]


# -- helpers --------------------------------------------------------------------------------
class _Progress:
    """Counts what the import reports (each row twice: checked, then written) and, when shown,
    prints a line on stderr every PROGRESS_EVERY rows: rows done and rows/s so far. The clock
    is read here, in the shell; the service only counts."""

    def __init__(self, table: Table, shown: bool) -> None:
        self.source = table.source
        self.rows = len(table.rows)
        self.shown = shown
        self.started = time.monotonic()
        self.ticks = 0
        self.next = PROGRESS_EVERY

    def __call__(self, ticks: int) -> None:
        self.ticks += ticks
        if self.shown and self.ticks / 2 >= self.next:
            self.next += PROGRESS_EVERY
            done = min(self.ticks // 2, self.rows)
            click.echo(
                f"{self.source}: {done:,} of {self.rows:,} rows ({self.rate():,.0f} rows/s)",
                err=True,
            )

    def rate(self) -> float:
        """Rows per second since the file was read."""
        return self.rows / max(time.monotonic() - self.started, 1e-6)


@contextmanager
def _progress(table: Table, shown: bool) -> Iterator[_Progress]:
    """Progress lines on stderr when it is a terminal or --progress asks for them."""
    shown = shown or sys.stderr.isatty()
    if shown:
        click.echo(f"{table.source}: checking and importing {len(table.rows):,} rows", err=True)
    yield _Progress(table, shown)


@contextmanager
def _refusals(table: Table, file: Path, rejects: Path | None) -> Iterator[None]:
    """Show a refused file's problems (the first SHOWN_PROBLEMS), write them all to
    --rejects when given, and exit with the refusal's code."""
    try:
        yield
    except IntakeRefused as refused:
        for problem in refused.problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {problem}", err=True)
        more = len(refused.problems) - SHOWN_PROBLEMS
        if more > 0:
            click.echo(f"  ... and {more} more (--rejects FILE lists them all)", err=True)
        if rejects is not None:
            grouped: dict[int, list[Problem]] = {}
            for problem in refused.problems:
                grouped.setdefault(problem.row, []).append(problem)
            write_rejects(rejects, table, [(row, grouped[row.number]) for row in refused.rows])
            click.echo(f"the bad rows are in {rejects}", err=True)
        click.secho(
            f"error: {file.name}: {len(refused.rows)} invalid row(s) of {len(table.rows)}; "
            "nothing was imported (fix them, or use --skip-invalid to import the good rows)",
            err=True,
            fg="red",
        )
        click.get_current_context().exit(refused.exit_code)


def _report(
    table: Table,
    file: Path,
    result: svc.ImportResult,
    rejects: Path | None,
    as_json: bool,
    rate: float,
    summary: str,
) -> None:
    written = None
    if result.rejected:
        written = rejects or file.with_name(f"{file.stem}-rejects.csv")
        write_rejects(written, table, result.rejected)
    if as_json:
        emit_json(
            {
                "file": str(file),
                "rows": len(table.rows),
                "added": result.added,
                "present": result.present,
                "employees_added": result.employees_added,
                "rejected": len(result.rejected),
                "rejects_file": str(written) if written else None,
                "references": result.references,
                "reference_ranges": _ranges(result.references),
                "rows_per_second": round(rate),
                "duplicates": [{"row": a, "same_as_row": b} for a, b in result.duplicates],
            }
        )
        return
    click.echo(summary)
    click.echo(f"{file.name}: {len(table.rows):,} rows, {rate:,.0f} rows/s", err=True)
    if result.references:
        click.echo("opened: " + ", ".join(_ranges(result.references)))
    for first, again in result.duplicates:
        click.echo(f"row {again} is the same as row {first}: imported once")
    if written is not None:
        click.echo(f"{len(result.rejected)} row(s) rejected; they are in {written}")
