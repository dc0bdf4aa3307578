"""Plotting helpers for analysts; importing this module sets matplotlib up for Chinese text.

``import jj123lib.render.plotting`` registers the Noto Sans CJK font (:func:`jj123lib.render.fonts.setup`) and makes it
the first sans-serif family, so any plain matplotlib or pandas chart drawn afterwards shows Chinese
labels instead of empty boxes. The lights' colours come from :mod:`jj123lib.domain.lights`.

``trajectory_chart`` and ``distribution_chart`` are the reports' own charts, hand-built SVG
(:mod:`jj123lib.render.svgchart`), not matplotlib figures: ``display()`` them, or ``figure_html(chart, alt)``
like any figure.
"""

from __future__ import annotations

from jj123lib.domain.lights import COLORS, LABELS, ORDER
from jj123lib.render import fonts
from jj123lib.render.charts import distribution_chart, figure_html, trajectory_chart

__all__ = ["FONT_FAMILY", "light_colors", "light_label_colors", "distribution_chart", "trajectory_chart",
           "figure_html"]

FONT_FAMILY: str = fonts.setup()


def light_colors() -> list[str]:
    """The lights' colours in :data:`jj123lib.domain.lights.ORDER` (for ``color=`` of a bar chart by light)."""
    return [COLORS[key] for key in ORDER]


def light_label_colors() -> dict[str, str]:
    """Chinese label → colour (for charts whose columns are 已完成/绿灯/黄灯/红灯/未报送)."""
    return {LABELS[key]: COLORS[key] for key in ORDER}
