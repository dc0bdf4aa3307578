"""Tiny HTML builders for reports: every value is escaped unless it is built here.

Unit-submitted text (progress, problems, plans, coordination requests, names)
is hostile-input territory: it must show verbatim and never execute. So text
only reaches HTML through :func:`esc` (markupsafe's escape: ``<``, ``>``, ``&``
and both quotes) and is never put into a markdown cell, where ``$…$``, ``*`` or
HTML would be interpreted. Builders return :class:`markupsafe.Markup`, so nesting
builders does not double-escape, and ``Markup + str`` escapes the ``str``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd
from markupsafe import Markup, escape

from jj123lib.domain import lights

__all__ = ["Markup", "esc", "is_blank", "text_or_none", "badge", "change_tag", "table", "section", "fmt_pct",
           "fmt_gap"]

_BLANK_WORDS = {"", "无", "无。", "暂无", "暂无。", "没有", "/", "-", "—", "无需", "不需要", "nan", "none"}


def is_blank(value: object) -> bool:
    """True for missing values and for text that says "nothing" (无, 暂无 …)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return str(value).strip().lower() in _BLANK_WORDS


def text_or_none(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def esc(value: object) -> Markup:
    """Escape anything for HTML text or attribute context; ``Markup`` passes through; None/NaN → ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Markup("")
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return escape(value)


def badge(light: str | None, label: str | None = None, title: str | None = None) -> Markup:
    """A light as a coloured badge that also carries its text label (grayscale-safe)."""
    key = light if light in lights.LABELS else "missing"
    text = label or lights.label(light)
    attr = Markup(' title="{}"').format(title) if title else ""
    return Markup('<span class="light light-{}"{}>{}</span>').format(key, attr, text)


_CHANGE_CLASS = {"好转": "change-better", "变差": "change-worse", "持平": "change-same", "首次评价": "change-first"}
_CHANGE_ARROW = {"好转": "↑ ", "变差": "↓ ", "持平": "", "首次评价": ""}


def change_tag(change: object) -> Markup:
    text = "" if is_blank(change) else str(change)
    cls = _CHANGE_CLASS.get(text, "change-same")
    return Markup('<span class="{}">{}{}</span>').format(cls, _CHANGE_ARROW.get(text, ""), text or "—")


def fmt_pct(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    number = float(value)
    return f"{number:.0f}%" if number.is_integer() else f"{number:.1f}%"


def fmt_gap(gap: float | None) -> str:
    """Gap = planned − actual (points). Positive means behind schedule."""
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return "—"
    number = float(gap)
    shown = f"{abs(number):.0f}" if number.is_integer() else f"{abs(number):.1f}"
    if number > 0:
        return f"落后 {shown}"
    if number < 0:
        return f"超前 {shown}"
    return "持平"


Column = tuple[str, str]  # (header label, css class)


def table(columns: Sequence[Column], rows: Iterable[Sequence[object]], row_classes: Iterable[str] | None = None,
          css: str = "jj-table", caption: str | None = None) -> Markup:
    """An HTML table; cells that are not :class:`Markup` are escaped."""
    head = Markup("").join(Markup('<th class="{}">{}</th>').format(cls, label) for label, cls in columns)
    classes = list(row_classes) if row_classes is not None else None
    body = []
    for i, row in enumerate(rows):
        cls = Markup(' class="{}"').format(classes[i]) if classes and classes[i] else ""
        cells = Markup("").join(Markup('<td class="{}">{}</td>').format(c[1], esc(v)) for v, c in zip(row, columns))
        body.append(Markup("<tr{}>{}</tr>").format(cls, cells))
    cap = Markup("<caption>{}</caption>").format(caption) if caption else ""
    return Markup('<table class="{}">{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
        css, cap, head, Markup("").join(body))


def section(title: str, body: str, note: str | None = None, level: int = 2) -> Markup:
    """A heading and its body (a ``body`` that is not :class:`Markup` is escaped)."""
    note_html = Markup('<p class="jj-note">{}</p>').format(note) if note else ""
    return Markup("<section><h{0}>{1}</h{0}>{2}{3}</section>").format(level, title, note_html, body)
