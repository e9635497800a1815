"""`sanctions workflow list|show|validate`."""

from __future__ import annotations

from pathlib import Path

import click

from sanctions.cases.guards import known_guards
from sanctions.cases.workflow import Workflow, load_workflows
from sanctions.cli.shell import Shell, emit_json, emit_table, json_option, pass_shell
from sanctions.declared.confidence import LEGEND
from sanctions.institutions.bodies import check_bodies, load_bodies


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
@json_option
@pass_shell
def workflow_validate(shell: Shell, directory: Path | None, as_json: bool) -> None:
    """Load and check every workflow in DIRECTORY (default: the configured one)."""
    directory = directory or shell.settings.workflows_dir
    workflows = load_workflows(directory, known_guards=known_guards())
    check_bodies(workflows, load_bodies(directory / "supervisory_bodies.yaml"))
    versions = list(workflows.versions)
    if as_json:
        emit_json({"valid": True, "versions": versions})
    else:
        click.echo(f"{directory}: {len(versions)} workflow(s) valid: {', '.join(versions)}")


def as_text(w: Workflow) -> str:
    lines = [
        f"{w.title}",
        f"version {w.version}; supervisory body {w.supervisory_body}; applies "
        f"{w.applies_from} .. {w.applies_until or 'now'}; initial state {w.initial}",
        "",
        "States:",
    ]
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
        lines.append(
            f"  {t.trigger:<24} {', '.join(t.sources)} -> {t.dest}  [{', '.join(t.roles)}]{guards}"
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
            lines.append(f"    {src} --> {t.dest}: {t.trigger}")
    lines += [f"    {s.name} --> [*]" for s in w.states.values() if s.terminal]
    return "\n".join(lines)
