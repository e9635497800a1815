"""Every role against every case command: who may list, show, read the log, read a Rahasia
letter and take a step — for the case's own agency, and for another agency."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.errors import PermissionDenied
from sanctions.letters import service as letters
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, NOW, add_agency, seed
from tests.test_letters_issued import recommend

if TYPE_CHECKING:
    from tests.conftest import Snapshots

ROLES = sorted(set(KNOWN_ROLES) | {"majelis"})
STEP_ROLES = {"kepegawaian", "pejabat", "admin"}  # who may take `tindak_lanjuti`
# who may read a Rahasia letter, as workflows/netralitas-*.yaml declares it
READERS = {
    "admin",
    "kepegawaian",
    "pejabat",
    "atasan",
    "tim_pemeriksa",
    "majelis",
    "atasan_pejabat",
}


@pytest.fixture
def world(app: App, snapshots: Snapshots) -> tuple[App, str, str]:
    """The seeded agency with a recommended case whose letter is Rahasia, and a user for each
    role in the case's agency and in another one (built once, copied into each test)."""
    ref, number = snapshots.restore("access-matrix", app, build_world)
    return app, ref, number


def build_world(app: App) -> tuple[str, str]:
    seed(app)
    ref = recommend(app)
    with session_scope(app.db) as session:
        add_agency(session, "BANTUL")
        letter = session.exec(select(Letter).where(Letter.kind == "rekomendasi")).one()
        letter.confidential = True  # a Rahasia letter on the case
        session.add(letter)
        for role in ROLES:
            for agency in ("SLEMAN", "BANTUL"):
                registry.add_user(
                    session,
                    actor="admin",
                    username=f"{role}@{agency}",
                    roles=[role],
                    known_roles=ROLES,
                    agency_code=agency,
                )
        number = letter.number
    return ref, number


class _Probe(Exception):
    """Raised after a permitted step so that its transaction rolls back."""


def attempt(app: App, action: str, ref: str, number: str, user: str) -> bool:
    """True when the action is allowed (lists: the case is visible), False when refused."""
    on = date(2024, 10, 28)
    try:
        with session_scope(app.db) as session:
            if action == "list":
                rows = views.list_cases(app, session, actor=user, on=on).rows
                return any(r.reference == ref for r in rows)
            if action == "letter-list":
                return bool(letters.list_letters(app, session, actor=user, reference=ref))
            if action == "show":
                views.show_case(app, session, ref, actor=user, on=on)
            elif action == "history":
                views.history(session, ref, actor=user)
            elif action == "letter-read":
                letters.read_letter(app, session, number, actor=user)
            elif action == "advance":
                cases.advance(
                    app, session, ref, "tindak_lanjuti", inputs={}, actor=user, on=on, now=NOW
                )
                raise _Probe  # allowed: undo it, so every role probes the same case
    except PermissionDenied:
        return False
    except _Probe:
        return True
    return True


@pytest.mark.parametrize("role", ROLES)
def test_each_role_of_the_case_agency_gets_exactly_its_rights(
    world: tuple[App, str, str], role: str
) -> None:
    app, ref, number = world
    user = f"{role}@SLEMAN"
    expected = {
        "list": True,
        "show": True,
        "history": True,
        "letter-list": True,
        "letter-read": role in READERS,
        "advance": role in STEP_ROLES,
    }
    actual = {action: attempt(app, action, ref, number, user) for action in expected}
    assert actual == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_role_of_another_agency_gets_nothing(world: tuple[App, str, str], role: str) -> None:
    app, ref, number = world
    user = f"{role}@BANTUL"
    actions = ("list", "show", "history", "letter-list", "letter-read", "advance")
    assert {a: attempt(app, a, ref, number, user) for a in actions} == dict.fromkeys(actions, False)
