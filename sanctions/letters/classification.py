"""Archive classification codes per agency, as data (workflows/classification.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import read_yaml
from sanctions.errors import DefinitionError


@dataclass(frozen=True)
class Classification:
    defaults: Mapping[str, str]
    confidence: Mapping[str, Confidence]
    agencies: Mapping[str, Mapping[str, str]]
    source_file: str

    def code(self, key: str, *, agency_code: str) -> str:
        override = self.agencies.get(agency_code, {}).get(key)
        if override:
            return override
        try:
            return self.defaults[key]
        except KeyError:
            raise DefinitionError(
                f"{self.source_file}: defaults: no classification code for {key!r} "
                f"(declared: {', '.join(sorted(self.defaults))})"
            ) from None


def load_classification(path: Path) -> Classification:
    root = read_yaml(path).mapping(allowed={"defaults", "agencies"}, required=("defaults",))
    defaults: dict[str, str] = {}
    confidence: dict[str, Confidence] = {}
    for key, node in root.get("defaults").items():
        node.mapping(allowed={"code", "confidence"}, required=("code", "confidence"))
        defaults[key] = node.get("code").text()
        confidence[key] = node.get("confidence").confidence()
    agencies = {
        agency: {key: code.text() for key, code in node.items()}
        for agency, node in root.get("agencies", {}).items()
    }
    return Classification(defaults, confidence, agencies, root.file)
