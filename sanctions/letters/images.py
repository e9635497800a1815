"""The images of a kop (an issuer's lambang, the Garuda Pancasila emblem), checked, purely.

An issuer registers its images as files (`agency add/edit --logo FILE --emblem FILE`); they
are kept in the letter store by SHA-256 and embedded in every letter's PDF/A. Only a real PNG
or a self-contained SVG of bounded size is accepted: a PNG whose chunks and checksums are
whole and whose pixels decompress to the size its header declares; an SVG with an <svg> root,
no DTD or entity (no expansion bombs), no script, no event handler and no reference outside
itself (a letter renders the same everywhere and never fetches anything).
"""

from __future__ import annotations

import base64
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from typing import Final, Literal

from sanctions.errors import InputError

MAX_BYTES: Final = 512 * 1024
MAX_SIDE: Final = 4000  # pixels of a PNG side
MAX_PIXEL_BYTES: Final = 64 * 1024 * 1024  # a PNG's decompressed pixel data
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
SVG_NS: Final = "{http://www.w3.org/2000/svg}"
_CHANNELS: Final = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type → samples per pixel
_HREF: Final = re.compile(r"(^|})href$")
_URL: Final = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_FORBIDDEN_TAGS: Final = ("script", "foreignObject", "iframe", "object", "embed")

ImageType = Literal["png", "svg"]


@dataclass(frozen=True)
class Image:
    kind: ImageType
    width: float | None  # pixels (PNG); the SVG's own units, when it gives them
    height: float | None

    @property
    def media_type(self) -> str:
        return "image/png" if self.kind == "png" else "image/svg+xml"


def check_image(data: bytes, *, what: str = "the image") -> Image:
    """The image `data` is, or InputError saying what is wrong and what is accepted."""
    if not data:
        raise InputError(f"{what} is empty: give a PNG or SVG file")
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{what} has {len(data):,} bytes; at most {MAX_BYTES // 1024} KiB are accepted "
            "(a kop's lambang needs far less: export a smaller PNG or an SVG)"
        )
    if data.startswith(PNG_SIGNATURE):
        return _png(data, what)
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        return _svg(data, what)
    raise InputError(f"{what} is neither a PNG nor an SVG file (accepted: PNG, SVG)")


def data_uri(data: bytes) -> str:
    """The image as a data: URI for the letter's HTML (checked first)."""
    image = check_image(data)
    return f"data:{image.media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _png(data: bytes, what: str) -> Image:
    pos = len(PNG_SIGNATURE)
    header: tuple[int, ...] | None = None
    compressed = bytearray()
    ended = False
    while pos < len(data):
        if pos + 8 > len(data):
            raise InputError(f"{what}: the PNG is cut off (a chunk header is incomplete)")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise InputError(f"{what}: the PNG is cut off (chunk {kind!r} is incomplete)")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise InputError(f"{what}: the PNG is damaged (chunk {kind!r} fails its checksum)")
        if header is None:
            if kind != b"IHDR" or length != 13:
                raise InputError(f"{what}: not a valid PNG (it does not start with IHDR)")
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            ended = True
            break
        pos += 12 + length
    if header is None or not ended:
        raise InputError(f"{what}: the PNG is cut off (no IEND chunk)")
    width, height, depth, colour, _, _, interlace = header
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise InputError(
            f"{what}: a PNG of {width}x{height} pixels; each side must be 1 to {MAX_SIDE}"
        )
    if colour not in _CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise InputError(f"{what}: not a valid PNG (colour type {colour}, bit depth {depth})")
    row = 1 + (width * _CHANNELS[colour] * depth + 7) // 8
    expected = row * height
    if interlace == 0:
        _inflate(bytes(compressed), expected, what)
    else:  # Adam7: seven passes, each a little larger than its share
        _inflate(bytes(compressed), None, what)
    return Image("png", float(width), float(height))


def _inflate(compressed: bytes, expected: int | None, what: str) -> None:
    stream = zlib.decompressobj()
    try:
        pixels = stream.decompress(compressed, MAX_PIXEL_BYTES + 1)
    except zlib.error:
        raise InputError(f"{what}: the PNG's pixel data is damaged") from None
    if len(pixels) > MAX_PIXEL_BYTES:
        raise InputError(f"{what}: the PNG's pixels exceed {MAX_PIXEL_BYTES // 2**20} MiB")
    if not pixels or (expected is not None and len(pixels) != expected):
        raise InputError(f"{what}: the PNG's pixel data does not match its size")


def _svg(data: bytes, what: str) -> Image:
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise InputError(f"{what}: an SVG with a DOCTYPE or ENTITY is refused (not needed)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{what}: not well-formed SVG ({exc})") from None
    if root.tag != f"{SVG_NS}svg":
        raise InputError(f"{what}: the root element is {root.tag!r}, not an SVG <svg>")
    for element in root.iter():
        name = element.tag.rpartition("}")[2]
        if name in _FORBIDDEN_TAGS:
            raise InputError(f"{what}: an SVG with <{name}> is refused (no scripts or embeds)")
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2]
            if local.lower().startswith("on"):
                raise InputError(f"{what}: an SVG with an event handler ({local}) is refused")
            if _HREF.search(attribute) and not _internal(value):
                raise InputError(
                    f"{what}: the SVG refers to {value[:60]!r}; only references inside the file "
                    "(#id) or embedded data: images are accepted"
                )
        style = " ".join(
            [element.attrib.get("style", ""), element.text or ""] if name == "style" else
            [element.attrib.get("style", "")]
        )  # fmt: skip
        for target in _URL.findall(style):
            if not _internal(target):
                raise InputError(f"{what}: the SVG's style refers to {target[:60]!r} outside it")
        if "@import" in style:
            raise InputError(f"{what}: the SVG's style imports another file")
    return Image("svg", _length(root.get("width")), _length(root.get("height")))


def _internal(target: str) -> bool:
    target = target.strip()
    return target.startswith(("#", "data:image/png;")) or target == ""


def _length(value: str | None) -> float | None:
    match = re.match(r"\s*([0-9.]+)", value or "")
    try:
        return float(match.group(1)) if match else None
    except ValueError:
        return None
