"""`sanctions`: the officers' command line. It parses, calls services and prints; no rules here."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from sanctions.app import App
from sanctions.cli.shell import SanctionsGroup, Shell
from sanctions.errors import SanctionsError
from sanctions.settings import Settings

# Each command group is imported only when it is used, so `case show` does not pay for
# the modules of commands it does not run.
COMMANDS = {
    "db": "sanctions.cli.reference:db",
    "user": "sanctions.cli.reference:user",
    "agency": "sanctions.cli.reference:agency",
    "employee": "sanctions.cli.reference:employee",
    "contest": "sanctions.cli.reference:contest",
    "case": "sanctions.cli.cases:case",
    "desk": "sanctions.cli.desk:desk",
    "workflow": "sanctions.cli.workflows:workflow",
    "catalogue": "sanctions.cli.reference:catalogue",
    "letter": "sanctions.cli.letters:letter",
    "audit": "sanctions.cli.audit:audit",
    "report": "sanctions.cli.reports:report",
    "remind": "sanctions.cli.reminders:remind",
    "serve": "sanctions.cli.serve:serve",
    "deadline": "sanctions.cli.deadlines:deadline",
    "calendar": "sanctions.cli.calendar:calendar",
}


@click.group(cls=SanctionsGroup, lazy_commands=COMMANDS)
@click.version_option(package_name="sanctions")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Carry netralitas ASN disciplinary cases from report to final decision.

    The database is a SQLite file (sanctions.db) unless SANCTIONS_DATABASE_URL names
    another, e.g. postgresql://user@host/db. Who acts is the OS login on SQLite and the
    authenticated database user on PostgreSQL; roles are granted with `sanctions user add`.
    """
    try:
        settings = Settings.from_env()
    except SanctionsError as exc:
        click.secho(f"error: {exc}", err=True, fg="red")
        ctx.exit(exc.exit_code)
    # `cli.main(obj=...)` / `CliRunner().invoke(cli, obj=...)` may give a function that builds
    # the App from the settings (tests inject a fake PDF renderer this way); the command line
    # itself never does.
    make_app = ctx.obj if callable(ctx.obj) else App
    ctx.obj = shell = Shell(settings=settings, now=datetime.now(UTC), make_app=make_app)
    ctx.call_on_close(shell.close)
