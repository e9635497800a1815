"""Repeat offences: an earlier sanction of the same employee for the same kind of violation.

A repeat of the same kind of violation draws a heavier sanction (docs/sources.md §2.3 step 11
[C]; docs/sources.md, legal review #27), and an official who under-punishes is liable (PP
94/2021 Ps 24). The engine flags the case and refuses a recommendation, LHP or decision
lighter than the last such sanction unless the officer records why (`repeat_reason`).

What "the same kind" means is declared, not coded: the workflow rule
`repeat_offence_same_kind` names one of `NOTIONS`. Pure: the service reads the earlier cases
and hands them over as `PriorSanction` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sanctions.catalogue.entries import Catalogue, Sanction, Violation
from sanctions.law import names

REPEAT_RULE = names.REPEAT_OFFENCE_RULE
REPEAT_REASON = "repeat_reason"  # the step input that records why a lighter one is chosen

# The notions of "the same kind" a workflow may declare.
NOTIONS = {
    "code": "the same violation code",
    "track": "a violation of the same track (ethics or discipline)",
    "netralitas": "any violation of political neutrality (every row of the catalogue)",
}


@dataclass(frozen=True)
class PriorSanction:
    """A sanction imposed on the employee in another case (and not annulled)."""

    reference: str
    sanction: str  # the sanction code in force after any appeal
    decided_on: date
    violations: tuple[str, ...]  # the violation codes of that case


def imposed_sanction(
    reference: str, state: str, facts: Mapping[str, str], violations: Iterable[str]
) -> PriorSanction | None:
    """The sanction a case imposed: one decided (the decision or the moral sanction was
    recorded) and not annulled on appeal; None for a case still open before its decision, a
    case that ended without one and an annulled decision. An LHP's recommended sanction is
    not a sanction imposed."""
    code = facts.get("sanction")
    if not code or state == names.ANNULLED_STATE:
        return None
    decided = next((facts[f"{s}_on"] for s in names.DECISION_STATES if facts.get(f"{s}_on")), None)
    if decided is None:
        return None
    return PriorSanction(reference, code, date.fromisoformat(decided), tuple(violations))


def same_kind(
    notion: str, prior: PriorSanction, allegations: tuple[Violation, ...], catalogue: Catalogue
) -> bool:
    """Whether the earlier case's violations are of the same kind as this case's."""
    if notion == "netralitas":
        return True
    if notion == "code":
        return bool(set(prior.violations) & {v.code for v in allegations})
    if notion == "track":
        tracks = {catalogue.violation(c).track for c in prior.violations}
        return bool(tracks & {v.track for v in allegations})
    raise ValueError(f"unknown notion of the same kind {notion!r} (allowed: {', '.join(NOTIONS)})")


def repeat_of(
    priors: Iterable[PriorSanction],
    *,
    act_date: date,
    allegations: tuple[Violation, ...],
    notion: str,
    catalogue: Catalogue,
) -> tuple[PriorSanction, ...]:
    """The earlier sanctions this case repeats, latest decision first: decided before the
    act of this case, for a violation of the same kind."""
    found = [
        p
        for p in priors
        if p.decided_on < act_date and same_kind(notion, p, allegations, catalogue)
    ]
    return tuple(sorted(found, key=lambda p: (p.decided_on, p.reference), reverse=True))


def severity(catalogue: Catalogue, sanction: Sanction) -> tuple[int, int]:
    """Level first, then the catalogue's order within the level (R-1 < R-2 < R-3)."""
    order = [s.code for s in catalogue.sanctions]
    return catalogue.level_rank(sanction.level), order.index(sanction.code)


def lighter_than_last(
    last: PriorSanction, catalogue: Catalogue, *, level: str | None, sanction: str | None
) -> str | None:
    """Why the chosen sanction (or, for a recommendation, the level) is lighter than the last
    sanction of the same kind; None when it is not lighter."""
    before = catalogue.sanction(last.sanction)
    if sanction:
        chosen = catalogue.sanction(sanction)
        if severity(catalogue, chosen) >= severity(catalogue, before):
            return None
        what = f"{chosen.code} ({chosen.level})"
    elif level:
        if catalogue.level_rank(level) >= catalogue.level_rank(before.level):
            return None
        what = f"level {level!r}"
    else:
        return None
    return (
        f"repeat offence: {last.reference} imposed {before.code} ({before.level}) on "
        f"{last.decided_on.isoformat()}, before this act; {what} is lighter than that sanction, "
        "and a repeat of the same kind draws a heavier one (an official who under-punishes is "
        "liable, PP 94/2021 Ps 24): choose a sanction at least as heavy or record why with "
        f"--set {REPEAT_REASON}=..."
    )
