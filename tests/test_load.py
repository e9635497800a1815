"""Under load from parallel officer processes on PostgreSQL, nothing is lost or done twice:
every case's state equals the replay of its log and every chain verifies."""

from __future__ import annotations

import pytest

from sanctions.app import App
from sanctions.db import session_scope
from sanctions.trust.audit import verify
from tests.factories import open_case, seed
from tests.load import run_officers


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_parallel_officers_on_shared_cases_leave_every_record_consistent(
    app: App, db_url: str
) -> None:
    seed(app)
    references = [open_case(app) for _ in range(4)]
    # Each officer stops after 8 steps of its own (or when no case has a step left); the
    # 120 s are only a bound for a machine that is far too slow.
    tally = run_officers(db_url, references, processes=4, seconds=120, steps_each=8)
    assert tally.steps > 10
    with session_scope(app.db) as session:
        checked, findings = verify(session)
    assert checked == 4 and findings == []
