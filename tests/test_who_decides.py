"""Who decides a case (PP 94/2021, `workflows/authority.yaml`), through the service layer on
both databases: `case show` names the competent official, the decision records who decided,
a decision by another official is refused with the rule in words and changes nothing, and the
decree is signed by the official who decided (the officer names one who is not the PPK)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import views
from sanctions.db import session_scope
from sanctions.db.models import Case, Letter
from sanctions.errors import GuardFailed, InputError, SanctionsError
from tests.factories import open_case, recommended, s, snapshot, step, walk
from tests.letterdata import SIGNER, sample_letter_data
from tests.officer import TEAM_MEMBERS

if TYPE_CHECKING:
    from tests.conftest import Snapshots

from tests.factories import seed


@pytest.fixture
def seeded(app: App, snapshots: Snapshots) -> App:
    snapshots.restore("who_decides.seeded", app, seed)  # seeded once, copied into each test
    return app


def at_lhp(app: App, level: str, lhp_sanction: str, violations: tuple[str, ...]) -> str:
    """A teacher (pejabat fungsional) of a regency's agency, examined, its LHP written."""
    ref = open_case(app, violations=violations, act_date=date(2024, 10, 3))
    walk(
        app,
        ref,
        [
            *recommended(level),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
            s("susun_lhp", "tim", "2024-11-15", sanction=lhp_sanction),
        ],
    )
    return ref


def shown(app: App, ref: str) -> views.AuthorityView:
    with session_scope(app.db) as session:
        view = views.show_case(app, session, ref, actor="bupati", on=date(2024, 11, 18))
    assert view.authority is not None
    return view.authority


def refused(app: App, ref: str, on: str, **inputs: str) -> SanctionsError:
    before = snapshot(app)
    with pytest.raises(SanctionsError) as excinfo:
        step(app, ref, "putuskan", "bupati", date.fromisoformat(on), **inputs)
    assert snapshot(app) == before
    return excinfo.value


def test_case_show_names_the_regencys_ppk_for_a_berat_case_and_the_rule(seeded: App) -> None:
    ref = at_lhp(seeded, "berat", "B-1", ("DIS-02",))
    authority = shown(seeded, ref)
    assert authority.officials == ("Pejabat Pembina Kepegawaian",)
    assert "B-1 (berat) for a pejabat fungsional of an instansi daerah kabupaten/kota" in (
        authority.rule
    )
    assert authority.decided_by is None


def test_the_decision_records_the_competent_official_and_the_lhp_goes_to_the_ppk(
    seeded: App,
) -> None:
    ref = at_lhp(seeded, "berat", "B-1", ("DIS-02",))
    step(seeded, ref, "putuskan", "bupati", date(2024, 11, 20), sanction="B-1")
    with session_scope(seeded.db) as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        assert case.facts["official"] == "ppk"
        letters = {
            x.kind: x.context
            for x in session.exec(select(Letter).where(Letter.case_id == case.id)).all()
        }
    assert letters["sk_hukuman_disiplin"]["signer"]["title"] == "Bupati Sleman"
    assert shown(seeded, ref).decided_by == "Pejabat Pembina Kepegawaian"


def test_the_lhp_is_addressed_to_the_official_who_decides(seeded: App) -> None:
    # The officer gives no addressee: the PPK's title is derived from the matrix.
    ref2 = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(
        seeded,
        ref2,
        [
            *recommended("berat"),
            s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
            s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
            s("panggil", "tim", "2024-10-30", examination_date="2024-11-11"),
            s("periksa", "tim", "2024-11-11"),
        ],
    )
    data = sample_letter_data(["lhp"])
    data["lhp"] = {k: v for k, v in data["lhp"].items() if k != "report_to"}
    step(seeded, ref2, "susun_lhp", "tim", date(2024, 11, 15), letter_data=data, sanction="B-1")
    with session_scope(seeded.db) as session:
        case_id = session.exec(select(Case.id).where(Case.reference == ref2)).one()
        report_to = session.exec(
            select(Letter).where(Letter.case_id == case_id, Letter.kind == "lhp")
        ).one()
    assert report_to.context["data"]["report_to"] == "Bupati Sleman"


def test_a_berat_decision_by_a_pengawas_is_refused_with_the_rule_and_nothing_changes(
    seeded: App,
) -> None:
    ref = at_lhp(seeded, "berat", "B-1", ("DIS-02",))
    error = refused(seeded, ref, "2024-11-20", sanction="B-1", official="pengawas")
    assert isinstance(error, GuardFailed)
    assert "imposed by the Pejabat Pembina Kepegawaian" in str(error)
    assert "the Pejabat Pengawas may not decide it" in str(error)


def test_an_unknown_official_is_refused_naming_those_allowed(seeded: App) -> None:
    ref = at_lhp(seeded, "berat", "B-1", ("DIS-02",))
    error = refused(seeded, ref, "2024-11-20", sanction="B-1", official="bupati")
    assert isinstance(error, InputError)
    assert "unknown official 'bupati' (allowed: presiden, ppk" in str(error)


def test_a_sedang_decree_of_an_administrator_is_signed_by_the_official_the_officer_names(
    seeded: App,
) -> None:
    ref = at_lhp(seeded, "sedang", "S-1T", ("DIS-03",))
    assert shown(seeded, ref).officials == (
        "Pejabat Administrator",
        "Pejabat Pimpinan Tinggi Pratama",
    )
    # Without a signer the decree is not printed in the Bupati's name: refused, nothing written.
    before = snapshot(seeded)
    unsigned = sample_letter_data(["sk_hukuman_disiplin", "panggilan_penerimaan_keputusan"])
    with pytest.raises(InputError, match="signed by the official who decides, the Pejabat Adm"):
        step(seeded, ref, "putuskan", "bupati", date(2024, 11, 20), unsigned, sanction="S-1T")
    assert snapshot(seeded) == before
    written = step(seeded, ref, "putuskan", "bupati", date(2024, 11, 20), sanction="S-1T")
    decree = next(x for x in written.letters if x.kind == "sk_hukuman_disiplin")
    assert decree.context["signer"]["name"] == SIGNER["name"]
    assert written.case.facts["official"] == "administrator"


def test_the_ppk_decides_a_sedang_case_only_recording_that_no_lower_official_exists(
    seeded: App,
) -> None:
    ref = at_lhp(seeded, "sedang", "S-1T", ("DIS-03",))
    error = refused(seeded, ref, "2024-11-20", sanction="S-1T", official="ppk")
    assert "--set authority_reason=" in str(error)
    written = step(
        seeded,
        ref,
        "putuskan",
        "bupati",
        date(2024, 11, 20),
        sanction="S-1T",
        official="ppk",
        authority_reason="Sekolah tidak memiliki pejabat administrator",
    )
    assert written.case.facts["official"] == "ppk"
    with session_scope(seeded.db) as session:
        kinds = session.exec(
            select(col(Letter.kind)).where(Letter.case_id == written.case.id)
        ).all()
    assert "sk_hukuman_disiplin" in kinds
