"""Verification QR codes as SVG data URIs (segno), for an ``<img src>`` in a letter."""

from __future__ import annotations

from functools import lru_cache

import segno

_MASK = 0


@lru_cache(maxsize=256)
def svg_data_uri(content: str, *, error: str = "m") -> str:
    """A QR code for `content` as a scalable ``data:image/svg+xml`` URI.

    The SVG has a viewBox and no width or height, so CSS sizes it; it has no quiet zone
    (the template's layout supplies the white space around it).
    """
    # A fixed mask pattern: choosing the "best" of the eight (segno's default) scores every
    # mask and is four fifths of the time a QR code takes; any mask is valid (ISO/IEC 18004,
    # clause 7.8) and a printed code of this size scans the same with any of them.
    code = segno.make_qr(content, error=error, mask=_MASK)
    uri: str = code.svg_data_uri(border=0, omitsize=True, dark="#000")
    return uri
