"""Report charts, hand-built inline SVG (:mod:`jj123lib.render.svgchart`); analysts' matplotlib figures embedded alike.

:func:`trajectory_chart` returns a :class:`~jj123lib.render.svgchart.LineChart` and :func:`distribution_chart`
a :class:`~jj123lib.render.svgchart.StackedBarChart`: text in the page's font, ``display()`` shows them in
JupyterLab. :func:`figure_html` puts either, or an analyst's own matplotlib
:class:`~matplotlib.figure.Figure` (SVG by default, or PNG, as a data URI: self-contained, nothing
fetched), in the report's ``<figure>``. No report needs matplotlib; it is imported only to embed a figure.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from jj123lib.core.cells import finite
from jj123lib.domain import lights
from jj123lib.domain.quarters import short_quarter
from jj123lib.render.svgchart import INK, Chart, Line, LineChart, Note, Segment, StackedBarChart, figure_markup

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["trajectory_chart", "distribution_chart", "figure_html", "PLANNED_COLOR"]

PLANNED_COLOR = "#8a94a0"


def _wrap(text: str, width: int) -> tuple[str, ...]:
    return tuple(text[i:i + width] for i in range(0, len(text), width)) or ("",)


def trajectory_chart(history: pd.DataFrame, title: str, quarters: Sequence[str]) -> LineChart:
    """Planned vs actual cumulative % per quarter for one task, as an inline-SVG chart.

    ``history`` has columns ``quarter, planned_pct, actual_pct, light`` (one task);
    ``quarters`` are the quarters so far, in order (the x axis). Each actual point is filled with
    that quarter's light colour; a quarter without an actual shows its light's label (未报送).
    """
    rows = history.set_index("quarter").reindex(list(quarters))
    planned = tuple(finite(v) for v in rows["planned_pct"])
    actual = tuple(finite(v) for v in rows["actual_pct"])
    keys = [v if isinstance(v, str) else "missing" for v in rows["light"]]
    top = max([v for v in planned + actual if v is not None] + [100.0])
    upper = math.ceil(top / 10) * 10 + 8
    marks = (
        Line("计划累计进度", planned, PLANNED_COLOR, width=2.2, dash="6 3", marker="circle", marker_size=2.8),
        Line("实际累计进度", actual, INK, width=2.5,
             point_colors=tuple(lights.COLORS.get(k, lights.COLORS["missing"]) for k in keys), marker_size=4.7,
             point_labels=tuple("" if v is None else f"{v:.0f}%" for v in actual)),
    )
    notes = tuple(Note(i, 2.0, lights.label(key, lights.LABELS["missing"]), lights.COLORS["missing"])
                  for i, key in enumerate(keys) if actual[i] is None)
    return LineChart(
        title_lines=_wrap(title, 24), alt=f"{title}：计划与实际累计进度",
        x_labels=tuple(short_quarter(q) for q in quarters), y_range=(0.0, float(upper)),
        y_ticks=tuple((float(v), str(v)) for v in range(0, upper, 20)), marks=marks, notes=notes,
        y_label="累计进度（%）", width=460, height=260, font_size=11.0)


def distribution_chart(counts: pd.DataFrame) -> StackedBarChart:
    """Horizontal stacked bars: light counts per row (e.g. per tier), as an inline-SVG chart.

    ``counts`` is indexed by the row label with one column per light key; every light is in the
    legend, in :data:`jj123lib.domain.lights.ORDER`, even at zero. 未报送 is hatched, so it stays apart on paper.
    """
    rows = tuple(str(i) for i in counts.index)
    segments = tuple(
        Segment(lights.LABELS[light],
                tuple(float(v) for v in counts[light]) if light in counts else (0.0,) * len(rows),
                lights.COLORS[light], text_color=INK if light == "yellow" else "#fff", hatched=light == "missing")
        for light in lights.ORDER)
    return StackedBarChart(alt="各层级任务灯号分布", rows=rows, segments=segments, x_label="任务数（项）")


def figure_html(fig: Figure | Chart, alt: str, caption: str | None = None, fmt: str = "svg",
                dpi: int = 180) -> Markup:
    """Embed ``fig`` in a ``<figure>`` (no external file, no remote URL).

    A :class:`~jj123lib.render.svgchart.Chart` goes in as inline SVG with ``alt`` as its accessible name.
    A matplotlib figure goes in as a data URI: SVG by default (vector lines print crisply, text stays
    text: ``svg.fonttype`` "none" → the page's CJK font draws it), ``fmt="png"`` for a raster.
    """
    if isinstance(fig, Chart):
        return dataclasses.replace(fig, alt=alt).html(caption)  # type: ignore[type-var]  # every Chart is a dataclass
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
    image = Markup('<img src="data:{}" alt="{}" style="width:{}px">').format(f"{mime};base64,{data}", alt, width_px)
    return figure_markup(image, caption)
