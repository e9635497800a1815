"""The one reader of declared data: input limits, alias bombs, and the shape of its errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sanctions.cli.letterdata import load_letter_data
from sanctions.declared.confidence import CONFIDENCES, LEGEND, MEANINGS
from sanctions.declared.problems import Problems
from sanctions.declared.reader import (
    DECLARED_LIMITS,
    LETTER_DATA_LIMITS,
    Limits,
    Node,
    ReadError,
    display_path,
    parse_yaml,
    read_yaml,
)
from sanctions.errors import DefinitionError, InputError

DATA = Path(__file__).parent / "data" / "reader"
BOMB = DATA / "billion_laughs.yaml"
BOMB_REFUSED = (
    "refused (line 7, column 4): aliases add more than 10000 values, the limit for {what}"
)


# --------------------------------------------------------------------------- alias bombs


def test_the_bomb_fixture_is_510_bytes_expanding_to_nine_to_the_ninth_strings() -> None:
    assert BOMB.stat().st_size == 510
    assert BOMB.read_text().count("*") == 8 * 9


def test_a_510_byte_alias_bomb_in_a_declared_file_is_refused_quickly_naming_the_file() -> None:
    started = time.perf_counter()
    with pytest.raises(DefinitionError) as caught:
        read_yaml(BOMB)
    elapsed = time.perf_counter() - started
    assert str(caught.value) == (
        f"{display_path(BOMB)}: " + BOMB_REFUSED.format(what="a declared file")
    )
    assert elapsed < 0.25  # ~0.3 ms unloaded; the bound is for a loaded machine


def test_a_510_byte_alias_bomb_as_letter_data_is_refused_quickly_as_bad_input() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_letter_data(BOMB)
    elapsed = time.perf_counter() - started
    assert str(caught.value) == f"{BOMB}: " + BOMB_REFUSED.format(what="a letter data file")
    assert elapsed < 0.25  # ~0.3 ms unloaded; the bound is for a loaded machine


def test_a_few_aliases_are_read_as_the_values_they_name() -> None:
    text = "note: &n shared text\nsource: &s [https://a.example, https://b.example]\n"
    text += "rows:\n" + "".join("  - {note: *n, source: *s}\n" for _ in range(20))
    value = parse_yaml(text)
    assert value["rows"][19] == {
        "note": "shared text",
        "source": ["https://a.example", "https://b.example"],
    }


def test_more_aliases_than_the_limit_are_refused_even_when_each_is_small() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    with pytest.raises(ReadError) as caught:
        parse_yaml(text)
    assert caught.value.message == (
        "refused (line 2, column 4): more than 100 aliases, the limit for a declared file"
    )
    assert parse_yaml("a: &a x\nb: [" + ", ".join(["*a"] * 100) + "]\n")["b"][99] == "x"


def test_an_alias_to_a_value_that_holds_it_is_refused() -> None:
    with pytest.raises(ReadError) as caught:
        parse_yaml("a: &a\n  - x\n  - *a\n")
    assert caught.value.message == ("refused (line 1, column 4): an alias to a value that holds it")


def test_the_alias_bounds_are_parameters() -> None:
    tight = Limits("a test input", max_bytes=1024, max_aliases=1)
    with pytest.raises(ReadError, match=r"more than 1 aliases, the limit for a test input$"):
        parse_yaml("a: &a x\nb: [*a, *a]\n", limits=tight)


# --------------------------------------------------------------------------- sizes


def test_the_documented_limits() -> None:
    assert (DECLARED_LIMITS.max_bytes, LETTER_DATA_LIMITS.max_bytes) == (2 * 2**20, 256 * 2**10)
    for limits in (DECLARED_LIMITS, LETTER_DATA_LIMITS):
        assert (limits.max_aliases, limits.max_alias_values) == (100, 10_000)


def test_a_declared_file_over_2_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (2 * 2**20 - 3) + "\nok: true\n")
    assert path.stat().st_size == 2 * 2**20 + 9
    with pytest.raises(DefinitionError) as caught:
        read_yaml(path)
    assert str(caught.value) == (
        f"{path}: refused: larger than 2 MiB, the limit for a declared file"
    )


def test_a_declared_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    head = "ok: true\n# "
    path.write_text(head + "x" * (2 * 2**20 - len(head) - 1) + "\n")
    assert path.stat().st_size == DECLARED_LIMITS.max_bytes
    assert read_yaml(path).value == {"ok": True}


def test_letter_data_over_256_kib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("surat_panggilan_1:\n  exam_place: " + "x" * (256 * 2**10) + "\n")
    with pytest.raises(InputError) as caught:
        load_letter_data(path)
    assert str(caught.value) == (
        f"{path}: refused: larger than 256 KiB, the limit for a letter data file"
    )


def test_text_over_the_limit_is_refused_by_parse_yaml_too() -> None:
    with pytest.raises(ReadError, match=r"^refused: larger than 100 bytes, the limit for t$"):
        parse_yaml("x: " + "y" * 100, limits=Limits("t", max_bytes=100))


# --------------------------------------------------------------------------- other refusals


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        read_yaml(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_a_file_that_is_not_utf8_is_refused_with_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Müller\n".encode("latin-1"))
    with pytest.raises(DefinitionError) as caught:
        read_yaml(path)
    assert str(caught.value) == f"{path}: cannot read: not UTF-8 text (byte 7)"


def test_a_duplicated_key_is_refused_with_its_line_and_column() -> None:
    with pytest.raises(ReadError) as caught:
        parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert caught.value.message == "not valid YAML (line 4, column 3): duplicate key 'c'"


# --------------------------------------------------------------------------- nodes


def test_every_problem_is_file_then_path_then_message() -> None:
    node = Node({"level": "sedangg", "tags": ["a", "a"]}, "x.yaml", "violations[3]")
    with pytest.raises(DefinitionError) as caught:
        node.get("level").choice(("ringan", "sedang", "berat"), what="level")
    assert str(caught.value) == (
        "x.yaml: violations[3].level: unknown level 'sedangg' (allowed: ringan, sedang, berat)"
    )
    with pytest.raises(DefinitionError) as caught:
        node.get("tags").names()
    assert str(caught.value) == "x.yaml: violations[3].tags[1]: 'a' is listed twice"


def test_mapping_problems_lists_every_unknown_then_every_missing_key() -> None:
    node = Node({"b": 1, "zz": 2, "yy": 3}, "x.yaml", "rows[0]")
    assert node.mapping_problems(allowed=("b", "a", "c"), required=("c", "a")) == [
        "x.yaml: rows[0]: unknown key 'zz' (allowed: b, a, c)",
        "x.yaml: rows[0]: unknown key 'yy' (allowed: b, a, c)",
        "x.yaml: rows[0]: missing required key 'c'",
        "x.yaml: rows[0]: missing required key 'a'",
    ]
    assert node.mapping_problems(allowed={"b", "a"}) == [
        "x.yaml: rows[0]: unknown key 'zz' (allowed: a, b)",
        "x.yaml: rows[0]: unknown key 'yy' (allowed: a, b)",
    ]


def test_one_collected_problem_is_the_message_and_several_are_listed_under_a_count() -> None:
    problems = Problems()
    problems.raise_if_any("x.yaml")  # nothing collected: nothing raised
    problems.add(Node(1, "x.yaml", "a").error("first"))
    with pytest.raises(DefinitionError) as one:
        problems.raise_if_any("x.yaml")
    assert str(one.value) == "x.yaml: a: first"
    problems.add(Node(1, "x.yaml", "b").error("second"))
    with pytest.raises(DefinitionError) as several:
        problems.raise_if_any("x.yaml")
    assert str(several.value) == (
        "2 problems in x.yaml:\n  - x.yaml: a: first\n  - x.yaml: b: second"
    )
    assert several.value.problems == ["x.yaml: a: first", "x.yaml: b: second"]


def test_a_date_is_a_yaml_date_or_a_text_in_the_iso_form_only() -> None:
    assert str(Node("2026-07-15", "x.yaml", "d").as_date()) == "2026-07-15"
    for bad in ("20260715", "2026-W29-3", "15/07/2026", "2026-02-30", 20260715):
        with pytest.raises(DefinitionError, match=r"^x\.yaml: d: not a date \(YYYY-MM-DD\): "):
            Node(bad, "x.yaml", "d").as_date()


# --------------------------------------------------------------------------- confidence tags


def test_the_confidence_tags_are_defined_once_with_their_meanings() -> None:
    assert CONFIDENCES == ("C", "S", "U")
    assert dict(MEANINGS) == {"C": "confirmed", "S": "secondary", "U": "unconfirmed"}
    assert LEGEND == "C confirmed, S secondary, U unconfirmed"
    assert Node("S", "x.yaml", "c").confidence() == "S"
    with pytest.raises(DefinitionError) as caught:
        Node("confirmed", "x.yaml", "rows[0].confidence").confidence()
    assert str(caught.value) == (
        "x.yaml: rows[0].confidence: unknown confidence 'confirmed' (allowed: C, S, U)"
    )
