"""Every path of every shipped workflow, walked with its letters on the shipped declarations.

Each version is walked on one of the two databases. A depth-first walk: from each state every
declared step is tried (with the inputs a careful officer would give, and for a decision one
sanction per appeal route) inside a savepoint, its letters issued with the sample values of
`tests/letterdata.py`, then rolled back to try the next. A step a guard refuses for this kind
of case is not a path it can take. Several kinds of case (ethics breach, berat and sedang
discipline, party membership, a PPPK) together must take every transition of every version,
and every path's record must verify. A path that reaches a state the walk already went on from
(same case, sanction, level and choices) stops there: what follows was walked, with its letters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.cases.changes import last_step_date
from sanctions.cases.guards import GUARD_NEEDS, evaluate
from sanctions.cases.workflow import TransitionSpec, Workflow
from sanctions.db import session_scope
from sanctions.db.models import Case, Letter
from sanctions.errors import RuleViolation
from sanctions.trust.audit import verify
from tests.factories import (
    ACTORS,
    NOW,
    PNS_NIP,
    PPPK_NIP,
    add_unit_office,
    open_case,
    seed,
    with_decree_signer,
)
from tests.letterdata import letter_data_for
from tests.officer import members_for

Edge = tuple[str, str, str]  # (source, trigger, dest)


@dataclass(frozen=True)
class Profile:
    name: str
    violations: tuple[str, ...]
    act_date: date
    reported_on: date
    nip: str = PNS_NIP
    # States whose onward paths other profiles walk with the same letters: the walk counts
    # the path there and goes no further.
    walked_beyond: frozenset[str] = frozenset()


PROFILES = (
    Profile("ethics", ("ETK-02",), date(2024, 9, 10), date(2024, 9, 12)),
    Profile("berat", ("DIS-02",), date(2024, 10, 3), date(2024, 10, 7)),
    Profile("sedang", ("DIS-03",), date(2024, 9, 10), date(2024, 9, 12)),
    Profile("party member", ("DIS-05",), date(2024, 10, 3), date(2024, 10, 7)),
    Profile("pppk berat", ("DIS-02",), date(2024, 10, 3), date(2024, 10, 7), PPPK_NIP),
    # A candidate who did not resign (UU 20/2023 Ps 56, 59(3)): the resignation path; when he
    # does not resign, the discipline track the berat and sedang cases walk.
    Profile(
        "candidate without resigning",
        ("UU20-59",),
        date(2024, 10, 3),
        date(2024, 10, 7),
        walked_beyond=frozenset({"ditindaklanjuti"}),
    ),
)


def _actor(spec: TransitionSpec) -> str:
    return next(a for a, (roles, _) in ACTORS.items() if set(roles) & set(spec.roles))


def _variants(
    app: App, session: Session, case: Case, spec: TransitionSpec
) -> Iterator[tuple[dict[str, str], date]]:
    """The inputs and date of each way a careful officer takes `spec` now, and each other
    answer to an optional choice (a BAP the examinee refused to sign, a panel that also
    recommends discipline)."""
    found = list(_base_variants(app, session, case, spec))
    yield from found
    for i in spec.inputs:
        if i.type == "choice" and not i.required and found:
            inputs, on = found[0]
            for choice in i.choices[1:]:
                yield {**inputs, i.name: choice}, on


def _base_variants(
    app: App, session: Session, case: Case, spec: TransitionSpec
) -> Iterator[tuple[dict[str, str], date]]:
    on = _date_for(app, case, spec)
    base: dict[str, str] = {}
    for i in spec.inputs:
        if i.type == "date":
            base[i.name] = app.calendar.add_working_days(on, 8).isoformat()
        elif i.type == "members":
            base[i.name] = members_for(spec)
        elif i.type == "choice":
            base[i.name] = i.choices[0]
        elif i.type == "level":
            base[i.name] = _expected_level(app, session, case)
            if base[i.name] == "moral" and "panel_recommended_discipline" in spec.guards:
                base[i.name] = "sedang"  # the discipline the ethics panel also recommended
        elif i.type == "text" and i.required:
            base[i.name] = "Catatan pejabat"
    sanction = spec.input("sanction")
    if sanction is None:
        yield base, on
        return
    if (
        spec.input("outcome") is not None
    ):  # an appeal decision: an outcome and a sanction fitting it
        yield from _appeal_variants(app, session, case, spec, base, on)
        return
    level = case.facts.get("level", "moral")
    offered = app.catalogue.sanctions_for_level(
        level, on=on, employee_type=str(case.employee_snapshot["employee_type"])
    )
    by_route: dict[str, str] = {}
    for s in offered:
        by_route.setdefault(app.catalogue.appeal_route(s.code), s.code)
    for code in by_route.values() or [""]:
        yield {**base, "sanction": code} if code else base, on


def _appeal_variants(
    app: App, session: Session, case: Case, spec: TransitionSpec, base: dict[str, str], on: date
) -> Iterator[tuple[dict[str, str], date]]:
    """One outcome with a sanction that fits it (the edge is the same for every outcome; each
    outcome's decree is rendered by tests/test_appeals.py)."""
    outcome = spec.input("outcome")
    assert outcome is not None
    for choice in outcome.choices:
        for candidate in app.catalogue.sanctions:
            inputs = {**base, "outcome": choice, "sanction": candidate.code}
            ctx = cases.guard_context(app, session, case, on=on, inputs=inputs)
            if not evaluate(spec.guards, ctx):
                yield inputs, on
                return


def _expected_level(app: App, session: Session, case: Case) -> str:
    ctx = cases.guard_context(app, session, case, on=last_step_date(case), inputs={})
    if any(v.fixed_sanction for v in ctx.allegations):
        return "pemberhentian"
    if ctx.track == "etik":
        return "moral"
    return app.catalogue.heaviest(ctx.allegations) or "sedang"


def _date_for(app: App, case: Case, spec: TransitionSpec) -> date:
    """The next day, or the first day a time-bound step may be taken."""
    on = last_step_date(case) + timedelta(days=1)
    facts = case.facts
    if spec.trigger == "nyatakan_berlaku" and facts.get("disampaikan_on"):
        received = date.fromisoformat(facts["disampaikan_on"])
        return max(on, app.calendar.add_working_days(received, 15))
    if spec.trigger in {"panggil_ulang", "catat_ketidakhadiran", "periksa"} and facts.get(
        "examination_date"
    ):
        return max(on, date.fromisoformat(facts["examination_date"]))
    if spec.trigger == "akhiri_masa_hukuman" and facts.get("masa_hukuman_sampai"):
        return max(on, date.fromisoformat(facts["masa_hukuman_sampai"]) + timedelta(days=1))
    return on


@dataclass
class Walked:
    edges: set[Edge]
    paths: int = 0
    letters: int = 0
    # (profile, state, sanction, level, choices) already walked on: arriving there again by another
    # path walks the same steps with the same letters, so the walk counts the path, checks
    # its record and goes no further (the edge assertion proves nothing is missed).
    explored: set[tuple[object, ...]] = field(default_factory=set)
    stops: frozenset[str] = frozenset()  # the profile's walked_beyond


def _explore(
    app: App, session: Session, reference: str, walked: Walked, seen: frozenset[Edge]
) -> None:
    case = views.case_by_reference(session, reference)
    workflow: Workflow = app.workflow(case.workflow_version)
    read = {fact for needs in GUARD_NEEDS.values() for fact in needs.facts}
    choices = sorted(
        {i.name for t in workflow.transitions for i in t.inputs if i.type == "choice"} & read
    )
    key = (
        reference,
        case.state,
        case.facts.get("sanction"),
        case.facts.get("level"),
        *(case.facts.get(name) for name in choices),  # answers a later guard reads
    )
    if workflow.state(case.state).terminal or key in walked.explored or case.state in walked.stops:
        walked.paths += 1
        checked, findings = verify(session, reference)
        assert (checked, findings) == (1, []), findings
        return
    walked.explored.add(key)
    for spec in workflow.transitions_from(case.state):
        edge = (case.state, spec.trigger, spec.dest)
        if edge in seen:
            continue
        for inputs, on in _variants(app, session, case, spec):
            savepoint = session.begin_nested()
            try:
                written = cases.advance(
                    app,
                    session,
                    reference,
                    spec.trigger,
                    inputs=inputs,
                    actor=_actor(spec),
                    on=on,
                    now=NOW,
                    letter_data=with_decree_signer(
                        app,
                        session,
                        case,
                        spec.trigger,
                        inputs,
                        letter_data_for(
                            workflow, case.state, spec.trigger, on=on, act=case.act_date
                        ),
                    ),
                )
            except RuleViolation:
                savepoint.rollback()
                continue  # not a path this kind of case can take
            expected = workflow.step_letters(spec)
            assert [x.kind for x in written.letters] == list(expected), edge
            walked.edges.add((edge[0], spec.trigger, spec.dest))
            walked.letters += len(written.letters)
            if not spec.stays:  # the walk after a step that stays is the walk without it
                _explore(app, session, reference, walked, seen | {edge})
            savepoint.rollback()
            session.expire_all()


# Each version on one database (the two versions are one machine with another supervisory
# body, so walking each on both would double the cost without covering anything new).
@pytest.mark.parametrize(
    ("db_url", "version"),
    [
        ("sqlite", "skb-2022"),
        pytest.param("postgresql", "bkn-2024", marks=pytest.mark.postgres),
    ],
    indirect=["db_url"],
)
def test_every_path_of_a_shipped_workflow_is_walked_with_its_letters(
    app: App, version: str
) -> None:
    seed(app)
    with session_scope(app.db) as session:
        add_unit_office(session)  # the direct superior's office issues the temporary release
    workflow = app.workflow(version)
    walked = Walked(edges=set())
    dated = []
    for profile in PROFILES:
        reported = profile.reported_on if version == "bkn-2024" else date(2023, 12, 4)
        acted = profile.act_date if version == "bkn-2024" else date(2023, 11, 20)
        if version == "skb-2022" and profile.name in ("ethics", "sedang"):
            acted, reported = date(2023, 10, 2), date(2023, 10, 4)  # before penetapan calon
        dated.append((reported, acted, profile))
    # the reports are received in the order of their dates: the Bawaslu office's register
    # numbers the receipts as an agenda book does (each walk after them is rolled back)
    for reported, acted, profile in sorted(dated, key=lambda x: (x[0], x[1])):
        walked.stops = profile.walked_beyond
        contest = "PILKADA-SLEMAN-2024" if version == "bkn-2024" else "PEMILU-2024"
        reference = open_case(
            app,
            violations=profile.violations,
            act_date=acted,
            reported_on=reported,
            nip=profile.nip,
            contest=contest,
        )
        with session_scope(app.db) as session:
            assert views.case_by_reference(session, reference).workflow_version == version
            _explore(app, session, reference, walked, frozenset())
            session.rollback()
    every = {(s, t.trigger, t.dest) for t in workflow.transitions for s in t.sources}
    assert every - walked.edges == set()
    assert walked.paths > 100 and walked.letters > 100
    with session_scope(app.db) as session:  # the walk rolled back all but the receipts
        kinds = session.exec(select(col(Letter.kind))).all()
        assert kinds == ["tanda_terima_laporan"] * len(PROFILES)
