"""Benchmark: transitions per second through the service layer vs the same writes as raw SQL,
on SQLite and PostgreSQL, and the CLI's start-up time for `case show`.

Each service transition is one transaction doing what an officer's step does: load the case,
check roles and inputs, run the guards in the state machine, check deadlines, update the case
with the version check, append the event, close and open deadlines, and append the event's
leaf to the Merkle log. The raw-SQL baseline does the same reads and writes (the case with its
latest event's hash, date and trigger; the actor's roles; the agency, contest and allegations;
on the step whose guards read them, the employee's other cases that recorded a sanction; the
case's deadlines; the version claim; the open deadlines closed and those the state opens
inserted; the event with its chained SHA-256; the event's Merkle leaf, with the case after it
and a digest of each deadline, appended at the log head: the same statements in the same
order) with hand-written SQL on the same connection pool, one transaction per transition, and
no rules, no ORM and no state machine. The two sides run in alternating rounds of 20 cases
so that both meet the same machine; CPU time is this process's (on PostgreSQL the server's
is not in it).

Letters are measured by scripts/bench_letters.py: here the cases follow a version of the
shipped workflow declared (with `extends:`) to issue no letters on these five steps, so both
sides do the same database work; everything else (guards, deadlines, the chain) is the
shipped law.

Usage: .venv/bin/python scripts/bench_engine.py [--cases N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sanctions.app import App  # noqa: E402
from sanctions.cases import service as cases  # noqa: E402
from sanctions.cases.guards import reads_priors  # noqa: E402
from sanctions.db import make_engine, session_scope, upgrade  # noqa: E402
from sanctions.registry import service as registry  # noqa: E402
from sanctions.settings import Settings  # noqa: E402
from tests.factories import open_case, seed  # noqa: E402

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
STEPS = [
    ("kaji", "bawaslu", date(2024, 10, 8), {}),
    ("teruskan", "bawaslu", date(2024, 10, 10), {}),
    ("minta_klarifikasi", "pengawas", date(2024, 10, 14), {}),
    ("rekomendasikan", "pengawas", date(2024, 10, 21), {"level": "berat"}),
    ("tindak_lanjuti", "bkpsdm", date(2024, 10, 28), {}),
]


def service_run(app: App, refs: list[str]) -> float:
    # Steady state: build the state machine and the year's holiday table before timing
    # (both are built once per process; the raw baseline needs neither).
    app.engine(BENCH_VERSION)
    app.calendar.add_working_days(date(2024, 10, 1), 1)
    start = time.perf_counter()
    for trigger, actor, on, inputs in STEPS:
        for ref in refs:
            with session_scope(app.db) as session:
                cases.advance(
                    app, session, ref, trigger, inputs=inputs, actor=actor, on=on, now=NOW
                )
    return time.perf_counter() - start


# The steps whose guards read the employee's earlier sanctions (the repeat-offence guards):
# the service reads them for these steps only, the raw side too.
PRIORS_READ = {"rekomendasikan"}
# The deadlines each destination opens in the bench version (name, unit, amount, on_miss,
# confidence), as the service's rules open them; the raw side does not compute due dates.
OPENS = {
    "kajian_bawaslu": [
        ("penanganan_bawaslu_pilkada", "hari_kalender", 3, "record_late", "C"),
        ("penanganan_bawaslu_tambahan_pilkada", "hari_kalender", 5, "record_late", "C"),
    ],
    "direkomendasikan": [("tindak_lanjut_ppk", "hari_kerja", 30, "escalate", "U")],
    "ditindaklanjuti": [("tindak_lanjut_ppk", "hari_kerja", 30, "escalate", "U")],
}
DEADLINE_FIELDS = ("name", "label", "state", "opened_seq", "anchor_date", "due_date", "unit",
                   "amount", "direction", "on_miss", "confidence", "basis", "closed_seq",
                   "closed_on", "met")  # fmt: skip
_LEAF_PG = (
    "WITH head AS (UPDATE log_head SET size = size + 1 WHERE id = 1 RETURNING size) "
    "INSERT INTO log_leaves (idx, kind, ref, leaf_hash, payload) "
    "SELECT head.size - 1, 'event', :r, :h, CAST(:p AS json) FROM head"
)


# Each statement built once, as the service's are (building a text() per step cost the
# baseline 2-3 % of its step).
_sql = functools.cache(text)


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def raw_run(db: Engine, refs: list[str]) -> float:
    """The service's reads and writes by hand: the case with its latest event, the actor's
    roles, the case's deadlines, the agency, contest and allegations (and, on the step whose
    guards read them, the employee's other cases that recorded a sanction); the version claim, the
    deadlines closed and opened, the event with its chained SHA-256, and its Merkle leaf (the
    event, the case after it and a digest of each deadline) appended at the log's head."""
    dests = ["kajian_bawaslu", "diteruskan", "klarifikasi", "direkomendasikan", "ditindaklanjuti"]
    postgres = db.dialect.name == "postgresql"
    start = time.perf_counter()
    for (trigger, actor, on, inputs), dest in zip(STEPS, dests, strict=True):
        for ref in refs:
            with db.begin() as c:
                row = c.execute(
                    _sql(
                        "SELECT c.id, c.agency_id, c.contest_id, c.employee_id, c.state, "
                        "c.version, c.facts, "
                        'c.workflow_version, e.hash AS prev, e."on" AS last_on, e.trigger '
                        "FROM cases c LEFT JOIN case_events e "
                        "ON e.case_id = c.id AND e.seq = c.version WHERE c.reference = :r"
                    ),
                    {"r": ref},
                ).one()
                c.execute(
                    _sql(
                        "SELECT role FROM role_grants WHERE username = :u "
                        "AND (agency_id IS NULL OR agency_id = :a)"
                    ),
                    {"u": actor, "a": row.agency_id},
                ).all()
                deadlines = c.execute(
                    _sql(
                        f"SELECT id, {', '.join(DEADLINE_FIELDS)} FROM deadlines "
                        "WHERE case_id = :c ORDER BY due_date, id"
                    ),
                    {"c": row.id},
                ).all()
                c.execute(
                    _sql(
                        "SELECT g.kind, g.parent, k.candidate_determination_date, "
                        "a.violation_code FROM agencies g "
                        "LEFT JOIN contests k ON k.id = :k "
                        "LEFT JOIN allegations a ON a.case_id = :c AND k.id IS NOT NULL "
                        "WHERE g.id = :g ORDER BY a.id"
                    ),
                    {"c": row.id, "k": row.contest_id, "g": row.agency_id},
                ).all()
                if trigger in PRIORS_READ:  # its guards read the employee's earlier sanctions
                    sanction = (
                        "c.facts ->> 'sanction'"
                        if postgres
                        else ("json_extract(c.facts, '$.sanction')")
                    )
                    c.execute(
                        _sql(
                            "SELECT c.id, c.reference, c.state, c.facts FROM cases c "
                            f"WHERE c.employee_id = :e AND c.id != :c AND {sanction} IS NOT NULL"
                        ),
                        {"e": row.employee_id, "c": row.id},
                    ).all()
                facts = json.loads(row.facts) if isinstance(row.facts, str) else row.facts
                facts = {**facts, **inputs, f"{dest}_on": on.isoformat()}
                seq = row.version + 1
                c.execute(
                    _sql(
                        "UPDATE cases SET state = :s, version = :v, facts = :f, "
                        "workflow_version = :w WHERE id = :id AND version = :old"
                    ),
                    {"s": dest, "v": seq, "f": json.dumps(facts), "w": row.workflow_version,
                     "id": row.id, "old": row.version},
                )  # fmt: skip
                after = [dict(d._mapping) for d in deadlines]
                if any(d["closed_seq"] is None for d in after):
                    c.execute(
                        _sql(
                            "UPDATE deadlines SET closed_seq = :seq, closed_on = :on, "
                            "met = (:on <= due_date) WHERE case_id = :c AND closed_seq IS NULL"
                        ),
                        {"seq": seq, "on": on, "c": row.id},
                    )
                    for d in after:
                        if d["closed_seq"] is None:
                            due = d["due_date"]  # SQLite gives text() dates as text
                            met = on <= (date.fromisoformat(due) if isinstance(due, str) else due)
                            d |= {"closed_seq": seq, "closed_on": on, "met": met}
                opened = [
                    {"case_id": row.id, "name": name, "label": "x", "state": dest,
                     "opened_seq": seq, "anchor_date": on, "due_date": on, "unit": unit,
                     "amount": amount, "direction": "after", "on_miss": on_miss,
                     "confidence": confidence, "basis": "x", "closed_seq": None,
                     "closed_on": None, "met": None}
                    for name, unit, amount, on_miss, confidence in OPENS.get(dest, [])
                ]  # fmt: skip
                if opened:
                    c.execute(
                        _sql(
                            "INSERT INTO deadlines (case_id, name, label, state, opened_seq, "
                            "anchor_date, due_date, unit, amount, direction, on_miss, "
                            "confidence, basis, closed_seq, closed_on, met) VALUES (:case_id, "
                            ":name, :label, :state, :opened_seq, :anchor_date, :due_date, "
                            ":unit, :amount, :direction, :on_miss, :confidence, :basis, "
                            ":closed_seq, :closed_on, :met)"
                        ),
                        opened,
                    )
                at = NOW.replace(tzinfo=None).isoformat()
                event = {"case_id": row.id, "seq": seq, "at": at, "on": on.isoformat(),
                         "actor": actor, "trigger": trigger, "source": row.state, "dest": dest,
                         "note": "", "inputs": inputs, "late": [],
                         "workflow_version": row.workflow_version}  # fmt: skip
                prev = row.prev or "0" * 64
                digest = hashlib.sha256(
                    _canonical({**event, "letters": [], "prev": prev})
                ).hexdigest()
                c.execute(
                    _sql(
                        'INSERT INTO case_events (case_id, seq, at, "on", actor, trigger, '
                        "source, dest, note, inputs, late, workflow_version, prev_hash, hash) "
                        "VALUES (:c, :seq, :at, :on, :a, :t, :src, :d, '', :i, '[]', :w, :p, :h)"
                    ),
                    {"c": row.id, "seq": seq, "at": NOW, "on": on, "a": actor, "t": trigger,
                     "src": row.state, "d": dest, "i": json.dumps(inputs),
                     "w": row.workflow_version, "p": prev, "h": digest},
                )  # fmt: skip
                payload: dict[str, object] = {
                    **event,
                    "prev_hash": prev,
                    "hash": digest,
                    "after": {"state": dest, "version": seq, "facts": facts,
                              "workflow_version": row.workflow_version},
                }  # fmt: skip
                if deadlines or opened:
                    payload["deadlines"] = {
                        f"{d['state']}.{d['name']}@{d['opened_seq']}": hashlib.sha256(
                            _canonical({k: _plain(d[k]) for k in DEADLINE_FIELDS})
                        ).hexdigest()
                        for d in [*after, *opened]
                    }
                leaf = hashlib.sha256(b"\x00" + _canonical(payload)).hexdigest()
                ref_ = f"case_events:{row.id}:{seq}"
                if postgres:
                    c.execute(
                        _sql(_LEAF_PG),
                        {"r": ref_, "h": leaf, "p": json.dumps(payload, ensure_ascii=False)},
                    )
                else:
                    size = c.execute(
                        _sql("UPDATE log_head SET size = size + 1 WHERE id = 1 RETURNING size")
                    ).scalar_one()
                    c.execute(
                        _sql(
                            "INSERT INTO log_leaves (idx, kind, ref, leaf_hash, payload) "
                            "VALUES (:i, 'event', :r, :h, :p)"
                        ),
                        {"i": size - 1, "r": ref_, "h": leaf, "p": json.dumps(payload)},
                    )
    return time.perf_counter() - start


BENCH_VERSION = "bench-2024"
BENCH_WORKFLOW = f"""
workflow: netralitas
version: {BENCH_VERSION}
extends: bkn-2024
supervisory_body: bkn
applies_from: 2099-01-01
states:
""" + "".join(
    f"  {state}:\n    letters: []\n"
    for state in ("dilaporkan", "diteruskan", "klarifikasi", "direkomendasikan")
)


def bench_workflows(tmp: Path) -> Path:
    """The shipped workflows plus the bench version (no letters on the measured steps)."""
    folder = tmp / "workflows"
    if not folder.exists():
        shutil.copytree(ROOT / "workflows", folder)
        (folder / "netralitas-bench.yaml").write_text(BENCH_WORKFLOW, encoding="utf-8")
    return folder


def fresh_app(url: str, tmp: Path) -> App:
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(
        database_url=url, letter_store=tmp / "letters", workflows_dir=bench_workflows(tmp)
    )
    app = App(settings, db=engine)
    seed(app)
    return app


def bench_backend(
    name: str, make_url: callable, n: int, tmp: Path, chunk: int = 20
) -> dict[str, float]:  # type: ignore[valid-type]
    """Service and raw SQL in alternating rounds of `chunk` cases (five steps each), so that
    both sides meet the same machine when it is shared; wall time and this process's CPU time
    (on PostgreSQL the server's CPU is not in it) summed per side."""
    app = fresh_app(make_url("svc"), tmp)
    workflow = app.workflow(BENCH_VERSION)
    reading = {t.trigger for t in workflow.transitions if reads_priors(t.guards)}
    assert reading & {s[0] for s in STEPS} == PRIORS_READ, "the raw side must read them too"
    refs = [open_case(app, workflow_version=BENCH_VERSION) for _ in range(n)]
    raw_app = fresh_app(make_url("raw"), tmp)
    raw_refs = [open_case(raw_app, workflow_version=BENCH_VERSION) for _ in range(n)]
    wall = {"service": 0.0, "raw": 0.0}
    cpu = {"service": 0.0, "raw": 0.0}
    for i in range(0, n, chunk):
        for side in ("service", "raw"):
            before = time.process_time()
            if side == "service":
                wall[side] += service_run(app, refs[i : i + chunk])
            else:
                wall[side] += raw_run(raw_app.db, raw_refs[i : i + chunk])
            cpu[side] += time.process_time() - before
    app.db.dispose()
    raw_app.db.dispose()
    steps = len(STEPS) * n
    results = {side: steps / wall[side] for side in wall}
    print(
        f"{name:<11} service {results['service']:8.0f} transitions/s   raw SQL "
        f"{results['raw']:8.0f}/s   overhead x{results['raw'] / results['service']:.2f}   "
        f"CPU per step {cpu['service'] / steps * 1e3:.2f} ms vs {cpu['raw'] / steps * 1e3:.2f} ms "
        f"(x{cpu['service'] / cpu['raw']:.2f})"
    )
    return results


def case_show_startup(tmp: Path, runs: int = 7) -> float:
    db = tmp / "cli.db"
    url = f"sqlite:///{db}"
    app = fresh_app(url, tmp)
    ref = open_case(app)
    with session_scope(app.db) as session:  # `case show` answers only users with a role
        registry.add_user(
            session,
            actor="admin",
            username=getpass.getuser(),
            roles=["admin"],
            known_roles=["admin"],
            agency_code=None,
        )
    app.db.dispose()
    exe = ROOT / ".venv" / "bin" / "sanctions"
    python = ROOT / ".venv" / "bin" / "python"
    env = {"SANCTIONS_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    subprocess.run([str(exe), "case", "show", ref], env=env, check=True, capture_output=True)
    shows, imports = [], []
    for _ in range(runs):  # in turn, so that both meet the same machine
        start = time.perf_counter()
        subprocess.run([str(exe), "case", "show", ref], env=env, check=True, capture_output=True)
        shows.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([str(python), "-c", "import sqlmodel"], env=env, check=True)
        imports.append(time.perf_counter() - start)
    ratios = sorted(a / b for a, b in zip(shows, imports, strict=True))
    print(
        f"`python -c 'import sqlmodel'` median {statistics.median(imports):.3f} s; `case show` / "
        f"import sqlmodel, pair by pair: median x{statistics.median(ratios):.2f} "
        f"(min x{ratios[0]:.2f}, max x{ratios[-1]:.2f}; target within x1.2)"
    )
    return statistics.median(shows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"{args.cases} cases x {len(STEPS)} transitions, one transaction each\n")
        bench_backend("SQLite", lambda tag: f"sqlite:///{tmp / (tag + '.db')}", args.cases, tmp)
        if not args.no_postgres:
            import psycopg

            schemas = []

            def pg_url(tag: str) -> str:
                schema = f"bench_{tag}_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                    c.execute(f"CREATE SCHEMA {schema}")
                schemas.append(schema)
                return f"postgresql+psycopg://127.0.0.1/test?options=-csearch_path%3D{schema}"

            try:
                bench_backend("PostgreSQL", pg_url, args.cases, tmp)
            finally:
                with psycopg.connect(host="127.0.0.1", dbname="test", autocommit=True) as c:
                    for schema in schemas:
                        c.execute(f"DROP SCHEMA {schema} CASCADE")
        median = case_show_startup(tmp)
        print(
            f"\n`sanctions case show` wall time (median of 7 runs): {median:.3f} s (target < 0.5 s)"
        )


if __name__ == "__main__":
    main()
