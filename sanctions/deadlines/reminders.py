"""The reminder job: every overdue PPK follow-up gets the next step of the escalation ladder.

`run_reminders` scans the open deadlines whose rule says `on_miss: escalate` and whose due date
has passed (keyset pages of one query on the index `ix_deadlines_open`, `overdue_pages`), asks
`sanctions.escalation.next_step` which step, if any, is due, and issues it in the case's own
transaction: the case's version is bumped first with the same optimistic check as `advance`
(a second run, even one running at the same time, waits on that row and then finds it changed,
so it issues nothing), then the numbered letter, the `ReminderStep` row (UNIQUE(deadline_id,
step_key): the database's last word that a step happens once) and the hash-chained event. One
case failing rolls back that case only. After a case commits, its letter is e-mailed when
SMTP is configured; `emailed_at` is recorded in a second small transaction, and letters not
yet mailed are retried by the next run.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any, NamedTuple, Protocol

from sqlalchemy import func, tuple_, update
from sqlalchemy import select as columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cases.changes import Change, IssueLetter, case_and_last_hash, record
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, Deadline, Letter, ReminderStep
from sanctions.deadlines.ladder import AgencyKind, EscalationStep, Ladder, next_step
from sanctions.deadlines.ladder import next_step_due as ladder_next_due
from sanctions.deadlines.rules import OnMiss
from sanctions.errors import ConcurrencyConflict, InputError, SanctionsError, StorageError
from sanctions.law import names
from sanctions.letters import store
from sanctions.letters.service import issue_letter, issuer_of, reads
from sanctions.mailing import send, smtp_server
from sanctions.trust import log

TRIGGER_PREFIX = "pengingat:"
BLOCKING_STEP = names.BLOCKING_STEP
BLOCKING_FACT = names.BLOCKING_FACT

Progress = Callable[[int, int], None]  # (cases done, cases in all)


class OverdueDeadline(NamedTuple):
    id: int
    case_id: int
    name: str
    state: str
    due_date: date


class OverdueCase(NamedTuple):
    id: int
    reference: str
    state: str
    version: int  # as scanned: the step claims this version, so a case changed since is refused


class OverdueAgency(NamedTuple):
    code: str
    name: str
    parent: str
    kind: str
    address: str
    city: str


@dataclass(frozen=True)
class Overdue:
    """An open escalating deadline past its due date, with what the job reads of its case and
    of the case's agency (plain rows: the scan builds no ORM objects of the wide tables)."""

    deadline: OverdueDeadline
    case: OverdueCase
    agency: OverdueAgency


@dataclass
class ReminderRow:
    case: str
    agency: str
    deadline: str
    due: date
    days_overdue: int
    step: str  # "" when no step is due today
    letter: str  # the issued letter's number, "" when none
    status: str  # issued | would_issue | waiting | done | skipped | failed
    detail: str = ""
    mail: str = ""  # sent | failed: ... | "" (not mailed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "agency": self.agency,
            "deadline": self.deadline,
            "due": self.due,
            "days_overdue": self.days_overdue,
            "step": self.step,
            "letter": self.letter,
            "status": self.status,
            "detail": self.detail,
            "mail": self.mail,
        }


@dataclass
class RunReport:
    as_of: date
    dry_run: bool
    rows: list[ReminderRow] = field(default_factory=list)
    mails_retried: int = 0
    mail_failures: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0


# --------------------------------------------------------------------------- the scan


_DEADLINE = (Deadline.id, Deadline.case_id, Deadline.name, Deadline.state, Deadline.due_date)
_CASE = (Case.reference, Case.state, Case.version)
_AGENCY = (Agency.code, Agency.name, Agency.parent, Agency.kind, Agency.address, Agency.city)


PAGE = 1000  # late deadlines the job reads at a time (`overdue_pages`)


def overdue_query(
    as_of: date, *, after: tuple[date, int] | None = None, limit: int | None = None
) -> Any:
    """The scan's query: `closed_seq IS NULL AND on_miss = 'escalate' AND due_date < ?` is a
    range of the index `ix_deadlines_open`, so it reads only open deadlines already late;
    only the columns the job reads (SQLAlchemy Core: no ORM entity of the wide case row), all
    of them in `ix_deadlines_open` and `ix_cases_scan` (index-only scans; migration 0030).
    `after` (a due date and deadline id) and `limit`: one keyset page of it, in its order."""
    due, deadline_id = col(Deadline.due_date), col(Deadline.id)
    # a row comparison: PostgreSQL starts the page's index range at it
    keyset = [] if after is None else [tuple_(due, deadline_id) > tuple_(*after)]
    query = (
        columns(*(col(c) for c in (*_DEADLINE, *_CASE, *_AGENCY)))
        .select_from(Deadline)
        .join(Case, col(Case.id) == Deadline.case_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .where(
            col(Deadline.closed_seq).is_(None),
            due < as_of,
            col(Deadline.on_miss) == OnMiss.ESCALATE.value,
            *keyset,
        )
        .order_by(due, deadline_id)
    )
    return query if limit is None else query.limit(limit)


def find_overdue(
    session: Session,
    *,
    as_of: date,
    after: tuple[date, int] | None = None,
    limit: int | None = None,
) -> list[Overdue]:
    """Open deadlines with `on_miss: escalate` due before `as_of`, with their case and agency
    (one query, `overdue_query`, read as plain rows); with `after` and `limit`, one page."""
    d, c = len(_DEADLINE), len(_DEADLINE) + len(_CASE)
    found = []
    for row in session.connection().execute(overdue_query(as_of, after=after, limit=limit)):
        deadline = OverdueDeadline._make(row[:d])
        case = OverdueCase(deadline.case_id, *row[d:c])
        found.append(Overdue(deadline, case, OverdueAgency._make(row[c:])))
    return found


def overdue_pages(app: App, *, as_of: date, page: int = PAGE) -> Iterator[list[Overdue]]:
    """`find_overdue` in keyset pages of `page`, each read in a transaction of its own: the
    job starts on the first page at once, whatever the number of late deadlines, and a page
    costs the same however far into the scan it is."""
    after: tuple[date, int] | None = None
    while True:
        with session_scope(app.db) as session:
            found = find_overdue(session, as_of=as_of, after=after, limit=page)
        if found:
            yield found
        if len(found) < page:
            return
        last = found[-1].deadline
        after = (last.due_date, last.id)


def count_overdue(session: Session, *, as_of: date) -> int:
    """How many late deadlines the scan finds (a count over `ix_deadlines_open`'s range)."""
    query = columns(func.count()).where(
        col(Deadline.closed_seq).is_(None),
        col(Deadline.due_date) < as_of,
        col(Deadline.on_miss) == OnMiss.ESCALATE.value,
    )
    return int(session.connection().execute(query).scalar_one())


class _Named(Protocol):
    """A deadline as far as its ladder steps go (a `Deadline` or an `OverdueDeadline`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def case_id(self) -> int: ...
    @property
    def name(self) -> str: ...


def steps_done(session: Session, deadlines: Sequence[_Named]) -> dict[int, list[tuple[str, date]]]:
    """The ladder steps already recorded for each deadline, in issue order (chunked IN
    lists): those of every deadline of the same case and name, so a follow-up deadline a
    state re-opens (with its first anchor) continues the ladder instead of restarting it."""
    by_name: dict[tuple[int, str], list[tuple[str, date]]] = {}
    case_ids = sorted({d.case_id for d in deadlines})
    for start in range(0, len(case_ids), 5000):
        chunk = case_ids[start : start + 5000]
        for case_id, name, key, issued in session.exec(
            select(
                col(Deadline.case_id),
                col(Deadline.name),
                col(ReminderStep.step_key),
                col(ReminderStep.issued_on),
            )
            .join(Deadline, col(Deadline.id) == ReminderStep.deadline_id)
            .where(col(Deadline.case_id).in_(chunk))
            .order_by(col(Deadline.case_id), col(ReminderStep.id))
        ).all():
            by_name.setdefault((case_id, name), []).append((key, issued))
    return {d.id or 0: by_name.get((d.case_id, d.name), []) for d in deadlines}


def ladder_of(app: App) -> Ladder:
    return app.ladder


# --------------------------------------------------------------------------- the job


class _AlreadyIssued(SanctionsError):
    """Another run recorded this step first (the unique constraint said so)."""


class _NotHosted(SanctionsError):
    """The ladder's letter belongs to an issuer this installation does not host: that
    issuer's installation sends it (docs/exchange.md)."""


def run_reminders(
    app: App,
    *,
    as_of: date,
    now: datetime,
    actor: str,
    dry_run: bool,
    progress: Progress | None = None,
    issue: IssueLetter = issue_letter,
    ladder: Ladder | None = None,
) -> RunReport:
    """Issue the step due on `as_of` for every overdue case; each case in its own transaction.

    `issue` is the letter issuer (the real `issue_letter` unless a benchmark measures the
    job's own work without rendering PDFs). A dry run writes nothing and reports what it
    would issue.
    """
    today = now.astimezone().date()
    if as_of > today and not dry_run:
        raise InputError(
            f"--as-of {as_of} is after today ({today}): a reminder is issued on the day it is "
            "due (use --dry-run to see what a later day would issue)"
        )
    ladder = ladder or ladder_of(app)
    report = RunReport(as_of=as_of, dry_run=dry_run)
    with session_scope(app.db) as session:
        total = count_overdue(session, as_of=as_of) if progress is not None else 0
    i = 0
    for overdue in overdue_pages(app, as_of=as_of):
        with session_scope(app.db) as session:
            done = steps_done(session, [o.deadline for o in overdue])
        for item in overdue:
            report.rows.append(
                _one(app, item, done.get(item.deadline.id or 0, []), ladder, as_of, now, actor,
                     dry_run=dry_run, issue=issue)
            )  # fmt: skip
            i += 1
            if progress is not None:
                progress(i, max(total, i))
    if not dry_run and app.settings.smtp_url:
        _mail_pending(app, report, now=now)
    return report


def _one(
    app: App,
    item: Overdue,
    done: list[tuple[str, date]],
    ladder: Ladder,
    as_of: date,
    now: datetime,
    actor: str,
    *,
    dry_run: bool,
    issue: IssueLetter,
) -> ReminderRow:
    deadline, case = item.deadline, item.case
    row = ReminderRow(
        case=case.reference,
        agency=item.agency.code,
        deadline=deadline.name,
        due=deadline.due_date,
        days_overdue=app.calendar.working_days_between(deadline.due_date, as_of),
        step="",
        letter="",
        status="waiting",
    )
    try:
        found = next_step(
            ladder,
            overdue_since=deadline.due_date,
            steps_done=done,
            today=as_of,
            calendar=app.calendar,
        )
        if found is None:
            upcoming = ladder_next_due(
                ladder, overdue_since=deadline.due_date, steps_done=done, calendar=app.calendar
            )
            if upcoming is None:
                row.status, row.detail = "done", "every step of the ladder was issued"
            else:
                row.detail = f"{upcoming[0].key} due {upcoming[1].isoformat()}"
            return row
        row.step = found.key
        if dry_run:
            row.status, row.detail = "would_issue", found.letter
            return row
        with session_scope(app.db) as session:
            claimed, prev_hash = _claimable(session, item)
            issuer = issuer_of(app, session, claimed, found.letter)
            if not issuer.hosted:
                raise _NotHosted(
                    f"{found.letter} is issued by {issuer.code}, which this installation does "
                    "not host: its own installation sends it"
                )
            letter = _issue_step(
                app, session, item, claimed, prev_hash, found, done, ladder, as_of, now, actor,
                issue=issue,
            )  # fmt: skip
            row.letter, row.status = letter.number, "issued"
    except (_AlreadyIssued, _NotHosted, ConcurrencyConflict) as exc:
        row.status, row.detail = "skipped", str(exc)
    except SanctionsError as exc:
        row.status, row.detail = "failed", str(exc)
    except Exception as exc:  # one broken case must not stop the others; it is reported
        row.status, row.detail = "failed", f"{type(exc).__name__}: {exc}"
    return row


def _claimable(session: Session, item: Overdue) -> tuple[Case, str]:
    """The scanned case as an ORM object of this transaction and the hash of its latest
    event (what the reminder's event chains to), at the version the scan read: a case
    changed since, by a parallel run or a step, is refused as `record` would refuse it. Read
    here for the few cases a step is issued for, not by the scan for every late deadline."""
    case, prev_hash = case_and_last_hash(session, item.case.reference)
    if case.version != item.case.version:
        raise ConcurrencyConflict(
            f"case {item.case.reference} was changed by someone else while the job worked on "
            "it; nothing was written for it (the next run looks at it again)"
        )
    return case, prev_hash


def _issue_step(
    app: App,
    session: Session,
    item: Overdue,
    case: Case,
    prev_hash: str,
    step: EscalationStep,
    done: list[tuple[str, date]],
    ladder: Ladder,
    as_of: date,
    now: datetime,
    actor: str,
    *,
    issue: IssueLetter,
) -> Letter:
    """The step as a change of the case through the write path: the case's version is
    claimed first (a parallel run that issued this step first bumped it, so this one finds
    the case changed), then the numbered letter and the sealed event; then the step's row,
    whose UNIQUE(deadline, step) is the database's last word on "once"."""
    deadline = item.deadline
    facts = {BLOCKING_FACT: as_of.isoformat()} if step.key == BLOCKING_STEP else {}
    given = letter_data(app, step, item, [*done, (step.key, as_of)], ladder, as_of)
    read = reads(app, step.letter)  # the ladder's values this letter does not print are left out
    given = {name: value for name, value in given.items() if name in read}
    change = Change(
        trigger=f"{TRIGGER_PREFIX}{step.key}",
        on=as_of,
        dest=case.state,
        inputs={
            "deadline": deadline.name,
            "due_date": deadline.due_date.isoformat(),
            "step": step.key,
        },
        facts=facts,
        note=step.label,
        moves=False,
        letters=(step.letter,),
        letter_data={step.letter: given},
    )
    written = record(
        app,
        session,
        case,
        change,
        prev_hash=prev_hash,
        open_deadlines=False,
        actor=actor,
        now=now,
        issue=issue,
    )
    [letter] = written.letters
    taken = ReminderStep(
        case_id=case.id or 0,
        deadline_id=deadline.id,
        step_key=step.key,
        issued_on=as_of,
        event_seq=written.event.seq,
        letter_id=letter.id,
        created_at=now,
    )
    session.add(taken)
    try:
        session.flush()
    except IntegrityError:
        raise _AlreadyIssued(
            f"{step.key} for {deadline.name} was already issued by another run"
        ) from None
    log.append(session, [log.step_leaf(taken)])
    return letter


def letter_data(
    app: App,
    step: EscalationStep,
    item: Overdue,
    done_after: Sequence[tuple[str, date]],
    ladder: Ladder,
    as_of: date,
) -> dict[str, Any]:
    """The `data.*` values a ladder letter needs that the case does not hold already.

    `target_agency` is the agency whose PPK has not followed up (the templates say
    "Pejabat Pembina Kepegawaian {{ target_agency.name }}" and pick the ministry's wording
    from its kind); the letter goes to the step's first recipient other than the PPK (BKN's
    Deputi Bidang Pengawasan dan Pengendalian for the blocking request, Kemendagri or
    KemenPANRB for the escalation), given as `addressee`.
    """
    deadline, agency = item.deadline, item.agency
    data: dict[str, Any] = {
        "overdue_days": max(app.calendar.working_days_between(deadline.due_date, as_of), 1),
        "target_agency": {
            "name": _display_name(agency.parent or agency.name),
            "kind": agency.kind,
            "address": agency.address or agency.city,
        },
    }
    upcoming = ladder_next_due(
        ladder, overdue_since=deadline.due_date, steps_done=done_after, calendar=app.calendar
    )
    if upcoming is not None:
        data["new_due"] = upcoming[1]
    declared = app.law.recipients  # workflows/recipients.yaml
    others = [r for r in step.recipients_for(AgencyKind(agency.kind)) if r in declared]
    if others:
        first = declared[others[0]]
        data["addressee"] = {"name": first.as_addressee, "address": first.address}
    return data


def _display_name(name: str) -> str:
    """`PEMERINTAH KABUPATEN SLEMAN` → `Pemerintah Kabupaten Sleman` (short acronyms kept)."""
    if name != name.upper():
        return name
    return " ".join(w if len(w) <= 3 and w.isalpha() else w.capitalize() for w in name.split())


# --------------------------------------------------------------------------- e-mail


@dataclass(frozen=True)
class _Mail:
    step_id: int
    case: str
    number: str
    title: str
    path: str
    sha256: str
    to: str
    sender: str


def _mail_pending(app: App, report: RunReport, *, now: datetime) -> None:
    """Mail every issued letter not mailed yet (this run's and earlier runs' failures)."""
    url = app.settings.smtp_url
    assert url is not None
    with session_scope(app.db) as session:
        pending = _pending_mails(session)
    by_case = {row.case: row for row in report.rows if row.status == "issued"}
    for mail in pending:
        row = by_case.get(mail.case)
        try:
            send_letter(url, mail.to, mail.sender, mail, app)
        except (OSError, smtplib.SMTPException, InputError, StorageError) as exc:
            message = f"{mail.number} to {mail.to}: {exc}"
            report.mail_failures.append(message)
            if row is not None and row.letter == mail.number:
                row.mail = f"failed: {exc}"
            continue
        with session_scope(app.db) as session:
            session.execute(
                update(ReminderStep)
                .where(col(ReminderStep.id) == mail.step_id)
                .values(emailed_at=now)
                .execution_options(synchronize_session=False)
            )
        if row is not None and row.letter == mail.number:
            row.mail = "sent"
        else:
            report.mails_retried += 1


def _pending_mails(session: Session) -> list[_Mail]:
    issuer = Agency.__table__.alias("issuer")  # type: ignore[attr-defined]
    rows = session.exec(
        select(  # type: ignore[call-overload]
            col(ReminderStep.id),
            col(Case.reference),
            col(Letter.number),
            col(Letter.title),
            col(Letter.path),
            col(Letter.sha256),
            col(Agency.email),
            issuer.c.email,
        )
        .join(Letter, col(Letter.id) == ReminderStep.letter_id)
        .join(Case, col(Case.id) == ReminderStep.case_id)
        .join(Agency, col(Agency.id) == Case.agency_id)
        .join(issuer, issuer.c.id == Letter.agency_id)
        .where(col(ReminderStep.emailed_at).is_(None), col(Agency.email) != "")
        .order_by(col(ReminderStep.id))
    ).all()
    return [
        _Mail(step_id, ref, number, title, path, digest, to, sender or "sanctions@localhost")
        for step_id, ref, number, title, path, digest, to, sender in rows
    ]


def send_letter(url: str, to: str, sender: str, mail: _Mail, app: App) -> None:
    """Send one letter's PDF through the SMTP server at `url` (smtp:// or smtps://)."""
    smtp_server(url)  # a bad setting is refused before anything is built
    message = EmailMessage()
    message["Subject"] = f"{mail.title} Nomor {mail.number}"
    message["From"] = sender
    message["To"] = to
    message.set_content(
        f"Terlampir {mail.title} Nomor {mail.number} (perkara {mail.case}).\n"
        "Surat ini dikirim otomatis oleh sistem penanganan pelanggaran netralitas ASN.\n"
    )
    message.add_attachment(
        # only the file the letter's digest names, inside the store, and only if unchanged
        store.read(app.settings.letter_store, mail.path, mail.sha256),
        maintype="application",
        subtype="pdf",
        filename=f"{mail.number.replace('/', '-')}.pdf",
    )
    send(url, message)
