"""An issuer's kop images are registered as files (`agency edit --logo/--emblem`), kept in the
letter store by SHA-256, recorded as edits and named by every letter's context; a bad file is
refused with nothing changed (issue 12, "logos are image files registered per issuer")."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from sanctions.app import App
from sanctions.cli import cli
from sanctions.db import session_scope
from sanctions.db.models import Agency, Case, Letter
from sanctions.letters.service import kop_warnings
from sanctions.registry import logos
from sanctions.registry import service as registry
from tests.factories import KNOWN_ROLES, NOW, open_case, recommended, s, seed, snapshot, walk
from tests.fakes import fake_app_factory
from tests.letterdata import sample_letter_data
from tests.letters.test_kop_images import SVG, png
from tests.officer import TEAM_MEMBERS


@pytest.fixture
def seeded(app: App) -> App:
    seed(app)
    return app


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _runner(seeded: App, db_url: str) -> tuple[CliRunner, dict[str, str]]:
    runner = CliRunner()
    env = {
        "SANCTIONS_DATABASE_URL": db_url,
        "SANCTIONS_LETTER_STORE": str(seeded.settings.letter_store),
    }
    me = runner.invoke(cli, ["user", "whoami"], env=env).stdout.strip()
    with session_scope(seeded.db) as session:
        registry.add_user(session, actor="admin", username=me, roles=["admin", "kepegawaian"],
                          known_roles=KNOWN_ROLES, agency_code=None)  # fmt: skip
    return runner, env


def test_a_registered_lambang_and_emblem_are_stored_recorded_and_named_by_the_letters(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    runner, env = _runner(seeded, db_url)
    (tmp_path / "lambang.png").write_bytes(png(60, 72))
    (tmp_path / "garuda.svg").write_bytes(SVG)
    result = runner.invoke(
        cli,
        ["agency", "edit", "SLEMAN", "--logo", str(tmp_path / "lambang.png"),
         "--emblem", str(tmp_path / "garuda.svg"), "--json"],
        env=env, obj=fake_app_factory(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    logo, emblem = hashlib.sha256(png(60, 72)).hexdigest(), hashlib.sha256(SVG).hexdigest()
    changed = {row["field"]: row["new"] for row in json.loads(result.stdout)}
    assert changed == {"logo_sha256": logo, "emblem_sha256": emblem}
    store = seeded.settings.letter_store
    assert logos.image_bytes(store, emblem) == SVG
    with session_scope(seeded.db) as session:
        sleman = session.exec(select(Agency).where(Agency.code == "SLEMAN")).one()
        assert (sleman.logo_sha256, sleman.emblem_sha256) == (logo, emblem)

    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(seeded, ref, [
        *recommended("berat"),
        s("tindak_lanjuti", "bkpsdm", "2024-10-28"),
        s("bentuk_tim", "bupati", "2024-10-29", members=TEAM_MEMBERS),
    ])  # fmt: skip
    with session_scope(seeded.db) as session:
        decree = session.exec(
            select(Letter).where(Letter.kind == "sk_tim_pemeriksa").order_by(col(Letter.id))
        ).one()
        # the Bupati signs the decree in person: the kop jabatan with the emblem, his series
        assert decree.context["kop"]["style"] == "jabatan"
        assert decree.context["kop"]["lines"] == ["BUPATI SLEMAN"]
        assert decree.context["kop"]["image"] == emblem
        assert decree.context["signer"]["title"] == "Bupati Sleman"
        assert decree.series == "ppk" and "/PPK/" in decree.number
        assert kop_warnings(seeded, session, _case(session, ref)) == []


def _case(session: Session, ref: str) -> Case:
    return session.exec(select(Case).where(Case.reference == ref)).one()


def test_an_image_that_is_not_a_png_or_svg_is_refused_and_nothing_changes(
    seeded: App, db_url: str, tmp_path: Path
) -> None:
    runner, env = _runner(seeded, db_url)
    store = seeded.settings.letter_store
    (tmp_path / "lambang.png").write_bytes(png()[:-20])  # cut off
    (tmp_path / "garuda.svg").write_bytes(SVG)
    before, files = snapshot(seeded), _files(store)
    for args in (
        ["--logo", str(tmp_path / "lambang.png"), "--emblem", str(tmp_path / "garuda.svg")],
        ["--emblem", str(tmp_path / "garuda.svg"), "--numbering-pattern", "{nomor}"],
    ):
        result = runner.invoke(cli, ["agency", "edit", "SLEMAN", *args], env=env,
                               obj=fake_app_factory())  # fmt: skip
        assert result.exit_code == 2, result.output
    assert "the PNG is cut off" in runner.invoke(
        cli, ["agency", "edit", "SLEMAN", "--logo", str(tmp_path / "lambang.png")], env=env,
        obj=fake_app_factory(),
    ).output  # fmt: skip
    assert snapshot(seeded) == before
    assert _files(store) == files  # not even the good emblem was stored


def test_case_show_warns_when_a_kop_has_no_image_registered(seeded: App) -> None:
    ref = open_case(seeded)
    with session_scope(seeded.db) as session:
        warnings = kop_warnings(seeded, session, _case(session, ref))
    assert any("--logo FILE" in w for w in warnings)
    assert any("Garuda Pancasila" in w and "--emblem FILE" in w for w in warnings)


def test_a_preview_of_a_decree_without_a_registered_emblem_warns_of_it(seeded: App) -> None:
    from sanctions.cases.drafts import preview

    ref = open_case(seeded, violations=("DIS-02",), act_date=date(2024, 10, 3))
    walk(seeded, ref, [*recommended("berat"), s("tindak_lanjuti", "bkpsdm", "2024-10-28")])
    with session_scope(seeded.db) as session:
        drafts = preview(
            seeded, session, ref, "bentuk_tim", inputs={"members": TEAM_MEMBERS},
            actor="bupati", on=date(2024, 10, 29), now=NOW,
            letter_data=sample_letter_data(["sk_tim_pemeriksa"], on=date(2024, 10, 29)),
        )  # fmt: skip
    [decree] = [d for d in drafts if d.kind == "sk_tim_pemeriksa"]
    assert any("Garuda Pancasila" in w and "--emblem FILE" in w for w in decree.warnings)
