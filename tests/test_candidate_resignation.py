"""An ASN set as a candidate without resigning (UU 20/2023 Ps 56, 59(3)), on both databases:
the PPK asks for the written resignation by a due date; a resignation ends the case and the
supervisory body is told; without one the PPK follows up on the discipline track. The path
is only for the codes the workflow declares."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from sanctions.app import App
from sanctions.errors import GuardFailed
from tests.factories import open_case, recommended, seed, snapshot, step, walk

if TYPE_CHECKING:
    from tests.conftest import Snapshots

ASKED_ON = date(2024, 10, 28)
CANDIDACY = "calon Wakil Bupati Sleman pada Pemilihan Bupati dan Wakil Bupati Sleman Tahun 2024"


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("resignation.seeded", app, seed)
    return app


def asked(app: App) -> str:
    ref = open_case(app, violations=("UU20-59",), act_date=date(2024, 10, 3))
    walk(app, ref, recommended("berat"))
    written = step(
        app, ref, "minta_pengunduran_diri", "bkpsdm", ASKED_ON,
        candidacy=CANDIDACY, candidate_determined_on="2024-09-22",
    )  # fmt: skip
    assert written.case.state == "pengunduran_diri_diminta"
    [request] = written.letters
    assert request.kind == "permintaan_pengunduran_diri"
    data = request.context["data"]
    assert data["candidacy"] == CANDIDACY
    assert data["candidate_determined_on"] == {"$date": "2024-09-22"}
    due = app.calendar.add_working_days(ASKED_ON, 7)
    assert data["statement_due"] == {"$date": due.isoformat()}
    assert data["recommendation_number"]
    return ref


def test_a_candidate_who_resigns_ends_the_case_and_the_supervisory_body_is_told(
    seeded: App,
) -> None:
    ref = asked(seeded)
    written = step(
        seeded, ref, "catat_pengunduran_diri", "bkpsdm", date(2024, 11, 1),
        resigned_on="2024-10-31", reason="surat pernyataan pengunduran diri 31 Oktober 2024",
    )  # fmt: skip
    assert written.case.state == "mengundurkan_diri"
    [notice] = written.letters
    assert notice.kind == "pemberitahuan_tidak_terbukti"
    assert notice.context["data"]["finding"] == "mengundurkan_diri"
    assert notice.context["data"]["resigned_on"] == {"$date": "2024-10-31"}


def test_a_candidate_who_does_not_resign_goes_on_to_the_discipline_track(seeded: App) -> None:
    ref = asked(seeded)
    written = step(seeded, ref, "tindak_lanjuti", "bkpsdm", date(2024, 11, 11))
    assert written.case.state == "ditindaklanjuti"
    assert written.case.facts["pengunduran_diri_diminta_on"] == ASKED_ON.isoformat()


def test_the_resignation_path_is_refused_for_another_violation_and_changes_nothing(
    seeded: App,
) -> None:
    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(seeded, ref, recommended("berat"))
    before = snapshot(seeded)
    with pytest.raises(GuardFailed) as refused:
        step(
            seeded, ref, "minta_pengunduran_diri", "bkpsdm", ASKED_ON,
            candidacy=CANDIDACY, candidate_determined_on="2024-09-22",
        )  # fmt: skip
    assert "UU20-59" in str(refused.value) and "DIS-02" in str(refused.value)
    assert snapshot(seeded) == before
