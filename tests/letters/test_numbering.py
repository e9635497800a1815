from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.errors import DefinitionError, InputError
from sanctions.letters.numbering import (
    NumberingOwner,
    check_pattern,
    colliding_number,
    format_number,
    parse_number,
    validate_pattern,
)

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

PATTERNS = [
    "{code}/{seq}/{unit}/{year}",
    "{code}/{seq:03d}/{unit}/{roman_month}/{year}",
    "B-{seq}/{agency}/{unit}/{code}/{month:02d}/{year}",
    "{sifat_prefix}-{seq}/{agency}/{unit}/{month}/{year}",
    "{sifat_prefix}.{code}/{seq:04d}/{unit}/{year}",
    "{sifat_prefix}{code}/{seq}/{unit}",
    "{series}.{seq}/{code}/{unit}/{year}",
]


def test_a_permendagri_number_is_code_sequence_unit_and_year() -> None:
    number = format_number(
        "{code}/{seq}/{unit}/{year}",
        seq=15,
        code="000.8.3.3",
        unit="OR",
        agency="SLEMAN",
        on=date(2026, 11, 22),
        sifat="Biasa",
    )
    assert number == "000.8.3.3/15/OR/2026"


def test_padding_and_roman_month_follow_the_pattern() -> None:
    number = format_number(
        "{code}/{seq:03d}/{unit}/{roman_month}/{year}",
        seq=45,
        code="800.1.6",
        unit="BKPSDMD-TTU",
        agency="TTU",
        on=date(2026, 5, 4),
        sifat="Biasa",
    )
    assert number == "800.1.6/045/BKPSDMD-TTU/V/2026"


def test_a_rahasia_letter_gets_the_r_prefix_and_others_the_b_prefix() -> None:
    def number(sifat: str) -> str:
        return format_number(
            "{sifat_prefix}-{seq}/{agency}/{unit}/{month:02d}/{year}",
            seq=1214,
            code="KP",
            unit="C.6",
            agency="KASN",
            on=date(2022, 12, 5),
            sifat=sifat,
        )

    assert number("Rahasia") == "R-1214/KASN/C.6/12/2022"
    assert number("Segera") == "B-1214/KASN/C.6/12/2022"


def test_parsing_a_number_gives_back_its_parts_as_typed_values() -> None:
    parts = parse_number(
        "B-{seq}/{agency}/{unit}/{code}/{month:02d}/{year}", "B-235/PANRB/D-IV/KKA/06/2012"
    )
    assert parts == {
        "seq": 235,
        "agency": "PANRB",
        "unit": "D-IV",
        "code": "KKA",
        "month": 6,
        "year": 2012,
    }


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{code}/{unit}/{year}", "no {seq}"),
        ("{code}/{seq}/{kode_unit}/{year}", "unknown placeholder {kode_unit}"),
        ("{code}{seq}/{unit}", "need a separator"),
        ("{code}/{seq:>5}/{unit}", "format spec"),
        ("{code:03d}/{seq}", "no format spec"),
        ("{code}/{seq!r}", "conversions"),
        ("{code}/{seq", "expected '}'"),
    ],
)
def test_a_bad_pattern_is_a_definition_error_naming_where_it_came_from(
    pattern: str, problem: str
) -> None:
    with pytest.raises(DefinitionError) as raised:
        validate_pattern(pattern, where="agencies.yaml: agencies.sleman.numbering")
    assert str(raised.value).startswith("agencies.yaml: agencies.sleman.numbering: ")
    assert problem in str(raised.value)


def test_a_unit_code_with_a_slash_is_refused_because_it_could_not_be_parsed_back() -> None:
    with pytest.raises(DefinitionError, match="unit 'A/B'"):
        format_number(
            "{code}/{seq}/{unit}/{year}",
            seq=1,
            code="800",
            unit="A/B",
            agency="X",
            on=date(2026, 1, 1),
            sifat="Biasa",
        )


def test_a_number_of_another_shape_is_an_input_error() -> None:
    with pytest.raises(InputError, match="does not match"):
        parse_number("{code}/{seq}/{unit}/{year}", "800/15/OR")
    with pytest.raises(InputError, match="disagree"):
        parse_number("{seq}/{month}/{roman_month}", "1/5/VI")


_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-",
    min_size=1,
    max_size=14,
)


@given(
    pattern=st.sampled_from(PATTERNS),
    seq=st.integers(min_value=1, max_value=999_999),
    code=_TEXT,
    unit=_TEXT,
    agency=_TEXT,
    series=_TEXT,
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    sifat=st.sampled_from(["Biasa", "Segera", "Penting", "Rahasia"]),
)
def test_every_formatted_number_parses_back_to_the_values_it_was_made_from(
    pattern: str,
    seq: int,
    code: str,
    unit: str,
    agency: str,
    series: str,
    on: date,
    sifat: str,
) -> None:
    number = format_number(
        pattern, seq=seq, code=code, unit=unit, agency=agency, on=on, sifat=sifat, series=series
    )
    parts = parse_number(pattern, number)
    expected = {
        "seq": seq,
        "code": code,
        "unit": unit,
        "agency": agency,
        "series": series,
        "year": on.year,
        "month": on.month,
        "sifat_prefix": "R" if sifat == "Rahasia" else "B",
    }
    for key, value in parts.items():
        if key == "roman_month":
            assert (
                value
                == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][
                    on.month - 1
                ]
            )
        else:
            assert value == expected[key], key
    assert "seq" in parts


def test_two_regencies_with_the_same_pattern_and_unit_code_would_collide() -> None:
    sleman = NumberingOwner("SLEMAN", "BKPSDM", "{code}/{seq}/{unit}/{year}")
    bantul = NumberingOwner("BANTUL", "BKPSDM", "{code}/{seq}/{unit}/{year}")
    example = colliding_number(sleman, bantul)
    assert example is not None and example.endswith("/BKPSDM/2026")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the unit codes differ
        (
            ("SLEMAN", "BKPSDM", "{code}/{seq}/{unit}/{year}"),
            ("BANTUL", "BKPSDM.BTL", "{code}/{seq}/{unit}/{year}"),
        ),
        # each pattern carries its agency's code
        (
            ("BKN", "DWASDAL", "{sifat_prefix}-{seq}/{agency}/{month:02d}/{year}"),
            ("KASN", "DWASDAL", "{sifat_prefix}-{seq}/{agency}/{month:02d}/{year}"),
        ),
        # a literal the other cannot produce
        (("A", "X", "{code}/{seq}/{unit}/{year}"), ("B", "X", "{code}/{seq}/{unit}/BKD/{year}")),
        # a number with a year and one without never meet
        (("A", "X", "{code}/{seq}/{unit}/{year}"), ("B", "X", "{code}/{seq}/{unit}")),
    ],
)
def test_patterns_that_show_the_issuer_apart_never_collide(
    a: tuple[str, str, str], b: tuple[str, str, str]
) -> None:
    assert colliding_number(NumberingOwner(*a), NumberingOwner(*b)) is None


def test_a_zero_padded_sequence_meets_a_plain_one_past_its_width() -> None:
    plain = NumberingOwner("A", "X", "{seq}/{code}/{unit}/{year}")
    padded = NumberingOwner("B", "X", "{seq:03d}/{code}/{unit}/{year}")
    assert colliding_number(plain, padded) == "123456789/800.1.6.4/X/2026"


@given(st.sampled_from(PATTERNS), st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=6))
def test_collision_is_symmetric_and_every_pattern_collides_with_itself(
    pattern: str, unit: str
) -> None:
    a = NumberingOwner("AGENCY", unit, pattern)
    other = NumberingOwner("OTHER", unit + "X", pattern)
    assert colliding_number(a, a) is not None
    assert (colliding_number(a, other) is None) == (colliding_number(other, a) is None)


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("{code}/{unit}/{year}", "no {seq} placeholder"),
        ("{seq}/{kode}/{year}", "unknown placeholder {kode}"),
        ("{seq}{unit}/{year}", "need a separator"),
    ],
)
def test_an_officers_pattern_is_checked_with_an_example_of_a_good_one(
    pattern: str, says: str
) -> None:
    with pytest.raises(InputError, match=re.escape(says)) as raised:
        check_pattern(pattern)
    assert "e.g. {code}/{seq}/{unit}/{year}" in str(raised.value)
