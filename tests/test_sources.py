"""Citations of the research record resolve inside the repository.

The declared data, the code and the docs cite `docs/sources.md` by section (`§3.1`, `§L1.6`,
`§R4`) or by deadline row (`D5`). That file is the one place the research lives: the notes it
was compiled from stay outside the repository, so no file may cite them, and every citation
must name a heading or a D-row `docs/sources.md` has. In this repository `§` is used only for
those citations, so every `§` reference is checked, also one that continues a list begun
earlier ("docs/sources.md §3.3 …; appeal routes from §4").
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"

# The research notes docs/sources.md was compiled from (written so that this file does not
# name them itself).
EXTERNAL = re.compile(r"domain\.md|letters\.md|legal[-]review")
SECTION = r"§\s?(?P<section>[LR]?\d+(?:\.\d+)*)"
HEADING = re.compile(rf"^#{{1,6}}\s+{SECTION}", re.MULTILINE)
DEADLINE_ROW = re.compile(r"^\|\s*(D\d+)\s*\|", re.MULTILINE)
# A citation group: "docs/sources.md" and the sections and D-rows that follow it, across
# commas, "and", "or", slashes, parentheses and comment markers at a line break.
CITED = r"(?:§\s?[LR]?\d+(?:\.\d+)*|\bD\d+\b)"
GROUP = re.compile(rf"docs/sources\.md(?P<cites>(?:(?:[\s#*/,;(]|\band\b|\bor\b)*{CITED})+)")
SKIPPED_DIRS = {".git", ".venv", "__pycache__", "node_modules", "letters"}


def _repository_files() -> list[Path]:
    """Tracked files and new files not ignored; a plain walk when git is not available."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, dirs, files in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
            found += [Path(folder) / name for name in files]
        return sorted(found)
    return sorted(ROOT / name for name in out.decode().split("\0") if name)


def _text_files() -> dict[str, str]:
    """Every text file of the repository except docs/sources.md, by its relative path."""
    texts = {}
    for path in _repository_files():
        if path == SOURCES or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[path.relative_to(ROOT).as_posix()] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _sections() -> set[str]:
    return {m["section"] for m in HEADING.finditer(SOURCES.read_text(encoding="utf-8"))}


def _deadline_rows() -> set[str]:
    return set(DEADLINE_ROW.findall(SOURCES.read_text(encoding="utf-8")))


def test_the_record_has_the_numbered_sections_and_deadline_rows_the_parser_expects() -> None:
    sections = _sections()
    assert {"1.1", "3.1", "5", "10.7", "L0.2", "L1.6", "L6", "R4"} <= sections
    assert _deadline_rows() == {f"D{n}" for n in range(1, 20)}


def test_no_file_cites_the_research_notes_outside_the_repository() -> None:
    found = [
        f"{name}:{_line(text, m.start())}: {m.group()}"
        for name, text in _text_files().items()
        for m in EXTERNAL.finditer(text)
    ]
    assert not found, "cite docs/sources.md instead:\n" + "\n".join(found)


def test_every_citation_names_a_section_or_deadline_row_of_the_record() -> None:
    sections, rows = _sections(), _deadline_rows()
    unknown = []
    for name, text in _text_files().items():
        for m in re.finditer(SECTION, text):
            if m["section"] not in sections:
                unknown.append(f"{name}:{_line(text, m.start())}: §{m['section']}")
        for group in GROUP.finditer(text):
            for row in re.findall(r"\bD\d+\b", group["cites"]):
                if row not in rows:
                    unknown.append(f"{name}:{_line(text, group.start())}: {row}")
    assert not unknown, "docs/sources.md has no such section or row:\n" + "\n".join(unknown)


def test_the_checks_catch_a_bad_citation() -> None:
    sections, rows = _sections(), _deadline_rows()
    # Written with escapes, so that this file's own text holds no bad citation.
    sample = (
        "# Basis (docs/sources\x2emd \u00a73.1, \u00a799.9 and D5, D42)\n"
        "# also \u00a7L1.6, \u00a7L9.9"
    )
    cited = {m["section"] for m in re.finditer(SECTION, sample)}
    assert cited - sections == {"99.9", "L9.9"}
    found = {r for g in GROUP.finditer(sample) for r in re.findall(r"\bD\d+\b", g["cites"])}
    assert found - rows == {"D42"}
    assert EXTERNAL.search("see ../shared/reference/" + "domain" + ".md")
