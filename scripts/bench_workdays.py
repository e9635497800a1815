"""Time the working-day calendar at the scale of a full case load (1,000,000 calls each).

    .venv/bin/python scripts/bench_workdays.py [--calls N]

Inputs are built before the clock starts: dates spread over 2024-2027, n from 1 to 30 (the
largest amounts in the deadline table are 14, 15 and 21 working days). For comparison it also
times the `holidays` package's own `get_nth_working_day` on a small sample.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import holidays

from sanctions.deadlines.workdays import WorkingCalendar, national_holidays


def timed(label: str, calls: int, run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {calls:>10,} calls {elapsed:8.3f} s {calls / elapsed:>14,.0f} ops/s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    calls: int = args.calls

    rng = random.Random(args.seed)
    first = date(2024, 1, 1)
    days = [first + timedelta(days=rng.randrange(4 * 365)) for _ in range(calls)]
    amounts = [rng.randint(1, 30) for _ in range(calls)]
    pairs = list(zip(days, amounts, strict=True))

    national_holidays.cache_clear()
    calendar = WorkingCalendar()
    started = time.perf_counter()
    for year in range(2024, 2028):
        calendar.is_working_day(date(year, 6, 1))
    cold = time.perf_counter() - started
    print(f"first use of 2024-2027 (holiday lookups + year indexes): {cold * 1000:.1f} ms")
    timed("is_working_day", calls, lambda: [calendar.is_working_day(d) for d in days])
    timed(
        "add_working_days(d, 1..30)",
        calls,
        lambda: [calendar.add_working_days(d, n) for d, n in pairs],
    )
    timed(
        "subtract_working_days(d, 1..30)",
        calls,
        lambda: [calendar.subtract_working_days(d, n) for d, n in pairs],
    )
    ends = [d + timedelta(days=n) for d, n in pairs]
    timed(
        "working_days_between(d, d + 1..30 days)",
        calls,
        lambda: [calendar.working_days_between(d, e) for d, e in zip(days, ends, strict=True)],
    )
    timed("holiday_name", calls, lambda: [calendar.holiday_name(d) for d in days])

    # A calendar per case (e.g. loaded per request) reuses the module-level year caches.
    fresh = min(calls, 100_000)
    timed(
        "new WorkingCalendar + add_working_days",
        fresh,
        lambda: [WorkingCalendar().add_working_days(d, n) for d, n in pairs[:fresh]],
    )
    print(f"national_holidays cache: {national_holidays.cache_info()}")

    sample = min(calls, 10_000)
    table = holidays.country_holidays(
        "ID", years=range(2024, 2029), categories=("public", "government"), language="id"
    )
    timed(
        "holidays.get_nth_working_day (reference)",
        sample,
        lambda: [table.get_nth_working_day(d, n) for d, n in pairs[:sample]],
    )
    mismatches = sum(
        table.get_nth_working_day(d, n) != calendar.add_working_days(d, n)
        for d, n in pairs[:sample]
    )
    print(
        f"add_working_days vs holidays.get_nth_working_day on {sample:,} inputs: "
        f"{mismatches} mismatches"
    )


if __name__ == "__main__":
    main()
