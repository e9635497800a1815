"""A draft of a letter (KONSEP): what a step would issue, for the official to read first.

A draft is rendered from the same context as the letter the step would issue, except that it
has no number ("Nomor: ..."), no QR code and no content hash, and every page carries the word
KONSEP across it, with a line saying it is no official letter. Nothing is allocated, stored or
recorded: the caller renders it inside a transaction it rolls back. Pure except the PDF engine.
"""

from __future__ import annotations

import re
from typing import Final

# Printed on every page of a draft (Indonesian only: it is printed on a letter).
DRAFT_WORD: Final = "KONSEP"
DRAFT_LINE: Final = "Konsep untuk dibaca sebelum langkah diambil: belum bernomor, bukan surat resmi"
# What a draft PDF carries as its identifier (`letter verify` reads it: no letter has it).
DRAFT_IDENTIFIER: Final = b"KONSEP"

_QR: Final = re.compile(r'<img class="qr"[^>]*>')
_HASH: Final = re.compile(r'<p class="ttd-hash">.*?</p>', re.DOTALL)
_STYLE: Final = """<style>
.konsep-watermark { position: fixed; top: 35%; left: -10mm; right: -10mm; z-index: -1;
  text-align: center; transform: rotate(-35deg); color: #e3b5b5; font-weight: bold; }
.konsep-watermark .word { font-size: 110pt; letter-spacing: 12pt; line-height: 1; }
.konsep-watermark .line { font-size: 11pt; color: #b00000; }
</style>"""


def as_draft(html: str) -> str:
    """A letter's HTML as a draft: its QR code and hash taken out, the KONSEP watermark and
    line added to every page: fixed elements, first in the body (taking no room in the flow,
    they leave the running RAHASIA line and footer on page 1 as before) repeat on each page."""
    marked = _HASH.sub("", _QR.sub("", html))
    marks = (
        f'<div class="konsep-watermark"><div class="word">{DRAFT_WORD}</div>'
        f'<div class="line">{DRAFT_LINE}</div></div>'
    )
    marked = marked.replace("</head>", f"{_STYLE}</head>", 1)
    if "<body" in marked:
        start = marked.index(">", marked.index("<body")) + 1
        return marked[:start] + marks + marked[start:]
    return marks + marked
