from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sanctions.errors import DefinitionError
from sanctions.letters.pool import LetterJob, LetterPool, LetterResult, render_batch

pytestmark = pytest.mark.pdf

Context = Callable[..., dict[str, Any]]


def _job(key: str, kind: str, context: dict[str, Any]) -> LetterJob:
    return LetterJob(
        key=key,
        kind=kind,
        context=context,
        identifier=key.encode(),
        title=context["doc"]["title"],
        author=context["agency"]["name"],
    )


def test_a_batch_with_one_broken_letter_returns_the_other_five_and_names_the_broken_one(
    template_dir: Path, sample_context: Context
) -> None:
    kinds = [
        "surat_panggilan_1",
        "surat_pengingat_ppk",
        "bap",
        "lhp",
        "surat_pengantar_keputusan",
        "rekomendasi",
    ]
    jobs = [_job(f"letter-{index}", kind, sample_context(kind)) for index, kind in enumerate(kinds)]
    del jobs[3].context["data"]["report_to"]
    progress: list[tuple[int, int, str]] = []

    def on_progress(done: int, total: int, result: LetterResult) -> None:
        progress.append((done, total, result.key))

    results = render_batch(
        jobs, template_dir=template_dir, workers=2, max_tasks_per_child=3, on_progress=on_progress
    )

    assert [result.key for result in results] == [job.key for job in jobs]
    good = [result for result in results if result.ok]
    bad = [result for result in results if not result.ok]
    assert len(good) == 5
    assert all(r.pdf is not None and r.pdf.data.startswith(b"%PDF-") for r in good)
    assert [result.key for result in bad] == ["letter-3"]
    assert bad[0].error is not None
    assert "RenderError: lhp.html.j2" in bad[0].error
    assert "'data.report_to' is undefined" in bad[0].error
    assert [done for done, _, _ in progress] == [1, 2, 3, 4, 5, 6]
    assert {total for _, total, _ in progress} == {6}
    assert {key for _, _, key in progress} == {job.key for job in jobs}


def test_a_pool_is_reused_across_batches_and_spreads_work_over_its_workers(
    template_dir: Path, sample_context: Context
) -> None:
    with LetterPool(template_dir, workers=2, start_method="spawn") as pool:
        pids = pool.warm_up()
        assert 1 <= len(pids) <= 2
        first = pool.render(
            [_job("a", "surat_pengingat_ppk", sample_context("surat_pengingat_ppk"))]
        )
        second = pool.render([_job("b", "bap", sample_context("bap"))])
    assert first[0].ok and second[0].ok


def test_a_pool_over_a_bad_template_folder_fails_before_starting_workers(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"documents\.yaml: file not found"):
        LetterPool(tmp_path)
