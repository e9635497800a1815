"""The cross-file pass: every name one declared file, a guard or the code refers to exists.

Each loader checks its own file; this pass checks them against each other and against
`sanctions.law.names` and the guards' declared needs (`sanctions.cases.guards.GUARD_NEEDS`).
Every problem is collected and reported together, each as `file: path.inside: message`.
Pure: it reads loaded values, never a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sanctions.cases import composition
from sanctions.cases.guards import (
    GUARD_NEEDS,
    SANCTION_BEFORE_APPEAL,
    SANCTION_ENDS,
    mutually_exclusive,
)
from sanctions.cases.repeat import NOTIONS
from sanctions.cases.workflow import TransitionSpec, Workflow, WorkflowSet
from sanctions.deadlines.ladder import Ladder
from sanctions.errors import DefinitionError
from sanctions.institutions.bodies import SupervisoryBody, check_bodies
from sanctions.law import names
from sanctions.letters.classification import Classification
from sanctions.letters.documents import DocumentSpec
from sanctions.letters.recipients import FROM_CASE, Recipient, known_names

# Facts the code records itself (not step inputs, not `<state>_on`).
CODE_FACTS = frozenset({SANCTION_ENDS, SANCTION_BEFORE_APPEAL, names.BLOCKING_FACT})


@dataclass(frozen=True)
class Declared:
    """What the cross-file pass looks at, with the files each part came from."""

    workflows: WorkflowSet
    bodies: Mapping[str, SupervisoryBody]
    documents: Mapping[str, DocumentSpec]
    documents_file: str
    classification: Classification
    ladder: Ladder
    ladder_file: str
    recipients: Mapping[str, Recipient]


def check(declared: Declared) -> None:
    """Raise one `DefinitionError` listing every cross-file problem, or return."""
    problems: list[str] = []
    try:
        check_bodies(declared.workflows, declared.bodies)
    except DefinitionError as exc:
        problems.extend(exc.problems)
    found: dict[str, dict[tuple[str, ...], str]] = {}
    for workflow in declared.workflows.versions.values():
        found[workflow.version] = dict(_workflow_problems(workflow, declared.documents))
        problems.extend(_documents_file(p, declared) for p in found[workflow.version].values())
    for workflow in declared.workflows.versions.values():
        if workflow.extends is None:
            continue
        # An inherited item reported in the base is the base's problem, not this file's too.
        for key in found[workflow.extends].keys() & found[workflow.version].keys():
            problems.remove(_documents_file(found[workflow.version][key], declared))
    problems.extend(_document_problems(declared))
    problems.extend(_ladder_problems(declared))
    problems.extend(_code_letter_problems(declared.documents, declared.documents_file))
    if problems:
        unique = list(dict.fromkeys(problems))
        head = unique[0] if len(unique) == 1 else f"{len(unique)} problems:\n" + "\n".join(unique)
        raise DefinitionError(head, problems=unique)


def _documents_file(problem: str, declared: Declared) -> str:
    return problem.replace("{documents}", declared.documents_file)


def _suggest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


Found = Iterable[tuple[tuple[str, ...], str]]  # (what it is about, the message)


def _workflow_problems(w: Workflow, documents: Mapping[str, DocumentSpec]) -> Found:
    """Problems of one version, each keyed by the item it is about so that an extending
    version does not repeat its base's. Items the version inherits are named as such."""
    f = w.source_file
    for state, state_spec in w.states.items():
        path = w.state_paths.get(state) or f"states.{state} (inherited from {w.extends})"
        for i, kind in enumerate(state_spec.letters):
            if kind not in documents:
                yield (
                    ("letter", state, kind),
                    f"{f}: {path}.letters[{i}]: unknown document kind {kind!r}"
                    f"{_suggest(kind, documents)} (declared in {{documents}})",
                )
    for kind in w.on_demand:
        if kind not in documents:
            yield (
                ("on_demand", kind),
                f"{f}: on_demand.{kind}: unknown document kind {kind!r}"
                f"{_suggest(kind, documents)} (declared in {{documents}})",
            )
    deadlines = {d.name for s in w.states.values() for d in s.deadlines}
    facts = _recordable_facts(w)
    for index, spec in enumerate(w.transitions):
        path = w.transition_paths.get(index) or (
            f"transition {spec.trigger} from {', '.join(spec.sources)} (inherited from {w.extends})"
        )
        for i, kind in enumerate(spec.letters or ()):
            if kind not in documents:
                yield (
                    ("step letter", spec.trigger, *spec.sources, kind),
                    f"{f}: {path}.letters[{i}]: unknown document kind {kind!r}"
                    f"{_suggest(kind, documents)} (declared in {{documents}})",
                )
        for key, message in _guard_problems(w, spec, f"{f}: {path}", deadlines, facts):
            yield (spec.trigger, *spec.sources, *key), message
    yield from _ambiguous(w)
    yield from _code_name_problems(w, deadlines)
    rule = w.rules.get(names.SANCTION_IN_FORCE_RULE)
    if rule is not None and rule.value not in w.states:
        yield (
            ("rule", names.SANCTION_IN_FORCE_RULE, str(rule.value)),
            f"{f}: rules.{names.SANCTION_IN_FORCE_RULE}.value: unknown state {rule.value!r}"
            f"{_suggest(str(rule.value), w.states)}",
        )
    notion = w.rules.get(names.REPEAT_OFFENCE_RULE)
    if notion is not None and notion.value not in NOTIONS:
        yield (
            ("rule", names.REPEAT_OFFENCE_RULE, str(notion.value)),
            f"{f}: rules.{names.REPEAT_OFFENCE_RULE}.value: unknown notion of the same kind "
            f"{notion.value!r} (allowed: {', '.join(NOTIONS)})",
        )
    yield from _composition_rule_problems(w)


def _composition_rule_problems(w: Workflow) -> Found:
    """The elements the team's rules name are those the members may sit for, and the sizes
    are numbers (sanctions/cases/composition.py)."""
    f = w.source_file
    for name in ("team_elements", "team_superior_substitute"):
        rule = w.rules.get(name)
        if rule is None:
            continue
        values = rule.value if isinstance(rule.value, list) else [rule.value]
        for value in values:
            if value not in composition.ELEMENTS:
                yield (
                    ("rule", name, str(value)),
                    f"{f}: rules.{name}.value: unknown element {value!r} (allowed: "
                    f"{', '.join(composition.ELEMENTS)})",
                )
    size = w.rules.get("panel_min_members")
    if size is not None and (not isinstance(size.value, int) or size.value < 1):
        yield (
            ("rule", "panel_min_members"),
            f"{f}: rules.panel_min_members.value: {size.value!r} is not a whole number of 1 "
            "or more",
        )


def _recordable_facts(w: Workflow) -> set[str]:
    """Facts a case of `w` can hold: step inputs, the day each state was entered, and the
    facts the code records itself."""
    inputs = {i.name for t in w.transitions for i in t.inputs}
    stays = {f"{t.trigger}_on" for t in w.transitions if t.stays}  # the day it was taken
    return inputs | {f"{s}_on" for s in w.states} | stays | CODE_FACTS


def _guard_problems(
    w: Workflow, spec: TransitionSpec, where: str, deadlines: set[str], facts: set[str]
) -> Found:
    own_inputs = {i.name for i in spec.inputs}
    for j, name in enumerate(spec.guards):
        needs = GUARD_NEEDS[name]
        at = f"{where}.guards[{j}]: guard {name!r}"
        for rule in needs.rules:
            if rule not in w.rules:
                yield (
                    (name, "rule", rule),
                    f"{at} reads rule {rule!r}, which this workflow does not declare (rules:)",
                )
        for deadline in needs.deadlines:
            if deadline not in deadlines:
                yield (
                    (name, "deadline", deadline),
                    f"{at} reads deadline {deadline!r}, which no state of this workflow "
                    f"declares{_suggest(deadline, deadlines)}",
                )
        for value in needs.inputs:
            if value not in own_inputs and value not in facts:
                yield (
                    (name, "input", value),
                    f"{at} judges input {value!r}, which step {spec.trigger!r} does not take "
                    f"(it takes: {', '.join(sorted(own_inputs)) or 'nothing'})",
                )
        for fact in needs.facts:
            if fact not in facts:
                yield (
                    (name, "fact", fact),
                    f"{at} reads fact {fact!r}, which no step of this workflow records"
                    f"{_suggest(fact, facts)}",
                )


def _ambiguous(w: Workflow) -> Found:
    """One trigger from one state must lead to one destination, unless the transitions'
    guards are declared mutually exclusive (then at most one can ever be taken)."""
    for i, a in enumerate(w.transitions):
        for j in range(i + 1, len(w.transitions)):
            b = w.transitions[j]
            shared = sorted(set(a.sources) & set(b.sources))
            if a.trigger != b.trigger or a.dest == b.dest or not shared:
                continue
            if any(mutually_exclusive(x, y) for x in a.guards for y in b.guards):
                continue
            path = (
                w.transition_paths.get(j)
                or w.transition_paths.get(i)
                or (f"transition {b.trigger} (inherited from {w.extends})")
            )
            yield (
                ("ambiguous", a.trigger, shared[0], a.dest, b.dest),
                f"{w.source_file}: {path}: trigger {a.trigger!r} from {shared[0]!r} leads to "
                f"both {a.dest!r} and {b.dest!r}; give each a guard declared to exclude the "
                "other's (guard(..., excludes=...)) or use two triggers",
            )


def _code_name_problems(w: Workflow, deadlines: set[str]) -> Found:
    triggers = {t.trigger for t in w.transitions}
    known: dict[str, Collection[str]] = {
        "state": w.states,
        "trigger": triggers,
        "deadline": deadlines,
        "rule": w.rules,
    }
    for name in names.NAMES:
        if name.kind in known and name.name not in known[name.kind]:
            yield (
                ("code", name.kind, name.name),
                f"{w.source_file}: {name.kind} {name.name!r} is not declared in version "
                f"{w.version}{_suggest(name.name, known[name.kind])}; {name.used_by} relies "
                "on it",
            )


def _document_problems(declared: Declared) -> Iterable[str]:
    codes = declared.classification.defaults
    known = known_names(declared.recipients)
    for kind, spec in declared.documents.items():
        named = [("addressee", spec.addressee)] if spec.addressee else []
        named += [(f"tembusan[{i}]", n) for i, n in enumerate(spec.tembusan)]
        for where, recipient in named:
            if recipient not in known:
                yield (
                    f"{declared.documents_file}: documents.{kind}.{where}: unknown recipient "
                    f"{recipient!r}{_suggest(recipient, known)} (declared in recipients.yaml, "
                    f"or one of the case's own: {', '.join(sorted(FROM_CASE))})"
                )
        issuing = declared.recipients.get(names.BPASN_RECIPIENT)
        if spec.issuer == "bpasn" and (issuing is None or issuing.agency_code is None):
            yield (
                f"{declared.documents_file}: documents.{kind}.issuer: bpasn issues it, and "
                f"recipients.yaml declares no {names.BPASN_RECIPIENT!r} with an agency_code "
                "(the agency its letters are issued under)"
            )
        if spec.classification not in codes:
            yield (
                f"{declared.documents_file}: documents.{kind}.classification: no code for "
                f"{spec.classification!r} in {declared.classification.source_file} "
                f"(declared: {', '.join(sorted(codes))})"
            )


def _ladder_problems(declared: Declared) -> Iterable[str]:
    keys = [s.key for s in declared.ladder.steps]
    for i, step in enumerate(declared.ladder.steps):
        if step.letter not in declared.documents:
            yield (
                f"{declared.ladder_file}: steps[{i}].letter: unknown document kind "
                f"{step.letter!r}{_suggest(step.letter, declared.documents)} (declared in "
                f"{declared.documents_file})"
            )
    for name in names.NAMES:
        if name.kind == "ladder_step" and name.name not in keys:
            yield (
                f"{declared.ladder_file}: steps: no step {name.name!r}"
                f"{_suggest(name.name, keys)}; {name.used_by} relies on it"
            )


def _code_letter_problems(documents: Mapping[str, DocumentSpec], file: str) -> Iterable[str]:
    for name in names.NAMES:
        if name.kind == "letter" and name.name not in documents:
            yield (
                f"{file}: documents: no kind {name.name!r}{_suggest(name.name, documents)}; "
                f"{name.used_by} relies on it"
            )
