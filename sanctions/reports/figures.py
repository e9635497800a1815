"""Report arithmetic over plain rows, one `CaseRecord` per case (no database, no clock).

follow-up   per agency or per PPK, of the cases recommended in the period: recommended, acted
            on time, acted late, not acted (and of those, overdue), moot (the employee left the
            service first), the follow-up rate and the worst lateness in calendar days.
            "Acted" follows the law as the workflow declares it (issue 10: the follow-up is
            the decision): the `tindak_lanjut_ppk` deadline opened in `direkomendasikan` is
            re-opened in every state until the decision is delivered (or the moral sanction
            imposed), and the escalation ladder runs while it is open. The case acted when
            it leaves the last state declaring that deadline by a step the deadline governs
            there (`governs`), on or before the report date; on time or late against the
            deadline's due date. Leaving it by another step (the employee left the service)
            is moot. Forming the team, a summons or an examination is not a follow-up. A
            case still waiting is overdue once the report date is past that due date.
violations  cases reported in the period, per violation code (a case with two allegations
            counts under both), with teachers and health workers singled out.
positions   cases reported in the period, per position group (`position_group`).
backlog     open cases per state and age (days since the report) on the report date.
weekly      cases per week (Monday start) by date of the act, for the timeline chart.

Position groups: the supervisory body singles out teachers and lecturers (position contains Guru
or Dosen) and health workers (Dokter, Perawat, Bidan, Apoteker and the other health functional
positions, or "tenaga kesehatan"); it counts camat/lurah (kepala wilayah) apart (docs/sources.md
§7.4, §8.2). The rest follow the position type of the employee snapshot: JPT, administrator,
pengawas, other fungsional, pelaksana.

As of a date: every report is judged on its report date (`--as-of`) from the case's
state-changing events (`Step`) dated on or before it, through `as_of`. Events that leave the
state as it is (a reminder of the escalation ladder, an on-demand letter, a suspension) are
never a step: a reminder letter is not the PPK's follow-up. A step voided by a correction
(`sanctions case correct`) never counts, whatever the date: the correction says it did not
happen. A case reported after the report date is not counted at all.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Final

from sanctions.cases.steps import FOLLOW_UP_DEADLINE as FOLLOW_UP_DEADLINE
from sanctions.cases.steps import RECOMMENDED as RECOMMENDED
from sanctions.cases.steps import FollowUpLaw as FollowUpLaw
from sanctions.cases.steps import Step as Step
from sanctions.cases.steps import effective_steps as effective_steps

AGE_BUCKETS: Final = (
    (30, "0-30 hari"),
    (60, "31-60 hari"),
    (90, "61-90 hari"),
    (180, "91-180 hari"),
)
OLDEST_BUCKET: Final = "> 180 hari"
# The age buckets as --json and --csv keys.
AGE_KEYS: Final = {
    "0-30 hari": "age_0_30",
    "31-60 hari": "age_31_60",
    "61-90 hari": "age_61_90",
    "91-180 hari": "age_91_180",
    OLDEST_BUCKET: "age_over_180",
}

GROUPS: Final = {
    "jpt": "JPT (utama, madya, pratama)",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
    "kepala_wilayah": "Kepala wilayah (camat, lurah)",
    "guru_dosen": "Fungsional: guru dan dosen",
    "tenaga_kesehatan": "Fungsional: tenaga kesehatan",
    "fungsional": "Fungsional lainnya",
    "pelaksana": "Pelaksana",
    "lainnya": "Lainnya / tidak diketahui",
}
SINGLED_OUT: Final = ("guru_dosen", "tenaga_kesehatan")
_TEACHER = re.compile(r"\b(guru|dosen)\b", re.IGNORECASE)
_HEALTH = re.compile(
    r"\b(dokter|perawat|bidan|apoteker|asisten apoteker|tenaga kesehatan|nakes|nutrisionis|"
    r"sanitarian|radiografer|fisioterapis|terapis gigi|perekam medis|epidemiolog kesehatan|"
    r"pranata laboratorium kesehatan|penyuluh kesehatan|tenaga sanitasi)\b",
    re.IGNORECASE,
)
_HEAD_OF_AREA = re.compile(r"\b(camat|lurah|panewu|mantri pamong praja)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return "semua tanggal"
        return f"{self.start or '…'} s.d. {self.end or '…'}"


ALL_TIME: Final = Period()


@dataclass(frozen=True)
class Campaign:
    """A contest's dates, for the timeline chart."""

    name: str
    determination: date | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class CaseRecord:
    """One case, as far as the reports need it."""

    reference: str
    agency_code: str
    agency_name: str
    ppk: str  # e.g. "Bupati Sleman (Harda Kiswaya)"
    state: str
    is_open: bool  # not in a terminal state
    reported_on: date
    act_date: date
    position: str
    position_type: str
    violation_codes: tuple[str, ...]
    recommended_on: date | None = None  # entered direkomendasikan
    follow_up_due: date | None = None  # due date of the tindak_lanjut_ppk deadline there
    left_on: date | None = None  # the follow-up ended (FollowUpLaw.ends)
    left_by: str | None = None  # by this trigger
    acted: bool = False  # ... by a step the deadline governs (the PPK's decision), not moot
    follow_up_met: bool | None = None  # that deadline's `met`
    # The case's state-changing events, its workflow's terminal states and follow-up law:
    # when steps are given, `as_of` derives the fields above from them for a report date.
    steps: tuple[Step, ...] = ()
    terminal: frozenset[str] = frozenset()
    follow_up_law: FollowUpLaw = field(default_factory=FollowUpLaw)


def as_of(record: CaseRecord, on: date) -> CaseRecord | None:
    """The record as it stood on `on` (None when the case was not reported yet). A record
    without steps is taken as it is."""
    if record.reported_on > on:
        return None
    if not record.steps:
        return record
    steps = effective_steps(record.steps, on)
    if not steps:
        return None
    state = steps[-1].dest
    entered = next((i for i, s in enumerate(steps) if s.dest == RECOMMENDED), None)
    law = record.follow_up_law
    left = None if entered is None else next((s for s in steps[entered + 1 :] if law.ends(s)), None)
    due = record.follow_up_due if entered is not None else None
    return replace(
        record,
        state=state,
        is_open=state not in record.terminal,
        recommended_on=None if entered is None else steps[entered].on,
        follow_up_due=due,
        left_on=None if left is None else left.on,
        left_by=None if left is None else left.trigger,
        acted=left is not None and law.acts(left),
        follow_up_met=None if left is None or due is None else left.on <= due,
    )


def standing(records: Iterable[CaseRecord], on: date | None) -> list[CaseRecord]:
    """Every record as of `on` (all of them as they are when `on` is None)."""
    if on is None:
        return list(records)
    return [r for r in (as_of(record, on) for record in records) if r is not None]


def position_group(position: str, position_type: str) -> str:
    """A key of GROUPS for a jabatan name and its position type."""
    if _TEACHER.search(position):
        return "guru_dosen"
    if _HEALTH.search(position):
        return "tenaga_kesehatan"
    if _HEAD_OF_AREA.search(position):
        return "kepala_wilayah"
    if position_type.startswith("jpt"):
        return "jpt"
    return position_type if position_type in GROUPS else "lainnya"


# -- follow-up ------------------------------------------------------------------------------
def follow_up_outcome(record: CaseRecord, on: date) -> str | None:
    """on_time | late | overdue | waiting | moot, or None when never recommended."""
    if record.recommended_on is None:
        return None
    if record.left_by is not None and record.acted:
        return "late" if record.follow_up_met is False else "on_time"
    if record.left_by is not None:
        return "moot"
    if record.follow_up_due is not None and on > record.follow_up_due:
        return "overdue"
    return "waiting"


def days_late(record: CaseRecord, on: date) -> int:
    """Calendar days past the follow-up due date: when acted, or (still waiting) by `on`."""
    if record.follow_up_due is None:
        return 0
    until = record.left_on if record.left_by is not None and record.left_on else on
    return max(0, (until - record.follow_up_due).days)


@dataclass
class FollowUpRow:
    key: str  # agency code or PPK
    name: str
    recommended: int = 0
    on_time: int = 0
    late: int = 0
    not_acted: int = 0
    overdue: int = 0  # of not_acted
    moot: int = 0
    worst_days_late: int = 0

    @property
    def acted(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Acted / (recommended - moot), or None when nothing is due."""
        due = self.recommended - self.moot
        return self.acted / due if due else None

    def as_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "key": self.key,
            "name": self.name,
            "recommended": self.recommended,
            "on_time": self.on_time,
            "late": self.late,
            "not_acted": self.not_acted,
            "overdue": self.overdue,
            "moot": self.moot,
            "rate_percent": None if rate is None else round(100 * rate, 1),
            "worst_days_late": self.worst_days_late,
        }


@dataclass(frozen=True)
class FollowUpGroup:
    """The cases of one agency with one follow-up outcome: how many, and the worst lateness
    among them (of the late and overdue ones). The database's GROUP BY gives these."""

    agency_code: str
    agency_name: str
    ppk: str
    outcome: str
    cases: int
    worst_days_late: int = 0


def follow_up_groups(
    records: Iterable[CaseRecord], *, on: date, period: Period = ALL_TIME
) -> list[FollowUpGroup]:
    """One group per record recommended in `period`, as of `on` (the in-memory way)."""
    groups = []
    for record in standing(records, on):
        outcome = follow_up_outcome(record, on)
        if outcome is None or record.recommended_on not in period:
            continue
        late_by = days_late(record, on) if outcome in ("late", "overdue") else 0
        groups.append(
            FollowUpGroup(record.agency_code, record.agency_name, record.ppk, outcome, 1, late_by)
        )
    return groups


def follow_up(
    records: Iterable[CaseRecord], *, on: date, period: Period = ALL_TIME, by: str = "agency"
) -> list[FollowUpRow]:
    """Follow-up per agency (`by="agency"`) or per PPK (`by="ppk"`) of the cases recommended in
    `period`, worst first (most overdue, then the longest overdue); a total row last."""
    return follow_up_rows(follow_up_groups(records, on=on, period=period), by=by)


def follow_up_rows(groups: Iterable[FollowUpGroup], *, by: str = "agency") -> list[FollowUpRow]:
    """The follow-up rows from grouped counts (`follow_up`'s arithmetic)."""
    rows: dict[str, FollowUpRow] = {}
    names: dict[str, set[str]] = defaultdict(set)
    total = FollowUpRow("JUMLAH", "semua")
    for group in groups:
        key = group.agency_code if by == "agency" else group.ppk
        names[key].add(group.agency_name if by == "agency" else group.agency_code)
        row = rows.setdefault(key, FollowUpRow(key, ""))
        for target in (row, total):
            _count(target, group.outcome, group.worst_days_late, group.cases)
    for key, row in rows.items():
        row.name = ", ".join(sorted(names[key]))
    ordered = sorted(rows.values(), key=lambda r: (-r.overdue, -r.worst_days_late, r.key))
    return [*ordered, total] if ordered else []


def _count(row: FollowUpRow, outcome: str, late_by: int, cases: int = 1) -> None:
    row.recommended += cases
    if outcome == "on_time":
        row.on_time += cases
    elif outcome == "late":
        row.late += cases
    elif outcome == "moot":
        row.moot += cases
    else:
        row.not_acted += cases
        row.overdue += cases if outcome == "overdue" else 0
    if outcome in ("late", "overdue"):
        row.worst_days_late = max(row.worst_days_late, late_by)


# -- violations and positions ---------------------------------------------------------------
@dataclass
class ViolationRow:
    code: str
    conduct: str
    cases: int = 0
    by_group: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        singled = {g: self.by_group[g] for g in SINGLED_OUT}
        return {
            "code": self.code,
            "conduct": self.conduct,
            "cases": self.cases,
            **singled,
            "others": self.cases - sum(singled.values()),
        }


Grouped = tuple[str, str, str, int]  # (violation code, position, position type, cases)
Counted = tuple[str, str, int]  # (position, position type, cases)


def code_groups(
    records: Iterable[CaseRecord], *, period: Period = ALL_TIME, on: date | None = None
) -> list[Grouped]:
    """One (code, position, position type, 1) per distinct code of each record reported in
    `period` (and by `on`): what the database's GROUP BY counts."""
    return [
        (code, record.position, record.position_type, 1)
        for record in standing(records, on)
        if record.reported_on in period
        for code in dict.fromkeys(record.violation_codes)
    ]


def position_counts(
    records: Iterable[CaseRecord], *, period: Period = ALL_TIME, on: date | None = None
) -> list[Counted]:
    return [
        (record.position, record.position_type, 1)
        for record in standing(records, on)
        if record.reported_on in period
    ]


def violations(
    records: Iterable[CaseRecord],
    *,
    conduct: Mapping[str, str],
    period: Period = ALL_TIME,
    on: date | None = None,
) -> list[ViolationRow]:
    """Cases reported in `period` (and by `on`) per violation code, most frequent first."""
    return violation_rows(code_groups(records, period=period, on=on), conduct=conduct)


def violation_rows(groups: Iterable[Grouped], *, conduct: Mapping[str, str]) -> list[ViolationRow]:
    """The violation rows from (code, position, position type, cases) groups."""
    rows: dict[str, ViolationRow] = {}
    for code, position, position_type, cases in groups:
        group = position_group(position, position_type)
        row = rows.setdefault(code, ViolationRow(code, conduct.get(code, "")))
        row.cases += cases
        row.by_group[group] += cases
    return sorted(rows.values(), key=lambda r: (-r.cases, r.code))


@dataclass
class PositionRow:
    group: str
    label: str
    cases: int = 0
    share_percent: float = 0.0
    top_violation: str = ""
    singled_out: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "label": self.label,
            "cases": self.cases,
            "share_percent": self.share_percent,
            "top_violation": self.top_violation,
            "singled_out": self.singled_out,
        }


def positions(
    records: Iterable[CaseRecord], *, period: Period = ALL_TIME, on: date | None = None
) -> list[PositionRow]:
    """Cases reported in `period` (and by `on`) per position group, in the order of GROUPS
    (empty groups omitted)."""
    kept = standing(records, on)
    return position_rows(position_counts(kept, period=period), code_groups(kept, period=period))


def position_rows(counted: Iterable[Counted], grouped: Iterable[Grouped]) -> list[PositionRow]:
    """The position rows from (position, position type, cases) counts and (code, position,
    position type, cases) groups."""
    counts: Counter[str] = Counter()
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for position, position_type, cases in counted:
        counts[position_group(position, position_type)] += cases
    for code, position, position_type, cases in grouped:
        codes[position_group(position, position_type)][code] += cases
    total = sum(counts.values())
    return [
        PositionRow(
            group=group,
            label=label,
            cases=counts[group],
            share_percent=round(100 * counts[group] / total, 1),
            top_violation=min(
                codes[group].items(), key=lambda kv: (-kv[1], kv[0]), default=("", 0)
            )[0],
            singled_out=group in SINGLED_OUT,
        )
        for group, label in GROUPS.items()
        if counts[group]
    ]


# -- backlog and timeline -------------------------------------------------------------------
def age_bucket(days: int) -> str:
    return next((label for limit, label in AGE_BUCKETS if days <= limit), OLDEST_BUCKET)


@dataclass
class BacklogRow:
    state: str
    label: str
    by_age: Counter[str] = field(default_factory=Counter)
    oldest_days: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_age.values())

    def as_dict(self) -> dict[str, Any]:
        buckets = [label for _, label in AGE_BUCKETS] + [OLDEST_BUCKET]
        return {
            "state": self.state,
            "label": self.label,
            **{b: self.by_age[b] for b in buckets},
            "total": self.total,
            "oldest_days": self.oldest_days,
        }

    def as_json(self) -> dict[str, Any]:
        """`as_dict` with the age buckets under snake_case keys (`age_0_30` …)."""
        return {AGE_KEYS.get(k, k): v for k, v in self.as_dict().items()}


def backlog(
    records: Iterable[CaseRecord],
    *,
    on: date,
    period: Period = ALL_TIME,
    labels: Mapping[str, str],
    order: Callable[[str], int],
) -> list[BacklogRow]:
    """Open cases reported in `period` per state (in workflow order) and age on `on`."""
    groups = [
        (record.state, record.reported_on, 1)
        for record in standing(records, on)
        if record.is_open and record.reported_on in period
    ]
    return backlog_rows(groups, on=on, labels=labels, order=order)


def backlog_rows(
    groups: Iterable[tuple[str, date, int]],
    *,
    on: date,
    labels: Mapping[str, str],
    order: Callable[[str], int],
) -> list[BacklogRow]:
    """The backlog rows from (state, reported on, open cases) groups."""
    rows: dict[str, BacklogRow] = {}
    for state, reported_on, cases in groups:
        age = (on - reported_on).days
        row = rows.setdefault(state, BacklogRow(state, labels.get(state, "")))
        row.by_age[age_bucket(age)] += cases
        row.oldest_days = max(row.oldest_days, age)
    return sorted(rows.values(), key=lambda r: (order(r.state), r.state))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(
    records: Iterable[CaseRecord], *, period: Period = ALL_TIME, on: date | None = None
) -> list[tuple[date, int]]:
    """(Monday, cases whose act fell in that week) for every week from the first to the last
    act, empty weeks included; cases reported in `period` (and by `on`)."""
    return weekly_rows((r.act_date, 1) for r in standing(records, on) if r.reported_on in period)


def weekly_rows(act_dates: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    """The weeks from (act date, cases) counts."""
    counts: Counter[date] = Counter()
    for act_date, cases in act_dates:
        counts[week_start(act_date)] += cases
    if not counts:
        return []
    weeks = []
    week = min(counts)
    while week <= max(counts):
        weeks.append((week, counts[week]))
        week += timedelta(days=7)
    return weeks


def total_cases(records: Sequence[CaseRecord], period: Period, on: date | None = None) -> int:
    return sum(1 for r in standing(records, on) if r.reported_on in period)
