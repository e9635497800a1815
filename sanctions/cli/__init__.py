"""`sanctions`: the officers' command line. It parses, calls services and prints; no rules here."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from sanctions.cli.shell import SanctionsGroup, Shell, build_app
from sanctions.errors import SanctionsError
from sanctions.settings import Settings

# Each command group is imported only when it is used, so `case show` does not pay for
# the modules of commands it does not run, and `--help` lists them from SUMMARIES (the first
# sentence of each one's help; tests/test_startup.py keeps them equal).
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
    "keys": "sanctions.cli.exchange:keys_group",
}
SUMMARIES = {
    "db": "Database schema.",
    "user": "Users and their roles.",
    "agency": "Agencies (instansi) and their letter settings.",
    "employee": "Employees (PNS and PPPK).",
    "contest": "Election contests (Pemilu, Pilkada).",
    "case": "Open and advance neutrality cases.",
    "desk": "The cases waiting for a step your roles may take: the step, its due date and the "
    "working days left (negative when overdue), the soonest due first, then the longest "
    "waiting; one page of them, with how many wait.",
    "workflow": "The declared case workflows.",
    "catalogue": "The violation or sanction catalogue, with legal basis and confidence; `search` "
    "finds the codes for a report's words.",
    "letter": "Issued letters: list, fetch, verify, issue on demand.",
    "audit": "The tamper-evident case record and its Merkle log.",
    "report": "Follow-up by PPKs, violations, position groups and the backlog.",
    "remind": "Issue the next escalation step for every overdue PPK follow-up.",
    "serve": "Serve the public page that answers a letter's QR code: VALID, ALTERED or UNKNOWN "
    "with the letter's public metadata only (issuer, number, date, kind, sifat), never its "
    "content.",
    "deadline": "Suspend or extend an open deadline of a case (the due date is derived).",
    "calendar": "The working-day calendar: its revisions and the deadlines they move.",
    "keys": "The installation's key and the keys of the offices it exchanges case files with.",
}


@click.group(cls=SanctionsGroup, lazy_commands=COMMANDS, summaries=SUMMARIES)
@click.version_option(package_name="sanctions")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Carry netralitas ASN disciplinary cases from report to final decision.

    The database and the letter store are named by SANCTIONS_DATABASE_URL and
    SANCTIONS_LETTER_STORE, else by `sanctions.toml` in the current folder or in
    ~/.config/sanctions/ (keys database_url, letter_store; relative paths are relative to
    the file), else a SQLite file sanctions.db and ./letters. A command names the database on
    stderr when a configuration file chose it. Who acts is the OS login on SQLite and the
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
    _say_database(ctx, settings)
    make_app = ctx.obj if callable(ctx.obj) else build_app
    ctx.obj = shell = Shell(settings=settings, now=datetime.now(UTC), make_app=make_app)
    ctx.call_on_close(shell.close)


def _say_database(ctx: click.Context, settings: Settings) -> None:
    """Which database a command uses when it is not the default: always when a configuration
    file named it, on a terminal when SANCTIONS_DATABASE_URL did; never under --json."""
    source = settings.database_source
    args = [*getattr(ctx, "_protected_args", []), *ctx.args]
    if source == "default" or "--json" in args:
        return
    if source == "SANCTIONS_DATABASE_URL" and not sys.stderr.isatty():
        return
    url = settings.database_url
    if "@" in url:  # no password on screen
        scheme, _, rest = url.partition("://")
        user, _, host = rest.rpartition("@")
        url = f"{scheme}://{user.split(':')[0]}@{host}"
    click.echo(f"database: {url} (from {source})", err=True)
