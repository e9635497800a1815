"""SQLModel tables. The schema itself is created by Alembic migrations (`sanctions db upgrade`).

The case's event log is append-only and is the source of truth; `Case.state` is a cache
written in the same transaction as each event (and checked against the log in tests).
`Case.version` is the optimistic-concurrency counter: every transition updates the row
only where the version is still the one it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel


class _Table(SQLModel):
    """The tables' base: pydantic builds a table's validation schema on first use instead of
    when the class is defined (rows are built without validation; a `model_dump` builds it),
    so a command pays only for the tables it serialises (start-up: docs/performance.md)."""

    model_config = {**SQLModel.model_config, "defer_build": True}


class Agency(_Table, table=True):
    __tablename__ = "agencies"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    parent: str = Field(default="", max_length=200)  # e.g. PEMERINTAH KABUPATEN SLEMAN
    kind: str = Field(max_length=10)  # pusat | daerah
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=60)
    website: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=120)
    city: str = Field(max_length=80)
    ppk_title: str = Field(max_length=200)
    ppk_name: str = Field(max_length=200)
    ppk_nip: str | None = Field(default=None, max_length=18)
    unit_code: str = Field(default="", max_length=40)
    numbering_pattern: str = Field(default="{code}/{seq}/{unit}/{year}", max_length=120)
    # The keputusan register's own pattern (its own counter); None: decrees share the pattern.
    decree_pattern: str | None = Field(default=None, max_length=120)
    page_number_style: str = Field(default="dash", max_length=10)
    # How its registers order numbers (letters/register.py): "agenda", numbers rise with dates
    # (a back-dated letter takes a reserved number or is refused); "recorded", in the order
    # letters are recorded whatever their dates (declared by an issuer entering a backlog).
    register_order: str = Field(default="agenda", max_length=10)
    e_signature: bool = False
    verification_url: str | None = Field(default=None, max_length=200)
    # Whether this installation issues the agency's letters (docs/exchange.md). An agency it
    # does not host is registered so letters can name and cite it: a step whose letter it
    # issues records the letter received from it instead (`Letter.incoming`).
    hosted: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # The images of the kop, kept in the letter store by SHA-256 (sanctions/registry/logos.py):
    # the lambang of the agency's kop and the emblem (Garuda Pancasila) of the kop jabatan.
    logo_sha256: str | None = Field(default=None, max_length=64)
    emblem_sha256: str | None = Field(default=None, max_length=64)
    # The series of letters the PPK signs in person on the kop jabatan (None: the default
    # `sanctions.letters.letterhead.HEAD_PATTERN`); decrees keep `decree_pattern` when set.
    head_pattern: str | None = Field(default=None, max_length=120)


class IssuerSigner(_Table, table=True):
    """Who signs an issuer's letters as its head, from `valid_from` to `valid_until`
    (inclusive; None: until further notice). Officials change while cases are open: a letter
    is signed by the one in office on its date, as a Plt./Plh. when acting, a.n./u.b. when
    signing for someone else. Without a row, the agency's own head fields sign."""

    __tablename__ = "issuer_signers"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    title: str = Field(max_length=200)  # the jabatan, e.g. "Kepala Badan Kepegawaian ..."
    name: str = Field(max_length=200)
    nip: str | None = Field(default=None, max_length=18)  # none for an elected official
    rank: str | None = Field(default=None, max_length=80)  # pangkat/golongan
    acting: str = Field(default="", max_length=4)  # "" | "Plt." | "Plh."
    on_behalf: str = Field(default="", max_length=200)  # e.g. "a.n. Bupati Sleman"
    valid_from: date
    valid_until: date | None = None
    added_by: str = Field(max_length=80)
    added_at: datetime


class Employee(_Table, table=True):
    __tablename__ = "employees"

    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(unique=True, min_length=18, max_length=18)
    employee_type: str = Field(max_length=10)  # PNS | PPPK
    name: str = Field(max_length=200)
    birth_date: date
    sex: str = Field(max_length=1)  # L | P
    rank: str | None = Field(default=None, max_length=80)
    position: str = Field(max_length=200)
    position_type: str = Field(max_length=40)
    unit: str = Field(default="", max_length=200)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    address: str = Field(default="", max_length=300)
    status: str = Field(default="aktif", max_length=20)


class Contest(_Table, table=True):
    __tablename__ = "contests"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=10)  # pemilu | pilkada
    region: str = Field(default="", max_length=120)
    candidate_determination_date: date | None = None  # penetapan calon (the default date)
    # A date of its own per office contested (office -> ISO date; a Pemilu has several:
    # sanctions/cases/penetapan.py); an office without one takes the default date.
    penetapan_by_office: dict[str, str] | None = Field(default_factory=dict, sa_column=Column(JSON))
    campaign_start: date | None = None
    campaign_end: date | None = None
    # The Bawaslu office supervising the contest: it issues the report's receipt and the
    # forwarding letter, numbered in its own series.
    bawaslu_agency_id: int | None = Field(default=None, foreign_key="agencies.id")


class AppUser(_Table, table=True):
    __tablename__ = "app_users"

    username: str = Field(primary_key=True, max_length=80)
    full_name: str = Field(default="", max_length=200)


class RoleGrant(_Table, table=True):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("username", "role", "agency_id"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(foreign_key="app_users.username", index=True, max_length=80)
    role: str = Field(max_length=40)
    agency_id: int | None = Field(default=None, foreign_key="agencies.id")  # None: all agencies


class Case(_Table, table=True):
    __tablename__ = "cases"
    # An agency's cases by state: the desk of an officer of one agency (migration 0027); and
    # every column a report reads, the jabatan included, for an index-only pass over the
    # cases (migrations 0027, 0028).
    __table_args__ = (
        Index("ix_cases_agency_state", "agency_id", "state"),
        # what the overdue scan reads of each late deadline's case (migration 0030)
        Index("ix_cases_scan", "id", "agency_id", "state", "version", "reference"),
        Index(
            "ix_cases_report",
            "agency_id",
            "reported_on",
            "state",
            "workflow_version",
            "act_date",
            "id",
            "position",
            "position_type",
            "violation_codes",
        ),
        # `report followup`: the recommended cases with their follow-up facts (migration 0029)
        Index(
            "ix_cases_follow_up",
            "recommended_on",
            "agency_id",
            "reported_on",
            "follow_up_due",
            "follow_up_left_on",
            "follow_up_acted",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=40)
    register_number: str | None = Field(default=None, unique=True, max_length=80)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    employee_id: int = Field(foreign_key="employees.id", index=True)
    contest_id: int = Field(foreign_key="contests.id")
    workflow_version: str = Field(max_length=40)
    state: str = Field(max_length=60, index=True)
    version: int = 1
    reported_on: date
    act_date: date
    employee_snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    facts: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    opened_by: str = Field(max_length=80)
    opened_at: datetime
    # What the reports group by, as columns the write path fills when it opens the case
    # (`changes.report_columns`; migration 0028): the snapshot's jabatan and position type
    # (reading them out of the JSON per row was the cost of `report positions`), and the
    # distinct codes of its allegations, sorted, comma-separated (written with the case and
    # never changed after, like the allegations; `report violations` then groups the cases
    # instead of joining a million allegations). The whole catalogue joined is 253 characters.
    position: str = Field(default="", max_length=200)
    position_type: str = Field(default="", max_length=40)
    violation_codes: str = Field(default="", max_length=400)
    # The follow-up of the PPK, as its steps give it (`cases.follow_up`, kept by the write
    # path; migration 0029), NULL while not yet: the first standing step into
    # direkomendasikan, the due date of the first tindak_lanjut_ppk deadline there, the first
    # standing step after it that ends the follow-up, and whether that step is the PPK's act.
    recommended_on: date | None = None
    follow_up_due: date | None = None
    follow_up_left_on: date | None = None
    follow_up_acted: bool | None = None


VIOLATION_CODES_SEPARATOR = ","


def report_values(snapshot: Mapping[str, Any] | None, codes: Iterable[str]) -> dict[str, str]:
    """What a case's report columns hold, from its employee snapshot and its allegations'
    codes: the write path writes them (`cases.changes.report_columns`) and the audit checks
    them (`trust.log`), since the Merkle leaf of a case holds the snapshot and the allegations,
    not these copies of them."""
    snapshot = snapshot or {}
    return {
        "position": str(snapshot.get("position") or ""),
        "position_type": str(snapshot.get("position_type") or ""),
        "violation_codes": VIOLATION_CODES_SEPARATOR.join(sorted(set(codes))),
    }


class Allegation(_Table, table=True):
    __tablename__ = "allegations"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    violation_code: str = Field(max_length=20)
    description: str = Field(default="", max_length=2000)


class CaseEvent(_Table, table=True):
    """Append-only: one row per step. Never updated or deleted."""

    __tablename__ = "case_events"
    # The corrections a report leaves out, and the steps after its date (migration 0027).
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_events_trigger", "trigger", "case_id"),
        Index("ix_case_events_on", "on", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    at: datetime
    on: date
    actor: str = Field(max_length=80)
    trigger: str = Field(max_length=60)
    source: str | None = Field(default=None, max_length=60)
    dest: str = Field(max_length=60)
    note: str = Field(default="", max_length=2000)
    inputs: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    late: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    workflow_version: str = Field(max_length=40)
    # The tamper-evident chain (sanctions/audit.py): SHA-256 of this row, its letters and
    # the previous event's hash. Set when the step's transaction has written its letters.
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)


class Deadline(_Table, table=True):
    """Opened when a case enters a state that declares it; closed when the case leaves."""

    __tablename__ = "deadlines"
    # Open deadlines (closed_seq IS NULL) of one kind (on_miss), by due date: the overdue
    # scans read a range of it, with every column the scan reads (index-only; migration 0030).
    # A plain composite index, not a partial one, because dialect options make SQLAlchemy
    # import every dialect at start-up (and it works on both).
    # `ix_deadlines_late`: the open deadlines past due whatever their `on_miss`, with their
    # case ids, for the overdue list (migration 0027).
    __table_args__ = (
        Index("ix_deadlines_open", "closed_seq", "on_miss", "due_date", "id", "case_id", "name",
              "state"),
        Index("ix_deadlines_late", "closed_seq", "direction", "due_date", "case_id"),
        # a case's open deadlines with what the desk reads of them (migration 0030)
        Index("ix_deadlines_case_open", "case_id", "closed_seq", "due_date", "id", "name",
              "state", "direction", "unit"),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    name: str = Field(max_length=60)
    label: str = Field(max_length=200)
    state: str = Field(max_length=60)
    opened_seq: int
    anchor_date: date
    due_date: date
    unit: str = Field(max_length=20)
    amount: int
    direction: str = Field(max_length=10)
    on_miss: str = Field(max_length=20)
    confidence: str = Field(max_length=1)
    basis: str = Field(max_length=300)
    closed_seq: int | None = None
    closed_on: date | None = None
    met: bool | None = None


class DeadlineEntry(_Table, table=True):
    """A line of a deadline's ledger: an extension of its budget or a suspension of its clock
    (sanctions/deadlines/ledger.py), written with the event that recorded it. The deadline's
    `due_date` is derived from its budget and these entries."""

    __tablename__ = "deadline_entries"

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadlines.id", index=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=20)  # extension | suspension
    amount: int = 0  # extension: units added
    start: date | None = None  # suspension: first day stopped
    end: date | None = None  # suspension: last day stopped
    reason: str = Field(max_length=1000)
    basis: str = Field(max_length=300)
    event_seq: int  # the case event that recorded it


class Letter(_Table, table=True):
    """An issued official document: numbered, rendered to PDF/A, stored by content hash."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("agency_id", "series", "year", "seq"),
        UniqueConstraint("agency_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    event_seq: int | None = None  # the step that issued it; None when issued on demand
    agency_id: int = Field(foreign_key="agencies.id")
    kind: str = Field(max_length=60)
    title: str = Field(max_length=200)
    series: str = Field(max_length=40)
    year: int
    seq: int
    number: str = Field(max_length=120)
    issued_on: date
    issued_at: datetime
    issued_by: str = Field(max_length=80)
    confidential: bool = False
    # The roles its workflow let read it when it was issued Rahasia (`rules.
    # confidential_readers`), empty for a Biasa letter: PostgreSQL shows a Rahasia letter's
    # row (its context) only to them (migration 0021); `letters_public` shows its metadata.
    readers: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    sha256: str = Field(max_length=64, index=True)  # of the PDF file as issued
    content_hash: str = Field(max_length=64)  # of the rendered context, printed in the QR
    path: str = Field(max_length=300)  # inside the letter store
    pages: int
    signed: bool = False
    # Everything the template was rendered from (canonical JSON; `content_hash` is its
    # SHA-256), so the letter can be rendered again exactly and audited.
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    rerender_of: int | None = Field(default=None, foreign_key="letters.id")
    # A letter received from an issuer this installation does not host (docs/exchange.md):
    # the sender's own number and date, the day it arrived, its subject, and the received
    # PDF or scan stored by SHA-256 (`sha256`, `path`); its `seq` is the installation's own
    # register of incoming letters (series `masuk`), not the sender's.
    incoming: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    received_on: date | None = None
    subject: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})


class LetterSequence(_Table, table=True):
    """The last number given per agency, series and year; bumped in the letter's transaction."""

    __tablename__ = "letter_sequences"

    agency_id: int = Field(foreign_key="agencies.id", primary_key=True)
    series: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last_seq: int = 0
    # The date of the latest number given or reserved (the agenda book's last line): a letter
    # dated before it takes a reserved number of its date or is refused (letters/register.py).
    last_date: date | None = None


class LetterReservation(_Table, table=True):
    """A number kept free in a register for a letter of `for_date` that is written later (an
    agenda book's nomor cadangan): taken in sequence when reserved, then used by one letter of
    that date or voided with a reason; never given twice, never reused."""

    __tablename__ = "letter_reservations"
    __table_args__ = (UniqueConstraint("agency_id", "series", "year", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id")
    series: str = Field(max_length=40)  # the counter, as Letter.series
    year: int
    seq: int
    for_date: date
    reserved_by: str = Field(max_length=80)
    reserved_at: datetime
    state: str = Field(default="free", max_length=10)  # free | used | voided
    letter_id: int | None = Field(default=None, foreign_key="letters.id")
    closed_by: str | None = Field(default=None, max_length=80)  # who used or voided it
    closed_at: datetime | None = None
    void_reason: str | None = Field(default=None, max_length=1000)


class ReminderStep(_Table, table=True):
    """One escalation-ladder step the reminder job issued for an overdue deadline.

    UNIQUE(deadline_id, step_key) is what makes a step happen once: the job inserts this row
    first in the case's transaction, so a second run (or a run at the same time) fails or
    waits on the constraint instead of issuing the letter again.
    """

    __tablename__ = "reminder_steps"
    __table_args__ = (
        UniqueConstraint("deadline_id", "step_key", name="uq_reminder_steps_deadline_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    deadline_id: int = Field(foreign_key="deadlines.id")
    step_key: str = Field(max_length=40)
    issued_on: date
    letter_id: int | None = Field(default=None, foreign_key="letters.id")  # set in the same txn
    event_seq: int
    created_at: datetime
    emailed_at: datetime | None = None


class AccessEvent(_Table, table=True):
    """A refused attempt to act or read (written in its own transaction, so it survives the
    refusal's rollback)."""

    __tablename__ = "access_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=80)
    command: str = Field(max_length=120)
    reason: str = Field(max_length=1000)


class RegistryChange(_Table, table=True):
    """One changed value of reference data (an agency, contest, employee or a user's roles):
    who changed it and when, the value before and after, and the date from which it holds.
    Written in the change's transaction (sanctions/registry/edits.py); never updated."""

    __tablename__ = "registry_changes"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=80)
    entity: str = Field(max_length=20)  # agency | contest | employee | user
    key: str = Field(max_length=80, index=True)  # code, NIP or username
    field: str = Field(max_length=60)
    old: str | None = Field(default=None, max_length=500)
    new: str | None = Field(default=None, max_length=500)
    holds_from: date | None = None


class LawPin(_Table, table=True):
    """The content digest of a unit of the law (a workflow version, the catalogue, the
    template set...; sanctions/law/pins.py), recorded the first time it is used. A unit
    whose content differs from its newest pin is refused (sanctions/trust/pinning.py)."""

    __tablename__ = "law_pins"
    __table_args__ = (UniqueConstraint("name", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, index=True)
    sha256: str = Field(max_length=64)
    pinned_at: datetime
    pinned_by: str = Field(max_length=80)
    note: str = Field(default="", max_length=300)


class LogLeaf(_Table, table=True):
    """One leaf of the append-only Merkle log (sanctions/trust/log.py): a record that matters,
    as written, in canonical JSON, at the next index. Never updated or deleted."""

    __tablename__ = "log_leaves"

    idx: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=30)
    ref: str = Field(max_length=200, index=True)  # the record, e.g. letters:17
    leaf_hash: str = Field(max_length=64)  # RFC 6962 leaf hash of `payload`'s canonical bytes
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class LogHead(_Table, table=True):
    """The log's size: bumped in the appending transaction (its row lock orders appends)."""

    __tablename__ = "log_head"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    size: int = 0


class Checkpoint(_Table, table=True):
    """A signed tree head of the log: its size and root, signed with the installation's
    Ed25519 key (`sanctions audit checkpoint`)."""

    __tablename__ = "checkpoints"

    id: int | None = Field(default=None, primary_key=True)
    size: int
    root: str = Field(max_length=64)
    signed_at: datetime
    key_id: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    signed_by: str = Field(max_length=80)


class TrustedKey(_Table, table=True):
    """Another installation's Ed25519 public key, trusted once (`sanctions keys trust FILE`)
    for the issuers it hosts: a case bundle signed by it is accepted for those issuers only."""

    __tablename__ = "trusted_keys"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(unique=True, max_length=64)  # SHA-256 of the raw public key
    public_key: str = Field(max_length=64)  # hexadecimal, 32 bytes
    issuers: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # agency codes
    label: str = Field(default="", max_length=200)
    added_by: str = Field(max_length=80)
    added_at: datetime


class CaseOrigin(_Table, table=True):
    """Where a case accepted from a bundle was opened: the installation (its key id) and its
    reference there, so a later bundle of the same case finds it (docs/exchange.md)."""

    __tablename__ = "case_origins"
    __table_args__ = (UniqueConstraint("origin_key", "origin_reference"),)

    case_id: int = Field(foreign_key="cases.id", primary_key=True)
    origin_key: str = Field(max_length=64)
    origin_reference: str = Field(max_length=40)


class AcceptedBundle(_Table, table=True):
    """A case bundle accepted (`sanctions case accept`): its id (the SHA-256 of its signed
    manifest) is unique, so the same bundle is never accepted twice."""

    __tablename__ = "accepted_bundles"

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(unique=True, max_length=64)
    case_id: int = Field(foreign_key="cases.id", index=True)
    sender: str = Field(max_length=40)  # the sending issuer's agency code
    key_id: str = Field(max_length=64)
    events: int  # how many of its events were new here
    accepted_by: str = Field(max_length=80)
    accepted_at: datetime
