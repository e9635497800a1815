"""The rules for opening a case and the rows it starts with. No query: the callers
(`sanctions.cases.service.open_case`, the importer) look the employee and contest up and
check roles and register numbers, then write through `sanctions.cases.batch.open_batch`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sanctions.app import App
from sanctions.cases import dates
from sanctions.cases.changes import CONTEST_KIND, Change, Opening
from sanctions.cases.guards import act_date_problems
from sanctions.cases.penetapan import ACT_OFFICE, check_office, declared_offices, penetapan_for
from sanctions.cases.workflow import Workflow
from sanctions.db.bulk import construct, values_of
from sanctions.db.models import Case, Contest, Employee
from sanctions.errors import InputError, RuleViolation, SanctionsError

OPEN_TRIGGER = "buka"


@dataclass(frozen=True)
class OpenCaseInput:
    nip: str
    contest_code: str
    reported_on: date
    act_date: date
    violation_codes: Sequence[str]
    description: str = ""
    register_number: str | None = None
    workflow_version: str | None = None
    # The officer's reason for keeping codes whose phase contradicts the act date (the SKB
    # 2022 phase rule is contested): the contradiction is then recorded, not refused.
    act_date_reason: str | None = None
    # The office the act concerns (workflow rule contest_offices): which of the contest's
    # penetapan dates judges the act (sanctions/cases/penetapan.py). Optional.
    office: str | None = None


def opening_problems(
    app: App,
    data: OpenCaseInput,
    *,
    employee: Employee,
    contest: Contest,
    today: date | None = None,
) -> list[tuple[str, SanctionsError]]:
    """Every rule for opening a case that needs no query, as (input field, error), in the
    order `open_case` checks them (it raises the first). Role and register-number checks
    need the database and stay in the callers. `today`: dates after it are refused."""
    if not data.violation_codes:
        return [
            (
                "violation_codes",
                InputError("a case needs at least one allegation (--violation CODE)"),
            )
        ]
    problems: list[tuple[str, SanctionsError]] = []
    violations = []
    for code in data.violation_codes:
        try:
            violations.append(app.catalogue.violation(code))
        except SanctionsError as exc:
            problems.append(("violation_codes", exc))
    if today is not None:
        for field, day, what in (
            ("act_date", data.act_date, "the act date"),
            ("reported_on", data.reported_on, "the report date"),
        ):
            if (problem := dates.future_problem(day, today, what)) is not None:
                problems.append((field, InputError(problem)))
    penetapan = penetapan_for(
        contest.candidate_determination_date, contest.penetapan_by_office, data.office
    )
    if data.office:
        try:
            offices = declared_offices(opening_workflow(app, data).rule_values)
            check_office(data.office, contest.kind, offices)
        except SanctionsError as exc:
            problems.append(("office", exc))
    early = dates.act_before_contest_problem(data.act_date, penetapan.on)
    if early is not None:
        problems.append(("act_date", InputError(early)))
    if data.act_date > data.reported_on:
        problems.append(
            (
                "act_date",
                InputError(
                    f"the act ({data.act_date}) cannot be after the report ({data.reported_on})"
                ),
            )
        )
    phase = act_date_problems(tuple(violations), data.act_date, penetapan.on, penetapan.which)
    if phase and not (data.act_date_reason or "").strip():
        hint = (
            " (the SKB 2022 phase rule is contested: to keep the codes, record why with "
            "--act-date-reason)"
        )
        problems.append(("act_date", RuleViolation("; ".join(phase) + hint)))
    if employee.status != "aktif":
        problems.append(
            ("nip", RuleViolation(f"{employee.name} is no longer in service ({employee.status})"))
        )
    try:
        opening_workflow(app, data)
    except SanctionsError as exc:
        problems.append(("workflow_version" if data.workflow_version else "reported_on", exc))
    return problems


def opening_warnings(app: App, data: OpenCaseInput) -> list[str]:
    """Dates accepted with a warning (a weekend or a holiday)."""
    found = (dates.day_off_warning(data.reported_on, app.calendar, "the report date"),)
    return [w for w in found if w is not None]


def opening_workflow(app: App, data: OpenCaseInput) -> Workflow:
    """The workflow a new case follows: the one named, or the one in force on the report date."""
    return workflow_for(app, data.workflow_version, data.reported_on)


def workflow_for(app: App, version: str | None, reported_on: date) -> Workflow:
    """`opening_workflow` from the version named (or None) and the report date."""
    if version:
        return app.workflow(version)
    return app.workflows.for_date(reported_on)


def opening(
    data: OpenCaseInput,
    *,
    employee: Employee,
    contest: Contest,
    workflow: Workflow,
    actor: str,
    now: datetime,
    letter_data: Any = None,
) -> Opening:
    """The new case's row (no id yet) and its first change: the report received, entering
    the workflow's initial state and issuing the letters that state declares."""
    values = {
        "reference": f"tmp-{uuid.uuid4().hex}"[:40],  # replaced by the id-based one
        **case_values(
            register_number=data.register_number,
            reported_on=data.reported_on,
            act_date=data.act_date,
            office=data.office,
            employee=snapshot(employee),
            agency_id=employee.agency_id,
            employee_id=employee.id or 0,
            contest=contest,
            workflow=workflow,
            actor=actor,
            now=now,
        ),
    }
    case = construct(Case, values)  # no attribute events: an import builds thousands
    change = Change(
        trigger=OPEN_TRIGGER,
        on=data.reported_on,
        dest=workflow.initial,
        inputs=opening_inputs(data.violation_codes, data.act_date_reason),
        note=data.description,
        letters=workflow.state(workflow.initial).letters,
        letter_data=letter_data or {},
    )
    return Opening(case, tuple(data.violation_codes), data.description, change)


def case_values(
    *,
    register_number: str | None,
    reported_on: date,
    act_date: date,
    office: str | None,
    employee: dict[str, Any],
    agency_id: int,
    employee_id: int,
    contest: Contest,
    workflow: Workflow,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """A new case's row values but its reference (`opening`'s, and an import's plain rows,
    `sanctions.cases.batch.open_records`); `employee` is its `snapshot`."""
    return {
        "register_number": register_number,
        "agency_id": agency_id,
        "employee_id": employee_id,
        "contest_id": contest.id or 0,
        "workflow_version": workflow.version,
        "state": workflow.initial,
        "version": 1,
        "reported_on": reported_on,
        "act_date": act_date,
        "employee_snapshot": employee,
        "facts": {
            f"{workflow.initial}_on": reported_on.isoformat(),
            CONTEST_KIND: contest.kind,
            **({ACT_OFFICE: office} if office else {}),
        },
        "opened_by": actor,
        "opened_at": now,
    }


def opening_inputs(violation_codes: Sequence[str], act_date_reason: str | None) -> dict[str, str]:
    """A new case's first event's inputs: its allegations' codes, and why the act date is
    kept against the phase rule if it is."""
    return {"violations": ",".join(violation_codes)} | (
        {"act_date_reason": act_date_reason} if act_date_reason else {}
    )


def snapshot(employee: Employee) -> dict[str, Any]:
    """What a case keeps of its employee as they were when it opened."""
    return snapshot_of(values_of(employee, SNAPSHOT))


def snapshot_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """`snapshot` from the employee row's values (an import's new employees are plain rows)."""
    return {name: values[name] for name in SNAPSHOT}


SNAPSHOT = ("nip", "name", "employee_type", "rank", "position", "position_type", "unit", "address")
