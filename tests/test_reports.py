"""Reports: follow-up per agency and PPK, violations, position groups, backlog, and the PDF with
charts, checked against a fixture of three agencies whose outcomes are known."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Case, Deadline
from sanctions.errors import PermissionDenied
from sanctions.registry import service as registry
from sanctions.registry.employees import EmployeeInput
from sanctions.reports import service as svc
from sanctions.reports.figures import (
    CaseRecord,
    Period,
    age_bucket,
    follow_up,
    follow_up_outcome,
    position_group,
    weekly,
)
from sanctions.reports.pdf import CHART_TITLES, render_report_pdf
from tests.factories import (
    NOW,
    PPPK_NIP,
    TODAY,
    Step,
    open_case,
    recommended,
    s,
    seed,
    walk,
    walk_together,
)
from tests.fakes import fake_app_factory
from tests.officer import PANEL_MEMBERS, TEAM_MEMBERS
from tests.pdfa import assert_pdf_a_3b
from tests.pdftext import page_texts

if TYPE_CHECKING:
    from tests.conftest import Snapshots

AS_OF = date(2025, 1, 31)

# Employees beyond the seed's two Sleman teachers: (NIP, type, agency, position, position type).
EMPLOYEES = [
    ("198905142014032002", "PNS", "SLEMAN", "Perawat Ahli Pertama", "fungsional"),
    ("197512041999031003", "PNS", "BANTUL", "Camat Sewon", "administrator"),
    ("199308302020122004", "PNS", "BANTUL", "Bidan Terampil", "fungsional"),
    ("196911181996031002", "PNS", "KLATEN", "Kepala Dinas Pendidikan", "jpt_pratama"),
    ("198712012011011005", "PNS", "KLATEN", "Pengadministrasi Perkantoran", "pelaksana"),
    ("198106112006041002", "PNS", "KLATEN", "Penyuluh Pertanian Ahli Muda", "fungsional"),
    ("199207232019022003", "PNS", "KLATEN", "Dokter Ahli Pertama", "fungsional"),
]
PPK = {
    "BANTUL": ("Bupati Bantul", "Abdul Halim Muslih"),
    "KLATEN": ("Bupati Klaten", "Sri Mulyani"),
}


@dataclass(frozen=True)
class Fixture:
    app: App
    due: date  # the follow-up due date of the cases recommended on 2024-10-21


def build(app: App) -> Fixture:
    """Nine cases in three agencies (outcomes as of 2025-01-31):

    SLEMAN  S1 guru DIS-02 decision delivered on time; S2 guru PPPK ETK-02 moral sanction
            on time; S3 perawat DIS-06 not acted (overdue)
    BANTUL  B1 camat DIS-04+DIS-12 decided late; B2 bidan DIS-07 not acted (overdue)
    KLATEN  K1 kadis DIS-12 decided on time; K2 pelaksana DIS-02 left the service (moot);
            K3 penyuluh DIS-02 recommended 2025-01-20 (waiting); K4 dokter DIS-07 only reported
    """
    seed(app)
    with session_scope(app.db) as session:
        for code, (title, name) in PPK.items():
            registry.add_agency(
                session,
                registry.AgencyInput(
                    code=code,
                    name=f"BKPSDM Kabupaten {code.title()}",
                    kind="daerah",
                    city=code.title(),
                    ppk_title=title,
                    ppk_name=name,
                    parent=f"PEMERINTAH KABUPATEN {code}",
                ),
                actor="admin",
            )
            registry.add_user(
                session,
                actor="admin",
                username=f"bkpsdm_{code.lower()}",
                roles=["kepegawaian", "pejabat", "tim_pemeriksa"],
                known_roles=["kepegawaian", "pejabat", "tim_pemeriksa"],
                agency_code=code,
            )
        for nip, kind, agency, position, position_type in EMPLOYEES:
            registry.add_employee(
                session,
                EmployeeInput(
                    nip=nip,
                    employee_type=kind,
                    name=f"Pegawai {nip[-3:]}",
                    birth_date=date(int(nip[:4]), int(nip[4:6]), int(nip[6:8])),
                    sex="L" if nip[14] == "1" else "P",
                    position=position,
                    position_type=position_type,
                    agency_code=agency,
                ),
                actor="admin",
                today=TODAY,
            )
    perawat, camat, bidan, kadis, pelaksana, penyuluh, dokter = (e[0] for e in EMPLOYEES)
    # The reports of 7 October 2024 are opened that day and dealt with side by side (each
    # office's letters in date order); the later reports follow in the order received.
    s1 = open_case(app)
    s2 = open_case(app, violations=("ETK-02",), act_date=date(2024, 9, 2), nip=PPPK_NIP)
    s3 = open_case(app, violations=("DIS-06",), nip=perawat)
    b1 = open_case(app, violations=("DIS-04", "DIS-12"), nip=camat)
    b2 = open_case(app, violations=("DIS-07",), nip=bidan)
    k1 = open_case(app, violations=("DIS-12",), nip=kadis)
    k2 = open_case(app, nip=pelaksana)
    bantul = "bkpsdm_bantul"
    klaten = "bkpsdm_klaten"
    walk_together(
        app,
        [
            (s1, [*recommended("berat"), *decided("bkpsdm", "bupati", "tim", "2024-10-28")]),
            (
                s2,
                [
                    *recommended("moral"),
                    s("bentuk_majelis", "bkpsdm", "2024-10-30", members=PANEL_MEMBERS),
                    s("sidangkan", "majelis", "2024-11-05"),
                    s("jatuhkan_sanksi_moral", "bupati", "2024-11-12", sanction="MOR-T"),
                ],
            ),
            (s3, recommended("berat")),
            (b1, [*recommended("berat"), *decided(bantul, bantul, bantul, "2025-01-06")]),
            (b2, recommended("berat")),
            (k1, [*recommended("berat"), *decided(klaten, klaten, klaten, "2024-11-01")]),
            (
                k2,
                [
                    *recommended("berat"),
                    s("pegawai_keluar", "pengawas", "2024-11-15", reason="pensiun"),
                ],
            ),
        ],
    )
    open_case(
        app,
        violations=("DIS-07",),
        nip=dokter,
        act_date=date(2024, 11, 1),
        reported_on=date(2024, 11, 5),
    )
    k3 = open_case(app, nip=penyuluh, act_date=date(2024, 11, 20), reported_on=date(2025, 1, 3))
    walk(
        app,
        k3,
        [
            s("kaji", "bawaslu", "2025-01-06"),
            s("teruskan", "bawaslu", "2025-01-08"),
            s("minta_klarifikasi", "pengawas", "2025-01-10"),
            s("rekomendasikan", "pengawas", "2025-01-20", level="berat"),
        ],
    )
    with session_scope(app.db) as session:
        due = session.exec(
            select(Deadline.due_date)
            .join(Case, col(Case.id) == Deadline.case_id)
            .where(Case.reference == s1, Deadline.name == "tindak_lanjut_ppk")
            .order_by(col(Deadline.id))
        ).first()
    assert due is not None
    return Fixture(app, due)


def decided(officer: str, ppk: str, team: str, on: str) -> list[Step]:
    """From the recommendation to the decision delivered: the PPK's follow-up (issue 10),
    starting on `on` and delivered 20 working days later at most."""
    start = date.fromisoformat(on)
    when = [start + timedelta(days=d) for d in (0, 1, 2, 14, 15, 16, 18)]
    day = [d.isoformat() for d in when]
    return [
        s("tindak_lanjuti", officer, day[0]),
        s("bentuk_tim", ppk, day[1], members=TEAM_MEMBERS),
        s("panggil", team, day[2], examination_date=day[3]),
        s("periksa", team, day[3]),
        s("susun_lhp", team, day[4], sanction="B-1"),
        s("putuskan", ppk, day[5], sanction="B-1"),
        s("serahkan", officer, day[6]),
    ]


@pytest.fixture
def fixture(app: App, snapshots: Snapshots) -> Fixture:
    """`build`'s nine cases, built once and copied into each test's database."""
    return Fixture(app, snapshots.restore("reports", app, lambda built: build(built).due))


def table(rows: list[svc.reports.FollowUpRow]) -> list[tuple[object, ...]]:
    return [
        (r.key, r.recommended, r.on_time, r.late, r.not_acted, r.overdue, r.moot, r.worst_days_late)
        for r in rows
    ]


# -- follow-up ------------------------------------------------------------------------------
def test_follow_up_per_agency_counts_on_time_late_not_acted_and_moot(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.follow_up(fixture.app, session, actor="admin", on=AS_OF)
    overdue_days = (AS_OF - fixture.due).days
    assert table(rows) == [
        # key, recommended, on time, late, not acted, overdue, moot, worst days late
        ("BANTUL", 2, 0, 1, 1, 1, 0, overdue_days),
        ("SLEMAN", 3, 2, 0, 1, 1, 0, overdue_days),
        ("KLATEN", 3, 1, 0, 1, 0, 1, 0),
        ("JUMLAH", 8, 3, 1, 3, 2, 1, overdue_days),
    ]
    rates = {r.key: r.rate for r in rows}
    assert rates == pytest.approx({"BANTUL": 0.5, "SLEMAN": 2 / 3, "KLATEN": 0.5, "JUMLAH": 4 / 7})


def test_follow_up_per_ppk_is_keyed_by_the_agency_ppk(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.follow_up(fixture.app, session, actor="admin", on=AS_OF, by="ppk")
    assert [(r.key, r.name, r.recommended) for r in rows] == [
        ("Bupati Bantul (Abdul Halim Muslih)", "BANTUL", 2),
        ("Bupati Sleman (Drs. Harda)", "SLEMAN", 3),
        ("Bupati Klaten (Sri Mulyani)", "KLATEN", 3),
        ("JUMLAH", "semua", 8),
    ]


def test_follow_up_in_a_period_counts_only_recommendations_made_in_it(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.follow_up(
            fixture.app, session, actor="admin", on=AS_OF, period=Period(date(2025, 1, 1), None)
        )
        one_agency = svc.follow_up(
            fixture.app, session, actor="admin", on=AS_OF, agency_code="BANTUL"
        )
    assert table(rows) == [("KLATEN", 1, 0, 0, 1, 0, 0, 0), ("JUMLAH", 1, 0, 0, 1, 0, 0, 0)]
    assert [r.key for r in one_agency] == ["BANTUL", "JUMLAH"]


def test_a_recommendation_still_within_its_deadline_is_waiting_not_overdue(
    fixture: Fixture,
) -> None:
    with session_scope(fixture.app.db) as session:
        before_due = svc.follow_up(
            fixture.app, session, actor="admin", on=fixture.due, agency_code="SLEMAN"
        )
    assert table(before_due)[0] == ("SLEMAN", 3, 2, 0, 1, 0, 0, 0)


# -- violations, positions, backlog ---------------------------------------------------------
def test_violations_count_each_code_and_single_out_teachers_and_health_workers(
    fixture: Fixture,
) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.violations(fixture.app, session, actor="admin")
    assert [
        (r["code"], r["cases"], r["guru_dosen"], r["tenaga_kesehatan"], r["others"])
        for r in (row.as_dict() for row in rows)
    ] == [
        ("DIS-02", 3, 1, 0, 2),
        ("DIS-07", 2, 0, 2, 0),
        ("DIS-12", 2, 0, 0, 2),
        ("DIS-04", 1, 0, 0, 1),
        ("DIS-06", 1, 0, 1, 0),
        ("ETK-02", 1, 1, 0, 0),
    ]
    assert rows[0].conduct == fixture.app.catalogue.violation("DIS-02").conduct


def test_positions_group_cases_with_their_shares(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.positions(fixture.app, session, actor="admin")
    assert [(r.group, r.cases, r.share_percent, r.singled_out) for r in rows] == [
        ("jpt", 1, 11.1, False),
        ("kepala_wilayah", 1, 11.1, False),
        ("guru_dosen", 2, 22.2, True),
        ("tenaga_kesehatan", 3, 33.3, True),
        ("fungsional", 1, 11.1, False),
        ("pelaksana", 1, 11.1, False),
    ]


def test_backlog_counts_open_cases_by_stage_and_age(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.backlog(fixture.app, session, actor="admin", on=AS_OF)
    found = {r.state: (dict(r.by_age), r.total, r.oldest_days) for r in rows}
    assert found == {
        "dilaporkan": ({"61-90 hari": 1}, 1, 87),
        "direkomendasikan": ({"91-180 hari": 2, "0-30 hari": 1}, 3, 116),
        "disampaikan": ({"91-180 hari": 3}, 3, 116),
        "sanksi_moral": ({"91-180 hari": 1}, 1, 116),
    }
    assert [r.state for r in rows] == [
        "dilaporkan",
        "direkomendasikan",
        "disampaikan",
        "sanksi_moral",
    ]


# -- who sees what --------------------------------------------------------------------------
def test_a_user_with_roles_for_one_agency_sees_only_that_agency(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session:
        rows = svc.follow_up(fixture.app, session, actor="bkpsdm_klaten", on=AS_OF)
        with pytest.raises(PermissionDenied, match="no role for agency 'SLEMAN'"):
            svc.follow_up(
                fixture.app, session, actor="bkpsdm_klaten", on=AS_OF, agency_code="SLEMAN"
            )
    assert [r.key for r in rows] == ["KLATEN", "JUMLAH"]


def test_a_user_without_any_role_gets_no_report(fixture: Fixture) -> None:
    with session_scope(fixture.app.db) as session, pytest.raises(PermissionDenied):
        svc.backlog(fixture.app, session, actor="stranger", on=AS_OF)


# -- the PDF --------------------------------------------------------------------------------
# The report's figures are checked on both databases above; its PDF is the same page whichever
# database they came from, so it is rendered once (a report PDF costs seconds on a loaded CI).
@pytest.mark.pdf
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_pdf_report_is_pdf_a_3b_with_vector_charts_and_its_bundled_fonts(
    fixture: Fixture, tmp_path: Path
) -> None:
    with session_scope(fixture.app.db) as session:
        data = svc.leadership_report(fixture.app, session, actor="admin", on=AS_OF, now=NOW)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report_pdf(data, renderer=fixture.app.pdf_renderer))
    assert assert_pdf_a_3b(pdf.read_bytes()) == {"Report-Sans", "Report-Sans-Bold"}
    reader = PdfReader(pdf)
    text = " ".join(page_texts(pdf.read_bytes()))  # poppler: pypdf took 3 s on the charts
    for title in CHART_TITLES.values():
        assert title in text
    assert "Bupati Bantul" in text
    content = " ".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    fills = set(re.findall(r"([\d.]+ [\d.]+ [\d.]+) rg", content))
    assert {ON_TIME_GREEN, OVERDUE_RED} <= fills  # the follow-up bars, in their colours
    assert len(re.findall(r"\s(?:m|l|c)\s", content)) > 2000  # charts drawn as vector paths
    assert not any(  # and no bitmap anywhere
        x.get_object().get("/Subtype") == "/Image"
        for page in reader.pages
        for x in page["/Resources"].get("/XObject", {}).values()
    )
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
        )
        assert (tmp_path / "p-1.png").stat().st_size > 5000


ON_TIME_GREEN = "0.180392 0.490196 0.196078"  # #2e7d32
OVERDUE_RED = "0.776471 0.156863 0.156863"  # #c62828


# -- CLI ------------------------------------------------------------------------------------
# The command writes its PDF with the fake renderer: the real report PDF is the test above's.
def test_report_commands_print_tables_csv_json_and_write_a_pdf(
    fixture: Fixture, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path)}

    def run(*args: str) -> str:
        result = runner.invoke(
            cli, ["report", *args], env=env, catch_exceptions=False, obj=fake_app_factory()
        )
        assert result.exit_code == 0, result.output
        return result.stdout

    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()  # the OS/DB user
    with session_scope(fixture.app.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["pengawas"],
            known_roles=["pengawas"],
            agency_code=None,
        )
    aligned = run("followup", "--as-of", "2025-01-31")
    assert re.search(r"BANTUL\s+2\s+0\s+1\s+1\s+1\s+0\s+50.0%", aligned)
    csv_text = run("violations", "--csv")
    assert csv_text.splitlines()[0] == "code,conduct,cases,guru_dosen,tenaga_kesehatan,others"
    backlog = json.loads(run("backlog", "--as-of", "2025-01-31", "--json"))
    assert sum(r["total"] for r in backlog) == 8
    assert "guru" in run("positions").lower()
    pdf = tmp_path / "out.pdf"
    run("followup", "--as-of", "2025-01-31", "--agency", "SLEMAN", "--pdf", str(pdf))
    assert PdfReader(pdf).pages[0].extract_text().startswith("Laporan Pengawasan Netralitas ASN")


def test_matplotlib_is_loaded_only_for_a_pdf() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from sanctions.cli import cli; "
        "CliRunner().invoke(cli, ['report', '--help']); import sanctions.cli.reports, "
        "sanctions.reports.pdf, sanctions.reports.service; "
        "print('matplotlib' in sys.modules, 'weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- the arithmetic on its own ----------------------------------------------------------------
@pytest.mark.pure
@pytest.mark.parametrize(
    ("position", "position_type", "group"),
    [
        ("Guru Ahli Pertama", "fungsional", "guru_dosen"),
        ("Dosen Lektor Kepala", "fungsional", "guru_dosen"),
        ("Perawat Ahli Muda", "fungsional", "tenaga_kesehatan"),
        ("Bidan Terampil", "fungsional", "tenaga_kesehatan"),
        ("Apoteker Ahli Pertama", "fungsional", "tenaga_kesehatan"),
        ("Pranata Laboratorium Kesehatan Terampil", "fungsional", "tenaga_kesehatan"),
        ("Kepala Dinas Kesehatan", "jpt_pratama", "jpt"),
        ("Camat Depok", "administrator", "kepala_wilayah"),
        ("Kepala Bagian Umum", "administrator", "administrator"),
        ("Penyuluh Pertanian Ahli Muda", "fungsional", "fungsional"),
        ("Pengadministrasi Perkantoran", "pelaksana", "pelaksana"),
        ("Staf", "", "lainnya"),
    ],
)
def test_position_group_singles_out_teachers_health_workers_and_heads_of_area(
    position: str, position_type: str, group: str
) -> None:
    assert position_group(position, position_type) == group


def record(**changes: object) -> CaseRecord:
    values: dict[str, object] = {
        "reference": "NET-2024-000001",
        "agency_code": "A",
        "agency_name": "Agency A",
        "ppk": "Bupati A (X)",
        "state": "direkomendasikan",
        "is_open": True,
        "reported_on": date(2024, 10, 7),
        "act_date": date(2024, 10, 3),
        "position": "Guru",
        "position_type": "fungsional",
        "violation_codes": ("DIS-02",),
        "recommended_on": date(2024, 10, 21),
        "follow_up_due": date(2024, 12, 3),
    }
    return CaseRecord(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.pure
def test_follow_up_outcome_follows_the_way_the_case_left_the_recommendation() -> None:
    day = date(2024, 12, 10)
    assert follow_up_outcome(record(recommended_on=None), day) is None
    delivered = record(left_by="serahkan", acted=True, follow_up_met=True)
    assert follow_up_outcome(delivered, day) == "on_time"
    moral = record(left_by="jatuhkan_sanksi_moral", acted=True, follow_up_met=False)
    assert follow_up_outcome(moral, day) == "late"
    assert follow_up_outcome(record(left_by="pegawai_keluar"), day) == "moot"
    assert follow_up_outcome(record(), date(2024, 12, 3)) == "waiting"
    assert follow_up_outcome(record(), day) == "overdue"


@pytest.mark.pure
def test_lateness_of_an_acted_case_is_counted_to_the_day_it_acted() -> None:
    late = record(left_by="serahkan", acted=True, left_on=date(2024, 12, 13), follow_up_met=False)
    rows = follow_up([late, record()], on=date(2024, 12, 23))
    assert (rows[0].late, rows[0].overdue, rows[0].worst_days_late) == (1, 1, 20)


@pytest.mark.pure
def test_age_buckets_and_weeks_without_cases_are_shown() -> None:
    assert [age_bucket(d) for d in (0, 30, 31, 90, 180, 181)] == [
        "0-30 hari",
        "0-30 hari",
        "31-60 hari",
        "61-90 hari",
        "91-180 hari",
        "> 180 hari",
    ]
    weeks = weekly([record(act_date=date(2024, 10, 3)), record(act_date=date(2024, 10, 24))])
    assert weeks == [
        (date(2024, 9, 30), 1),
        (date(2024, 10, 7), 0),
        (date(2024, 10, 14), 0),
        (date(2024, 10, 21), 1),
    ]
