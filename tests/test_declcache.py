"""The declarations cache: built once, reused, rebuilt when a file changes or is damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.declared.cache import cache_key, cached

pytestmark = pytest.mark.pure  # no database, no PDF, no child process


def test_a_value_is_built_once_then_read_from_the_cache(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"states": 33}

    assert cached(tmp_path, "k", build) == {"states": 33}
    assert cached(tmp_path, "k", build) == {"states": 33}
    assert len(calls) == 1


def test_editing_a_declaration_file_changes_the_key(tmp_path: Path) -> None:
    declared = tmp_path / "x.yaml"
    declared.write_text("a: 1\n")
    before = cache_key([declared], "")
    declared.write_text("a: 2\n")
    assert cache_key([declared], "") != before
    assert cache_key([declared], "tukin=2026-01-01") != cache_key([declared], "")


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "declarations-k.pickle").write_bytes(b"not a pickle")
    assert cached(tmp_path, "k", lambda: [1, 2]) == [1, 2]
    assert cached(tmp_path, "k", lambda: [3]) == [1, 2]  # the rebuilt file is used again


def test_without_a_cache_directory_the_value_is_always_built(tmp_path: Path) -> None:
    calls: list[int] = []
    cached(None, "k", lambda: calls.append(1))
    cached(None, "k", lambda: calls.append(1))
    assert len(calls) == 2


def test_the_shipped_law_is_kept_in_the_cache_and_read_back_equal(tmp_path: Path) -> None:
    """A value the cache cannot store would be rebuilt by every command (seconds each)."""
    from sanctions.law.load import load_law

    repo = Path(__file__).resolve().parents[1]
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return load_law(
            repo / "workflows", repo / "letter_templates", tukin_regulation_in_force=None
        )

    first = cached(tmp_path, "law", build)
    again = cached(tmp_path, "law", build)
    assert calls == [1] and again == first
