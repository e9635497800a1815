"""Parallel officers on one database: each process repeatedly takes an allowed step on a
random shared case, for a bounded time. Used by tests/test_load.py and scripts/bench_load.py."""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.db import make_engine, session_scope
from sanctions.errors import ConcurrencyConflict, SanctionsError
from sanctions.settings import Settings
from tests.letterdata import letter_data_for
from tests.officer import next_step


@dataclass(frozen=True)
class Tally:
    steps: int
    conflicts: int
    refused: int


def officer(url: str, references: list[str], seconds: float, seed: int) -> Tally:
    app = App(Settings(database_url=url), db=make_engine(url))
    rng = random.Random(seed)
    steps = conflicts = refused = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        reference = rng.choice(references)
        try:
            with session_scope(app.db) as session:
                chosen = next_step(app, session, reference, actor="admin", rng=rng)
                if chosen is None:
                    continue
                trigger, inputs, on = chosen
                case = views.case_by_reference(session, reference)
                workflow = app.workflow(case.workflow_version)
                cases.advance(
                    app,
                    session,
                    reference,
                    trigger,
                    inputs=inputs,
                    actor="admin",
                    on=on,
                    now=datetime.now(UTC),
                    letter_data=letter_data_for(workflow, case.state, trigger),
                )
            steps += 1
        except ConcurrencyConflict:
            conflicts += 1
        except SanctionsError:
            refused += 1  # e.g. a rival moved the case first (step no longer allowed)
    app.db.dispose()
    return Tally(steps, conflicts, refused)


def _run(args: tuple[str, list[str], float, int]) -> Tally:
    return officer(*args)


def run_officers(url: str, references: list[str], *, processes: int, seconds: float) -> Tally:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        tallies = pool.map(_run, [(url, references, seconds, i) for i in range(processes)])
    return Tally(
        sum(t.steps for t in tallies),
        sum(t.conflicts for t in tallies),
        sum(t.refused for t in tallies),
    )
