#!/usr/bin/env python3
"""Benchmark the letter pipeline (Jinja2 → HTML → WeasyPrint PDF/A-3b).

Figures:
  1. one one-page letter, warm: median (and p90) of >= 20 renders in one process
  1b. the pairing: the same letter's final HTML rendered by bare WeasyPrint
      (`weasyprint.HTML(string=html, base_url=...).write_pdf()`) and by our path (PDF/A-3b,
      embedded fonts, sRGB intent, metadata, signature box; and with the HTML step: Jinja2 and
      the QR code), interleaved in the same run; CPU time (time.process_time, which other load
      on the machine does not inflate) and wall time, medians, and their ratios
  2. letters/s in one process
  3. letters/s on a LetterPool with 2 workers (warmed up), and the pool/single ratio
  4. memory of one worker over 1,000 letters: RSS after 100, 500 and 1,000 letters, and peak

Targets (docs/sources.md §L0, issues 12 and 16): < 80 ms warm, our path within 1.1x (issue 16;
1.2x issue 12) of bare WeasyPrint on the same HTML, pool of 2 >= 1.9x single, memory flat.
Every letter differs (its number, hash and QR), as in production.

    .venv/bin/python scripts/bench_letters.py [--letters 200] [--memory-letters 1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = ROOT / "letter_templates"
KIND = "surat_pengingat_ppk"  # a one-page surat dinas with kop, QR, footer, tembusan


def _samples() -> ModuleType:
    """tests/letters/conftest.py: its build_sample_context makes realistic contexts."""
    path = ROOT / "tests" / "letters" / "conftest.py"
    spec = importlib.util.spec_from_file_location("letter_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _context(samples: ModuleType, index: int) -> dict[str, Any]:
    context: dict[str, Any] = samples.build_sample_context(KIND)
    number = f"B-{1000 + index}/BKN/WASDAL/11/2026"
    context["doc"]["number"] = number
    context["verification"]["number"] = number
    context["verification"]["content_hash"] = f"{index:064x}"
    context["verification"]["url"] = f"https://www.bkn.go.id/v/{index:012d}"
    return context


def _jobs(samples: ModuleType, count: int, start: int = 0) -> list[Any]:
    from sanctions.letters.pool import LetterJob

    return [
        LetterJob(
            key=str(index),
            kind=KIND,
            context=_context(samples, index),
            identifier=f"bench-{index}".encode(),
            title="Surat Pengingat",
            author="Badan Kepegawaian Negara",
        )
        for index in range(start, start + count)
    ]


def _rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the given processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / ticks


def _memory_run(letters: int, checkpoints: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """In a fresh worker process: render `letters` letters, RSS at each checkpoint."""
    from sanctions.letters.render import make_environment, render_html
    from sanctions.printing.pdf import PdfRenderer

    samples = _samples()
    env = make_environment(TEMPLATE_DIR)
    renderer = PdfRenderer(TEMPLATE_DIR)
    readings = [(0, *_rss_mb())]
    for index in range(1, letters + 1):
        html = render_html(env, KIND, _context(samples, index))
        renderer.render_pdf(html, identifier=b"m", title="t", author="a")
        if index in checkpoints:
            readings.append((index, *_rss_mb()))
    return readings


def _paired(env: Any, renderer: Any, samples: ModuleType, runs: int) -> dict[str, list[float]]:
    """CPU and wall seconds per letter: bare WeasyPrint, our PDF step, our whole path, on the
    same letter's final HTML, interleaved (the order alternates so neither side always runs
    on a warmer cache)."""
    from weasyprint import HTML

    from sanctions.letters import qr
    from sanctions.letters.render import render_html

    base = f"{TEMPLATE_DIR.as_uri()}/"
    out: dict[str, list[float]] = {
        k: [] for k in ("bare_cpu", "bare_wall", "ours_cpu", "ours_wall", "path_cpu", "path_wall")
    }

    def bare(html: str) -> None:
        c0, t0 = time.process_time(), time.perf_counter()
        HTML(string=html, base_url=base).write_pdf()
        out["bare_cpu"].append(time.process_time() - c0)
        out["bare_wall"].append(time.perf_counter() - t0)

    def ours(context: dict[str, Any]) -> None:
        qr.svg_data_uri.cache_clear()  # as for a new letter: its QR code is made, not cached
        c0, t0 = time.process_time(), time.perf_counter()
        html = render_html(env, KIND, context)
        c1, t1 = time.process_time(), time.perf_counter()
        renderer.render_pdf(html, identifier=b"p", title="Surat Pengingat", author="BKN")
        c2, t2 = time.process_time(), time.perf_counter()
        out["ours_cpu"].append(c2 - c1)
        out["ours_wall"].append(t2 - t1)
        out["path_cpu"].append(c2 - c0)
        out["path_wall"].append(t2 - t0)

    for index in range(runs + 3):
        context = _context(samples, 40_000 + index)
        html = render_html(env, KIND, context)
        if index % 2:
            bare(html)
            ours(context)
        else:
            ours(context)
            bare(html)
        if index < 3:  # warm-up
            for values in out.values():
                values.clear()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-runs", type=int, default=30)
    parser.add_argument("--letters", type=int, default=200, help="letters per throughput run")
    parser.add_argument("--memory-letters", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (best is kept)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    samples = _samples()
    started = time.perf_counter()
    from sanctions.letters.pool import LetterPool
    from sanctions.letters.render import make_environment, render_html
    from sanctions.printing.pdf import PdfRenderer

    env = make_environment(TEMPLATE_DIR)
    renderer = PdfRenderer(TEMPLATE_DIR)
    first = renderer.render_pdf(
        render_html(env, KIND, _context(samples, 0)), identifier=b"w", title="t", author="a"
    )
    cold = time.perf_counter() - started
    if first.page_count != 1:
        raise SystemExit(f"{KIND} is {first.page_count} pages, expected a one-page letter")

    # 1. warm latency of one letter (HTML + PDF), and of each half
    for index in range(3):
        renderer.render_pdf(
            render_html(env, KIND, _context(samples, index)), identifier=b"w", title="t", author="a"
        )
    total, html_only, pdf_only, cpu = [], [], [], []
    for index in range(args.latency_runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        html = render_html(env, KIND, _context(samples, 10_000 + index))
        t1 = time.perf_counter()
        renderer.render_pdf(html, identifier=b"l", title="t", author="a")
        t2 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        total.append(t2 - t0)
        html_only.append(t1 - t0)
        pdf_only.append(t2 - t1)

    # 1b. the pairing with bare WeasyPrint on the same HTML
    paired = _paired(env, renderer, samples, args.latency_runs)

    # 2. letters/s in this process, best of `--repeat` runs (the machine may be shared)
    single_rates, single_cpu = [], 0.0
    for run in range(args.repeat):
        contexts = [_context(samples, 20_000 + run * 1000 + i) for i in range(args.letters)]
        t0, c0 = time.perf_counter(), time.process_time()
        for context in contexts:
            renderer.render_pdf(
                render_html(env, KIND, context), identifier=b"s", title="t", author="a"
            )
        single_rates.append(args.letters / (time.perf_counter() - t0))
        single_cpu += time.process_time() - c0

    # 3. letters/s on a warmed pool of 2 workers, best of `--repeat` runs, and how much of
    # the two CPUs the workers actually got (less than ~90 %: something else was running)
    pool_rates, failed = [], []
    with LetterPool(TEMPLATE_DIR, workers=2, max_tasks_per_child=2000) as pool:
        t_start = time.perf_counter()
        pids = pool.warm_up()
        startup = time.perf_counter() - t_start
        pool.render(_jobs(samples, 8, start=29_000))  # first letters in each worker
        pool_wall, cpu_before = 0.0, _cpu_seconds(pids)
        for run in range(args.repeat):
            jobs = _jobs(samples, args.letters * 2, start=30_000 + run * 1000)
            t0 = time.perf_counter()
            results = pool.render(jobs)
            elapsed = time.perf_counter() - t0
            pool_wall += elapsed
            pool_rates.append(len(jobs) / elapsed)
            failed += [result for result in results if not result.ok]
        worker_cpu = _cpu_seconds(pids) - cpu_before
    if failed:
        raise SystemExit(f"{len(failed)} pool letters failed, first: {failed[0].error}")

    # 4. memory of one fresh worker over N letters
    checkpoints = tuple(sorted({100, 500, args.memory_letters} - {0}))
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as executor:
        readings = executor.submit(_memory_run, args.memory_letters, checkpoints).result()

    cpus = os.cpu_count()
    print(f"letter: {KIND} (1 page, PDF/A-3b, QR, e-signature footer); {cpus} CPUs")
    print(f"first letter in a fresh process (imports + fonts): {cold * 1000:.0f} ms")
    print(f"pool start-up (2 workers, import + initializer): {startup:.2f} s, pids {pids}")
    print()
    print(f"{'figure':<44} {'value':>12}  target")
    print(f"{'-' * 44} {'-' * 12}  {'-' * 10}")
    median = statistics.median(total) * 1000
    p90 = statistics.quantiles(total, n=10)[-1] * 1000
    print(f"{f'warm one-page letter, median of {len(total)}':<44} {median:>9.1f} ms  < 80 ms")
    print(f"{'  p90':<44} {p90:>9.1f} ms")
    print(
        f"{'  CPU time, median (other load does not count)':<44} "
        f"{statistics.median(cpu) * 1000:>9.1f} ms"
    )
    print(
        f"{'  of which HTML (Jinja2 + QR), median':<44} "
        f"{statistics.median(html_only) * 1000:>9.1f} ms"
    )
    print(
        f"{'  of which PDF (WeasyPrint), median':<44} {statistics.median(pdf_only) * 1000:>9.1f} ms"
    )
    med = {k: statistics.median(v) * 1000 for k, v in paired.items()}
    print(f"{'bare WeasyPrint on the same HTML, CPU median':<44} {med['bare_cpu']:>9.1f} ms")
    print(f"{'  wall median':<44} {med['bare_wall']:>9.1f} ms")
    print(f"{'our PDF step (same HTML), CPU median':<44} {med['ours_cpu']:>9.1f} ms")
    print(f"{'  wall median':<44} {med['ours_wall']:>9.1f} ms")
    print(f"{'our whole path (HTML + QR + PDF), CPU median':<44} {med['path_cpu']:>9.1f} ms")
    print(f"{'  wall median':<44} {med['path_wall']:>9.1f} ms")
    for label, key in (("our PDF step / bare", "ours"), ("our whole path / bare", "path")):
        cpu_ratio = med[f"{key}_cpu"] / med["bare_cpu"]
        wall_ratio = med[f"{key}_wall"] / med["bare_wall"]
        print(f"{f'{label}, CPU (wall)':<44} {cpu_ratio:>7.2f}x ({wall_ratio:.2f}x)  <= 1.1x")
    single_rate, pool_rate = max(single_rates), max(pool_rates)
    runs = f"best of {args.repeat}"
    print(f"{f'letters/s, one process ({args.letters} letters, {runs})':<44} {single_rate:>12.1f}")
    print(f"{f'letters/s, pool of 2 ({args.letters * 2} letters, {runs})':<44} {pool_rate:>12.1f}")
    print(f"{'pool / single':<44} {pool_rate / single_rate:>11.2f}x  >= 1.9x")
    print(f"{'  all runs, single':<44} {', '.join(f'{r:.1f}' for r in single_rates):>12}")
    print(f"{'  all runs, pool':<44} {', '.join(f'{r:.1f}' for r in pool_rates):>12}")
    share = worker_cpu / pool_wall * 100
    print(f"{'  CPU time the 2 workers got (of 200 %)':<44} {share:>10.0f} %")
    cpu_single = single_cpu / (args.letters * args.repeat) * 1000
    cpu_pool = worker_cpu / (args.letters * 2 * args.repeat) * 1000
    print(f"{'  CPU ms per letter, single / pool worker':<44} {cpu_single:>5.1f} / {cpu_pool:.1f}")
    print(
        f"{'  pool / single if both CPUs were free':<44} {2 * cpu_single / cpu_pool:>11.2f}x"
        "  (2 x CPU per letter single / pool)"
    )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"{'worker memory':<20} {'letters':>8} {'RSS MB':>8} {'peak MB':>8}")
    for letters, rss, peak in readings:
        print(f"{'':<20} {letters:>8} {rss:>8.1f} {peak:>8.1f}")
    by_count = {letters: rss for letters, rss, _ in readings}
    if 100 in by_count and args.memory_letters in by_count:
        growth = by_count[args.memory_letters] - by_count[100]
        per_letter = growth / (args.memory_letters - 100) * 1024
        print(
            f"RSS growth from 100 to {args.memory_letters} letters: {growth:+.1f} MB "
            f"({per_letter:+.1f} KB/letter)"
        )


if __name__ == "__main__":
    main()
