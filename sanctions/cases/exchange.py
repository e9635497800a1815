"""Signed case files between installations (docs/exchange.md): `sanctions case send`,
`sanctions case accept`, `sanctions keys trust`.

`send` writes a case bundle (sanctions/trust/bundles.py) of a case: its events with the facts
after each (read from the Merkle log, as each event's transaction wrote them), its letters
and their files, signed with the installation's key. `accept` checks a bundle (a safe zip, a
valid signature by a key trusted here for the sending issuer, every file as the manifest
says, not accepted before) and that it extends the local record (the events this
installation already has are the bundle's first ones, with the same letters; the next event
leaves the state the case is in), then records each new event through the one write path:
its letters as letters received (sanctions/letters/incoming.py), its facts as the sender's.
Everything in one transaction; a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.batch import open_batch
from sanctions.cases.changes import (
    CORRECTION_TRIGGER,
    Change,
    Opening,
    case_and_last_hash,
    record,
)
from sanctions.cases.opening import OPEN_TRIGGER
from sanctions.cases.reading import TRIGGER_PREFIX as MIGRATION_TRIGGER
from sanctions.cases.receiving import RECEIVE_TRIGGER
from sanctions.db.models import (
    AcceptedBundle,
    Agency,
    Allegation,
    Case,
    CaseEvent,
    CaseOrigin,
    Contest,
    Employee,
    Letter,
    LogLeaf,
    TrustedKey,
)
from sanctions.deadlines.adjustments import CALENDAR_TRIGGER, LEDGER_TRIGGER
from sanctions.deadlines.reminders import TRIGGER_PREFIX as REMINDER_TRIGGER
from sanctions.errors import (
    AlreadyAccepted,
    BundleRejected,
    Conflict,
    InputError,
    NotFound,
    PermissionDenied,
    RecordConflict,
)
from sanctions.law.names import CITED_LETTERS
from sanctions.letters import store
from sanctions.letters.incoming import IncomingLetter
from sanctions.letters.service import issuer_of
from sanctions.trust import bundles, log
from sanctions.trust.access import require_role, roles_for
from sanctions.trust.keys import InstallationKey, key_id

# Steps the write path records that are no transition of the workflow (a case opened from a
# report, from a received letter; a letter issued on demand is `terbitkan:KIND`).
_NOT_TRANSITIONS = (OPEN_TRIGGER, RECEIVE_TRIGGER)
_STAYING = ("terbitkan:", REMINDER_TRIGGER)
_NOT_CARRIED = (MIGRATION_TRIGGER, LEDGER_TRIGGER, CALENDAR_TRIGGER)


# -- keys -----------------------------------------------------------------------------------
def trust_key(
    session: Session, data: bytes, where: str, *, actor: str, now: datetime, own_key_id: str
) -> TrustedKey:
    """Trust another installation's public key file for the issuers it names (admin)."""
    require_role(session, actor, ["admin"], what="trusting another installation's key")
    public, issuers, label = bundles.read_public_key(data, where)
    trusted = TrustedKey(
        key_id=key_id(public),
        public_key=public,
        issuers=issuers,
        label=label,
        added_by=actor,
        added_at=now,
    )
    if trusted.key_id == own_key_id:
        raise InputError(f"{where} is this installation's own key: trust the other office's")
    if session.exec(select(TrustedKey).where(TrustedKey.key_id == trusted.key_id)).first():
        raise Conflict(f"key {trusted.key_id[:16]}… is trusted already")
    unknown = [c for c in issuers if not _agency(session, c)]
    if unknown:
        raise NotFound(
            f"{where} speaks for {', '.join(unknown)}, not registered here: register each "
            "with `sanctions agency add --external ...` first"
        )
    hosted = [c for c in issuers if (a := _agency(session, c)) is not None and a.hosted]
    if hosted:
        raise InputError(
            f"{where} speaks for {', '.join(hosted)}, which this installation hosts itself"
        )
    session.add(trusted)
    session.flush()
    log.append(session, [log.trusted_key_leaf(trusted)])
    return trusted


def trusted_keys(session: Session) -> list[TrustedKey]:
    return list(session.exec(select(TrustedKey).order_by(col(TrustedKey.id))).all())


def hosted_issuers(session: Session) -> list[str]:
    return list(
        session.exec(
            select(Agency.code).where(col(Agency.hosted).is_(True)).order_by(col(Agency.code))
        ).all()
    )


def _agency(session: Session, code: str) -> Agency | None:
    return session.exec(select(Agency).where(Agency.code == code)).first()


# -- send -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sent:
    data: bytes
    bundle_id: str
    events: int
    letters: int


def send(
    app: App,
    session: Session,
    reference: str,
    *,
    to: str,
    key: InstallationKey,
    actor: str,
    now: datetime,
) -> Sent:
    """The bundle of case `reference` for issuer `to`, signed with `key`."""
    case, _ = case_and_last_hash(session, reference)
    if not roles_for(session, actor, case.agency_id):
        raise PermissionDenied(f"user {actor!r} holds no role for the agency of {case.reference}")
    receiver = _agency(session, to)
    if receiver is None:
        raise NotFound(f"no agency {to!r}; list them with `sanctions agency list`")
    if receiver.hosted:
        raise InputError(f"{to} is hosted by this installation: a bundle goes to another office")
    sender = _sender(app, session, case)
    events = list(
        session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
        ).all()
    )
    after = _facts_after(session, case)
    letters = list(
        session.exec(
            select(Letter, Agency.code)
            .join(Agency, col(Agency.id) == Letter.agency_id)
            .where(Letter.case_id == case.id, col(Letter.rerender_of).is_(None))
            .order_by(col(Letter.id))
        ).all()
    )
    files = {x.sha256: store.read(app.settings.letter_store, x.path, x.sha256) for x, _ in letters}
    by_event: dict[int, list[str]] = {}
    for x, _ in letters:
        by_event.setdefault(x.event_seq or 0, []).append(x.sha256)
    origin = session.get(CaseOrigin, case.id)
    employee = session.get(Employee, case.employee_id)
    agency = session.get(Agency, case.agency_id)
    contest = session.get(Contest, case.contest_id)
    assert employee and agency and contest
    allegations = session.exec(
        select(Allegation.violation_code, Allegation.description)
        .where(Allegation.case_id == case.id)
        .order_by(col(Allegation.id))
    ).all()
    manifest = {
        "format": bundles.FORMAT,
        "created_at": log.plain(now),
        "sender": {"issuer": sender.code, "key_id": key.key_id},
        "to": to,
        "case": {
            "origin": {
                "key_id": origin.origin_key if origin else key.key_id,
                "reference": origin.origin_reference if origin else case.reference,
            },
            "reference": case.reference,
            "register_number": case.register_number,
            "agency": agency.code,
            "nip": employee.nip,
            "employee": log.plain(case.employee_snapshot),
            "contest": contest.code,
            "reported_on": case.reported_on.isoformat(),
            "act_date": case.act_date.isoformat(),
            "workflow_version": case.workflow_version,
            "allegations": [[c, d] for c, d in allegations],
            "state": case.state,
            "facts": dict(case.facts),
        },
        "events": [
            {
                "seq": e.seq,
                "on": e.on.isoformat(),
                "trigger": e.trigger,
                "source": e.source,
                "dest": e.dest,
                "inputs": dict(e.inputs),
                "note": e.note,
                "late": list(e.late),
                "workflow_version": e.workflow_version,
                "facts_after": after.get(e.seq, dict(case.facts)),
                "letters": by_event.get(e.seq, []),
            }
            for e in events
        ],
        "letters": [
            {
                "sha256": x.sha256,
                "size": len(files[x.sha256]),
                "issuer": code,
                "number": x.number,
                "kind": x.kind,
                "title": x.title,
                "date": x.issued_on.isoformat(),
                "subject": x.subject or x.title,
                "confidential": x.confidential,
                "event_seq": x.event_seq or 0,
                "received": x.incoming,
            }
            for x, code in letters
        ],
    }
    data = bundles.write(manifest, files, key)
    return Sent(data, store.sha256(bundles.canonical(manifest)), len(events), len(letters))


def _sender(app: App, session: Session, case: Case) -> Agency:
    """The issuer this installation speaks for on the case: the first it hosts of the case's
    agency, its supervisory body and the contest's Bawaslu office."""
    candidates: list[Agency | None] = [session.get(Agency, case.agency_id)]
    for kind in (CITED_LETTERS["recommendation"], CITED_LETTERS["forwarding"]):
        try:
            candidates.append(issuer_of(app, session, case, kind))
        except (NotFound, InputError):
            continue
    for agency in candidates:
        if agency is not None and agency.hosted:
            return agency
    raise InputError(
        f"this installation hosts none of the issuers of {case.reference}: nothing to send"
    )


def _facts_after(session: Session, case: Case) -> dict[int, dict[str, str]]:
    """The case's facts after each event, as its transaction logged them."""
    prefix = f"case_events:{case.id}:"
    found: dict[int, dict[str, str]] = {}
    for leaf in session.exec(
        select(LogLeaf).where(col(LogLeaf.ref).startswith(prefix), LogLeaf.kind == "event")
    ).all():
        after = leaf.payload.get("after", {})
        found[int(leaf.ref.removeprefix(prefix))] = dict(after.get("facts", {}))
    return found


# -- accept ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Accepted:
    reference: str
    state: str
    new_events: int
    letters: list[Letter]
    sender: str
    bundle_id: str


def accept(
    app: App,
    session: Session,
    data: bytes,
    *,
    own_key_id: str,
    actor: str,
    on: date,
    now: datetime,
) -> Accepted:
    """Check bundle `data` and record what it adds to the local record (received on `on`)."""
    bundle = bundles.read(data)
    manifest = bundle.manifest
    trusted = session.exec(select(TrustedKey).where(TrustedKey.key_id == bundle.key_id)).first()
    if trusted is None or trusted.public_key != bundle.public_key:
        raise BundleRejected(
            f"the bundle is signed by key {bundle.key_id[:16]}…, which this installation does "
            "not trust: trust the sending office's public key once with `sanctions keys trust "
            "FILE` (exchanged with that office), then accept again"
        )
    sender = str(manifest["sender"]["issuer"])
    if manifest["sender"]["key_id"] != bundle.key_id or sender not in trusted.issuers:
        raise BundleRejected(
            f"the bundle speaks for {sender}, but key {bundle.key_id[:16]}… is trusted only "
            f"for {', '.join(trusted.issuers)}"
        )
    to = _agency(session, str(manifest["to"]))
    if to is None or not to.hosted:
        raise BundleRejected(
            f"the bundle is addressed to {manifest['to']}, which this installation does not host"
        )
    if session.exec(
        select(AcceptedBundle).where(AcceptedBundle.bundle_id == bundle.bundle_id)
    ).first():
        raise AlreadyAccepted(
            f"bundle {bundle.bundle_id[:16]}… was accepted already; nothing was written"
        )
    for letter in manifest["letters"]:
        if not letter["received"] and letter["issuer"] not in trusted.issuers:
            raise BundleRejected(
                f"the bundle carries {letter['issuer']} letter {letter['number']} as issued by "
                f"its sender, but key {bundle.key_id[:16]}… is trusted only for "
                f"{', '.join(trusted.issuers)}"
            )
    spec = manifest["case"]
    agency = _agency(session, str(spec["agency"]))
    if agency is None:
        raise NotFound(f"the case's agency {spec['agency']} is not registered here")
    if not roles_for(session, actor, agency.id):
        raise PermissionDenied(
            f"user {actor!r} holds no role for {agency.code}: accepting a case bundle of its "
            "case needs one"
        )
    workflow = app.workflow(str(spec["workflow_version"]))  # NotFound when unknown here
    case = _local_case(session, spec["origin"], own_key_id)
    local = (
        list(
            session.exec(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
            ).all()
        )
        if case
        else []
    )
    events: list[Mapping[str, Any]] = manifest["events"]
    letters = {str(x["sha256"]): x for x in manifest["letters"]}
    _check_known(session, local, events, letters)
    new = events[len(local) :]
    if not new:
        raise RecordConflict(
            f"the bundle holds no event after the local record's #{len(local)} of "
            f"{case.reference if case else '?'}: nothing to accept; nothing was written"
        )
    state = case.state if case else None
    for event in new:
        _check_follows(workflow, event, state)
        state = str(event["dest"])
    received: list[Letter] = []
    first = 0
    if case is None:
        case = _open(app, session, spec, new[0], letters, bundle, actor=actor, on=on, now=now)
        received += _letters_of(session, case, 1)
        first = 1
        origin = spec["origin"]
        if origin["key_id"] != own_key_id:
            link = CaseOrigin(
                case_id=case.id or 0,
                origin_key=str(origin["key_id"]),
                origin_reference=str(origin["reference"])[:40],
            )
            session.add(link)
            session.flush()
            log.append(session, [log.origin_leaf(link)])
    for event in new[first:]:
        current, prev_hash = case_and_last_hash(session, case.reference)
        change = _change(app, session, current, event, letters, bundle, on=on)
        facts = dict(event["facts_after"])
        change = Change(
            **{
                **change.__dict__,
                "facts": facts,
                "drop_facts": tuple(k for k in current.facts if k not in facts),
                "moves": event["source"] != event["dest"],
            }
        )
        written = record(
            app, session, current, change, prev_hash=prev_hash, open_deadlines=True,
            actor=actor, now=now,
        )  # fmt: skip
        received += written.letters
        case = current
    accepted = AcceptedBundle(
        bundle_id=bundle.bundle_id,
        case_id=case.id or 0,
        sender=sender,
        key_id=bundle.key_id,
        events=len(new),
        accepted_by=actor,
        accepted_at=now,
    )
    session.add(accepted)
    session.flush()
    log.append(session, [log.bundle_leaf(accepted)])
    return Accepted(case.reference, case.state, len(new), received, sender, bundle.bundle_id)


def _local_case(session: Session, origin: Mapping[str, Any], own_key_id: str) -> Case | None:
    reference = str(origin["reference"])
    if origin["key_id"] == own_key_id:  # a case of ours, coming back
        found = session.exec(select(Case).where(Case.reference == reference)).first()
        if found is None:
            raise RecordConflict(
                f"the bundle is of {reference}, opened by this installation, which has no such "
                "case; nothing was written"
            )
        return found
    link = session.exec(
        select(CaseOrigin).where(
            CaseOrigin.origin_key == origin["key_id"], CaseOrigin.origin_reference == reference
        )
    ).first()
    return session.get(Case, link.case_id) if link else None


_COMPARED = ("trigger", "on", "source", "dest", "inputs")


def _check_known(
    session: Session,
    local: Sequence[CaseEvent],
    events: Sequence[Mapping[str, Any]],
    letters: Mapping[str, Mapping[str, Any]],
) -> None:
    """The events the local record has must be the bundle's first ones, with its letters."""
    for mine, theirs in zip(local, events, strict=False):
        ours = {
            "trigger": mine.trigger,
            "on": mine.on.isoformat(),
            "source": mine.source,
            "dest": mine.dest,
            "inputs": dict(mine.inputs),
        }
        differs = [k for k in _COMPARED if ours[k] != theirs[k]]
        if differs:
            raise RecordConflict(
                f"event #{mine.seq} differs from the local record ({', '.join(differs)}: here "
                f"{ours[differs[0]]!r}, in the bundle {theirs[differs[0]]!r}); nothing was written"
            )
    if len(events) < len(local):
        raise RecordConflict(
            f"the local record has {len(local)} events, the bundle only {len(events)}: it is "
            "older than what this installation knows; nothing was written"
        )
    for digest, letter in letters.items():
        issuer = _agency(session, str(letter["issuer"]))
        if issuer is None:
            raise NotFound(
                f"the bundle carries a letter of {letter['issuer']}, not registered here: "
                "register it with `sanctions agency add --external ...`"
            )
        found = session.exec(
            select(Letter).where(Letter.agency_id == issuer.id, Letter.number == letter["number"])
        ).first()
        if found is not None and found.sha256 != digest:
            raise RecordConflict(
                f"{letter['issuer']} letter {letter['number']} is recorded here with another "
                f"file (SHA-256 {found.sha256[:16]}…, the bundle's {digest[:16]}…); nothing "
                "was written"
            )
        known = int(letter["event_seq"]) <= len(local)
        if known and found is None:
            raise RecordConflict(
                f"{letter['issuer']} letter {letter['number']} of event #{letter['event_seq']} "
                "is not in the local record; nothing was written"
            )
        if not known and found is not None:
            raise RecordConflict(
                f"{letter['issuer']} letter {letter['number']} is recorded here already (case "
                f"{found.case_id}); nothing was written"
            )


def _check_follows(workflow: Any, event: Mapping[str, Any], state: str | None) -> None:
    trigger, source, dest = str(event["trigger"]), event["source"], str(event["dest"])
    if trigger == CORRECTION_TRIGGER or trigger.startswith(_NOT_CARRIED):
        raise RecordConflict(
            f"event #{event['seq']} ({trigger}) is a correction, a workflow migration or a "
            "change of deadlines; bundles do not carry those yet: ask the sender for the "
            "letters and record them by hand; nothing was written"
        )
    if source != state:
        raise RecordConflict(
            f"event #{event['seq']} ({trigger}) leaves {source}, but the case is {state} here: "
            "the bundle does not follow the local record; nothing was written"
        )
    if trigger in _NOT_TRANSITIONS:
        return
    if trigger.startswith(_STAYING):  # a letter on demand, a step of the reminder ladder
        if dest != source:
            raise RecordConflict(f"event #{event['seq']} ({trigger}) cannot change the state")
        return
    if dest not in workflow.states:
        raise RecordConflict(f"event #{event['seq']}: no state {dest!r} in {workflow.version}")
    if not any(
        t.trigger == trigger and (t.stays or t.dest == dest)
        for t in workflow.transitions_from(str(source))
    ):
        raise RecordConflict(
            f"event #{event['seq']}: {workflow.version} has no step {trigger!r} from {source} to "
            f"{dest}; nothing was written"
        )


def _incoming_of(
    event: Mapping[str, Any], letters: Mapping[str, Mapping[str, Any]], bundle: bundles.Bundle,
    on: date,
) -> dict[str, IncomingLetter]:  # fmt: skip
    found: dict[str, IncomingLetter] = {}
    for digest in event["letters"]:
        letter = letters.get(str(digest))
        if letter is None:
            raise BundleRejected(f"event #{event['seq']} names a letter the manifest lacks")
        kind = str(letter["kind"])
        if kind in found:
            raise RecordConflict(
                f"event #{event['seq']} carries two {kind} letters; bundles carry one of each "
                "kind per event; nothing was written"
            )
        found[kind] = IncomingLetter(
            number=str(letter["number"]),
            on=_date(letter["date"]),
            data=bundle.files[str(digest)],
            subject=str(letter["subject"]),
            received_on=max(on, _date(letter["date"])),
        )
    return found


def _change(
    app: App,
    session: Session,
    case: Case,
    event: Mapping[str, Any],
    letters: Mapping[str, Mapping[str, Any]],
    bundle: bundles.Bundle,
    *,
    on: date,
) -> Change:
    incoming = _incoming_of(event, letters, bundle, on)
    for kind, letter in incoming.items():
        issuer = issuer_of(app, session, case, kind)
        expected = next(x for x in letters.values() if x["number"] == letter.number)
        if issuer.hosted or issuer.code != expected["issuer"]:
            raise RecordConflict(
                f"event #{event['seq']}: {kind} {letter.number} is {expected['issuer']}'s in the "
                f"bundle, but here it is issued by {issuer.code}"
                + (", which this installation hosts" if issuer.hosted else "")
                + "; nothing was written"
            )
    return Change(
        trigger=str(event["trigger"]),
        on=_date(event["on"]),
        dest=str(event["dest"]),
        inputs={str(k): str(v) for k, v in event["inputs"].items()},
        note=str(event["note"]),
        late=[str(x) for x in event["late"]],
        letters=tuple(incoming),
        incoming=incoming,
    )


def _open(
    app: App,
    session: Session,
    spec: Mapping[str, Any],
    event: Mapping[str, Any],
    letters: Mapping[str, Mapping[str, Any]],
    bundle: bundles.Bundle,
    *,
    actor: str,
    on: date,
    now: datetime,
) -> Case:
    """The case the bundle's first event opens, written as its sender wrote it."""
    if event["seq"] != 1:
        raise RecordConflict(
            f"the bundle starts at event #{event['seq']} of a case this installation does not "
            "know; nothing was written"
        )
    agency = _agency(session, str(spec["agency"]))
    employee = session.exec(select(Employee).where(Employee.nip == spec["nip"])).first()
    contest = session.exec(select(Contest).where(Contest.code == spec["contest"])).first()
    if employee is None or contest is None or agency is None:
        raise NotFound(
            f"the bundle's employee {spec['nip']} or contest {spec['contest']} is not "
            "registered here: register them first (`sanctions employee add`, "
            "`sanctions contest add`)"
        )
    if employee.agency_id != agency.id:
        raise RecordConflict(
            f"employee {spec['nip']} belongs to another agency here than {spec['agency']}"
        )
    register = spec["register_number"]
    if register and session.exec(select(Case.id).where(Case.register_number == register)).first():
        raise RecordConflict(f"a case with register number {register!r} exists here already")
    case = Case(
        reference=f"tmp-{bundle.bundle_id}"[:40],
        register_number=register,
        agency_id=agency.id or 0,
        employee_id=employee.id or 0,
        contest_id=contest.id or 0,
        workflow_version=str(spec["workflow_version"]),
        state=str(event["dest"]),
        version=1,
        reported_on=_date(spec["reported_on"]),
        act_date=_date(spec["act_date"]),
        employee_snapshot=dict(spec["employee"]),
        facts={str(k): str(v) for k, v in event["facts_after"].items()},
        opened_by=actor,
        opened_at=now,
    )
    change = _change(app, session, case, event, letters, bundle, on=on)
    allegations = [(str(a[0]), str(a[1])) for a in spec["allegations"] if len(a) == 2]
    if not allegations:
        raise BundleRejected("the bundle's case has no allegation")
    for code, _ in allegations:
        app.catalogue.violation(code)  # UnknownCode when this installation lacks it
    opening = Opening(case, [c for c, _ in allegations], allegations[0][1], change)
    [written] = open_batch(app, session, [opening], actor=actor, now=now)
    return written.case


def _letters_of(session: Session, case: Case, seq: int) -> list[Letter]:
    return list(
        session.exec(select(Letter).where(Letter.case_id == case.id, Letter.event_seq == seq)).all()
    )


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BundleRejected(f"{str(value)[:40]!r} is not a date") from None
