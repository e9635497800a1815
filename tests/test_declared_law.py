"""The declared law as a whole: versions declared relative to others, and the cross-file pass.

Each folder under `tests/data/workflows/` is laid over a copy of the shipped `workflows/`
(its files added or replacing the shipped ones) and must be refused with exactly the
problems listed here, each naming the file and the path inside it.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctions.cases.guards import GUARD_NEEDS, GUARDS, mutually_exclusive
from sanctions.cli import cli
from sanctions.errors import DefinitionError
from sanctions.law import names
from sanctions.law.load import Law, load_law

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "workflows"
TEMPLATES = REPO / "letter_templates"
DOCS = "letter_templates/documents.yaml"
BAD = "{dir}/netralitas-bad.yaml"
ROLES = (
    "admin, bawaslu, pengawas, kepegawaian, pejabat, atasan, tim_pemeriksa, majelis, "
    "atasan_pejabat, bpasn, penjadwal"
)

EXPECTED: dict[str, list[str]] = {
    "unknown_top_key": [
        f"{BAD}: unknown key 'colour' (allowed: applies_from, applies_until, extends, initial, "
        "on_demand, open_roles, opens_cases, roles, rules, states, supervisory_body, title, "
        "transitions, version, workflow)"
    ],
    "extends_unknown_version": [
        f"{BAD}: extends: unknown version 'bkn-2025' (did you mean 'bkn-2024'?) (declared: "
        "bad, bkn-2024, menpanrb-2024, skb-2022)"
    ],
    "extends_in_a_circle": [
        "{dir}/netralitas-worse.yaml: extends: versions extend each other in a circle: "
        "bad -> worse -> bad"
    ],
    "extends_another_workflow": [
        f"{BAD}: workflow: bkn-2024 is workflow 'netralitas'; a version of it keeps that name"
    ],
    "version_declared_twice": [
        "{dir}/netralitas-bkn-2024.yaml: version: 'bkn-2024' is also declared in "
        "{dir}/netralitas-bad.yaml"
    ],
    "transition_to_unknown_state": [f"{BAD}: transitions[0].dest: unknown state 'arsip'"],
    "transition_with_unknown_guard": [
        f"{BAD}: transitions[0].guards[0]: unknown guard 'team_formed_if_requird' (did you "
        "mean 'team_formed_if_required'?)"
    ],
    "transition_with_unknown_role": [
        f"{BAD}: transitions[0].roles[0]: unknown role 'panwascam' (declared roles: {ROLES})"
    ],
    "input_of_unknown_type": [
        f"{BAD}: transitions[0].inputs.pages.type: unknown value 'number' (allowed: date, "
        "text, level, sanction, choice, members, official)"
    ],
    "choice_without_choices": [
        f"{BAD}: transitions[0].inputs.how.choices: a choice input needs a list of choices"
    ],
    "rule_with_unknown_confidence": [
        f"{BAD}: rules.summons_notice_working_days.confidence: unknown confidence 'X' "
        "(allowed: C, S, U)"
    ],
    "deadline_with_unknown_unit": [
        f"{BAD}: states.keberatan.deadlines[0].unit: unknown unit 'minggu' (allowed: "
        "hari_kerja, hari_kalender, bulan)"
    ],
    "transition_leaves_terminal_state": [
        f"{BAD}: transitions[0]: leaves terminal state 'ditutup' (buka_kembali)"
    ],
    "state_unreachable": [f"{BAD}: states.arsip: not reachable from 'dilaporkan'"],
    "state_without_way_out": [
        f"{BAD}: states.ditunda: has no way out; declare it terminal: true or add a transition "
        "from it",
        f"{BAD}: states.ditunda: no path from here to a terminal state",
    ],
    "remove_unknown_transition": [
        f"{BAD}: transitions[0]: no transition 'arsipkan' from ditutup to remove in the "
        "version this one extends"
    ],
    "remove_unknown_deadline": [
        f"{BAD}: states.keberatan.deadlines[0].name: state 'keberatan' has no deadline "
        "'putusan_banding' to remove"
    ],
    "state_letter_unknown": [
        f"{BAD}: states.dilaporkan.letters[0]: unknown document kind 'tanda_terima_lapran' "
        f"(did you mean 'tanda_terima_laporan'?) (declared in {DOCS})"
    ],
    "guard_deadline_removed": [
        f"{BAD}: transition nyatakan_berlaku from disampaikan (inherited from bkn-2024)"
        ".guards[0]: guard 'waiting_period_over' reads deadline 'mulai_berlaku', which no "
        "state of this workflow declares"
    ],
    "guard_input_removed": [
        f"{BAD}: transitions[0].guards[0]: guard 'allegations_fit_act_date' judges input "
        "'act_date_reason', which step 'rekomendasikan' does not take (it takes: nothing)",
        f"{BAD}: transitions[0].guards[1]: guard 'level_fits_catalogue' judges input 'level', "
        "which step 'rekomendasikan' does not take (it takes: nothing)",
        f"{BAD}: transition bentuk_tim from ditindaklanjuti (inherited from bkn-2024)"
        ".guards[0]: guard 'team_allowed' reads fact 'level', which no step of this workflow "
        "records",
        f"{BAD}: transition panggil from ditindaklanjuti, tim_dibentuk (inherited from "
        "bkn-2024).guards[0]: guard 'team_formed_if_required' reads fact 'level', which no "
        "step of this workflow records",
        f"{BAD}: transition bebaskan_sementara from panggilan_1, panggilan_2, pemeriksaan, "
        "tanpa_pemeriksaan, lhp (inherited from bkn-2024).guards[0]: guard 'release_allowed' "
        "reads fact 'level', which no step of this workflow records",
        f"{BAD}: transition putuskan from lhp, tanpa_pemeriksaan (inherited from bkn-2024)"
        ".guards[2]: guard 'sanction_matches_recommendation' reads fact 'level', which no "
        "step of this workflow records",
    ],
    "code_deadline_renamed": [
        f"{BAD}: deadline 'tindak_lanjut_ppk' is not declared in version bad (did you mean "
        "'tindak_lanjut'?); sanctions.reports.figures and sanctions.letters.service: the "
        "PPK's follow-up due date relies on it"
    ],
    "trigger_with_two_destinations": [
        f"{BAD}: transitions[0]: trigger 'serahkan' from 'diputus' leads to both "
        "'disampaikan' and 'berlaku'; give each a guard declared to exclude the other's "
        "(guard(..., excludes=...)) or use two triggers"
    ],
    "composition_rule_unknown_element": [
        f"{BAD}: rules.team_elements.value: unknown element 'inspektorat' (allowed: "
        "atasan_langsung, pengawasan, kepegawaian, pejabat_lain)",
        f"{BAD}: rules.panel_min_members.value: 'tiga' is not a whole number of 1 or more",
    ],
    "rule_names_unknown_state": [
        f"{BAD}: rules.sanction_in_force_state.value: unknown state 'berlakuu' (did you mean "
        "'berlaku'?)"
    ],
    "supervisory_body_unknown": [
        f"{BAD}: supervisory_body: unknown body 'kpk' (declared in supervisory_bodies.yaml: "
        "kasn, bkn, menpanrb, independen)"
    ],
    "classification_code_missing": [
        f"{DOCS}: documents.{kind}.classification: no code for "
        "'kepegawaian.upaya_administratif' in {dir}/classification.yaml (declared: "
        "kepegawaian.disiplin, kepegawaian.kode_etik, pengawasan.netralitas, "
        "pengawasan.pemilu)"
        for kind in (
            "tanda_terima_keberatan",
            "tanda_terima_banding",
            "tanggapan_banding",
            "keputusan_keberatan",
            "pembatalan_naskah_bpasn",
        )
    ],
    "ladder_letter_unknown": [
        "{dir}/escalation.yaml: steps[1].letter: unknown document kind 'surat_teguran' (did "
        f"you mean 'surat_teguran_ppk'?) (declared in {DOCS})"
    ],
    "on_demand_letter_unknown": [
        f"{BAD}: on_demand.sk_pembebasan: unknown document kind 'sk_pembebasan' (did you mean "
        f"'sk_pembebasan_sementara'?) (declared in {DOCS})"
    ],
    "on_demand_in_unknown_state": [
        f"{BAD}: on_demand.surat_pengantar_keputusan.states[0]: unknown state 'diputuskan' "
        "(did you mean 'diputus'?)"
    ],
    "ladder_step_missing": [
        "{dir}/escalation.yaml: steps: no step 'permintaan_blokir'; "
        "sanctions.deadlines.reminders: records the day blocking was requested relies on it"
    ],
}


def _shipped_with(tmp_path: Path, fixture: str | None) -> Path:
    folder = tmp_path / "workflows"
    shutil.copytree(REPO / "workflows", folder)
    for file in (FIXTURES / fixture).iterdir() if fixture else ():
        shutil.copy(file, folder / file.name)
    return folder


def _law(folder: Path) -> Law:
    return load_law(folder, TEMPLATES, tukin_regulation_in_force=None)


def test_the_shipped_declarations_load_and_every_name_the_code_relies_on_is_declared() -> None:
    law = _law(REPO / "workflows")
    assert set(law.workflows.versions) == {"skb-2022", "bkn-2024", "menpanrb-2024"}
    for name in names.NAMES:
        if name.kind == "letter":
            assert name.name in law.documents


def test_every_invalid_fixture_has_its_expected_refusal() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_an_invalid_declaration_is_refused_naming_the_file_and_the_path(
    tmp_path: Path, fixture: str
) -> None:
    folder = _shipped_with(tmp_path, fixture)
    with pytest.raises(DefinitionError) as refused:
        _law(folder)
    expected = [p.replace("{dir}", str(folder)) for p in EXPECTED[fixture]]
    assert refused.value.problems == expected


def test_workflow_validate_refuses_a_bad_folder_with_exit_3_and_every_problem(
    tmp_path: Path,
) -> None:
    folder = _shipped_with(tmp_path, "guard_input_removed")
    result = CliRunner().invoke(cli, ["workflow", "validate", str(folder)])
    assert result.exit_code == 3
    assert result.output.startswith("error: 6 problems:\n")
    assert f"{folder}/netralitas-bad.yaml: transitions[0].guards[1]" in result.output


def test_workflow_validate_accepts_the_shipped_folder() -> None:
    result = CliRunner().invoke(cli, ["workflow", "validate", str(REPO / "workflows")])
    assert result.exit_code == 0, result.output
    assert "3 workflow(s) valid: bkn-2024, menpanrb-2024, skb-2022 (checked with" in result.output


def test_bkn_2024_is_the_skb_2022_machine_with_bkn_in_kasn_s_place() -> None:
    law = _law(REPO / "workflows")
    skb, bkn = law.workflows.get("skb-2022"), law.workflows.get("bkn-2024")
    assert bkn.extends == "skb-2022" and skb.extends is None
    assert bkn.supervisory_body == "bkn" and skb.supervisory_body == "kasn"
    same_header = replace(
        bkn,
        version=skb.version,
        title=skb.title,
        supervisory_body=skb.supervisory_body,
        applies_from=skb.applies_from,
        applies_until=skb.applies_until,
        source_file=skb.source_file,
        extends=None,
        state_paths=skb.state_paths,
        transition_paths=skb.transition_paths,
    )
    assert same_header == skb


TEST_VERSION = """
workflow: netralitas
version: test-2030
extends: bkn-2024
supervisory_body: bkn
applies_from: 2030-01-01
states:
  keberatan:
    deadlines:
      - name: putusan_keberatan
        label: Keputusan atas keberatan
        amount: 10
        unit: hari_kerja
        basis: test
        confidence: U
        on_miss: record_late
        governs: [kuatkan_keberatan, batalkan_keputusan]
  diarsipkan:
    label: Diarsipkan
    terminal: true
transitions:
  - trigger: arsipkan
    source: selesai_dijalani
    dest: diarsipkan
    roles: [kepegawaian]
"""
DROP_A_STEP = """
  - trigger: akhiri_masa_hukuman
    source: berlaku
    remove: true
"""


def test_a_version_changes_a_deadline_and_adds_a_state_and_a_step(tmp_path: Path) -> None:
    folder = _shipped_with(tmp_path, None)
    (folder / "netralitas-test.yaml").write_text(TEST_VERSION, encoding="utf-8")
    w = _law(folder).workflows.get("test-2030")
    deadline = next(d for d in w.states["keberatan"].deadlines if d.name == "putusan_keberatan")
    assert deadline.amount == 10
    assert [d.name for d in w.states["keberatan"].deadlines] == ["putusan_keberatan"]
    assert any(t.trigger == "arsipkan" and t.dest == "diarsipkan" for t in w.transitions)
    assert w.changes == (
        "state keberatan",
        "state diarsipkan (new)",
        "transition arsipkan from selesai_dijalani",
    )


def test_dropping_a_step_is_checked_against_the_whole_resolved_machine(tmp_path: Path) -> None:
    folder = _shipped_with(tmp_path, None)
    (folder / "netralitas-test.yaml").write_text(TEST_VERSION + DROP_A_STEP, encoding="utf-8")
    with pytest.raises(DefinitionError) as refused:
        _law(folder)
    assert refused.value.problems == [
        f"{folder}/netralitas-test.yaml: states.{state}: not reachable from 'dilaporkan'"
        for state in ("selesai_dijalani", "diarsipkan")
    ]


def test_two_destinations_are_allowed_when_their_guards_exclude_each_other(
    tmp_path: Path,
) -> None:
    folder = _shipped_with(tmp_path, None)
    (folder / "netralitas-test.yaml").write_text(
        """
workflow: netralitas
version: test-2030
extends: bkn-2024
supervisory_body: bkn
applies_from: 2030-01-01
transitions:
  - trigger: ajukan_keberatan
    source: disampaikan
    dest: keberatan
    roles: [kepegawaian]
    guards: [appeal_by_keberatan]
    inputs:
      reason: {type: text, label: alasan}
  - trigger: ajukan_keberatan
    source: [disampaikan, diputus]
    dest: banding
    roles: [kepegawaian]
    guards: [appeal_by_banding]
    inputs:
      reason: {type: text, label: alasan}
""",
        encoding="utf-8",
    )
    w = _law(folder).workflows.get("test-2030")
    dests = {t.dest for t in w.transitions if t.trigger == "ajukan_keberatan"}
    assert dests == {"keberatan", "banding"}


def test_guards_declared_exclusive_name_guards_that_exist_and_exclusion_is_symmetric() -> None:
    for name, needs in GUARD_NEEDS.items():
        for other in needs.excludes:
            assert other in GUARDS, f"{name} excludes unknown guard {other}"
            assert mutually_exclusive(name, other) and mutually_exclusive(other, name)
