"""What a letter still needs, and whether the values given for it make sense."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sanctions.errors import DefinitionError
from sanctions.letters.documents import DocumentSpec, load_documents
from sanctions.letters.needs import Need, check_given, missing
from tests.letterdata import SAMPLE
from tests.letters.conftest import ALL_KINDS, TEMPLATE_DIR

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

SPECS = load_documents(TEMPLATE_DIR)
ACT = date(2024, 10, 3)
ON = date(2024, 10, 14)


def spec(kind: str) -> DocumentSpec:
    return SPECS[kind]


def problems(kind: str, values: dict[str, Any], on: date = ON) -> list[str]:
    return check_given(spec(kind), values, on=on, act_date=ACT)[1]


def test_every_data_key_a_letter_reads_has_a_declared_type() -> None:
    for kind, s in SPECS.items():
        data = {k.removeprefix("data.") for k in (*s.requires, *s.optional) if "data." in k}
        assert set(s.types) == data, kind


@pytest.mark.parametrize("document", ALL_KINDS)
def test_a_complete_sample_context_lacks_nothing(
    document: str, sample_context: Callable[..., dict[str, Any]]
) -> None:
    assert missing(spec(document), sample_context(document)) == []


def test_every_missing_value_of_a_letter_is_listed_at_once_with_its_type(
    sample_context: Callable[..., dict[str, Any]],
) -> None:
    context = sample_context("surat_penerusan")
    context["data"] = {}
    assert missing(spec("surat_penerusan"), context) == [
        Need("review_date", "past_date"),
        Need("attachments[]", "list of text"),
    ]
    assert str(Need("attachments[]", "list of text")) == "attachments[] (list of text)"


def test_a_missing_list_of_rows_is_named_once_with_its_fields(
    sample_context: Callable[..., dict[str, Any]],
) -> None:
    context = sample_context("ba_ketidakhadiran")
    del context["data"]["witnesses"]
    assert Need("witnesses[]", "list of {name, nip}") in missing(spec("ba_ketidakhadiran"), context)
    context["data"]["witnesses"] = [{"name": "Sri Handayani, S.E."}]
    assert Need("witnesses[].nip", "nip, in every item of witnesses[]") in missing(
        spec("ba_ketidakhadiran"), context
    )


@pytest.mark.parametrize("document", sorted(SAMPLE))
def test_the_sample_values_of_every_kind_are_accepted(document: str) -> None:
    # the sample values of one case, checked here on one day for all of them: the order of
    # a date and the letter's is left out (the walks check it on each letter's own day)
    found = check_given(spec(document), SAMPLE[document], on=date(2024, 11, 1), act_date=None)[1]
    due = [p for p in found if "before the letter's date" in p or "after the letter's" in p]
    assert [p for p in found if p not in due] == []


def test_an_unknown_name_is_refused_with_the_nearest_known_one() -> None:
    assert problems("surat_penerusan", {"reveiw_date": "2024-10-09"}) == [
        "reveiw_date: not a value surat_penerusan reads (did you mean 'review_date'?)"
    ]


def test_a_text_where_a_list_is_expected_is_refused_not_printed_letter_by_letter() -> None:
    [problem] = problems(
        "surat_penerusan", {"review_date": "2024-10-09", "attachments": "Formulir laporan"}
    )
    assert problem.startswith("attachments: expected a list of texts, got a text")


def test_a_row_field_of_the_wrong_type_is_named_with_its_row() -> None:
    found = problems(
        "ba_ketidakhadiran",
        {"witnesses": [{"name": "A", "nip": "197508172000032002"}, {"name": "B", "nip": "123"}]},
    )
    assert found == ["witnesses[2].nip: expected a NIP of 18 digits (quoted), got a text '123'"]


def test_an_unquoted_time_read_as_a_number_is_refused() -> None:
    [problem] = problems("surat_panggilan_1", {"exam_time": 9.0})
    assert problem.startswith("exam_time: expected a non-empty text (quote a number")


def test_an_iso_date_text_is_read_as_a_date() -> None:
    values, found = check_given(
        spec("surat_penerusan"), {"review_date": "2024-10-09"}, on=ON, act_date=ACT
    )
    assert (values["review_date"], found) == (date(2024, 10, 9), [])


def test_dates_are_checked_against_the_case_timeline() -> None:
    assert problems("surat_penerusan", {"review_date": date(2024, 9, 1)}) == [
        "review_date: 2024-09-01 is before the act (2024-10-03)"
    ]
    assert problems("surat_penerusan", {"review_date": date(2024, 10, 20)}) == [
        "review_date: 2024-10-20 is after the letter's date (2024-10-14); it is an earlier day"
    ]
    assert problems("permintaan_klarifikasi", {"reply_due": date(2024, 10, 10)}) == [
        "reply_due: 2024-10-10 is before the letter's date (2024-10-14); it is a day to act by"
    ]
    assert problems("permintaan_klarifikasi", {"reply_due": "28 Oktober 2024"}) == [
        "reply_due: expected a date (YYYY-MM-DD), got a text '28 Oktober 2024'"
    ]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_a_day_to_reply_by_is_accepted_exactly_when_it_is_not_before_the_letter(day: date) -> None:
    found = check_given(spec("permintaan_klarifikasi"), {"reply_due": day}, on=ON, act_date=None)[1]
    assert (found == []) == (day >= ON)


def test_a_data_key_without_a_declared_type_is_refused_naming_file_and_path(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "letter_templates"
    shutil.copytree(TEMPLATE_DIR, folder, ignore=shutil.ignore_patterns("fonts"))
    path = folder / "documents.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del doc["types"]["review_date"]
    doc["types"]["attachments[]"] = "words"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert raised.value.problems == [
        f"{path}: types.attachments[]: unknown type 'words' (allowed: text, date, past_date, "
        "due_date, int, bool, nip, mapping)",
        f"{path}: documents.surat_penerusan: data.review_date: no type declared for it under "
        "types (allowed: text, date, past_date, due_date, int, bool, nip, mapping)",
        f"{path}: documents.surat_penerusan: data.attachments[]: no type declared for it under "
        "types (allowed: text, date, past_date, due_date, int, bool, nip, mapping)",
    ]


@given(st.text(max_size=30))
def test_no_text_is_ever_taken_for_a_list(text: str) -> None:
    found = problems("surat_penerusan", {"review_date": date(2024, 10, 9), "attachments": text})
    assert [p.split(",")[0] for p in found] == ["attachments: expected a list of texts"]
