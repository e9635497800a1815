"""Which open deadlines lie on a case's own route, and who must act on each (pure).

A state may open deadlines for alternative routes: a delivered decision opens both the
keberatan window and the banding window, although only one of them is the route of the
sanction decided (PP 79/2021). A deadline is on the case's route when at least one step it
governs from the current state passes its route guards: the guards declared mutually
exclusive with another (`excludes`) that judge the case's facts, not a step's inputs. A
deadline that governs no step from here (or whose steps have no route guard) is on the route.
"""

from __future__ import annotations

from sanctions.cases.guards import GUARD_NEEDS, GuardContext, evaluate
from sanctions.cases.workflow import TransitionSpec, Workflow
from sanctions.deadlines.rules import DeadlineRule


def rule_of(workflow: Workflow, state: str, name: str) -> DeadlineRule | None:
    spec = workflow.states.get(state)
    return next((r for r in spec.deadlines if r.name == name), None) if spec else None


def is_side_step(workflow: Workflow, step: TransitionSpec) -> bool:
    """A step declared from every state (`source: "*"`, e.g. the employee leaving the
    service), or one that stays and issues nothing (a fact recorded, e.g. the upload to
    SIASN): something that may happen at any time, never what a case waits for."""
    if step.stays and not step.letters:
        return True
    return set(step.sources) == {n for n, s in workflow.states.items() if not s.terminal}


def forward_steps(workflow: Workflow, state: str) -> list[TransitionSpec]:
    """The steps from `state` that carry the case on (side steps left out)."""
    return [t for t in workflow.transitions_from(state) if not is_side_step(workflow, t)]


def governed_steps(
    workflow: Workflow, state: str, rule: DeadlineRule | None
) -> list[TransitionSpec]:
    """The steps from `state` that `rule` governs (every forward step from it when it
    governs none)."""
    steps = forward_steps(workflow, state)
    governed = [t for t in steps if rule is not None and t.trigger in rule.governs]
    return governed or steps


def route_guards(step: TransitionSpec) -> tuple[str, ...]:
    return tuple(g for g in step.guards if GUARD_NEEDS[g].excludes and not GUARD_NEEDS[g].inputs)


def needs_route_check(workflow: Workflow, state: str, rule: DeadlineRule | None) -> bool:
    """Whether judging the route needs the case's guard context at all."""
    return any(route_guards(t) for t in governed_steps(workflow, state, rule))


def on_route(
    workflow: Workflow, state: str, rule: DeadlineRule | None, ctx: GuardContext | None
) -> bool:
    steps = governed_steps(workflow, state, rule)
    if ctx is None or not any(route_guards(t) for t in steps):
        return True
    return any(not evaluate(route_guards(t), ctx) for t in steps)


def who_acts(workflow: Workflow, state: str, rule: DeadlineRule | None) -> list[str]:
    """The roles that may take a step the deadline governs from `state`, in declared order."""
    roles: dict[str, None] = {}
    for step in governed_steps(workflow, state, rule):
        roles.update(dict.fromkeys(step.roles))
    return list(roles)
