"""The text of a PDF's pages, for tests that check what a rendered PDF says.

poppler's `pdftotext` (scripts/setup installs poppler-utils) reads a letter in a few
milliseconds; pypdf, the fallback when it is missing, needs a few hundred (it parses every
content stream in Python), which made text checks the slowest part of the PDF tests.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from pypdf import PdfReader

PDFTOTEXT = shutil.which("pdftotext")


def page_texts(data: bytes) -> list[str]:
    """One string per page, in reading order."""
    if PDFTOTEXT is None:
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
