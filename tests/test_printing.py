"""The shared printing pieces: the template filters (each tested here once), the Jinja2
environment and render function every document uses, and the PDF renderer's option for
documents that are not letters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sanctions.errors import RenderError
from sanctions.letters import TEMPLATE_DIR_NAME
from sanctions.letters.render import make_environment as make_letter_environment
from sanctions.printing import filters
from sanctions.printing.pdf import PdfRenderer
from sanctions.printing.templates import make_environment, render_template
from tests.pdfa import assert_pdf_a_3b

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / TEMPLATE_DIR_NAME
WIB = timezone(timedelta(hours=7), "WIB")


def render(tmp_path: Path, source: str, context: dict[str, Any], **options: bool) -> str:
    (tmp_path / "page.html.j2").write_text(source, encoding="utf-8")
    return render_template(make_environment(tmp_path, **options), "page.html.j2", context)


# -- filters --------------------------------------------------------------------------------
def test_dates_days_and_months_are_written_in_indonesian() -> None:
    assert filters.tanggal(date(2026, 11, 22)) == "22 November 2026"
    assert filters.tanggal(date(2022, 12, 5)) == "5 Desember 2022"
    assert filters.tanggal(date(2022, 12, 5), pad=True) == "05 Desember 2022"
    assert filters.tanggal(datetime(2024, 10, 7, 9, 30, tzinfo=UTC)) == "7 Oktober 2024"
    assert filters.hari(date(2026, 11, 23)) == "Senin"
    assert filters.hari(date(2026, 11, 27)) == "Jumat"
    assert filters.bulan(date(2026, 2, 1)) == "Februari"


def test_the_environment_sets_the_day_padding_and_a_template_may_override_it(
    tmp_path: Path,
) -> None:
    context = {"d": date(2022, 12, 5)}
    source = "{{ d|tanggal }} / {{ d|tanggal(pad=True) }} / {{ d|tanggal(pad=False) }}"
    assert (
        render(tmp_path, source, context) == "5 Desember 2022 / 05 Desember 2022 / 5 Desember 2022"
    )
    padded = render(tmp_path, source, context, zero_pad_day=True)
    assert padded == "05 Desember 2022 / 05 Desember 2022 / 5 Desember 2022"


def test_a_time_is_written_with_its_date_and_zone() -> None:
    assert filters.waktu(datetime(2026, 12, 1, 10, 44, tzinfo=UTC)) == "1 Desember 2026 10.44 UTC"
    assert filters.waktu(datetime(2024, 10, 7, 9, 5, tzinfo=WIB)) == "7 Oktober 2024 09.05 WIB"
    assert filters.waktu(datetime(2024, 10, 7, 9, 5)) == "7 Oktober 2024 09.05"


def test_numbers_are_written_in_words_and_with_thousands_separators() -> None:
    assert filters.terbilang(2026) == "dua ribu dua puluh enam"
    assert filters.terbilang(0) == "nol"
    assert filters.angka_terbilang(12) == "12 (dua belas)"
    assert filters.ribuan(1234567) == "1.234.567"
    assert filters.ribuan(999) == "999"


def test_a_nip_is_written_in_its_8_6_1_3_groups() -> None:
    assert filters.nip("198609262015051001") == "19860926 201505 1 001"
    assert filters.nip("19860926 201505 1 001") == "19860926 201505 1 001"


def test_a_nip_that_is_not_18_digits_cannot_be_printed() -> None:
    with pytest.raises(RenderError, match="not 18 digits"):
        filters.nip("19860926201505100")
    with pytest.raises(RenderError, match=r"^nip: "):
        filters.nip("19860926-201505-1-001")


def test_a_content_hash_is_shortened_to_two_groups_of_eight() -> None:
    assert filters.short_hash("3F7A9C124B5D8E01" + "0" * 48) == "3f7a9c12 4b5d8e01"
    with pytest.raises(RenderError, match="short_hash: 'abc' is not a hex digest"):
        filters.short_hash("abc")


def test_an_address_is_split_into_its_non_empty_lines() -> None:
    assert filters.lines("  Jalan Parasamya 1\n\n Sleman 55511 \n") == [
        "Jalan Parasamya 1",
        "Sleman 55511",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tanggal", None),
        ("tanggal", "2026-11-22"),
        ("hari", None),
        ("bulan", 3),
        ("waktu", date(2026, 11, 22)),
        ("terbilang", "12"),
        ("terbilang", True),
        ("angka_terbilang", 1.5),
        ("ribuan", None),
        ("nip", 198609262015051001),
        ("nip", None),
        ("short_hash", None),
        ("lines", None),
    ],
)
def test_a_filter_given_a_value_of_the_wrong_type_is_a_render_error_naming_the_filter(
    name: str, value: object
) -> None:
    function: Callable[[Any], object] = getattr(filters, name)
    with pytest.raises(RenderError, match=rf"^{name}: "):
        function(value)


@pytest.mark.parametrize("name", sorted(filters.__all__))
def test_an_undefined_value_given_to_a_filter_names_the_value_and_the_filter(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(RenderError) as raised:
        render(tmp_path, f"<p>\n{{{{ case.closed_on|{name} }}}}</p>", {"case": {"id": 1}})
    assert str(raised.value) == (
        f"page.html.j2: line 2: missing value: 'case.closed_on' is undefined "
        f"(given to the {name} filter)"
    )


def test_an_optional_date_prints_a_dash_where_the_template_says_so(tmp_path: Path) -> None:
    source = '{{ d|tanggal if d else "-" }}'
    assert render(tmp_path, source, {"d": None}) == "-"
    assert render(tmp_path, source, {"d": date(2024, 12, 17)}) == "17 Desember 2024"
    with pytest.raises(RenderError, match=r"page.html.j2: line 1: tanggal: expected a date"):
        render(tmp_path, "{{ d|tanggal }}", {"d": None})


def test_the_shared_and_the_letter_environments_use_one_set_of_filters() -> None:
    shared = make_environment(TEMPLATE_DIR)
    letters = make_letter_environment(TEMPLATE_DIR)
    for name in filters.__all__:
        if name != "tanggal":  # bound to the environment's day padding
            assert shared.filters[name] is getattr(filters, name)
            assert letters.filters[name] is getattr(filters, name)
    assert letters.filters["tanggal"](date(2022, 12, 5)) == "5 Desember 2022"


# -- the environment and the render function ------------------------------------------------
def test_printed_text_is_escaped_nfc_and_has_plain_dashes_and_spaces(tmp_path: Path) -> None:
    text = "Pe\u0301gawai\u00a0A\u2011B\u2212C <b>{{ 1 }}</b>"
    assert render(tmp_path, "{{ t }}", {"t": text}) == (
        "P\u00e9gawai A-B-C &lt;b&gt;{{ 1 }}&lt;/b&gt;"
    )


def test_a_missing_value_names_its_dotted_path(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"^page.html.j2: line 1: missing value: 'r.rows\[0\]"):
        render(tmp_path, "{{ r.rows[0].name }}", {"r": {"rows": [{}]}})


def test_a_missing_template_or_a_syntax_error_is_a_render_error_naming_the_template(
    tmp_path: Path,
) -> None:
    with pytest.raises(RenderError, match=r"^nothing\.html\.j2: template not found"):
        render_template(make_environment(tmp_path), "nothing.html.j2", {})
    with pytest.raises(RenderError, match=r"^page.html.j2: line 2: "):
        render(tmp_path, "ok\n{% if %}", {})


# -- the PDF renderer -----------------------------------------------------------------------
OWN_STYLES = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>t</title>
<style>
@font-face { font-family: "Own Sans"; src: url(fonts/LiberationSans-Regular.ttf); }
html { font-family: "Own Sans"; }
</style></head><body><p>Ringkasan</p></body></html>"""
NO_STYLES = '<html lang="id"><head><title>t</title></head><body><p>Surat</p></body></html>'


@pytest.fixture(scope="module")
def renderer() -> Any:
    renderer = PdfRenderer(TEMPLATE_DIR)
    yield renderer
    renderer.close()


@pytest.mark.pdf
def test_a_document_that_is_not_a_letter_is_pdf_a_with_its_own_styles_only(
    renderer: PdfRenderer,
) -> None:
    pdf = renderer.render_pdf(
        OWN_STYLES, identifier=b"own", title="t", author="a", letter_styles=False
    )
    assert assert_pdf_a_3b(pdf.data) == {"Own-Sans"}
    letter = renderer.render_pdf(NO_STYLES, identifier=b"letter", title="t", author="a")
    assert "Letter-Sans" in assert_pdf_a_3b(letter.data)
    plain = renderer.render_pdf(
        NO_STYLES, identifier=b"plain", title="t", author="a", letter_styles=False
    )
    assert "Letter-Sans" not in assert_pdf_a_3b(plain.data)
