"""Official letters: Jinja2 templates → HTML → PDF/A (WeasyPrint).

The submodules are imported on first use (PEP 562), so importing this package costs nothing:
commands that never render (`case show`) do not load Jinja2, the process pool or WeasyPrint,
and `PdfRenderer` imports WeasyPrint only when the first renderer is built.
"""

from __future__ import annotations

import importlib
from typing import Any

TEMPLATE_DIR_NAME = "letter_templates"

_EXPORTS = {
    "DocumentSpec": "sanctions.letters.documents",
    "load_documents": "sanctions.letters.documents",
    "PdfRenderer": "sanctions.printing.pdf",
    "RenderedPdf": "sanctions.printing.pdf",
    "LetterJob": "sanctions.letters.pool",
    "LetterPool": "sanctions.letters.pool",
    "LetterResult": "sanctions.letters.pool",
    "render_batch": "sanctions.letters.pool",
    "document_specs": "sanctions.letters.render",
    "make_environment": "sanctions.letters.render",
    "render_html": "sanctions.letters.render",
}

__all__ = ["TEMPLATE_DIR_NAME", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
