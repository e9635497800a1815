"""Loading the law in force: every declared file, each checked on its own, then together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sanctions.cases.guards import known_guards
from sanctions.cases.workflow import WorkflowSet, load_workflows
from sanctions.catalogue.entries import Catalogue
from sanctions.catalogue.loader import load_catalogue
from sanctions.deadlines.ladder import Ladder, load_ladder
from sanctions.declared.reader import display_path
from sanctions.errors import DefinitionError
from sanctions.institutions.authority import FILE_NAME as AUTHORITY_FILE
from sanctions.institutions.authority import Authority, load_authority
from sanctions.institutions.bodies import SupervisoryBody, load_bodies
from sanctions.law.check import Declared, check
from sanctions.law.migrations import FOLDER as MIGRATIONS_DIR
from sanctions.law.migrations import MigrationPlan, load_plans
from sanctions.law.pins import unit_digests
from sanctions.letters.classification import Classification, load_classification
from sanctions.letters.documents import FILE_NAME as DOCUMENTS_FILE
from sanctions.letters.documents import DocumentSpec, load_documents, load_kop_offices
from sanctions.letters.recipients import FILE_NAME as RECIPIENTS_FILE
from sanctions.letters.recipients import Recipient, known_names, load_recipients

BODIES_FILE = "supervisory_bodies.yaml"
CLASSIFICATION_FILE = "classification.yaml"
LADDER_FILE = "escalation.yaml"
CATALOGUE_DIR = "catalogue"


@dataclass(frozen=True)
class Law:
    """Every declared file, loaded and cross-checked."""

    workflows: WorkflowSet
    bodies: Mapping[str, SupervisoryBody]
    catalogue: Catalogue
    classification: Classification
    ladder: Ladder
    documents: Mapping[str, DocumentSpec]
    recipients: Mapping[str, Recipient]
    migrations: Mapping[str, MigrationPlan]
    authority: Authority
    # The content digest of each unit of this law, to pin in the database (law/pins.py).
    pins: Mapping[str, str] = field(default_factory=dict)
    # The offices that sign on the kop naskah dinas jabatan (documents.yaml `kop_jabatan`).
    kop_offices: tuple[str, ...] = ()


def declared_files(workflows_dir: Path, templates_dir: Path) -> list[Path]:
    """The files the law is read from (for cache keys and pinning)."""
    return sorted(
        [
            *workflows_dir.glob("*.yaml"),
            *(workflows_dir / CATALOGUE_DIR).glob("*.yaml"),
            *(workflows_dir / MIGRATIONS_DIR).glob("*.yaml"),
            *templates_dir.glob("*.yaml"),
            *templates_dir.glob("*.j2"),
            *templates_dir.glob("*.css"),
        ]
    )


def load_law(
    workflows_dir: Path, templates_dir: Path, *, tukin_regulation_in_force: date | None
) -> Law:
    """Load every declared file and run the cross-file pass (`sanctions.law.check`)."""
    workflows = load_workflows(workflows_dir, known_guards=known_guards())
    bodies = load_bodies(workflows_dir / BODIES_FILE)
    catalogue = load_catalogue(
        workflows_dir / CATALOGUE_DIR, tukin_regulation_in_force=tukin_regulation_in_force
    )
    classification = load_classification(workflows_dir / CLASSIFICATION_FILE)
    recipients = load_recipients(workflows_dir / RECIPIENTS_FILE)
    ladder = load_ladder(workflows_dir / LADDER_FILE, recipients=known_names(recipients))
    documents = load_documents(templates_dir)
    check(
        Declared(
            workflows=workflows,
            bodies=bodies,
            documents=documents,
            documents_file=display_path(templates_dir / DOCUMENTS_FILE),
            classification=classification,
            ladder=ladder,
            ladder_file=display_path(workflows_dir / LADDER_FILE),
            recipients=recipients,
        )
    )
    migrations = load_plans(workflows_dir, workflows, documents)
    authority = load_authority(
        workflows_dir / AUTHORITY_FILE,
        levels=[level.code for level in catalogue.levels if level.code != "moral"],
        sanctions={s.code: s.level for s in catalogue.sanctions},
    )
    unknown = sorted(set(authority.signers) - set(documents))
    if unknown:
        raise DefinitionError(
            f"{display_path(workflows_dir / AUTHORITY_FILE)}: signers.{unknown[0]}: "
            f"no letter kind {unknown[0]!r} in {display_path(templates_dir / DOCUMENTS_FILE)}"
        )
    pins = unit_digests(
        workflows=workflows.versions,
        catalogue=catalogue,
        declarations=(bodies, classification, ladder, recipients),
        migrations=migrations,
        templates_dir=templates_dir,
    )
    return Law(
        workflows,
        bodies,
        catalogue,
        classification,
        ladder,
        documents,
        recipients,
        migrations,
        authority,
        pins,
        load_kop_offices(templates_dir),
    )
