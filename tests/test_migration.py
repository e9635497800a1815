"""Migrating open cases to another workflow version: the 2024 hand-over of KASN's files (SE
MenPANRB 04/2024), the future independent body, bad plans, re-runs, crashes and races."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import migration, views
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, CaseEvent, Letter
from sanctions.errors import DefinitionError
from sanctions.law.load import load_law
from sanctions.law.migrations import load_plan
from sanctions.registry import service as registry
from sanctions.settings import Settings
from tests.factories import (
    KNOWN_ROLES,
    NOW,
    open_case,
    s,
    seed,
    snapshot,
    step,
    walk,
    walk_together,
)
from tests.fakes import fake_app_factory
from tests.waiting import kill_all, wait_until

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "migrations"
ON = date(2024, 9, 10)

# A KASN-era case (Pemilu 2024: penetapan calon 13 Nov 2023), walked to a given state.
KASN_STEPS = [
    s("kaji", "bawaslu", "2023-12-05"),
    s("teruskan", "bawaslu", "2023-12-06"),
    s("minta_klarifikasi", "pengawas", "2023-12-07"),
    s("rekomendasikan", "pengawas", "2023-12-11", level="berat"),
    s("tindak_lanjuti", "bkpsdm", "2023-12-12"),
]
STATES = {
    "dilaporkan": 0,
    "klarifikasi": 3,
    "direkomendasikan": 4,
    "ditindaklanjuti": 5,
}


def kasn_cases_side_by_side(app: App, states: list[str]) -> list[str]:
    """KASN cases reported on one day, each walked to its state side by side (each office's
    letters in date order)."""
    refs = [
        open_case(app, contest="PEMILU-2024", act_date=date(2023, 11, 20),
                  reported_on=date(2023, 12, 4))
        for _ in states
    ]  # fmt: skip
    walk_together(
        app, [(ref, KASN_STEPS[: STATES[st]]) for ref, st in zip(refs, states, strict=True)]
    )
    return refs


def add_menpanrb(app: App) -> None:
    with session_scope(app.db) as session:
        registry.add_agency(
            session,
            registry.AgencyInput(
                code="MENPANRB",
                name="Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                kind="pusat",
                city="Jakarta",
                ppk_title="Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
                ppk_name="Menteri PANRB",
                unit_code="SDMA",
                numbering_pattern="{sifat_prefix}/{seq}/{agency}/{month:02d}/{year}",
            ),
            actor="admin",
        )


def build_kasn_cases(app: App) -> dict[str, str]:
    seed(app)
    add_menpanrb(app)
    return dict(zip(STATES, kasn_cases_side_by_side(app, list(STATES)), strict=True))


@pytest.fixture
def kasn_cases(app: App, snapshots: Snapshots) -> dict[str, str]:
    """Open KASN cases, one in each state of STATES (built once, copied into each test)."""
    return snapshots.restore("migration.kasn_cases", app, build_kasn_cases)


def cases_by_ref(app: App) -> dict[str, Case]:
    with session_scope(app.db) as session:
        return {c.reference: c for c in session.exec(select(Case)).all()}


def migration_events(app: App) -> list[tuple[int, str]]:
    with session_scope(app.db) as session:
        return list(
            session.exec(
                select(CaseEvent.case_id, CaseEvent.trigger).where(
                    col(CaseEvent.trigger).startswith(migration.TRIGGER_PREFIX)
                )
            ).all()
        )


def run(app: App, key: str, *, dry_run: bool = False) -> migration.MigrationReport:
    plan = migration.plan(app, key)
    return migration.migrate(app, plan, actor="admin", on=ON, now=NOW, dry_run=dry_run)


# -- the plans as declared data -----------------------------------------------------------
@pytest.mark.pure
def test_the_2024_plans_split_kasn_s_files_between_bkn_and_menpanrb() -> None:
    law = load_law(REPO / "workflows", REPO / "letter_templates", tukin_regulation_in_force=None)
    bkn, menpanrb = law.migrations["kasn-ke-bkn-2024"], law.migrations["kasn-ke-menpanrb-2024"]
    assert (bkn.source, bkn.target, menpanrb.target) == ("skb-2022", "bkn-2024", "menpanrb-2024")
    assert bkn.effective == menpanrb.effective == date(2024, 8, 24)
    assert "Nomor 04 Tahun 2024" in bkn.instrument
    assert bkn.takes("klarifikasi", {"buka", "kaji"})
    assert not bkn.takes("direkomendasikan", {"rekomendasikan"})
    assert menpanrb.takes("direkomendasikan", {"rekomendasikan"})
    assert law.bodies["kasn"].valid_until == date(2024, 8, 24)
    assert law.bodies["bkn"].valid_from == date(2024, 8, 24)
    assert law.bodies["independen"].valid_from is None  # declared, not established yet
    assert not law.workflows.get("menpanrb-2024").opens_cases
    assert law.workflows.for_date(date(2024, 8, 24)).version == "bkn-2024"


def _expected_missing() -> str:
    law = load_law(REPO / "workflows", REPO / "letter_templates", tukin_regulation_in_force=None)
    skb = law.workflows.get("skb-2022")
    open_states = [n for n, st in skb.states.items() if not st.terminal and n != "dilaporkan"]
    return (
        f"states: maps no target state for {', '.join(open_states)}: every non-terminal "
        "state of skb-2022 needs one"
    )


BAD_PLANS = {
    "maps_no_state_for_some": None,  # computed: lists every state the plan misses
    "maps_to_an_unknown_state": (
        "states.klarifikasi: 'klarifikasi_bkn' is not a state of bkn-2024"
    ),
    "leaves_a_case_unable_to_move": (
        "states.klarifikasi: 'ditolak' of bkn-2024 has no step out: a case moved there could "
        "not move again"
    ),
    "maps_a_terminal_state": "states.ditutup: 'ditutup' is terminal in skb-2022: no case is "
    "open there",
    "takes_by_an_unknown_rule": (
        "takes.rule: unknown rule 'processed' (known: recommended_by_old_body, "
        "not_recommended_by_old_body)"
    ),
    "moves_to_its_own_version": "to: a plan moves cases to another version than their own",
    "names_an_unknown_version": (
        "to: no workflow version 'bkn-2025' (known: bkn-2024, menpanrb-2024, skb-2022)"
    ),
    "issues_an_unknown_letter": (
        "letters[0]: unknown document kind 'pemberitahuan' (declared in "
        "letter_templates/documents.yaml)"
    ),
}


@pytest.mark.pure
def test_every_bad_plan_fixture_has_its_expected_refusal() -> None:
    assert sorted(p.stem for p in DATA.glob("*.yaml")) == sorted(BAD_PLANS)


@pytest.mark.pure
@pytest.mark.parametrize("fixture", sorted(BAD_PLANS))
def test_a_bad_plan_is_refused_naming_the_file_and_the_path(fixture: str) -> None:
    law = load_law(REPO / "workflows", REPO / "letter_templates", tukin_regulation_in_force=None)
    path = DATA / f"{fixture}.yaml"
    with pytest.raises(DefinitionError) as refused:
        load_plan(path, law.workflows, law.documents)
    expected = BAD_PLANS[fixture] or _expected_missing()
    assert str(refused.value) == f"tests/data/migrations/{fixture}.yaml: {expected}"


# -- applying the 2024 plans ---------------------------------------------------------------
def test_a_dry_run_lists_the_cases_it_would_move_and_writes_nothing(
    app: App, kasn_cases: dict[str, str]
) -> None:
    before = snapshot(app)
    report = run(app, "kasn-ke-bkn-2024", dry_run=True)
    assert [(r.case.reference, r.case.state, r.case.target_state, r.status)
            for r in report.rows] == [
        (kasn_cases["dilaporkan"], "dilaporkan", "dilaporkan", "would_migrate"),
        (kasn_cases["klarifikasi"], "klarifikasi", "klarifikasi", "would_migrate"),
    ]  # fmt: skip
    assert snapshot(app) == before


def test_the_2024_plans_move_unprocessed_files_to_bkn_and_processed_ones_to_menpanrb(
    app: App, kasn_cases: dict[str, str]
) -> None:
    due_before = {
        ref: [(d.deadline.name, d.deadline.due_date) for d in _show(app, ref).deadlines]
        for ref in kasn_cases.values()
    }
    to_bkn = run(app, "kasn-ke-bkn-2024")
    to_menpanrb = run(app, "kasn-ke-menpanrb-2024")
    assert [r.status for r in to_bkn.rows + to_menpanrb.rows] == ["migrated"] * 4
    by_ref = cases_by_ref(app)
    assert by_ref[kasn_cases["dilaporkan"]].workflow_version == "bkn-2024"
    assert by_ref[kasn_cases["klarifikasi"]].workflow_version == "bkn-2024"
    assert by_ref[kasn_cases["direkomendasikan"]].workflow_version == "menpanrb-2024"
    assert by_ref[kasn_cases["ditindaklanjuti"]].workflow_version == "menpanrb-2024"
    for ref, case in by_ref.items():  # states kept, deadlines carried with their budget
        assert case.state in STATES
        after = [(d.deadline.name, d.deadline.due_date) for d in _show(app, ref).deadlines]
        assert after == due_before[ref]
    # the successor told the PPK, on its own letterhead and in its own series
    with session_scope(app.db) as session:
        notices = session.exec(
            select(Letter, Agency.code)
            .join(Agency, col(Agency.id) == Letter.agency_id)
            .where(Letter.kind == "pemberitahuan_pengalihan")
            .order_by(col(Letter.id))
        ).all()
    assert [code for _, code in notices] == ["BKN", "BKN", "MENPANRB", "MENPANRB"]
    assert notices[0][0].number.endswith("/BKN/DWASDAL/09/2024")
    body = notices[0][0].context
    assert body["agency"]["name"] == "Badan Kepegawaian Negara"
    assert body["data"]["previous_body"] == "Komisi Aparatur Sipil Negara"
    assert "Nomor 04 Tahun 2024" in body["data"]["instrument"]


def test_after_the_hand_over_the_case_s_letters_carry_bkn_s_letterhead_and_numbers(
    app: App, kasn_cases: dict[str, str]
) -> None:
    run(app, "kasn-ke-bkn-2024")
    ref = kasn_cases["klarifikasi"]
    written = step(app, ref, "rekomendasikan", "pengawas", date(2024, 9, 11), level="berat")
    [letter] = written.letters
    assert letter.kind == "rekomendasi"
    assert letter.context["agency"]["name"] == "Badan Kepegawaian Negara"
    assert letter.context["supervisory_body"]["short_name"] == "BKN"
    assert letter.number.endswith("/BKN/DWASDAL/09/2024")


def test_a_re_run_migrates_nothing_and_every_chain_verifies(
    app: App, kasn_cases: dict[str, str]
) -> None:
    run(app, "kasn-ke-bkn-2024")
    run(app, "kasn-ke-menpanrb-2024")
    before = snapshot(app)
    assert run(app, "kasn-ke-bkn-2024").rows == []
    assert run(app, "kasn-ke-menpanrb-2024").rows == []
    assert snapshot(app) == before
    from sanctions.trust.audit import verify

    with session_scope(app.db) as session:
        assert verify(session) == (4, [])


def test_a_case_changed_after_the_plan_was_read_is_left_for_the_next_run(
    app: App, kasn_cases: dict[str, str]
) -> None:
    plan = migration.plan(app, "kasn-ke-bkn-2024")
    with session_scope(app.db) as session:
        planned = migration.plan_cases(session, plan)
    step(app, kasn_cases["dilaporkan"], "kaji", "bawaslu", date(2024, 9, 9))
    report = migration.apply_planned(app, plan, planned, actor="admin", on=ON, now=NOW)
    assert [r.status for r in report.rows] == ["changed", "migrated"]
    assert report.failed
    assert cases_by_ref(app)[kasn_cases["dilaporkan"]].workflow_version == "skb-2022"
    again = run(app, "kasn-ke-bkn-2024")
    assert [(r.case.reference, r.status) for r in again.rows] == [
        (kasn_cases["dilaporkan"], "migrated")
    ]


def test_migrating_needs_an_admin(app: App, kasn_cases: dict[str, str]) -> None:
    from sanctions.errors import PermissionDenied

    plan = migration.plan(app, "kasn-ke-bkn-2024")
    before = snapshot(app)
    with pytest.raises(PermissionDenied):
        migration.migrate(app, plan, actor="pengawas", on=ON, now=NOW, dry_run=False)
    assert snapshot(app) == before


def _show(app: App, ref: str) -> views.CaseView:
    with session_scope(app.db) as session:
        return views.show_case(app, session, ref, actor="admin", on=ON)


def test_case_show_and_history_say_that_and_when_a_case_was_migrated(
    app: App, kasn_cases: dict[str, str], db_url: str
) -> None:
    run(app, "kasn-ke-bkn-2024")
    ref = kasn_cases["klarifikasi"]
    runner = CliRunner()
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(app.settings.letter_store),
    }
    me = runner.invoke(cli, ["user", "whoami"], env=env, obj=fake_app_factory()).output.strip()
    with session_scope(app.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["admin"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip
    shown = runner.invoke(cli, ["case", "show", ref, "--as-of", "2024-09-10"], env=env,
                          obj=fake_app_factory())  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "migrated:   skb-2022 -> bkn-2024 on 2024-09-10 (plan kasn-ke-bkn-2024" in shown.output
    history = runner.invoke(cli, ["case", "history", ref, "--json"], env=env,
                            obj=fake_app_factory())  # fmt: skip
    assert "migrasi:kasn-ke-bkn-2024" in history.output


def test_workflow_migrate_prints_the_plan_and_exits_zero_then_finds_nothing(
    app: App, kasn_cases: dict[str, str], db_url: str
) -> None:
    runner = CliRunner()
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(app.settings.letter_store),
    }
    me = runner.invoke(cli, ["user", "whoami"], env=env, obj=fake_app_factory()).output.strip()
    with session_scope(app.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["admin"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip
    args = ["workflow", "migrate", "kasn-ke-bkn-2024", "--on", "2024-09-10"]
    dry = runner.invoke(cli, [*args, "--dry-run"], env=env, obj=fake_app_factory())
    assert dry.exit_code == 0, dry.output
    assert "2 would_migrate" in dry.output and kasn_cases["klarifikasi"] in dry.output
    done = runner.invoke(cli, [*args, "--json"], env=env, obj=fake_app_factory())
    assert done.exit_code == 0, done.output
    assert '"migrated": 2' in done.output
    again = runner.invoke(cli, args, env=env, obj=fake_app_factory())
    assert again.exit_code == 0 and "nothing to do" in again.output


KILLABLE = """
import sys
from datetime import date
sys.path.insert(0, {root!r})
from pathlib import Path
from sanctions.app import App
from sanctions.cases import migration
from sanctions.db import make_engine
from sanctions.settings import Settings
from tests.factories import NOW
from tests.fakes import FakePdfRenderer
app = App(Settings(database_url={url!r}, letter_store=Path({store!r})),
          db=make_engine({url!r}), pdf_renderer=FakePdfRenderer())
plan = migration.plan(app, "kasn-ke-bkn-2024")
print("ready", flush=True)
sys.stdin.readline()
migration.migrate(app, plan, actor="admin", on=date(2024, 9, 10), now=NOW, dry_run=False)
print("done", flush=True)
"""

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@pytest.mark.slow
def test_a_migration_killed_mid_run_leaves_each_case_migrated_once_or_untouched(
    app: App, db_url: str
) -> None:
    seed(app)
    refs = kasn_cases_side_by_side(app, ["klarifikasi"] * 6)
    script = KILLABLE.format(root=str(REPO), url=db_url, store=str(app.settings.letter_store))
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == b"ready"
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
        wait_until(lambda: len(migration_events(app)) >= 2, timeout=120,
                   what="two cases migrated", process=proc)  # fmt: skip
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        kill_all([proc])
    first = migration_events(app)
    assert 2 <= len(first) <= 6
    by_ref = cases_by_ref(app)
    for ref in refs:  # each case migrated or untouched, never half
        assert by_ref[ref].workflow_version in ("skb-2022", "bkn-2024")
    run(app, "kasn-ke-bkn-2024")
    events = migration_events(app)
    assert len(events) == 6 and len({case_id for case_id, _ in events}) == 6
    assert {c.workflow_version for c in cases_by_ref(app).values()} == {"bkn-2024"}
    from sanctions.trust.audit import verify

    with session_scope(app.db) as session:
        assert verify(session) == (6, [])


# -- the future independent body -----------------------------------------------------------
INDEPENDENT_VERSION = """
workflow: netralitas
version: independen-2027
extends: bkn-2024
title: Penanganan Pelanggaran Netralitas ASN (pengawasan oleh lembaga independen)
supervisory_body: independen
applies_from: 2027-10-16
"""
INDEPENDENT_PLAN = """
migration: bkn-ke-independen-2027
title: Pengalihan berkas BKN kepada lembaga independen
from: bkn-2024
to: independen-2027
effective: 2027-10-16
instrument: Putusan Mahkamah Konstitusi Nomor 121/PUU-XXII/2024
basis: test
confidence: U
states: same
deadlines: recompute
letters: [pemberitahuan_pengalihan]
"""


def test_open_bkn_cases_migrate_to_a_version_for_the_independent_body_once_it_exists(
    app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(REPO / "workflows", folder)
    bodies = (folder / "supervisory_bodies.yaml").read_text(encoding="utf-8")
    (folder / "supervisory_bodies.yaml").write_text(  # the day it is established
        bodies.replace("    agency_code: INDEPENDEN\n",
                       "    agency_code: INDEPENDEN\n    valid_from: 2027-10-16\n"),
        encoding="utf-8",
    )  # fmt: skip
    (folder / "netralitas-independen-2027.yaml").write_text(INDEPENDENT_VERSION, "utf-8")
    (folder / "migrations" / "bkn-ke-independen-2027.yaml").write_text(INDEPENDENT_PLAN, "utf-8")
    settings = Settings(database_url=app.settings.database_url,
                        letter_store=app.settings.letter_store, workflows_dir=folder)  # fmt: skip
    future = App(settings, db=app.db, pdf_renderer=app.pdf_renderer)
    seed(future)
    with session_scope(future.db) as session:
        registry.add_agency(
            session,
            registry.AgencyInput(
                code="INDEPENDEN",
                name="Lembaga Independen Pengawas Sistem Merit ASN",
                kind="pusat",
                city="Jakarta",
                ppk_title="Ketua Lembaga Independen Pengawas Sistem Merit ASN",
                ppk_name="Ketua",
                unit_code="LI",
            ),
            actor="admin",
        )
    ref = open_case(future)  # a BKN-era case (Pilkada 2024), now at the recommendation
    walk(future, ref, [s("kaji", "bawaslu", "2024-10-08"), s("teruskan", "bawaslu", "2024-10-10"),
                       s("minta_klarifikasi", "pengawas", "2024-10-14"),
                       s("rekomendasikan", "pengawas", "2024-10-21", level="berat")])  # fmt: skip
    plan = migration.plan(future, "bkn-ke-independen-2027")
    report = migration.migrate(future, plan, actor="admin", on=date(2027, 10, 18), now=NOW,
                               dry_run=False)  # fmt: skip
    assert [r.status for r in report.rows] == ["migrated"]
    with session_scope(future.db) as session:
        case = views.case_by_reference(session, ref)
        notice = session.exec(select(Letter).where(Letter.kind == "pemberitahuan_pengalihan")).one()
    assert case.workflow_version == "independen-2027"
    assert notice.context["agency"]["name"] == "Lembaga Independen Pengawas Sistem Merit ASN"
    assert notice.context["data"]["previous_body"] == "Badan Kepegawaian Negara"
