from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sanctions.errors import RenderError
from sanctions.letters.qr import svg_data_uri
from sanctions.letters.render import (
    diktum_label,
    document_specs,
    list_label,
    make_environment,
    render_html,
)

pytestmark = pytest.mark.pure  # no database, no PDF, no child process

Context = Callable[..., dict[str, Any]]
SanctionOf = Callable[[str], dict[str, Any]]
AppealOf = Callable[[str], dict[str, Any] | None]


def test_keputusan_dikta_and_legal_list_items_are_labelled() -> None:
    # The shared filters (tanggal, hari, terbilang, nip …) are tested in tests/test_printing.py.
    assert [diktum_label(n) for n in (1, 2, 4, 11)] == ["KESATU", "KEDUA", "KEEMPAT", "KESEBELAS"]
    assert [list_label(level, 2) for level in (1, 2, 3, 4)] == ["b.", "2.", "b)", "2)"]
    with pytest.raises(RenderError, match="diktum: expected a whole number from 1"):
        diktum_label(0)


def test_every_document_kind_renders_with_its_number_and_signature_slot(
    env: jinja2.Environment, sample_context: Context, kind: str
) -> None:
    context = sample_context(kind)
    html = render_html(env, kind, context)
    assert context["doc"]["number"] in html
    assert html.count('id="ttd-slot"') == 1
    assert '<html lang="id"' in html
    if document_specs(env)[kind].layout == "surat":
        assert "Yth." in html
        assert f"{context['doc']['place']}, " in html


def test_every_declared_document_kind_has_a_sample_context(
    env: jinja2.Environment, sample_context: Context
) -> None:
    for kind in document_specs(env):
        assert sample_context(kind)["doc"]["kind"] == kind


def _remove(context: dict[str, Any], key: str) -> str:
    """Delete `key` from `context` and return the path the error message names.

    "a.b" deletes one value, "a.items[]" the list, "a.items[].field" the field of every item
    (the error then names the first item, "a.items[0].field").
    """
    *parents, last = key.split(".")
    owners: list[Any] = [context]
    path: list[str] = []
    for part in parents:
        if part.endswith("[]"):
            name = part.removesuffix("[]")
            owners = [item for owner in owners for item in owner[name]]
            path.append(f"{name}[0]")
        else:
            owners = [owner[part] for owner in owners]
            path.append(part)
    name = last.removesuffix("[]")
    for owner in owners:
        del owner[name]
    return ".".join([*path, name])


def test_a_missing_value_is_a_render_error_naming_the_template_and_the_value(
    env: jinja2.Environment, sample_context: Context, kind: str
) -> None:
    """Each value the document declares, left out on its own (one rendering per value, a few
    hundred in all, so one test per kind that lists every value that failed)."""
    spec = document_specs(env)[kind]
    failures = []
    for key in spec.context_keys:
        context = sample_context(kind)
        named = _remove(context, key)
        try:
            render_html(env, kind, context)
        except RenderError as raised:
            message = str(raised)
            where = rf"{re.escape(spec.template)}(: line \d+| \(\S+ line \d+\)): missing value"
            if f"'{named}' is undefined" not in message or not re.match(where, message):
                failures.append(f"without {key}: {message}")
        else:
            failures.append(f"without {key}: rendered anyway")
    assert failures == [], f"{kind}:\n" + "\n".join(failures)


def test_text_from_a_case_is_escaped_and_never_run_as_template_code(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_panggilan_1")
    context["employee"]["name"] = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %}"
    html = render_html(env, "surat_panggilan_1", context)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% if 1 %}x{% endif %}" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("code", "wording"),
    [
        ("R-1", "hukuman disiplin tingkat ringan berupa teguran lisan"),
        ("R-2", "hukuman disiplin tingkat ringan berupa teguran tertulis"),
        ("R-3", "berupa pernyataan tidak puas secara tertulis"),
        (
            "S-1",
            "pemotongan tunjangan kinerja sebesar 25% (dua puluh lima persen) selama "
            "6 (enam) bulan",
        ),
        ("S-2", "sebesar 25% (dua puluh lima persen) selama 9 (sembilan) bulan"),
        ("S-3", "sebesar 25% (dua puluh lima persen) selama 12 (dua belas) bulan"),
        ("S-1T", "penundaan kenaikan gaji berkala selama 1 (satu) tahun"),
        ("S-2T", "penundaan kenaikan pangkat selama 1 (satu) tahun"),
        ("S-3T", "penurunan pangkat setingkat lebih rendah selama 1 (satu) tahun"),
        ("B-1", "penurunan jabatan setingkat lebih rendah selama 12 (dua belas) bulan"),
        ("B-2", "pembebasan dari jabatannya menjadi jabatan pelaksana selama 12 (dua belas) bulan"),
        (
            "B-3",
            "pemberhentian dengan hormat tidak atas permintaan sendiri sebagai "
            "Pegawai Negeri Sipil",
        ),
        ("PTDH", "pemberhentian tidak dengan hormat sebagai Pegawai Negeri Sipil"),
        (
            "PPPK-PHK",
            "pemutusan hubungan perjanjian kerja dengan hormat tidak atas permintaan sendiri",
        ),
    ],
)
def test_a_disciplinary_decision_words_each_sanction_kind_as_the_law_does(
    env: jinja2.Environment,
    sample_context: Context,
    sanction_of: SanctionOf,
    appeal_of: AppealOf,
    pppk_employee: dict[str, Any],
    code: str,
    wording: str,
) -> None:
    context = sample_context("sk_hukuman_disiplin", sanction=sanction_of(code))
    context["data"]["appeal"] = appeal_of(code)
    if code == "PPPK-PHK":
        context["employee"] = pppk_employee
        context["data"]["pppk_with_honour"] = True
    html = render_html(env, "sk_hukuman_disiplin", context)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert wording in text
    appeal = appeal_of(code)
    if appeal is None:
        assert "upaya administratif" not in text
    elif appeal["route"] == "banding":
        assert "banding administratif kepada Badan Pertimbangan Aparatur Sipil Negara" in text
    else:
        assert "keberatan secara tertulis kepada Gubernur" in text


def test_every_catalogued_sanction_code_has_a_wording(
    env: jinja2.Environment, sample_context: Context, sanction_of: SanctionOf, sanction_code: str
) -> None:
    context = sample_context("lhp", sanction=sanction_of(sanction_code))
    context["data"]["pppk_with_honour"] = False
    html = render_html(env, "lhp", context)
    assert "direkomendasikan untuk dijatuhi" in html


def test_an_unknown_sanction_code_stops_the_letter(
    env: jinja2.Environment, sample_context: Context, sanction_of: SanctionOf
) -> None:
    context = sample_context("sk_hukuman_disiplin", sanction={**sanction_of("S-1"), "code": "S-9"})
    with pytest.raises(RenderError, match="no wording for sanction code 'S-9'"):
        render_html(env, "sk_hukuman_disiplin", context)


def test_a_pppk_termination_must_say_whether_it_is_with_honour(
    env: jinja2.Environment,
    sample_context: Context,
    sanction_of: SanctionOf,
    pppk_employee: dict[str, Any],
) -> None:
    context = sample_context("sk_hukuman_disiplin", sanction=sanction_of("PPPK-PHK"))
    context["employee"] = pppk_employee
    with pytest.raises(RenderError, match="pppk_with_honour"):
        render_html(env, "sk_hukuman_disiplin", context)
    context["data"]["pppk_with_honour"] = False
    html = render_html(env, "sk_hukuman_disiplin", context)
    assert "pemutusan hubungan perjanjian kerja tidak dengan hormat" in html
    assert "NI PPPK" in html


def test_the_verification_qr_encodes_the_verification_url(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("rekomendasi")
    html = render_html(env, "rekomendasi", context)
    uri = svg_data_uri(context["verification"]["url"])
    assert f'src="{uri}"'.replace("'", "&#39;") in html
    context["verification"]["url"] = None
    html = render_html(env, "rekomendasi", context)
    fallback = svg_data_uri(
        f"{context['verification']['number']} sha256:{context['verification']['content_hash']}"
    )
    assert fallback.replace("'", "&#39;") in html


def test_a_bap_opens_with_the_date_in_words(
    env: jinja2.Environment, sample_context: Context
) -> None:
    html = render_html(env, "bap", sample_context("bap"))
    assert "Pada hari ini Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam" in html


def test_a_bap_the_examinee_refused_to_sign_says_it_still_stands_and_records_the_copy(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("bap")
    signed = render_html(env, "bap", context)
    assert "menyatakan setuju dengan isinya dan membubuhkan tanda tangan" in signed
    assert "telah diserahkan kepada yang diperiksa pada tanggal 3 Desember 2026" in signed
    context["data"] = {**context["data"], "examinee_refused": True}
    del context["data"]["copy_handed_on"]
    refused = render_html(env, "bap", context)
    assert "yang bersangkutan menolak membubuhkan tanda tangan" in refused
    assert "tetap dijadikan dasar dalam penjatuhan hukuman disiplin" in refused
    assert "Yang diperiksa (menolak menandatangani)," in refused
    assert "menyatakan setuju" not in refused and "Salinan Berita Acara" not in refused


def test_a_keputusan_numbers_its_dikta_and_letters_its_considerations(
    env: jinja2.Environment, sample_context: Context
) -> None:
    html = render_html(env, "sk_tim_pemeriksa", sample_context("sk_tim_pemeriksa"))
    for label in ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "Menimbang", "Mengingat", "MEMUTUSKAN:"):
        assert label in html
    assert "dalam huruf a dan huruf b, perlu menetapkan Keputusan Bupati Sleman" in html
    assert "DENGAN RAHMAT TUHAN YANG MAHA ESA" in html
    assert "Salinan Keputusan ini disampaikan kepada" in html


def test_an_empty_tembusan_leaves_the_block_out(
    env: jinja2.Environment, sample_context: Context
) -> None:
    html = render_html(
        env, "surat_pengingat_ppk", sample_context("surat_pengingat_ppk", tembusan=[])
    )
    assert "Tembusan" not in html


@pytest.mark.parametrize(
    "decree", ["sk_hukuman_disiplin", "sk_tim_pemeriksa", "sk_majelis_kode_etik"]
)
def test_a_decree_title_in_capitals_keeps_the_employees_name_and_gelar_as_written(
    env: jinja2.Environment, sample_context: Context, decree: str
) -> None:
    context = sample_context(decree)
    context["employee"]["name"] = "Ns. Rina Kartikasari, S.Kep."
    html = render_html(env, decree, context)
    title = html[html.index('class="kep-title"') : html.index("Menimbang")]
    name = '<span class="nowrap">Ns. Rina Kartikasari, S.Kep.</span>'  # one line, as written
    assert f"ATAS NAMA {name}" in title
    menetapkan = html[html.index('class="kep-menetapkan"') :]
    assert f"ATAS NAMA {name}" in menetapkan[: menetapkan.index("</p>")]
    assert "S.KEP." not in html and "NS. RINA" not in html


@pytest.mark.parametrize("letter", ["surat_pengingat_ppk", "bap"])
def test_a_letter_signed_by_hand_keeps_its_signature_slot_free_of_the_qr_code(
    env: jinja2.Environment, sample_context: Context, letter: str
) -> None:
    wet = sample_context(letter)
    wet["agency"]["e_signature"] = False
    html = render_html(env, letter, wet)
    slot = html[html.index('id="ttd-slot"') :]
    assert 'class="qr"' not in slot[: slot.index("</div>")]  # room for the signature and cap
    assert html.count('class="qr"') == 1  # the QR code is still on the letter, beside or under
    signed = sample_context(letter)
    signed["agency"]["e_signature"] = True
    html = render_html(env, letter, signed)
    slot = html[html.index('id="ttd-slot"') :]
    assert 'class="qr"' in slot[: slot.index("</div>")]  # the visible electronic signature


def test_a_signer_acting_or_signing_for_someone_else_says_so_above_the_name(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_penerusan")
    context["signer"] = {
        **context["signer"],
        "title": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "acting": "Plt.",
        "on_behalf": "a.n. Bupati Sleman",
    }
    text = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(env, "surat_penerusan", context))
    )
    assert (
        "a.n. Bupati Sleman Plt. Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia,"
        in text
    )


def test_a_single_copy_is_not_numbered_and_several_are(
    env: jinja2.Environment, sample_context: Context
) -> None:
    one = render_html(
        env, "surat_pengingat_ppk", sample_context("surat_pengingat_ppk", tembusan=["Kepala BKN"])
    )
    block = one[one.index('class="tembusan"') :]
    assert "<ol>" not in block and "Kepala BKN." in block
    two = render_html(
        env,
        "surat_pengingat_ppk",
        sample_context("surat_pengingat_ppk", tembusan=["Kepala BKN", "Bupati Sleman"]),
    )
    block = two[two.index('class="tembusan"') :]
    assert "<ol>" in block and "<li>Kepala BKN;</li>" in block


def test_an_unknown_page_number_style_is_refused(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("surat_pengingat_ppk")
    context["agency"]["page_number_style"] = "roman"
    with pytest.raises(RenderError, match="page_number_style"):
        render_html(env, "surat_pengingat_ppk", context)


def test_an_unknown_kind_or_a_context_for_another_kind_is_refused(
    env: jinja2.Environment, sample_context: Context
) -> None:
    with pytest.raises(RenderError, match="unknown document kind 'surat_cinta'"):
        render_html(env, "surat_cinta", sample_context("bap"))
    with pytest.raises(RenderError, match="context is for 'bap'"):
        render_html(env, "lhp", sample_context("bap"))


def _prune(value: Any, keep: set[str], path: str) -> Any:
    """Only the parts of a context whose dotted path (with [] for list items) is in `keep`."""
    if isinstance(value, dict):
        pruned = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if child in keep:
                pruned[key] = item
            elif any(k.startswith((child + ".", child + "[]")) for k in keep):
                pruned[key] = _prune(item, keep, child)
        return pruned
    if isinstance(value, list):
        return [_prune(item, keep, path + "[]") for item in value]
    return value


def test_the_declared_keys_are_all_a_document_reads(
    env: jinja2.Environment, sample_context: Context, kind: str
) -> None:
    spec = document_specs(env)[kind]
    keep = set(spec.context_keys) | set(spec.optional)
    render_html(env, kind, _prune(sample_context(kind), keep, ""))


def test_an_elected_signer_without_a_nip_gets_no_nip_line(
    env: jinja2.Environment, sample_context: Context
) -> None:
    context = sample_context("sk_hukuman_disiplin")
    assert context["signer"]["nip"] is None
    html = render_html(env, "sk_hukuman_disiplin", context)
    signature = html[html.index('id="ttd-slot"') :]
    # the name as written, its degrees kept together on one line (filters.gelar_kept)
    assert 'Dr. Harda Kiswaya, <span class="nowrap">M.Si.</span>' in signature
    assert "NIP" not in signature.split("Salinan")[0]


def test_an_agency_may_zero_pad_days_and_leave_out_the_rahmat_line(
    template_dir: Path, sample_context: Context
) -> None:
    env = make_environment(template_dir, zero_pad_day=True, keputusan_rahmat=False)
    context = sample_context("sk_tim_pemeriksa", doc={**sample_context("bap")["doc"]})
    context["doc"].update(kind="sk_tim_pemeriksa", date=date(2026, 12, 3))
    html = render_html(env, "sk_tim_pemeriksa", context)
    assert "03 Desember 2026" in html
    assert "DENGAN RAHMAT TUHAN YANG MAHA ESA" not in html


def test_an_employee_without_a_recorded_unit_is_named_without_a_dangling_pada(
    env: jinja2.Environment, sample_context: Callable[..., dict[str, Any]]
) -> None:
    named = env.get_template("_macros.html.j2").module.named  # type: ignore[attr-defined]
    employee = sample_context("surat_eskalasi")["employee"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(named(employee))))
    assert text.endswith(
        "Kepala Seksi Kurikulum Sekolah Dasar pada Dinas Pendidikan Kabupaten Sleman"
    )
    for blank in ("", None):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(named({**employee, "unit": blank}))))
        assert text.endswith(", Kepala Seksi Kurikulum Sekolah Dasar"), text
