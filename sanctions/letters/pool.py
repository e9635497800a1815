"""Batch rendering on a process pool: one result per letter, a failure never loses the others.

Workers start with forkserver (or spawn), never fork, so WeasyPrint is not imported before a
fork (docs/sources.md §L1.6). Each worker builds its Jinja environment and its single `PdfRenderer`
in the initializer and is replaced after `max_tasks_per_child` letters, which caps any slow
growth in native memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import jinja2

from sanctions.errors import SanctionsError
from sanctions.letters.documents import load_documents
from sanctions.letters.render import make_environment, render_html
from sanctions.printing.pdf import PdfRenderer, RenderedPdf

StartMethod = Literal["forkserver", "spawn"]


@dataclass(frozen=True)
class LetterJob:
    """One letter to render: `key` is the caller's id for it (e.g. the letter's row id)."""

    key: str
    kind: str
    context: Mapping[str, Any]
    identifier: bytes
    title: str
    author: str
    images: Mapping[str, str] = field(default_factory=dict)  # the kop's image, by SHA-256


@dataclass(frozen=True)
class LetterResult:
    """The PDF, or why there is none (``RenderError: bap.html.j2: line 12: …``)."""

    key: str
    pdf: RenderedPdf | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.pdf is not None


ProgressCallback = Callable[[int, int, LetterResult], None]
"""Called in the parent as each letter finishes: (done, total, result)."""


class LetterPool:
    """A reusable pool of letter-rendering worker processes (use it as a context manager)."""

    def __init__(
        self,
        template_dir: Path,
        *,
        workers: int | None = None,
        max_tasks_per_child: int = 500,
        start_method: StartMethod = "forkserver",
        zero_pad_day: bool = False,
        keputusan_rahmat: bool = True,
    ) -> None:
        load_documents(template_dir)  # a bad declaration fails here, not in every worker
        self.template_dir = template_dir.resolve()
        self.workers = workers or os.cpu_count() or 1
        self.max_tasks_per_child = max_tasks_per_child
        self._context = multiprocessing.get_context(start_method)
        self._init_args = (str(self.template_dir), zero_pad_day, keputusan_rahmat)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> LetterPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def warm_up(self, timeout: float = 60.0) -> list[int]:
        """Start every worker and run its initializer now; returns the workers' pids.

        Workers start on demand, so short tasks are sent until each worker has answered one.
        """
        executor = self._ensure_executor()
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < self.workers and time.monotonic() < deadline:
            futures = [executor.submit(_worker_pid, 0.05) for _ in range(self.workers)]
            seen.update(future.result() for future in futures)
        return sorted(seen)

    def render(
        self, jobs: Sequence[LetterJob], *, on_progress: ProgressCallback | None = None
    ) -> list[LetterResult]:
        """Render every job; results come back in the order of `jobs`."""
        executor = self._ensure_executor()
        futures: dict[Future[LetterResult], int] = {
            executor.submit(_render_job, job): index for index, job in enumerate(jobs)
        }
        results: list[LetterResult | None] = [None] * len(jobs)
        broken = False
        for done_count, future in enumerate(as_completed(futures), start=1):
            index = futures[future]
            result = _result_of(future, jobs[index].key)
            broken = broken or isinstance(future.exception(), BrokenProcessPool)
            results[index] = result
            if on_progress is not None:
                on_progress(done_count, len(jobs), result)
        if broken:  # a worker died: the executor cannot take more work, start afresh next time
            self.close()
        return [result for result in results if result is not None]

    def _ensure_executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=self._context,
                initializer=_init_worker,
                initargs=self._init_args,
                max_tasks_per_child=self.max_tasks_per_child,
            )
        return self._executor


def render_batch(
    jobs: Sequence[LetterJob],
    *,
    template_dir: Path,
    workers: int | None = None,
    max_tasks_per_child: int = 500,
    start_method: StartMethod = "forkserver",
    on_progress: ProgressCallback | None = None,
) -> list[LetterResult]:
    """Render `jobs` on a fresh pool (start-up costs about 0.6 s per worker)."""
    with LetterPool(
        template_dir,
        workers=workers,
        max_tasks_per_child=max_tasks_per_child,
        start_method=start_method,
    ) as pool:
        return pool.render(jobs, on_progress=on_progress)


def _result_of(future: Future[LetterResult], key: str) -> LetterResult:
    error = future.exception()
    if error is None:
        return future.result()
    return LetterResult(key=key, pdf=None, error=f"{type(error).__name__}: {error}")


# --- in the worker process -------------------------------------------------------------------

_worker: tuple[jinja2.Environment, PdfRenderer] | None = None


def _init_worker(template_dir: str, zero_pad_day: bool, keputusan_rahmat: bool) -> None:
    global _worker
    folder = Path(template_dir)
    env = make_environment(folder, zero_pad_day=zero_pad_day, keputusan_rahmat=keputusan_rahmat)
    _worker = (env, PdfRenderer(folder))
    gc.freeze()  # the modules, fonts and stylesheets live as long as the worker: stop rescanning


def _worker_pid(pause: float) -> int:
    time.sleep(pause)
    return os.getpid()


def _render_job(job: LetterJob) -> LetterResult:
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("letter worker used before its initializer ran")
    env, renderer = _worker
    try:
        html = render_html(env, job.kind, job.context, images=job.images)
        pdf = renderer.render_pdf(
            html, identifier=job.identifier, title=job.title, author=job.author
        )
    except SanctionsError as error:
        return LetterResult(key=job.key, pdf=None, error=f"{type(error).__name__}: {error}")
    return LetterResult(key=job.key, pdf=pdf)
