"""Fuzzing the parsers every untrusted input goes through, without a database: letter data
(YAML/JSON, bounded aliases and size), import files (CSV text, any bytes) and command-line
values (dates, `--set` pairs, NIPs). 10,000 inputs in all, each refused, if at all, with the
project's own error (an `InputError` or a `ReadError`), never another exception; a refused
input writes nothing because these functions write nothing. The database-backed CLI fuzzing
is tests/test_fuzz_cli.py.

Each Hypothesis example is a batch of `BATCH` independent inputs drawn from the same strategy,
each checked on its own: Hypothesis's work per example (its engine, mutations, bookkeeping)
is then paid once per ten inputs instead of once per input, about three times less CPU for
the same 10,000 inputs; a failing batch shrinks to the one input that fails."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctions.cli.shell import parse_assignments, parse_date
from sanctions.declared.reader import LETTER_DATA_LIMITS, ReadError, parse_yaml
from sanctions.errors import SanctionsError
from sanctions.intake.tables import CASE_LAYOUT, EMPLOYEE_LAYOUT, read_csv_text
from sanctions.registry.nip import parse_nip

pytestmark = pytest.mark.pure

BATCH = 10  # inputs per example
EXAMPLES = 250  # per property: 2,500 inputs each; four properties: 10,000 inputs
FAST = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


def batches(*strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """`BATCH` independent draws of `strategies` (a tuple of one draw of each)."""
    return st.lists(st.tuples(*strategies), min_size=BATCH, max_size=BATCH)


YAML_PIECES = st.sampled_from(
    ["a: &x [1, 2]\n", "b: *x\n", "c: [*x, *x, *x]\n", "- ", "{", "}", ": ", "&a ", "*a ",
     "!!python/object:os.system ", "? ", "'", '"', "\t", "\n", "key: value\n", "2026-02-30",
     "surat_penerusan:\n  forwarding_date: 2024-10-10\n", "%YAML 1.1\n", "---\n", "..."]
)  # fmt: skip
LETTER_DATA = st.one_of(
    st.text(max_size=400),
    st.lists(YAML_PIECES, max_size=40).map("".join),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
)


@FAST
@given(batches(LETTER_DATA))
def test_letter_data_is_read_or_refused_with_a_reason(batch: list[tuple[str]]) -> None:
    for (text,) in batch:
        try:
            parse_yaml(text, limits=LETTER_DATA_LIMITS)
        except ReadError as refused:
            assert refused.message


CSV_CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=cmd|' /C calc'!A0", "19860926 201505 1 001", "2024-10-07", '"', "\x00",
                     ";", ",", "\r\n", "DIS-02", "PILKADA-SLEMAN-2024"]),
)  # fmt: skip
CSV_TEXT = st.one_of(
    st.lists(st.lists(CSV_CELLS, max_size=8).map(",".join), max_size=8).map("\n".join),
    st.lists(CSV_CELLS, max_size=8).map(
        lambda cells: (
            "register_number,nip,contest_code,reported_on,act_date,violation_codes\n"
            + ";".join(cells)
        )
    ),
    st.text(max_size=300),
)


@FAST
@given(batches(CSV_TEXT, st.sampled_from([CASE_LAYOUT, EMPLOYEE_LAYOUT])))
def test_an_import_file_is_read_or_refused_with_a_reason(batch: list[tuple[str, Any]]) -> None:
    for text, layout in batch:
        try:
            read_csv_text(text, layout)
        except SanctionsError as refused:
            assert str(refused)


def _digits(n: int) -> st.SearchStrategy[str]:
    """`n` decimal digits of any script (what a regex's `\\d` matches: category Nd)."""
    return st.text(st.characters(categories=["Nd"]), min_size=n, max_size=n)


# The strings `st.from_regex(r"\d{4}-\d{2}-\d{2}")` draws (any text around a match), and those
# of `st.from_regex(r"[0-9 ]{18,22}", fullmatch=True)`, built from plain text strategies:
# Hypothesis's regex strategies cost about 2 ms a draw, five times these.
DATE_LIKE = st.builds(
    "{}{}-{}-{}{}".format, st.text(), _digits(4), _digits(2), _digits(2), st.text()
)
NIP_LIKE = st.text(alphabet="0123456789 ", min_size=18, max_size=22)


@FAST
@given(batches(st.one_of(st.text(max_size=30), st.dates().map(str), DATE_LIKE)))
def test_a_date_argument_is_parsed_or_refused_with_a_reason(batch: list[tuple[str]]) -> None:
    for (text,) in batch:
        try:
            parse_date(text, "--on")
        except SanctionsError as refused:
            assert "--on" in str(refused)


@FAST
@given(
    batches(
        st.lists(st.text(max_size=20), max_size=5),
        st.one_of(st.text(max_size=25), NIP_LIKE),
        st.sampled_from(["PNS", "PPPK", "pns", ""]),
    )
)
def test_set_pairs_and_nips_are_parsed_or_refused_with_a_reason(
    batch: list[tuple[list[str], str, str]],
) -> None:
    for pairs, nip, kind in batch:
        try:
            parse_assignments(pairs)
        except SanctionsError as refused:
            assert "--set" in str(refused)
        try:
            parse_nip(nip, employee_type=kind, today=date(2026, 12, 1))
        except SanctionsError as refused:
            assert str(refused)
