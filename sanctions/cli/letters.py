"""`sanctions letter list|get|verify|issue|reserve|template|preview`: the documents of cases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sanctions.cases import service as cases
from sanctions.cli.letterdata import load_letter_data
from sanctions.cli.shell import (
    Shell,
    emit_json,
    emit_table,
    json_option,
    parse_assignments,
    parse_date,
    pass_shell,
)
from sanctions.letters import service as svc
from sanctions.letters.numbering import REGISTERS
from sanctions.trust.pinning import require_templates_of


@click.group()
def letter() -> None:
    """Issued letters: list, fetch, verify, issue on demand."""


@letter.command("list")
@click.option("--case", "reference", help="Only this case's letters.")
@json_option
@pass_shell
def letter_list(shell: Shell, reference: str | None, as_json: bool) -> None:
    """Letters of the cases you hold a role for (Rahasia ones are marked; a letter voided by
    a correction names its voiding letter)."""
    with shell.transaction() as (session, actor):
        found = svc.list_letters(shell.app, session, actor=actor, reference=reference)
        voided = svc.voided_by([r.letter for r in found])
        rows = [
            {
                "number": r.letter.number,
                "kind": r.letter.kind,
                "case": r.case_reference,
                "date": r.letter.issued_on,
                "sifat": "Rahasia" if r.letter.confidential else "",
                "pages": r.letter.pages,
                "sha256": r.letter.sha256[:16],
                "readable": r.readable,
                "voided_by": voided.get(r.letter.number, ""),
            }
            for r in found
        ]
    emit_table(rows, as_json=as_json, empty="no letters")


@letter.command("get")
@click.argument("number")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--issuer", help="Code of the agency that issued it (when the number is ambiguous).")
@click.option(
    "--rerender",
    is_flag=True,
    help="Render again from the stored context (only with the templates pinned at issue).",
)
@pass_shell
def letter_get(shell: Shell, number: str, out: Path, issuer: str | None, rerender: bool) -> None:
    """Write the issued PDF of letter NUMBER to --out (or a fresh rendering with --rerender)."""
    with shell.transaction() as (session, actor):
        issued, data = svc.read_letter(shell.app, session, number, actor=actor, issuer=issuer)
        if rerender:
            require_templates_of(session, shell.app.law.pins, issued.issued_at)
            data = svc.rerender(shell.app, session, issued)
    out.write_bytes(data)
    click.echo(f"{number} → {out} ({len(data)} bytes)")


@letter.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_shell
def letter_verify(shell: Shell, file: Path, as_json: bool) -> None:
    """Say whether FILE is an issued letter, which one, and whether it was altered.
    Exits 0 for an unaltered issued letter, 1 otherwise."""
    with shell.transaction() as (session, _):
        result = svc.verify_file(shell.app, session, file)
        payload = {
            "file": str(file),
            "issued": result.issued,
            "altered": result.altered,
            "number": result.letter.number if result.letter else None,
            "kind": result.letter.kind if result.letter else None,
            "issued_on": result.letter.issued_on if result.letter else None,
            "detail": result.detail,
        }
    if as_json:
        emit_json(payload)
    else:
        verdict = (
            "VALID"
            if result.issued and not result.altered
            else ("ALTERED" if result.altered else "UNKNOWN")
        )
        click.echo(f"{verdict}: {file}: {result.detail}")
    if not result.issued or result.altered:
        raise SystemExit(1)


@letter.command("issue")
@click.argument("reference")
@click.argument("kind")
@click.option("--on", "on_", help="Date of the letter (default: today).")
@click.option(
    "--data",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON file with the letter's values (a mapping, or kind → mapping: one file "
    "may hold every letter of the case).",
)
@pass_shell
def letter_issue(
    shell: Shell, reference: str, kind: str, on_: str | None, data_file: Path | None
) -> None:
    """Issue letter KIND for a case on demand (e.g. a covering letter when posting a decision)."""
    on = parse_date(on_, "--on") or shell.today
    given = load_letter_data(data_file) if data_file else {}
    with shell.transaction() as (session, actor):
        issued = cases.issue_on_demand(
            shell.app,
            session,
            reference,
            kind,
            on=on,
            actor=actor,
            now=shell.now,
            given=_values_of(shell, given, kind),
        )
        number = issued.number
    click.echo(f"issued {kind} {number}")


def _values_of(shell: Shell, given: dict[str, Any], kind: str) -> dict[str, Any]:
    """The values of letter `kind` in a --data file: the file itself, or its `kind` entry when
    it maps document kinds to values (one file for every letter of the case)."""
    kinds = svc.letter_kinds(shell.app)
    if given and all(name in kinds for name in given):
        values: dict[str, Any] = given.get(kind) or {}
        return values
    return given


@letter.command("render")
@click.option("--from", "start", required=True, help="First issue date (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last issue date (YYYY-MM-DD).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--workers", type=int, help="Rendering processes (default: one per core).")
@json_option
@pass_shell
def letter_render(
    shell: Shell, start: str, end: str, out: Path, workers: int | None, as_json: bool
) -> None:
    """Render again every letter issued in a period, on a process pool, into --out.

    A letter that fails is reported and the others are still written. Exits 1 if any failed.
    """
    from sanctions.letters.context import from_json
    from sanctions.letters.pool import LetterJob, render_batch

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    assert first is not None and last is not None
    with shell.transaction() as (session, actor):
        issued = svc.letters_issued_between(shell.app, session, actor=actor, start=first, end=last)
        for letter, _, _ in issued:  # only from the templates each letter was issued with
            require_templates_of(session, shell.app.law.pins, letter.issued_at)
        # a number names one letter of its issuer: one two issuers gave (a database older
        # than the collision check) is written under each issuer's code, never over the other
        issuers_of: dict[str, set[str]] = {}
        for x, _, code in issued:
            issuers_of.setdefault(x.number, set()).add(code)
        shared = {number for number, codes in issuers_of.items() if len(codes) > 1}
        number_of = {f"{code}/{x.number}": x.number for x, _, code in issued}
        jobs = [
            LetterJob(
                key=f"{code}/{x.number}" if x.number in shared else x.number,
                kind=x.kind,
                context=from_json(x.context),
                identifier=x.number.encode("utf-8"),
                title=f"{x.title} {x.number}",
                author=author,
                images=svc.kop_images(shell.app, x.context),
            )
            for x, author, code in issued
        ]
    out.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=len(jobs), label="rendering", file=sys.stderr) as bar:
        results = render_batch(
            jobs,
            template_dir=shell.settings.templates_dir,
            workers=workers,
            on_progress=lambda done, total, result: bar.update(1),
        )
    rows = []
    for result in results:
        target = out / (result.key.replace("/", "_") + ".pdf")
        if result.pdf is not None:
            target.write_bytes(result.pdf.data)
        rows.append(
            {
                "number": number_of.get(result.key, result.key),
                "status": "ok" if result.ok else "FAILED",
                "file": str(target) if result.ok else "",
                "error": result.error or "",
            }
        )
    emit_table(rows, as_json=as_json, empty="no letters in that period", wrap={"error": 60})
    if any(not r.ok for r in results):
        raise SystemExit(1)


@letter.command("reserve")
@click.option("--issuer", help="Code of the issuing agency (required except with --list).")
@click.option(
    "--register",
    type=click.Choice(REGISTERS),
    default="surat",
    show_default=True,
    help="The register (series) whose numbers to reserve.",
)
@click.option("--date", "on_", help="Date of the letters the numbers are for (default: today).")
@click.option("--count", type=int, default=1, show_default=True, help="How many numbers.")
@click.option("--list", "listing", is_flag=True, help="List reserved numbers (free ones).")
@click.option("--all", "include_closed", is_flag=True, help="With --list: used and void too.")
@click.option("--void", "void_seq", type=int, metavar="SEQ", help="Void free reserved SEQ.")
@click.option("--year", type=int, help="With --void: the register's year (default: this one).")
@click.option("--reason", default="", help="With --void: why the number is voided.")
@json_option
@pass_shell
def letter_reserve(
    shell: Shell,
    issuer: str | None,
    register: str,
    on_: str | None,
    count: int,
    listing: bool,
    include_closed: bool,
    void_seq: int | None,
    year: int | None,
    reason: str,
    as_json: bool,
) -> None:
    """Reserve numbers of a register for letters of a day still to be written (nomor cadangan
    of an agenda book), list them, or void an unused one with a reason.

    Numbers rise with dates in each register: a letter dated before the register's last
    number is refused unless a number was reserved for its date, then it takes the earliest
    free one. Numbers are reserved on the day, for that day.

    
    Example:
      sanctions letter reserve --issuer SLEMAN --register keputusan --count 2
      sanctions letter reserve --list --issuer SLEMAN
      sanctions letter reserve --issuer SLEMAN --void 14 --reason "tidak terpakai"
    """
    from sanctions.letters import register as registers

    if listing:
        with shell.transaction() as (session, _):
            found = registers.reservations(session, issuer=issuer, include_closed=include_closed)
            rows = [_reserved_row(r, code) for r, code in found]
        emit_table(rows, as_json=as_json, empty="no reserved numbers")
        return
    if issuer is None:
        raise click.UsageError("--issuer is required (except with --list)")
    with shell.transaction() as (session, actor):
        if void_seq is not None:
            voided = registers.void(
                session,
                issuer=issuer,
                register=register,
                year=year or shell.today.year,
                seq=void_seq,
                reason=reason,
                actor=actor,
                now=shell.now,
            )
            rows = [_reserved_row(voided, issuer)]
        else:
            reserved = registers.reserve(
                session,
                issuer=issuer,
                register=register,
                on=parse_date(on_, "--date") or shell.today,
                count=count,
                actor=actor,
                now=shell.now,
                today=shell.today,
            )
            rows = [_reserved_row(r, issuer) for r in reserved]
    emit_table(rows, as_json=as_json, empty="nothing reserved")


def _reserved_row(reservation: Any, issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "register": reservation.series,
        "year": reservation.year,
        "seq": reservation.seq,
        "for_date": reservation.for_date,
        "state": reservation.state,
        "reserved_by": reservation.reserved_by,
        "reserved_at": reservation.reserved_at,
        "letter_id": reservation.letter_id,
        "reason": reservation.void_reason or "",
    }


@letter.command("template")
@click.argument("name", metavar="KIND|STEP")
@click.option("--case", "reference", help="Fill in what this case already knows.")
@click.option("--state", help="The state the step is taken from (default: the case's).")
@click.option("--on", "on_", help="Date of the letters (default: today).")
@pass_shell
def letter_template(
    shell: Shell, name: str, reference: str | None, state: str | None, on_: str | None
) -> None:
    """Print a YAML skeleton of the values letter KIND (or the letters step STEP issues) needs,
    each with a comment giving its type; with --case, what the case already knows is filled
    in as comments. Save it, fill it in and give it with --letter-data.

    \b
    Example:
      sanctions letter template teruskan --case NET-2024-000001 > data.yaml
    """
    from sanctions.cases.drafts import template

    on = parse_date(on_, "--on") or shell.today
    with shell.transaction() as (session, _):
        text = template(shell.app, session, name, reference=reference, state=state, on=on)
    click.echo(text, nl=False)


@letter.command("preview")
@click.argument("reference")
@click.argument("step")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE", help="Step input.")
@click.option("--on", "on_", help="Date the step would take place (default: today).")
@click.option(
    "--letter-data",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON: document kind → the values its letter needs.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder to write the drafts into (KONSEP-KIND.pdf).",
)
@json_option
@pass_shell
def letter_preview(
    shell: Shell,
    reference: str,
    step: str,
    assignments: tuple[str, ...],
    on_: str | None,
    data_file: Path | None,
    out: Path,
    as_json: bool,
) -> None:
    """Render the letters step STEP would issue on case REFERENCE as drafts (KONSEP on every
    page, no number, no QR code), for the official to read before the step is taken. Nothing
    is written to the database or the letter store and no number is allocated; `letter
    verify` calls a draft UNKNOWN.

    \b
    Example:
      sanctions letter preview NET-2024-000001 teruskan --on 2024-10-14 \\
        --letter-data data.yaml --out konsep/
    """
    from sanctions.cases.drafts import preview
    from sanctions.cli.outfolder import writable_folder

    on = parse_date(on_, "--on") or shell.today
    inputs = parse_assignments(assignments)
    given = load_letter_data(data_file) if data_file else {}
    writable_folder(out)
    with shell.transaction() as (session, actor):
        drafts = preview(
            shell.app,
            session,
            reference,
            step,
            inputs=inputs,
            actor=actor,
            on=on,
            now=shell.now,
            letter_data=given,
        )
    rows = []
    for draft in drafts:
        target = out / f"KONSEP-{draft.kind}.pdf"
        target.write_bytes(draft.pdf)
        rows.append({"kind": draft.kind, "pages": draft.pages, "file": str(target)})
    emit_table(rows, as_json=as_json, empty="the step issues no letters")
    if not as_json:
        from sanctions.cli.shell import warn

        warn(list(dict.fromkeys(w for draft in drafts for w in draft.warnings)))
