"""The officer's day: `desk` lists the cases waiting for a step the user's roles may take, the
most pressing first; `case list --overdue` and `report overdue` list every deadline past due on
the case's own route, with who must act, the reminders sent and the ladder's next step."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sanctions.app import App
from sanctions.cases import desk
from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.db import session_scope
from sanctions.deadlines.reminders import run_reminders
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, NOW, open_case, recommended, s, seed, walk, walk_together
from tests.fakes import fake_app_factory
from tests.pdftext import page_texts
from tests.test_reminders import follow_up_due

if TYPE_CHECKING:
    from tests.conftest import Snapshots


@dataclass(frozen=True)
class Day:
    app: App
    late: str  # recommended, reminded once, not followed up
    fresh: str  # recommended later, still within its time
    delivered: str  # a S-2T decision delivered: its route is keberatan
    reported: str  # only reported
    due: date  # `late`'s follow-up due date
    reminded: date  # the day the ladder's first letter went out
    delivered_on: date


def build(app: App) -> tuple[str, str, str, str, date, date, date]:
    seed(app)
    # two reports of 7 October 2024, dealt with side by side (each office's letters in date
    # order)
    late = open_case(app)
    delivered = open_case(app, violations=("DIS-03",), act_date=date(2024, 9, 2))
    walk_together(
        app,
        [
            (late, recommended("berat")),
            (
                delivered,
                [
                    *recommended("sedang"),
                    s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
                    s("panggil", "atasan", "2024-10-29", examination_date="2024-11-08"),
                    s("panggil_ulang", "atasan", "2024-11-08", examination_date="2024-11-20"),
                    s("catat_ketidakhadiran", "atasan", "2024-11-20"),
                    s("putuskan", "bupati", "2024-11-22", sanction="S-2T"),
                    s("serahkan", "bkpsdm", "2024-11-25"),
                ],
            ),
        ],
    )
    due = follow_up_due(app, late)
    reminded = app.calendar.add_working_days(due, 1)
    report = run_reminders(app, as_of=reminded, now=NOW, actor="job", dry_run=False)
    assert [r.case for r in report.rows if r.status == "issued"] == [late]
    fresh = open_case(app, act_date=date(2024, 11, 20), reported_on=date(2024, 12, 2))
    walk(
        app,
        fresh,
        [
            s("kaji", "bawaslu", "2024-12-03"),
            s("teruskan", "bawaslu", "2024-12-04"),
            s("minta_klarifikasi", "pengawas", "2024-12-05"),
            s("rekomendasikan", "pengawas", "2024-12-06", level="berat"),
        ],
    )
    reported = open_case(app, act_date=date(2024, 12, 1), reported_on=date(2024, 12, 6))
    return late, fresh, delivered, reported, due, reminded, date(2024, 11, 25)


@pytest.fixture
def day(app: App, snapshots: Snapshots) -> Day:
    return Day(app, *snapshots.restore("desk", app, build))


AS_OF = date(2024, 12, 20)


def test_the_desk_lists_the_cases_waiting_for_the_users_roles_soonest_due_first(
    day: Day,
) -> None:
    with session_scope(day.app.db) as session:
        rows = desk.desk(day.app, session, actor="bkpsdm", on=AS_OF)
    assert [(r.reference, r.state, r.steps) for r in rows] == [
        (day.late, "direkomendasikan", ["tindak_lanjuti"]),  # not the ethics track's step
        (day.delivered, "disampaikan", ["ajukan_keberatan", "nyatakan_berlaku"]),  # not banding
        (day.fresh, "direkomendasikan", ["tindak_lanjuti"]),
    ]
    late = rows[0]
    assert (late.due, late.stage) == (day.due, "Rekomendasi kepada PPK")
    assert late.days_left == -day.app.calendar.working_days_between(day.due, AS_OF)
    fresh = rows[2]
    assert fresh.due is not None and fresh.days_left == day.app.calendar.working_days_between(
        AS_OF, fresh.due
    )


def test_a_page_of_the_desk_holds_its_rows_in_the_desk_s_order_with_how_many_wait(
    day: Day,
) -> None:
    with session_scope(day.app.db) as session:
        every = desk.desk(day.app, session, actor="bkpsdm", on=AS_OF)
        pages = [
            desk.desk_page(day.app, session, actor="bkpsdm", on=AS_OF, limit=2, offset=offset)
            for offset in (0, 2)
        ]
    assert [p.total for p in pages] == [3, 3]
    assert [len(p.rows) for p in pages] == [2, 1]
    assert [r for p in pages for r in p.rows] == every


def test_the_desk_of_another_role_holds_its_own_cases(day: Day) -> None:
    with session_scope(day.app.db) as session:
        bawaslu = desk.desk(day.app, session, actor="bawaslu", on=AS_OF)
        admin = desk.desk(day.app, session, actor="admin", on=AS_OF)
    assert [(r.reference, r.steps) for r in bawaslu] == [(day.reported, ["kaji"])]
    assert admin == []  # the admin role alone waits for nothing


def test_overdue_lists_each_late_deadline_with_who_acts_reminders_and_the_next_step(
    day: Day,
) -> None:
    with session_scope(day.app.db) as session:
        rows = desk.overdue(day.app, session, actor="pengawas", on=AS_OF)
    found = {(r.reference, r.deadline) for r in rows}
    assert found == {
        (day.late, "tindak_lanjut_ppk"),
        (day.delivered, "batas_keberatan"),
        (day.delivered, "mulai_berlaku"),
    }
    [late] = [r for r in rows if r.reference == day.late]
    assert late.reminders == [("pengingat", day.reminded)]
    assert late.next_step == "teguran"
    assert late.next_step_on == day.app.calendar.add_working_days(day.reminded, 7)
    assert late.who_must_act == ["kepegawaian", "pejabat"]
    assert late.working_days_late == day.app.calendar.working_days_between(day.due, AS_OF)
    [window] = [r for r in rows if r.deadline == "batas_keberatan"]
    assert window.next_step is None and window.reminders == []
    assert window.who_must_act == ["kepegawaian", "atasan_pejabat"]


def test_a_keberatan_case_does_not_show_the_banding_window(day: Day) -> None:
    with session_scope(day.app.db) as session:
        rows = desk.overdue(day.app, session, actor="pengawas", on=AS_OF)
    assert "batas_banding" not in {r.deadline for r in rows if r.reference == day.delivered}


def test_nothing_is_overdue_before_the_due_dates(day: Day) -> None:
    with session_scope(day.app.db) as session:
        rows = desk.overdue(day.app, session, actor="pengawas", on=day.delivered_on)
    assert rows == []


def test_a_user_of_one_agency_sees_only_its_overdue_deadlines(day: Day) -> None:
    with session_scope(day.app.db) as session:
        registry.add_agency(
            session,
            registry.AgencyInput(
                code="BANTUL",
                name="BKPSDM Bantul",
                kind="daerah",
                city="Bantul",
                ppk_title="Bupati Bantul",
                ppk_name="X",
            ),
            actor="admin",
        )
        registry.add_user(
            session,
            actor="admin",
            username="bantul",
            roles=["kepegawaian"],
            known_roles=KNOWN_ROLES,
            agency_code="BANTUL",
        )
    with session_scope(day.app.db) as session:
        assert desk.overdue(day.app, session, actor="bantul", on=AS_OF) == []
        assert desk.desk(day.app, session, actor="bantul", on=AS_OF) == []


# -- the command line -----------------------------------------------------------------------
def _cli(day: Day, db_url: str, tmp_path: Path) -> tuple[CliRunner, dict[str, str]]:
    runner = CliRunner()
    env = {"SANCTIONS_DATABASE_URL": db_url, "SANCTIONS_LETTER_STORE": str(tmp_path / "l")}
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(day.app.db) as session:
        registry.add_user(
            session,
            actor="admin",
            username=me,
            roles=["kepegawaian"],
            known_roles=KNOWN_ROLES,
            agency_code="SLEMAN",
        )
    return runner, env


def test_desk_and_overdue_commands_print_tables_json_and_csv(
    day: Day, db_url: str, tmp_path: Path
) -> None:
    runner, env = _cli(day, db_url, tmp_path)

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env, obj=fake_app_factory())
        assert result.exit_code == 0, result.output
        return result.stdout

    table = run("desk", "--as-of", AS_OF.isoformat())
    assert table.index(day.late) < table.index(day.delivered) < table.index(day.fresh)
    assert run("case", "list", "--mine", "--as-of", AS_OF.isoformat()) == table
    rows = json.loads(run("desk", "--as-of", AS_OF.isoformat(), "--json"))
    assert set(rows[0]) == set(JSON_SCHEMAS["desk"][0])
    assert rows[0]["reference"] == day.late and rows[0]["due"] == day.due.isoformat()
    overdue = json.loads(run("case", "list", "--overdue", "--as-of", "2024-12-20", "--json"))
    [late] = [r for r in overdue if r["reference"] == day.late]
    assert set(late) == set(JSON_SCHEMAS["case list --overdue"][0])
    assert late["reminders"] == [{"step": "pengingat", "on": day.reminded.isoformat()}]
    assert late["who_must_act"] == ["kepegawaian", "pejabat"]
    report = json.loads(run("report", "overdue", "--as-of", "2024-12-20", "--json"))
    assert report == overdue
    lines = list(
        csv.DictReader(io.StringIO(run("report", "overdue", "--as-of", "2024-12-20", "--csv")))
    )
    assert {line["deadline"] for line in lines} == {r["deadline"] for r in overdue}
    assert "teguran" in run("report", "overdue", "--as-of", "2024-12-20")
    first = run("desk", "--as-of", AS_OF.isoformat(), "--limit", "1")
    assert day.late in first and day.delivered not in first
    assert "rows 1-1 of 3 waiting (--offset 1 for the next)" in first
    last = run("desk", "--as-of", AS_OF.isoformat(), "--limit", "2", "--offset", "2")
    assert day.fresh in last and day.late not in last and "rows 3-3 of 3 waiting" in last


def test_the_overdue_pdf_is_in_indonesian(day: Day, db_url: str, tmp_path: Path) -> None:
    runner, env = _cli(day, db_url, tmp_path)
    pdf = tmp_path / "tenggat.pdf"
    args = ["report", "overdue", "--as-of", "2024-12-20", "--pdf", str(pdf)]
    result = runner.invoke(cli, args, env=env, obj=fake_app_factory())
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(pdf.read_bytes()))
    assert "Daftar Tenggat Terlampaui" in text
    assert "Surat Teguran kepada PPK" in text  # the ladder's next step, in words
    assert "Pengelola kepegawaian instansi" in text  # who must act, in words


@pytest.mark.pdf
def test_the_overdue_pdf_is_pdf_a_3b_with_its_fonts_embedded(day: Day) -> None:
    from sanctions.reports.pdf import render_overdue_pdf
    from tests.pdfa import assert_pdf_a_3b

    with session_scope(day.app.db) as session:
        rows = desk.overdue(day.app, session, actor="pengawas", on=AS_OF)
    data = render_overdue_pdf(rows, on=AS_OF, agency=None, generated_at=NOW,
                              generated_by="pengawas", renderer=day.app.pdf_renderer)  # fmt: skip
    assert assert_pdf_a_3b(data) == {"Report-Sans", "Report-Sans-Bold"}
    text = " ".join(page_texts(data))
    assert day.late in text and "Tidak ada tenggat" not in text
