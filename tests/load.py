"""Parallel officers on one database: each process repeatedly takes an allowed step on a
random shared case, for a bounded time (or number of steps). Used by tests/test_load.py,
tests/test_faults.py and scripts/bench_load.py."""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.db import make_engine, session_scope
from sanctions.errors import ConcurrencyConflict, SanctionsError
from sanctions.settings import Settings
from tests.letterdata import letter_data_for
from tests.officer import next_step

if TYPE_CHECKING:
    from sanctions.printing.pdf import PdfRendering


@dataclass(frozen=True)
class Tally:
    steps: int
    conflicts: int
    refused: int


def officer(
    url: str,
    references: list[str],
    seconds: float,
    seed: int,
    steps: int | None = None,
    *,
    pdf_renderer: PdfRendering | None = None,
) -> Tally:
    """Take random allowed steps on the shared cases for `seconds`, or (when `steps` is given)
    until this officer has taken that many, or until no case has a step left to take.
    `pdf_renderer`: what the letters are rendered with (WeasyPrint unless given)."""
    app = App(Settings(database_url=url), db=make_engine(url), pdf_renderer=pdf_renderer)
    rng = random.Random(seed)
    taken = conflicts = refused = 0
    stuck: set[str] = set()  # cases with no step to take since this officer's last step
    stop = time.monotonic() + seconds
    while time.monotonic() < stop and (steps is None or taken < steps):
        if steps is not None and stuck >= set(references):
            break
        reference = rng.choice(references)
        try:
            with session_scope(app.db) as session:
                chosen = next_step(app, session, reference, actor="admin", rng=rng)
                if chosen is None:
                    stuck.add(reference)
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
                    letter_data=letter_data_for(workflow, case.state, trigger, on=on),
                )
            taken += 1
            stuck.clear()
        except ConcurrencyConflict:
            conflicts += 1
        except SanctionsError:
            refused += 1  # e.g. a rival moved the case first (step no longer allowed)
    app.db.dispose()
    return Tally(taken, conflicts, refused)


def _wait_for_all(barrier: Any) -> None:
    barrier.wait(timeout=120)


def _run(args: tuple[str, list[str], float, int, int | None]) -> Tally:
    return officer(*args)


def run_officers(
    url: str,
    references: list[str],
    *,
    processes: int,
    seconds: float,
    steps_each: int | None = None,
) -> Tally:
    """`processes` officers at once; each stops after `seconds`, or sooner once it has taken
    `steps_each` steps (a bound for tests, which wait for work done rather than for time)."""
    ctx = multiprocessing.get_context("spawn")
    jobs = [(url, references, seconds, i, steps_each) for i in range(processes)]
    everyone = ctx.Barrier(processes)  # all start together, once every one has imported
    with ctx.Pool(processes, initializer=_wait_for_all, initargs=(everyone,)) as pool:
        tallies = pool.map(_run, jobs, chunksize=1)
    return Tally(
        sum(t.steps for t in tallies),
        sum(t.conflicts for t in tallies),
        sum(t.refused for t in tallies),
    )
