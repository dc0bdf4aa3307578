"""Matplotlib charts for reports: Chinese text, consistent light colours, no pyplot state.

Figures are built with :class:`matplotlib.figure.Figure` directly (never
``pyplot``), so nothing is auto-displayed twice in a notebook and nothing leaks
between reports. :func:`figure_html` turns a figure into an embedded ``<figure>``
(SVG by default, or PNG, as a data URI: self-contained, nothing fetched).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from jj123lib import fonts, lights

__all__ = ["trajectory_chart", "distribution_chart", "figure_html", "short_quarter"]

PLANNED_COLOR = "#8a94a0"


def short_quarter(quarter: str) -> str:
    """``2026Q3`` → ``三季度``."""
    return "一二三四"[int(quarter[-1]) - 1] + "季度"


def _new_figure(width: float, height: float, left: float = 0.12, bottom: float = 0.14, top: float = 0.84,
                right: float = 0.98) -> Figure:
    """A figure with fixed margins (constrained layout would draw every chart twice)."""
    fonts.setup()
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left, bottom=bottom, top=top, right=right)
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def trajectory_chart(history: pd.DataFrame, title: str, quarters: Sequence[str]) -> Figure:
    """Planned vs actual cumulative % per quarter for one task.

    ``history`` has columns ``quarter, planned_pct, actual_pct, light`` (one task);
    ``quarters`` are the quarters so far, in order (the x axis).
    """
    fig = _new_figure(4.6, 2.6)
    ax = fig.add_subplot()
    rows = history.set_index("quarter").reindex(list(quarters))
    x = list(range(len(quarters)))
    planned = [None if pd.isna(v) else float(v) for v in rows["planned_pct"]]
    actual = [None if pd.isna(v) else float(v) for v in rows["actual_pct"]]
    keys = [str(v) if isinstance(v, str) else "missing" for v in rows["light"]]

    px = [i for i, v in zip(x, planned) if v is not None]
    ax.plot(px, [v for v in planned if v is not None], linestyle="--", marker="o", markersize=4, color=PLANNED_COLOR,
            linewidth=1.6, label="计划累计进度")
    ax_ = [i for i, v in zip(x, actual) if v is not None]
    ax.plot(ax_, [v for v in actual if v is not None], linestyle="-", color="#1d2630", linewidth=1.8,
            label="实际累计进度")
    for i in ax_:
        value = actual[i]
        assert value is not None
        ax.scatter([i], [value], s=46, color=lights.COLORS.get(keys[i], lights.COLORS["missing"]), zorder=3,
                   edgecolors="white", linewidths=0.8)
        ax.annotate(f"{value:.0f}%", (i, value), textcoords="offset points", xytext=(0, 7), ha="center",
                    fontsize=8, color="#1d2630")
    for i, key in enumerate(keys):
        if actual[i] is None:
            ax.annotate(lights.label(key, lights.LABELS["missing"]), (i, 2), ha="center", fontsize=8,
                        color=lights.COLORS["missing"])
    ax.set_xticks(x, [short_quarter(q) for q in quarters])
    ax.set_xlim(-0.4, max(len(quarters) - 0.6, 0.6))
    top = max([v for v in planned + actual if v is not None] + [100.0])
    upper = math.ceil(top / 10) * 10 + 8
    ax.set_ylim(0, upper)
    ax.set_yticks(range(0, int(upper), 20))  # fixed ticks: no locator search on every draw
    ax.set_ylabel("累计进度（%）", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#e3e7eb", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    # An explicit y turns off matplotlib's automatic title placement, a costly tight-bbox pass.
    ax.set_title(_wrap(title, 24), fontsize=9, loc="left", y=1.02)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def distribution_chart(counts: pd.DataFrame) -> Figure:
    """Horizontal stacked bars: light counts per row (e.g. per tier).

    ``counts`` is indexed by the row label with one column per light key.
    """
    height = 0.55 * len(counts) + 1.1
    fig = _new_figure(7.2, height, left=0.16, bottom=0.5 / height, top=1 - 0.45 / height)
    ax = fig.add_subplot()
    labels = [str(i) for i in counts.index]
    left = [0.0] * len(labels)
    for light in lights.ORDER:
        values = [float(v) for v in counts.get(light, pd.Series([0] * len(labels), index=counts.index))]
        bars = ax.barh(labels, values, left=left, color=lights.COLORS[light], label=lights.LABELS[light],
                       edgecolor="white", hatch="//" if light == "missing" else None)
        for bar, value in zip(bars, values):
            if value:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, f"{value:.0f}",
                        ha="center", va="center", fontsize=8, color="white" if light != "yellow" else "#1d2630")
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlabel("任务数（项）", fontsize=8)
    ax.tick_params(labelsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(ncols=5, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return fig


def figure_html(fig: Figure, alt: str, caption: str | None = None, fmt: str = "svg", dpi: int = 180) -> Markup:
    """Embed ``fig`` as a data URI in a ``<figure>`` (no external file, no remote URL).

    SVG by default: vector lines print crisply, text stays text (``svg.fonttype`` "none"
    → the page's CJK font draws it), and it is about twice as fast to produce as a
    180-dpi PNG. ``fmt="png"`` embeds a raster instead.
    """
    import matplotlib

    buffer = io.BytesIO()
    width_px = int(fig.get_figwidth() * 100)
    if fmt == "svg":
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "jj123"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        mime = "image/svg+xml"
    else:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        mime = "image/png"
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    cap = Markup("<figcaption>{}</figcaption>").format(caption) if caption else ""
    return Markup('<figure class="jj-figure"><img src="data:{}" alt="{}" style="width:{}px">{}</figure>').format(
        f"{mime};base64,{data}", alt, width_px, cap)
