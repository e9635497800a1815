"""What must hold of a database after any amount of parallel work on it, checked from the
records alone: used by tests/test_load.py and scripts/bench_load.py after officers have raced
on shared cases.

(a) letter numbers: in every register (issuer, counter, year) the numbers given by letters and
    kept by reservations are 1, 2, … up to the register's counter, each once, and no issuer
    gives one number string twice;
(b) every case's hash chain verifies (`sanctions.trust.audit.verify`) and so does the Merkle
    log (`sanctions.trust.log.verify`: every leaf against its hash and every live record);
(c) every case's state, version and workflow version equal the replay of its log: its events
    numbered 1, 2, … with no gap, the first opening the case, each later one a transition its
    workflow version declares from the state the one before it left the case in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.db.models import Case, CaseEvent, Letter, LetterReservation, LetterSequence
from sanctions.errors import NotFound
from sanctions.trust import audit, log


@dataclass(frozen=True)
class Invariants:
    registers: int  # registers (issuer, counter, year) checked
    letters: int  # letters checked
    number_findings: list[str]
    cases: int  # chains checked
    chain_findings: list[str]
    log_size: int
    log_findings: list[str]
    replay_findings: list[str]

    @property
    def ok(self) -> bool:
        return not (
            self.number_findings or self.chain_findings or self.log_findings
            or self.replay_findings
        )  # fmt: skip


def check_invariants(app: App, session: Session) -> Invariants:
    registers, letters, numbers = number_findings(session)
    cases, chains = audit.verify(session)
    state = log.verify(session)
    return Invariants(
        registers=registers,
        letters=letters,
        number_findings=numbers,
        cases=cases,
        chain_findings=[f"{f.reference} event {f.seq}: {f.what}" for f in chains],
        log_size=state.size,
        log_findings=[
            f"leaf {f.index if f.index is not None else '-'} {f.ref}: {f.what}"
            for f in state.findings
        ],
        replay_findings=replay_findings(app, session),
    )


def number_findings(session: Session) -> tuple[int, int, list[str]]:
    """(registers checked, letters checked, findings) for the letter numbers (a)."""
    taken: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    numbers: Counter[tuple[int, str]] = Counter()
    letters = session.exec(select(Letter.agency_id, Letter.series, Letter.year, Letter.seq,
                                  Letter.number)).all()  # fmt: skip
    for agency_id, series, year, seq, number in letters:
        taken[(agency_id, series, year)].append(seq)
        numbers[(agency_id, number)] += 1
    for r in session.exec(select(LetterReservation)).all():
        if r.letter_id is None:  # free or voided, it keeps its number (a used one: its letter's)
            taken[(r.agency_id, r.series, r.year)].append(r.seq)
    counters = {
        (c.agency_id, c.series, c.year): c.last_seq
        for c in session.exec(select(LetterSequence)).all()
    }
    found = [
        f"issuer {agency} gave number {number!r} {n} times"
        for (agency, number), n in sorted(numbers.items())
        if n > 1
    ]
    for key in sorted({*taken, *counters}):
        agency, counter, year = key
        where = f"register {counter!r} of issuer {agency} in {year}"
        seqs = taken.get(key, [])
        last = counters.get(key)
        if last is None:
            found.append(f"{where}: {len(seqs)} numbers given but no counter")
            continue
        twice = sorted(s for s, n in Counter(seqs).items() if n > 1)
        missing = sorted(set(range(1, last + 1)) - set(seqs))
        beyond = sorted(s for s in set(seqs) if not 1 <= s <= last)
        if twice:
            found.append(f"{where}: numbers {_few(twice)} given twice")
        if missing:
            found.append(f"{where}: numbers {_few(missing)} missing (counter at {last})")
        if beyond:
            found.append(f"{where}: numbers {_few(beyond)} beyond the counter ({last})")
    return len(counters), len(letters), found


def replay_findings(app: App, session: Session) -> list[str]:
    """Every case against the replay of its log through its workflow (c)."""
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in session.exec(select(CaseEvent).order_by(col(CaseEvent.case_id),
                                                         col(CaseEvent.seq))).all():  # fmt: skip
        events[event.case_id].append(event)
    found = []
    for case in session.exec(select(Case).order_by(col(Case.id))).all():
        problem = _replay(app, case, events.get(case.id or 0, []))
        if problem:
            found.append(f"{case.reference}: {problem}")
    return found


def _replay(app: App, case: Case, events: list[CaseEvent]) -> str | None:
    if not events:
        return "has no events"
    state: str | None = None
    version = case.workflow_version
    for number, event in enumerate(events, start=1):
        if event.seq != number:
            return f"event {number} is numbered {event.seq}"
        if number == 1:
            if event.source is not None:
                return f"its first event ({event.trigger}) does not open it"
        else:
            if event.source != state:
                return (
                    f"event {number} ({event.trigger}) starts from {event.source!r}, but the "
                    f"events before it left the case in {state!r}"
                )
            try:
                workflow = app.workflow(event.workflow_version)
            except NotFound:
                return f"event {number} names an unknown workflow {event.workflow_version!r}"
            assert state is not None
            if not any(
                t.trigger == event.trigger and (event.dest == (state if t.stays else t.dest))
                for t in workflow.transitions_from(state)
            ):
                return (
                    f"event {number}: {event.trigger} from {state!r} to {event.dest!r} is not "
                    f"a step of {event.workflow_version}"
                )
        state, version = event.dest, event.workflow_version
    if (case.state, case.version, case.workflow_version) != (state, len(events), version):
        return (
            f"the case says {case.state!r} (version {case.version}, {case.workflow_version}); "
            f"its log replays to {state!r} (version {len(events)}, {version})"
        )
    return None


def _few(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:5])
    return shown + (f" … ({len(values)} in all)" if len(values) > 5 else "")
