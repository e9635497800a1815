"""Every declared file's loader reports a wrong confidence tag in the same words.

One case per loader: the shipped file (or the calendar test fixture, the shipped calendar
being empty) is copied, one tag is set to "X", and the message must be
`<file>: <path inside it>: unknown confidence 'X' (allowed: C, S, U)`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sanctions.cases.guards import known_guards
from sanctions.cases.workflow import load_workflow
from sanctions.catalogue.loader import load_catalogue
from sanctions.deadlines.ladder import load_ladder
from sanctions.deadlines.workdays import load_calendar
from sanctions.declared.confidence import CONFIDENCES
from sanctions.errors import DefinitionError
from sanctions.institutions.bodies import load_bodies
from sanctions.letters.classification import load_classification
from sanctions.letters.recipients import known_names, load_recipients

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / "workflows"
CALENDAR_FIXTURE = Path(__file__).resolve().parent / "data" / "calendar" / "valid.yaml"


def _first_rule(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    name = next(iter(data["rules"]))
    return data["rules"][name], f"rules.{name}"


def _first_deadline(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    name = next(s for s, state in data["states"].items() if state.get("deadlines"))
    return data["states"][name]["deadlines"][0], f"states.{name}.deadlines[0]"


def _first_body(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    key = next(iter(data["bodies"]))
    return data["bodies"][key], f"bodies.{key}"


def _first_default(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    key = next(iter(data["defaults"]))
    return data["defaults"][key], f"defaults.{key}"


Pick = Callable[[dict[str, Any]], tuple[dict[str, Any], str]]
Load = Callable[[Path], object]

CASES: list[tuple[str, Path, Pick, Load]] = [
    (
        "catalogue sanctions.yaml",
        WORKFLOWS / "catalogue" / "sanctions.yaml",
        lambda d: (d["sanctions"][0], "sanctions[0]"),
        lambda p: load_catalogue(p.parent),
    ),
    (
        "catalogue violations.yaml",
        WORKFLOWS / "catalogue" / "violations.yaml",
        lambda d: (d["violations"][0], "violations[0]"),
        lambda p: load_catalogue(p.parent),
    ),
    (
        "calendar",
        CALENDAR_FIXTURE,
        lambda d: (d["extra_holidays"][0], "extra_holidays[0]"),
        load_calendar,
    ),
    (
        "workflow rules",
        WORKFLOWS / "netralitas-skb-2022.yaml",
        _first_rule,
        lambda p: load_workflow(p, known_guards=known_guards()),
    ),
    (
        "deadline rule",
        WORKFLOWS / "netralitas-skb-2022.yaml",
        _first_deadline,
        lambda p: load_workflow(p, known_guards=known_guards()),
    ),
    (
        "escalation ladder",
        WORKFLOWS / "escalation.yaml",
        lambda d: (d["steps"][0], "steps[0]"),
        lambda p: load_ladder(
            p, recipients=known_names(load_recipients(WORKFLOWS / "recipients.yaml"))
        ),
    ),
    ("supervisory bodies", WORKFLOWS / "supervisory_bodies.yaml", _first_body, load_bodies),
    ("classification", WORKFLOWS / "classification.yaml", _first_default, load_classification),
]


@pytest.mark.parametrize(
    ("source", "pick", "load"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_wrong_confidence_tag_is_reported_the_same_way_by_every_loader(
    source: Path, pick: Pick, load: Load, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(source.parent, tmp_path / "data", ignore=shutil.ignore_patterns("*.py"))
    copy = tmp_path / "data" / source.name
    data = yaml.safe_load(copy.read_text(encoding="utf-8"))
    entry, where = pick(data)
    assert entry["confidence"] in CONFIDENCES  # the shipped value was a valid tag
    entry["confidence"] = "X"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DefinitionError) as caught:
        load(Path("data") / source.name)
    assert str(caught.value) == (
        f"data/{source.name}: {where}.confidence: unknown confidence 'X' (allowed: C, S, U)"
    )
