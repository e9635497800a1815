"""The report a head of agency reads: the four reports with charts, as one PDF.

Charts are drawn with matplotlib (imported here only when a PDF is asked for, with the Agg
backend and no pyplot state), saved as SVG and embedded in `letter_templates/report.html.j2`,
which WeasyPrint renders; the charts stay vector drawings in the PDF. Chart titles are HTML
headings, so they are real text in the PDF.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from sanctions.printing.templates import make_environment, render_template
from sanctions.reports import figures as reports

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sanctions.cases.desk import OverdueRow
    from sanctions.printing.pdf import PdfRendering

TEMPLATE = "report.html.j2"
CHART_TITLES = {
    "follow_up": "Tindak lanjut rekomendasi per instansi",
    "timeline": "Kasus per minggu di sekitar masa kampanye",
    "violations": "Jenis pelanggaran",
    "positions": "Kelompok jabatan terlapor",
}
# Outcome colours, in stacking order.
_OUTCOMES = (
    ("on_time", "tepat waktu", "#2e7d32"),
    ("late", "terlambat", "#f9a825"),
    ("waiting", "belum, masih dalam tenggat", "#90a4ae"),
    ("overdue", "belum, lewat tenggat", "#c62828"),
    ("moot", "gugur", "#d7ccc8"),
)
_MAX_BARS = 20
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ReportInput:
    """Everything the PDF shows; built by the caller from `sanctions.reports.figures`."""

    title: str
    period: reports.Period
    agency: str | None
    on: date
    generated_at: datetime
    generated_by: str
    follow_up: list[reports.FollowUpRow]
    follow_up_by_ppk: list[reports.FollowUpRow]
    violations: list[reports.ViolationRow]
    positions: list[reports.PositionRow]
    backlog: list[reports.BacklogRow]
    weeks: list[tuple[date, int]]
    campaigns: list[reports.Campaign]
    total_cases: int


def render_report_pdf(data: ReportInput, *, renderer: PdfRendering) -> bytes:
    """The report as PDF/A-3b, from `report.html.j2` in the renderer's template folder."""
    charts = {
        "follow_up": _svg(_follow_up_chart, data.follow_up[:-1]) if data.follow_up else None,
        "timeline": _svg(_timeline_chart, data.weeks, data.campaigns) if data.weeks else None,
        "violations": _svg(_violations_chart, data.violations) if data.violations else None,
        "positions": _svg(_positions_chart, data.positions) if data.positions else None,
    }
    total = data.follow_up[-1] if data.follow_up else None
    context = {
        "r": data,
        "charts": charts,
        "titles": CHART_TITLES,
        "total": total.as_dict() if total else None,
        "follow_up": [row.as_dict() for row in data.follow_up],
        "follow_up_by_ppk": [row.as_dict() for row in data.follow_up_by_ppk],
        "violations": [row.as_dict() for row in data.violations],
        "positions": [row.as_dict() for row in data.positions],
        "backlog": [row.as_dict() for row in data.backlog],
        "buckets": [label for _, label in reports.AGE_BUCKETS] + [reports.OLDEST_BUCKET],
        "groups": {g: reports.GROUPS[g] for g in reports.SINGLED_OUT},
    }
    html = render_template(make_environment(renderer.template_dir), TEMPLATE, context)
    stamp = f"laporan {data.period} {data.agency or '-'} {data.generated_at.isoformat()}"
    return renderer.render_pdf(
        html,
        identifier=stamp.encode("utf-8"),
        title=data.title,
        author=data.generated_by,
        letter_styles=False,
    ).data


OVERDUE_TEMPLATE = "overdue.html.j2"
OVERDUE_TITLE = "Daftar Tenggat Terlampaui Penanganan Netralitas ASN"


def render_overdue_pdf(
    rows: Sequence[OverdueRow],
    *,
    on: date,
    agency: str | None,
    generated_at: datetime,
    generated_by: str,
    renderer: PdfRendering,
) -> bytes:
    """The overdue list (`sanctions.cases.desk.overdue`) as PDF/A-3b, from
    `overdue.html.j2`: one row per deadline past due, in Indonesian."""
    context = {
        "title": OVERDUE_TITLE,
        "on": on,
        "agency": agency,
        "generated_at": generated_at,
        "generated_by": generated_by,
        "rows": list(rows),
    }
    html = render_template(make_environment(renderer.template_dir), OVERDUE_TEMPLATE, context)
    stamp = f"tenggat {agency or '-'} {on.isoformat()} {generated_at.isoformat()}"
    return renderer.render_pdf(
        html,
        identifier=stamp.encode("utf-8"),
        title=OVERDUE_TITLE,
        author=generated_by,
        letter_styles=False,
    ).data


# -- charts ---------------------------------------------------------------------------------
def _svg(draw: Any, *args: Any) -> str:
    """A data: URI of the SVG `draw(figure, *args)` produces."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    style: Any = {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "sanctions",
        "svg.fonttype": "path",
    }
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        draw(figure, *args)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _follow_up_chart(figure: Figure, rows: Sequence[reports.FollowUpRow]) -> None:
    shown = sorted(rows, key=lambda r: (-r.recommended, r.key))[:_MAX_BARS][::-1]
    figure.set_figheight(max(2.2, 0.32 * len(shown) + 1.2))
    ax = figure.add_subplot()
    labels = [r.key for r in shown]
    left = [0] * len(shown)
    counts = {
        "on_time": [r.on_time for r in shown],
        "late": [r.late for r in shown],
        "waiting": [r.not_acted - r.overdue for r in shown],
        "overdue": [r.overdue for r in shown],
        "moot": [r.moot for r in shown],
    }
    for key, label, colour in _OUTCOMES:
        ax.barh(labels, counts[key], left=left, color=colour, label=label, height=0.65)
        left = [a + b for a, b in zip(left, counts[key], strict=True)]
    ax.set_xlabel("jumlah rekomendasi")
    ax.xaxis.set_major_locator(_whole_numbers())
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=5, fontsize=7, frameon=False)


def _timeline_chart(
    figure: Figure, weeks: Sequence[tuple[date, int]], campaigns: Sequence[reports.Campaign]
) -> None:
    ax = figure.add_subplot()
    starts = [_day(w) for w, _ in weeks]
    ax.bar(starts, [n for _, n in weeks], width=6, color="#1f3a5f", align="edge", zorder=3)
    first, last = weeks[0][0], weeks[-1][0] + timedelta(days=7)
    left, right = first, last
    for campaign in campaigns[:3]:
        if campaign.start and campaign.end and campaign.start <= last and campaign.end >= first:
            ax.axvspan(_day(campaign.start), _day(campaign.end), color="#f9a825", alpha=0.2, lw=0)
            _mark(ax, _day(campaign.start), f"masa kampanye {campaign.name}", 0.99)
            left, right = min(left, campaign.start), max(right, campaign.end)
        if campaign.determination and first <= campaign.determination <= last:
            ax.axvline(_day(campaign.determination), color="#c62828", lw=0.8, ls="--", zorder=4)
            _mark(ax, _day(campaign.determination), "penetapan calon", 0.90)
    margin = timedelta(days=7)
    ax.set_xlim(_day(left - margin), _day(right + margin))
    ax.set_ylim(0, max(n for _, n in weeks) * 1.35 + 0.5)  # room for the labels on top
    step = max(1, len(weeks) // 12)
    ticks = [w for w, _ in weeks][::step]
    ax.set_xticks(
        [_day(w) for w in ticks], [format_date(w, "d MMM yy", locale="id") for w in ticks]
    )
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.set_xlabel("minggu (mulai Senin)")
    ax.set_ylabel("kasus (menurut tanggal perbuatan)")
    ax.yaxis.set_major_locator(_whole_numbers())


def _day(day: date) -> float:
    """matplotlib's date number: days since 1970-01-01 (its default epoch)."""
    return float((day - _EPOCH).days)


def _mark(ax: Axes, day: float, text: str, height: float) -> None:
    ax.annotate(
        text,
        xy=(day, height),
        xycoords=("data", "axes fraction"),
        xytext=(2, -2),
        textcoords="offset points",
        va="top",
        fontsize=6.5,
        color="#444444",
        zorder=5,
        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
    )


def _violations_chart(figure: Figure, rows: Sequence[reports.ViolationRow]) -> None:
    shown = rows[:_MAX_BARS][::-1]
    figure.set_figheight(max(2.2, 0.3 * len(shown) + 1.0))
    ax = figure.add_subplot()
    labels = [f"{r.code}  {_short(r.conduct)}" for r in shown]
    singled = [sum(r.by_group[g] for g in reports.SINGLED_OUT) for r in shown]
    ax.barh(labels, [r.cases for r in shown], color="#1f3a5f", height=0.65, label="semua")
    ax.barh(labels, singled, color="#f9a825", height=0.35, label="guru/dosen dan nakes")
    ax.set_xlabel("kasus")
    ax.xaxis.set_major_locator(_whole_numbers())
    ax.legend(loc="lower right", fontsize=7, frameon=False)


def _positions_chart(figure: Figure, rows: Sequence[reports.PositionRow]) -> None:
    shown = list(rows)[::-1]
    figure.set_figheight(max(2.0, 0.3 * len(shown) + 1.0))
    ax = figure.add_subplot()
    colours = ["#f9a825" if r.singled_out else "#1f3a5f" for r in shown]
    ax.barh([r.label for r in shown], [r.cases for r in shown], color=colours, height=0.65)
    for y, row in enumerate(shown):
        ax.annotate(
            f" {row.share_percent:.1f}%",
            xy=(row.cases, y),
            va="center",
            fontsize=7,
        )
    ax.set_xlim(0, max(r.cases for r in shown) * 1.15)
    ax.set_xlabel("kasus")
    ax.xaxis.set_major_locator(_whole_numbers())


def _whole_numbers() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
