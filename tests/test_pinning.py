"""The law in force is pinned: the first command records each unit's content digest, and a
changed unit under the same name is refused whatever folder a setting points to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Letter
from sanctions.law.load import load_law
from sanctions.settings import PROJECT_ROOT
from tests.factories import grant_cli_user, seed, snapshot

WORKFLOWS = PROJECT_ROOT / "workflows"
TEMPLATES = PROJECT_ROOT / "letter_templates"


def copy_of(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def law_digests(workflows: Path, templates: Path = TEMPLATES) -> dict[str, str]:
    return dict(load_law(workflows, templates, tukin_regulation_in_force=None).pins)


@pytest.mark.pure
def test_the_same_law_read_from_another_folder_has_the_same_digests(tmp_path: Path) -> None:
    elsewhere = law_digests(copy_of(WORKFLOWS, tmp_path / "w"), copy_of(TEMPLATES, tmp_path / "t"))
    assert elsewhere == law_digests(WORKFLOWS)
    assert {"workflow:skb-2022", "catalogue", "declarations", "template_set"} <= set(elsewhere)


@pytest.mark.pure
def test_a_removed_guard_changes_the_digest_of_its_version_and_of_those_extending_it(
    tmp_path: Path,
) -> None:
    folder = copy_of(WORKFLOWS, tmp_path / "w")
    edit(
        folder / "netralitas-skb-2022.yaml",
        "guards: [team_allowed, team_composition]",
        "guards: [team_composition]",
    )
    changed, shipped = law_digests(folder), law_digests(WORKFLOWS)
    assert changed["workflow:skb-2022"] != shipped["workflow:skb-2022"]
    assert changed["workflow:bkn-2024"] != shipped["workflow:bkn-2024"]  # extends skb-2022
    assert changed["catalogue"] == shipped["catalogue"]


def run(db_url: str, tmp_path: Path, *args: str, **dirs: Path) -> Result:
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_CACHE_DIR": str(tmp_path / "cache"),
        **{f"SANCTIONS_{k.upper()}_DIR": str(v) for k, v in dirs.items()},
    }
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def pinned(app: App, db_url: str, tmp_path: Path) -> App:
    """A database whose first command pinned the shipped law."""
    seed(app)
    first = run(db_url, tmp_path, "workflow", "pins", "--json")
    assert first.exit_code == 0, first.output
    assert '"unit": "workflow:skb-2022"' in first.output
    return app


def test_a_version_with_a_guard_removed_under_the_same_name_is_refused(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    folder = copy_of(WORKFLOWS, tmp_path / "elsewhere")
    edit(
        folder / "netralitas-skb-2022.yaml",
        "guards: [team_allowed, team_composition]",
        "guards: [team_composition]",
    )
    before = snapshot(pinned)
    result = run(db_url, tmp_path, "case", "list", workflows=folder)
    assert result.exit_code == 3, result.output
    assert "differs from the content pinned" in result.output
    assert "workflow:skb-2022" in result.output and "workflow:bkn-2024" in result.output
    assert "declare a new workflow version" in result.output
    assert snapshot(pinned) == before


def test_more_readers_of_rahasia_letters_under_the_same_version_are_refused(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    folder = copy_of(WORKFLOWS, tmp_path / "w")
    edit(
        folder / "netralitas-skb-2022.yaml",
        "value: [admin, kepegawaian,",
        "value: [bawaslu, admin, kepegawaian,",
    )
    result = run(db_url, tmp_path, "letter", "list", workflows=folder)
    assert result.exit_code == 3 and "differs from the content pinned" in result.output


def test_an_extra_clause_in_a_decree_template_is_refused(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    folder = copy_of(TEMPLATES, tmp_path / "t")
    decree = folder / "sk_hukuman_disiplin.html.j2"
    decree.write_text(
        decree.read_text(encoding="utf-8") + "\n<p>dan diberhentikan dengan tidak hormat</p>\n",
        encoding="utf-8",
    )
    before = snapshot(pinned)
    result = run(db_url, tmp_path, "case", "list", templates=folder)
    assert result.exit_code == 3, result.output
    assert "template_set differs from the content pinned" in result.output
    assert "sanctions workflow pin template_set" in result.output
    assert snapshot(pinned) == before


def test_an_admin_pins_new_templates_with_a_reason_but_never_re_pins_a_workflow_version(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    folder = copy_of(TEMPLATES, tmp_path / "t")
    edit(
        folder / "print.css",
        "}",
        "}\n/* margin fix */",
    )
    grant_cli_user(pinned, db_url, ["admin"])
    refused = run(db_url, tmp_path, "workflow", "pin", "workflow:skb-2022", "--note", "x")
    assert refused.exit_code == 2 and "only by a new version" in refused.output
    accepted = run(db_url, tmp_path, "workflow", "pin", "template_set", "--note", "margin fix",
                   templates=folder)  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    now = run(db_url, tmp_path, "workflow", "pins", templates=folder)
    assert now.exit_code == 0, now.output
    assert now.output.count("template_set") == 2 and "margin fix" in now.output
    # the shipped set is now the changed one: refused
    assert run(db_url, tmp_path, "case", "list").exit_code == 3


def test_a_new_version_name_is_pinned_at_its_first_use(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    folder = copy_of(WORKFLOWS, tmp_path / "w")
    new = folder / "netralitas-bkn-2030.yaml"
    shutil.copy(folder / "netralitas-bkn-2024.yaml", new)
    edit(new, "version: bkn-2024", "version: bkn-2030")
    edit(new, "extends: skb-2022", "extends: bkn-2024")
    text = new.read_text(encoding="utf-8")
    new.write_text(
        "\n".join(
            "applies_from: 2030-01-01" if line.startswith("applies_from:") else line
            for line in text.splitlines()
            if not line.startswith("applies_until:")
        ),
        encoding="utf-8",
    )
    result = run(db_url, tmp_path, "workflow", "pins", workflows=folder)
    assert result.exit_code == 0, result.output
    assert "workflow:bkn-2030" in result.output


def test_a_letter_is_rendered_again_only_with_the_templates_pinned_when_it_was_issued(
    pinned: App, db_url: str, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from tests.factories import REPORT_TO_RECOMMENDATION, open_case, walk

    ref = open_case(pinned)
    walk(pinned, ref, REPORT_TO_RECOMMENDATION[:1])  # the report's receipt, issued
    with session_scope(pinned.db) as session:
        letter = session.exec(select(Letter).order_by(col(Letter.id))).first()
        assert letter is not None
        letter.issued_at = datetime.now(UTC)  # issued after the first use pinned the law
        session.add(letter)
        number = letter.number
    grant_cli_user(pinned, db_url, ["admin"])
    store = {"letter_store": pinned.settings.letter_store}
    out = tmp_path / "again.pdf"
    env_dirs = dict(store)
    again = run_store(db_url, tmp_path, env_dirs, "letter", "get", number, "--out", str(out),
                      "--rerender")  # fmt: skip
    assert again.exit_code == 0, again.output
    folder = copy_of(TEMPLATES, tmp_path / "t")
    edit(folder / "print.css", "}", "}\n/* margin fix */")
    assert run(db_url, tmp_path, "workflow", "pin", "template_set", "--note", "fix",
               templates=folder).exit_code == 0  # fmt: skip
    refused = run_store(db_url, tmp_path, {**env_dirs, "templates_dir": folder}, "letter", "get",
                        number, "--out", str(out), "--rerender")  # fmt: skip
    assert refused.exit_code == 5, refused.output
    assert "not rendered again from other templates" in refused.output


def run_store(db_url: str, tmp_path: Path, dirs: dict[str, Path], *args: str) -> Result:
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_CACHE_DIR": str(tmp_path / "cache"),
        **{f"SANCTIONS_{k.upper()}": str(v) for k, v in dirs.items()},
    }
    from tests.fakes import fake_app_factory

    return CliRunner().invoke(cli, list(args), env=env, obj=fake_app_factory())
