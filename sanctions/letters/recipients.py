"""Who letters go to and are copied to: the declared recipients (`workflows/recipients.yaml`)
and the names resolved from the case itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sanctions.declared.confidence import Confidence
from sanctions.declared.reader import read_yaml

FILE_NAME = "recipients.yaml"
# Resolved from the case, not declared (see the file's header).
FROM_CASE: Final = frozenset(
    {
        "ppk",
        "case_agency",
        "supervisory_body",
        "employee",
        "target_agency",
        "bawaslu",
        "direct_superior",
    }
)


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str
    address: str
    attention: str | None
    confidence: Confidence
    # The agency row (`sanctions agency add --code ...`) whose kop, register and officers issue
    # the letters this recipient issues itself (documents.yaml `issuer:` of the same name):
    # BPASN's receipt of a banding. None: it only receives letters.
    agency_code: str | None = None

    @property
    def as_addressee(self) -> str:
        """The name on an addressee block: with `u.p.` the unit that handles it."""
        return f"{self.name} u.p. {self.attention}" if self.attention else self.name


def load_recipients(path: Path) -> Mapping[str, Recipient]:
    root = read_yaml(path).mapping(allowed={"recipients"}, required=("recipients",))
    found = {}
    for key, node in root.get("recipients").items():
        node.mapping(
            allowed={"name", "attention", "address", "confidence", "agency_code"},
            required=("name", "address", "confidence"),
        )
        if key in FROM_CASE:
            raise node.error(f"{key!r} is resolved from the case; declare another name")
        found[key] = Recipient(
            key=key,
            name=node.get("name").text(),
            address=node.get("address").text(),
            attention=node.get("attention").optional_text(),
            confidence=node.get("confidence").confidence(),
            agency_code=node.get("agency_code").optional_text(),
        )
    return found


def known_names(declared: Mapping[str, Recipient]) -> frozenset[str]:
    return frozenset(declared) | FROM_CASE
