from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sanctions.errors import DefinitionError
from sanctions.letters.documents import load_documents

DATA = Path(__file__).parent.parent / "data"

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
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.surat_panggilan_1.layout: unknown layout "
        "'surat_dinas' (allowed: surat, keputusan, berita_acara, laporan)"
    )


def test_every_problem_in_the_file_is_reported_at_once(folder: Path) -> None:
    _edit(folder, {"sifat": "Sangat Rahasia", "classification": "Disiplin"})
    _edit(folder, {"template": "nope.html.j2", "requires": ["employe.name"]}, kind="bap")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    file = f"{folder}/documents.yaml"
    roots = (
        "doc, agency, signer, addressee, tembusan, employee, case, supervisory_body, "
        "recommendation, sanction, data, verification"
    )
    problems = [
        f"{file}: documents.bap.requires[0]: 'employe.name' is not a dotted key under {roots}",
        f"{file}: documents.bap.template: template 'nope.html.j2' does not exist in {folder}",
        (
            f"{file}: documents.surat_panggilan_1.sifat: unknown sifat 'Sangat Rahasia' "
            "(allowed: Biasa, Segera, Penting, Rahasia)"
        ),
        (
            f"{file}: documents.surat_panggilan_1.classification: 'Disiplin' is not a dotted "
            "key like kepegawaian.disiplin"
        ),
    ]
    assert raised.value.problems == problems
    assert str(raised.value) == "\n".join(
        [f"4 problems in {file}:", *(f"  - {p}" for p in problems)]
    )


def test_a_template_must_extend_the_base_of_its_layout(folder: Path) -> None:
    _edit(folder, {"layout": "laporan"}, kind="bap")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.bap.template: "
        "bap.html.j2 must extend base_laporan.html.j2 (its layout is laporan)"
    )


def test_a_surat_names_its_addressee_and_only_a_surat_has_one(folder: Path) -> None:
    _edit(folder, {"addressee": "ppk"}, kind="bap")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.bap.addressee: only a surat has an addressee (Yth.)"
    )


def test_only_a_surat_declares_a_lampiran(folder: Path) -> None:
    _edit(folder, {"lampiran": "1 (satu) berkas"}, kind="bap")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.bap.lampiran: only a surat has a Lampiran line"
    )


def test_a_template_with_a_syntax_error_is_a_definition_error(folder: Path) -> None:
    (folder / "bap.html.j2").write_text('{% extends "base_berita_acara.html.j2" %}{% block body %')
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.bap.template: bap.html.j2 line 1: expected token "
        "'end of statement block', got '%'"
    )


def test_a_keputusan_needs_its_legal_bases(folder: Path) -> None:
    _edit(folder, {"mengingat": []}, kind="sk_hukuman_disiplin")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.sk_hukuman_disiplin.mengingat: a keputusan needs "
        "its legal bases (Mengingat)"
    )


def test_a_legal_basis_dated_wrongly_is_named_with_its_path(folder: Path) -> None:
    _edit(folder, {"mengingat": [{"text": "UU 20/2023", "sejak": "2023-10-31"}]},
          kind="sk_hukuman_disiplin")  # fmt: skip
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: documents.sk_hukuman_disiplin.mengingat[0]: unknown key "
        "'sejak' (allowed: text, from, until)"
    )


def test_missing_and_unknown_fields_are_named(folder: Path) -> None:
    path = folder / "documents.yaml"
    data = yaml.safe_load(path.read_text())
    del data["documents"]["lhp"]["series"]
    data["documents"]["lhp"]["colour"] = "red"
    data["extra"] = 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert raised.value.problems == [
        f"{path}: unknown key 'extra' (allowed: common, documents, types, kop_jabatan)",
        (
            f"{path}: documents.lhp: unknown key 'colour' (allowed: title, layout, template, "
            "sifat, series, confidential, classification, requires, mengingat, optional, issuer, "
            "addressee, tembusan, remedy, lampiran)"
        ),
        f"{path}: documents.lhp: missing required key 'series'",
    ]


def test_a_missing_or_unreadable_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as missing:
        load_documents(tmp_path)
    assert str(missing.value) == f"{tmp_path}/documents.yaml: file not found"
    (tmp_path / "documents.yaml").write_text("documents: [unclosed")
    with pytest.raises(DefinitionError) as broken:
        load_documents(tmp_path)
    assert str(broken.value) == (
        f"{tmp_path}/documents.yaml: not valid YAML (line 2, column 1): did not find "
        "expected ',' or ']'"
    )


# --------------------------------------------------------------------------- input limits


def test_a_duplicated_key_is_refused_with_the_file_and_its_line(folder: Path) -> None:
    shutil.copy(DATA / "documents" / "duplicate_key.yaml", folder / "documents.yaml")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: not valid YAML (line 11, column 5): duplicate key 'sifat'"
    )


def test_an_oversized_declarations_file_is_refused(folder: Path) -> None:
    path = folder / "documents.yaml"
    with path.open("a") as stream:
        stream.write("# " + "x" * (2 * 2**20) + "\n")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{path}: refused: larger than 2 MiB, the limit for a declared file"
    )


def test_an_alias_bomb_as_documents_yaml_is_refused(folder: Path) -> None:
    shutil.copy(DATA / "reader" / "billion_laughs.yaml", folder / "documents.yaml")
    with pytest.raises(DefinitionError) as raised:
        load_documents(folder)
    assert str(raised.value) == (
        f"{folder}/documents.yaml: refused (line 7, column 4): aliases add more than 10000 "
        "values, the limit for a declared file"
    )
