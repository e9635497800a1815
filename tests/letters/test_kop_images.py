"""A kop image is a real PNG or a self-contained SVG of bounded size; anything else is refused
with what is wrong and what is accepted (issue 12, "logos are image files registered per
issuer")."""

from __future__ import annotations

import struct
import zlib

import pytest

from sanctions.errors import InputError
from sanctions.letters import images

pytestmark = pytest.mark.pure


def png(width: int = 4, height: int = 3, *, rgba: bool = True) -> bytes:
    """A small real PNG (a test image drawn here, not anyone's emblem)."""
    channels, colour = (4, 6) if rgba else (3, 2)
    row = b"\x00" + bytes([30, 120, 60, 255][:channels]) * width
    pixels = zlib.compress(row * height)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (
        images.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">'
    b'<path d="M5 5 H95 V80 L50 115 L5 80 Z" fill="#1e783c"/>'
    b'<circle cx="50" cy="50" r="20" fill="#f0c828"/></svg>'
)


def test_a_png_and_a_plain_svg_are_accepted_with_their_size() -> None:
    assert images.check_image(png(40, 30)) == images.Image("png", 40.0, 30.0)
    assert images.check_image(SVG) == images.Image("svg", 100.0, 120.0)
    assert images.data_uri(SVG).startswith("data:image/svg+xml;base64,")
    assert images.data_uri(png()).startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "is empty"),
        (b"GIF89a....", "neither a PNG nor an SVG"),
        (b"x" * (images.MAX_BYTES + 1), "at most 512 KiB"),
        (png()[:-20], "cut off"),
        (png()[:30] + b"\x00" + png()[31:], "checksum"),
        (png(images.MAX_SIDE + 1, 1), "each side must be 1 to 4000"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "DOCTYPE or ENTITY",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "event handler"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:l="http://www.w3.org/1999/xlink">'
            b'<image l:href="https://example.org/garuda.png"/></svg>',
            "only references inside the file",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(file:///etc/x)"/>'
            b"</svg>",
            "outside it",
        ),
        (b"<svg><rect/></svg>", "not an SVG <svg>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed"),
    ],
)
def test_anything_but_a_whole_png_or_a_self_contained_svg_is_refused(
    data: bytes, says: str
) -> None:
    with pytest.raises(InputError, match=says.replace("(", r"\(").replace("<", "<")):
        images.check_image(data, what="--logo lambang.png")


def test_a_png_whose_pixels_do_not_match_its_header_is_refused() -> None:
    wrong = png(4, 3).replace(struct.pack(">II", 4, 3), struct.pack(">II", 5, 3), 1)
    # the header's checksum no longer matches either: rebuild it to reach the pixel check
    start = len(images.PNG_SIGNATURE)
    body = wrong[start + 8 : start + 21]
    fixed = (
        wrong[: start + 21] + struct.pack(">I", zlib.crc32(b"IHDR" + body)) + wrong[start + 25 :]
    )
    with pytest.raises(InputError, match="does not match its size"):
        images.check_image(fixed)
