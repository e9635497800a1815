"""Texts that hold for a period (sanctions/declared/dated.py): one text, or versions by date
whose windows neither overlap nor are empty; a Mengingat whose items apply together."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.declared.dated import DatedText, read_dated_texts, text_on, texts_on
from sanctions.declared.reader import Node
from sanctions.errors import DefinitionError

pytestmark = pytest.mark.pure

UU5 = {"text": "Undang-Undang Nomor 5 Tahun 2014", "until": date(2023, 10, 31)}
UU20 = {"text": "Undang-Undang Nomor 20 Tahun 2023", "from": date(2023, 10, 31)}


def _node(value: object) -> Node:
    return Node(value, "f.yaml", "norm")


def test_one_text_applies_on_every_date() -> None:
    (only,) = read_dated_texts(_node("Pasal 8 ayat (2)"))
    assert only == DatedText("Pasal 8 ayat (2)")
    assert text_on((only,), date(1990, 1, 1)) == text_on((only,), date(2090, 1, 1))


def test_the_law_in_force_on_the_day_is_the_one_cited() -> None:
    versions = read_dated_texts(_node([UU5, UU20]))
    assert text_on(versions, date(2023, 10, 30)) == UU5["text"]
    assert text_on(versions, date(2023, 10, 31)) == UU20["text"]


@given(st.dates())
def test_versions_that_meet_leave_no_day_without_a_text_and_none_with_two(day: date) -> None:
    versions = read_dated_texts(_node([UU5, UU20]))
    assert sum(v.applies_on(day) for v in versions) == 1


def test_a_mengingat_keeps_every_item_in_force_on_the_day() -> None:
    items = read_dated_texts(_node([UU5, UU20, "Peraturan Pemerintah Nomor 94 Tahun 2021"]),
                             alternatives=False)  # fmt: skip
    assert texts_on(items, date(2023, 1, 2)) == (
        UU5["text"],
        "Peraturan Pemerintah Nomor 94 Tahun 2021",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([UU5, {**UU20, "from": date(2023, 1, 1)}], "norm[1]: its period overlaps that of"),
        ([{"text": "x", "from": date(2024, 1, 2), "until": date(2024, 1, 2)}],
         "norm[0].until: 2024-01-02 is not after from 2024-01-02"),
        ([{"text": "x", "since": date(2024, 1, 2)}], "norm[0]: unknown key 'since'"),
        ([], "norm: expected a non-empty list"),
        ([{"text": ""}], "norm[0].text: expected a non-empty text"),
    ],
)  # fmt: skip
def test_a_wrong_dated_text_names_the_file_and_the_path(value: object, message: str) -> None:
    with pytest.raises(DefinitionError) as excinfo:
        read_dated_texts(_node(value))
    assert str(excinfo.value).startswith("f.yaml: " + message.split(":")[0])
    assert message.split(": ", 1)[1] in str(excinfo.value)
