"""Migration plans: open cases handed from one workflow version to another (the supervisory
body changed while they were open), as declared data in `workflows/migrations/*.yaml`.

A plan names the version it takes cases from and the one it moves them to, the date it takes
effect and the instrument that ordered it, which cases it takes (by state, and optionally by a
named rule such as "the old body already recommended"), a mapping of every non-terminal state
of the source version to a state of the target, what becomes of open deadlines, and the letters
the successor body issues on the hand-over. Pure: loading and checking a plan against the
workflows; `sanctions.cases.migration` applies it through the write path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal

from sanctions.cases.workflow import Workflow, WorkflowSet
from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import Node, read_yaml
from sanctions.errors import DefinitionError, NotFound
from sanctions.law import names

FOLDER: Final = "migrations"
_PLAN_KEY: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
DeadlineMode = Literal["carry", "recompute", "close"]
DEADLINE_MODES: Final[tuple[DeadlineMode, ...]] = ("carry", "recompute", "close")

# Named rules a plan may use to choose among the cases in its states. Each reads only the
# triggers of a case's events.
RULES: Final[Mapping[str, str]] = {
    "recommended_by_old_body": (
        f"the old body already issued its recommendation (step {names.RECOMMEND_TRIGGER!r})"
    ),
    "not_recommended_by_old_body": (
        f"the old body had not issued its recommendation (no step {names.RECOMMEND_TRIGGER!r})"
    ),
}
_KEYS = (
    "migration",
    "title",
    "from",
    "to",
    "effective",
    "instrument",
    "basis",
    "confidence",
    "takes",
    "states",
    "deadlines",
    "letters",
)
_REQUIRED = ("migration", "title", "from", "to", "effective", "instrument", "basis", "confidence")


@dataclass(frozen=True)
class MigrationPlan:
    key: str
    title: str
    source: str  # workflow version the cases leave
    target: str  # workflow version they join
    effective: date
    instrument: str  # the legal instrument, printed in the hand-over letter
    basis: str
    confidence: Confidence
    states: Mapping[str, str]  # every non-terminal source state -> its target state
    takes_states: tuple[str, ...]  # the source states whose cases it takes
    rule: str | None  # one of RULES, or None: every case in those states
    deadlines: DeadlineMode
    letters: tuple[str, ...]  # document kinds the successor issues on the hand-over
    source_file: str

    def takes(self, state: str, triggers: set[str]) -> bool:
        """Whether a case of the source version in `state`, whose events have `triggers`,
        is one this plan moves."""
        if state not in self.takes_states:
            return False
        recommended = names.RECOMMEND_TRIGGER in triggers
        if self.rule == "recommended_by_old_body":
            return recommended
        if self.rule == "not_recommended_by_old_body":
            return not recommended
        return True


def load_plan(path: Path, workflows: WorkflowSet, documents: Mapping[str, object]) -> MigrationPlan:
    """Read one plan and check it against the workflows and the document kinds; every problem
    names the file and the path inside it."""
    root = read_yaml(path).mapping(allowed=_KEYS, required=_REQUIRED)
    source = _version(root.get("from"), workflows)
    target = _version(root.get("to"), workflows)
    if source.version == target.version:
        raise root.get("to").error("a plan moves cases to another version than their own")
    states = _mapping(root.get("states"), source, target)
    takes = root.get("takes", {}).mapping(allowed=("states", "rule"))
    takes_states = takes.get("states").names() if takes.has("states") else tuple(states)
    for i, name in enumerate(takes_states):
        if name not in states:
            raise (
                takes.get("states")
                .seq()[i]
                .error(
                    f"{name!r} is not a non-terminal state of {source.version} "
                    f"(the plan maps: {', '.join(states)})"
                )
            )
    rule = takes.get("rule").optional_text() if takes.has("rule") else None
    if rule is not None and rule not in RULES:
        raise takes.get("rule").error(f"unknown rule {rule!r} (known: {', '.join(RULES)})")
    letters = root.get("letters", []).names()
    for i, kind in enumerate(letters):
        if kind not in documents:
            raise (
                root.get("letters")
                .seq()[i]
                .error(
                    f"unknown document kind {kind!r} (declared in letter_templates/documents.yaml)"
                )
            )
    return MigrationPlan(
        key=root.get("migration").matching(_PLAN_KEY, "a plan name like kasn-ke-bkn-2024"),
        title=root.get("title").text(),
        source=source.version,
        target=target.version,
        effective=root.get("effective").as_date(),
        instrument=root.get("instrument").text(),
        basis=root.get("basis").text(),
        confidence=root.get("confidence").confidence(),
        states=states,
        takes_states=takes_states,
        rule=rule,
        deadlines=root.get("deadlines", "carry").choice(DEADLINE_MODES, what="deadline mode"),
        letters=letters,
        source_file=root.file,
    )


def _version(node: Node, workflows: WorkflowSet) -> Workflow:
    name = node.text()
    try:
        return workflows.get(name)
    except NotFound as exc:
        raise node.error(str(exc)) from None


def _mapping(node: Node, source: Workflow, target: Workflow) -> dict[str, str]:
    """Every non-terminal state of `source` to a state of `target` from which a case can
    still move (not terminal, and with a step out); `same` maps each to itself."""
    open_states = [n for n, s in source.states.items() if not s.terminal]
    exits = {s for t in target.transitions for s in t.sources}
    if node.value == "same":
        mapping = {name: name for name in open_states}
        where = dict.fromkeys(open_states, node)
    else:
        node.mapping()
        mapping = {name: value.text() for name, value in node.items()}
        where = dict(node.items())
    for name, dest in mapping.items():
        if name not in source.states:
            raise where[name].error(f"{name!r} is not a state of {source.version}")
        if source.states[name].terminal:
            raise where[name].error(
                f"{name!r} is terminal in {source.version}: no case is open there"
            )
        if dest not in target.states:
            raise where[name].error(f"{dest!r} is not a state of {target.version}")
        if target.states[dest].terminal or dest not in exits:
            raise where[name].error(
                f"{dest!r} of {target.version} has no step out: a case moved there could not "
                "move again"
            )
    missing = [name for name in open_states if name not in mapping]
    if missing:
        raise node.error(
            f"maps no target state for {', '.join(missing)}: every non-terminal state of "
            f"{source.version} needs one"
        )
    return mapping


def load_plans(
    workflows_dir: Path, workflows: WorkflowSet, documents: Mapping[str, object]
) -> dict[str, MigrationPlan]:
    """Every plan in `workflows_dir/migrations/`, by key."""
    plans: dict[str, MigrationPlan] = {}
    for path in sorted((workflows_dir / FOLDER).glob("*.yaml")):
        plan = load_plan(path, workflows, documents)
        if plan.key in plans:
            raise DefinitionError(
                f"{plan.source_file}: migration: {plan.key!r} is also declared in "
                f"{plans[plan.key].source_file}"
            )
        plans[plan.key] = plan
    return plans
