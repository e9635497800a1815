"""Before a step is taken: the values its letters need (`letter template`) and the letters
themselves as drafts (`letter preview`). Nothing here writes: a preview takes the step in a
savepoint it rolls back, with a letter issuer that renders drafts (no number allocated,
nothing stored)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from sanctions.app import App
from sanctions.cases import composition
from sanctions.cases.views import case_by_reference
from sanctions.cases.workflow import TransitionSpec, Workflow
from sanctions.db.models import Case, Letter
from sanctions.errors import InputError
from sanctions.law import names
from sanctions.letters import store
from sanctions.letters.context import SUPPLIED_BY_FACT
from sanctions.letters.needs import skeleton
from sanctions.letters.service import (
    DRAFT_NUMBER,
    CheckedLetter,
    Draft,
    known_data,
    needed_data,
    render_draft,
)

if TYPE_CHECKING:  # the write path: only a preview takes the step (`case show` loads none)
    from sanctions.cases.changes import LetterData


def kinds_of(app: App, name: str, *, workflow: Workflow, state: str | None) -> tuple[str, ...]:
    """The letters `name` stands for: a document kind, or a step (trigger) of `workflow`:
    the letters of the states it enters (from `state`, else from any state)."""
    specs = app.law.documents
    if name in specs:
        return (name,)
    steps = [
        t
        for t in workflow.transitions
        if t.trigger == name and (state is None or state in t.sources)
    ]
    if not steps:
        triggers = sorted({t.trigger for t in workflow.transitions})
        near = difflib.get_close_matches(name, [*specs, *triggers], n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        where = f" from state {state!r}" if state else ""
        raise InputError(
            f"{name!r} is no document kind and no step of workflow {workflow.version}{where} "
            f"({hint}see `sanctions workflow show` and docs/letter-kinds.md)"
        )
    return tuple(dict.fromkeys(k for t in steps for k in workflow.step_letters(t)))


def letter_needs(
    app: App, session: Session, case: Case, step: TransitionSpec, *, on: date
) -> list[str]:
    """What the officer must give in the letter data to take `step` on `case` on `on`, per
    letter it issues ("surat_penerusan (review_date, attachments[])"): the required `data`
    values neither the case nor the step's own inputs supply."""
    workflow = app.workflow(case.workflow_version)
    supplied = {
        key
        for fact in (*(i.name for i in step.inputs), f"{step.dest}_on")
        for key in SUPPLIED_BY_FACT.get(fact, ())
    }
    shown = []
    for kind in workflow.step_letters(step):
        # the absence record is of the examination missed, not of one the step sets anew
        given = set() if kind == names.ABSENCE_RECORD else supplied
        keys = [k for k in needed_data(app, session, case, kind, on=on) if k not in given]
        if keys:
            shown.append(f"{kind} ({', '.join(keys)})")
    return shown


def template(
    app: App,
    session: Session,
    name: str,
    *,
    reference: str | None,
    state: str | None,
    on: date,
) -> str:
    """A YAML skeleton of the values the letters `name` stands for need (see `kinds_of`),
    with what case `reference` already knows filled in as comments."""
    case: Case | None = case_by_reference(session, reference) if reference else None
    workflow = app.workflow(case.workflow_version) if case else app.workflows.for_date(on)
    kinds = kinds_of(app, name, workflow=workflow, state=state or (case.state if case else None))
    specs = app.law.documents
    lines = [
        f"# letter data for {name}" + (f", case {case.reference}" if case else ""),
        "# one file may hold every letter of the case (document kind -> values);",
        "# give it with --letter-data FILE. Types: sanctions letter template, docs/letter-kinds.md",
    ]
    lines.extend(members_skeleton(workflow, name))
    for kind in kinds:
        known: Mapping[str, Any] = {}
        note = None
        if case is not None:
            known, note = known_data(app, session, case, kind, on=on)
        lines.extend(skeleton(specs[kind], known))
        if note:
            lines.append(f"  # also needed: {note}")
    return "\n".join(lines) + "\n"


def members_skeleton(workflow: Workflow, name: str) -> list[str]:
    """For a step that forms the Tim Pemeriksa or the Majelis Kode Etik: the structured form
    its `members` input takes (a step input, not letter data; the letters then print it)."""
    inputs = [i for t in workflow.transitions if t.trigger == name for i in t.inputs]
    if not any(i.type == "members" for i in inputs):
        return []
    lines = [
        f'# step input members (--set members="…" on `case advance {name}`): one member per',
        "# item, items separated by ' | ', each item key=value fields separated by ';':",
    ]
    for key, meaning in composition.FIELD_MEANINGS.items():
        lines.append(f"#   {key}={meaning}")
    lines.append(f"# e.g. {composition.EXAMPLE}")
    lines.extend(
        f"# {i.name} (--set {i.name}=…, optional): {i.label}"
        for i in inputs
        if i.type != "members" and not i.required
    )
    return lines


def preview(
    app: App,
    session: Session,
    reference: str,
    trigger: str,
    *,
    inputs: Mapping[str, str],
    actor: str,
    on: date,
    now: datetime,
    letter_data: LetterData | None = None,
) -> list[Draft]:
    """The letters step `trigger` would issue on the case, as drafts. The step is taken in a
    savepoint that is rolled back (its guards, roles, deadlines and letter checks all apply)."""
    from sanctions.cases.service import advance

    drafts: list[Draft] = []

    def draft_issuer(
        app: App,
        session: Session,
        case: Case,
        kind: str,
        *,
        on: date,
        actor: str,
        now: datetime,
        event_seq: int | None = None,
        given: Mapping[str, Any] | None = None,
        step: tuple[str, Mapping[str, str]] | None = None,
        checked: CheckedLetter | None = None,
    ) -> Letter:
        earlier: Sequence[str] = [d.kind for d in drafts]
        draft = render_draft(
            app, session, case, kind, on=on, given=given, step=step, earlier=earlier,
            checked=checked,
        )  # fmt: skip
        drafts.append(draft)
        return Letter(  # never added to the session
            case_id=case.id or 0, agency_id=0, kind=kind, title=draft.title, series="",
            year=on.year, seq=0, number=DRAFT_NUMBER, issued_on=on, issued_at=now,
            issued_by=actor, sha256=store.sha256(draft.pdf), content_hash="", path="",
            pages=draft.pages,
        )  # fmt: skip

    savepoint = session.begin_nested()
    try:
        advance(
            app, session, reference, trigger, inputs=inputs, actor=actor, on=on, now=now,
            letter_data=letter_data, issue=draft_issuer,
        )  # fmt: skip
    finally:
        savepoint.rollback()
    return drafts
