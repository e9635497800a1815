"""Official letters: Jinja2 templates → HTML → PDF/A (WeasyPrint).

Importing this package does not import WeasyPrint (about 0.6 s); `PdfRenderer` imports it when
it is first built, in the process (or pool worker) that renders PDFs.
"""

from sanctions.letters.documents import DocumentSpec, load_documents
from sanctions.letters.pdf import PdfRenderer, RenderedPdf
from sanctions.letters.pool import LetterJob, LetterPool, LetterResult, render_batch
from sanctions.letters.render import document_specs, make_environment, render_html

TEMPLATE_DIR_NAME = "letter_templates"

__all__ = [
    "TEMPLATE_DIR_NAME",
    "DocumentSpec",
    "LetterJob",
    "LetterPool",
    "LetterResult",
    "PdfRenderer",
    "RenderedPdf",
    "document_specs",
    "load_documents",
    "make_environment",
    "render_batch",
    "render_html",
]
