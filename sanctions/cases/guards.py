"""Named guards: pure rules that allow or refuse a step, by name from the workflow files.

A guard takes a `GuardContext` and returns None when the rule holds, or a sentence that
says which rule failed and what would satisfy it. Guards never touch the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sanctions.cases import composition
from sanctions.cases.repeat import (
    REPEAT_REASON,
    REPEAT_RULE,
    PriorSanction,
    lighter_than_last,
    repeat_of,
    severity,
)
from sanctions.catalogue.entries import Catalogue, Sanction, Violation
from sanctions.deadlines.rules import sanction_period_end
from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.errors import InputError
from sanctions.institutions.authority import Authority, Resolution, Tier
from sanctions.law import names

Guard = Callable[["GuardContext"], str | None]
GUARDS: dict[str, Guard] = {}
# The step inputs each guard reads: `case show` cannot judge those before they are given.
GUARD_INPUTS: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True)
class GuardNeeds:
    """The declared names a guard reads, checked against every workflow that uses it
    (sanctions/law/check.py): a renamed rule, deadline or fact is a definition error, never a
    guard that silently allows."""

    inputs: tuple[str, ...] = ()  # step inputs (or facts an earlier step recorded)
    facts: tuple[str, ...] = ()  # case facts recorded by earlier steps
    rules: tuple[str, ...] = ()  # workflow `rules:` entries
    deadlines: tuple[str, ...] = ()  # deadline names of the workflow's states
    excludes: tuple[str, ...] = ()  # guards that can never hold together with this one
    priors: bool = False  # the employee's earlier sanctions (`GuardContext.repeated`)


GUARD_NEEDS: dict[str, GuardNeeds] = {}


def guard(
    name: str,
    *,
    reads: tuple[str, ...] = (),
    facts: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    deadlines: tuple[str, ...] = (),
    excludes: tuple[str, ...] = (),
    priors: bool = False,
) -> Callable[[Guard], Guard]:
    """Register a guard under `name`. `reads` are the step inputs it judges (not judged
    before they are given); the other names are what it reads from the case and the
    workflow, `excludes` the guards it is never true together with, and `priors` whether
    it reads the employee's earlier sanctions (read from the database only for a step one
    of whose guards does)."""

    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        GUARD_INPUTS[name] = reads
        GUARD_NEEDS[name] = GuardNeeds(reads, facts, rules, deadlines, excludes, priors)
        return fn

    return register


def reads_priors(names: Iterable[str]) -> bool:
    """Whether any of the guards `names` reads the employee's earlier sanctions."""
    return any(GUARD_NEEDS[name].priors for name in names)


def mutually_exclusive(a: str, b: str) -> bool:
    """Whether guards `a` and `b` are declared never to hold together (either way round)."""
    return b in GUARD_NEEDS[a].excludes or a in GUARD_NEEDS[b].excludes


SANCTION_ENDS = "masa_hukuman_sampai"  # the fact recording the last day of the sanction
SANCTION_BEFORE_APPEAL = "hukuman_sebelum_keberatan"  # the sanction an appeal replaced
EFFECT_DEADLINE = "mulai_berlaku"  # the deadline on whose day an unappealed decision holds


@dataclass(frozen=True)
class GuardContext:
    on: date
    employee_type: str
    act_date: date
    candidate_determination_date: date | None
    allegations: tuple[Violation, ...]
    facts: Mapping[str, str]
    inputs: Mapping[str, str]
    catalogue: Catalogue
    calendar: WorkingCalendar
    deadlines: Mapping[str, date]
    rules: Mapping[str, object]
    # Who may decide (PP 94/2021): the employee's position group, the tier of the case's
    # agency (None: its row names no declared tier) and the declared matrix.
    position_type: str = ""
    agency_tier: str | None = None
    authority: Authority | None = None
    # The examinee as recorded when the case opened (the composition rules compare ranks).
    employee_nip: str = ""
    employee_rank: str | None = None
    # Sanctions imposed on the same employee (by NIP) in other cases, not annulled; read
    # through `repeated` (sanctions.cases.repeat).
    prior_sanctions: tuple[PriorSanction, ...] = ()
    # Which penetapan date `candidate_determination_date` is (sanctions/cases/penetapan.py):
    # "" when the contest has one date only.
    penetapan_which: str = ""

    def fact_date(self, name: str) -> date | None:
        value = self.inputs.get(name) or self.facts.get(name)
        return date.fromisoformat(value) if value else None

    def value(self, name: str) -> str | None:
        return self.inputs.get(name) or self.facts.get(name)

    @property
    def track(self) -> str:
        return case_track(self.allegations)

    @property
    def recommended_level(self) -> str | None:
        return self.facts.get("level")

    def chosen_sanction(self) -> Sanction | None:
        code = self.inputs.get("sanction") or self.facts.get("sanction")
        return self.catalogue.sanction(code) if code else None

    def repeated(self) -> tuple[PriorSanction, ...]:
        """The earlier sanctions of the same kind this case repeats, latest first (the
        notion of "the same kind" is the workflow's rule `repeat_offence_same_kind`)."""
        notion = str(self.rules.get(REPEAT_RULE, "code"))
        return repeat_of(
            self.prior_sanctions,
            act_date=self.act_date,
            allegations=self.allegations,
            notion=notion,
            catalogue=self.catalogue,
        )

    def level_list(self, rule: str) -> tuple[str, ...]:
        value = self.rules.get(rule, ())
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def case_track(allegations: tuple[Violation, ...]) -> str:
    """Ethics only when every allegation is an ethics breach; any discipline one wins."""
    return "etik" if allegations and all(v.track == "etik" for v in allegations) else "disiplin"


def act_date_problems(
    allegations: tuple[Violation, ...],
    act_date: date,
    determination: date | None,
    which: str = "",
) -> list[str]:
    """SKB 2022: conduct toward a *bakal calon* precedes penetapan calon, toward a *calon*
    follows it. Returns one sentence per allegation whose phase contradicts the act date;
    `which` says which of the contest's dates `determination` is."""
    before = determination is None or act_date < determination
    when = (
        "no candidate-determination date is set for the contest"
        if determination is None
        else f"penetapan calon is {determination.isoformat()}" + (f": {which}" if which else "")
    )
    problems = []
    for v in allegations:
        if v.phase == "bakal_calon" and v.track == "etik" and not before:
            problems.append(
                f"{v.code} is conduct toward a bakal calon (before penetapan calon) but the act "
                f"on {act_date.isoformat()} is after it ({when}); use the matching DIS-* code"
            )
        if v.phase == "calon" and before:
            problems.append(
                f"{v.code} is conduct toward a calon (after penetapan calon) but the act on "
                f"{act_date.isoformat()} precedes it ({when}); use the matching ETK-* code"
            )
    return problems


@guard("allegations_fit_act_date", reads=("act_date_reason",))
def _allegations_fit_act_date(ctx: GuardContext) -> str | None:
    """The sources disagree on the phase rule (docs/sources.md, legal review #21): a
    contradiction is a warning the officer confirms with a recorded reason, never a bare
    refusal."""
    problems = act_date_problems(
        ctx.allegations, ctx.act_date, ctx.candidate_determination_date, ctx.penetapan_which
    )
    if not problems or ctx.inputs.get("act_date_reason"):
        return None
    return (
        "; ".join(problems)
        + " (the SKB 2022 phase rule is contested: to keep the codes, record why with "
        "--set act_date_reason=...)"
    )


@guard("track_is_discipline", excludes=("track_is_ethics",))
def _track_is_discipline(ctx: GuardContext) -> str | None:
    if ctx.track == "disiplin":
        return None
    return (
        "the discipline track (PP 94/2021) is for discipline violations; every allegation here "
        "is an ethics breach, so the ethics track applies (form the Majelis Kode Etik)"
    )


@guard("track_is_ethics", excludes=("track_is_discipline",))
def _track_is_ethics(ctx: GuardContext) -> str | None:
    if ctx.track == "etik":
        return None
    codes = [v.code for v in ctx.allegations if v.track != "etik"]
    what = "is a discipline violation" if len(codes) == 1 else "are discipline violations"
    return (
        f"the ethics track (PP 42/2004) is only for ethics breaches; {', '.join(codes)} "
        f"{what}, so the PPK must follow up on the discipline track"
    )


def _expected_level(ctx: GuardContext) -> str | None:
    fixed = [v for v in ctx.allegations if v.fixed_sanction]
    if fixed:
        return "pemberhentian"
    return ctx.catalogue.heaviest(ctx.allegations)


@guard("level_fits_catalogue", reads=("level",))
def _level_fits_catalogue(ctx: GuardContext) -> str | None:
    level = ctx.inputs.get("level")
    if level is None:
        return "a recommendation must name a sanction level"
    expected = _expected_level(ctx)
    if ctx.track == "etik" and level != "moral":
        return "ethics breaches carry a moral sanction (PP 42/2004 Ps 15): recommend level 'moral'"
    fixed = [v.code for v in ctx.allegations if v.fixed_sanction]
    if fixed and level != expected:
        return (
            f"{', '.join(fixed)} (party membership) carries dismissal (UU 20/2023 Ps 52(4)): "
            f"recommend level {expected!r}; no reason allows another level"
        )
    if level == expected or ctx.inputs.get("reason"):
        return None
    satgas = [v.code for v in ctx.allegations if v.decided_by == "satgas"]
    if satgas:
        return None  # conduct outside the SKB matrix: the Satgas decides the level
    codes = ", ".join(v.code for v in ctx.allegations)
    return (
        f"the catalogue prescribes level {expected!r} for {codes}; recommend {expected!r} "
        f"or record a reason (--set reason=...) for recommending {level!r}"
    )


@guard(
    "candidate_did_not_resign",
    rules=("candidate_resignation_codes",),
    excludes=("track_is_ethics",),
)
def _candidate_did_not_resign(ctx: GuardContext) -> str | None:
    """The resignation path is for an ASN set as a candidate who did not resign in writing
    (UU 20/2023 Ps 56 and 59(3), as restated). The codes are discipline rows (UU20-59), so a
    case it holds for is never on the ethics track: the desk offers the step only there."""
    codes = ctx.level_list("candidate_resignation_codes")
    if any(v.code in codes for v in ctx.allegations):
        return None
    alleged = ", ".join(v.code for v in ctx.allegations)
    return (
        f"asking for a written resignation is for an ASN set as a candidate who did not resign "
        f"({', '.join(codes)}, UU 20/2023 Ps 56 and 59(3)); this case alleges {alleged}"
    )


@guard("team_allowed", facts=("level",), rules=("team_allowed_levels",))
def _team_allowed(ctx: GuardContext) -> str | None:
    allowed = ctx.level_list("team_allowed_levels")
    level = ctx.recommended_level
    if level in allowed:
        return None
    return (
        f"a Tim Pemeriksa is formed only where a {' or '.join(allowed)} sanction is expected; "
        f"the recommended level is {level!r}, so the direct superior examines"
    )


def _members(ctx: GuardContext) -> tuple[composition.Member, ...] | str:
    text = ctx.inputs.get("members") or ""
    if not text:
        return f"name the members (--set members=...): {composition.FORM}"
    try:
        return composition.read(text, today=ctx.on)
    except InputError as e:
        return str(e)


def examinee(ctx: GuardContext) -> composition.Examinee:
    return composition.Examinee(ctx.employee_nip, ctx.employee_type, ctx.employee_rank)


def _rule_flag(ctx: GuardContext, rule: str) -> bool:
    return bool(ctx.rules.get(rule))


@guard(
    "team_composition",
    reads=("members", "superior_involved"),
    rules=("team_elements", "team_superior_substitute", "members_not_junior"),
)
def _team_composition(ctx: GuardContext) -> str | None:
    """PP 94/2021 Ps 27 (as restated): the direct superior, an element of supervision and one
    of personnel, none junior to the examinee; an involved superior replaced."""
    members = _members(ctx)
    if isinstance(members, str):
        return members
    problems = composition.team_problems(
        members,
        examinee(ctx),
        required=ctx.level_list("team_elements"),
        substitute=str(ctx.rules.get("team_superior_substitute", "pejabat_lain")),
        superior_involved=bool(ctx.inputs.get("superior_involved")),
    )
    if _rule_flag(ctx, "members_not_junior"):
        problems.extend(composition.junior_members(members, examinee(ctx)))
    if not problems:
        return None
    return (
        "the Tim Pemeriksa is made of the direct superior (or, where the superior is involved, "
        "the next superior up: --set superior_involved=reason), an element of supervision and "
        "one of personnel, none junior to the examinee: " + "; ".join(problems)
    )


@guard(
    "panel_composition",
    reads=("members",),
    rules=("panel_min_members", "panel_odd", "members_not_junior"),
)
def _panel_composition(ctx: GuardContext) -> str | None:
    """PP 42/2004 (as restated): a chair, a secretary and at least three members, an odd
    number in all, none junior to the examinee."""
    members = _members(ctx)
    if isinstance(members, str):
        return members
    minimum = ctx.rules.get("panel_min_members", 3)
    problems = composition.panel_problems(
        members,
        examinee(ctx),
        min_members=minimum if isinstance(minimum, int) else 3,
        odd=_rule_flag(ctx, "panel_odd"),
    )
    if _rule_flag(ctx, "members_not_junior"):
        problems.extend(composition.junior_members(members, examinee(ctx)))
    if not problems:
        return None
    return (
        "the Majelis Kode Etik is a ketua, a sekretaris and anggota, none junior to the "
        "examinee: " + "; ".join(problems)
    )


@guard(
    "team_formed_if_required",
    facts=("level", "tim_dibentuk_on"),
    rules=("team_required_levels",),
)
def _team_formed_if_required(ctx: GuardContext) -> str | None:
    required = ctx.level_list("team_required_levels")
    if ctx.recommended_level not in required or ctx.facts.get("tim_dibentuk_on"):
        return None
    return (
        f"a {ctx.recommended_level} sanction requires a Tim Pemeriksa before the summons "
        "(PP 94/2021 Ps 27): form the team first (trigger bentuk_tim)"
    )


@guard(
    "summons_notice_period",
    reads=("examination_date",),
    rules=("summons_notice_working_days",),
)
def _summons_notice_period(ctx: GuardContext) -> str | None:
    exam = ctx.fact_date("examination_date")
    minimum = int(str(ctx.rules.get("summons_notice_working_days", 7)))
    if exam is None:
        return "a summons must name the examination date (--set examination_date=YYYY-MM-DD)"
    gap = ctx.calendar.working_days_between(ctx.on, exam)
    if gap >= minimum:
        return None
    earliest = ctx.calendar.add_working_days(ctx.on, minimum)
    return (
        f"a summons must go out at least {minimum} working days before the examination "
        f"(PP 94/2021 Ps 26); {exam.isoformat()} is only {gap} working days after "
        f"{ctx.on.isoformat()}: set the examination on {earliest.isoformat()} or later"
    )


@guard("examination_date_passed", facts=("examination_date",))
def _examination_date_passed(ctx: GuardContext) -> str | None:
    exam = ctx.facts.get("examination_date")
    if exam and ctx.on >= date.fromisoformat(exam):
        return None
    return (
        f"absence can only be recorded on or after the examination date ({exam}); "
        f"the step is dated {ctx.on.isoformat()}"
    )


def _sanction_or_problem(ctx: GuardContext) -> Sanction | str:
    sanction = ctx.chosen_sanction()
    return (
        sanction
        if sanction is not None
        else "the decision must name a sanction (--set sanction=CODE)"
    )


@guard("sanction_matches_recommendation", reads=("sanction",), facts=("level",))
def _sanction_matches_recommendation(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    recommended = ctx.recommended_level
    if recommended is None or sanction.level == recommended or ctx.inputs.get("reason"):
        return None
    # A sanction the catalogue offers for the recommended level (e.g. PPPK-PHK standing in
    # for B-3 for a PPPK employee) matches the recommendation.
    offered = ctx.catalogue.sanctions_for_level(
        recommended, on=ctx.on, employee_type=ctx.employee_type
    )
    if any(s.code == sanction.code for s in offered):
        return None
    cat = ctx.catalogue
    lower = cat.level_rank(sanction.level) < cat.level_rank(recommended)
    if lower:
        return (
            f"the recommendation is {recommended!r} but {sanction.code} is {sanction.level!r}, "
            "a lower level: an official who under-punishes is liable (PP 94/2021 Ps 24), so a "
            "lower sanction needs a recorded reason (--set reason=...)"
        )
    return (
        f"the recommendation is {recommended!r} but {sanction.code} is {sanction.level!r}: "
        "a heavier sanction than recommended needs a recorded reason (--set reason=...)"
    )


@guard("fixed_sanction_applies", reads=("sanction",))
def _fixed_sanction_applies(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    fixed = [v for v in ctx.allegations if v.fixed_sanction]
    if not fixed:
        return None
    allowed = {v.fixed_sanction for v in fixed}
    if ctx.employee_type == "PPPK":
        allowed = {"PPPK-PHK"}
    if sanction.code in allowed:
        return None
    return (
        f"{', '.join(v.code for v in fixed)} (party membership) carries a fixed sanction, not "
        f"a level: the decision must be {' or '.join(sorted(str(a) for a in allowed))}"
    )


@guard("sanction_available", reads=("sanction",))
def _sanction_available(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    options = ctx.catalogue.sanctions_for_level(
        sanction.level, on=ctx.on, employee_type=ctx.employee_type
    )
    if any(s.code == sanction.code for s in options):
        return None
    names = ", ".join(s.code for s in options) or "none"
    return (
        f"{sanction.code} is not available for a {ctx.employee_type} on "
        f"{ctx.on.isoformat()}; the {sanction.level} sanctions available then are: {names}"
    )


@guard("sanction_is_moral", reads=("sanction",), excludes=("sanction_is_disciplinary",))
def _sanction_is_moral(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    if sanction.level == "moral":
        return None
    return f"the ethics track ends in a moral sanction (MOR-T or MOR-B), not {sanction.code}"


@guard("sanction_is_disciplinary", reads=("sanction",), excludes=("sanction_is_moral",))
def _sanction_is_disciplinary(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    if sanction.level != "moral":
        return None
    return f"the discipline track imposes a disciplinary sanction, not the moral {sanction.code}"


def competent_official(ctx: GuardContext, sanction: str | None = None) -> Resolution | str:
    """The officials who may decide `sanction` (default: the one chosen, else the level
    recommended) for this employee in this agency, or why that cannot be said."""
    if ctx.authority is None:
        return "the authority matrix (workflows/authority.yaml) is not loaded"
    if ctx.agency_tier is None:
        kinds = "; ".join(_tier_reading(t) for t in ctx.authority.tiers.values())
        return (
            "the tier of the case's agency is unknown, so the official who may decide cannot "
            f"be resolved (PP 94/2021); an agency row is read as: {kinds}"
        )
    code = sanction or ctx.inputs.get("sanction") or ctx.facts.get("sanction") or ""
    level = ctx.catalogue.sanction(code).level if code else ctx.recommended_level
    if level is None or level == "moral":
        return "no disciplinary sanction or level is known yet"
    return ctx.authority.resolve(
        position=ctx.position_type, tier=ctx.agency_tier, sanction=code, level=level
    )


def _tier_reading(tier: Tier) -> str:
    starts = " or ".join(tier.parent_starts_with)
    return f"{tier.label}: {tier.agency_kind}" + (f", parent starting {starts}" if starts else "")


@guard("decided_by_competent_official", reads=("sanction", "official", "authority_reason"))
def _decided_by_competent_official(ctx: GuardContext) -> str | None:
    sanction = _sanction_or_problem(ctx)
    if isinstance(sanction, str):
        return sanction
    resolution = competent_official(ctx, sanction.code)
    if isinstance(resolution, str):
        return resolution
    assert ctx.authority is not None  # competent_official answered
    official = ctx.inputs.get("official") or resolution.default
    return ctx.authority.judge(resolution, official, reason=ctx.inputs.get("authority_reason"))


def _appeal_route_is(ctx: GuardContext, route: str, label: str) -> str | None:
    code = ctx.facts.get("sanction")
    if code is None:
        return "no sanction has been decided yet"
    actual = ctx.catalogue.appeal_route(code)
    if actual == route:
        return None
    if actual == "none":
        return (
            f"{code} has no administrative appeal (PP 79/2021); it cannot be challenged by {label}"
        )
    other = "keberatan" if actual == "keberatan" else "banding administratif to BPASN"
    return f"{code} is challenged by {other}, not by {label} (PP 79/2021)"


@guard("appeal_by_keberatan", facts=("sanction",), excludes=("appeal_by_banding",))
def _appeal_by_keberatan(ctx: GuardContext) -> str | None:
    return _appeal_route_is(ctx, "keberatan", "keberatan")


@guard("appeal_by_banding", facts=("sanction",), excludes=("appeal_by_keberatan",))
def _appeal_by_banding(ctx: GuardContext) -> str | None:
    return _appeal_route_is(ctx, "banding", "banding administratif")


@guard("appeal_outcome_fits_sanction", reads=("outcome", "sanction"), facts=("sanction",))
def _appeal_outcome_fits_sanction(ctx: GuardContext) -> str | None:
    """An appeal that lightens, heavies or changes the sanction names one that does."""
    outcome, new_code, old_code = (
        ctx.inputs.get("outcome"),
        ctx.inputs.get("sanction"),
        ctx.facts.get("sanction"),
    )
    if not (outcome and new_code and old_code):
        return "an appeal decision names its outcome and the sanction that results"
    new, old = ctx.catalogue.sanction(new_code), ctx.catalogue.sanction(old_code)
    if new.code == old.code:
        return (
            f"{new.code} is the contested sanction itself: confirm it instead "
            "(trigger kuatkan_keberatan)"
        )
    lighter = severity(ctx.catalogue, new) < severity(ctx.catalogue, old)
    if outcome == "memperingan" and not lighter:
        return f"memperingan replaces {old.code} with a lighter sanction; {new.code} is not lighter"
    if outcome == "memperberat" and lighter:
        return f"memperberat replaces {old.code} with a heavier sanction; {new.code} is lighter"
    if outcome == "mengubah" and new.level != old.level:
        return (
            f"mengubah changes the form of the sanction within its level ({old.level}); "
            f"{new.code} is {new.level}: use memperingan or memperberat"
        )
    return None


def _lighter_than_last(ctx: GuardContext, *, level: str | None, sanction: str | None) -> str | None:
    """A repeat of the same kind of violation draws a heavier sanction (docs/sources.md, legal
    review #27): lighter than the employee's last sanction of the same kind needs a reason."""
    repeated = ctx.repeated()
    if not repeated or ctx.inputs.get(REPEAT_REASON):
        return None
    return lighter_than_last(repeated[0], ctx.catalogue, level=level, sanction=sanction)


@guard(
    "level_not_lighter_than_last_sanction",
    reads=("level", REPEAT_REASON),
    rules=(REPEAT_RULE,),
    priors=True,
)
def _level_not_lighter_than_last_sanction(ctx: GuardContext) -> str | None:
    """The recommended level, against the last sanction of the same kind."""
    return _lighter_than_last(ctx, level=ctx.inputs.get("level"), sanction=None)


@guard(
    "sanction_not_lighter_than_last_sanction",
    reads=("sanction", REPEAT_REASON),
    rules=(REPEAT_RULE,),
    priors=True,
)
def _sanction_not_lighter_than_last_sanction(ctx: GuardContext) -> str | None:
    """The sanction an LHP recommends or a decision imposes, against the last one of the
    same kind."""
    return _lighter_than_last(ctx, level=None, sanction=ctx.inputs.get("sanction"))


@guard("panel_recommended_discipline", reads=("level",), facts=("panel_recommends_discipline",))
def _panel_recommended_discipline(ctx: GuardContext) -> str | None:
    """PP 42/2004 Ps 16: a disciplinary measure beside the moral sanction, on the panel's
    recommendation only, at a disciplinary level."""
    if ctx.facts.get("panel_recommends_discipline") != "ya":
        return (
            "a disciplinary measure after a moral sanction needs the Majelis Kode Etik's "
            "recommendation (PP 42/2004 Ps 16): it was not recorded with the moral sanction"
        )
    if ctx.inputs.get("level") in (None, "moral"):
        return "name the disciplinary level the Majelis recommended (--set level=...)"
    return None


RELEASED = "bebaskan_sementara_on"  # the fact the temporary release records


@guard("release_allowed", facts=("level", RELEASED), rules=("release_levels",))
def _release_allowed(ctx: GuardContext) -> str | None:
    """Pembebasan sementara: only where a berat sanction is likely, once (PP 94/2021 as
    restated: "dapat dibebaskan sementara dari tugas jabatannya oleh atasan langsung sejak
    yang bersangkutan diperiksa")."""
    if ctx.facts.get(RELEASED):
        return f"the employee has been released from duty since {ctx.facts[RELEASED]}"
    levels = ctx.level_list("release_levels")
    code = ctx.facts.get("sanction")  # the LHP's recommendation, once written
    level = ctx.catalogue.sanction(code).level if code else ctx.recommended_level
    if level in levels:
        return None
    return (
        f"a temporary release from duty is for a case where a {' or '.join(levels)} sanction "
        f"is likely; this case's is {level!r}"
    )


@guard("waiting_period_over", deadlines=(EFFECT_DEADLINE,))
def _waiting_period_over(ctx: GuardContext) -> str | None:
    due = ctx.deadlines.get(EFFECT_DEADLINE)
    if due is None or ctx.on >= due:
        return None
    return (
        f"the decision takes effect on the 15th working day after receipt ({due.isoformat()}) "
        "when no appeal is filed; until then the employee may still appeal"
    )


def sanction_end_fact(
    catalogue: Catalogue,
    facts: Mapping[str, str],
    *,
    entered: str,
    on: date,
    rules: Mapping[str, object],
) -> dict[str, str]:
    """When a step enters the state where the sanction takes effect (rule
    `sanction_in_force_state`), the fact giving the last day of its 6/9/12-month period."""
    code = facts.get("sanction")
    if entered != rules.get(names.SANCTION_IN_FORCE_RULE) or not code:
        return {}
    months = catalogue.sanction(code).duration_months
    return {SANCTION_ENDS: sanction_period_end(on, months).isoformat()} if months else {}


def serving_effects(
    catalogue: Catalogue, facts: Mapping[str, str], *, state: str, rules: Mapping[str, object]
) -> str | None:
    """While a sanction of a level the rule `serving_withholds_kgb_levels` names is served
    (the case is in the rule `sanction_in_force_state`'s state): no periodic raise or
    promotion until its period ends, in words with its basis; None otherwise."""
    code = facts.get("sanction")
    if not code or state != rules.get(names.SANCTION_IN_FORCE_RULE):
        return None
    levels = rules.get(names.SERVING_EFFECTS_RULE, ())
    sanction = catalogue.sanction(code)
    if not isinstance(levels, list | tuple) or sanction.level not in levels:
        return None
    until = facts.get(SANCTION_ENDS)
    return (
        f"no periodic salary raise (KGB) and no promotion while {code} ({sanction.level}) is "
        f"served{f', until {until}' if until else ''} (PerBKN 6/2022 Ps 55(1)) [S]"
    )


def _period_end(ctx: GuardContext) -> date | None:
    return ctx.fact_date(SANCTION_ENDS)


@guard("sanction_period_over", facts=(SANCTION_ENDS,))
def _sanction_period_over(ctx: GuardContext) -> str | None:
    end = _period_end(ctx)
    if end is None:
        return "this sanction has no period to serve; close the case instead (trigger tutup)"
    if ctx.on > end:
        return None
    return f"the sanction is served until {end.isoformat()}; it can be marked served after that"


@guard("sanction_is_final", facts=("sanction",))
def _sanction_is_final(ctx: GuardContext) -> str | None:
    code = ctx.facts.get("sanction")
    if code is None:
        return "no sanction has been decided yet"
    sanction = ctx.catalogue.sanction(code)
    if sanction.final or not sanction.duration_months:
        return None
    return (
        f"{code} runs for {sanction.duration_months} months; the case closes once it is served "
        "(trigger akhiri_masa_hukuman)"
    )


def evaluate(
    names: tuple[str, ...], ctx: GuardContext, *, skip_reading: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Every failing guard as (name, sentence); empty when all hold. Guards that read one of
    `skip_reading` (inputs not given yet) are not judged."""
    failures = []
    for name in names:
        if skip_reading & set(GUARD_INPUTS[name]):
            continue
        message = GUARDS[name](ctx)
        if message is not None:
            failures.append((name, message))
    return failures


def known_guards() -> Mapping[str, Guard]:
    return GUARDS
