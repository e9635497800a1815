"""The one typed facade over the `transitions` runtime.

One `transitions.Machine` is built per loaded workflow version, never per case. A case is
represented for the duration of one call by a token model whose state is set from the
database; the machine evaluates the declared guards (and the role check) as its
conditions and moves the token. Nothing else in the package touches `transitions`.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sanctions.cases.guards import GuardContext, evaluate
from sanctions.cases.workflow import TransitionSpec, Workflow
from sanctions.errors import GuardFailed, PermissionDenied, TransitionNotAllowed


@dataclass(frozen=True)
class Option:
    """One declared step from the current state, and whether the actor may take it now."""

    transition: TransitionSpec
    allowed: bool
    reasons: tuple[str, ...] = ()
    role_refused: bool = False
    needs: tuple[str, ...] = ()  # inputs the step takes; guards on them run when given


class _Token:
    """The per-call model the machine moves. `state` is set by transitions."""

    state: str


class Engine:
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self._lock = threading.Lock()

    @cached_property
    def _machine(self) -> Any:
        """Built on the first step taken (listing what is allowed does not need it)."""
        from transitions import Machine

        machine = Machine(
            model=None,
            states=list(self.workflow.states),
            initial=self.workflow.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for spec in self.workflow.transitions:
            machine.add_transition(
                trigger=spec.trigger,
                source=list(spec.sources),
                dest=None if spec.stays else spec.dest,  # None: an internal transition
                conditions=[self._condition(spec)],
            )
        machine.add_model(self._token, initial=self.workflow.initial)
        return machine

    @cached_property
    def _token(self) -> _Token:
        return _Token()

    @staticmethod
    def _condition(spec: TransitionSpec) -> Any:
        def check(event: Any) -> bool:
            reasons = refusal_reasons(spec, event.kwargs["ctx"], event.kwargs["roles"])
            event.kwargs["record"].append((spec, reasons))
            return not reasons

        return check

    def options(self, state: str, ctx: GuardContext, roles: Collection[str]) -> list[Option]:
        """Every step declared from `state`, allowed now or with the reasons it is not."""
        result = []
        for spec in self.workflow.transitions_from(state):
            needs = tuple(i.name for i in spec.inputs if i.required and not ctx.inputs.get(i.name))
            if not _role_ok(spec, roles):
                reasons = [f"needs role {' or '.join(spec.roles)}"]
                result.append(Option(spec, False, tuple(reasons), role_refused=True, needs=needs))
            else:
                failures = evaluate(spec.guards, ctx, skip_reading=frozenset(needs))
                why = tuple(message for _, message in failures)
                result.append(Option(spec, not why, why, needs=needs))
        return result

    def fire(
        self, state: str, trigger: str, ctx: GuardContext, roles: Collection[str]
    ) -> TransitionSpec:
        """Take `trigger` from `state`; returns the transition taken or raises why not."""
        candidates = [t for t in self.workflow.transitions_from(state) if t.trigger == trigger]
        if not candidates:
            allowed = sorted({t.trigger for t in self.workflow.transitions_from(state)})
            label = self.workflow.state(state).label
            known = any(t.trigger == trigger for t in self.workflow.transitions)
            what = "is not allowed" if known else "is not a step of this workflow"
            raise TransitionNotAllowed(
                f"{trigger!r} {what} from state {state!r} ({label}); allowed from here: "
                + (", ".join(allowed) if allowed else "nothing (the case is closed)")
            )
        record: list[tuple[TransitionSpec, list[str]]] = []
        with self._lock:
            self._machine.set_state(state, model=self._token)
            moved = self._token.trigger(trigger, ctx=ctx, roles=roles, record=record)  # type: ignore[attr-defined]
            dest = self._token.state
        if moved:
            return next(t for t, reasons in record if not reasons and (t.stays or t.dest == dest))
        if all(not _role_ok(t, roles) for t in candidates):
            needed = sorted({r for t in candidates for r in t.roles})
            have = ", ".join(sorted(roles)) or "no role"
            raise PermissionDenied(
                f"{trigger!r} needs the role {' or '.join(needed)} for this case's agency; "
                f"you have {have}"
            )
        failures = [r for _, reasons in record for r in reasons]
        raise GuardFailed(f"{trigger!r} refused: " + "; ".join(failures), failures=failures)


def _role_ok(spec: TransitionSpec, roles: Collection[str]) -> bool:
    return "admin" in roles or any(r in roles for r in spec.roles)


def refusal_reasons(spec: TransitionSpec, ctx: GuardContext, roles: Collection[str]) -> list[str]:
    if not _role_ok(spec, roles):
        return [f"needs role {' or '.join(spec.roles)}"]
    missing = [
        f"needs --set {i.name}=... ({i.label})"
        for i in spec.inputs
        if i.required and not ctx.inputs.get(i.name)
    ]
    if missing:
        return missing
    return [message for _, message in evaluate(spec.guards, ctx)]
