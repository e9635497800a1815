"""`sanctions case receive`: open a case from a letter received from an issuer this
installation does not host (BKN's recommendation at a regency's BKPSDM, Bawaslu's forwarding
letter at BKN), directly in the state that letter puts it in (docs/exchange.md).

The same checks as opening a case apply (employee, contest, dates, allegations, register
number), plus the received letter's own (number, date, file) and the inputs of the step that
issued it at its sender (the recommended level). Whoever acts on the case in that state may
record it (those who take a step that leaves it: `kepegawaian` or `pejabat` for a
recommendation). The case's first event (`terima`) records the letter as received, through
the one write path (`open_batch`, a batch of one), so it is in the case's chain and the Merkle
log, and every later letter cites its number and date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, select

from sanctions.app import App
from sanctions.cases.batch import open_batch
from sanctions.cases.changes import Change, Written, external_kinds
from sanctions.cases.dates import future_problem
from sanctions.cases.opening import OpenCaseInput, opening
from sanctions.cases.service import check_inputs, checked_opening
from sanctions.cases.workflow import Workflow
from sanctions.db.models import Case
from sanctions.errors import InputError, RuleViolation
from sanctions.letters import incoming as received
from sanctions.letters.incoming import IncomingLetter
from sanctions.trust.access import require_role

RECEIVE_TRIGGER = "terima"


def receiving_state(workflow: Workflow, kind: str) -> str:
    """The state whose entry issues letter `kind` (the state receiving it puts the case in)."""
    states = [s.name for s in workflow.states.values() if kind in s.letters]
    receivable = sorted(
        {k for s in workflow.states.values() if s.name != workflow.initial for k in s.letters}
    )
    if not states:
        raise InputError(
            f"no state of {workflow.version} is entered by a letter {kind!r}; a case can be "
            f"received from: {', '.join(receivable)}"
        )
    if len(states) > 1:
        raise InputError(
            f"{kind} is issued on entering {', '.join(states)}: a case cannot be opened from it "
            "alone (receive it on the case with `sanctions case advance`)"
        )
    if states[0] == workflow.initial:
        raise InputError(f"{kind} opens a case already: use `sanctions case open`")
    return states[0]


def receive_case(
    app: App,
    session: Session,
    data: OpenCaseInput,
    kind: str,
    letter: IncomingLetter,
    *,
    inputs: Mapping[str, str],
    actor: str,
    now: datetime,
) -> Written:
    """Open a case from the received letter `kind` in the state it puts the case in."""
    employee, contest, workflow = checked_opening(app, session, data, now=now)
    today = now.astimezone().date()
    dest = receiving_state(workflow, kind)
    entering = [t for t in workflow.transitions if t.dest == dest]
    checked = check_inputs(app, entering[0], inputs, on=today) if entering else dict(inputs)
    missing = [
        i.name for t in entering[:1] for i in t.inputs if i.required and i.name not in checked
    ]
    if missing:
        raise InputError(
            f"{kind} puts the case in {dest}: give what the letter says with --set "
            + ", ".join(f"{m}=..." for m in missing)
        )
    roles = sorted({r for t in workflow.transitions_from(dest) if not t.stays for r in t.roles})
    require_role(
        session, actor, roles, agency_id=employee.agency_id, what=f"recording a received {kind}"
    )
    for day, what in ((letter.on, "the letter's date"), (letter.received_on, "the receipt date")):
        problem = future_problem(day, today, what) if day else None
        if problem:
            raise InputError(problem)
    if letter.on < data.reported_on:
        raise InputError(
            f"the letter's date {letter.on} is before the report date {data.reported_on}"
        )
    if (
        data.register_number
        and session.exec(
            select(Case.id).where(Case.register_number == data.register_number)
        ).first()
    ):
        raise InputError(f"a case with register number {data.register_number!r} already exists")
    new = opening(data, employee=employee, contest=contest, workflow=workflow, actor=actor, now=now)
    external = external_kinds(app, session, new.case, [kind])
    if kind not in external:
        raise RuleViolation(
            f"{kind} is issued by this installation itself (an issuer it hosts): open the case "
            "with `sanctions case open` and take the steps instead"
        )
    sender = external[kind]
    received.check_number_free(session, sender, letter)
    new.case.state = dest
    new.case.facts = {**new.case.facts, **checked, f"{dest}_on": letter.on.isoformat()}
    change = Change(
        trigger=RECEIVE_TRIGGER,
        on=letter.on,
        dest=dest,
        inputs={**new.change.inputs, **checked, "letter": kind, "sender": sender.code},
        note=data.description,
        letters=(kind,),
        incoming={kind: letter},
    )
    [written] = open_batch(app, session, [replace(new, change=change)], actor=actor, now=now)
    return written
