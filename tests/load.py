"""Parallel officers on one database: each process repeatedly takes an allowed step on a
random shared case, with the letters the step declares (numbered from the issuers' registers
in the step's transaction, rendered and stored), for a bounded time or number of steps. They
work as one office: every step, letter and report is dated the office's business day
(tests/businessday.py). Used by tests/test_load.py, tests/test_faults.py and
scripts/bench_load.py.

Every attempt ends one of four ways, each counted on its own: the step committed; the version
claim lost to a rival (`ConcurrencyConflict`, nothing written); refused by a rule (a guard, a
step no longer allowed once a rival moved the case: `RuleViolation`); or a database error
(serialization failure, deadlock, any other, named by SQLSTATE). Anything else an officer meets
is a defect and stops it."""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sanctions.app import App
from sanctions.cases import service as cases
from sanctions.cases import views
from sanctions.cases.opening import OpenCaseInput, opening_workflow
from sanctions.db import make_engine, session_scope
from sanctions.errors import ConcurrencyConflict, RuleViolation, SanctionsError, StorageError
from sanctions.settings import Settings
from tests.businessday import BusinessDay
from tests.letterdata import letter_data_for, sample_letter_data
from tests.officer import step_today

# The database errors told apart by name (PostgreSQL's SQLSTATE codes); others are counted
# under their code (or the driver's class name when there is none).
DATABASE_ERRORS: Mapping[str, str] = {
    "40001": "serialization_failure",
    "40P01": "deadlock",
    "55P03": "lock_not_available",
    "57014": "query_canceled",
    "23505": "unique_violation",
    "23503": "foreign_key_violation",
}


@dataclass(frozen=True)
class Tally:
    steps: int = 0  # steps committed (with their letters)
    conflicts: int = 0  # the version claim's losers: ConcurrencyConflict, nothing written
    refused: int = 0  # refused by a rule (RuleViolation and its kinds), rivals' included
    after_rival: int = 0  # of which refused because a rival moved the case after the reading
    letters: int = 0  # letters issued by the committed steps and openings
    opened: int = 0  # cases opened to keep the shared pool full (`keep_open`)
    rules: dict[str, int] = field(default_factory=dict)  # rule refusals by class
    database: dict[str, int] = field(default_factory=dict)  # database errors by kind
    other: dict[str, int] = field(default_factory=dict)  # other refusals by class
    examples: dict[str, str] = field(default_factory=dict)  # the first message of each kind
    first_start: float | None = None  # time.time() at the start of the first attempt
    last_end: float | None = None  # ... and at the end of the last one
    cpu: float = 0.0  # CPU seconds the officer process used while working
    wall: float = 0.0  # wall seconds it worked
    server_cpu: float | None = None  # CPU seconds of its PostgreSQL backend, if readable
    processes: int = 1
    day_moves: int = 0  # times the office's business day was moved on (tests/businessday.py)
    day_wait: float = 0.0  # seconds waited for the day's locks (a step waits for a move)
    first_day: date | None = None  # the business day of the first attempt
    last_day: date | None = None  # ... and of the last one

    @property
    def database_errors(self) -> int:
        return sum(self.database.values())

    @property
    def elapsed(self) -> float:
        """From the start of the first attempt to the end of the last one."""
        if self.first_start is None or self.last_end is None:
            return 0.0
        return self.last_end - self.first_start


def combined(tallies: Iterable[Tally]) -> Tally:
    every = list(tallies)

    def counts(name: str) -> dict[str, int]:
        total: Counter[str] = Counter()
        for t in every:
            total.update(getattr(t, name))
        return dict(sorted(total.items()))

    starts = [t.first_start for t in every if t.first_start is not None]
    ends = [t.last_end for t in every if t.last_end is not None]
    servers = [t.server_cpu for t in every if t.server_cpu is not None]
    firsts = [t.first_day for t in every if t.first_day is not None]
    lasts = [t.last_day for t in every if t.last_day is not None]
    return Tally(
        steps=sum(t.steps for t in every),
        conflicts=sum(t.conflicts for t in every),
        refused=sum(t.refused for t in every),
        after_rival=sum(t.after_rival for t in every),
        letters=sum(t.letters for t in every),
        opened=sum(t.opened for t in every),
        rules=counts("rules"),
        database=counts("database"),
        other=counts("other"),
        examples={k: v for t in reversed(every) for k, v in t.examples.items()},
        first_start=min(starts) if starts else None,
        last_end=max(ends) if ends else None,
        cpu=sum(t.cpu for t in every),
        wall=sum(t.wall for t in every),
        server_cpu=sum(servers) if len(servers) == len(every) and every else None,
        processes=sum(t.processes for t in every),
        day_moves=sum(t.day_moves for t in every),
        day_wait=sum(t.day_wait for t in every),
        first_day=min(firsts) if firsts else None,
        last_day=max(lasts) if lasts else None,
    )


def database_error(exc: BaseException) -> str | None:
    """The kind of database error behind `exc` (following its causes), or None if none."""
    seen: BaseException | None = exc
    driver: BaseException | None = None
    while seen is not None:
        if isinstance(seen, DBAPIError):
            driver = seen.orig or seen
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str) and state:
            return DATABASE_ERRORS.get(state, f"sqlstate_{state}")
        seen = seen.__cause__ or seen.__context__
    if driver is not None:
        return type(driver).__name__
    return "storage_error" if isinstance(exc, StorageError) else None


def _backend_cpu(app: App) -> float | None:
    """CPU seconds of this process's PostgreSQL backend so far, when the server runs on this
    machine and its /proc entry is readable (None otherwise)."""
    if app.db.dialect.name != "postgresql":
        return None
    try:
        with app.db.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, DBAPIError, IndexError, ValueError):
        return None


def live_references(session: Any, app: App, exclude: set[str]) -> list[str]:
    """The cases not yet in a terminal state (and not in `exclude`), oldest first."""
    terminal = sorted(
        {n for w in app.workflows.versions.values() for n, s in w.states.items() if s.terminal}
    )
    rows = session.execute(
        text("SELECT reference, state FROM cases ORDER BY id"),
    ).all()
    return [r for r, state in rows if state not in terminal and r not in exclude]


def open_shared_case(app: App, *, on: date, now: datetime) -> int:
    """Open one more shared case (the PNS of tests/factories.py's seed), reported on the
    office's day `on` (its receipt is dated that day); its letters issued."""
    from tests.factories import PNS_NIP

    act_date = date(2024, 10, 3)  # in the campaign; reported on the day the office receives it
    with session_scope(app.db) as session:
        data = OpenCaseInput(
            nip=PNS_NIP,
            contest_code="PILKADA-SLEMAN-2024",
            reported_on=on,
            act_date=act_date,
            violation_codes=["DIS-02"],
            description="Unggahan kampanye di Facebook",
        )
        workflow = opening_workflow(app, data)
        given = sample_letter_data(workflow.state(workflow.initial).letters, on=on, act=act_date)
        written = cases.open_case(app, session, data, actor="bawaslu", now=now, letter_data=given)
        return len(written.letters)


def reported_on(session: Any, day: date) -> int:
    """How many cases were reported on `day` (the office receives `keep_open` a day at most)."""
    return int(
        session.execute(
            text("SELECT count(*) FROM cases WHERE reported_on = :d"), {"d": day}
        ).scalar_one()
    )


def latest_day(app: App) -> date:
    """The day the database's latest step or letter is dated (the office's first day for an
    officer who finds none set)."""
    with session_scope(app.db) as session:
        days = [
            session.execute(text(f"SELECT max({column}) FROM {table}")).scalar()
            for table, column in (("case_events", '"on"'), ("letters", "issued_on"))
        ]
    found = [d if isinstance(d, date) else date.fromisoformat(d) for d in days if d]
    return max(found) if found else date(2024, 10, 7)


def _moved_since(app: App, read: tuple[str, int] | None) -> bool:
    """Whether the case was changed since the officer read it at that version."""
    if read is None:
        return False
    with session_scope(app.db) as session:
        now = session.execute(
            text("SELECT version FROM cases WHERE reference = :r"), {"r": read[0]}
        ).scalar()
    return bool(now != read[1])


AGENDA = "agenda book"  # in the register's refusal of a letter dated before its last one


def day_file_for(letter_store: Path | None, app: App) -> Path:
    """Where the officers of one run keep their business day: beside the letter store."""
    return Path(letter_store or app.settings.letter_store).parent / "business-day"


def officer(
    url: str,
    references: list[str],
    seconds: float,
    seed: int,
    steps: int | None = None,
    *,
    letter_store: Path | None = None,
    fake_pdf: bool = False,
    keep_open: int = 0,
    day_file: Path | None = None,
) -> Tally:
    """Take random allowed steps on the shared cases for `seconds`, or (when `steps` is given)
    until this officer has taken that many, or until no case has a step left to take.

    Every step, letter and report is dated the office's business day (tests/businessday.py,
    `day_file`, default beside the letter store; set from the database's latest record if
    unset): the officer holds it from reading it until its step commits, and moves it on to
    the first day a waiting case can step again once it finds nothing left to do today.

    `letter_store`: where the letters go (default: the settings' own); `fake_pdf`: render them
    with tests/fakes.py's FakePdfRenderer instead of WeasyPrint. `keep_open`: the shared cases
    are then every case of the database not yet ended, and an officer who finds fewer than
    `keep_open` with a step to take today opens one more, reported that day (the office
    receives `keep_open` reports a day at most), so a long run does not run out of steps."""
    settings = (
        Settings(database_url=url, letter_store=letter_store)
        if letter_store is not None
        else Settings(database_url=url)
    )
    renderer = None
    if fake_pdf:
        from tests.fakes import FakePdfRenderer

        renderer = FakePdfRenderer()
    app = App(settings, db=make_engine(_named(url)), pdf_renderer=renderer)
    office = BusinessDay(day_file or day_file_for(letter_store, app))
    office.start_if_new(lambda: latest_day(app))
    rng = random.Random(seed)
    taken = conflicts = refused = after_rival = letters = opened = 0
    rules: Counter[str] = Counter()
    database: Counter[str] = Counter()
    other: Counter[str] = Counter()
    examples: dict[str, str] = {}
    first_start: float | None = None
    last_end: float | None = None
    first_day: date | None = None
    day: date | None = None
    # the cases with no step to take on `day`: the first later day one can step, if foreseen
    waiting: dict[str, date | None] = {}
    move_to: date | None = None  # nothing left today: the day the office moves on to
    cpu0, wall0 = time.process_time(), time.monotonic()
    stop = wall0 + seconds
    while time.monotonic() < stop and (steps is None or taken < steps):
        if move_to is not None and day is not None:
            office.move_on(day, move_to)
            move_to = None
        nothing_left = set(references) <= waiting.keys() and not any(waiting.values())
        if steps is not None and not keep_open and day is not None and nothing_left:
            break  # no case has a step left, today or later
        began = time.time()
        first_start = began if first_start is None else first_start
        read: tuple[str, int] | None = None  # the case and the version the step was chosen on
        try:
            with office.held() as today:
                if today != day:
                    day, first_day = today, first_day or today
                    waiting.clear()
                if keep_open:
                    with session_scope(app.db) as session:
                        shared = live_references(session, app, set(waiting))
                        fresh = reported_on(session, today) < keep_open
                    if len(shared) < keep_open and fresh:
                        letters += open_shared_case(app, on=today, now=datetime.now(UTC))
                        opened += 1
                        continue
                else:
                    shared = [r for r in references if r not in waiting]
                if not shared:
                    later = [d for d in waiting.values() if d is not None]
                    tomorrow = app.calendar.add_working_days(today, 1)
                    move_to = max(min(later, default=today), tomorrow)
                    continue
                reference = rng.choice(shared)
                with session_scope(app.db) as session:
                    case = views.case_by_reference(session, reference)
                    read = (reference, case.version)
                    chosen = step_today(
                        app, session, reference, actor="admin", rng=rng, today=today
                    )
                    if not isinstance(chosen, tuple):
                        waiting[reference] = chosen
                        continue
                    trigger, inputs, on = chosen
                    workflow = app.workflow(case.workflow_version)
                    given = letter_data_for(
                        workflow, case.state, trigger, on=on, act=case.reported_on
                    )
                    written = cases.advance(
                        app,
                        session,
                        reference,
                        trigger,
                        inputs=inputs,
                        actor="admin",
                        on=on,
                        now=datetime.now(UTC),
                        letter_data=given,
                    )
                taken += 1
                letters += len(written.letters)
        except ConcurrencyConflict:
            conflicts += 1
        except SanctionsError as exc:
            kind = database_error(exc)
            moved = kind is None and _moved_since(app, read)
            if kind is not None:
                database[kind] += 1
            elif isinstance(exc, RuleViolation) or moved:
                # a guard refused, or a rival moved the case between this officer's reading
                # and its step (the step no longer allowed, or dated before the rival's)
                refused += 1
                after_rival += int(moved)
                kind = type(exc).__name__ + (" (agenda book)" if AGENDA in str(exc) else "")
                rules[kind] += 1
            else:
                kind = type(exc).__name__
                other[kind] += 1
            examples.setdefault(kind, str(exc)[:300])
        except DBAPIError as exc:  # one that escaped the session's translation
            kind = database_error(exc) or type(exc).__name__
            database[kind] += 1
            examples.setdefault(kind, str(exc)[:300])
        finally:
            last_end = time.time()
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    server_cpu = _backend_cpu(app)
    app.db.dispose()
    office.close()
    return Tally(
        steps=taken,
        conflicts=conflicts,
        refused=refused,
        after_rival=after_rival,
        letters=letters,
        opened=opened,
        rules=dict(rules),
        database=dict(database),
        other=dict(other),
        examples=examples,
        first_start=first_start,
        last_end=last_end,
        cpu=cpu,
        wall=wall,
        server_cpu=server_cpu,
        day_moves=office.moves,
        day_wait=office.waited,
        first_day=first_day,
        last_day=day,
    )


OFFICER_APP = "sanctions-load-officer"


def _named(url: str) -> str:
    """The officers' PostgreSQL connections carry `OFFICER_APP` as their application name,
    for `WaitSampler`."""
    if not url.startswith("postgresql"):
        return url
    return url + ("&" if "?" in url else "?") + f"application_name={OFFICER_APP}"


class WaitSampler:
    """What the officers' PostgreSQL backends are doing, sampled from pg_stat_activity every
    `every` seconds in a thread of its own while the officers work: waiting on a lock (and
    in which statement), running or waiting in the server, idle in a transaction (the
    officer's own Python: reading, rendering a letter, hashing), or between transactions."""

    KINDS = ("lock", "server_waiting", "server_running", "client_in_transaction", "idle")

    def __init__(self, conninfo: str, every: float = 0.2) -> None:
        import threading

        self._conninfo, self._every = conninfo, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.states: Counter[str] = Counter()
        self.locked_in: Counter[str] = Counter()
        self.samples = 0

    @classmethod
    def on(cls, url: str) -> WaitSampler:
        """A sampler on the server of the SQLAlchemy `url`."""
        from sqlalchemy.engine import make_url

        u = make_url(url)
        parts = {"host": u.host, "port": u.port, "dbname": u.database, "user": u.username,
                 "password": u.password}  # fmt: skip
        return cls(" ".join(f"{k}={v}" for k, v in parts.items() if v is not None))

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psycopg

        query = (
            "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity "
            "WHERE application_name = %s"
        )
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            while not self._stop.wait(self._every):
                rows = connection.execute(query, (OFFICER_APP,)).fetchall()
                if not rows:
                    continue
                self.samples += 1
                for state, wait_type, wait, statement in rows:
                    kind = _activity(state, wait_type)
                    self.states[kind] += 1
                    if kind == "lock":
                        self.locked_in[f"{wait}: {_statement(statement)}"] += 1

    def figures(self) -> dict[str, Any]:
        total = sum(self.states.values())
        return {
            "samples": self.samples,
            **{k: round(self.states[k] / total, 4) if total else 0.0 for k in self.KINDS},
            "lock_waits_in": dict(self.locked_in.most_common(5)),
        }


def _activity(state: str | None, wait_type: str | None) -> str:
    if state == "active":
        if wait_type == "Lock":
            return "lock"
        return "server_waiting" if wait_type else "server_running"
    if state and state.startswith("idle in transaction"):
        return "client_in_transaction"
    return "idle"


def _statement(sql: str | None) -> str:
    """The first words of a statement (enough to tell the claim from the register)."""
    return " ".join((sql or "").split()[:6])[:80]


def _ready(barrier: Any, fake_pdf: bool) -> None:
    """Import what the officer renders with, then wait until every officer has (the bound is
    for a machine far too loaded: sixteen interpreters importing at once)."""
    if not fake_pdf:
        import weasyprint  # noqa: F401

    barrier.wait(timeout=600)


def _run(job: tuple[tuple[Any, ...], dict[str, Any]]) -> Tally:
    args, options = job
    return officer(*args, **options)


def run_officer_pool(
    url: str,
    references: list[str],
    *,
    processes: int,
    seconds: float,
    steps_each: int | None = None,
    letter_store: Path | None = None,
    fake_pdf: bool = False,
    keep_open: int = 0,
) -> list[Tally]:
    """`processes` officers at once, each its own process (spawned, so each imports the app
    and opens its own connections); each stops after `seconds`, or sooner once it has taken
    `steps_each` steps (a bound for tests, which wait for work done rather than for time).
    They all start together, once every one has imported. One tally per officer."""
    ctx = multiprocessing.get_context("spawn")
    options = {"letter_store": letter_store, "fake_pdf": fake_pdf, "keep_open": keep_open}
    jobs = [((url, references, seconds, i, steps_each), options) for i in range(processes)]
    everyone = ctx.Barrier(processes)
    with ctx.Pool(processes, initializer=_ready, initargs=(everyone, fake_pdf)) as pool:
        return pool.map(_run, jobs, chunksize=1)


def run_officers(url: str, references: list[str], **options: Any) -> Tally:
    """`run_officer_pool`, the officers' tallies added up."""
    return combined(run_officer_pool(url, references, **options))


# -- the report (scripts/bench_load.py prints it; tests/test_load.py checks its shape) ------
# Its `--json` shape, in the notation of sanctions/cli/schemas.py. Keys are stable.
REPORT_SHAPE: Mapping[str, Any] = {
    "database": "str", "processes": "int", "seconds": "float", "cases": "int",
    "keep_open": "int", "renderer": "str (weasyprint|fake)",
    "elapsed_s": "float (start of the first step to the end of the last)",
    "steps": "int", "steps_per_s": "float", "letters": "int", "letters_per_s": "float",
    "cases_opened": "int", "conflicts_refused": "int",
    "business_day": {
        "first": "str|null (the office's day at the first attempt)", "last": "str|null",
        "moves": "int (times the day was moved on)",
        "wait_s": "float (officers' seconds waiting for the day's locks)",
    },
    "rule_refusals": {
        "total": "int", "guards": "int (GuardFailed)",
        "after_rival_step": "int (a rival moved the case after the officer read it)",
        "by_kind": {"*": "int"},
    },
    "database_errors": {
        "total": "int", "serialization_failure": "int", "deadlock": "int",
        "other": {"*": "int"},
    },
    "other_refusals": {"*": "int"},
    "examples": {"*": "str (the first message of each kind of refusal or error)"},
    "cpu": {
        "workers_s": "float", "worker_share": "float (of one CPU, mean per officer)",
        "machine_share": "float (of every CPU)", "server_s": "float|null", "cpus": "int",
    },
    "load_average": {"before": ["float"], "after": ["float"]},
    "waits": {"?": {
        "samples": "int (of pg_stat_activity, every 0.2 s)",
        "lock": "float (share of the officers' backends waiting on a lock)",
        "server_waiting": "float", "server_running": "float",
        "client_in_transaction": "float (the officer's own work inside a transaction)",
        "idle": "float (between transactions)",
        "lock_waits_in": {"*": "int (samples waiting on a lock, by statement)"},
    }},
    "invariants": {
        "ok": "bool", "registers": "int", "letters": "int", "number_findings": ["str"],
        "cases": "int", "chain_findings": ["str"], "log_size": "int",
        "log_findings": ["str"], "replay_findings": ["str"],
    },
}  # fmt: skip


def report(
    tally: Tally,
    invariants: Any,
    *,
    database: str,
    seconds: float,
    cases: int,
    keep_open: int,
    fake_pdf: bool,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    waits: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The run's figures and checks as one JSON object of the shape `REPORT_SHAPE`."""
    elapsed = tally.elapsed
    cpus = os.cpu_count() or 1
    named = {"serialization_failure", "deadlock"}
    return {
        "database": database,
        "processes": tally.processes,
        "seconds": float(seconds),
        "cases": cases,
        "keep_open": keep_open,
        "renderer": "fake" if fake_pdf else "weasyprint",
        "elapsed_s": round(elapsed, 3),
        "steps": tally.steps,
        "steps_per_s": round(tally.steps / elapsed, 3) if elapsed else 0.0,
        "letters": tally.letters,
        "letters_per_s": round(tally.letters / elapsed, 3) if elapsed else 0.0,
        "cases_opened": tally.opened,
        "conflicts_refused": tally.conflicts,
        "business_day": {
            "first": tally.first_day.isoformat() if tally.first_day else None,
            "last": tally.last_day.isoformat() if tally.last_day else None,
            "moves": tally.day_moves,
            "wait_s": round(tally.day_wait, 3),
        },
        "rule_refusals": {
            "total": tally.refused,
            "guards": tally.rules.get("GuardFailed", 0),
            "after_rival_step": tally.after_rival,
            "by_kind": dict(tally.rules),
        },
        "database_errors": {
            "total": tally.database_errors,
            "serialization_failure": tally.database.get("serialization_failure", 0),
            "deadlock": tally.database.get("deadlock", 0),
            "other": {k: v for k, v in tally.database.items() if k not in named},
        },
        "other_refusals": dict(tally.other),
        "examples": dict(sorted(tally.examples.items())),
        "cpu": {
            "workers_s": round(tally.cpu, 3),
            "worker_share": round(tally.cpu / tally.wall, 4) if tally.wall else 0.0,
            "machine_share": round(tally.cpu / (elapsed * cpus), 4) if elapsed else 0.0,
            "server_s": None if tally.server_cpu is None else round(tally.server_cpu, 3),
            "cpus": cpus,
        },
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
        "waits": None if waits is None else dict(waits),
        "invariants": {
            "ok": invariants.ok,
            "registers": invariants.registers,
            "letters": invariants.letters,
            "number_findings": invariants.number_findings,
            "cases": invariants.cases,
            "chain_findings": invariants.chain_findings,
            "log_size": invariants.log_size,
            "log_findings": invariants.log_findings,
            "replay_findings": invariants.replay_findings,
        },
    }


def table(figures: Mapping[str, Any]) -> str:
    """The report as an aligned table: what, figure, note."""
    cpu, inv, db = figures["cpu"], figures["invariants"], figures["database_errors"]
    rules, day = figures["rule_refusals"], figures["business_day"]

    def kinds(counts: Mapping[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"

    def check(findings: list[str], what: str) -> str:
        return "ok: " + what if not findings else f"FAILED ({len(findings)}): {findings[0]}"

    server = "not readable" if cpu["server_s"] is None else f"{cpu['server_s']:.1f} s"
    rows = [
        ("officer processes", f"{figures['processes']}",
         f"{figures['database']}, {figures['seconds']:g} s each"),
        ("letters rendered by", figures["renderer"],
         "tests/fakes.py FakePdfRenderer" if figures["renderer"] == "fake" else "WeasyPrint"),
        ("shared cases", f"{figures['cases']}",
         f"kept at {figures['keep_open']} open" if figures["keep_open"] else "fixed"),
        ("elapsed", f"{figures['elapsed_s']:.2f} s", "start of the first step to end of the last"),
        ("steps committed", f"{figures['steps']}", f"{figures['steps_per_s']:.2f} steps/s"),
        ("letters issued", f"{figures['letters']}", f"{figures['letters_per_s']:.2f} letters/s"),
        ("cases opened", f"{figures['cases_opened']}", "to keep the shared pool open"),
        ("business days", f"{day['first']} .. {day['last']}",
         f"moved on {day['moves']} times; {day['wait_s']:.1f} s waited for the day"),
        ("conflicts refused", f"{figures['conflicts_refused']}",
         "the version claim's loser: nothing written"),
        ("rule refusals", f"{rules['total']}",
         f"{kinds(rules['by_kind'])}; {rules['after_rival_step']} after a rival's step"),
        ("database errors", f"{db['total']}",
         f"serialization {db['serialization_failure']}, deadlock {db['deadlock']}, "
         f"other: {kinds(db['other'])}"),
        ("other refusals", f"{sum(figures['other_refusals'].values())}",
         kinds(figures["other_refusals"])),
        ("worker CPU", f"{cpu['workers_s']:.1f} s",
         f"{cpu['worker_share']:.0%} of a CPU per officer, {cpu['machine_share']:.0%} of the "
         f"machine's {cpu['cpus']} CPUs"),
        ("server CPU", server, "the officers' PostgreSQL backends"),
        ("load average", " ".join(f"{x:.2f}" for x in figures["load_average"]["before"]),
         "before; after: " + " ".join(f"{x:.2f}" for x in figures["load_average"]["after"])),
        *_wait_rows(figures["waits"]),
        ("letter numbers", f"{inv['registers']} registers",
         check(inv["number_findings"], f"{inv['letters']} letters, gapless and unique")),
        ("hash chains", f"{inv['cases']} cases", check(inv["chain_findings"], "each verifies")),
        ("Merkle log", f"{inv['log_size']} leaves", check(inv["log_findings"], "verifies")),
        ("state = replay", f"{inv['cases']} cases",
         check(inv["replay_findings"], "every state is its log's replay")),
    ]  # fmt: skip
    wide = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [
        f"{what:<{wide[0]}}  {figure:>{wide[1]}}  {note}".rstrip() for what, figure, note in rows
    ]
    lines += [f"  first {kind}: {message}" for kind, message in figures["examples"].items()]
    waits = figures["waits"] or {"lock_waits_in": {}}
    lines += [f"  waiting on a lock in {where}: {n} samples"
              for where, n in waits["lock_waits_in"].items()]  # fmt: skip
    return "\n".join(lines)


def _wait_rows(waits: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    if waits is None:
        return []
    return [
        ("officers' backends", f"{waits['samples']} samples",
         f"lock {waits['lock']:.0%}, server {waits['server_running'] + waits['server_waiting']:.0%}"
         f", in a transaction in the officer {waits['client_in_transaction']:.0%}, "
         f"between transactions {waits['idle']:.0%}"),
    ]  # fmt: skip
