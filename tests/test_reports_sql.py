"""The reports aggregated in the database give the figures the in-memory arithmetic gives
over the same cases read as records (`service.load` + `figures`), on SQLite and PostgreSQL:
on every date of the two report scenarios, for whole time and for periods, for a user who
sees every agency and one who sees one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from sanctions.app import App
from sanctions.cli.reports import progress
from sanctions.db import session_scope
from sanctions.errors import PermissionDenied
from sanctions.reports import figures
from sanctions.reports import service as svc
from sanctions.reports.figures import ALL_TIME, Period
from tests import test_reports, test_reports_as_of

if TYPE_CHECKING:
    from tests.conftest import Snapshots

PERIODS = [
    ALL_TIME,
    Period(date(2024, 10, 1), date(2024, 10, 31)),
    Period(date(2024, 11, 1), None),
    Period(None, date(2024, 11, 30)),
]


@pytest.fixture
def reports_app(app: App, snapshots: Snapshots) -> App:
    """The nine cases of `tests/test_reports.py` (its snapshot)."""
    snapshots.restore("reports", app, lambda built: test_reports.build(built).due)
    return app


@pytest.fixture
def as_of_app(app: App, snapshots: Snapshots) -> App:
    """The reminders-and-late-decisions scenario of `tests/test_reports_as_of.py`."""
    snapshots.restore("reports_as_of", app, test_reports_as_of.build)
    return app


def days(start: date, end: date, step: int) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=step)


def in_memory(app: App, actor: str, on: date, period: Period, agency: str | None) -> Any:
    """Every report, the old way: every visible case read into memory, then `figures`."""
    with session_scope(app.db) as session:
        data = svc.load(app, session, actor=actor, agency_code=agency)
    records = data.records
    labels, order = data.labels, data.order
    return (
        [r.as_dict() for r in figures.follow_up(records, on=on, period=period)],
        [r.as_dict() for r in figures.follow_up(records, on=on, period=period, by="ppk")],
        [
            r.as_dict()
            for r in figures.violations(records, conduct=data.conduct, period=period, on=on)
        ],
        [r.as_dict() for r in figures.positions(records, period=period, on=on)],
        [
            r.as_dict()
            for r in figures.backlog(
                records, on=on, period=period, labels=labels, order=lambda s: order.get(s, 999)
            )
        ],
        figures.weekly(records, period=period, on=on),
        figures.total_cases(records, period, on),
    )


def in_sql(app: App, actor: str, on: date, period: Period, agency: str | None) -> Any:
    kw: dict[str, Any] = {"actor": actor, "on": on, "period": period, "agency_code": agency}
    with session_scope(app.db) as session:
        report = svc.leadership_report(app, session, now=test_reports.NOW, **kw)
        assert [r.as_dict() for r in report.follow_up] == [
            r.as_dict() for r in svc.follow_up(app, session, **kw)
        ]
        assert [r.as_dict() for r in report.backlog] == [
            r.as_dict() for r in svc.backlog(app, session, **kw)
        ]
        assert [r.as_dict() for r in report.violations] == [
            r.as_dict() for r in svc.violations(app, session, **kw)
        ]
        assert [r.as_dict() for r in report.positions] == [
            r.as_dict() for r in svc.positions(app, session, **kw)
        ]
    return (
        [r.as_dict() for r in report.follow_up],
        [r.as_dict() for r in report.follow_up_by_ppk],
        [r.as_dict() for r in report.violations],
        [r.as_dict() for r in report.positions],
        [r.as_dict() for r in report.backlog],
        report.weeks,
        report.total_cases,
    )


def test_the_database_figures_equal_the_in_memory_figures_of_the_nine_cases(
    reports_app: App,
) -> None:
    compared = 0
    for on in days(date(2024, 10, 1), date(2025, 3, 1), 30):
        for period in PERIODS:
            expected = in_memory(reports_app, "admin", on, period, None)
            assert in_sql(reports_app, "admin", on, period, None) == expected, (on, period)
            compared += bool(expected[0])
        for actor, agency in (("bkpsdm_klaten", None), ("admin", "BANTUL")):
            expected = in_memory(reports_app, actor, on, ALL_TIME, agency)
            assert in_sql(reports_app, actor, on, ALL_TIME, agency) == expected, (on, actor)
    assert compared > 5  # the dates do cover recommendations


def test_the_database_figures_equal_the_in_memory_figures_around_reminders_and_decisions(
    as_of_app: App,
) -> None:
    for on in days(date(2024, 10, 14), date(2025, 2, 10), 9):
        assert in_sql(as_of_app, "admin", on, ALL_TIME, None) == in_memory(
            as_of_app, "admin", on, ALL_TIME, None
        ), on


def test_a_report_without_a_role_is_refused_before_any_figure(reports_app: App) -> None:
    with session_scope(reports_app.db) as session:
        for report in (svc.follow_up, svc.backlog):
            with pytest.raises(PermissionDenied, match="reports need a role"):
                report(reports_app, session, actor="stranger", on=date(2025, 1, 31))
        with pytest.raises(PermissionDenied, match="no role for agency 'SLEMAN'"):
            svc.violations(
                reports_app, session, actor="bkpsdm_klaten", on=None, agency_code="SLEMAN"
            )


@pytest.mark.pure
def test_report_progress_goes_to_a_terminal_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with progress("report backlog"):
        pass
    assert capsys.readouterr().err == ""  # a file or a pipe: nothing
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress("report backlog"):
        pass
    said = capsys.readouterr().err
    assert said.startswith("report backlog: aggregating in the database ...")
    assert said.rstrip().endswith(" s")
