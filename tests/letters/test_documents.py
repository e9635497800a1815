from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sanctions.errors import DefinitionError
from sanctions.letters.documents import load_documents

pytestmark = pytest.mark.pure  # no database, no PDF, no child process


def test_the_shipped_declarations_load_with_every_kind_on_its_layout(template_dir: Path) -> None:
    specs = load_documents(template_dir)
    panggilan = specs["surat_panggilan_1"]
    assert panggilan.layout == "surat"
    assert panggilan.sifat == "Rahasia"
    assert panggilan.confidential
    assert panggilan.series == "surat"
    assert "addressee.name" in panggilan.context_keys
    assert "data.exam_place" in panggilan.context_keys
    assert specs["sk_hukuman_disiplin"].mengingat
    assert {spec.layout for spec in specs.values()} == {
        "surat",
        "keputusan",
        "berita_acara",
        "laporan",
    }
    for kind in ("surat_panggilan_1", "surat_panggilan_2", "bap", "lhp"):
        assert specs[kind].confidential and specs[kind].sifat == "Rahasia"


@pytest.fixture
def folder(template_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "letter_templates"
    shutil.copytree(template_dir, copy, ignore=shutil.ignore_patterns("fonts"))
    return copy


def _edit(folder: Path, change: dict[str, object], kind: str = "surat_panggilan_1") -> None:
    path = folder / "documents.yaml"
    data = yaml.safe_load(path.read_text())
    data["documents"][kind].update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_an_unknown_layout_is_reported_with_its_path_in_the_file(folder: Path) -> None:
    _edit(folder, {"layout": "surat_dinas"})
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value).startswith(
        f"{folder}/documents.yaml: documents.surat_panggilan_1.layout: unknown layout 'surat_dinas'"
    )


def test_every_problem_in_the_file_is_reported_at_once(folder: Path) -> None:
    _edit(folder, {"sifat": "Sangat Rahasia", "classification": "Disiplin"})
    _edit(folder, {"template": "nope.html.j2", "requires": ["employe.name"]}, kind="bap")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    problems = "\n".join(raised.value.problems)
    assert "documents.surat_panggilan_1.sifat: unknown sifat 'Sangat Rahasia'" in problems
    assert "documents.surat_panggilan_1.classification: 'Disiplin' is not a dotted key" in problems
    assert "documents.bap.requires[0]: 'employe.name' is not a dotted key" in problems
    assert "documents.bap.template: template 'nope.html.j2' does not exist" in problems
    assert "(and 3 more)" in str(raised.value)


def test_a_template_must_extend_the_base_of_its_layout(folder: Path) -> None:
    _edit(folder, {"layout": "berita_acara"})
    with pytest.raises(DefinitionError, match=r"must extend base_berita_acara\.html\.j2"):
        load_documents(folder)


def test_a_template_with_a_syntax_error_is_a_definition_error(folder: Path) -> None:
    (folder / "bap.html.j2").write_text('{% extends "base_berita_acara.html.j2" %}{% block body %')
    with pytest.raises(DefinitionError, match=r"documents\.bap\.template: bap\.html\.j2 line 1"):
        load_documents(folder)


def test_a_keputusan_needs_its_legal_bases(folder: Path) -> None:
    _edit(folder, {"mengingat": []}, kind="sk_hukuman_disiplin")
    with pytest.raises(DefinitionError, match=r"sk_hukuman_disiplin\.mengingat: a keputusan needs"):
        load_documents(folder)


def test_missing_and_unknown_fields_are_named(folder: Path) -> None:
    path = folder / "documents.yaml"
    data = yaml.safe_load(path.read_text())
    del data["documents"]["lhp"]["series"]
    data["documents"]["lhp"]["colour"] = "red"
    data["extra"] = 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    problems = "\n".join(raised.value.problems)
    assert "documents.lhp.series: missing" in problems
    assert "documents.lhp.colour: unknown field" in problems
    assert "documents.yaml: extra: unknown top-level key" in problems


def test_a_missing_or_unreadable_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"documents\.yaml: file not found"):
        load_documents(tmp_path)
    (tmp_path / "documents.yaml").write_text("documents: [unclosed")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_documents(tmp_path)
