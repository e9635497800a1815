"""--json: refusals are a JSON object on stderr with the exit code's name, every exit code is
documented, and the documented shapes are what the commands print."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sanctions.cli import cli
from sanctions.cli.schemas import JSON_SCHEMAS
from sanctions.errors import EXIT_NAMES

ROOT = Path(__file__).resolve().parent.parent


def test_a_refusal_under_json_is_an_error_object_on_stderr(
    migrated_url: str, tmp_path: Path
) -> None:
    env = {"SANCTIONS_DATABASE_URL": migrated_url, "SANCTIONS_LETTER_STORE": str(tmp_path)}
    result = CliRunner().invoke(cli, ["case", "show", "NET-2024-999999", "--json"], env=env)
    assert result.exit_code == 4
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert (error["exit_code"], error["name"], error["kind"]) == (4, "not_found", "NotFound")
    assert "NET-2024-999999" in error["message"]
    plain = CliRunner().invoke(cli, ["case", "show", "NET-2024-999999"], env=env)
    assert plain.stderr.startswith("error: ")


def test_every_exit_code_is_documented_with_its_name() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for code, name in EXIT_NAMES.items():
        assert f"| {code} | `{name}` |" in text


def test_the_documented_shapes_use_snake_case_keys() -> None:
    def keys(value: object) -> list[str]:
        if isinstance(value, dict):
            return [k for k, v in value.items() for k in (k, *keys(v))]
        if isinstance(value, list):
            return [k for item in value for k in keys(item)]
        return []

    for shape in JSON_SCHEMAS.values():
        assert all(k == k.lower() and " " not in k for k in keys(shape))
