"""Who may impose a disciplinary sanction (Pejabat yang Berwenang Menghukum, PP 94/2021) and
who signs each letter of the examination: `workflows/authority.yaml`, loaded and resolved
purely.

`resolve` answers, for an employee's position group, the tier of the agency (central,
province, regency/city) and a sanction, which officials may decide it, the first of them by
default; `judge` says whether a given official may, in words: the competent official, or a
higher one on the agency's chain when the competent one does not exist (with a reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import Node, read_yaml
from sanctions.errors import DefinitionError

FILE_NAME: Final = "authority.yaml"
AGENCY_KINDS: Final = ("pusat", "daerah")
SIGNER_ROLES: Final = (
    "competent_official",
    "direct_superior",
    "direct_superior_or_team",
    "examination_team",
    "issuer_head",
    "receiving_officer",
)
# The official who is the agency's own head in its letters (the agency row's PPK).
PPK: Final = "ppk"
SUPERIOR: Final = "superior"  # the appeal forum of an official below the PPK


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    agency_kind: str
    parent_starts_with: tuple[str, ...]


@dataclass(frozen=True)
class AuthorityRule:
    positions: tuple[str, ...]
    tiers: tuple[str, ...]
    levels: tuple[str, ...]
    sanctions: tuple[str, ...]
    officials: tuple[str, ...]
    basis: str
    confidence: Confidence
    where: str  # file: rules[i], for messages


@dataclass(frozen=True)
class Resolution:
    """The officials who may decide one sanction for one employee, the first by default."""

    position: str
    tier: str
    sanction: str
    level: str
    officials: tuple[str, ...]
    higher: tuple[str, ...]  # the chain above them: who acts where none of them exists
    rule: AuthorityRule

    @property
    def default(self) -> str:
        return self.officials[0]


@dataclass(frozen=True)
class Forum:
    """Where a keberatan against one official's decision goes, as the decree prints it."""

    to: str
    basis: str
    confidence: Confidence


@dataclass(frozen=True)
class Authority:
    positions: Mapping[str, str]
    officials: Mapping[str, str]
    tiers: Mapping[str, Tier]
    chain: Mapping[str, tuple[str, ...]]
    rules: tuple[AuthorityRule, ...]
    signers: Mapping[str, str]
    forums: Mapping[str, Forum]  # ppk, presiden, and `superior` for every other official

    def appeal_forum(self, official: str, tier: str | None) -> Forum | None:
        """Where a keberatan against `official`'s decision goes (None: the tier is unknown)."""
        if official in self.forums:
            return self.forums[official]
        if tier is None or official not in self.chain[tier]:
            return None
        chain = self.chain[tier]
        superior = self.officials[chain[chain.index(official) + 1]]
        rule = self.forums[SUPERIOR]
        return Forum(rule.to.format(official=superior), rule.basis, rule.confidence)

    def official_label(self, key: str) -> str:
        return self.officials[key]

    def tier_of(self, agency_kind: str, parent: str) -> str | None:
        """The tier of an agency row (None when its parent names no declared tier)."""
        upper = parent.strip().upper()
        for tier in self.tiers.values():
            if tier.agency_kind != agency_kind:
                continue
            if not tier.parent_starts_with or upper.startswith(tier.parent_starts_with):
                return tier.key
        return None

    def resolve(self, *, position: str, tier: str, sanction: str, level: str) -> Resolution:
        """The competent officials for `sanction` (of `level`); every combination has a rule
        (checked on load), so this only fails for an undeclared position or tier."""
        if position not in self.positions:
            raise DefinitionError(
                f"no authority rule for position type {position!r} "
                f"(declared: {', '.join(self.positions)})"
            )
        if tier not in self.tiers:
            raise DefinitionError(f"unknown agency tier {tier!r}")
        by_code = [r for r in self.rules if sanction in r.sanctions]
        by_level = [r for r in self.rules if level in r.levels]
        for rule in (*by_code, *by_level):
            if position in rule.positions and tier in rule.tiers:
                chain = self.chain[tier]
                top = max(chain.index(o) for o in rule.officials if o in chain)
                return Resolution(
                    position, tier, sanction, level, rule.officials, chain[top + 1 :], rule
                )
        raise DefinitionError(
            f"no authority rule for a {level} sanction of a {position} in a {tier} agency"
        )

    def deciding(
        self, *, agency_kind: str, parent: str, position: str, sanction: str, level: str
    ) -> str | None:
        """The default competent official for a case's agency row and employee, or None
        when the agency's tier or the position is not declared."""
        tier = self.tier_of(agency_kind, parent)
        if tier is None or position not in self.positions or level == "moral":
            return None
        return self.resolve(position=position, tier=tier, sanction=sanction, level=level).default

    def judge(self, resolution: Resolution, official: str, *, reason: str | None) -> str | None:
        """None when `official` may decide; otherwise the rule in words."""
        if official in resolution.officials:
            return None
        if official in resolution.higher and reason:
            return None  # the competent official does not exist: the next higher one acts
        return self.refusal(resolution, official)

    def rule_in_words(self, resolution: Resolution) -> str:
        who = " or ".join(self.officials[o] for o in resolution.officials)
        position = self.positions[resolution.position]
        tier = self.tiers[resolution.tier].label
        what = (
            f"{resolution.sanction} ({resolution.level})"
            if resolution.sanction
            else f"a {resolution.level} sanction"
        )
        return (
            f"{what} for a {position} of an {tier} is imposed by the {who} "
            f"({resolution.rule.basis}) [{resolution.rule.confidence}]"
        )

    def refusal(self, resolution: Resolution, official: str) -> str:
        words = self.rule_in_words(resolution)
        label = self.officials.get(official, official)
        if official in resolution.higher:
            return (
                f"{words}; the {label} decides it only where no such official exists: record "
                "why (--set authority_reason=...)"
            )
        higher = ", ".join(self.officials[o] for o in resolution.higher) or "none"
        return (
            f"{words}; the {label} may not decide it (where the competent official does not "
            f"exist, the next higher one acts, with a recorded reason: {higher})"
        )


def load_authority(path: Path, *, levels: Sequence[str], sanctions: Mapping[str, str]) -> Authority:
    """Read and check the file: every name known, every position x tier x level (`levels`,
    the catalogue's disciplinary levels) covered; `sanctions` maps each code to its level."""
    root = read_yaml(path).mapping(
        allowed={"positions", "officials", "tiers", "chain", "rules", "signers", "appeal_forums"},
        required=("positions", "officials", "tiers", "chain", "rules", "signers", "appeal_forums"),
    )
    positions = {k: n.text() for k, n in root.get("positions").items()}
    officials = {k: n.text() for k, n in root.get("officials").items()}
    tiers = {k: _tier(k, n) for k, n in root.get("tiers").items()}
    chain: dict[str, tuple[str, ...]] = {}
    for key, node in root.get("chain").items():
        if key not in tiers:
            raise node.holding(key).error(f"unknown tier {key!r} (declared: {', '.join(tiers)})")
        chain[key] = node.distinct(lambda n: n.choice(tuple(officials), what="official"))
    for key in tiers:
        if key not in chain:
            raise root.get("chain").error(f"no chain for tier {key!r}")
    rules = tuple(
        _rule(n, positions, officials, tiers, chain, levels, sanctions)
        for n in root.get("rules").nonempty_seq("rules")
    )
    signers = {
        kind: node.choice(SIGNER_ROLES, what="signer role")
        for kind, node in root.get("signers").items()
    }
    forums = {key: _forum(key, node, officials) for key, node in root.get("appeal_forums").items()}
    if SUPERIOR not in forums:
        raise root.get("appeal_forums").error(f"missing required key {SUPERIOR!r}")
    for key, ladder in chain.items():
        if ladder[-1] not in forums:
            raise (
                root.get("chain")
                .get(key)
                .error(f"the highest official, {ladder[-1]!r}, needs its own appeal forum")
            )
    authority = Authority(positions, officials, tiers, chain, rules, signers, forums)
    _check_complete(authority, root.get("rules"), levels)
    return authority


def _forum(key: str, node: Node, officials: Mapping[str, str]) -> Forum:
    if key != SUPERIOR and key not in officials:
        raise node.holding(key).error(
            f"unknown official {key!r} (allowed: {SUPERIOR}, {', '.join(officials)})"
        )
    node.mapping(allowed={"to", "basis", "confidence"}, required=("to", "basis", "confidence"))
    to = node.get("to").text()
    if key == SUPERIOR and "{official}" not in to:
        raise node.get("to").error("the superior's forum names the superior: put {official} in it")
    return Forum(to, node.get("basis").text(), node.get("confidence").confidence())


def _tier(key: str, node: Node) -> Tier:
    node.mapping(
        allowed={"label", "agency_kind", "parent_starts_with"}, required=("label", "agency_kind")
    )
    return Tier(
        key=key,
        label=node.get("label").text(),
        agency_kind=node.get("agency_kind").choice(AGENCY_KINDS, what="agency kind"),
        parent_starts_with=tuple(t.upper() for t in node.get("parent_starts_with").texts()),
    )


def _rule(
    node: Node,
    positions: Mapping[str, str],
    officials: Mapping[str, str],
    tiers: Mapping[str, Tier],
    chain: Mapping[str, tuple[str, ...]],
    levels: Sequence[str],
    sanctions: Mapping[str, str],
) -> AuthorityRule:
    node.mapping(
        allowed={"positions", "tiers", "levels", "sanctions", "officials", "basis", "confidence"},
        required=("positions", "tiers", "officials", "basis", "confidence"),
    )
    if node.has("levels") == node.has("sanctions"):
        raise node.error("a rule names either `levels` or `sanctions`")
    rule = AuthorityRule(
        positions=node.get("positions").distinct(
            lambda n: n.choice(tuple(positions), what="position")
        ),
        tiers=node.get("tiers").distinct(lambda n: n.choice(tuple(tiers), what="tier")),
        levels=node.get("levels").distinct(lambda n: n.choice(tuple(levels), what="level"))
        if node.has("levels")
        else (),
        sanctions=node.get("sanctions").distinct(
            lambda n: n.choice(tuple(sanctions), what="sanction")
        )
        if node.has("sanctions")
        else (),
        officials=node.get("officials").distinct(
            lambda n: n.choice(tuple(officials), what="official")
        ),
        basis=node.get("basis").text(),
        confidence=node.get("confidence").confidence(),
        where=node.where,
    )
    if not rule.officials:
        raise node.get("officials").error("a rule names at least one official")
    for tier in rule.tiers:
        missing = [o for o in rule.officials if o not in chain[tier]]
        if missing:
            raise node.get("officials").error(
                f"{missing[0]!r} is not on the chain of tier {tier!r} ({', '.join(chain[tier])})"
            )
    return rule


def _check_complete(authority: Authority, node: Node, levels: Sequence[str]) -> None:
    """Every position, tier and level has exactly one rule naming its level."""
    for position in authority.positions:
        for tier in authority.tiers:
            for level in levels:
                found = [
                    r
                    for r in authority.rules
                    if r.levels and level in r.levels and position in r.positions
                    and tier in r.tiers
                ]  # fmt: skip
                if not found:
                    raise node.error(
                        f"no rule for a {level} sanction of a {position} in a {tier} agency"
                    )
                if len(found) > 1:
                    raise node.error(
                        f"{found[0].where} and {found[1].where} both decide a {level} sanction "
                        f"of a {position} in a {tier} agency"
                    )
