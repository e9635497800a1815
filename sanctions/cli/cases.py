"""`sanctions case ...`: open, list, show, advance, history."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sanctions.cases import composition, views
from sanctions.cases.drafts import letter_needs
from sanctions.cases.reading import ledger, migrations_of
from sanctions.cli.shell import (
    LazyGroup,
    Shell,
    emit_json,
    emit_table,
    imports_frozen,
    json_option,
    parse_assignments,
    parse_date,
    pass_shell,
    warn,
)
from sanctions.db import session_scope
from sanctions.errors import InputError
from sanctions.registry.nip import format_nip

if TYPE_CHECKING:  # the write path's modules: imported by the commands that write
    from sanctions.letters.incoming import IncomingLetter

letter_data_option = click.option(
    "--letter-data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON: document kind → the values its letter needs (see documents.yaml).",
)


def _letter_data(path: Path | None) -> dict[str, Any]:
    from sanctions.cli.letterdata import load_letter_data

    return load_letter_data(path) if path else {}


def incoming_options(command: Any) -> Any:
    """The received letter's options (docs/exchange.md)."""
    for option in reversed(
        (
            click.option("--incoming-number", help="The received letter's own number."),
            click.option("--incoming-date", help="The received letter's date (YYYY-MM-DD)."),
            click.option(
                "--incoming-file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="The received PDF or scan (JPEG, PNG, TIFF).",
            ),
            click.option("--incoming-subject", default="", help="Its subject (hal)."),
            click.option("--received-on", help="The day it arrived (default: the step's date)."),
            click.option(
                "--incoming-kind",
                help="Which of the step's letters it is (when the step carries several).",
            ),
        )
    ):
        command = option(command)
    return command


def _incoming(values: dict[str, Any], *, required: bool) -> IncomingLetter | None:
    """The received letter the options describe (None when none is given and none needed)."""
    from sanctions.letters.incoming import IncomingLetter

    number, on, path = (
        values.get(k) for k in ("incoming_number", "incoming_date", "incoming_file")
    )
    if not required and number is None and on is None and path is None:
        return None
    missing = [
        f"--{k.replace('_', '-')}"
        for k in ("incoming_number", "incoming_date", "incoming_file")
        if values.get(k) is None
    ]
    if missing:
        raise InputError(f"the received letter needs {', '.join(missing)}")
    try:
        data = Path(str(path)).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    return IncomingLetter(
        number=str(number),
        on=parse_date(on, "--incoming-date") or date.min,
        data=data,
        subject=str(values.get("incoming_subject") or ""),
        received_on=parse_date(values.get("received_on"), "--received-on"),
    )


def _incoming_kind(
    shell: Shell, session: Any, reference: str, trigger: str, kind: str | None
) -> str:
    """The step's letter the received one is: the one given, or the step's only letter of an
    issuer this installation does not host."""
    if kind:
        return kind
    from sanctions.cases.changes import case_and_last_hash, external_kinds

    case, _ = case_and_last_hash(session, reference)
    workflow = shell.app.workflow(case.workflow_version)
    specs = [t for t in workflow.transitions_from(case.state) if t.trigger == trigger]
    kinds = workflow.step_letters(specs[0]) if specs else ()
    external = list(external_kinds(shell.app, session, case, kinds))
    if len(external) != 1:
        raise InputError(
            f"{trigger!r} carries {len(external)} letters of issuers not hosted here "
            f"({', '.join(external) or 'none'}): name the received one with --incoming-kind"
        )
    return external[0]


@click.group(
    cls=LazyGroup,
    lazy_commands={
        "import": "sanctions.cli.intake:case_import",
        "export": "sanctions.cli.dossier:case_export",
        "send": "sanctions.cli.exchange:case_send",
        "accept": "sanctions.cli.exchange:case_accept",
    },
    summaries={
        "import": "Open cases from a Bawaslu / SBT / SP4N-LAPOR! list (.csv or .xlsx; "
        "docs/intake.md).",
        "export": "Write the complete case file of REFERENCE: cover summary PDF, every issued "
        "letter, the event log as JSON and manifest.json with the SHA-256 of every file.",
        "send": "Write the case's bundle for another office: its events, facts and letters, "
        "signed with the installation's key (`sanctions keys init`).",
        "accept": "Accept a case bundle from another office: refused (nothing written) when it "
        "is not a safe zip, its key is not trusted here, its signature or a file's hash does "
        "not match, it was accepted before, or it contradicts the local record.",
    },
)
def case() -> None:
    """Open and advance neutrality cases."""


@case.command("open")
@click.option("--nip", required=True, help="The employee's NIP / NI PPPK.")
@click.option("--contest", "contest_code", required=True, help="Election contest code.")
@click.option("--violation", "violations", multiple=True, help="Violation code (repeatable).")
@click.option(
    "--describe",
    help="The conduct in the report's words, instead of --violation: the best match is asked.",
)
@click.option("--yes", is_flag=True, help="With --describe: take the best match without asking.")
@click.option("--act-date", required=True, help="Date of the act (YYYY-MM-DD).")
@click.option("--reported-on", help="Date the report was received (default: today).")
@click.option("--description", default="", help="What happened, in a sentence.")
@click.option("--register-number", help="The forwarding body's register number.")
@click.option("--workflow", "workflow_version", help="Workflow version (default: by report date).")
@click.option(
    "--act-date-reason",
    help="Why codes whose phase (before/after penetapan calon) contradicts the act date are kept.",
)
@click.option(
    "--office",
    help="The office the act concerns (e.g. dpr, presiden, bupati): its penetapan date judges it.",
)
@letter_data_option
@json_option
@pass_shell
def open_(
    shell: Shell,
    nip: str,
    contest_code: str,
    violations: tuple[str, ...],
    describe: str | None,
    yes: bool,
    act_date: str,
    reported_on: str | None,
    description: str,
    register_number: str | None,
    workflow_version: str | None,
    act_date_reason: str | None,
    office: str | None,
    letter_data: Path | None,
    as_json: bool,
) -> None:
    """Register a report against an employee and open its case.

    Name the violation by code (--violation), or give the report's words (--describe): the
    best match for the act date in the contest is shown and asked for (--yes takes it), and a
    description that names no code clearly is refused with the candidates (exit 2). Declining
    the match exits 1. Nothing is written until the code is settled.

    \b
    Example:
      sanctions case open --nip "19860926 201505 1 001" --contest PILKADA-SLEMAN-2024 \\
          --violation DIS-02 --act-date 2024-10-03 --reported-on 2024-10-07
      sanctions case open --nip "19860926 201505 1 001" --contest PILKADA-SLEMAN-2024 \\
          --describe "jadi narsum di acara parpol" --act-date 2024-10-03
    """
    acted = parse_date(act_date, "--act-date") or shell.today
    codes = [v.strip().upper() for v in violations]
    if describe is not None and codes:
        raise InputError("give --violation or --describe, not both")
    if describe is None and not codes:
        raise InputError("name the violation: --violation CODE, or --describe TEXT")
    if describe is not None:
        codes = [_described_code(shell, describe, contest_code, acted, yes)]
    with imports_frozen("sanctions.cases.service"):  # the write path, first imported here
        from sanctions.cases import service as svc
        from sanctions.cases.opening import OpenCaseInput

    data = OpenCaseInput(
        nip=nip,
        contest_code=contest_code,
        reported_on=parse_date(reported_on, "--reported-on") or shell.today,
        act_date=acted,
        violation_codes=codes,
        description=description or (describe or ""),
        register_number=register_number,
        workflow_version=workflow_version,
        act_date_reason=act_date_reason,
        office=office,
    )
    with shell.transaction() as (session, actor):
        result = svc.open_case(
            shell.app,
            session,
            data,
            actor=actor,
            now=shell.now,
            letter_data=_letter_data(letter_data),
        )
        reference, state = result.case.reference, result.case.state
        label = result.workflow.state(state).label
        version = result.workflow.version
    warn(result.warnings)
    if as_json:
        emit_json(
            {
                "reference": reference,
                "state": state,
                "workflow_version": version,
                "warnings": result.warnings,
            }
        )
    else:
        click.echo(f"opened {reference} ({version}): {state} — {label}")


@case.command("receive")
@click.option(
    "--kind", default="rekomendasi", show_default=True, help="The received letter's kind."
)
@click.option("--nip", required=True, help="The employee's NIP / NI PPPK.")
@click.option("--contest", "contest_code", required=True, help="Election contest code.")
@click.option("--violation", "violations", multiple=True, required=True, help="Violation code.")
@click.option("--act-date", required=True, help="Date of the act (YYYY-MM-DD).")
@click.option("--reported-on", required=True, help="Date Bawaslu received the report.")
@click.option("--description", default="", help="What happened, in a sentence.")
@click.option("--register-number", help="The forwarding body's register number.")
@click.option("--workflow", "workflow_version", help="Workflow version (default: by report date).")
@click.option("--act-date-reason", help="Why codes whose phase contradicts the act date are kept.")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE",
              help="What the letter decided, as its step's input (level=sedang).")  # fmt: skip
@incoming_options
@json_option
@pass_shell
def receive(
    shell: Shell,
    /,
    kind: str,
    nip: str,
    contest_code: str,
    violations: tuple[str, ...],
    act_date: str,
    reported_on: str,
    description: str,
    register_number: str | None,
    workflow_version: str | None,
    act_date_reason: str | None,
    assignments: tuple[str, ...],
    as_json: bool,
    **received: Any,
) -> None:
    """Open a case from a letter received from an issuer this installation does not host
    (BKN's recommendation, Bawaslu's forwarding letter), in the state that letter puts it in;
    the letter is recorded with its own number and date and later letters cite them.

    \b
    Example:
      sanctions case receive --kind rekomendasi --nip "19860926 201505 1 001" \\
          --contest PILKADA-SLEMAN-2024 --violation DIS-02 --act-date 2024-10-03 \\
          --reported-on 2024-10-07 --set level=sedang \\
          --incoming-number R-1234/BKN/DWASDAL/10/2024 --incoming-date 2024-10-21 \\
          --incoming-file rekomendasi.pdf --received-on 2024-10-23
    """
    with imports_frozen("sanctions.cases.receiving"):  # the write path, first imported here
        from sanctions.cases.opening import OpenCaseInput
        from sanctions.cases.receiving import receive_case

    letter = _incoming(received, required=True)
    assert letter is not None
    data = OpenCaseInput(
        nip=nip,
        contest_code=contest_code,
        reported_on=parse_date(reported_on, "--reported-on") or shell.today,
        act_date=parse_date(act_date, "--act-date") or shell.today,
        violation_codes=[v.strip().upper() for v in violations],
        description=description,
        register_number=register_number,
        workflow_version=workflow_version,
        act_date_reason=act_date_reason,
    )
    with shell.transaction() as (session, actor):
        result = receive_case(
            shell.app,
            session,
            data,
            kind,
            letter,
            inputs=parse_assignments(assignments),
            actor=actor,
            now=shell.now,
        )
        reference, state = result.case.reference, result.case.state
        label = result.workflow.state(state).label
        number = result.letters[0].number
    if as_json:
        emit_json({"reference": reference, "state": state, "received": number})
    else:
        click.echo(f"opened {reference} from {kind} {number}: {state} — {label}")


def _described_code(shell: Shell, text: str, contest: str, act_date: date, yes: bool) -> str:
    """The code `text` names (read in its own transaction, so the question is asked with no
    write pending); declining it aborts with nothing written."""
    from sanctions.cases.describing import code_for_description  # the catalogue search

    with session_scope(shell.app.db) as session:
        best = code_for_description(
            shell.app, session, text, contest_code=contest, act_date=act_date
        ).best
    assert best is not None
    v = shell.app.catalogue.violation(best.code)
    level = shell.app.catalogue.level_of(v) or v.fixed_sanction or f"decided by the {v.decided_by}"
    click.echo(f"best match: {best.code} ({best.score:.2f}, {v.track}, {level}): {v.conduct}")
    if not yes:
        click.confirm(f"open the case with {best.code}?", abort=True)
    return best.code


@case.command("list")
@click.option("--agency", "agency_code", help="Only this agency's cases.")
@click.option("--contest", "contest_code", help="Only this contest's cases.")
@click.option("--state", help="Only cases in this state.")
@click.option("--step", "trigger", help="Only cases in a state this step (trigger) leaves.")
@click.option(
    "--search", help="A NIP, part of the employee's name, a register number or a reference."
)
@click.option(
    "--overdue",
    is_flag=True,
    help="The deadlines past due instead: who must act, reminders sent, the ladder's next step "
    "(as `report overdue`).",
)
@click.option("--mine", is_flag=True, help="The cases waiting for your step (as `desk`).")
@click.option("--as-of", help="Judge deadlines as of this date (default: today).")
@click.option("--limit", default=50, show_default=True, help="At most this many cases.")
@click.option("--offset", default=0, show_default=True, help="Skip this many cases first.")
@json_option
@pass_shell
def list_(
    shell: Shell,
    agency_code: str | None,
    contest_code: str | None,
    state: str | None,
    trigger: str | None,
    search: str | None,
    overdue: bool,
    mine: bool,
    as_of: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List cases (those of the agencies you hold a role for), oldest first, a page at a time
    ("showing N of M"). An unknown state, step, agency or contest is an error listing the
    valid ones."""
    on = parse_date(as_of, "--as-of") or shell.today
    if overdue or mine:
        _list_desk(shell, on, agency_code=agency_code, overdue=overdue, as_json=as_json)
        return
    with shell.transaction() as (session, actor):
        found = views.list_cases(
            shell.app,
            session,
            actor=actor,
            on=on,
            agency_code=agency_code,
            contest_code=contest_code,
            state=state,
            trigger=trigger,
            search=search,
            limit=limit,
            offset=offset,
        )
    if as_json:
        emit_json(
            {
                "total": found.total,
                "offset": found.offset,
                "limit": found.limit,
                "cases": [
                    {
                        "reference": r.reference,
                        "register_number": r.register_number,
                        "state": r.state,
                        "state_label": r.state_label,
                        "agency": r.agency,
                        "employee": r.employee,
                        "nip": r.nip,
                        "reported_on": r.reported_on,
                        "workflow_version": r.workflow_version,
                        "overdue": r.overdue,
                    }
                    for r in found.rows
                ],
            }
        )
        return
    emit_table(
        [
            {
                "case": r.reference,
                "state": r.state,
                "agency": r.agency,
                "employee": r.employee,
                "NIP": format_nip(r.nip),
                "reported": r.reported_on,
                "overdue": ", ".join(r.overdue),
            }
            for r in found.rows
        ],
        as_json=False,
        empty="no cases",
    )
    shown = len(found.rows)
    start = f", from #{found.offset + 1}" if found.offset and shown else ""
    more = " (--offset/--limit for more)" if found.offset + shown < found.total else ""
    click.echo(f"showing {shown} of {found.total} cases{start}{more}")


def _list_desk(
    shell: Shell, on: date, *, agency_code: str | None, overdue: bool, as_json: bool
) -> None:
    from sanctions.cases import desk
    from sanctions.cli.desk import DESK_WRAP, OVERDUE_WRAP, desk_table, overdue_table

    if overdue:
        with shell.transaction() as (session, actor):
            late = desk.overdue(shell.app, session, actor=actor, on=on, agency_code=agency_code)
        rows = [r.as_dict() for r in late] if as_json else overdue_table(late)
        emit_table(rows, as_json=as_json, empty="nothing is overdue", wrap=OVERDUE_WRAP)
        return
    if agency_code:
        raise InputError("--mine lists your desk across your agencies; drop --agency")
    with shell.transaction() as (session, actor):
        mine = desk.desk(shell.app, session, actor=actor, on=on)
    rows = [r.as_dict() for r in mine] if as_json else desk_table(mine)
    emit_table(rows, as_json=as_json, empty="nothing waits for you", wrap=DESK_WRAP)


@case.command("show")
@click.argument("reference")
@click.option("--as-of", help="Judge deadlines and guards as of this date (default: today).")
@json_option
@pass_shell
def show(shell: Shell, reference: str, as_of: str | None, as_json: bool) -> None:
    """Show a case, its open deadlines, and the steps allowed now (and why others are not)."""
    on = parse_date(as_of, "--as-of") or shell.today
    with shell.transaction() as (session, actor):
        view = views.show_case(shell.app, session, reference, actor=actor, on=on)
        data = _view_dict(view)
        for action, option in zip(data["actions"], view.options, strict=True):
            action["letter_data"] = (
                letter_needs(shell.app, session, view.case, option.transition, on=on)
                if option.allowed
                else []
            )
        lines = ledger(session, [d.deadline.id or 0 for d in view.deadlines])
        data["ledger"] = [
            {
                "deadline": d.deadline.name,
                "kind": x.kind,
                "amount": x.amount,
                "from": x.start,
                "until": x.end,
                "reason": x.reason,
                "basis": x.basis,
                "event": x.event_seq,
            }
            for d in view.deadlines
            for x in lines.get(d.deadline.id or 0, [])
        ]
        data["migrations"] = [
            {"plan": m.plan, "from": m.source, "to": m.target, "on": m.on, "event": m.seq}
            for m in migrations_of(session, view.case.id or 0)
        ]
        from sanctions.letters.service import kop_warnings

        kop_gaps = kop_warnings(shell.app, session, view.case)
    if as_json:
        emit_json(data)
        return
    _print_view(data)
    warn(kop_gaps)  # on stderr, after the view (the JSON stays the documented shape)


def _view_dict(view: views.CaseView) -> dict[str, Any]:
    c = view.case
    return {
        "reference": c.reference,
        "workflow_version": c.workflow_version,
        "supervisory_body": view.workflow.supervisory_body,
        "state": c.state,
        "state_label": view.workflow.state(c.state).label,
        "agency": {"code": view.agency.code, "name": view.agency.name},
        "employee": {
            "nip": view.employee.nip,
            "name": view.employee.name,
            "type": view.employee.employee_type,
            "position": view.employee.position,
        },
        "contest": {
            "code": view.contest.code,
            "candidate_determination_date": view.contest.candidate_determination_date,
            "penetapan_by_office": dict(view.contest.penetapan_by_office or {}),
        },
        "act_office": c.facts.get("act_office"),
        "act_date": c.act_date,
        "reported_on": c.reported_on,
        "allegations": [
            {"code": v.code, "track": v.track, "level": v.level, "conduct": v.conduct}
            for v in view.allegations
        ],
        "facts": c.facts,
        "serving_effects": view.serving_effects,
        "repeat_offence": None
        if not view.repeats
        else {
            "same_kind": view.same_kind,
            "last_sanction": view.repeats[0].prior.sanction,
            "last_level": view.repeats[0].level,
            "earlier": [
                {
                    "reference": r.prior.reference,
                    "sanction": r.prior.sanction,
                    "level": r.level,
                    "decided_on": r.prior.decided_on,
                    "violations": list(r.prior.violations),
                }
                for r in view.repeats
            ],
        },
        "authority": None
        if view.authority is None
        else {
            "officials": list(view.authority.officials),
            "rule": view.authority.rule,
            "decided_by": view.authority.decided_by,
            "appeal_forum": view.authority.appeal_forum,
        },
        "deadlines": [
            {
                "name": d.deadline.name,
                "label": d.deadline.label,
                "due": d.deadline.due_date,
                "unit": d.deadline.unit,
                "days_left": d.days_left,
                "overdue": d.overdue,
                "confidence": d.deadline.confidence,
            }
            for d in view.deadlines
        ],
        "your_roles": sorted(view.roles),
        "actions": [
            {
                "trigger": o.transition.trigger,
                "to": o.transition.dest,
                "label": o.transition.label,
                "allowed": o.allowed,
                "needs": list(o.needs),
                "why_not": list(o.reasons),
            }
            for o in view.options
        ],
    }


def _print_view(data: dict[str, Any]) -> None:
    emp = data["employee"]
    click.echo(f"{data['reference']}  [{data['workflow_version']}]")
    click.echo(f"  state:      {data['state']} — {data['state_label']}")
    nip = format_nip(emp["nip"])
    click.echo(f"  employee:   {emp['name']} ({emp['type']}, NIP {nip}), {emp['position']}")
    click.echo(f"  agency:     {data['agency']['code']} — {data['agency']['name']}")
    click.echo(
        f"  contest:    {data['contest']['code']}; act {data['act_date']}, reported "
        f"{data['reported_on']}"
    )
    for a in data["allegations"]:
        click.echo(f"  allegation: {a['code']} ({a['track']}, {a['level']}) {a['conduct']}")
    for m in data.get("migrations", []):
        click.echo(
            f"  migrated:   {m['from']} -> {m['to']} on {m['on']} (plan {m['plan']}, "
            f"event #{m['event']})"
        )
    shown = {k: v for k, v in data["facts"].items() if not k.endswith("_on")}
    if composition.is_structured(str(shown.get("members", ""))):
        shown["members"] = composition.summary(composition.from_fact(shown["members"]))
    if shown:
        click.echo("  facts:      " + "; ".join(f"{k}={v}" for k, v in shown.items()))
    if data.get("serving_effects"):
        click.echo(f"  serving:    {data['serving_effects']}")
    repeat = data.get("repeat_offence")
    if repeat:
        earlier = "; ".join(
            f"{r['sanction']} ({r['level']}) in {r['reference']} on {r['decided_on']}"
            for r in repeat["earlier"]
        )
        click.echo(
            f"  REPEAT:     earlier sanction of the same kind ({repeat['same_kind']}): {earlier}; "
            f"a lighter one than {repeat['last_sanction']} needs --set repeat_reason=..."
        )
    authority = data.get("authority")
    if authority:
        who = " or ".join(authority["officials"]) or "not resolved"
        click.echo(f"  decides:    {who} — {authority['rule']}")
        if authority["decided_by"]:
            click.echo(f"  decided by: {authority['decided_by']}")
        if authority["appeal_forum"]:
            click.echo(f"  keberatan:  to {authority['appeal_forum']}")
    click.echo("\nOpen deadlines:")
    emit_table(
        [
            {
                "deadline": d["label"],
                "due": d["due"],
                "left": f"{d['days_left']} {d['unit'].replace('_', ' ')}",
                "status": "OVERDUE" if d["overdue"] else "open",
                "conf.": d["confidence"],
            }
            for d in data["deadlines"]
        ],
        as_json=False,
        wrap={"deadline": 48},
    )
    for x in data.get("ledger", []):
        what = (
            f"extended by {x['amount']}"
            if x["kind"] == "extension"
            else f"suspended {x['from']} .. {x['until']}"
        )
        click.echo(f"  {x['deadline']}: {what} ({x['reason']}; {x['basis']}; event #{x['event']})")
    click.echo("\nActions:")
    emit_table(
        [
            {
                "trigger": a["trigger"],
                "to": a["to"],
                "now": "yes" if a["allowed"] else "no",
                "needs / why not": "; ".join(
                    [f"--set {n}=..." for n in a["needs"]]
                    + [f"needs letter data: {x}" for x in a["letter_data"]]
                    + a["why_not"]
                ),
            }
            for a in data["actions"]
        ],
        as_json=False,
        empty="none: the case is closed",
        wrap={"needs / why not": 72},
    )


@case.command("advance")
@click.argument("reference")
@click.argument("trigger")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE", help="Step input.")
@click.option("--on", "on_", help="Date the step took place (default: today).")
@click.option("--note", default="", help="A note for the case log.")
@letter_data_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the letters the step issues into this folder (NUMBER.pdf).",
)
@incoming_options
@json_option
@pass_shell
def advance(
    shell: Shell,
    /,
    reference: str,
    trigger: str,
    assignments: tuple[str, ...],
    on_: str | None,
    note: str,
    letter_data: Path | None,
    out: Path | None,
    as_json: bool,
    **received: Any,
) -> None:
    """Take a step (TRIGGER) on a case; `case show` lists the steps allowed now. Prints the
    letters the step issued (number, kind, file in the letter store). A step whose letter
    belongs to an issuer this installation does not host records the letter received from
    it instead (--incoming-number, --incoming-date, --incoming-file; docs/exchange.md).

    \b
    Example:
      sanctions case advance NET-2024-000001 rekomendasikan --set level=berat \\
        --on 2024-10-21 --letter-data rekomendasi.yaml --out surat/
    """
    with imports_frozen("sanctions.cases.service"):  # the write path, first imported here
        from sanctions.cases import service as svc
        from sanctions.cli.outfolder import writable_folder, write_letters

    on = parse_date(on_, "--on") or shell.today
    inputs = parse_assignments(assignments)
    if out is not None:
        writable_folder(out)  # before the step, so a bad folder changes nothing
    letter = _incoming(received, required=False)
    with shell.transaction() as (session, actor):
        incoming = {}
        if letter is not None:
            incoming = {
                _incoming_kind(
                    shell, session, reference, trigger, received["incoming_kind"]
                ): letter
            }
        result = svc.advance(
            shell.app,
            session,
            reference,
            trigger,
            inputs=inputs,
            actor=actor,
            on=on,
            now=shell.now,
            note=note,
            letter_data=_letter_data(letter_data),
            incoming=incoming,
        )
        event = result.event
        label = result.workflow.state(event.dest).label
        payload: dict[str, object] = {
            "reference": reference,
            "trigger": trigger,
            "from": event.source,
            "to": event.dest,
            "on": event.on,
            "late": event.late,
            "warnings": result.warnings,
        }
        issuers = {x.agency_id: views.agency_code(session, x.agency_id) for x in result.letters}
        issued = [
            {
                "number": x.number,
                "received": x.incoming,
                "issuer": issuers[x.agency_id],
                "kind": x.kind,
                "title": x.title,
                "issued_on": x.issued_on,
                "sha256": x.sha256,
                "file": str(shell.settings.letter_store / x.path),
            }
            for x in result.letters
        ]
    pairs = [(str(x["number"]), str(x["issuer"])) for x in issued]
    written = write_letters(shell, pairs, out) if out else {}
    for row in issued:
        row["written_to"] = written.get(str(row["number"]))
    payload["letters"] = issued
    warn(result.warnings)
    if as_json:
        emit_json(payload)
        return
    late = f" (LATE: {', '.join(event.late)})" if event.late else ""
    click.echo(f"{reference}: {event.source} → {event.dest} — {label}{late}")
    for row in issued:
        click.echo(
            f"  {'received' if row['received'] else 'issued'} {row['number']}  {row['kind']} "
            f"({row['title']})  → {row['written_to'] or row['file']}"
        )


@case.command("correct")
@click.argument("reference")
@click.option(
    "--reason", required=True, help="What was recorded by mistake (printed in the letters)."
)
@click.option("--on", "on_", help="Date of the correction (default: today).")
@incoming_options
@json_option
@pass_shell
def correct(
    shell: Shell, /, reference: str, reason: str, on_: str | None, as_json: bool, **received: Any
) -> None:
    """Void the case's last step, recorded by mistake: a correction event (the log stays
    append-only and the hash chain covers it) takes the case back to the state before it, and
    each letter the step issued is voided by a numbered voiding letter of its issuer. A letter
    the step recorded as received from an issuer this installation does not host is voided by
    that issuer's own letter: record the void received from it with --incoming-number,
    --incoming-date and --incoming-file (docs/exchange.md); without it nothing is written.

    \b
    Allowed to a user holding a role that may take the step, or an admin; not once a later
    event by another party (a reminder, a letter) follows the step. Then take the step
    again with the right values.
    \b
    Example:
      sanctions case correct NET-2024-000001 --reason "tanggal salah ketik: 2024-10-18"
      sanctions case correct NET-2024-000002 --reason "rekomendasi dicabut BKN" \\
        --incoming-number R-1301/BKN/DWASDAL/11/2024 --incoming-date 2024-11-04 \\
        --incoming-file pembatalan.pdf
    """
    with imports_frozen("sanctions.cases.correction"):  # the write path, first imported here
        from sanctions.cases.correction import correct as correct_case

    on = parse_date(on_, "--on") or shell.today
    letter = _incoming(received, required=False)
    with shell.transaction() as (session, actor):
        written, voided = correct_case(
            shell.app, session, reference, reason=reason, actor=actor, on=on, now=shell.now,
            received=letter, received_kind=received["incoming_kind"],
        )  # fmt: skip
        state = written.case.state
        label = written.workflow.state(state).label
        numbers = [letter.number for letter in written.letters]
        received_numbers = [x.number for x in written.letters if x.incoming]
        payload = {
            "reference": written.case.reference,
            "voided_event": voided.seq,
            "voided_trigger": voided.trigger,
            "voided_on": voided.on,
            "state": state,
            "voiding_letters": numbers,
            "received_voids": received_numbers,
        }
    if as_json:
        emit_json(payload)
        return
    click.echo(
        f"{payload['reference']}: voided #{voided.seq} {voided.trigger} ({voided.on}); "
        f"back to {state} — {label}"
    )
    for number in numbers:
        how = "received void" if number in received_numbers else "voiding letter"
        click.echo(f"  {how} {number}")


@case.command("history")
@click.argument("reference")
@json_option
@pass_shell
def history(shell: Shell, reference: str, as_json: bool) -> None:
    """The case's event log, oldest first."""
    with shell.transaction() as (session, actor):
        _, events = views.history(session, reference, actor=actor)
        if as_json:
            emit_json(
                [
                    {
                        "seq": e.seq,
                        "on": e.on,
                        "actor": e.actor,
                        "trigger": e.trigger,
                        "from": e.source,
                        "to": e.dest,
                        "inputs": e.inputs,
                        "late": e.late,
                        "note": e.note,
                        "workflow_version": e.workflow_version,
                    }
                    for e in events
                ]
            )
            return
        rows = [
            {
                "#": e.seq,
                "on": e.on,
                "actor": e.actor,
                "trigger": e.trigger,
                "from": e.source or "",
                "to": e.dest,
                "inputs": ", ".join(f"{k}={v}" for k, v in e.inputs.items()),
                "late": ", ".join(e.late),
                "version": e.workflow_version,
            }
            for e in events
        ]
    emit_table(rows, as_json=False, wrap={"inputs": 40})
