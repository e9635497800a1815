"""The escalation ladder for a PPK whose follow-up is overdue: declared data, pure logic.

The ladder (`workflows/escalation.yaml`) lists the letters the reminder job sends, in order:
reminder, warning, blocking request, escalation to the ministry. Each step is due a configurable
delay after the previous step was issued (the first step: after the PPK's deadline). The
sources show only "*peringatan, teguran, hingga pemblokiran*" and a report to the President
(domain.md §2.5, §10.4), so the delays are unconfirmed [U] defaults.

`next_step` tells the job which single step, if any, is due today. It never skips a step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Final

from sanctions.deadlines.rules import (
    Unit,
    offset,
    parse_amount,
    parse_choice,
    parse_identifier,
    parse_names,
)
from sanctions.deadlines.workdays import (
    Confidence,
    WorkingCalendar,
    check_keys,
    parse_confidence,
    read_yaml,
    required,
    required_text,
    yaml_kind,
)
from sanctions.declared.reader import display_path
from sanctions.errors import DefinitionError, InputError


class AgencyKind(StrEnum):
    DAERAH = "daerah"  # regional government: escalate to Kemendagri
    PUSAT = "pusat"  # central agency: escalate to KemenPANRB


RECIPIENTS: Final = frozenset({"ppk", "bkn", "kemendagri", "kemenpanrb", "presiden"})
"""Symbolic addressees a ladder may name; the letters module maps them to real addresses."""


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

_TOP_KEYS: Final = ("steps",)
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
_DELAY_KEYS: Final = ("amount", "unit")
_KINDS: Final = tuple(kind.value for kind in AgencyKind)


def _recipients(value: object, where: str) -> tuple[str, ...]:
    names = parse_names(value, where)
    if not names:
        raise DefinitionError(f"{where}: must name at least one recipient")
    _known(names, where)
    return names


def _known(names: tuple[str, ...], where: str) -> None:
    for i, name in enumerate(names):
        if name not in RECIPIENTS:
            raise DefinitionError(
                f"{where}[{i}]: unknown recipient {name!r} "
                f"(expected one of: {', '.join(sorted(RECIPIENTS))})"
            )


def _delay(raw: object, where: str) -> Delay:
    delay = check_keys(raw, _DELAY_KEYS, where)
    return Delay(
        amount=parse_amount(required(delay, "amount", where), f"{where}.amount", minimum=0),
        unit=parse_choice(required(delay, "unit", where), Unit, f"{where}.unit"),
    )


def _step_recipients(
    step: Mapping[str, object], where: str
) -> Mapping[AgencyKind, tuple[str, ...]]:
    if "recipients" in step and "recipients_by_agency_kind" in step:
        raise DefinitionError(
            f"{where}: give either recipients or recipients_by_agency_kind, not both"
        )
    if "recipients" in step:
        common = _recipients(step["recipients"], f"{where}.recipients")
        return MappingProxyType(dict.fromkeys(AgencyKind, common))
    if "recipients_by_agency_kind" not in step:
        raise DefinitionError(f"{where}.recipients: required (or recipients_by_agency_kind)")
    at = f"{where}.recipients_by_agency_kind"
    by_kind = check_keys(step["recipients_by_agency_kind"], _KINDS, at)
    return MappingProxyType(
        {
            kind: _recipients(required(by_kind, kind.value, at), f"{at}.{kind.value}")
            for kind in AgencyKind
        }
    )


def _step(raw: object, where: str) -> EscalationStep:
    step = check_keys(raw, _STEP_KEYS, where)
    key = parse_identifier(required(step, "key", where), f"{where}.key")
    label = required_text(step, "label", where)
    letter = parse_identifier(required(step, "letter", where), f"{where}.letter")
    after = _delay(required(step, "after", where), f"{where}.after")
    recipients = _step_recipients(step, where)
    copy_to = parse_names(step.get("copy_to", []), f"{where}.copy_to")
    _known(copy_to, f"{where}.copy_to")
    for i, name in enumerate(copy_to):
        if any(name in names for names in recipients.values()):
            raise DefinitionError(f"{where}.copy_to[{i}]: {name!r} is already a recipient")
    note = step.get("note", "")
    if not isinstance(note, str):
        raise DefinitionError(f"{where}.note: expected a string, got {yaml_kind(note)} {note!r}")
    return EscalationStep(
        key=key,
        label=label,
        letter=letter,
        after=after,
        recipients=recipients,
        copy_to=copy_to,
        confidence=parse_confidence(required(step, "confidence", where), f"{where}.confidence"),
        basis=required_text(step, "basis", where),
        note=note,
    )


def load_ladder(path: Path) -> Ladder:
    """Read and validate `escalation.yaml`; every problem is a path-qualified `DefinitionError`."""
    file = display_path(path)
    raw = read_yaml(path)
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{file}: expected a mapping at the top level, got {yaml_kind(raw)}")
    for key in raw:
        if key not in _TOP_KEYS:
            raise DefinitionError(
                f"{file}: {key}: unknown key (expected one of: {', '.join(_TOP_KEYS)})"
            )
    if "steps" not in raw:
        raise DefinitionError(f"{file}: steps: required")
    items = raw["steps"]
    if not isinstance(items, list):
        raise DefinitionError(f"{file}: steps: expected a list, got {yaml_kind(items)}")
    if not items:
        raise DefinitionError(f"{file}: steps: must list at least one step")
    steps: list[EscalationStep] = []
    for i, item in enumerate(items):
        step = _step(item, f"{file}: steps[{i}]")
        for j, earlier in enumerate(steps):
            if earlier.key == step.key:
                raise DefinitionError(
                    f"{file}: steps[{i}].key: duplicate of steps[{j}].key ({step.key!r})"
                )
        steps.append(step)
    return Ladder(tuple(steps))
