"""`sanctions case correct`: put right a step recorded by mistake without losing the record.

The log stays append-only: the correction is an event of its own (trigger `koreksi`, the
voided event's number under `voids`, the reason in its note), written through the one write
path and sealed into the case's hash chain like any other. It takes the case back to the
state before the voided step, drops the facts that step recorded (restoring those an earlier
step had recorded under the same name), undoes what it did to the deadlines (those it closed
open again, those it opened close neither met nor missed) and voids each letter it issued by a
numbered voiding letter of that letter's issuer (`pembatalan_naskah*`), citing it: a letter
the direct superior's own office issued (the temporary release) is voided by that office, on
its kop, in its register and signed by who signed it. A letter received from an issuer this
installation does not host (BKN's recommendation at a regency, BPASN's receipt of a banding:
sanctions/letters/incoming.py) is voided by that issuer's own letter, which cannot be issued
here: the correction records the void received from it (its number, date and file, as a step
records a received letter), in the same transaction, and is refused without it. The voided
step's other letters are voided here as before.

What can be corrected: the case's last standing event (corrections and the events they voided
set aside), when it is a step of the workflow (one that stays included, such as the temporary
release) or an on-demand letter. Not the opening, not a
reminder of the escalation ladder, a migration or a deadline entry: a later event by another
party means the step is no longer the last word and is not corrected. Who: a user holding one
of the roles that may take the step (for the case's agency), or an admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import (
    CORRECTION_TRIGGER,
    VOIDS,
    Change,
    Written,
    case_and_last_hash,
    external_kinds,
    record,
)
from sanctions.cases.guards import SANCTION_ENDS
from sanctions.cases.service import check_not_future
from sanctions.cases.workflow import Workflow
from sanctions.db.models import Agency, Case, CaseEvent, Letter
from sanctions.errors import InputError, PermissionDenied, RuleViolation
from sanctions.law import names
from sanctions.letters.incoming import IncomingLetter
from sanctions.trust.access import roles_for

ON_DEMAND_PREFIX = "terbitkan:"  # the trigger of an on-demand letter (cases.service)


def standing_events(events: Sequence[CaseEvent]) -> list[CaseEvent]:
    """The events that stand: without the corrections and the events they voided."""
    voided = {int(e.inputs[VOIDS]) for e in events if e.trigger == CORRECTION_TRIGGER}
    return [e for e in events if e.trigger != CORRECTION_TRIGGER and e.seq not in voided]


def correctable(workflow: Workflow, event: CaseEvent) -> str | None:
    """Why `event` cannot be corrected, or None when it can."""
    if event.source is None:
        return "it opened the case (a case opened by mistake is closed with a step, not voided)"
    if event.trigger.startswith(ON_DEMAND_PREFIX):
        return None
    if any(
        t.trigger == event.trigger
        and event.source in t.sources
        and (event.source != event.dest or t.stays)  # a step that stays: the temporary release
        for t in workflow.transitions
    ):
        return None
    return (
        f"{event.trigger!r} is not a step of an officer (a reminder, migration or deadline entry)"
    )


def restored_facts(
    facts: dict[str, str], voided: CaseEvent, earlier: Sequence[CaseEvent], in_force: object
) -> tuple[dict[str, str], list[str]]:
    """The facts to set and the names to drop so the facts are as before `voided`."""
    # A step records the day it entered its state; a step that stays (the temporary release)
    # the day it was taken, under its trigger (sanctions.cases.service).
    stays = voided.source == voided.dest
    added = set(voided.inputs) | {f"{voided.trigger if stays else voided.dest}_on"}
    if voided.trigger.startswith(ON_DEMAND_PREFIX):
        added = set()
    if voided.dest == in_force and not stays:
        added.add(SANCTION_ENDS)
    restore: dict[str, str] = {}
    for key in sorted(added):
        for event in reversed(earlier):
            if event.source == event.dest and event.source is not None:
                if event.trigger != voided.trigger or not stays:
                    continue  # another change that stays recorded none of these facts
                if key == f"{event.trigger}_on":
                    restore[key] = event.on.isoformat()
                    break
            if key == f"{event.dest}_on":
                restore[key] = event.on.isoformat()
                break
            if key in event.inputs:
                restore[key] = event.inputs[key]
                break
    drop = sorted(k for k in added if k not in restore and k in facts)
    return restore, drop


def correct(
    app: App,
    session: Session,
    reference: str,
    *,
    reason: str,
    actor: str,
    on: date,
    now: datetime,
    received: IncomingLetter | None = None,
    received_kind: str | None = None,
) -> tuple[Written, CaseEvent]:
    """Void the case's last standing step (see the module); returns the correction written
    and the event it voided. `received`: the void received from the issuer (not hosted here)
    of a letter the step recorded as received; `received_kind` names its voiding kind when
    the step's letters have voids of several such issuers."""
    reason = " ".join(reason.split())
    if not reason:
        raise InputError("--reason is empty: say what was recorded by mistake")
    check_not_future(on, now, "the correction's date")
    case, prev_hash = case_and_last_hash(session, reference)
    events = list(
        session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
        ).all()
    )
    standing = standing_events(events)
    target = standing[-1]
    workflow = app.workflow(target.workflow_version)
    why_not = correctable(workflow, target)
    if why_not is not None:
        raise RuleViolation(
            f"the last event of {case.reference} is #{target.seq} ({target.trigger} on "
            f"{target.on}, by {target.actor}); it cannot be corrected: {why_not}"
        )
    _check_role(session, case, workflow, target, actor)
    if on < target.on:
        raise InputError(f"the correction's date {on} is before the step it voids ({target.on})")
    rules = app.workflow(case.workflow_version).rule_values
    restore, drop = restored_facts(
        case.facts, target, standing[:-1], rules.get(names.SANCTION_IN_FORCE_RULE)
    )
    letters = list(
        session.exec(
            select(Letter)
            .where(Letter.case_id == case.id, Letter.event_seq == target.seq)
            .order_by(col(Letter.id))
        ).all()
    )
    kinds = [_voiding_kind(app, letter) for letter in letters]
    values: list[dict[str, Any]] = [
        {
            "voided_title": letter.title,
            "voided_number": letter.number,
            "voided_date": letter.issued_on,
            "reason": reason,
            **_voided_issuer(app, session, kind, letter),
        }
        for kind, letter in zip(kinds, letters, strict=True)
    ]
    incoming = _received_voids(
        app, session, case, target, letters, kinds, values, received=received, kind=received_kind
    )
    change = Change(
        trigger=CORRECTION_TRIGGER,
        on=on,
        dest=target.source or case.state,
        inputs={VOIDS: str(target.seq), "voided_trigger": target.trigger},
        facts=restore,
        drop_facts=drop,
        note=reason,
        moves=False,
        undoes=target.seq,
        letters=kinds,
        letter_data_each=values,
        incoming=incoming,
    )
    written = record(
        app, session, case, change, prev_hash=prev_hash, open_deadlines=False, actor=actor, now=now
    )
    return written, target


# How the officer gives the void received from an issuer not hosted here (`case correct`).
RECEIVED_VOID_OPTIONS = (
    "--incoming-number, --incoming-date and --incoming-file (the PDF or scan of its letter "
    "of pembatalan)"
)


def _received_voids(
    app: App,
    session: Session,
    case: Case,
    target: CaseEvent,
    letters: Sequence[Letter],
    kinds: Sequence[str],
    values: Sequence[dict[str, Any]],
    *,
    received: IncomingLetter | None,
    kind: str | None,
) -> dict[str, IncomingLetter]:
    """The received void by voiding kind, for the voided letters whose void is the letter of
    an issuer this installation does not host; every refusal before anything is written."""
    by_kind: dict[str, dict[str, Any]] = {}
    for void_kind, given in zip(kinds, values, strict=True):
        by_kind.setdefault(void_kind, given)  # as the write path reads them (values_by_kind)
    external = external_kinds(app, session, case, kinds, by_kind)
    owed: dict[str, list[Letter]] = {}
    for void_kind, letter in zip(kinds, letters, strict=True):
        if void_kind in external:
            owed.setdefault(void_kind, []).append(letter)
    step = f"#{target.seq} {target.trigger} of {case.reference}"
    if not owed:
        if received is not None:
            raise InputError(
                f"a received void was given, but every letter of {step} is voided here "
                f"({', '.join(kinds) or 'it issued no letter'}): drop the --incoming-* "
                "options; nothing was written"
            )
        return {}
    if kind is not None and kind not in owed:
        raise InputError(
            f"--incoming-kind {kind}: the received void of {step} is "
            f"{' or '.join(sorted(owed))}; nothing was written"
        )
    for void_kind, voided in owed.items():
        if len(voided) > 1:
            raise InputError(
                f"{step} has {len(voided)} letters of {external[void_kind].code}, each voided "
                f"by a letter of its own ({void_kind}); one correction records one received "
                "void per issuer: nothing was written"
            )
    if len(owed) > 1:  # no shipped step carries letters of two issuers not hosted here
        raise InputError(
            f"{step} has letters of {len(owed)} issuers not hosted here "
            f"({', '.join(external[k].code for k in sorted(owed))}), each voided by its own "
            "letter; one correction records one received void: nothing was written"
        )
    [(void_kind, [letter])] = owed.items()
    sender = external[void_kind]
    if received is None:
        raise InputError(
            f"{letter.title} {letter.number} of {step} was "
            f"{'received from' if letter.incoming else 'issued by'} {sender.code} "
            f"({sender.name}), which this installation does not host: it is voided by "
            f"{sender.code}'s own letter ({void_kind}), which cannot be issued here. Record "
            f"the void received from {sender.code} with {RECEIVED_VOID_OPTIONS}; nothing was "
            "written"
        )
    if received.on < letter.issued_on:
        raise InputError(
            f"the received void's date {received.on} is before the letter it voids "
            f"({letter.number}, {letter.issued_on}); nothing was written"
        )
    return {void_kind: received}


def _check_role(
    session: Session, case: Case, workflow: Workflow, target: CaseEvent, actor: str
) -> None:
    roles = roles_for(session, actor, case.agency_id)
    if target.trigger.startswith(ON_DEMAND_PREFIX):
        declared = workflow.on_demand.get(target.trigger.removeprefix(ON_DEMAND_PREFIX))
        allowed: set[str] = set(declared.roles) if declared is not None else set()
    else:
        allowed = {
            r
            for t in workflow.transitions
            if t.trigger == target.trigger and target.source in t.sources
            for r in t.roles
        }
    if "admin" in roles or roles & allowed:
        return
    raise PermissionDenied(
        f"correcting {target.trigger!r} needs a role that may take it "
        f"({' or '.join(sorted(allowed))}) or admin for this case's agency; user {actor!r} "
        f"has {', '.join(sorted(roles)) or 'no role'}"
    )


def _voided_issuer(app: App, session: Session, kind: str, letter: Letter) -> dict[str, Any]:
    """The letter data that makes the void of `letter` the act of whoever issued it, where
    the voiding kind does not find that issuer from the case itself: a letter of the
    direct superior's own office (`issuer: signer_office`, the temporary release) is voided
    by that office (the agency the letter was numbered by), on its kop and in its register,
    signed by the official who signed it."""
    spec = app.law.documents.get(kind)
    if spec is None or spec.issuer != "signer_office":
        return {}
    office = session.get(Agency, letter.agency_id)
    signed = letter.context.get("signer")
    signer = {
        k: v
        for k, v in (signed if isinstance(signed, dict) else {}).items()
        if k in _SIGNER_FIELDS and v is not None
    }
    return {"signer": {**signer, "office": office.code if office is not None else ""}}


# What a voided letter's recorded signer carries over to its void (documents.yaml: signer).
_SIGNER_FIELDS = ("title", "name", "nip", "rank", "acting", "on_behalf")


def _voiding_kind(app: App, letter: Letter) -> str:
    spec = app.law.documents.get(letter.kind)
    issuer = spec.issuer if spec is not None else "case_agency"
    return names.VOIDING_LETTERS.get(issuer, names.VOIDING_LETTERS["case_agency"])
