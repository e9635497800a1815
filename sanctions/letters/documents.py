"""The document declarations (``letter_templates/documents.yaml``), loaded and checked.

Each document kind declares its Indonesian title, layout, template, default sifat, numbering
series, confidentiality, archive classification key and the context keys its template needs.
The file is read through `sanctions.declared.reader` (a repeated key or an oversized file is
refused), and every problem in it is reported at once, each with its path inside the file,
e.g. ``letter_templates/documents.yaml: documents.surat_panggilan_1.layout: unknown layout
'surat_dinas' (allowed: surat, keputusan, berita_acara, laporan)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from sanctions.declared.dated import DatedText, read_dated_texts, texts_on
from sanctions.declared.problems import Problems, Record
from sanctions.declared.reader import Node, read_yaml

if TYPE_CHECKING:  # Jinja2 is imported where the templates are checked (a load, not a command)
    import jinja2

Layout = Literal["surat", "keputusan", "berita_acara", "laporan"]
LAYOUTS: tuple[Layout, ...] = ("surat", "keputusan", "berita_acara", "laporan")
SIFAT: tuple[str, ...] = ("Biasa", "Segera", "Penting", "Rahasia")
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
KOP_JABATAN: Final = "kop_jabatan"

_TOP_KEYS: Final = ("common", "documents")
# The types a value an officer gives may be declared with (`types:`, sanctions.letters.needs).
VALUE_TYPES: Final = ("text", "date", "past_date", "due_date", "int", "bool", "nip", "mapping")
_CLASSIFICATION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_KEY = re.compile(
    rf"(?:{'|'.join(CONTEXT_ROOTS)})(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*",
)
_A_KEY: Final = f"a dotted key under {', '.join(CONTEXT_ROOTS)}"
_FIELDS: Final = (
    "title",
    "layout",
    "template",
    "sifat",
    "series",
    "confidential",
    "classification",
    "requires",
)
_OPTIONAL_FIELDS: Final = (
    "mengingat",
    "optional",
    "issuer",
    "addressee",
    "tembusan",
    "remedy",
    "lampiran",
)
# Who issues a document: the case's agency (for its PPK), the supervisory body, the Bawaslu
# office of the contest, the direct superior's own office, or BPASN (the agency its declared
# recipient names, workflows/recipients.yaml `bpasn.agency_code`). Addressee and copies name
# recipients (workflows/recipients.yaml, or the case's own parties), checked against that file
# by the cross-file pass.
ISSUERS: Final = ("case_agency", "supervisory_body", "bawaslu", "signer_office", "bpasn")


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
    # The legal bases (Mengingat), each for the decision dates it applies to.
    mengingat: tuple[DatedText, ...] = ()
    issuer: str = "case_agency"
    addressee: str | None = None  # a recipient name; surat only
    tembusan: tuple[str, ...] = ()  # recipient names, in order
    # What a surat whose text encloses something prints on its Lampiran line ("1 (satu)
    # berkas"), unless the officer's data gives its own `lampiran`; None prints "-".
    lampiran: str | None = None
    # The receipt of an employee's remedy (keberatan, banding): the agenda-book rule never
    # refuses it (sanctions/letters/register.py): a lawful remedy is never denied for the
    # order of a register.
    remedy: bool = False
    # The declared type of each `data.*` key of `requires` and `optional`, by the key without
    # its `data.` prefix (`attachments[]`, `examiner.nip`): see VALUE_TYPES.
    types: Mapping[str, str] = field(default_factory=dict)

    def mengingat_on(self, day: date) -> tuple[str, ...]:
        """The Mengingat of a keputusan dated `day`: the laws in force on that date (UU 5/2014
        before 31 October 2023, UU 20/2023 from it)."""
        return texts_on(self.mengingat, day)


def load_documents(template_dir: Path) -> dict[str, DocumentSpec]:
    """All document kinds declared in `template_dir`/documents.yaml, checked as a whole."""
    root = read_yaml(template_dir / FILE_NAME)
    problems = Problems()
    specs = _read(root, template_dir, problems)
    problems.raise_if_any(root.file)
    return specs


def _read(root: Node, template_dir: Path, problems: Problems) -> dict[str, DocumentSpec]:
    problems.extend(
        root.mapping_problems(allowed=(*_TOP_KEYS, "types", KOP_JABATAN), required=_TOP_KEYS)
    )
    if KOP_JABATAN in root:
        _read_kop_jabatan(root.get(KOP_JABATAN), problems)
    if not root.is_mapping:
        return {}
    types = _read_types(root.get("types"), problems) if "types" in root else {}
    common = _read_common(root.get("common"), problems) if "common" in root else {}
    if "documents" not in root:
        return {}
    documents = root.get("documents")
    kinds: list[tuple[str, Node]] = problems.read(lambda: list(documents.items()), [])
    if not kinds and documents.is_mapping:
        problems.add(documents.error("declares no document kinds"))
    specs: dict[str, DocumentSpec] = {}
    import jinja2

    parser = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir))
    for kind, body in kinds:
        spec = _read_document(kind, body, common, problems, (template_dir, parser))
        if spec is not None:
            specs[spec.kind] = _typed(spec, types, body, problems)
    used = {key for spec in specs.values() for key in spec.types}
    for key in sorted(set(types) - used) if len(specs) == len(kinds) else ():  # all read
        problems.add(root.get("types").get(key).error("no document requires this key"))
    return specs


def load_kop_offices(template_dir: Path) -> tuple[str, ...]:
    """The offices whose holder signs on the kop naskah dinas jabatan (`kop_jabatan.offices`
    in documents.yaml; none declared: every letter has its issuer's kop)."""
    root = read_yaml(template_dir / FILE_NAME)
    problems = Problems()
    offices = _read_kop_jabatan(root.get(KOP_JABATAN), problems) if KOP_JABATAN in root else ()
    problems.raise_if_any(root.file)
    return offices


def _read_kop_jabatan(node: Node, problems: Problems) -> tuple[str, ...]:
    row = Record(node, problems, required=("offices", "source", "confidence"))
    row.read("source", Node.text, "")
    row.read("confidence", Node.confidence, None)
    return row.read("offices", lambda n: n.distinct(Node.text), ())


def _read_types(node: Node, problems: Problems) -> dict[str, str]:
    """`types:`: data key (without `data.`) → one of VALUE_TYPES."""
    items: list[tuple[str, Node]] = problems.read(lambda: list(node.items()), [])
    types: dict[str, str] = {}
    for key, value in items:
        if not _KEY.fullmatch(f"data.{key}"):
            problems.add(value.error(f"{key!r} is not a data key (like exam_date, team[].nip)"))
            continue
        kind: str = problems.read(partial(value.choice, VALUE_TYPES, what="type"), "")
        if kind:
            types[key] = kind
    return types


def _typed(
    spec: DocumentSpec, types: Mapping[str, str], node: Node, problems: Problems
) -> DocumentSpec:
    """`spec` with the declared type of each of its data keys; a key without one is refused."""
    keys = [
        k.removeprefix("data.") for k in (*spec.requires, *spec.optional) if k.startswith("data.")
    ]
    for key in keys:
        if key not in types:
            problems.add(
                node.error(
                    f"data.{key}: no type declared for it under types (allowed: "
                    f"{', '.join(VALUE_TYPES)})"
                )
            )
    return replace(spec, types={k: types[k] for k in keys if k in types})


def _read_common(node: Node, problems: Problems) -> dict[str, tuple[str, ...]]:
    sections = ("all", *LAYOUTS)
    problems.extend(node.mapping_problems(allowed=sections, required=sections))
    if not node.is_mapping:
        return {}
    return {key: _keys(keys, problems) for key, keys in node.items() if key in sections}


def _read_document(
    kind: str,
    node: Node,
    common: Mapping[str, tuple[str, ...]],
    problems: Problems,
    templates: tuple[Path, jinja2.Environment],
) -> DocumentSpec | None:
    problems.read(node.holding(kind).identifier, "")
    before = len(problems)
    row = Record(node, problems, required=_FIELDS, optional=_OPTIONAL_FIELDS)
    if not node.is_mapping:
        return None
    title = row.read("title", Node.text, "")
    layout: Layout | None = row.read("layout", lambda n: n.choice(LAYOUTS, what="layout"), None)
    template = row.read("template", Node.text, None)
    sifat = row.read("sifat", lambda n: n.choice(SIFAT, what="sifat"), "")
    series = row.read("series", Node.identifier, "")
    confidential = row.read("confidential", Node.boolean, False)
    classification = row.read(
        "classification",
        lambda n: n.matching(_CLASSIFICATION, "a dotted key like kepegawaian.disiplin"),
        "",
    )
    none: tuple[str, ...] = ()
    requires = row.read("requires", partial(_keys, problems=problems), none)
    optional = row.read("optional", partial(_keys, problems=problems), none)
    no_bases: tuple[DatedText, ...] = ()
    unread: tuple[DatedText, ...] | None = None  # a wrong item, already reported
    mengingat = row.read(
        "mengingat",
        lambda n: read_dated_texts(n, alternatives=False) if n.value else no_bases,
        unread if "mengingat" in node else no_bases,
    )
    issuer = row.read("issuer", lambda n: n.choice(ISSUERS, what="issuer"), "case_agency")
    addressee = row.read("addressee", Node.identifier, None)
    tembusan = row.read("tembusan", Node.names, none)
    remedy = row.read("remedy", Node.boolean, False)
    lampiran = row.read("lampiran", Node.text, None)
    if layout is not None and layout != "surat" and lampiran is not None:
        problems.add(node.get("lampiran").error("only a surat has a Lampiran line"))
    if layout is not None and layout != "surat" and addressee is not None:
        problems.add(node.get("addressee").error("only a surat has an addressee (Yth.)"))
    if layout == "surat" and addressee is None:
        problems.add(node.error("a surat needs an addressee (a recipient name)"))
    if template is not None:
        _check_template(node.get("template"), template, layout, *templates, problems)
    listed = node.get("optional")
    for item in listed.seq() if listed.is_list else []:
        if item.value in requires:
            problems.add(item.error(f"{item.value!r} is also in requires"))
    if layout == "keputusan" and mengingat == ():
        problems.add(node.get("mengingat").error("a keputusan needs its legal bases (Mengingat)"))
    if layout is not None and layout != "keputusan" and mengingat:
        problems.add(node.get("mengingat").error("only a keputusan has Mengingat"))
    if len(problems) > before or layout is None or template is None:
        return None
    return DocumentSpec(
        kind=kind,
        title=title,
        layout=layout,
        template=template,
        sifat=sifat,
        series=series,
        confidential=confidential,
        classification=classification,
        requires=requires,
        context_keys=_unique((*common.get("all", ()), *common.get(layout, ()), *requires)),
        optional=optional,
        mengingat=mengingat or (),
        issuer=issuer,
        addressee=addressee,
        tembusan=tembusan,
        remedy=remedy,
        lampiran=lampiran,
    )


def _keys(node: Node, problems: Problems) -> tuple[str, ...]:
    """Distinct context keys (`employee.name`, `case.allegations[].code`), every bad one
    reported."""
    items: list[Node] = problems.read(partial(node.seq, null_ok=False), [])
    keys: list[str] = []
    for item in items:
        key = problems.read(partial(item.matching, _KEY, _A_KEY), "")
        if key in keys:
            problems.add(item.error(f"{key!r} is listed twice"))
        elif key:
            keys.append(key)
    return tuple(keys)


def _texts(node: Node, problems: Problems) -> tuple[str, ...]:
    """Non-empty texts, every bad one reported."""
    items: list[Node] = problems.read(partial(node.seq, null_ok=False), [])
    texts = [problems.read(item.text, "") for item in items]
    return tuple(t for t in texts if t)


def _check_template(
    node: Node,
    template: str,
    layout: str | None,
    template_dir: Path,
    parser: jinja2.Environment,
    problems: Problems,
) -> None:
    if Path(template).is_absolute() or ".." in Path(template).parts:
        problems.add(node.error(f"{template!r} must be a path inside the folder"))
        return
    import jinja2.meta

    source_path = template_dir / template
    if not source_path.is_file():
        problems.add(node.error(f"template {template!r} does not exist in {template_dir}"))
        return
    try:
        tree = parser.parse(source_path.read_text(encoding="utf-8"), template)
    except jinja2.TemplateSyntaxError as error:
        problems.add(node.error(f"{template} line {error.lineno}: {error.message}"))
        return
    base = f"base_{layout}.html.j2"
    if layout is not None and base not in set(_names(jinja2.meta.find_referenced_templates(tree))):
        problems.add(node.error(f"{template} must extend {base} (its layout is {layout})"))


def _names(names: Iterable[str | None]) -> Iterable[str]:
    return (name for name in names if name is not None)


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))
