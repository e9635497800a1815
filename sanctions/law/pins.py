"""The content digest of each unit of the declared law, to pin it in the database.

A unit is a workflow version (`workflow:<version>`, as resolved, its `extends` applied), the
catalogue (`catalogue`), the supporting declarations (`declarations`: supervisory bodies,
archive codes, the escalation ladder, the recipients), each migration plan
(`migration:<plan>`) and the letter template set (`template_set`: `documents.yaml`, every
template and the style sheet; the fonts only draw the same text). The digest is the SHA-256
of the unit's content as loaded, in canonical JSON (`sanctions.declared.jsondata`), leaving
out where it was read from: the same law read from another folder has the same digest, and a
changed guard, role, reader, deadline or clause has another (a comment does not count).
Pure, apart from reading the template folder's bytes.

The working calendar (`calendar.yaml`) is not pinned here: its revisions carry their own
instrument and are applied to open cases, journaled, by `sanctions calendar apply`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sanctions.declared.jsondata import to_data

TEMPLATE_FILES = ("*.yaml", "*.j2", "*.css")
WHERE_READ = frozenset({"source_file", "state_paths", "transition_paths"})


def digest(value: Any) -> str:
    """The SHA-256 of `value`'s content, without the places it was read from."""
    canonical = json.dumps(_without_places(to_data(value)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def template_set_digest(templates_dir: Path) -> str:
    """The SHA-256 of the template folder's declarations, templates and style sheets, by
    name and content."""
    total = hashlib.sha256()
    for path in sorted(p for suffix in TEMPLATE_FILES for p in templates_dir.glob(suffix)):
        rel = path.relative_to(templates_dir)
        data = path.read_bytes()
        total.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        total.update(data)
    return total.hexdigest()


def unit_digests(
    *,
    workflows: Mapping[str, Any],
    catalogue: Any,
    declarations: tuple[Any, ...],
    migrations: Mapping[str, Any],
    templates_dir: Path,
) -> dict[str, str]:
    pins = {f"workflow:{version}": digest(w) for version, w in sorted(workflows.items())}
    pins["catalogue"] = digest(catalogue)
    pins["declarations"] = digest(declarations)
    pins.update({f"migration:{name}": digest(p) for name, p in sorted(migrations.items())})
    pins["template_set"] = template_set_digest(templates_dir)
    return pins


def _without_places(data: Any) -> Any:
    if isinstance(data, list):
        return [_without_places(v) for v in data]
    if isinstance(data, dict):
        if data.get("$") == "dc" and isinstance(data.get("v"), dict):
            fields = {k: _without_places(v) for k, v in data["v"].items() if k not in WHERE_READ}
            return {**data, "v": fields}
        return {k: _without_places(v) for k, v in data.items()}
    return data
