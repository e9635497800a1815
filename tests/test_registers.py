"""An issuer may keep its decrees in a register of their own (pattern and counter)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from sqlmodel import col, select

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.db.models import Agency, Letter
from sanctions.errors import InputError
from sanctions.registry import edits
from tests.factories import open_case, recommended, s, seed, snapshot, walk
from tests.officer import TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
DECREES = "188.4/{seq}/KEP.BKPSDM/{year}"


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("registers.seeded", app, seed)
    return app


def test_decrees_are_numbered_in_their_own_register_and_letters_in_theirs(seeded: App) -> None:
    with session_scope(seeded.db) as session:
        edits.edit_agency(session, "SLEMAN", {"decree_pattern": DECREES}, actor="admin", now=NOW)
    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(
        seeded,
        ref,
        [
            *recommended("berat"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
        ],
    )
    with session_scope(seeded.db) as session:
        sleman = session.exec(select(Agency).where(Agency.code == "SLEMAN")).one()
        issued = session.exec(
            select(Letter.kind, Letter.number, Letter.series)
            .where(Letter.agency_id == sleman.id)
            .order_by(col(Letter.id))
        ).all()
    by_kind = {kind: (number, series) for kind, number, series in issued}
    assert by_kind["sk_tim_pemeriksa"] == ("188.4/1/KEP.BKPSDM/2024", "keputusan")
    number, series = by_kind["surat_panggilan_1"]
    # signed by the chair of the team the case formed: the agency's letters' series (its own
    # kop), neither the decrees' nor the Bupati's
    assert series == "*" and "KEP" not in number and "/PPK/" not in number


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"decree_pattern": "{code}/{seq}/{unit}/{year}"}, "its pattern"),  # same as surat
        ({"decree_pattern": "188.4/{nomor}/{year}"}, "unknown placeholder {nomor}"),
        (
            {
                "unit_code": "DWASDAL",
                "numbering_pattern": "{sifat_prefix}-{seq}/BKN/{unit}/{month:02d}/{year}",
            },
            "agency BKN",
        ),
    ],
)
def test_a_register_that_could_repeat_a_number_is_refused_and_changes_nothing(
    seeded: App, values: dict[str, str], says: str
) -> None:
    before = snapshot(seeded)
    with session_scope(seeded.db) as session, pytest.raises(InputError, match=says):
        edits.edit_agency(session, "SLEMAN", values, actor="admin", now=NOW)
    assert snapshot(seeded) == before
