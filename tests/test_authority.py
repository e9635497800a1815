"""Who may decide a sanction (PP 94/2021, `workflows/authority.yaml`), resolved without a
database: the shipped matrix covers every position, tier and level once, names the President
where the law does, passes to the next higher official where none exists, and a broken file is
refused naming its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.catalogue.loader import load_catalogue
from sanctions.errors import DefinitionError
from sanctions.institutions.authority import Authority, load_authority
from sanctions.settings import Settings

pytestmark = pytest.mark.pure

SHIPPED = Settings()
CATALOGUE = load_catalogue(SHIPPED.catalogue_dir)
LEVELS = [level.code for level in CATALOGUE.levels if level.code != "moral"]
CODES = {s.code: s.level for s in CATALOGUE.sanctions}
FILE = SHIPPED.workflows_dir / "authority.yaml"


def shipped() -> Authority:
    return load_authority(FILE, levels=LEVELS, sanctions=CODES)


AUTHORITY = shipped()
DISCIPLINARY = [s for s in CATALOGUE.sanctions if s.level != "moral"]


def officials(position: str, tier: str, code: str) -> tuple[str, ...]:
    return AUTHORITY.resolve(
        position=position, tier=tier, sanction=code, level=CODES[code]
    ).officials


def test_a_regional_agency_is_a_province_or_a_regency_by_its_parent() -> None:
    assert AUTHORITY.tier_of("daerah", "PEMERINTAH KABUPATEN SLEMAN") == "kabupaten_kota"
    assert AUTHORITY.tier_of("daerah", "Pemerintah Kota Yogyakarta") == "kabupaten_kota"
    assert AUTHORITY.tier_of("daerah", "PEMERINTAH PROVINSI JAWA TENGAH") == "provinsi"
    assert AUTHORITY.tier_of("pusat", "") == "pusat"
    assert AUTHORITY.tier_of("daerah", "BAWASLU") is None


def test_the_president_decides_a_jpt_utama_and_the_dismissal_of_a_jpt_madya() -> None:
    assert officials("jpt_utama", "pusat", "R-1") == ("presiden",)
    assert officials("jpt_madya", "pusat", "B-3") == ("presiden",)
    assert officials("jpt_madya", "provinsi", "B-2") == ("ppk",)


def test_a_regency_ppk_decides_sedang_for_administrators_and_below_a_province_does_not() -> None:
    assert officials("pelaksana", "kabupaten_kota", "S-1T") == ("ppk",)
    assert officials("pelaksana", "provinsi", "S-1T") == ("administrator",)
    assert officials("administrator", "pusat", "S-1T") == ("jpt_madya",)
    assert officials("pengawas", "pusat", "B-1") == ("ppk",)


def test_ringan_is_decided_one_level_up() -> None:
    assert officials("pelaksana", "pusat", "R-1") == ("pengawas",)
    assert officials("pengawas", "kabupaten_kota", "R-2") == ("administrator",)
    assert officials("administrator", "provinsi", "R-3") == ("jpt_pratama",)


@given(
    position=st.sampled_from(list(AUTHORITY.positions)),
    tier=st.sampled_from(list(AUTHORITY.tiers)),
    sanction=st.sampled_from(DISCIPLINARY),
)
def test_every_sanction_of_every_employee_has_officials_on_the_agencys_chain(
    position: str, tier: str, sanction: object
) -> None:
    code = sanction.code
    resolution = AUTHORITY.resolve(position=position, tier=tier, sanction=code, level=CODES[code])
    chain = AUTHORITY.chain[tier]
    assert resolution.officials and all(o in chain for o in resolution.officials)
    # Those who act where the competent one does not exist are the ones above on the chain.
    top = max(chain.index(o) for o in resolution.officials)
    assert resolution.higher == chain[top + 1 :]
    assert AUTHORITY.judge(resolution, resolution.default, reason=None) is None
    for higher in resolution.higher:
        assert AUTHORITY.judge(resolution, higher, reason=None) is not None
        assert AUTHORITY.judge(resolution, higher, reason="tidak terdapat pejabat") is None


def test_the_decree_is_signed_by_the_competent_official_and_the_bap_by_the_team() -> None:
    assert AUTHORITY.signers["sk_hukuman_disiplin"] == "competent_official"
    assert AUTHORITY.signers["bap"] == "examination_team"
    assert AUTHORITY.signers["lhp"] == "examination_team"
    assert AUTHORITY.signers["sk_pembebasan_sementara"] == "direct_superior"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "authority.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_combination_left_without_a_rule_is_refused_naming_it(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "    levels: [ringan]\n    officials: [pengawas]",
        "    levels: [ringan]\n    officials: [pengawas]\n    tiers_note: x",
    )
    with pytest.raises(DefinitionError, match=r"rules\[\d+\]: unknown key 'tiers_note'"):
        load_authority(path, levels=LEVELS, sanctions=CODES)
    path = _broken(
        tmp_path,
        "  - positions: [pelaksana]\n    tiers: [pusat, provinsi, kabupaten_kota]\n"
        "    levels: [ringan]",
        "  - positions: [pelaksana]\n    tiers: [pusat, provinsi]\n    levels: [ringan]",
    )
    with pytest.raises(
        DefinitionError,
        match=r"authority.yaml: rules: no rule for a ringan sanction of a pelaksana in a "
        r"kabupaten_kota agency",
    ):
        load_authority(path, levels=LEVELS, sanctions=CODES)


def test_an_official_missing_from_a_tiers_chain_is_refused(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "    levels: [sedang]\n    officials: [jpt_madya]",
        "    levels: [sedang]\n    officials: [bupati]",
    )
    with pytest.raises(DefinitionError, match=r"unknown official 'bupati' \(allowed: presiden"):
        load_authority(path, levels=LEVELS, sanctions=CODES)


def test_two_rules_deciding_the_same_combination_are_refused(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "  - positions: [pengawas]\n    tiers: [pusat, provinsi]",
        "  - positions: [pengawas, pelaksana]\n    tiers: [pusat, provinsi]",
    )
    with pytest.raises(DefinitionError, match=r"both decide a sedang sanction of a pelaksana"):
        load_authority(path, levels=LEVELS, sanctions=CODES)


def test_the_rule_in_words_names_the_level_when_no_sanction_is_chosen_yet() -> None:
    resolution = AUTHORITY.resolve(position="pelaksana", tier="pusat", sanction="", level="ringan")
    words = AUTHORITY.rule_in_words(resolution)
    assert words.startswith("a ringan sanction for a pelaksana of an instansi pusat is imposed")
    assert "by the Pejabat Pengawas" in words
