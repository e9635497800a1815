"""The escalation ladder for a PPK whose follow-up is overdue: declared data, pure logic.

The ladder (`workflows/escalation.yaml`) lists the letters the reminder job sends, in order:
reminder, warning, blocking request, escalation to the ministry. Each step is due a configurable
delay after the previous step was issued (the first step: after the PPK's deadline). The
sources show only "*peringatan, teguran, hingga pemblokiran*" and a report to the President
(docs/sources.md §2.5, §10.4), so the delays are unconfirmed [U] defaults.

`next_step` tells the job which single step, if any, is due today. It never skips a step.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Final

from sanctions.deadlines.rules import Unit, offset
from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import Node, read_yaml
from sanctions.errors import InputError


class AgencyKind(StrEnum):
    DAERAH = "daerah"  # regional government: escalate to Kemendagri
    PUSAT = "pusat"  # central agency: escalate to KemenPANRB


@dataclass(frozen=True)
class Delay:
    amount: int
    unit: Unit

    def after(self, start: date, calendar: WorkingCalendar) -> date:
        """The day this delay after `start` ends (`start` itself when the amount is 0)."""
        return offset(start, self.amount, self.unit, calendar)


@dataclass(frozen=True)
class EscalationStep:
    key: str
    label: str  # Indonesian
    letter: str  # document kind name, e.g. "surat_teguran_ppk"
    after: Delay  # counted from the previous step's issue date (first step: the deadline)
    recipients: Mapping[AgencyKind, tuple[str, ...]] = field(hash=False)
    copy_to: tuple[str, ...]
    confidence: Confidence
    basis: str
    note: str = ""

    def recipients_for(self, agency_kind: AgencyKind) -> tuple[str, ...]:
        """Addressees of this step's letter for an agency of `agency_kind`."""
        return self.recipients[agency_kind]


@dataclass(frozen=True)
class Ladder:
    steps: tuple[EscalationStep, ...]

    def step(self, key: str) -> EscalationStep:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)


# --------------------------------------------------------------------------- the job's question


def next_step_due(
    ladder: Ladder,
    *,
    overdue_since: date,
    steps_done: Sequence[tuple[str, date]],
    calendar: WorkingCalendar,
) -> tuple[EscalationStep, date] | None:
    """The next step of the ladder and the day it falls due; None once the ladder is done.

    `steps_done` are (step key, issue date) in issue order; they must be the ladder's first
    steps, in order, with non-decreasing dates (else `InputError`). The next step's delay runs
    from the last issue date, or from `overdue_since` when none was issued yet.
    """
    previous = overdue_since
    for i, (key, issued) in enumerate(steps_done):
        if i >= len(ladder.steps):
            raise InputError(
                f"escalation history has {len(steps_done)} steps; the ladder has only "
                f"{len(ladder.steps)}"
            )
        expected = ladder.steps[i].key
        if key != expected:
            raise InputError(
                f"escalation history step {i + 1} is {key!r}; the ladder expects {expected!r}"
            )
        if issued < previous:
            raise InputError(
                f"escalation history step {i + 1} ({key!r}) is dated {issued.isoformat()}, "
                f"before {previous.isoformat()}"
            )
        previous = issued
    if len(steps_done) == len(ladder.steps):
        return None
    step = ladder.steps[len(steps_done)]
    return step, step.after.after(previous, calendar)


def next_step(
    ladder: Ladder,
    *,
    overdue_since: date,
    steps_done: Sequence[tuple[str, date]],
    today: date,
    calendar: WorkingCalendar,
) -> EscalationStep | None:
    """The one step to issue `today` (due today or earlier), or None if none is due yet.

    At most one step per call: after issuing it, the next one is due only its own delay after
    the issue date, so a job that fell behind catches up one letter at a time.
    """
    found = next_step_due(
        ladder, overdue_since=overdue_since, steps_done=steps_done, calendar=calendar
    )
    if found is None:
        return None
    step, due = found
    return step if due <= today else None


# --------------------------------------------------------------------------- escalation.yaml

_STEP_KEYS: Final = (
    "key",
    "label",
    "letter",
    "after",
    "recipients",
    "recipients_by_agency_kind",
    "copy_to",
    "confidence",
    "basis",
    "note",
)
_STEP_REQUIRED: Final = ("key", "label", "letter", "after", "confidence", "basis")
_DELAY_KEYS: Final = ("amount", "unit")
_KINDS: Final = tuple(kind.value for kind in AgencyKind)


def _addressees(node: Node, known: tuple[str, ...]) -> tuple[str, ...]:
    """Distinct recipient names, each one `known` (workflows/recipients.yaml, or a party of
    the case; sanctions.letters.recipients)."""
    names = node.names()
    for item in node.seq():
        item.choice(known, what="recipient")
    return names


def _recipients(node: Node, known: tuple[str, ...]) -> tuple[str, ...]:
    node.nonempty_seq("recipients")
    return _addressees(node, known)


def _delay(node: Node) -> Delay:
    node.mapping(allowed=_DELAY_KEYS, required=_DELAY_KEYS)
    return Delay(
        amount=node.get("amount").integer(minimum=0),
        unit=node.get("unit").enum(Unit, what="unit"),
    )


def _step_recipients(step: Node, known: tuple[str, ...]) -> Mapping[AgencyKind, tuple[str, ...]]:
    if "recipients" in step and "recipients_by_agency_kind" in step:
        raise step.error("give either recipients or recipients_by_agency_kind, not both")
    if "recipients" in step:
        common = _recipients(step.get("recipients"), known)
        return dict.fromkeys(AgencyKind, common)
    if "recipients_by_agency_kind" not in step:
        raise step.error("missing required key 'recipients' (or 'recipients_by_agency_kind')")
    by_kind = step.get("recipients_by_agency_kind").mapping(allowed=_KINDS, required=_KINDS)
    return {kind: _recipients(by_kind.get(kind.value), known) for kind in AgencyKind}


def _step(node: Node, known: tuple[str, ...]) -> EscalationStep:
    node.mapping(allowed=_STEP_KEYS, required=_STEP_REQUIRED)
    key = node.get("key").identifier()
    label = node.get("label").text()
    letter = node.get("letter").identifier()
    after = _delay(node.get("after"))
    recipients = _step_recipients(node, known)
    copy_node = node.get("copy_to", [])
    copy_to = _addressees(copy_node, known)
    for item, name in zip(copy_node.seq(), copy_to, strict=True):
        if any(name in names for names in recipients.values()):
            raise item.error(f"{name!r} is already a recipient")
    return EscalationStep(
        key=key,
        label=label,
        letter=letter,
        after=after,
        recipients=recipients,
        copy_to=copy_to,
        note=node.get("note", "").any_text(),
        confidence=node.get("confidence").confidence(),
        basis=node.get("basis").text(),
    )


def load_ladder(path: Path, *, recipients: Collection[str]) -> Ladder:
    """Read and validate `escalation.yaml`; every problem is a path-qualified `DefinitionError`.
    `recipients`: the names a step may address or copy."""
    known = tuple(sorted(recipients))
    root = read_yaml(path, dates_as_text=True).mapping(allowed=("steps",), required=("steps",))
    steps: list[EscalationStep] = []
    for node in root.get("steps").nonempty_seq("steps"):
        step = _step(node, known)
        for j, earlier in enumerate(steps):
            if earlier.key == step.key:
                raise node.get("key").error(
                    f"duplicate step key {step.key!r} (first at steps[{j}])"
                )
        steps.append(step)
    return Ladder(tuple(steps))
