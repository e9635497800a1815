"""Structural PDF/A-3b checks with pikepdf (veraPDF is out of reach, docs/sources.md §L6)."""

from __future__ import annotations

import io

import pikepdf


def assert_pdf_a_3b(data: bytes) -> set[str]:
    """Assert that `data` is marked PDF/A-3b in Indonesian, with one sRGB OutputIntent, every
    font embedded and no interpolated image; return the fonts' names (without subset tags)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        with document.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3"
            assert xmp.get("pdfaid:conformance") == "B"
        assert str(document.Root.Lang) == "id"
        (intent,) = document.Root.OutputIntents
        assert str(intent.S) == "/GTS_PDFA1"
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        names = set()
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):  # images are streams
                continue
            if obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/CIDFontType2":
                fonts = obj.DescendantFonts if "/DescendantFonts" in obj else [obj]
                for font in fonts:
                    descriptor = font.FontDescriptor
                    assert any(f"/FontFile{n}" in descriptor for n in ("", "2", "3")), obj.BaseFont
                names.add(str(obj.BaseFont).split("+", 1)[-1])
            if obj.get("/Subtype") == "/Image":
                assert not bool(obj.get("/Interpolate", False))
    assert names, "no fonts in the PDF"
    return names
