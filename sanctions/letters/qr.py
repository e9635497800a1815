"""Verification QR codes as SVG data URIs (segno), for an ``<img src>`` in a letter."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def svg_data_uri(content: str, *, error: str = "m") -> str:
    """A QR code for `content` as a scalable ``data:image/svg+xml`` URI.

    The SVG has a viewBox and no width or height, so CSS sizes it; it has no quiet zone
    (the template's layout supplies the white space around it).
    """
    code = segno.make_qr(content, error=error)
    uri: str = code.svg_data_uri(border=0, omitsize=True, dark="#000")
    return uri
