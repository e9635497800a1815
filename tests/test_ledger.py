"""A deadline as a budget with a ledger (suspensions, extensions), and calendar revisions that
move exactly the open deadlines they should, each journaled on its case."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cases import views
from sanctions.db import session_scope
from sanctions.db.models import CaseEvent, Deadline, DeadlineEntry
from sanctions.deadlines.adjustments import adjust, apply_revision, calendar_diff
from sanctions.deadlines.ledger import Budget, Dated, Entry, derived_due, redated
from sanctions.deadlines.reminders import find_overdue
from sanctions.deadlines.rules import Direction, Unit
from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.errors import InputError, NotFound, PermissionDenied
from sanctions.settings import Settings
from tests.factories import NOW, open_case, recommended, seed, snapshot, walk

REPO = Path(__file__).resolve().parents[1]
CALENDAR = WorkingCalendar()
MON = date(2026, 3, 2)  # a Monday with no holiday near it


# -- pure: the derived due date ------------------------------------------------------------
@pytest.mark.pure
def test_an_extension_adds_to_the_budget_in_the_deadline_s_own_unit() -> None:
    budget = Budget(MON, 5, Unit.WORKING_DAYS)
    assert derived_due(budget, [], CALENDAR) == date(2026, 3, 9)
    assert derived_due(budget, [Entry("extension", amount=2)], CALENDAR) == date(2026, 3, 11)


@pytest.mark.pure
def test_a_suspension_moves_the_due_date_by_the_working_days_it_holds() -> None:
    budget = Budget(MON, 5, Unit.WORKING_DAYS)  # due Mon 9 Mar
    week = Entry("suspension", start=date(2026, 3, 4), end=date(2026, 3, 8))  # Wed..Sun: 3
    assert derived_due(budget, [week], CALENDAR) == date(2026, 3, 12)
    weekend = Entry("suspension", start=date(2026, 3, 7), end=date(2026, 3, 8))
    assert derived_due(budget, [weekend], CALENDAR) == date(2026, 3, 9)


@pytest.mark.pure
def test_a_suspension_after_the_due_date_changes_nothing() -> None:
    budget = Budget(MON, 5, Unit.WORKING_DAYS)
    late = Entry("suspension", start=date(2026, 3, 10), end=date(2026, 3, 20))
    assert derived_due(budget, [late], CALENDAR) == date(2026, 3, 9)


@pytest.mark.pure
def test_calendar_day_deadlines_are_suspended_day_for_day() -> None:
    budget = Budget(MON, 3, Unit.CALENDAR_DAYS)  # due Thu 5 Mar
    two = Entry("suspension", start=date(2026, 3, 3), end=date(2026, 3, 4))
    assert derived_due(budget, [two], CALENDAR) == date(2026, 3, 7)


@pytest.mark.pure
def test_a_latest_date_before_an_event_is_never_moved() -> None:
    budget = Budget(date(2026, 3, 20), 7, Unit.WORKING_DAYS, Direction.BEFORE)
    week = Entry("suspension", start=date(2026, 3, 9), end=date(2026, 3, 13))
    assert derived_due(budget, [week], CALENDAR) == derived_due(budget, [], CALENDAR)


budgets = st.builds(
    Budget,
    anchor=st.dates(date(2025, 1, 1), date(2027, 6, 30)),
    amount=st.integers(1, 40),
    unit=st.sampled_from([Unit.WORKING_DAYS, Unit.CALENDAR_DAYS]),
)


@st.composite
def suspensions(draw: st.DrawFn) -> Entry:
    start = draw(st.dates(date(2025, 1, 1), date(2027, 9, 30)))
    return Entry("suspension", start=start, end=start + timedelta(days=draw(st.integers(0, 30))))


@pytest.mark.pure
@given(budgets, st.lists(suspensions(), max_size=3), st.integers(0, 10))
def test_a_ledger_never_brings_a_due_date_earlier(
    budget: Budget, entries: list[Entry], extra: int
) -> None:
    plain = derived_due(budget, [], CALENDAR)
    ledger = [*entries, Entry("extension", amount=extra)]
    assert derived_due(budget, ledger, CALENDAR) >= plain


@pytest.mark.pure
@given(budgets, st.integers(0, 10), st.integers(0, 10))
def test_two_extensions_are_one_extension_of_their_sum(budget: Budget, a: int, b: int) -> None:
    two = [Entry("extension", amount=a), Entry("extension", amount=b)]
    assert derived_due(budget, two, CALENDAR) == derived_due(
        budget, [Entry("extension", amount=a + b)], CALENDAR
    )


# -- pure: calendar revisions ---------------------------------------------------------------
@pytest.mark.pure
@example(  # a suspension of the anchor day alone, which a new holiday then covers
    [(Budget(date(2025, 1, 2), 1, Unit.WORKING_DAYS),
      [Entry(kind="suspension", amount=0, start=date(2025, 1, 1), end=date(2025, 1, 2))])],
    {date(2025, 1, 2)},
    date(2025, 1, 1),
)  # fmt: skip
@given(
    st.lists(st.tuples(budgets, st.lists(suspensions(), max_size=2)), min_size=1, max_size=12),
    st.sets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=8),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)),
)
def test_a_revision_moves_exactly_the_open_deadlines_due_from_its_date_whose_days_it_changes(
    deadlines: list[tuple[Budget, list[Entry]]], new_holidays: set[date], effective: date
) -> None:
    revised = WorkingCalendar(extra_holidays=dict.fromkeys(new_holidays, "Cuti bersama (revisi)"))
    stored = [
        Dated(i, budget, tuple(entries), derived_due(budget, entries, CALENDAR))
        for i, (budget, entries) in enumerate(deadlines)
    ]
    moved = dict(redated(stored, revised, effective=effective))
    for deadline in stored:
        new = derived_due(deadline.budget, deadline.entries, revised)
        if deadline.due < effective or new == deadline.due:
            assert deadline not in moved  # met or missed before it, or untouched by it
        else:
            assert moved[deadline] == new > deadline.due  # added holidays only push later
    after = [Dated(d.key, d.budget, d.entries, moved.get(d, d.due)) for d in stored]
    assert redated(after, revised, effective=effective) == []  # applying it again moves none


# -- on the database: suspensions and extensions -------------------------------------------
def _recommended_case(app: App) -> str:
    seed(app)
    ref = open_case(app)
    walk(app, ref, recommended("berat"))
    return ref


def _follow_up(app: App, ref: str) -> Deadline:
    with session_scope(app.db) as session:
        case = views.case_by_reference(session, ref)
        return session.exec(
            select(Deadline).where(Deadline.case_id == case.id, col(Deadline.closed_seq).is_(None))
        ).one()


def _entry(**values: object) -> DeadlineEntry:
    return DeadlineEntry(deadline_id=0, case_id=0, event_seq=0, **values)  # type: ignore[arg-type]


def test_a_suspension_moves_the_due_date_records_the_event_and_the_job_respects_it(
    app: App,
) -> None:
    ref = _recommended_case(app)
    before = _follow_up(app, ref)
    day_after = app.calendar.add_working_days(before.due_date, 1)
    with session_scope(app.db) as session:
        assert [o.case.reference for o in find_overdue(session, as_of=day_after)] == [ref]
    suspension = _entry(kind="suspension", start=date(2024, 11, 4), end=date(2024, 11, 8),
                        reason="PPK dalam cuti sakit", basis="Surat keterangan dokter")  # fmt: skip
    with session_scope(app.db) as session:
        done = adjust(app, session, ref, "tindak_lanjut_ppk", suspension, actor="bkpsdm",
                      on=date(2024, 11, 8), now=NOW)  # fmt: skip
    assert done.old_due == before.due_date
    assert done.new_due == app.calendar.add_working_days(before.due_date, 5)
    assert _follow_up(app, ref).due_date == done.new_due
    with session_scope(app.db) as session:
        assert find_overdue(session, as_of=day_after) == []  # the reminder job waits
        event = session.exec(select(CaseEvent).order_by(col(CaseEvent.id).desc())).first()
        assert event is not None and event.trigger == "tenggat:suspension:tindak_lanjut_ppk"
        assert event.inputs["reason"] == "PPK dalam cuti sakit"
        assert event.source == event.dest == "direkomendasikan"
        from sanctions.trust.audit import verify

        assert verify(session) == (1, [])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "suspension", "start": date(2024, 11, 8), "end": date(2024, 11, 4),
          "reason": "r", "basis": "b"}, "the suspension ends (2024-11-04) before it starts"),
        ({"kind": "suspension", "start": date(2025, 3, 3), "end": date(2025, 3, 7),
          "reason": "r", "basis": "b"}, "a suspension from 2025-03-03 comes after it"),
        ({"kind": "extension", "amount": 0, "reason": "r", "basis": "b"},
         "an extension adds at least 1 unit"),
        ({"kind": "extension", "amount": 3, "reason": " ", "basis": "b"},
         "needs its reason (--reason) and legal basis (--basis)"),
    ],
)  # fmt: skip
def test_a_bad_ledger_entry_is_refused_naming_the_rule_and_changes_nothing(
    app: App, entry: dict[str, object], message: str
) -> None:
    ref = _recommended_case(app)
    before = snapshot(app)
    with session_scope(app.db) as session, pytest.raises(InputError) as refused:
        adjust(app, session, ref, "tindak_lanjut_ppk", _entry(**entry), actor="bkpsdm",
               on=date(2025, 3, 10), now=NOW)  # fmt: skip
    assert message in str(refused.value)
    assert snapshot(app) == before


def test_only_an_open_deadline_of_the_case_and_a_role_that_governs_it_may_be_adjusted(
    app: App,
) -> None:
    ref = _recommended_case(app)
    before = snapshot(app)
    extension = _entry(kind="extension", amount=3, reason="r", basis="b")
    with session_scope(app.db) as session, pytest.raises(NotFound) as missing:
        adjust(app, session, ref, "batas_banding", extension, actor="bkpsdm",
               on=date(2024, 11, 1), now=NOW)  # fmt: skip
    assert "open: tindak_lanjut_ppk" in str(missing.value)
    with session_scope(app.db) as session, pytest.raises(PermissionDenied):
        adjust(app, session, ref, "tindak_lanjut_ppk", extension, actor="pengawas",
               on=date(2024, 11, 1), now=NOW)  # fmt: skip
    assert snapshot(app) == before


# -- on the database: calendar revisions ----------------------------------------------------
REVISION = """
revisions:
  - id: cuti_bersama_2024_tambahan
    date: 2024-10-25
    instrument: Keputusan Bersama Menteri (perubahan cuti bersama 2024), contoh uji
    confidence: U
    holidays:
      - {date: 2024-11-04, name: Cuti bersama tambahan, source: uji, confidence: U}
      - {date: 2024-11-05, name: Cuti bersama tambahan, source: uji, confidence: U}
"""


def _revised(app: App, tmp_path: Path) -> App:
    folder = tmp_path / "workflows"
    shutil.copytree(REPO / "workflows", folder)
    calendar = (folder / "calendar.yaml").read_text(encoding="utf-8")
    (folder / "calendar.yaml").write_text(calendar + REVISION, encoding="utf-8")
    settings = Settings(database_url=app.settings.database_url,
                        letter_store=app.settings.letter_store, workflows_dir=folder)  # fmt: skip
    return App(settings, db=app.db, pdf_renderer=app.pdf_renderer)


def test_a_calendar_revision_moves_the_open_deadlines_it_changes_once_and_journals_each(
    app: App, tmp_path: Path
) -> None:
    ref = _recommended_case(app)
    due = _follow_up(app, ref).due_date
    revised = _revised(app, tmp_path)
    with session_scope(revised.db) as session:
        [row] = calendar_diff(revised, session, "cuti_bersama_2024_tambahan")
    assert (row.reference, row.deadline, row.old_due) == (ref, "tindak_lanjut_ppk", due)
    assert row.new_due == app.calendar.add_working_days(due, 2)
    report = apply_revision(revised, "cuti_bersama_2024_tambahan", actor="admin",
                            on=date(2024, 10, 28), now=NOW)  # fmt: skip
    assert [r.reference for r in report.rows] == [ref] and not report.failed
    assert _follow_up(app, ref).due_date == row.new_due
    with session_scope(app.db) as session:
        events = session.exec(
            select(CaseEvent).where(col(CaseEvent.trigger).startswith("kalender:"))
        ).all()
        assert [e.inputs["changes"] for e in events] == [
            f"tindak_lanjut_ppk: {due} -> {row.new_due}"
        ]
        assert "contoh uji" in events[0].inputs["instrument"]
    before = snapshot(app)
    again = apply_revision(revised, "cuti_bersama_2024_tambahan", actor="admin",
                           on=date(2024, 10, 29), now=NOW)  # fmt: skip
    assert again.rows == [] and snapshot(app) == before


def test_a_revision_never_moves_a_deadline_missed_before_it_took_effect(
    app: App, tmp_path: Path
) -> None:
    ref = _recommended_case(app)
    due = _follow_up(app, ref).due_date
    late = REVISION.replace("date: 2024-10-25", f"date: {due + timedelta(days=1)}")
    revised = _revised(app, tmp_path)
    calendar = (revised.settings.workflows_dir / "calendar.yaml").read_text(encoding="utf-8")
    (revised.settings.workflows_dir / "calendar.yaml").write_text(
        calendar.replace(REVISION, late), encoding="utf-8"
    )
    revised = App(revised.settings, db=app.db, pdf_renderer=app.pdf_renderer)
    with session_scope(revised.db) as session:
        assert calendar_diff(revised, session, "cuti_bersama_2024_tambahan") == []
