"""Tiny HTML builders for reports: every value is escaped unless it is built here.

Unit-submitted text (progress, problems, plans, coordination requests, names)
is hostile-input territory: it must show verbatim and never execute. So text
only reaches HTML through :func:`esc` (``<``, ``>``, ``&`` and both quotes
escaped) and is never put into a markdown cell, where ``$…$``, ``*`` or HTML
would be interpreted. Builders return :class:`Html`, a ``str`` subclass that
marks already-safe markup, so nesting builders does not double-escape.
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Iterable, Sequence
from typing import Any

from jj123lib.ratings import LIGHT_LABELS, LIGHTS

__all__ = ["Html", "esc", "is_blank", "text_or_none", "badge", "change_tag", "table", "section", "fmt_pct",
           "fmt_gap", "LIGHT_LABELS", "LIGHT_ORDER"]

# Same labels as jj123lib.ratings (kept here so index pages need no pandas import).
LIGHT_ORDER = LIGHTS  # severity order, best first; one definition, in ratings.py
_BLANK_WORDS = {"", "无", "无。", "暂无", "暂无。", "没有", "/", "-", "—", "无需", "不需要", "nan", "none"}


class Html(str):
    """Markup that is already safe to embed."""

    def _repr_html_(self) -> str:  # lets a notebook display it directly
        return str(self)


def is_blank(value: Any) -> bool:
    """True for missing values and for text that says "nothing" (无, 暂无 …)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA or (not isinstance(value, (str, list, tuple, dict)) and bool(pd.isna(value))):
            return True
    except (ImportError, TypeError, ValueError):
        pass
    return str(value).strip().lower() in _BLANK_WORDS


def text_or_none(value: Any) -> str | None:
    return None if is_blank(value) else str(value).strip()


def esc(value: Any) -> Html:
    """Escape anything for HTML text or attribute context; ``Html`` passes through; blanks → ""."""
    if isinstance(value, Html):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Html("")
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return Html(_html.escape(str(value), quote=True))


def badge(light: str | None, label: str | None = None, title: str | None = None) -> Html:
    """A light as a coloured badge that also carries its text label (grayscale-safe)."""
    key = light if light in LIGHT_LABELS else "missing"
    text = label or LIGHT_LABELS.get(str(light), "—")
    attr = f' title="{esc(title)}"' if title else ""
    return Html(f'<span class="light light-{key}"{attr}>{esc(text)}</span>')


_CHANGE_CLASS = {"好转": "change-better", "变差": "change-worse", "持平": "change-same", "首次评价": "change-first"}
_CHANGE_ARROW = {"好转": "↑ ", "变差": "↓ ", "持平": "", "首次评价": ""}


def change_tag(change: Any) -> Html:
    text = "" if is_blank(change) else str(change)
    cls = _CHANGE_CLASS.get(text, "change-same")
    return Html(f'<span class="{cls}">{esc(_CHANGE_ARROW.get(text, ""))}{esc(text or "—")}</span>')


def fmt_pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    number = float(value)
    return f"{number:.0f}%" if number.is_integer() else f"{number:.1f}%"


def fmt_gap(gap: Any) -> str:
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


def table(columns: Sequence[Column], rows: Iterable[Sequence[Any]], row_classes: Iterable[str] | None = None,
          css: str = "jj-table", caption: str | None = None) -> Html:
    """An HTML table; cells that are not :class:`Html` are escaped."""
    head = "".join(f'<th class="{esc(cls)}">{esc(label)}</th>' for label, cls in columns)
    classes = list(row_classes) if row_classes is not None else None
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{esc(classes[i])}"' if classes and classes[i] else ""
        cells = "".join(f'<td class="{esc(c[1])}">{esc(v)}</td>' for v, c in zip(row, columns))
        body.append(f"<tr{cls}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return Html(f'<table class="{esc(css)}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def section(title: str, body: str, note: str | None = None, level: int = 2) -> Html:
    """A heading and its body (the body must already be :class:`Html`)."""
    note_html = f'<p class="jj-note">{esc(note)}</p>' if note else ""
    return Html(f"<section><h{level}>{esc(title)}</h{level}>{note_html}{esc(body)}</section>")
