"""An issuer's letters are signed by the official in office on the letter's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.errors import Conflict, InputError, PermissionDenied
from sanctions.registry import signers
from tests.factories import open_case, recommended, s, seed, snapshot, walk
from tests.officer import TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
OLD_HEAD = signers.SignerInput(
    agency_code="SLEMAN",
    title="Bupati Sleman",
    name="Drs. H. Kustini Sri Purnomo",
    valid_from=date(2021, 2, 26),
    valid_until=date(2024, 10, 28),
)
ACTING = signers.SignerInput(
    agency_code="SLEMAN",
    title="Bupati Sleman",
    name="Ir. Susmiarta, M.M.",
    nip="196805121995031004",
    rank="Pembina Utama Muda (IV/c)",
    acting="Plh.",
    valid_from=date(2024, 10, 29),
    valid_until=date(2024, 10, 29),
)
NEW_HEAD = signers.SignerInput(
    agency_code="SLEMAN", title="Bupati Sleman", name="Harda Kiswaya", valid_from=date(2024, 10, 30)
)


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("signers.seeded", app, seed)
    return app


def register(app: App, *signer: signers.SignerInput) -> None:
    with session_scope(app.db) as session:
        for data in signer:
            signers.add_signer(session, data, actor="admin", now=NOW)


def test_each_letter_is_signed_by_the_official_in_office_on_its_date(seeded: App) -> None:
    register(seeded, OLD_HEAD, ACTING, NEW_HEAD)
    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(
        seeded,
        ref,
        [
            *recommended("berat"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
        ],
    )
    with session_scope(seeded.db) as session:
        decree = session.exec(select(Letter).where(Letter.kind == "sk_tim_pemeriksa")).one()
    signer = decree.context["signer"]
    assert (signer["name"], signer["acting"], signer["nip"]) == (
        "Ir. Susmiarta, M.M.",
        "Plh.",
        "196805121995031004",
    )
    text = (seeded.settings.letter_store / decree.path).read_bytes().decode("latin-1")
    assert "Plh. Bupati Sleman," in text and "Ir. Susmiarta, M.M." in text
    assert "Kustini" not in text and "Harda" not in text


def test_after_the_acting_day_the_new_head_signs(seeded: App) -> None:
    register(seeded, OLD_HEAD, ACTING, NEW_HEAD)
    with session_scope(seeded.db) as session:
        agency_id = signers.signers_of(session, "SLEMAN")[0].agency_id
        days = (date(2024, 10, 28), date(2024, 10, 29), date(2024, 10, 30), date(2030, 1, 1))
        on = {d: signers.signer_on(session, agency_id, d) for d in (*days, date(2020, 1, 1))}
    names = {d: x.name if x else None for d, x in on.items()}
    assert names == {
        date(2024, 10, 28): "Drs. H. Kustini Sri Purnomo",
        date(2024, 10, 29): "Ir. Susmiarta, M.M.",
        date(2024, 10, 30): "Harda Kiswaya",
        date(2030, 1, 1): "Harda Kiswaya",
        date(2020, 1, 1): None,  # before any registered signer: the agency's head fields sign
    }


def test_an_overlapping_period_is_refused_and_changes_nothing(seeded: App) -> None:
    register(seeded, OLD_HEAD, NEW_HEAD)
    before = snapshot(seeded)
    clash = signers.SignerInput(
        agency_code="SLEMAN", title="Bupati Sleman", name="Someone", valid_from=date(2025, 1, 1)
    )
    with session_scope(seeded.db) as session, pytest.raises(Conflict, match="Harda Kiswaya"):
        signers.add_signer(session, clash, actor="admin", now=NOW)
    assert snapshot(seeded) == before


def test_ending_a_period_lets_the_successor_sign(seeded: App) -> None:
    register(seeded, NEW_HEAD)
    with session_scope(seeded.db) as session:
        [head] = signers.signers_of(session, "SLEMAN")
        signers.end_signer(
            session, "SLEMAN", head.id or 0, last_day=date(2029, 2, 19), actor="admin"
        )
        later = signers.SignerInput(
            agency_code="SLEMAN", title="Bupati Sleman", name="Bupati Baru",
            valid_from=date(2029, 2, 20),
        )  # fmt: skip
        signers.add_signer(session, later, actor="admin", now=NOW)
        assert [x.name for x in signers.signers_of(session, "SLEMAN")] == [
            "Harda Kiswaya",
            "Bupati Baru",
        ]


def test_only_an_admin_registers_a_signer(seeded: App) -> None:
    with session_scope(seeded.db) as session, pytest.raises(PermissionDenied):
        signers.add_signer(session, NEW_HEAD, actor="bkpsdm", now=NOW)


@pytest.mark.pure
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"acting": "Pj."}, "Plt. or Plh."),
        ({"on_behalf": "atas nama Bupati"}, "'a.n. ' or 'u.b. '"),
        ({"valid_until": date(2020, 1, 1)}, "ends (2020-01-01) before it starts"),
        ({"name": " "}, "needs a title (jabatan) and a name"),
        ({"nip": "19680512199503100"}, "18"),
    ],
)
def test_a_bad_signer_is_refused_with_what_is_allowed(change: dict[str, object], says: str) -> None:
    data = signers.SignerInput(**{**ACTING.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(InputError, match=says.replace("(", r"\(").replace(")", r"\)")):
        signers.check_signer(data, today=NOW.date())


@pytest.mark.pure
@given(
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.integers(0, 400),
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.integers(0, 400),
)
def test_two_periods_overlap_exactly_when_they_share_a_day(
    a: date, a_len: int, b: date, b_len: int
) -> None:
    a_end, b_end = a + timedelta(days=a_len), b + timedelta(days=b_len)
    shared = {a + timedelta(days=i) for i in range(a_len + 1)} & {
        b + timedelta(days=i) for i in range(b_len + 1)
    }
    assert signers.overlaps(a, a_end, b, b_end) == bool(shared)
    assert signers.overlaps(a, None, b, b_end) == (b_end >= a)
