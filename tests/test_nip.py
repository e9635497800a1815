"""NIP (PNS) and NI PPPK parsing: docs/sources.md §7.1 rules 1-5 and §7.2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.errors import InvalidNip, UnknownCode
from sanctions.registry.nip import Nip, check_matches, format_nip, parse_nip

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

TODAY = date(2025, 11, 25)


def pns(text: str, today: date = TODAY) -> Nip:
    return parse_nip(text, employee_type="PNS", today=today)


def pppk(text: str, today: date = TODAY, codes: frozenset[str] | None = None) -> Nip:
    if codes is None:
        return parse_nip(text, employee_type="PPPK", today=today)
    return parse_nip(text, employee_type="PPPK", today=today, pppk_contract_codes=codes)


def invalid(parse: Callable[[str], Nip], text: str) -> str:
    with pytest.raises(InvalidNip) as excinfo:
        parse(text)
    return str(excinfo.value)


# -- valid numbers -------------------------------------------------------------------------


def test_a_written_pns_nip_is_split_into_its_parts() -> None:
    nip = pns("19860926 201505 1 001")
    assert nip == Nip(
        digits="198609262015051001",
        employee_type="PNS",
        birth_date=date(1986, 9, 26),
        appointed=date(2015, 5, 1),
        sex="L",
        serial=1,
        contract_code=None,
    )
    assert nip.formatted == "19860926 201505 1 001"
    assert str(nip) == "19860926 201505 1 001"


def test_a_stored_pns_nip_without_spaces_parses_the_same() -> None:
    assert pns("198609262015051001") == pns("19860926 201505 1 001")


def test_a_pre_2009_converted_nip_keeps_its_original_tmt() -> None:
    nip = pns("19620314 198503 2 004")
    assert (nip.appointed, nip.sex, nip.serial) == (date(1985, 3, 1), "P", 4)


def test_a_pns_appointed_in_the_month_of_the_18th_birthday_on_the_1st_is_valid() -> None:
    assert pns("19900501 200805 1 001").appointed == date(2008, 5, 1)


def test_a_pns_appointed_this_month_is_valid() -> None:
    assert pns("19990101 202511 2 010", today=date(2025, 11, 1)).appointed == date(2025, 11, 1)


def test_a_regular_pppk_number_has_a_year_and_a_contract_code_not_a_month() -> None:
    nip = pppk("19880512 202421 2 001")
    assert nip == Nip(
        digits="198805122024212001",
        employee_type="PPPK",
        birth_date=date(1988, 5, 12),
        appointed=date(2024, 1, 1),
        sex="P",
        serial=1,
        contract_code="21",
    )
    assert nip.label == "NI PPPK"


def test_a_part_time_pppk_number_carries_code_24() -> None:
    assert pppk("19950217 202524 1 003").contract_code == "24"


def test_the_pppk_contract_codes_are_configurable() -> None:
    assert pppk("19950217 202599 1 003", codes=frozenset({"99"})).contract_code == "99"


def test_any_whitespace_between_the_groups_is_ignored() -> None:
    assert pns(" 19860926\t201505\u00a01  001\n").digits == "198609262015051001"


# -- rule 1: 18 digits ---------------------------------------------------------------------


def test_a_nip_with_a_letter_is_refused() -> None:
    assert invalid(pns, "19860926 2015O5 1 001") == (
        "NIP '19860926 2015O5 1 001': contains 'O', expected 18 digits 0-9 (spaces allowed "
        "between the groups)"
    )


def test_a_nip_with_hyphens_is_refused() -> None:
    assert invalid(pns, "19860926-201505-1-001") == (
        "NIP '19860926-201505-1-001': contains '-', expected 18 digits 0-9 (spaces allowed "
        "between the groups)"
    )


def test_non_ascii_digits_are_refused() -> None:
    assert invalid(pns, "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١") == (
        "NIP '١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١': contains '١', expected 18 digits 0-9 (spaces allowed "
        "between the groups)"
    )


def test_a_nip_of_the_wrong_length_is_refused() -> None:
    assert invalid(pns, "19860926 201505 1 01") == (
        "NIP '19860926 201505 1 01': has 17 digits, expected 18"
    )
    assert invalid(pppk, "") == "NI PPPK '': has 0 digits, expected 18"


# -- rule 2: birth date --------------------------------------------------------------------


def test_a_birth_date_with_month_13_is_refused() -> None:
    assert invalid(pns, "19861326 201505 1 001") == (
        "NIP 198613262015051001: digits 1-8 (birth date) are '19861326', expected a real date "
        "YYYYMMDD (month 13 is not 01-12)"
    )


def test_a_birth_date_on_a_day_the_month_lacks_is_refused() -> None:
    assert invalid(pns, "19870229 201505 1 001") == (
        "NIP 198702292015051001: digits 1-8 (birth date) are '19870229', expected a real date "
        "YYYYMMDD (day 29 does not exist in 1987-02, which has 28 days)"
    )


def test_a_birth_year_0000_is_refused() -> None:
    assert invalid(pns, "00000926 201505 1 001") == (
        "NIP 000009262015051001: digits 1-8 (birth date) are '00000926', expected a real date "
        "YYYYMMDD (year 0000 does not exist)"
    )


def test_a_birth_date_after_today_is_refused() -> None:
    assert invalid(pns, "20300101 201505 1 001") == (
        "NIP 203001012015051001: digits 1-8 (birth date) are '20300101' = 2030-01-01, after "
        "today (2025-11-25); expected a birth date in the past"
    )


def test_a_birth_date_that_disagrees_with_the_record_is_refused() -> None:
    nip = pns("19860926 201505 1 001")
    check_matches(nip, birth_date=date(1986, 9, 26), sex="L")
    with pytest.raises(InvalidNip) as excinfo:
        check_matches(nip, birth_date=date(1986, 9, 27))
    assert str(excinfo.value) == (
        "NIP 198609262015051001: digits 1-8 give the birth date 1986-09-26, but the recorded "
        "birth date is 1986-09-27; correct one of them"
    )


# -- rule 3: TMT (PNS) ---------------------------------------------------------------------


def test_a_pns_appointment_month_13_is_refused() -> None:
    assert invalid(pns, "198609262015131001") == (
        "NIP 198609262015131001: digits 13-14 (appointment month) are '13', expected 01-12"
    )


def test_a_pns_appointment_month_00_is_refused() -> None:
    assert invalid(pns, "198609262015001001") == (
        "NIP 198609262015001001: digits 13-14 (appointment month) are '00', expected 01-12"
    )


def test_a_pns_appointed_before_the_18th_birthday_is_refused() -> None:
    assert invalid(pns, "19860926 200409 1 001") == (
        "NIP 198609262004091001: digits 9-14 (appointment TMT) are '200409' = 2004-09, before "
        "the 18th birthday (2004-09-26 for birth date 1986-09-26); expected 200410 or later"
    )


def test_a_pns_appointed_after_today_is_refused() -> None:
    assert invalid(pns, "19860926 202512 1 001") == (
        "NIP 198609262025121001: digits 9-14 (appointment TMT) are '202512' = 2025-12, after "
        "today (2025-11-25); expected 202511 or earlier"
    )


def test_a_pns_appointment_year_0000_is_refused_without_a_crash() -> None:
    assert invalid(pns, "19860926 000001 1 001") == (
        "NIP 198609260000011001: digits 9-14 (appointment TMT) are '000001' = 0000-01, before "
        "the 18th birthday (2004-09-26 for birth date 1986-09-26); expected 200410 or later"
    )


# -- §7.2: year and contract code (PPPK) ---------------------------------------------------


def test_a_pppk_appointed_before_the_year_they_turn_18_is_refused() -> None:
    assert invalid(pppk, "19880512 200521 2 001") == (
        "NI PPPK 198805122005212001: digits 9-12 (appointment year) are '2005', before the year "
        "the holder turns 18 (2006 for birth date 1988-05-12); expected 2006-2025"
    )


def test_a_pppk_appointed_after_this_year_is_refused() -> None:
    assert invalid(pppk, "19880512 202621 2 001") == (
        "NI PPPK 198805122026212001: digits 9-12 (appointment year) are '2026', after this year "
        "(2025); expected 2006-2025"
    )


def test_a_pppk_contract_code_outside_the_configured_set_is_refused() -> None:
    assert invalid(pppk, "19880512 202405 2 001") == (
        "NI PPPK 198805122024052001: digits 13-14 (work-contract code) are '05', expected one "
        "of 21, 24"
    )


def test_a_pppk_contract_code_is_not_read_as_a_month() -> None:
    with pytest.raises(InvalidNip, match="appointment month"):
        pns("19880512 202421 2 001")
    assert pppk("19880512 202421 2 001").appointed == date(2024, 1, 1)


# -- rule 4: sex ---------------------------------------------------------------------------


def test_a_sex_digit_other_than_1_or_2_is_refused() -> None:
    assert invalid(pns, "19860926 201505 3 001") == (
        "NIP 198609262015053001: digit 15 (sex) is '3', expected 1 (male) or 2 (female)"
    )
    assert invalid(pppk, "19880512 202421 0 001") == (
        "NI PPPK 198805122024210001: digit 15 (sex) is '0', expected 1 (male) or 2 (female)"
    )


def test_a_sex_that_disagrees_with_the_record_is_refused() -> None:
    with pytest.raises(InvalidNip) as excinfo:
        check_matches(pns("19860926 201505 1 001"), sex="P")
    assert str(excinfo.value) == (
        "NIP 198609262015051001: digit 15 is '1' (sex L), but the recorded sex is P (digit 2); "
        "correct one of them"
    )


# -- rule 5: serial ------------------------------------------------------------------------


def test_serial_000_is_refused() -> None:
    assert invalid(pns, "19860926 201505 1 000") == (
        "NIP 198609262015051000: digits 16-18 (serial) are '000', expected 001-999"
    )


def test_serial_999_is_valid() -> None:
    assert pns("19860926 201505 1 999").serial == 999


# -- other inputs --------------------------------------------------------------------------


def test_an_unknown_employee_type_lists_the_allowed_ones() -> None:
    with pytest.raises(UnknownCode) as excinfo:
        parse_nip("198609262015051001", employee_type="CPNS", today=TODAY)
    assert str(excinfo.value) == "unknown employee type 'CPNS' (allowed: PNS, PPPK)"


def test_formatting_groups_the_digits_8_6_1_3() -> None:
    assert format_nip("198609262015051001") == "19860926 201505 1 001"
    assert format_nip("19860926 201505 1 001") == "19860926 201505 1 001"


def test_formatting_refuses_anything_but_18_digits() -> None:
    with pytest.raises(InvalidNip) as excinfo:
        format_nip("1986")
    assert str(excinfo.value) == "NIP '1986': expected 18 digits 0-9 to format"


# -- properties ----------------------------------------------------------------------------


@st.composite
def valid_pns(draw: st.DrawFn) -> tuple[str, date, date, date, str, int]:
    """(written NIP, today, birth date, TMT, sex digit, serial) satisfying rules 1-5."""
    today = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(9999, 12, 31)))
    birth = draw(st.dates(min_value=date(1, 1, 1), max_value=date(today.year - 19, 12, 31)))
    first_year = birth.year + 18 + (1 if birth.month == 12 and birth.day > 1 else 0)
    year = draw(st.integers(min_value=first_year, max_value=today.year))
    low = 1
    if year == birth.year + 18:
        low = birth.month + (0 if birth.day == 1 else 1)
    high = today.month if year == today.year else 12
    month = draw(st.integers(min_value=low, max_value=high))
    sex = draw(st.sampled_from("12"))
    serial = draw(st.integers(min_value=1, max_value=999))
    born = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
    written = f"{born} {year:04d}{month:02d} {sex} {serial:03d}"
    return written, today, birth, date(year, month, 1), sex, serial


@given(valid_pns())
def test_any_pns_nip_built_from_valid_parts_parses_and_formats_round_trip(
    case: tuple[str, date, date, date, str, int],
) -> None:
    written, today, birth, tmt, sex, serial = case
    nip = pns(written, today=today)
    assert (nip.birth_date, nip.appointed, nip.serial) == (birth, tmt, serial)
    assert nip.sex == {"1": "L", "2": "P"}[sex]
    assert format_nip(nip.digits) == written
    assert pns(nip.formatted, today=today) == nip


@given(
    st.dates(min_value=date(1, 1, 1), max_value=date(9980, 12, 31)),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["21", "24"]),
    st.sampled_from("12"),
    st.integers(min_value=1, max_value=999),
)
def test_any_pppk_number_built_from_valid_parts_parses_and_formats_round_trip(
    birth: date, age: int, later: int, code: str, sex: str, serial: int
) -> None:
    year = min(birth.year + 18 + age, 9999)
    today = date(min(year + later, 9999), 12, 31)
    born = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
    written = f"{born} {year:04d}{code} {sex} {serial:03d}"
    nip = pppk(written, today=today)
    assert (nip.birth_date, nip.appointed, nip.contract_code) == (birth, date(year, 1, 1), code)
    assert format_nip(nip.digits) == written


@given(
    st.text(alphabet="0123456789", min_size=18, max_size=18),
    st.sampled_from(["PNS", "PPPK"]),
    st.dates(),
)
def test_any_18_digit_string_either_parses_or_raises_invalid_nip(
    digits: str, employee_type: str, today: date
) -> None:
    try:
        nip = parse_nip(digits, employee_type=employee_type, today=today)
    except InvalidNip as exc:
        assert str(exc).startswith(f"{'NIP' if employee_type == 'PNS' else 'NI PPPK'} {digits}: ")
    else:
        assert nip.digits == digits
        assert nip.appointed <= today


@given(st.text(max_size=30), st.sampled_from(["PNS", "PPPK"]), st.dates())
def test_any_text_either_parses_or_raises_invalid_nip(
    text: str, employee_type: str, today: date
) -> None:
    try:
        nip = parse_nip(text, employee_type=employee_type, today=today)
    except InvalidNip as exc:
        assert str(exc).startswith(("NIP ", "NI PPPK "))
    else:
        assert nip.digits == "".join(text.split())
