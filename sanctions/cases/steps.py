"""A case's state-changing steps and what its workflow declares about the PPK's follow-up
(pure: no database, no clock). The write path keeps the follow-up facts from them
(`cases.follow_up`, migration 0029) and the reports judge a case on a date by them
(`reports.figures`, which names them too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sanctions.law import names

RECOMMENDED: Final = names.RECOMMENDED_STATE
FOLLOW_UP_DEADLINE: Final = names.FOLLOW_UP_DEADLINE


@dataclass(frozen=True)
class Step:
    """A state-changing event of a case: its number, date, trigger and the states it joins
    (`source` None for the opening); `voids` the number of the step a correction voids."""

    seq: int
    on: date
    trigger: str
    source: str | None
    dest: str
    voids: int | None = None


@dataclass(frozen=True)
class FollowUpLaw:
    """What a workflow version declares about the PPK's follow-up: the states that declare
    the follow-up deadline (while a case is in one, the follow-up is not done and the ladder
    runs), and the (state, trigger) steps that deadline governs there."""

    states: frozenset[str] = frozenset()
    governed: frozenset[tuple[str, str]] = frozenset()

    def ends(self, step: Step) -> bool:
        """The step ends the follow-up: it leaves the deadline's states."""
        return step.source in self.states and step.dest not in self.states

    def acts(self, step: Step) -> bool:
        """The step that ends the follow-up is the PPK's (the decision), not moot."""
        return (step.source or "", step.trigger) in self.governed


def effective_steps(steps: Sequence[Step], on: date) -> list[Step]:
    """The steps that stand on `on`: dated on or before it, in the order recorded, without
    the corrections and the steps they void."""
    voided = {s.voids for s in steps if s.voids is not None}
    return [
        s for s in sorted(steps, key=lambda s: s.seq)
        if s.on <= on and s.voids is None and s.seq not in voided
    ]  # fmt: skip
