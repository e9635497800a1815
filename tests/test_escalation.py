"""The overdue-PPK escalation ladder: loading, validation, and the step due on a given day.

The step-by-step tests use `tests/data/escalation/valid.yaml` (delays 1, 7, 7, 14 working
days, the shipped defaults frozen) so that tuning `workflows/escalation.yaml` cannot break them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.deadlines.ladder import (
    AgencyKind,
    Delay,
    Ladder,
    load_ladder,
    next_step,
    next_step_due,
)
from sanctions.deadlines.rules import Unit
from sanctions.deadlines.workdays import WorkingCalendar
from sanctions.declared.reader import display_path
from sanctions.errors import DefinitionError, InputError
from sanctions.letters.recipients import known_names, load_recipients

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

DATA = Path(__file__).parent / "data" / "escalation"
REPO = Path(__file__).parent.parent
KNOWN = known_names(load_recipients(REPO / "workflows" / "recipients.yaml"))

CALENDAR = WorkingCalendar()
LADDER = load_ladder(DATA / "valid.yaml", recipients=KNOWN)
DEADLINE = date(2026, 3, 13)  # a Friday; the PPK follow-up deadline ends that day


def step_key(today: date, done: list[tuple[str, date]]) -> str | None:
    step = next_step(
        LADDER, overdue_since=DEADLINE, steps_done=done, today=today, calendar=CALENDAR
    )
    return None if step is None else step.key


# --------------------------------------------------------------------------- the shipped ladder


def test_the_shipped_ladder_has_the_four_steps_in_order() -> None:
    ladder = load_ladder(REPO / "workflows" / "escalation.yaml", recipients=KNOWN)
    assert [s.key for s in ladder.steps] == [
        "pengingat",
        "teguran",
        "permintaan_blokir",
        "eskalasi",
    ]
    assert [s.letter for s in ladder.steps] == [
        "surat_pengingat_ppk",
        "surat_teguran_ppk",
        "permintaan_pemblokiran",
        "surat_eskalasi",
    ]


def test_the_shipped_delays_are_marked_unconfirmed() -> None:
    ladder = load_ladder(REPO / "workflows" / "escalation.yaml", recipients=KNOWN)
    assert {s.confidence for s in ladder.steps} == {"U"}


def test_the_last_step_goes_to_kemendagri_for_regions_and_kemenpanrb_for_central_agencies() -> None:
    ladder = load_ladder(REPO / "workflows" / "escalation.yaml", recipients=KNOWN)
    last = ladder.step("eskalasi")
    assert last.recipients_for(AgencyKind.DAERAH) == ("kemendagri",)
    assert last.recipients_for(AgencyKind.PUSAT) == ("kemenpanrb",)
    assert ladder.step("pengingat").recipients_for(AgencyKind.DAERAH) == ("ppk",)
    assert ladder.step("pengingat").recipients_for(AgencyKind.PUSAT) == ("ppk",)


def test_every_shipped_step_reaches_bkn_as_recipient_or_copy() -> None:
    ladder = load_ladder(REPO / "workflows" / "escalation.yaml", recipients=KNOWN)
    for step in ladder.steps:
        for kind in AgencyKind:
            assert "bkn" in step.recipients_for(kind) + step.copy_to, step.key


def test_asking_a_ladder_for_an_unknown_step_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        LADDER.step("peringatan")


# --------------------------------------------------------------------------- step by step


def test_nothing_is_due_on_the_deadline_itself_or_the_weekend_after() -> None:
    assert step_key(date(2026, 3, 13), []) is None
    assert step_key(date(2026, 3, 14), []) is None
    assert step_key(date(2026, 3, 15), []) is None


def test_the_reminder_is_due_on_the_first_working_day_after_the_deadline() -> None:
    assert step_key(date(2026, 3, 16), []) == "pengingat"


def test_the_warning_waits_seven_working_days_across_lebaran() -> None:
    # Reminder issued Mon 16 Mar 2026: 17 = 1; 18-24 Lebaran off; 25, 26, 27, 30, 31 = 2-6;
    # 1 Apr = 7.
    done = [("pengingat", date(2026, 3, 16))]
    assert step_key(date(2026, 3, 31), done) is None
    assert step_key(date(2026, 4, 1), done) == "teguran"


def test_a_late_warning_moves_the_blocking_request_with_it() -> None:
    # Warning issued late, Mon 6 Apr (3 Apr Good Friday): 7-10, 13-15 Apr = 1-7.
    done = [("pengingat", date(2026, 3, 16)), ("teguran", date(2026, 4, 6))]
    assert step_key(date(2026, 4, 14), done) is None
    assert step_key(date(2026, 4, 15), done) == "permintaan_blokir"


def test_the_escalation_waits_fourteen_working_days_across_labour_day() -> None:
    # Blocking requested Wed 15 Apr: 16-17 = 1-2, 20-24 = 3-7, 27-30 = 8-11, 1 May Hari Buruh,
    # 4, 5, 6 May = 12-14.
    done = [
        ("pengingat", date(2026, 3, 16)),
        ("teguran", date(2026, 4, 6)),
        ("permintaan_blokir", date(2026, 4, 15)),
    ]
    assert step_key(date(2026, 5, 5), done) is None
    assert step_key(date(2026, 5, 6), done) == "eskalasi"
    assert next_step_due(LADDER, overdue_since=DEADLINE, steps_done=done, calendar=CALENDAR) == (
        LADDER.step("eskalasi"),
        date(2026, 5, 6),
    )


def test_an_exhausted_ladder_has_no_next_step() -> None:
    done = [
        ("pengingat", date(2026, 3, 16)),
        ("teguran", date(2026, 4, 6)),
        ("permintaan_blokir", date(2026, 4, 15)),
        ("eskalasi", date(2026, 5, 6)),
    ]
    assert step_key(date(2027, 1, 1), done) is None
    assert next_step_due(LADDER, overdue_since=DEADLINE, steps_done=done, calendar=CALENDAR) is None


def test_a_job_that_fell_behind_issues_one_step_per_call() -> None:
    assert step_key(date(2026, 9, 1), []) == "pengingat"
    # The next step counts from the day the reminder actually went out.
    assert step_key(date(2026, 9, 1), [("pengingat", date(2026, 9, 1))]) is None


def test_a_history_out_of_ladder_order_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        step_key(date(2026, 5, 1), [("teguran", date(2026, 4, 1))])
    assert (
        str(caught.value)
        == "escalation history step 1 is 'teguran'; the ladder expects 'pengingat'"
    )


def test_a_history_going_back_in_time_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        step_key(
            date(2026, 5, 1), [("pengingat", date(2026, 3, 16)), ("teguran", date(2026, 3, 10))]
        )
    assert str(caught.value) == (
        "escalation history step 2 ('teguran') is dated 2026-03-10, before 2026-03-16"
    )


def test_a_history_longer_than_the_ladder_is_refused() -> None:
    one_step = Ladder(LADDER.steps[:1])
    with pytest.raises(InputError, match="the ladder has only 1"):
        next_step(
            one_step,
            overdue_since=DEADLINE,
            steps_done=[("pengingat", date(2026, 3, 16)), ("teguran", date(2026, 4, 1))],
            today=date(2026, 5, 1),
            calendar=CALENDAR,
        )


def test_a_delay_in_calendar_days_or_months_ignores_holidays() -> None:
    assert Delay(7, Unit.CALENDAR_DAYS).after(date(2026, 3, 16), CALENDAR) == date(2026, 3, 23)
    assert Delay(1, Unit.MONTHS).after(date(2026, 1, 31), CALENDAR) == date(2026, 2, 28)
    assert Delay(0, Unit.WORKING_DAYS).after(date(2026, 3, 21), CALENDAR) == date(2026, 3, 21)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.lists(st.integers(min_value=0, max_value=5), min_size=4, max_size=4),
)
def test_a_daily_job_issues_every_step_in_order_each_on_its_due_day(
    deadline: date, lags: list[int]
) -> None:
    # The job runs every day; after a step falls due it may issue it up to `lag` days late.
    done: list[tuple[str, date]] = []
    waiting_since: date | None = None
    today = deadline
    for _ in range(200):
        today += timedelta(days=1)
        step = next_step(
            LADDER, overdue_since=deadline, steps_done=done, today=today, calendar=CALENDAR
        )
        if step is None:
            continue
        base = done[-1][1] if done else deadline
        assert step.key == LADDER.steps[len(done)].key
        assert step.after.after(base, CALENDAR) <= today
        waiting_since = waiting_since or today
        if (today - waiting_since).days >= lags[len(done)]:
            done.append((step.key, today))
            waiting_since = None
    assert [key for key, _ in done] == [s.key for s in LADDER.steps]


# --------------------------------------------------------------------------- escalation.yaml

INVALID = [
    ("top_not_mapping.yaml", "expected a mapping, got a list"),
    ("unknown_top_key.yaml", "unknown key 'ladder' (allowed: steps)"),
    ("steps_missing.yaml", "missing required key 'steps'"),
    ("steps_empty.yaml", "steps: expected a non-empty list of steps, got an empty list"),
    ("step_not_mapping.yaml", "steps[0]: expected a mapping, got str 'pengingat'"),
    (
        "unknown_step_key.yaml",
        "steps[0]: unknown key 'delay' (allowed: key, label, letter, after, recipients, "
        "recipients_by_agency_kind, copy_to, confidence, basis, note)",
    ),
    (
        "key_not_snake_case.yaml",
        "steps[0].key: 'Pengingat' is not a snake_case name ([a-z][a-z0-9_]*)",
    ),
    ("duplicate_step_key.yaml", "steps[2].key: duplicate step key 'a' (first at steps[0])"),
    ("label_missing.yaml", "steps[0]: missing required key 'label'"),
    ("letter_missing.yaml", "steps[0]: missing required key 'letter'"),
    ("after_missing.yaml", "steps[0]: missing required key 'after'"),
    ("after_not_mapping.yaml", "steps[0].after: expected a mapping, got int 5"),
    ("after_unknown_key.yaml", "steps[0].after: unknown key 'from' (allowed: amount, unit)"),
    ("after_amount_negative.yaml", "steps[0].after.amount: must be at least 0, got -1"),
    (
        "after_amount_not_integer.yaml",
        "steps[0].after.amount: expected a whole number, got str 'lima'",
    ),
    (
        "after_unit_bad.yaml",
        "steps[0].after.unit: unknown unit 'days' (allowed: hari_kerja, hari_kalender, bulan)",
    ),
    (
        "recipients_and_by_kind.yaml",
        "steps[0]: give either recipients or recipients_by_agency_kind, not both",
    ),
    (
        "recipients_missing.yaml",
        "steps[0]: missing required key 'recipients' (or 'recipients_by_agency_kind')",
    ),
    (
        "recipients_empty.yaml",
        "steps[0].recipients: expected a non-empty list of recipients, got an empty list",
    ),
    (
        "recipient_unknown.yaml",
        "steps[0].recipients[1]: unknown recipient 'bnk' (allowed: bawaslu, bkn, bpasn, "
        "case_agency, direct_superior, employee, kemendagri, kemenpanrb, ppk, presiden, "
        "supervisory_body, target_agency)",
    ),
    ("recipient_duplicate.yaml", "steps[0].recipients[1]: 'ppk' is listed twice"),
    (
        "by_kind_missing_pusat.yaml",
        "steps[0].recipients_by_agency_kind: missing required key 'pusat'",
    ),
    (
        "by_kind_unknown_kind.yaml",
        "steps[0].recipients_by_agency_kind: unknown key 'provinsi' (allowed: daerah, pusat)",
    ),
    ("copy_to_is_recipient.yaml", "steps[0].copy_to[1]: 'bkn' is already a recipient"),
    (
        "confidence_bad.yaml",
        "steps[0].confidence: unknown confidence 'unconfirmed' (allowed: C, S, U)",
    ),
    ("basis_missing.yaml", "steps[0]: missing required key 'basis'"),
    ("note_not_string.yaml", "steps[0].note: expected a text, got a list"),
]


@pytest.mark.parametrize(("name", "message"), INVALID, ids=[name for name, _ in INVALID])
def test_an_invalid_ladder_file_is_refused_with_the_path_of_the_problem(
    name: str, message: str
) -> None:
    path = DATA / name
    with pytest.raises(DefinitionError) as caught:
        load_ladder(path, recipients=KNOWN)
    assert str(caught.value) == f"{display_path(path)}: {message}"


def test_every_invalid_ladder_fixture_is_covered() -> None:
    fixtures = {p.name for p in DATA.glob("*.yaml")} - {"valid.yaml"}
    assert fixtures == {name for name, _ in INVALID}
