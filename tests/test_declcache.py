"""The declarations cache: built once, reused, rebuilt when a file changes or is damaged."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from sanctions.declared.cache import cache_key, cached
from sanctions.declared.jsondata import from_data, to_data

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
    (tmp_path / "declarations-k.json").write_bytes(b"not JSON")
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
    # the types too: a StrEnum read back as a plain str still compares equal, but has no .value
    assert repr(again) == repr(first)


def test_the_cache_holds_json_data_never_a_pickle(tmp_path: Path) -> None:
    from sanctions.deadlines.rules import Unit

    cached(tmp_path, "k", lambda: {"unit": Unit.WORKING_DAYS, "on": (1, 2)})
    [written] = tmp_path.iterdir()
    assert written.name == "declarations-k.json"
    assert json.loads(written.read_text())["$"] == "dict"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "planted",
    [
        {"$": "dc", "c": "os:system", "v": {}},  # a function outside the declarations
        {"$": "dc", "c": "subprocess:Popen", "v": {"args": "touch owned"}},
        {"$": "enum", "c": "sanctions.declared.jsondata:importlib", "v": "os"},
        {"$": "dc", "c": "sanctions.cases.workflow:Workflow", "v": {"name": "x"}},  # fields
        {"$": "pickle", "v": "gASVAAAAAAAAAAA="},
        {"no": "tag"},
    ],
)
def test_a_planted_cache_file_runs_nothing_and_is_rebuilt(
    tmp_path: Path, planted: dict[str, object]
) -> None:
    path = tmp_path / "declarations-k.json"
    path.write_text(json.dumps(planted))
    path.chmod(0o600)
    with pytest.raises(ValueError, match="not declared data"):
        from_data(planted)
    assert cached(tmp_path, "k", lambda: ["rebuilt"]) == ["rebuilt"]
    assert not (tmp_path / "owned").exists()


def test_a_cache_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "declarations-k.json"
    path.write_text(json.dumps(to_data(["planted"])))
    path.chmod(0o666)
    assert cached(tmp_path, "k", lambda: ["rebuilt"]) == ["rebuilt"]


def test_the_holiday_cache_is_json_in_a_folder_named_by_the_packages_content(
    tmp_path: Path,
) -> None:
    from datetime import date

    from sanctions.deadlines import workdays

    try:
        workdays.use_holiday_cache(tmp_path)
        computed = dict(workdays.national_holidays(2024, True))
        [folder] = tmp_path.iterdir()
        assert folder.name == f"holidays-{workdays.holidays_digest()}"
        stored = folder / "ID-2024-cuti.json"
        assert json.loads(stored.read_text())["2024-12-25"] == computed[date(2024, 12, 25)]
        # a planted table (Christmas moved) that others may write is ignored
        stored.write_text(json.dumps({"2024-12-26": "Hari Raya Natal"}))
        stored.chmod(0o666)
        workdays.national_holidays.cache_clear()
        assert dict(workdays.national_holidays(2024, True)) == computed
    finally:
        workdays.use_holiday_cache(None)
