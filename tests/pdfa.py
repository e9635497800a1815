"""PDF/A-3b checks: the strongest validator installable here.

veraPDF (the reference validator) is a Java program that no registry this project may use
carries (PyPI, Debian and npm were searched: docs/letter-kinds.md, "PDF/A"), so this module
checks, with pikepdf (and the qpdf library inside it), the clauses of ISO 19005-3 (PDF/A-3,
level b) that can be decided from a file's structure, each failure named by its clause:

  qpdf      the whole file parses and every stream decodes (`qpdf --check`'s syntax pass)
  6.1.2     the header is %PDF-1.n followed by a comment of four bytes above 127
  6.1.3     the trailer has an ID; the file is not encrypted; nothing but an EOL after %%EOF
  6.1.7     no stream names an external file (F, FFilter, FDecodeParms); no LZW filter
  6.1.13    names at most 127 bytes, strings at most 32,767 bytes
  6.2.2     one OutputIntent kind, GTS_PDFA1 with an embedded ICC profile (sRGB, 3 components)
  6.2.4.3   no DeviceCMYK colour space beside an RGB output intent
  6.2.5     no transfer functions (TR, TR2 other than Default) and no halftone transfer
  6.2.8     images not interpolated, no Alternates, no OPI
  6.2.9     no PostScript XObjects, no form XObject referring to another file (Ref), no OPI
  6.2.11    every font embedded (FontFile, FontFile2 or FontFile3); a CIDFontType2 has a
            CIDToGIDMap
  6.3       annotations: no forbidden subtypes (Sound, Movie, Screen, 3D, RichMedia, FileAttachment
            is allowed in PDF/A-3), each printed (F has Print, not Hidden, Invisible, NoView),
            with an appearance stream (except Popup and Link)
  6.4       no forbidden actions (Launch, Sound, Movie, ResetForm, ImportData, JavaScript,
            Hide, SetOCGState, Rendition, Trans, GoTo3DView), no additional-actions (AA) on the
            catalog or pages, no JavaScript name tree
  6.6       the catalog has an XMP metadata stream (Type Metadata, Subtype XML; a filter is
            allowed from PDF/A-2 on) saying pdfaid:part 3,
            conformance B, and the document information (Title, Author, Producer, dates)
            agrees with it
  6.8       an embedded file (allowed in PDF/A-3) has a MIME subtype, a ModDate, F and UF, and
            an AFRelationship, and is listed in the catalog's AF array
  6.11      no NeedsRendering and no XFA form
  project   Lang "id"; the fonts' names are returned for the callers' assertions

What it cannot decide is said in docs/letter-kinds.md: the colour of every operator in a content
stream against the output intent, glyph widths in the font programs against the font
dictionaries, the XMP schema extension rules beyond the identification schema.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime

import pikepdf

_FORBIDDEN_ANNOTATIONS = {"/Sound", "/Movie", "/Screen", "/3D", "/RichMedia"}
_UNPRINTED_OK = {"/Popup"}
_NO_APPEARANCE_OK = {"/Popup", "/Link"}
_FORBIDDEN_ACTIONS = {
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
    "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
}  # fmt: skip
_PRINT, _HIDDEN, _INVISIBLE, _NOVIEW = 4, 2, 1, 32


def pdf_a_3b_problems(data: bytes) -> list[str]:
    """Every PDF/A-3b problem found in `data`, each prefixed with its ISO 19005-3 clause."""
    problems: list[str] = []
    _header_and_trailer(data, problems)
    with pikepdf.open(io.BytesIO(data)) as document:
        problems += [f"qpdf: {p}" for p in document.check_pdf_syntax()]
        if document.is_encrypted:
            problems.append("6.1.3: the file is encrypted")
        if "/ID" not in document.trailer:
            problems.append("6.1.3: the trailer has no ID")
        _catalog(document, problems)
        _metadata(document, problems)
        for obj in _every_dictionary(document):
            _object(obj, problems)
        for index, page in enumerate(document.pages):
            if "/AA" in page.obj:
                problems.append(f"6.4: page {index + 1} has additional actions (AA)")
    return problems


def assert_pdf_a_3b(data: bytes) -> set[str]:
    """Assert that `data` passes every check above, is in Indonesian, and embeds its fonts;
    return the fonts' names (without subset tags)."""
    problems = pdf_a_3b_problems(data)
    assert not problems, "not PDF/A-3b:\n" + "\n".join(problems)
    names = set()
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.Root.Lang) == "id"
        for obj in document.objects:
            font = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
            if font and obj.get("/Subtype") != "/CIDFontType2":
                names.add(str(obj.BaseFont).split("+", 1)[-1])
    assert names, "no fonts in the PDF"
    return names


def _every_dictionary(
    document: pikepdf.Pdf,
) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    """Every dictionary and stream reachable from the trailer, direct ones included (an
    action or annotation is often a direct object inside another), each indirect one once."""
    seen: set[tuple[int, int]] = set()
    pending: list[pikepdf.Object] = [document.trailer]
    while pending:
        obj = pending.pop()
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            pending.extend(obj)
        else:
            yield obj
            pending.extend(obj.get(key) for key in obj.keys() if key != "/Parent")  # noqa: SIM118


def _header_and_trailer(data: bytes, problems: list[str]) -> None:
    first, _, rest = data.partition(b"\n")
    if not re.fullmatch(rb"%PDF-1\.[0-7]\r?", first):
        problems.append(f"6.1.2: the header is {first[:12]!r}, not %PDF-1.n")
    second = rest.split(b"\n", 1)[0]
    if not (second.startswith(b"%") and sum(b > 127 for b in second[1:5]) == 4):
        problems.append("6.1.2: the second line is not a comment of four bytes above 127")
    tail = data[data.rfind(b"%%EOF") + 5 :]
    if tail not in (b"", b"\n", b"\r\n", b"\r"):
        problems.append(f"6.1.3: {len(tail)} bytes after the last %%EOF")


def _catalog(document: pikepdf.Pdf, problems: list[str]) -> None:
    root = document.Root
    if "/AA" in root:
        problems.append("6.4: the catalog has additional actions (AA)")
    if "/Names" in root and "/JavaScript" in root.Names:
        problems.append("6.4: the document has a JavaScript name tree")
    if bool(root.get("/NeedsRendering", False)):
        problems.append("6.11: NeedsRendering is true")
    if "/AcroForm" in root and "/XFA" in root.AcroForm:
        problems.append("6.11: the form is XFA")
    intents = list(root.get("/OutputIntents", []))
    if len(intents) != 1:
        problems.append(f"6.2.2: {len(intents)} output intents, expected one")
    for intent in intents:
        if str(intent.get("/S")) != "/GTS_PDFA1":
            problems.append(f"6.2.2: output intent {intent.get('/S')} is not GTS_PDFA1")
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            problems.append("6.2.2: the output intent embeds no ICC profile")
        elif int(profile.get("/N", 0)) != 3 or "sRGB" not in str(
            intent.get("/OutputConditionIdentifier", "")
        ):
            problems.append("6.2.2: the output intent is not an sRGB (3-component) profile")
    attached = {id(f) for f in root.get("/AF", [])}
    if "/Names" in root and "/EmbeddedFiles" in root.Names:
        names = list(root.Names.EmbeddedFiles.get("/Names", []))
        for spec in names[1::2]:
            _embedded(spec, id(spec) in attached or bool(attached), problems)


def _embedded(spec: pikepdf.Object, listed: bool, problems: list[str]) -> None:
    what = f"6.8: embedded file {spec.get('/UF', spec.get('/F', '?'))}"
    for key in ("/F", "/UF", "/AFRelationship"):
        if key not in spec:
            problems.append(f"{what} has no {key[1:]}")
    stream = spec.get("/EF", {}).get("/F")
    if stream is None or "/Subtype" not in stream:
        problems.append(f"{what} has no MIME subtype")
    elif "/ModDate" not in stream.get("/Params", {}):
        problems.append(f"{what} has no ModDate")
    if not listed:
        problems.append(f"{what} is not in the catalog's AF array")


def _metadata(document: pikepdf.Pdf, problems: list[str]) -> None:
    root = document.Root
    if "/Metadata" not in root:
        problems.append("6.6: the catalog has no XMP metadata stream")
        return
    if root.Metadata.get("/Type") != "/Metadata" or root.Metadata.get("/Subtype") != "/XML":
        problems.append("6.6.2.1: the metadata stream is not Type Metadata, Subtype XML")
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        if xmp.get("pdfaid:part") != "3" or xmp.get("pdfaid:conformance") != "B":
            problems.append(
                f"6.6: XMP says PDF/A part {xmp.get('pdfaid:part')} conformance "
                f"{xmp.get('pdfaid:conformance')}, not 3 B"
            )
        info = document.trailer.get("/Info", {})
        pairs = (("/Title", "dc:title"), ("/Producer", "pdf:Producer"))
        for key, prop in pairs:
            if key in info and str(info[key]) != str(xmp.get(prop, "")):
                problems.append(f"6.6: Info {key[1:]} {str(info[key])!r} is not XMP {prop}")
        if "/Author" in info:
            creators = xmp.get("dc:creator", [])
            if str(info["/Author"]) not in (creators if isinstance(creators, list) else []):
                problems.append(f"6.6: Info Author {str(info['/Author'])!r} is not in dc:creator")
        for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
            if key in info and not _same_instant(str(info[key]), str(xmp.get(prop, ""))):
                problems.append(f"6.6: Info {key[1:]} is not XMP {prop}")


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    try:
        then = pikepdf.models.metadata.decode_pdf_date(pdf_date)
        other = datetime.fromisoformat(xmp_date)
    except ValueError:
        return False
    if (then.tzinfo is None) != (other.tzinfo is None):
        then, other = then.replace(tzinfo=None), other.replace(tzinfo=None)
    return then == other


def _object(obj: pikepdf.Dictionary | pikepdf.Stream, problems: list[str]) -> None:
    kind, subtype = obj.get("/Type"), obj.get("/Subtype")
    if isinstance(obj, pikepdf.Stream):
        for key in ("/F", "/FFilter", "/FDecodeParms"):
            if key in obj.stream_dict:
                problems.append(f"6.1.7: a stream refers to an external file ({key[1:]})")
        filters = obj.get("/Filter")
        filter_list = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
        if pikepdf.Name("/LZWDecode") in filter_list:
            problems.append("6.1.7: a stream is LZW-compressed")
    for key in obj.keys():  # noqa: SIM118  (pikepdf dictionaries iterate their keys only so)
        if len(key.encode("utf-8")) > 128:
            problems.append(f"6.1.13: a name is longer than 127 bytes: {key[:40]}…")
        value = obj.get(key)
        if isinstance(value, pikepdf.String) and len(bytes(value)) > 32767:
            problems.append(f"6.1.13: {key} is a string longer than 32,767 bytes")
        if key == "/ColorSpace" and "DeviceCMYK" in str(value):
            problems.append("6.2.4.3: DeviceCMYK is used beside an RGB output intent")
    if kind == "/ExtGState":
        if "/TR" in obj:
            problems.append("6.2.5: an ExtGState has a transfer function (TR)")
        if "/TR2" in obj and pikepdf.Name("/Default") != obj.TR2:
            problems.append("6.2.5: an ExtGState has a TR2 other than Default")
        if "/HTP" in obj:
            problems.append("6.2.5: an ExtGState has a halftone phase (HTP)")
    if subtype == "/Image":
        if bool(obj.get("/Interpolate", False)):
            problems.append("6.2.8: an image is interpolated")
        for key in ("/Alternates", "/OPI"):
            if key in obj:
                problems.append(f"6.2.8: an image has {key[1:]}")
    if subtype == "/PS" or obj.get("/Subtype2") == "/PS":
        problems.append("6.2.9: a PostScript XObject")
    if subtype == "/Form" and kind in (None, "/XObject"):
        for key in ("/Ref", "/OPI"):
            if key in obj:
                problems.append(f"6.2.9: a form XObject has {key[1:]}")
    if kind == "/Font":
        _font(obj, problems)
    if kind == "/Annot" or (subtype is not None and "/Rect" in obj and "/P" in obj):
        _annotation(obj, problems)
    if obj.get("/S") in _FORBIDDEN_ACTIONS and (kind in (None, "/Action")):
        problems.append(f"6.4: a forbidden action {obj.get('/S')}")


def _font(obj: pikepdf.Dictionary, problems: list[str]) -> None:
    if obj.get("/Subtype") == "/Type3":
        return  # its glyphs are content streams of the file itself
    fonts = list(obj.DescendantFonts) if "/DescendantFonts" in obj else [obj]
    for font in fonts:
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(f"/FontFile{n}" in descriptor for n in ("", "2", "3")):
            problems.append(f"6.2.11: font {font.get('/BaseFont')} is not embedded")
        if font.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in font:
            problems.append(f"6.2.11: CIDFontType2 {font.get('/BaseFont')} has no CIDToGIDMap")


def _annotation(obj: pikepdf.Dictionary, problems: list[str]) -> None:
    subtype = str(obj.get("/Subtype"))
    if subtype in _FORBIDDEN_ANNOTATIONS:
        problems.append(f"6.3: a forbidden annotation {subtype}")
        return
    flags = int(obj.get("/F", 0))
    if subtype not in _UNPRINTED_OK and (
        not flags & _PRINT or flags & (_HIDDEN | _INVISIBLE | _NOVIEW)
    ):
        problems.append(f"6.3: a {subtype} annotation is not printed (flags {flags})")
    if subtype not in _NO_APPEARANCE_OK and "/AP" not in obj:
        problems.append(f"6.3: a {subtype} annotation has no appearance stream")
