"""Charts: Chinese text without warnings, the lights' own colours, embedded images."""

from __future__ import annotations

import warnings

import pandas as pd
from matplotlib.colors import to_hex

from jj123lib import charts, lights


def _history() -> pd.DataFrame:
    return pd.DataFrame({"quarter": ["2026Q1", "2026Q2"], "planned_pct": [20.0, 50.0],
                         "actual_pct": [18.0, float("nan")], "light": ["green", "missing"]})


def test_trajectory_chart_is_a_figure_without_glyph_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.trajectory_chart(_history(), "N01 纵深推进国家级盘活利用低效用地试点工作",
                                      ["2026Q1", "2026Q2", "2026Q3"])
        html = charts.figure_html(fig, alt="计划与实际")
    assert html.startswith('<figure class="jj-figure"><img src="data:image/svg+xml;base64,')
    assert charts.figure_html(fig, alt="x", fmt="png").startswith('<figure class="jj-figure"><img src="data:image/png;')
    assert 'alt="计划与实际"' in html
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一季度", "二季度", "三季度"]


def test_distribution_chart() -> None:
    counts = pd.DataFrame({"done": [1, 0], "green": [3, 2], "yellow": [0, 1], "red": [1, 0], "missing": [0, 1]},
                          index=["全国领先示范", "全省领先示范"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.distribution_chart(counts)
        charts.figure_html(fig, alt="分布")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == [lights.LABELS[key] for key in lights.ORDER]  # every light, in order, even at count 0


def test_charts_draw_lights_in_their_colours() -> None:
    counts = pd.DataFrame({key: [1] for key in lights.ORDER}, index=["全国领先示范"])
    ax = charts.distribution_chart(counts).axes[0]
    bar_colours = [to_hex(container.patches[0].get_facecolor()) for container in ax.containers]
    assert bar_colours == [lights.COLORS[key] for key in lights.ORDER]
    dots = charts.trajectory_chart(_history(), "N01", ["2026Q1", "2026Q2"]).axes[0].collections
    assert [to_hex(dot.get_facecolor()[0]) for dot in dots] == [lights.COLORS["green"]]


def test_escaped_alt_text() -> None:
    fig = charts.trajectory_chart(_history(), "<b>x</b>", ["2026Q1", "2026Q2"])
    html = charts.figure_html(fig, alt='<script>alert("x")</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html
