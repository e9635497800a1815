"""Declared workflows: load a YAML file into frozen values, then check the whole graph.

Pure: reads a file, returns values or raises `DefinitionError` naming the file and the path
inside it (`workflows/x.yaml: transitions[3].guards[0]: unknown guard 'team_formd'`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from sanctions.deadlines.rules import DeadlineRule, parse_deadline_rule
from sanctions.declared.reader import DECLARED_LIMITS, Node, read_yaml
from sanctions.errors import DefinitionError, NotFound

INPUT_TYPES = ("date", "text", "level", "sanction", "choice", "members", "official")
ANY_SOURCE = "*"
STAYS = "="  # the destination of a step that leaves the case in its state


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    label: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    terminal: bool = False
    letters: tuple[str, ...] = ()
    deadlines: tuple[DeadlineRule, ...] = ()


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    label: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    inputs: tuple[InputSpec, ...] = ()
    # The letters this step issues instead of those its destination state declares (an
    # appeal decision issues its own decree; a decision posted issues the covering letter).
    letters: tuple[str, ...] | None = None
    # A step that records a fact and its letters without moving the case (a temporary
    # release from duty): `dest` is STAYS, the case stays where it is, its deadlines run on.
    stays: bool = False

    def input(self, name: str) -> InputSpec | None:
        return next((i for i in self.inputs if i.name == name), None)


@dataclass(frozen=True)
class OnDemandLetter:
    """A letter issued outside a step (`sanctions letter issue`): only while the case is in
    one of `states`, only by a holder of one of `roles`."""

    kind: str
    states: tuple[str, ...]
    roles: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class RuleValue:
    """A value a guard reads, with where it comes from and how sure we are of it."""

    value: object
    basis: str
    confidence: str


@dataclass(frozen=True)
class Workflow:
    name: str
    version: str
    title: str
    supervisory_body: str
    applies_from: date
    applies_until: date | None
    initial: str
    open_roles: tuple[str, ...]
    roles: Mapping[str, str]
    states: Mapping[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    source_file: str
    rules: Mapping[str, RuleValue] = field(default_factory=dict)
    # False for a version cases only reach by migration (never chosen for a new report).
    opens_cases: bool = True
    # The version this one is declared relative to, and what it changes (for `workflow show`).
    extends: str | None = None
    changes: tuple[str, ...] = ()
    # Where this version's own states and transitions sit in its file (an extending version
    # lists only those it declares: the inherited ones are checked in the base's file).
    state_paths: Mapping[str, str] = field(default_factory=dict)
    transition_paths: Mapping[int, str] = field(default_factory=dict)
    # Letters issued on demand, by kind (none unless declared).
    on_demand: Mapping[str, OnDemandLetter] = field(default_factory=dict)

    @property
    def rule_values(self) -> dict[str, object]:
        return {name: rule.value for name, rule in self.rules.items()}

    def state(self, name: str) -> StateSpec:
        return self.states[name]

    def step_letters(self, spec: TransitionSpec) -> tuple[str, ...]:
        """The letters taking `spec` issues: its own, else its destination state's."""
        return spec.letters if spec.letters is not None else self.states[spec.dest].letters

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        return list(self._from.get(state, ()))

    @cached_property
    def _from(self) -> dict[str, tuple[TransitionSpec, ...]]:
        """The transitions from each state, in declared order (built once per version)."""
        found: dict[str, list[TransitionSpec]] = {}
        for t in self.transitions:
            for source in dict.fromkeys(t.sources):
                found.setdefault(source, []).append(t)
        return {state: tuple(ts) for state, ts in found.items()}

    def applies_on(self, day: date) -> bool:
        return self.applies_from <= day and (self.applies_until is None or day < self.applies_until)


_TOP_KEYS = {
    "workflow",
    "version",
    "title",
    "supervisory_body",
    "applies_from",
    "applies_until",
    "initial",
    "open_roles",
    "roles",
    "rules",
    "states",
    "transitions",
    "opens_cases",
    "on_demand",
}
_REQUIRED = (
    "workflow",
    "version",
    "supervisory_body",
    "applies_from",
    "initial",
    "open_roles",
    "roles",
    "states",
)
# A version declared relative to another names it with `extends:` and gives only what changes.
_DERIVED_KEYS = {*_TOP_KEYS, "extends"}
_DERIVED_REQUIRED = ("workflow", "version", "extends", "supervisory_body", "applies_from")


def load_workflow(path: Path, *, known_guards: Collection[str]) -> Workflow:
    """One self-contained workflow file (a file with `extends:` needs `load_workflows`)."""
    node = read_yaml(path)
    if node.has("extends"):
        raise node.get("extends").error(
            "a version declared relative to another is loaded with the folder it lives in"
        )
    return _workflow(node, known_guards=known_guards)


def _workflow(node: Node, *, known_guards: Collection[str]) -> Workflow:
    root = node.mapping(allowed=_TOP_KEYS, required=_REQUIRED)
    roles = {name: node.text() for name, node in root.get("roles", {}).items()}
    states = {name: _state(name, node) for name, node in root.get("states").items()}
    if not states:
        raise root.get("states").error("declares no states")
    transitions = tuple(
        _transition(node, states=states, roles=roles, known_guards=known_guards)
        for node in root.get("transitions", []).seq()
    )
    rules = {name: _rule(node) for name, node in root.get("rules", {}).items()}
    on_demand = {
        kind: _on_demand(kind, item, states, roles)
        for kind, item in root.get("on_demand", {}).items()
    }
    workflow = Workflow(
        name=root.get("workflow").text(),
        version=root.get("version").text(),
        title=root.get("title", "").value or root.get("workflow").text(),
        supervisory_body=root.get("supervisory_body").text(),
        applies_from=root.get("applies_from").as_date(),
        applies_until=root.get("applies_until").optional_date(),
        initial=root.get("initial").text(choices=tuple(states)),
        open_roles=_roles(root.get("open_roles"), roles),
        roles=roles,
        states=states,
        transitions=transitions,
        source_file=root.file,
        rules=rules,
        opens_cases=root.get("opens_cases", True).boolean(),
        state_paths={name: f"states.{name}" for name in states},
        transition_paths={i: f"transitions[{i}]" for i in range(len(transitions))},
        on_demand=on_demand,
    )
    check_graph(workflow)
    return workflow


def _derived(node: Node, base: Workflow, *, known_guards: Collection[str]) -> Workflow:
    """A version that declares only what it changes relative to `base` (`extends:`).

    Header keys replace the base's. `roles` and `rules` add or replace entries by name.
    `states.<name>` adds a state or replaces the keys it gives of an existing one; its
    `deadlines` add or replace rules by `name`, and `{name: X, remove: true}` drops one.
    `transitions[]` entries replace the base transition with the same trigger and sources,
    or are added; `{trigger: T, source: S, remove: true}` drops one. The result is checked
    as a whole, like a self-contained file.
    """
    root = node.mapping(allowed=_DERIVED_KEYS, required=_DERIVED_REQUIRED)
    if root.get("workflow").text() != base.name:
        raise root.get("workflow").error(
            f"{base.version} is workflow {base.name!r}; a version of it keeps that name"
        )
    changes: list[str] = []
    roles = dict(base.roles)
    for name, role in root.get("roles", {}).items():
        roles[name] = role.text()
        changes.append(f"role {name}")
    states = dict(base.states)
    state_paths: dict[str, str] = {}
    for name, state_node in root.get("states", {}).items():
        states[name] = _state_override(name, state_node, states.get(name))
        state_paths[name] = state_node.path
        changes.append(f"state {name}" + ("" if name in base.states else " (new)"))
    transitions = list(base.transitions)
    own: dict[int, str] = {}  # id() of the spec -> its path in this file
    for t_node in root.get("transitions", []).seq():
        if t_node.has("remove"):
            transitions = _remove_transition(t_node, transitions)
            changes.append(f"transition {t_node.get('trigger').value} removed")
            continue
        spec = _transition(t_node, states=states, roles=roles, known_guards=known_guards)
        same = [i for i, t in enumerate(transitions) if _same_edge(t, spec)]
        if same:
            transitions[same[0]] = spec
        else:
            transitions.append(spec)
        own[id(spec)] = t_node.path
        changes.append(f"transition {spec.trigger} from {', '.join(spec.sources)}")
    rules = dict(base.rules)
    for name, rule_node in root.get("rules", {}).items():
        rules[name] = _rule(rule_node)
        changes.append(f"rule {name}")
    initial = root.get("initial").text(choices=tuple(states)) if root.has("initial") else None
    on_demand = dict(base.on_demand)
    for kind, item in root.get("on_demand", {}).items():
        on_demand[kind] = _on_demand(kind, item, states, roles)
        changes.append(f"on-demand letter {kind}")
    workflow = Workflow(
        name=base.name,
        version=root.get("version").text(),
        title=root.get("title", "").value or base.title,
        supervisory_body=root.get("supervisory_body").text(),
        applies_from=root.get("applies_from").as_date(),
        applies_until=root.get("applies_until").optional_date(),
        initial=initial or base.initial,
        open_roles=_roles(root.get("open_roles"), roles)
        if root.has("open_roles")
        else base.open_roles,
        roles=roles,
        states=states,
        transitions=tuple(transitions),
        source_file=root.file,
        rules=rules,
        opens_cases=root.get("opens_cases", True).boolean(),
        extends=base.version,
        changes=tuple(changes),
        state_paths=state_paths,
        transition_paths={i: own[id(t)] for i, t in enumerate(transitions) if id(t) in own},
        on_demand=on_demand,
    )
    check_graph(workflow)
    return workflow


def _same_edge(a: TransitionSpec, b: TransitionSpec) -> bool:
    return a.trigger == b.trigger and set(a.sources) == set(b.sources)


def _remove_transition(node: Node, transitions: list[TransitionSpec]) -> list[TransitionSpec]:
    node.mapping(allowed={"trigger", "source", "remove"}, required=("trigger", "source", "remove"))
    if node.get("remove").boolean() is not True:
        raise node.get("remove").error("give remove: true, or leave the key out")
    trigger = node.get("trigger").text()
    source = node.get("source")
    sources = set(source.texts() if isinstance(source.value, list) else (source.text(),))
    kept = [t for t in transitions if not (t.trigger == trigger and set(t.sources) == sources)]
    if len(kept) == len(transitions):
        raise node.error(
            f"no transition {trigger!r} from {', '.join(sorted(sources))} to remove in the "
            "version this one extends"
        )
    return kept


def _state_override(name: str, node: Node, base: StateSpec | None) -> StateSpec:
    if base is None:
        return _state(name, node)
    node.mapping(allowed={"label", "terminal", "letters", "deadlines"})
    deadlines = {d.name: d for d in base.deadlines}
    for d in node.get("deadlines", []).seq():
        if d.has("remove"):
            d.mapping(allowed={"name", "remove"}, required=("name", "remove"))
            gone = d.get("name").text()
            if deadlines.pop(gone, None) is None:
                raise d.get("name").error(f"state {name!r} has no deadline {gone!r} to remove")
            continue
        rule = parse_deadline_rule(d)
        deadlines[rule.name] = rule
    return StateSpec(
        name=name,
        label=node.get("label").text() if node.has("label") else base.label,
        terminal=node.get("terminal").boolean() if node.has("terminal") else base.terminal,
        letters=node.get("letters").texts() if node.has("letters") else base.letters,
        deadlines=tuple(deadlines.values()),
    )


def _state(name: str, node: Node) -> StateSpec:
    node.mapping(allowed={"label", "terminal", "letters", "deadlines"}, required=("label",))
    return StateSpec(
        name=name,
        label=node.get("label").text(),
        terminal=node.get("terminal", False).boolean(),
        letters=node.get("letters", []).texts(),
        deadlines=tuple(parse_deadline_rule(d) for d in node.get("deadlines", []).seq()),
    )


def _transition(
    node: Node,
    *,
    states: Mapping[str, StateSpec],
    roles: Mapping[str, str],
    known_guards: Collection[str],
) -> TransitionSpec:
    node.mapping(
        allowed={
            "trigger",
            "label",
            "source",
            "dest",
            "roles",
            "guards",
            "inputs",
            "letters",
            "stays",
        },
        required=("trigger", "source", "roles"),
    )
    source_node = node.get("source")
    raw_sources = (
        source_node.texts() if isinstance(source_node.value, list) else (source_node.text(),)
    )
    if raw_sources == (ANY_SOURCE,):
        sources = tuple(n for n, s in states.items() if not s.terminal)
    else:
        for i, name in enumerate(raw_sources):
            if name not in states:
                where = source_node if len(raw_sources) == 1 else source_node.seq()[i]
                raise where.error(f"unknown state {name!r}{_suggest(name, states)}")
        sources = raw_sources
    stays = node.get("stays").boolean() if "stays" in node else False
    if stays:
        if "dest" in node:
            raise node.get("dest").error("a step that stays (stays: true) has no dest")
        if "letters" not in node:
            raise node.error("a step that stays declares its letters (letters: [...])")
        dest = STAYS
    else:
        if "dest" not in node:
            raise node.error("missing required key 'dest'")
        dest = node.get("dest").text()
        if dest not in states:
            raise node.get("dest").error(f"unknown state {dest!r}{_suggest(dest, states)}")
    step_roles = _roles(node.get("roles"), roles)
    for g in node.get("guards", []).seq():
        if g.text() not in known_guards:
            raise g.error(f"unknown guard {g.value!r}{_suggest(g.value, known_guards)}")
    return TransitionSpec(
        trigger=node.get("trigger").text(),
        label=node.get("label", "").value or node.get("trigger").text(),
        sources=sources,
        dest=dest,
        roles=step_roles,
        guards=node.get("guards", []).texts(),
        inputs=tuple(_input(name, n) for name, n in node.get("inputs", {}).items()),
        letters=node.get("letters").names() if "letters" in node else None,
        stays=stays,
    )


def _on_demand(
    kind: str, node: Node, states: Mapping[str, StateSpec], roles: Mapping[str, str]
) -> OnDemandLetter:
    node.mapping(allowed=("states", "roles", "basis"), required=("states", "roles", "basis"))
    node.holding(kind).identifier()
    listed = node.get("states").nonempty_seq("states")
    for item in listed:
        if item.text() not in states:
            raise item.error(f"unknown state {item.value!r}{_suggest(item.value, states)}")
    return OnDemandLetter(
        kind=kind,
        states=tuple(item.value for item in listed),
        roles=_roles(node.get("roles"), roles),
        basis=node.get("basis").text(),
    )


def _roles(node: Node, declared: Mapping[str, str]) -> tuple[str, ...]:
    names = node.seq()
    if not names:
        raise node.error("names no role: every step needs at least one")
    for r in names:
        if r.text() not in declared:
            raise r.error(f"unknown role {r.value!r} (declared roles: {', '.join(declared)})")
    return tuple(r.value for r in names)


def _rule(node: Node) -> RuleValue:
    node.mapping(
        allowed={"value", "basis", "confidence"}, required=("value", "basis", "confidence")
    )
    return RuleValue(
        value=node.get("value").value,
        basis=node.get("basis").text(),
        confidence=node.get("confidence").confidence(),
    )


def _input(name: str, node: Node) -> InputSpec:
    node.mapping(allowed={"type", "label", "required", "choices"}, required=("type",))
    spec = InputSpec(
        name=name,
        type=node.get("type").text(choices=INPUT_TYPES),
        label=node.get("label", name).text(),
        required=node.get("required", True).boolean(),
        choices=node.get("choices", []).texts(),
    )
    if spec.type == "choice" and not spec.choices:
        raise node.get("choices").error("a choice input needs a list of choices")
    return spec


def _suggest(name: str, known: Collection[str]) -> str:
    import difflib

    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_graph(workflow: Workflow) -> None:
    """Whole-graph checks; every problem is collected and reported together."""
    where = workflow.source_file
    problems: list[str] = []
    outgoing: dict[str, set[str]] = {name: set() for name in workflow.states}
    seen: set[tuple[str, str, str]] = set()
    for i, t in enumerate(workflow.transitions):
        path = workflow.transition_paths.get(i) or (
            f"transition {t.trigger} (inherited from {workflow.extends})"
        )
        for s in t.sources:
            outgoing[s].add(s if t.stays else t.dest)
            if workflow.states[s].terminal:
                problems.append(f"{where}: {path}: leaves terminal state {s!r} ({t.trigger})")
            key = (t.trigger, s, t.dest)
            if key in seen:
                problems.append(
                    f"{where}: {path}: duplicate transition {t.trigger!r} from {s!r} to {t.dest!r}"
                )
            seen.add(key)
    readers = workflow.rules.get("confidential_readers")
    for role in readers.value if readers and isinstance(readers.value, list) else []:
        if role not in workflow.roles:
            problems.append(
                f"{where}: rules.confidential_readers: unknown role {role!r} "
                f"(declared roles: {', '.join(workflow.roles)})"
            )
    reachable = _reachable(workflow.initial, outgoing)
    for name in workflow.states:
        if name not in reachable:
            problems.append(f"{where}: states.{name}: not reachable from {workflow.initial!r}")
    terminals = {n for n, s in workflow.states.items() if s.terminal}
    if not terminals:
        problems.append(f"{where}: states: no terminal state declared (terminal: true)")
    for name, dests in outgoing.items():
        if not dests and name not in terminals:
            problems.append(
                f"{where}: states.{name}: has no way out; declare it terminal: true "
                "or add a transition from it"
            )
    reverse: dict[str, set[str]] = {name: set() for name in workflow.states}
    for src, dests in outgoing.items():
        for d in dests:
            reverse[d].add(src)
    can_finish: set[str] = set()
    for terminal in terminals:
        can_finish |= _reachable(terminal, reverse)
    for name in workflow.states:
        if name in reachable and name not in can_finish:
            problems.append(f"{where}: states.{name}: no path from here to a terminal state")
    if problems:
        raise DefinitionError(
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems:\n" + "\n".join(problems),
            problems=problems,
        )


def _reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@dataclass(frozen=True)
class WorkflowSet:
    """Every shipped version of the workflows, by version name."""

    versions: Mapping[str, Workflow]

    def get(self, version: str) -> Workflow:
        try:
            return self.versions[version]
        except KeyError:
            raise NotFound(
                f"no workflow version {version!r} (known: {', '.join(self.versions)})"
            ) from None

    def for_date(self, day: date) -> Workflow:
        matches = [w for w in self.versions.values() if w.opens_cases and w.applies_on(day)]
        if not matches:
            raise NotFound(
                f"no workflow version applies on {day.isoformat()} (versions: "
                + ", ".join(
                    f"{w.version} {w.applies_from}..{w.applies_until or ''}"
                    for w in self.versions.values()
                )
                + ")"
            )
        return max(matches, key=lambda w: w.applies_from)


_WORKFLOW_KEY = re.compile(r"^workflow\s*:", re.MULTILINE)


def _declares_workflow(path: Path) -> bool:
    """Whether the file has a top-level `workflow:` key (the other YAML files in the folder,
    the calendar, ladder and classification codes, are not parsed here)."""
    try:
        with path.open("rb") as file:
            head = file.read(DECLARED_LIMITS.max_bytes + 1)
        if len(head) > DECLARED_LIMITS.max_bytes:
            return True  # let read_yaml refuse it, naming the file and the limit
        return bool(_WORKFLOW_KEY.search(head.decode("utf-8")))
    except (OSError, UnicodeDecodeError):
        return True  # let read_yaml report the problem with the file's name


def load_workflows(directory: Path, *, known_guards: Collection[str]) -> WorkflowSet:
    """Every `*.yaml` in `directory` with a top-level `workflow:` key (the others there are
    the catalogue, calendar and other data files). A version declared with `extends:` is
    resolved against the version it names, wherever that is declared in the folder."""
    files = [f for f in sorted(directory.glob("*.yaml")) if _declares_workflow(f)]
    nodes = [read_yaml(f) for f in files]
    if not nodes:
        raise DefinitionError(f"{directory}: no workflow files (*.yaml with a 'workflow:' key)")
    declared: dict[str, Node] = {}
    for node in nodes:
        version = node.mapping().get("version").text()
        if version in declared:
            raise node.get("version").error(
                f"{version!r} is also declared in {declared[version].file}"
            )
        declared[version] = node
    versions: dict[str, Workflow] = {}

    def resolve(version: str, chain: tuple[str, ...]) -> Workflow:
        if version in versions:
            return versions[version]
        node = declared[version]
        if not node.has("extends"):
            versions[version] = _workflow(node, known_guards=known_guards)
            return versions[version]
        base = node.get("extends").text()
        if base not in declared:
            raise node.get("extends").error(
                f"unknown version {base!r}{_suggest(base, declared)} (declared: "
                f"{', '.join(declared)})"
            )
        if base in chain:
            raise node.get("extends").error(
                "versions extend each other in a circle: " + " -> ".join([*chain, base])
            )
        versions[version] = _derived(node, resolve(base, (*chain, base)), known_guards=known_guards)
        return versions[version]

    for version in declared:
        resolve(version, (version,))
    return WorkflowSet({v: versions[v] for v in declared})
