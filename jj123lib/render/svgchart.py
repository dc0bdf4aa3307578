"""Small line charts as inline SVG markup, written by hand (no plotting library).

After great_tables' nanoplots: a report's charts are a few lines, dots and labels, so the
markup is written directly — about a hundred times faster than drawing with matplotlib,
and the text stays text in the page's own font (selectable in HTML and in the PDF).

Safety: every piece of text (titles, indicator names, units are typed by units) passes
through markupsafe's ``escape``; attributes hold only numbers and the caller's colour
constants; no ``<script>``, event handlers, links, ``<foreignObject>`` or ids. Coordinates
are always finite: missing or non-finite values are gaps, and a gap breaks a line.
Same input → same bytes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from jj123lib.core.cells import finite

__all__ = ["Chart", "Line", "Rule", "Note", "LineChart", "Segment", "StackedBarChart", "figure_markup", "nice_ticks",
           "finite"]

INK = "#1d2630"
AXIS_COLOR = "#5b6670"
GRID_COLOR = "#e3e7eb"


@dataclass(frozen=True)
class Line:
    """A series over the x positions; a None value is a gap that breaks the line.

    ``marker`` is ``""``, ``"circle"`` or ``"square"`` (``marker_size``: radius / half side);
    ``point_colors`` fills each point's marker (white edge), ``point_labels`` are drawn above them.
    """

    label: str
    values: tuple[float | None, ...]
    color: str
    width: float = 2.0
    dash: str = ""
    marker: str = ""
    marker_size: float = 3.0
    point_colors: tuple[str, ...] | None = None
    point_labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the plot at ``value``."""

    label: str
    value: float
    color: str
    width: float = 1.4
    dash: str = ""


@dataclass(frozen=True)
class Note:
    """Text centred at x position ``index`` and height ``value`` (data units)."""

    index: int
    value: float
    text: str
    color: str


def _text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at ``size`` px: CJK glyphs are one em, others about 0.6."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _fit(line: str, width: float, size: float) -> list[str]:
    """``line`` broken into pieces no wider than ``width`` (estimated) at ``size`` px."""
    pieces, current = [], ""
    for ch in line:
        if current and _text_width(current + ch, size) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


def _num(value: float) -> str:
    """A coordinate with one decimal ("12.0" → "12")."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _segments(points: Iterable[tuple[float, float] | None]) -> Iterator[list[tuple[float, float]]]:
    """Runs of consecutive points between gaps."""
    run: list[tuple[float, float]] = []
    for point in points:
        if point is None:
            if run:
                yield run
            run = []
        else:
            run.append(point)
    if run:
        yield run


def nice_ticks(low: float, high: float, most: int = 8) -> tuple[tuple[float, str], ...]:
    """Round tick values within ``[low, high]`` (steps 1, 2, 2.5 or 5 × 10ⁿ, at most ``most`` ticks), labelled."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return ()
    raw = (high - low) / max(most - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    decimals = len(f"{step:.9f}".rstrip("0").split(".")[1])
    first = math.ceil(low / step - 1e-9)
    ticks = []
    for k in range(first, first + most + 1):
        value = k * step
        if value > high + step * 1e-9:
            break
        label = f"{value:.{decimals}f}"
        ticks.append((value, "0" if float(label) == 0 else label))
    return tuple(ticks)


def figure_markup(content: Markup, caption: str | None = None) -> Markup:
    """The report's figure wrapper (``<figure class="jj-figure">``) around a chart, with an escaped caption."""
    cap = Markup("<figcaption>{}</figcaption>").format(caption) if caption else Markup("")
    return Markup('<figure class="jj-figure">{}{}</figure>').format(content, cap)


_PAD = 6.0
_SAMPLE = 18.0  # length of a legend's line sample


@dataclass(frozen=True)
class _Plot:
    """The plot area in viewBox px and the data → px mapping (x positions 0…n−1, matplotlib's margins)."""

    left: float
    right: float
    top: float
    bottom: float
    n: int
    low: float
    high: float

    def x(self, index: float) -> float:
        first, last = -0.4, max(self.n - 0.6, 0.6)
        return self.left + (index - first) / (last - first) * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


class _Pen:
    """Collects SVG elements; text is escaped here and nowhere else."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.font_size: float | None = None

    def group(self, name: str, font_size: float | None = None) -> None:
        """Close the open group (if any) and open ``<g class="jj-chart-NAME">``: the chart's parts, in z order.

        A group of text gets its size and ink colour once, on the group (less markup to parse).
        """
        if self.out:
            self.out.append("</g>")
        self.font_size = font_size
        text = f' font-size="{_num(font_size)}" fill="{INK}"' if font_size else ""
        self.out.append(f'<g class="jj-chart-{name}"{text}>')

    def text(self, x: float, y: float, content: str, size: float | None = None, color: str = INK,
             anchor: str = "start", rotate: bool = False) -> None:
        extra = "" if size is None or size == self.font_size else f' font-size="{_num(size)}"'
        extra += f' fill="{escape(color)}"' if color != INK or not self.font_size else ""
        extra += f' text-anchor="{anchor}"' if anchor != "start" else ""
        if rotate:
            extra += f' transform="rotate(-90 {_num(x)} {_num(y)})"'
        self.out.append(f'<text x="{_num(x)}" y="{_num(y)}"{extra}>{escape(content)}</text>')

    def path(self, d: str, color: str, width: float, dash: str = "") -> None:
        extra = f' stroke-dasharray="{escape(dash)}"' if dash else ""
        extra += ' stroke-linejoin="round"' if "L" in d else ""
        self.out.append(f'<path d="{d}" fill="none" stroke="{escape(color)}" stroke-width="{_num(width)}"{extra}/>')

    def rect(self, x: float, y: float, width: float, height: float, fill: str) -> None:
        """A bar segment with a white rim (segments side by side stay apart)."""
        self.out.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}" '
                        f'fill="{escape(fill)}" stroke="#fff" stroke-width="1"/>')

    def hatch(self, x: float, y: float, width: float, height: float, step: float = 6.0) -> None:
        """White diagonal lines across a rectangle (one path, clipped by hand: no ``<pattern>`` ids to clash)."""
        parts = []
        offset = x - height
        while offset < x + width:
            first, last = max(0.0, x - offset), min(height, x + width - offset)  # t along the line x = offset + t
            if last - first > 0.5:  # not a sliver at a corner
                parts.append(f"M{_num(offset + first)} {_num(y + height - first)}"
                             f"L{_num(offset + last)} {_num(y + height - last)}")
            offset += step
        if parts:
            self.path("".join(parts), "#fff", 0.9)

    def marker(self, shape: str, at: tuple[float, float], size: float, fill: str, edge: bool = False) -> None:
        """A circle (or a square for ``shape == "square"``) of radius / half side ``size``; ``edge``: white rim."""
        rim = ' stroke="#fff" stroke-width="1.1"' if edge else ""
        x, y = at
        if shape == "square":
            self.out.append(f'<rect x="{_num(x - size)}" y="{_num(y - size)}" width="{_num(2 * size)}" '
                            f'height="{_num(2 * size)}" fill="{escape(fill)}"{rim}/>')
        else:
            self.out.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(size)}" fill="{escape(fill)}"{rim}/>')


class Chart:
    """What every chart offers: its ``<svg>``, the report's figure markup, and JupyterLab's display."""

    def svg(self) -> Markup:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return str(self.html())

    def html(self, caption: str | None = None) -> Markup:
        """The chart in the report's ``<figure class="jj-figure">``."""
        return figure_markup(self.svg(), caption)


def _svg_element(alt: str, width: int, height: int, body: list[str]) -> Markup:
    """``<svg role="img">`` named by ``alt`` (``aria-label`` and ``<title>``), scaling down with its column."""
    head = (f'<svg role="img" aria-label="{escape(alt)}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" style="display:block;width:100%;max-width:{width}px;height:auto;font-family:inherit">')
    return Markup("\n".join([head, f"<title>{escape(alt)}</title>", *body, "</g>", "</svg>"]))


@dataclass(frozen=True)
class LineChart(Chart):
    """A line chart over categorical x positions (quarters), drawn as inline SVG.

    ``title_lines`` are drawn top left; the legend (labels of ``marks`` in order, empty labels left
    out) under them; ``alt`` is the accessible name. ``y_ticks`` are (value, label) pairs with
    gridlines; ``font_size`` is the size of tick, point and axis labels in px of the ``viewBox``.
    """

    title_lines: tuple[str, ...]
    alt: str
    x_labels: tuple[str, ...]
    y_range: tuple[float, float]
    y_ticks: tuple[tuple[float, str], ...]
    marks: tuple[Line | Rule, ...] = ()
    notes: tuple[Note, ...] = ()
    y_label: str = ""
    width: int = 460
    height: int = 260
    font_size: float = 11.0

    def svg(self) -> Markup:
        """The ``<svg>`` element (role="img", aria-label and ``<title>`` from ``alt``)."""
        font = self.font_size
        title_size, legend_size = round(font * 1.15, 1), round(font * 0.88, 1)
        low, high = self.y_range
        if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
            low, high = 0.0, 1.0
        ticks = [(v, label) for v, label in self.y_ticks if math.isfinite(v) and low <= v <= high]
        pen = _Pen()
        y = self._draw_titles(pen, title_size)
        left = self._left_margin(ticks)
        legend, y = self._legend_layout(left, y, legend_size)  # the legend rows go under the title
        bottom = self.height - _PAD - font * 1.5
        top = min(y + font * 1.2, bottom - font * 3)  # a very long title squeezes the plot, never inverts it
        plot = _Plot(left, self.width - _PAD * 1.5, top, bottom, len(self.x_labels), low, high)
        self._draw_axes(pen, plot, ticks)
        points = [self._points(mark, plot) for mark in self.marks]
        self._draw_lines(pen, plot, points)  # lines first, markers and labels above all of them
        self._draw_markers(pen, points)
        self._draw_labels(pen, plot, points)
        self._draw_legend(pen, legend, legend_size)
        return _svg_element(self.alt, self.width, self.height, pen.out)

    def _draw_titles(self, pen: _Pen, title_size: float) -> float:
        """The title lines, top left, wrapped to the width; returns the y of their last baseline row."""
        y = _PAD
        pen.group("title", title_size)
        for title in self.title_lines:
            for line in _fit(title, self.width - 2 * _PAD, title_size):
                y += title_size * 1.25
                pen.text(_PAD, y - title_size * 0.25, line)
        return y

    def _legend_layout(self, left: float, y: float, legend_size: float
                       ) -> tuple[list[tuple[float, float, Line | Rule]], float]:
        """Where each labelled mark's legend entry goes (rows under ``y``, from ``left``), and the y below them."""
        x, rows = left, 0
        legend: list[tuple[float, float, Line | Rule]] = []
        for mark in (m for m in self.marks if m.label):
            item = _SAMPLE + 4 + _text_width(mark.label, legend_size)
            if rows == 0 or x + item > self.width - _PAD:
                rows, x = rows + 1, left
            legend.append((x, y + rows * legend_size * 1.45, mark))
            x += item + 12
        return legend, y + rows * legend_size * 1.45

    def _draw_axes(self, pen: _Pen, plot: _Plot, ticks: Sequence[tuple[float, str]]) -> None:
        """Gridlines (one path), tick and x labels, the y axis label and the axes themselves."""
        font = self.font_size
        pen.group("axes", font)
        if ticks:
            pen.path("".join(f"M{_num(plot.left)} {_num(plot.y(v))}H{_num(plot.right)}" for v, _ in ticks),
                     GRID_COLOR, 1.0)
        for value, label in ticks:
            pen.text(plot.left - 5, plot.y(value) + font * 0.35, label, anchor="end")
        for i, label in enumerate(self.x_labels):
            pen.text(plot.x(i), plot.bottom + 4 + font, label, anchor="middle")
        if self.y_label:
            cx, cy = _PAD + font * 0.9, (plot.top + plot.bottom) / 2
            pen.text(cx, cy, self.y_label, anchor="middle", rotate=True)
        pen.path(f"M{_num(plot.left)} {_num(plot.top)}V{_num(plot.bottom)}H{_num(plot.right)}", AXIS_COLOR, 1.0)

    def _draw_lines(self, pen: _Pen, plot: _Plot, points: list[list[tuple[float, float] | None]]) -> None:
        """Rules within the y range, and each line's runs between gaps."""
        pen.group("lines")
        for mark, where in zip(self.marks, points):
            if isinstance(mark, Rule):
                level = finite(mark.value)
                if level is not None and plot.low <= level <= plot.high:
                    pen.path(f"M{_num(plot.left)} {_num(plot.y(level))}H{_num(plot.right)}", mark.color,
                             mark.width, mark.dash)
                continue
            for run in _segments(where):
                if len(run) > 1:
                    pen.path("M" + "L".join(f"{_num(a)} {_num(b)}" for a, b in run), mark.color, mark.width,
                             mark.dash)

    def _draw_markers(self, pen: _Pen, points: list[list[tuple[float, float] | None]]) -> None:
        pen.group("points")
        for mark, where in zip(self.marks, points):
            if isinstance(mark, Line) and (mark.marker or mark.point_colors):
                for i, point in enumerate(where):
                    if point is not None:
                        colours = mark.point_colors or ()
                        fill = colours[i] if i < len(colours) else mark.color
                        pen.marker(mark.marker, point, mark.marker_size, fill, edge=bool(mark.point_colors))

    def _draw_labels(self, pen: _Pen, plot: _Plot, points: list[list[tuple[float, float] | None]]) -> None:
        """Point labels above their markers, then the notes."""
        pen.group("labels", self.font_size)
        for mark, where in zip(self.marks, points):
            if isinstance(mark, Line) and mark.point_labels:
                for point, label in zip(where, mark.point_labels):
                    if point is not None and label:
                        pen.text(point[0], point[1] - mark.marker_size - 4, label, anchor="middle")
        for note in self.notes:
            height = finite(note.value)
            if 0 <= note.index < plot.n and height is not None:
                pen.text(plot.x(note.index), plot.y(height), note.text, color=note.color, anchor="middle")

    def _draw_legend(self, pen: _Pen, legend: list[tuple[float, float, Line | Rule]], legend_size: float) -> None:
        pen.group("legend", legend_size)
        for x0, y0, mark in legend:
            middle = y0 - legend_size * 0.35
            pen.path(f"M{_num(x0)} {_num(middle)}H{_num(x0 + _SAMPLE)}", mark.color, mark.width, mark.dash)
            if isinstance(mark, Line) and mark.marker:
                pen.marker(mark.marker, (x0 + _SAMPLE / 2, middle), min(mark.marker_size, 3.0), mark.color)
            pen.text(x0 + _SAMPLE + 4, y0, mark.label)

    def _points(self, mark: Line | Rule, plot: _Plot) -> list[tuple[float, float] | None]:
        """Where a line's values fall on the plot (None: a gap); a rule has none."""
        if isinstance(mark, Rule):
            return []
        values = [finite(v) for v in mark.values[:plot.n]]
        values += [None] * (plot.n - len(values))
        return [None if v is None else (plot.x(i), plot.y(v)) for i, v in enumerate(values)]

    def _left_margin(self, ticks: Sequence[tuple[float, str]]) -> float:
        widest = max((_text_width(label, self.font_size) for _, label in ticks), default=0.0)
        return 6.0 + (self.font_size * 1.6 if self.y_label else 0.0) + widest + 8.0


@dataclass(frozen=True)
class Segment:
    """One part of every bar of a :class:`StackedBarChart`: a value per row, a colour and a legend label."""

    label: str
    values: tuple[float, ...]
    color: str
    text_color: str = "#fff"
    hatched: bool = False  # white diagonal lines: tells this part apart on a grey print


@dataclass(frozen=True)
class StackedBarChart(Chart):
    """Horizontal stacked bars (one per row, segments left to right), drawn as inline SVG.

    The legend (every segment's label, in order, even at zero) runs along the top; each segment
    wide enough shows its value; ``x_label`` names the axis under the ticks.
    """

    alt: str
    rows: tuple[str, ...]
    segments: tuple[Segment, ...]
    x_label: str = ""
    width: int = 720
    row_height: float = 30.0
    font_size: float = 11.0

    def svg(self) -> Markup:
        """The ``<svg>`` element (role="img", aria-label and ``<title>`` from ``alt``)."""
        font = self.font_size
        legend_size = round(font * 0.95, 1)
        values = [[max(finite(v) or 0.0, 0.0) for v in (*segment.values, *[0.0] * len(self.rows))][:len(self.rows)]
                  for segment in self.segments]
        totals = [sum(column) for column in zip(*values)] if values else [0.0] * len(self.rows)
        ticks = nice_ticks(0.0, max([*totals, 1.0]), most=7)
        high = max([*totals, ticks[-1][0] if ticks else 1.0, 1.0])
        left = _PAD + max((_text_width(row, font) for row in self.rows), default=0.0) + 8
        right = self.width - _PAD * 2
        top = _PAD + legend_size * 1.6 + 6
        bottom = top + self.row_height * len(self.rows)
        height = int(math.ceil(bottom + font * 1.6 + (font * 1.6 if self.x_label else 0) + _PAD))

        def x(value: float) -> float:
            return left + value / high * (right - left)

        pen = _Pen()
        pen.group("legend", legend_size)
        position = left
        for segment in self.segments:
            pen.rect(position, _PAD + 1, 14, legend_size, segment.color)
            if segment.hatched:
                pen.hatch(position, _PAD + 1, 14, legend_size)
            pen.text(position + 18, _PAD + legend_size, segment.label)
            position += 18 + _text_width(segment.label, legend_size) + 14
        pen.group("axes", font)
        if ticks:
            pen.path("".join(f"M{_num(x(v))} {_num(top)}V{_num(bottom)}" for v, _ in ticks), GRID_COLOR, 1.0)
        for value, label in ticks:
            pen.text(x(value), bottom + 4 + font, label, anchor="middle")
        for i, row in enumerate(self.rows):
            pen.text(left - 6, top + self.row_height * (i + 0.5) + font * 0.35, row, anchor="end")
        if self.x_label:
            pen.text((left + right) / 2, bottom + 4 + font * 2.6, self.x_label, anchor="middle")
        pen.group("bars", font)
        bar = self.row_height * 0.7
        for i in range(len(self.rows)):
            start = 0.0
            y0 = top + self.row_height * i + (self.row_height - bar) / 2
            for segment, column in zip(self.segments, values):
                value = column[i]
                if value > 0:
                    pen.rect(x(start), y0, x(start + value) - x(start), bar, segment.color)
                    if segment.hatched:
                        pen.hatch(x(start), y0, x(start + value) - x(start), bar)
                    label = f"{value:.0f}"
                    if x(start + value) - x(start) >= _text_width(label, font) + 4:
                        pen.text((x(start) + x(start + value)) / 2, y0 + bar / 2 + font * 0.35, label,
                                 color=segment.text_color, anchor="middle")
                start += value
        pen.path(f"M{_num(left)} {_num(top)}V{_num(bottom)}H{_num(right)}", AXIS_COLOR, 1.0)

        return _svg_element(self.alt, self.width, height, pen.out)
