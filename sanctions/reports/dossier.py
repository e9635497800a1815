"""The case file (berkas perkara): one case as one package for an appeal body or a court.

    ringkasan.pdf           cover summary: parties, allegations, timeline, deadlines met or
                            missed, the letters issued and the files in the package
    surat/NN-kind-number.pdf  every issued letter, byte for byte as issued (its SHA-256 is
                            checked against the one recorded at issue; a changed or missing
                            file refuses the export)
    log-peristiwa.json      the case's event log, oldest first, with its hash chain
    manifest.json           SHA-256 and size of every other file in the package

`--out` is a folder (created; it must be empty) or a `.zip` file (written whole, then moved into
place). Only a user holding a role for the case's agency may export it. Reading happens in the
caller's transaction (`load_dossier`); rendering and writing need none (`write_dossier`), so a
command can release the database before the slow part.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.views import case_by_reference, raise_no_access
from sanctions.cases.workflow import Workflow
from sanctions.db.models import Agency, Allegation, CaseEvent, Contest, Deadline, Employee, Letter
from sanctions.deadlines.rules import Direction
from sanctions.errors import InputError, SanctionsError, StorageError
from sanctions.letters import store
from sanctions.letters.service import confidential_readers
from sanctions.printing.templates import make_environment, render_template
from sanctions.trust.access import roles_for

TEMPLATE = "dossier.html.j2"
COVER = "ringkasan.pdf"
LOG = "log-peristiwa.json"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class LetterFile:
    name: str  # path inside the package
    source: Path  # the letter store
    sha256: str  # recorded when the letter was issued
    rel: str  # the path the letter's row names inside the store


@dataclass(frozen=True)
class Dossier:
    reference: str
    context: dict[str, Any]  # for the cover template
    log: dict[str, Any]
    letters: list[LetterFile]
    exported_by: str
    exported_at: datetime


@dataclass(frozen=True)
class PackedFile:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: list[PackedFile]  # manifest.json last, with its own hash


def export_case(
    app: App, session: Session, reference: str, out: Path, *, actor: str, now: datetime
) -> ExportResult:
    """Write the case file of `reference` to `out` (a folder, or a file ending in .zip)."""
    return write_dossier(app, load_dossier(app, session, reference, actor=actor, now=now), out)


# -- reading --------------------------------------------------------------------------------
def load_dossier(
    app: App, session: Session, reference: str, *, actor: str, now: datetime
) -> Dossier:
    case = case_by_reference(session, reference)
    roles = roles_for(session, actor, case.agency_id)
    if not roles:
        raise_no_access(actor, reference)
    # Rahasia letters go in only for their declared readers (as `letter get` reads them).
    may_read = bool(roles & confidential_readers(app, case))
    agency = session.get(Agency, case.agency_id)
    employee = session.get(Employee, case.employee_id)
    contest = session.get(Contest, case.contest_id)
    assert agency is not None and employee is not None and contest is not None
    events = list(
        session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
        ).all()
    )
    deadlines = session.exec(
        select(Deadline)
        .where(Deadline.case_id == case.id)
        .order_by(col(Deadline.opened_seq), col(Deadline.id))
    ).all()
    letters = session.exec(
        select(Letter)
        .where(Letter.case_id == case.id)
        .order_by(col(Letter.issued_at), col(Letter.id))
    ).all()
    codes = session.exec(
        select(Allegation.violation_code, Allegation.description)
        .where(Allegation.case_id == case.id)
        .order_by(col(Allegation.id))
    ).all()
    workflow = app.workflow(case.workflow_version)
    files = [_letter_file(app, i, letter) for i, letter in enumerate(letters, start=1)]
    withheld = {
        f.name for f, x in zip(files, letters, strict=True) if x.confidential and not may_read
    }
    today = now.date()
    context = {
        "case": {
            "reference": case.reference,
            "register_number": case.register_number or "-",
            "state": _state_label(workflow, case.state),
            "workflow": f"{workflow.title} ({workflow.version})",
            "reported_on": case.reported_on,
            "act_date": case.act_date,
            "opened_by": case.opened_by,
        },
        "employee": {**case.employee_snapshot, "current_status": employee.status},
        "agency": agency.model_dump(include={"code", "name", "parent", "city", "address"}),
        "ppk": {"title": agency.ppk_title, "name": agency.ppk_name, "nip": agency.ppk_nip or ""},
        "contest": contest.model_dump(
            include={"code", "name", "kind", "region", "candidate_determination_date"}
        ),
        "allegations": [_allegation(app, code, text) for code, text in codes],
        "events": [_event(app, e) for e in events],
        "deadlines": [_deadline(d, today) for d in deadlines],
        "letters": [
            {
                "file": f.name,
                "number": letter.number,
                "title": letter.title,
                "issued_on": letter.issued_on,
                "confidential": letter.confidential,
                "withheld": f.name in withheld,
                "sha256": letter.sha256,
            }
            for f, letter in zip(files, letters, strict=True)
        ],
        "withheld": len(withheld),
        "files": [COVER, *(f.name for f in files if f.name not in withheld), LOG, MANIFEST],
        "exported_at": now,
        "exported_by": actor,
    }
    log = {
        "case": case.reference,
        "register_number": case.register_number,
        "workflow_version": case.workflow_version,
        "events": [_event_json(e) for e in events],
    }
    included = [f for f in files if f.name not in withheld]
    return Dossier(case.reference, context, log, included, actor, now)


def _letter_file(app: App, index: int, letter: Letter) -> LetterFile:
    """The letter's name in the package, from its row's text made safe (a `../` in a stored
    kind or number cannot leave the package's `surat/` folder)."""
    number = _safe(letter.number)
    return LetterFile(
        name=f"surat/{index:02d}-{_safe(letter.kind)}-{number}.pdf",
        source=app.settings.letter_store,
        sha256=letter.sha256,
        rel=letter.path,
    )


def _safe(text: str) -> str:
    """Letters, digits, `_`, single dots and hyphens only: never a path separator or `..`."""
    cleaned = re.sub(r"[^0-9A-Za-z_.]+|\.{2,}", "-", text).strip("-.")
    return cleaned[:80] or "x"


def _state_label(workflow: Workflow, state: str | None) -> str:
    if state is None:
        return "-"
    found = workflow.states.get(state)
    return f"{found.label} ({state})" if found else state


def _allegation(app: App, code: str, description: str) -> dict[str, Any]:
    try:
        violation = app.catalogue.violation(code)
    except SanctionsError:
        return {"code": code, "conduct": description, "track": "", "level": "", "basis": ""}
    return {
        "code": code,
        "conduct": violation.conduct,
        "track": violation.track,
        "level": app.catalogue.level_of(violation) or "ditetapkan Satgas",
        "basis": violation.basis or "",
        "description": description,
    }


def _event(app: App, event: CaseEvent) -> dict[str, Any]:
    workflow = app.workflow(event.workflow_version)
    label = "Laporan dicatat"
    if event.source is not None:
        found = [t for t in workflow.transitions_from(event.source) if t.trigger == event.trigger]
        label = found[0].label if found else event.trigger
    return {
        "seq": event.seq,
        "on": event.on,
        "actor": event.actor,
        "label": label,
        "trigger": event.trigger,
        "dest": _state_label(workflow, event.dest),
        "inputs": [f"{k} = {v}" for k, v in event.inputs.items()],
        "note": event.note,
        "late": list(event.late),
    }


def _event_json(event: CaseEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "on": event.on.isoformat(),
        "at": event.at.isoformat(),
        "actor": event.actor,
        "trigger": event.trigger,
        "source": event.source,
        "dest": event.dest,
        "inputs": dict(event.inputs),
        "late": list(event.late),
        "note": event.note,
        "workflow_version": event.workflow_version,
        "prev_hash": event.prev_hash,  # the tamper-evident chain (sanctions/audit.py)
        "hash": event.hash,
    }


def deadline_status(deadline: Deadline, today: date) -> str:
    """dipenuhi (met), terlewat (missed), berjalan (open) or lewat waktu (open and overdue)."""
    if deadline.closed_seq is not None:
        return "dipenuhi" if deadline.met else "terlewat"
    overdue = deadline.direction == Direction.AFTER.value and today > deadline.due_date
    return "lewat waktu" if overdue else "berjalan"


def _deadline(deadline: Deadline, today: date) -> dict[str, Any]:
    return {
        "label": deadline.label,
        "opened": deadline.anchor_date,
        "due": deadline.due_date,
        "closed": deadline.closed_on,
        "rule": f"{deadline.amount} {deadline.unit.replace('_', ' ')}",
        "status": deadline_status(deadline, today),
        "basis": deadline.basis,
        "confidence": deadline.confidence,
    }


# -- writing --------------------------------------------------------------------------------
def write_dossier(app: App, dossier: Dossier, out: Path) -> ExportResult:
    letters = {letter.name: _read_letter(letter) for letter in dossier.letters}
    cover = _cover_pdf(app, dossier)
    files = {COVER: cover, **letters, LOG: _json(dossier.log)}
    packed = [PackedFile(name, _sha256(data), len(data)) for name, data in files.items()]
    manifest = _json(
        {
            "case": dossier.reference,
            "exported_at": dossier.exported_at.isoformat(),
            "exported_by": dossier.exported_by,
            "algorithm": "sha256",
            "files": [{"path": p.name, "sha256": p.sha256, "bytes": p.size} for p in packed],
        }
    )
    files[MANIFEST] = manifest
    packed.append(PackedFile(MANIFEST, _sha256(manifest), len(manifest)))
    if out.suffix.lower() == ".zip":
        _write_zip(out, files, dossier.exported_at)
    else:
        _write_folder(out, files)
    return ExportResult(out, packed)


def _cover_pdf(app: App, dossier: Dossier) -> bytes:
    """The cover summary (ringkasan.pdf) as PDF/A-3b, through the App's one PDF renderer."""
    html = render_template(make_environment(app.settings.templates_dir), TEMPLATE, dossier.context)
    stamp = f"berkas {dossier.reference} {dossier.exported_at.isoformat()}"
    return app.pdf_renderer.render_pdf(
        html,
        identifier=stamp.encode("utf-8"),
        title=f"Berkas perkara {dossier.reference}",
        author=dossier.exported_by,
        letter_styles=False,
    ).data


def _read_letter(letter: LetterFile) -> bytes:
    """The issued file, only at the path its digest gives inside the store, and only if it
    still hashes to it."""
    try:
        return store.read(letter.source, letter.rel, letter.sha256)
    except StorageError as exc:
        raise StorageError(f"{letter.name}: {exc}; nothing was exported") from None


def _write_zip(out: Path, files: dict[str, bytes], when: datetime) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=out.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)
        Path(temporary).replace(out)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _write_folder(out: Path, files: dict[str, bytes]) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} exists and is not an empty folder; name a new folder or a .zip")
    base = out.resolve()
    for name, data in files.items():
        target = out / name
        if base not in target.resolve().parents:
            raise StorageError(f"{name!r} would be written outside {out}: refused")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _json(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=_default)
    return (text + "\n").encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
