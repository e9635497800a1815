"""What every command shares: the composition root, the clock, output helpers, error mapping."""

from __future__ import annotations

import gc
import importlib
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from sanctions.errors import InputError, SanctionsError, error_object
from sanctions.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanctions.app import App

# Start-up: this module is imported by every command (and `--help`); what only some commands
# use (the composition root and the database, the write path's transaction, the table
# printer) is imported where it is used, so a command pays for what it runs
# (tests/test_startup.py keeps it so; docs/performance.md).


def build_app(settings: Settings) -> App:
    """The composition root the command line builds (imported on first use)."""
    with imports_frozen("sanctions.app"):
        from sanctions.app import App

    return App(settings)


@contextmanager
def imports_frozen(module: str) -> Iterator[None]:
    """Importing `module` the first time (a command's modules, SQLAlchemy, pydantic, the
    models) allocates many objects that live until exit: the garbage collector is kept off
    while they are imported and they are then frozen out of its reach (as `__main__` does
    for the CLI's own modules), so a short command spends its time on its own work."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@dataclass
class Shell:
    """Built once per invocation in the group callback (the only place the clock is read)."""

    settings: Settings
    now: datetime
    # Builds the composition root from the settings; an embedding program or a test may pass
    # its own (e.g. one giving the App a fake PDF renderer) as click's `obj`.
    make_app: Callable[[Settings], App] = build_app

    @cached_property
    def app(self) -> App:
        return self.make_app(self.settings)

    def close(self) -> None:
        """Release the database connections (called when the command ends)."""
        if "app" in self.__dict__ and "db" in self.app.__dict__:
            self.app.db.dispose()

    @property
    def today(self) -> date:
        """The officer's calendar day (local time), for dates of steps and deadlines."""
        return self.now.astimezone().date()

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, str]]:
        """A checked, migrated database; one transaction; the acting user (refusals are
        recorded by `sanctions.trust.access.transaction`)."""
        from sanctions.db import acting_user, check_current
        from sanctions.trust.access import transaction
        from sanctions.trust.pinning import check_law

        check_current(self.app.db)
        with transaction(
            self.app.db, now=self.now, command=_command_line, actor_of=acting_user
        ) as opened:
            session, actor = opened
            # the law in force is pinned: first use records it, a changed unit is refused
            check_law(session, self.app.law.pins, actor=actor, now=self.now)
            yield opened


def _command_line() -> str:
    """The running command and its arguments, e.g. `sanctions case show NET-2024-000001`."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return ""
    args = [str(v) for v in ctx.params.values() if v not in (None, False, (), "")]
    return " ".join([ctx.command_path, *args])[:120]


pass_shell = click.make_pass_decorator(Shell)


class LazyGroup(click.Group):
    """A group whose sub-commands named in `lazy_commands` ("module:attribute") are imported
    on first use, so a command does not pay for the modules of the commands it does not run.

    `summaries` gives the first sentence of a lazy command's help: the group's `--help` lists
    the command from it without importing the command's module (tests/test_startup.py checks
    each summary against the command's own help)."""

    def __init__(
        self,
        *args: Any,
        lazy_commands: dict[str, str] | None = None,
        summaries: dict[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.lazy_commands = lazy_commands or {}
        self.summaries = summaries or {}
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True  # the listing needs each command's summary only
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self._listing and cmd_name in self.summaries and cmd_name not in self.commands:
            return click.Command(cmd_name, help=self.summaries[cmd_name])
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            module, _, attribute = self.lazy_commands[cmd_name].partition(":")
            with imports_frozen(module):
                imported = importlib.import_module(module)
            self.add_command(getattr(imported, attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


class SanctionsGroup(LazyGroup):
    """Maps every `SanctionsError` to a one-line message and its exit code; no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # With --json anywhere in the command line a refusal is a JSON object on stderr.
        wants_json = "--json" in [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except SanctionsError as exc:
            if wants_json:
                click.echo(json.dumps(error_object(exc), ensure_ascii=False), err=True)
            else:
                click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)


def parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


def warn(warnings: Sequence[str]) -> None:
    """Accepted, but worth a second look: one line each on stderr."""
    for warning in warnings:
        click.secho(f"warning: {warning}", err=True, fg="yellow")


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    result = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set expects NAME=VALUE, got {item!r}")
        result[name.strip()] = value
    return result


def emit_table(
    rows: Sequence[dict[str, Any]],
    *,
    as_json: bool,
    empty: str = "(none)",
    wrap: dict[str, int] | None = None,
) -> None:
    """Aligned columns for people (columns named in `wrap` fold at that width); JSON for
    scripts. Codes and NIPs stay text: no number parsing. JSON keys are the headers in
    snake_case ("applies from" → applies_from) and an empty cell is null."""
    if as_json:
        typed = [{snake_case(k): (None if v == "" else v) for k, v in row.items()} for row in rows]
        click.echo(json.dumps(typed, default=_json_default, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(empty)
        return
    from tabulate import tabulate

    headers = list(rows[0])
    widths = [(wrap or {}).get(h) for h in headers]
    click.echo(
        tabulate(
            [list(r.values()) for r in rows],
            headers=headers,
            tablefmt="simple",
            disable_numparse=True,
            maxcolwidths=widths if any(widths) else None,
        )
    )


def snake_case(header: str) -> str:
    """A column header as a JSON key: `Conf.` → conf, `penetapan calon` → penetapan_calon."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, default=_json_default, ensure_ascii=False, indent=2))


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(fn)
