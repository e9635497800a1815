"""Supervisory bodies (KASN, BKN, a future independent body) as configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sanctions.cases.workflow import WorkflowSet
from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import read_yaml
from sanctions.errors import DefinitionError

_TEXT = ("name", "short_name", "address", "phone", "website", "email", "city", "head_title")


@dataclass(frozen=True)
class SupervisoryBody:
    key: str
    name: str
    short_name: str
    address: str
    phone: str
    website: str
    email: str
    city: str
    head_title: str
    valid_from: date | None  # None: declared, but not established yet
    valid_until: date | None
    basis: str
    confidence: Confidence
    # The agency row its letters are numbered and signed under (`sanctions agency add`).
    agency_code: str | None = None


def load_bodies(path: Path) -> Mapping[str, SupervisoryBody]:
    root = read_yaml(path).mapping(allowed={"bodies"}, required=("bodies",))
    bodies = {}
    for key, node in root.get("bodies").items():
        node.mapping(
            allowed={*_TEXT, "valid_from", "valid_until", "basis", "confidence", "agency_code"},
            required=(*_TEXT, "basis", "confidence"),
        )
        body = SupervisoryBody(
            key=key,
            **{name: node.get(name).text() for name in _TEXT},
            valid_from=node.get("valid_from").optional_date(),
            valid_until=node.get("valid_until").optional_date(),
            basis=node.get("basis").text(),
            confidence=node.get("confidence").confidence(),
            agency_code=node.get("agency_code").optional_text(),
        )
        if body.valid_from is None and body.valid_until is not None:
            raise node.get("valid_until").error("a body not established yet has no end date")
        if body.valid_from and body.valid_until and body.valid_until <= body.valid_from:
            raise node.get("valid_until").error("must be after valid_from")
        bodies[key] = body
    return bodies


def check_bodies(workflows: WorkflowSet, bodies: Mapping[str, SupervisoryBody]) -> None:
    """Each workflow names a known body whose validity covers the workflow's own."""
    for w in workflows.versions.values():
        body = bodies.get(w.supervisory_body)
        if body is None:
            raise DefinitionError(
                f"{w.source_file}: supervisory_body: unknown body {w.supervisory_body!r} "
                f"(declared in supervisory_bodies.yaml: {', '.join(bodies)})"
            )
        if body.valid_from is None:
            raise DefinitionError(
                f"{w.source_file}: supervisory_body: {body.short_name} is declared but not "
                "established yet (no valid_from in supervisory_bodies.yaml): no workflow can "
                "name it before it exists"
            )
        starts_late = w.applies_from < body.valid_from
        ends_late = body.valid_until is not None and (
            w.applies_until is None or w.applies_until > body.valid_until
        )
        if starts_late or ends_late:
            raise DefinitionError(
                f"{w.source_file}: supervisory_body: {body.short_name} is the supervisory body "
                f"from {body.valid_from} until {body.valid_until or 'now'}, but this workflow "
                f"applies from {w.applies_from} until {w.applies_until or 'now'}"
            )
