"""The composition root: settings → declared data, calendar, database engine, state machines.

Built once per process by the CLI (or a job, or a test) and passed to the services.
Everything is loaded lazily, so a command that needs only the database does not parse
every YAML file, and nothing here imports WeasyPrint.

The declared data never changes once loaded, so Apps built in the same process from the same
files share it (a test run builds hundreds of Apps; a job may build a few): the workflows,
bodies and catalogue are keyed by the content of their files, the letter templates by the
size and modification time of theirs, so an edited file is always loaded afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine as DbEngine

from sanctions.cases.machine import Engine
from sanctions.cases.workflow import Workflow, WorkflowSet
from sanctions.catalogue.entries import Catalogue
from sanctions.db import make_engine
from sanctions.deadlines.calendar_file import read_calendar_file
from sanctions.deadlines.ladder import Ladder
from sanctions.deadlines.workdays import WorkingCalendar, load_calendar, use_holiday_cache
from sanctions.declared.cache import cache_key, cached
from sanctions.institutions.authority import Authority
from sanctions.institutions.bodies import SupervisoryBody
from sanctions.law.load import Law, declared_files, load_law
from sanctions.letters.classification import Classification
from sanctions.settings import Settings

if TYPE_CHECKING:
    import jinja2

    from sanctions.printing.pdf import PdfRendering

T = TypeVar("T")
_shared: dict[tuple[str, ...], Any] = {}  # declared data loaded in this process, by key
_holiday_cache: list[Path | None] = []  # the holiday cache directory this process set


def _shared_value(key: tuple[str, ...], build: Callable[[], T]) -> T:
    if key not in _shared:
        _shared[key] = build()
    value: T = _shared[key]
    return value


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _file_stamps(folder: Path) -> str:
    """Every file under `folder` with its size and modification time."""
    stamps = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            stamps.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(stamps)


class App:
    """`db` and `pdf_renderer` replace the engine and the WeasyPrint renderer the app would
    build from `settings` (a test passes its own database, or a fake renderer when the PDF is
    not what it tests; a job may share one renderer between apps)."""

    def __init__(
        self,
        settings: Settings,
        *,
        db: DbEngine | None = None,
        pdf_renderer: PdfRendering | None = None,
    ) -> None:
        self.settings = settings
        self._db = db
        self._pdf_renderer = pdf_renderer
        self._engines: dict[str, Engine] = {}

    @cached_property
    def db(self) -> DbEngine:
        return self._db or make_engine(
            self.settings.database_url, lock_timeout=self.settings.lock_timeout
        )

    @cached_property
    def _law_key(self) -> str:
        """The cache key of the declared files (`calendar.yaml` among them) and the source
        that reads them."""
        settings = self.settings
        files = declared_files(settings.workflows_dir, settings.templates_dir)
        extra = f"{settings.workflows_dir}|{settings.templates_dir}|"
        extra += f"{settings.tukin_regulation_in_force}"
        # Hashing every declared file (and the source reading them) costs ~4 ms: Apps built
        # in the same process from unchanged files (same size and modification time; the
        # source does not change under a running process) share the key.
        stamps = "|".join(_stamp(path) for path in files)
        return _shared_value(("law-key", extra, stamps), lambda: cache_key(files, extra))

    @cached_property
    def law(self) -> Law:
        """Every declared file, loaded and cross-checked together (and kept in the cache
        directory between runs, keyed by the files' content)."""
        key, cache_dir = self._law_key, self.settings.cache_dir
        return _shared_value(("law", key), lambda: cached(cache_dir, key, self._load_law))

    def _load_law(self) -> Law:
        settings = self.settings
        return load_law(
            settings.workflows_dir,
            settings.templates_dir,
            tukin_regulation_in_force=settings.tukin_regulation_in_force,
        )

    @property
    def workflows(self) -> WorkflowSet:
        return self.law.workflows

    @property
    def bodies(self) -> Mapping[str, SupervisoryBody]:
        return self.law.bodies

    @property
    def catalogue(self) -> Catalogue:
        return self.law.catalogue

    @property
    def authority(self) -> Authority:
        return self.law.authority

    @property
    def classification(self) -> Classification:
        return self.law.classification

    @property
    def ladder(self) -> Ladder:
        return self.law.ladder

    @cached_property
    def calendar(self) -> WorkingCalendar:
        # Setting the directory empties the process's holiday tables: only when it changes.
        if _holiday_cache != [self.settings.cache_dir]:
            use_holiday_cache(self.settings.cache_dir)
            _holiday_cache[:] = [self.settings.cache_dir]
        path = self.settings.workflows_dir / "calendar.yaml"
        # calendar.yaml as validated, cached like the law (the law's key covers its bytes)
        key = f"{self._law_key}-calendar"
        declared = _shared_value(
            ("calendar", key),
            lambda: cached(self.settings.cache_dir, key, lambda: read_calendar_file(path)),
        )
        return load_calendar(
            path,
            collective_leave_is_holiday=self.settings.collective_leave_is_holiday,
            declared=declared,
        )

    @cached_property
    def letters_env(self) -> jinja2.Environment:
        """The letter templates (Jinja2; no WeasyPrint)."""
        from sanctions.letters.render import make_environment

        folder = self.settings.templates_dir
        key = ("letters", str(folder.resolve()), _file_stamps(folder))
        return _shared_value(key, lambda: make_environment(folder, documents=self.law.documents))

    @cached_property
    def pdf_renderer(self) -> PdfRendering:
        """One WeasyPrint renderer (one font configuration) for this process, built on first use
        (unless one was given)."""
        if self._pdf_renderer is not None:
            return self._pdf_renderer
        from sanctions.printing.pdf import PdfRenderer

        return PdfRenderer(self.settings.templates_dir)

    def workflow(self, version: str) -> Workflow:
        return self.workflows.get(version)

    def engine(self, version: str) -> Engine:
        """One state machine per workflow version, built on first use (and shared by the
        Apps of this process that read the same declared files: it holds no case, and takes
        its steps one at a time)."""
        if version not in self._engines:
            workflow = self.workflow(version)
            key = ("engine", self._law_key, version)
            self._engines[version] = _shared_value(key, lambda: Engine(workflow))
        return self._engines[version]
