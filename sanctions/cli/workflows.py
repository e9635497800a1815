"""`sanctions workflow list|show|validate|pins|pin|migrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sanctions.cases.workflow import Workflow
from sanctions.cli.shell import (
    Shell,
    emit_json,
    emit_table,
    json_option,
    parse_date,
    pass_shell,
)
from sanctions.declared.confidence import LEGEND
from sanctions.law.load import declared_files, load_law


@click.group()
def workflow() -> None:
    """The declared case workflows."""


@workflow.command("list")
@json_option
@pass_shell
def workflow_list(shell: Shell, as_json: bool) -> None:
    """Every workflow version and when it applies."""
    rows = [
        {
            "version": w.version,
            "extends": w.extends or "",
            "supervisory body": w.supervisory_body,
            "applies from": w.applies_from,
            "until": w.applies_until or "",
            "states": len(w.states),
            "transitions": len(w.transitions),
            "file": w.source_file,
        }
        for w in shell.app.workflows.versions.values()
    ]
    emit_table(rows, as_json=as_json)


@workflow.command("show")
@click.argument("version")
@click.option("--mermaid", "only_mermaid", is_flag=True, help="Print only the Mermaid diagram.")
@pass_shell
def workflow_show(shell: Shell, version: str, only_mermaid: bool) -> None:
    """Print a workflow version as text and as a Mermaid state diagram."""
    w = shell.app.workflow(version)
    if not only_mermaid:
        click.echo(as_text(w))
        click.echo("\n```mermaid")
    click.echo(as_mermaid(w))
    if not only_mermaid:
        click.echo("```")


@workflow.command("validate")
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Letter templates folder (default: the configured one).",
)
@json_option
@pass_shell
def workflow_validate(
    shell: Shell, directory: Path | None, templates: Path | None, as_json: bool
) -> None:
    """Load and check every declared file in DIRECTORY (default: the configured one) with the
    letter templates, each on its own and then against each other; exit 3 naming every
    problem's file and path."""
    directory = directory or shell.settings.workflows_dir
    templates = templates or shell.settings.templates_dir
    law = load_law(
        directory, templates, tukin_regulation_in_force=shell.settings.tukin_regulation_in_force
    )
    versions = list(law.workflows.versions)
    files = declared_files(directory, templates)
    if as_json:
        emit_json({"valid": True, "versions": versions, "files": len(files)})
    else:
        click.echo(
            f"{directory}: {len(versions)} workflow(s) valid: {', '.join(versions)} (checked "
            f"with {len(law.documents)} document kinds, the catalogue, ladder and "
            f"classification codes: {len(files)} files)"
        )


@workflow.command("pins")
@json_option
@pass_shell
def workflow_pins(shell: Shell, as_json: bool) -> None:
    """The law in force, pinned: each unit's content digest and when it was first used (a
    unit whose content differs from its newest pin is refused by every command)."""
    from sanctions.trust.pinning import pins

    with shell.transaction() as (session, _):
        rows = [
            {
                "unit": p.name,
                "sha256": p.sha256 if as_json else p.sha256[:16],
                "pinned": p.pinned_at,
                "by": p.pinned_by,
                "note": p.note,
            }
            for p in pins(session)
        ]
    emit_table(rows, as_json=as_json, empty="nothing pinned yet", wrap={"note": 40})


@workflow.command("pin")
@click.argument("unit")
@click.option("--note", required=True, help="Why the content changed (instrument, fix).")
@pass_shell
def workflow_pin(shell: Shell, unit: str, note: str) -> None:
    """Record the current content of UNIT (catalogue, declarations, template_set or
    migration:PLAN) as the law in force from now (admin). A workflow version is never
    re-pinned: declare a new version."""
    from sanctions.db import acting_user, check_current, session_scope
    from sanctions.trust.pinning import accept

    app = shell.app
    check_current(app.db)
    with session_scope(app.db) as session:  # not shell.transaction: its check would refuse
        actor = acting_user(session)
        pin = accept(session, app.law.pins, unit, actor=actor, now=shell.now, note=note)
    click.echo(f"{pin.name} pinned at {pin.sha256[:16]}… by {pin.pinned_by}")


@workflow.command("migrate")
@click.argument("plan_key", metavar="PLAN")
@click.option("--dry-run", is_flag=True, help="Print what would be migrated; write nothing.")
@click.option("--on", "on_", help="Date of the migration events (default: today).")
@json_option
@pass_shell
def workflow_migrate(
    shell: Shell, plan_key: str, dry_run: bool, on_: str | None, as_json: bool
) -> None:
    """Hand the open cases a migration plan takes (workflows/migrations/PLAN.yaml) to the
    plan's target version: each case in its own transaction, one event in its chain recording
    the plan, the versions and the state mapping, the successor body's letters issued. A
    re-run migrates nothing twice; a case changed since the plan was read is left (exit 1).

    \b
    Example:
      sanctions workflow migrate kasn-ke-bkn-2024 --dry-run
    """
    from sanctions.cases import migration
    from sanctions.db import acting_user, check_current, session_scope

    on = parse_date(on_, "--on") or shell.today
    plan = migration.plan(shell.app, plan_key)
    check_current(shell.app.db)
    with session_scope(shell.app.db) as session:
        actor = acting_user(session)
    report = migration.migrate(shell.app, plan, actor=actor, on=on, now=shell.now, dry_run=dry_run)
    rows: list[dict[str, Any]] = [
        {
            "case": r.case.reference,
            "agency": r.case.agency,
            "state": r.case.state,
            "after": r.case.target_state,
            "deadlines": [{"name": n, "due": d} for n, d in r.case.deadlines],
            "letters": r.letters or list(plan.letters),
            "status": r.status,
            "detail": r.detail or None,
        }
        for r in report.rows
    ]
    counts = {s: report.count(s) for s in ("migrated", "would_migrate", "changed", "failed")}
    if as_json:
        emit_json({"plan": plan.key, "from": plan.source, "to": plan.target,
                   "dry_run": dry_run, "cases": rows, "counts": counts})  # fmt: skip
    else:
        click.echo(
            f"{plan.key}: {plan.source} -> {plan.target} (effective {plan.effective}; "
            f"deadlines {plan.deadlines})"
        )
        emit_table(
            [
                {
                    **{k: r[k] for k in ("case", "agency", "state", "after", "status")},
                    "deadlines": ", ".join(f"{d['name']} {d['due']}" for d in r["deadlines"]),
                    "letters": ", ".join(r["letters"]),
                }
                for r in rows
            ],
            as_json=False,
            empty="no case to migrate",
            wrap={"deadlines": 40},
        )
        click.echo(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing to do")
    if report.failed:
        raise click.exceptions.Exit(1)


def as_text(w: Workflow) -> str:
    lines = [
        f"{w.title}",
        f"version {w.version}; supervisory body {w.supervisory_body}; applies "
        f"{w.applies_from} .. {w.applies_until or 'now'}; initial state {w.initial}",
    ]
    if w.extends:
        changed = "; ".join(w.changes) or "only the header above"
        lines.append(f"declared relative to {w.extends}; changes: {changed}")
    lines += ["", "States:"]
    for s in w.states.values():
        extra = []
        if s.terminal:
            extra.append("terminal")
        if s.letters:
            extra.append("letters: " + ", ".join(s.letters))
        extra += [
            f"deadline {d.name}: {d.amount} {d.unit.value} [{d.confidence}]" for d in s.deadlines
        ]
        lines.append(f"  {s.name:<20} {s.label}" + (f"  ({'; '.join(extra)})" if extra else ""))
    lines += ["", "Transitions:"]
    for t in w.transitions:
        guards = f" if {', '.join(t.guards)}" if t.guards else ""
        dest = "(stays)" if t.stays else t.dest
        lines.append(
            f"  {t.trigger:<24} {', '.join(t.sources)} -> {dest}  [{', '.join(t.roles)}]{guards}"
        )
    if w.rules:
        lines += ["", f"Rules ({LEGEND}):"]
        lines += [f"  {n} = {r.value} [{r.confidence}] {r.basis}" for n, r in w.rules.items()]
    return "\n".join(lines)


def as_mermaid(w: Workflow) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {w.initial}"]
    for s in w.states.values():
        lines.append(f"    {s.name}: {s.label}")
    for t in w.transitions:
        for src in t.sources:
            lines.append(f"    {src} --> {src if t.stays else t.dest}: {t.trigger}")
    lines += [f"    {s.name} --> [*]" for s in w.states.values() if s.terminal]
    return "\n".join(lines)
