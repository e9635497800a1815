"""The document declarations (``letter_templates/documents.yaml``), loaded and checked.

Each document kind declares its Indonesian title, layout, template, default sifat, numbering
series, confidentiality, archive classification key and the context keys its template needs.
Every problem in the file is reported at once, each with its path inside the file, e.g.
``letter_templates/documents.yaml: documents.surat_panggilan_1.layout: unknown layout 'surat'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import jinja2
import jinja2.meta
import yaml

from sanctions.errors import DefinitionError

Layout = Literal["surat", "keputusan", "berita_acara", "laporan"]
LAYOUTS: tuple[Layout, ...] = ("surat", "keputusan", "berita_acara", "laporan")
SIFAT = ("Biasa", "Segera", "Penting", "Rahasia")
CONTEXT_ROOTS = (
    "doc",
    "agency",
    "signer",
    "addressee",
    "tembusan",
    "employee",
    "case",
    "supervisory_body",
    "recommendation",
    "sanction",
    "data",
    "verification",
)
FILE_NAME = "documents.yaml"

_KIND = re.compile(r"[a-z][a-z0-9_]*")
_CLASSIFICATION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_KEY = re.compile(
    rf"(?:{'|'.join(CONTEXT_ROOTS)})(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*",
)
_FIELDS = {
    "title": str,
    "layout": str,
    "template": str,
    "sifat": str,
    "series": str,
    "confidential": bool,
    "classification": str,
    "requires": list,
}
_OPTIONAL_FIELDS = {"mengingat": list, "optional": list}


@dataclass(frozen=True)
class DocumentSpec:
    """One document kind.

    `context_keys` = the common keys of all letters and of its layout + `requires`: every one
    is read on every rendering. `optional` keys are read only in some cases (a sanction kind,
    an appeal route); the template's header comment says when.
    """

    kind: str
    title: str
    layout: Layout
    template: str
    sifat: str
    series: str
    confidential: bool
    classification: str
    requires: tuple[str, ...]
    context_keys: tuple[str, ...]
    optional: tuple[str, ...] = ()
    mengingat: tuple[str, ...] = ()


def load_documents(template_dir: Path) -> dict[str, DocumentSpec]:
    """All document kinds declared in `template_dir`/documents.yaml, checked as a whole."""
    path = template_dir / FILE_NAME
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise DefinitionError(f"{path}: not valid YAML: {error}") from None
    problems = _Problems(str(path))
    specs = _read(raw, template_dir, problems)
    problems.raise_if_any()
    return specs


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.file}: {where}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            more = f" (and {len(self.items) - 1} more)" if len(self.items) > 1 else ""
            raise DefinitionError(self.items[0] + more, problems=list(self.items))


def _read(raw: Any, template_dir: Path, problems: _Problems) -> dict[str, DocumentSpec]:
    if not isinstance(raw, Mapping):
        problems.add("(top)", "expected a mapping with 'common' and 'documents'")
        return {}
    for key in sorted(set(raw) - {"common", "documents"}):
        problems.add(str(key), "unknown top-level key")
    common = _read_common(raw.get("common"), problems)
    documents = raw.get("documents")
    if not isinstance(documents, Mapping) or not documents:
        problems.add("documents", "expected a non-empty mapping of document kinds")
        return {}
    specs: dict[str, DocumentSpec] = {}
    parser = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir))
    for kind, body in documents.items():
        spec = _read_document(str(kind), body, common, problems, (template_dir, parser))
        if spec is not None:
            specs[spec.kind] = spec
    return specs


def _read_common(raw: Any, problems: _Problems) -> dict[str, tuple[str, ...]]:
    common: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, Mapping):
        problems.add("common", "expected a mapping of 'all' and one key list per layout")
        return common
    for key in ("all", *LAYOUTS):
        if key not in raw:
            problems.add(f"common.{key}", "missing (use [] when there is nothing)")
    for key, keys in raw.items():
        if key != "all" and key not in LAYOUTS:
            problems.add(f"common.{key}", f"unknown layout {key!r}")
            continue
        common[str(key)] = _read_keys(keys, f"common.{key}", problems)
    return common


def _read_document(
    kind: str,
    body: Any,
    common: Mapping[str, tuple[str, ...]],
    problems: _Problems,
    templates: tuple[Path, jinja2.Environment],
) -> DocumentSpec | None:
    where = f"documents.{kind}"
    if not _KIND.fullmatch(kind):
        problems.add(where, "a kind is lower_snake_case")
    if not isinstance(body, Mapping):
        problems.add(where, "expected a mapping")
        return None
    before = len(problems.items)
    for key in sorted(set(body) - set(_FIELDS) - set(_OPTIONAL_FIELDS)):
        problems.add(f"{where}.{key}", "unknown field")
    for key, kind_type in {**_FIELDS, **_OPTIONAL_FIELDS}.items():
        if key not in body:
            if key in _FIELDS:
                problems.add(f"{where}.{key}", "missing")
        elif not isinstance(body[key], kind_type):
            problems.add(f"{where}.{key}", f"expected a {kind_type.__name__}")
    if len(problems.items) > before:
        return None
    layout = body["layout"]
    if layout not in LAYOUTS:
        problems.add(f"{where}.layout", f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")
    if body["sifat"] not in SIFAT:
        problems.add(f"{where}.sifat", f"unknown sifat {body['sifat']!r} ({', '.join(SIFAT)})")
    if not _KIND.fullmatch(body["series"]):
        problems.add(f"{where}.series", f"{body['series']!r} is not a lower_snake_case key")
    if not _CLASSIFICATION.fullmatch(body["classification"]):
        problems.add(
            f"{where}.classification",
            f"{body['classification']!r} is not a dotted key like kepegawaian.disiplin",
        )
    template = body["template"]
    if Path(template).is_absolute() or ".." in Path(template).parts:
        problems.add(f"{where}.template", f"{template!r} must be a path inside the folder")
    else:
        _check_template(where, template, layout, *templates, problems)
    for key in ("title",):
        if not body[key].strip():
            problems.add(f"{where}.{key}", "must not be empty")
    requires = _read_keys(body["requires"], f"{where}.requires", problems)
    optional = _read_keys(body.get("optional", []), f"{where}.optional", problems)
    for index, key in enumerate(optional):
        if key in requires:
            problems.add(f"{where}.optional[{index}]", f"{key!r} is also in requires")
    mengingat = tuple(_read_strings(body.get("mengingat", []), f"{where}.mengingat", problems))
    if layout == "keputusan" and not mengingat:
        problems.add(f"{where}.mengingat", "a keputusan needs its legal bases (Mengingat)")
    if layout != "keputusan" and mengingat:
        problems.add(f"{where}.mengingat", "only a keputusan has Mengingat")
    if len(problems.items) > before:
        return None
    layout = cast(Layout, layout)
    context_keys = _unique((*common.get("all", ()), *common.get(layout, ()), *requires))
    return DocumentSpec(
        kind=kind,
        title=body["title"],
        layout=layout,
        template=template,
        sifat=body["sifat"],
        series=body["series"],
        confidential=body["confidential"],
        classification=body["classification"],
        requires=requires,
        context_keys=context_keys,
        optional=optional,
        mengingat=mengingat,
    )


def _read_keys(raw: Any, where: str, problems: _Problems) -> tuple[str, ...]:
    keys = _read_strings(raw, where, problems)
    for index, key in enumerate(keys):
        if not _KEY.fullmatch(key):
            roots = ", ".join(CONTEXT_ROOTS)
            problems.add(f"{where}[{index}]", f"{key!r} is not a dotted key under {roots}")
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            problems.add(f"{where}[{index}]", f"{key!r} is listed twice")
        seen.add(key)
    return tuple(keys)


def _read_strings(raw: Any, where: str, problems: _Problems) -> list[str]:
    if not isinstance(raw, list):
        problems.add(where, "expected a list")
        return []
    strings: list[str] = []
    for index, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            strings.append(item)
        else:
            problems.add(f"{where}[{index}]", "expected a non-empty string")
    return strings


def _check_template(
    where: str,
    template: str,
    layout: str,
    template_dir: Path,
    parser: jinja2.Environment,
    problems: _Problems,
) -> None:
    source_path = template_dir / template
    if not source_path.is_file():
        problems.add(f"{where}.template", f"template {template!r} does not exist in {template_dir}")
        return
    try:
        tree = parser.parse(source_path.read_text(encoding="utf-8"), template)
    except jinja2.TemplateSyntaxError as error:
        problems.add(f"{where}.template", f"{template} line {error.lineno}: {error.message}")
        return
    base = f"base_{layout}.html.j2"
    if layout in LAYOUTS and base not in set(_names(jinja2.meta.find_referenced_templates(tree))):
        problems.add(f"{where}.template", f"{template} must extend {base} (its layout is {layout})")


def _names(names: Iterable[str | None]) -> Iterable[str]:
    return (name for name in names if name is not None)


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))
