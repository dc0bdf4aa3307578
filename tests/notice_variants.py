"""Write a task table back out as notice text, in the style of the 2026 notice.

Tests use it to make "later year" notices: other leaders, lines wrapped at other
places, half-width brackets on some items, and page-number lines as a PDF copy
leaves them ("- 3 -", "第3页 共7页", a bare "3"…), one page every 15–30 lines,
wherever the page ends, inside an item too. Breaking a line right next to a space
is avoided: a typesetter that breaks there drops the space, which changes the
title itself. With page numbers, a wrapped piece that is nothing but a 1–3 digit
number is avoided too: the parser reads a lone number continuing the page
sequence as a page number (a typeset line is never that short).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pandas as pd

from jj123lib.domain.tasks import default_notice_path, normalize_task_table

TIER_HEADERS = {
    "national": "（一）1 项在全国范围内领先示范的工作（每位副市长分管领域至少 1 项）",
    "provincial": "（二）2 项在全省领先示范的工作（每位副市长分管领域至少 2 项）",
    "breakthrough": "（三）3项重点突破的难点工作（每位副市长分管领域至少3项）",
}


@dataclass
class Style:
    """How to write the notice; every choice is made per item by ``rng``."""

    seed: int = 0
    wrap_probability: float = 0.5
    half_width_probability: float = 0.3
    blank_line_in_wrap_probability: float = 0.5
    leader_map: dict[str, str] = field(default_factory=dict)
    cut_item_numbers: bool = False  # allow a break inside "12. " (the parser must then fail)
    page_number: str | None = None  # e.g. "- {n} -" or "第{n}页 共{total}页"; None: no page numbers
    full_width_digits: bool = False  # page numbers in full-width digits ("－２－")


PAGE_NUMBER_FORMATS = ("- {n} -", "— {n} —", "－{n}－", "—{n}—", "{n}", "第 {n} 页", "第{n}页 共{total}页",
                       "第 {n} 页 / 共 {total} 页")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _preamble_and_footer() -> tuple[str, str]:
    text = default_notice_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    first_header = next(i for i, line in enumerate(lines) if line.startswith("(一)"))
    footer = next(i for i, line in enumerate(lines) if line.startswith("二、工作要求"))
    return "\n".join(lines[:first_header]), "\n".join(lines[footer:])


def _safe_cut_points(text: str, first: int) -> list[int]:
    return [i for i in range(first, len(text) - 1) if not text[i - 1].isspace() and not text[i].isspace()]


def _wrap(text: str, rng: random.Random, style: Style) -> list[str]:
    if rng.random() >= style.wrap_probability:
        return [text]
    number = re.match(r"\d+\. ", text)
    first = 1 if style.cut_item_numbers or number is None else number.end() + 1
    points = _safe_cut_points(text, first)
    cuts = sorted(rng.sample(points, k=min(len(points), rng.randint(1, 3))))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    blank_after = [rng.random() < style.blank_line_in_wrap_probability for _ in pieces[1:]]
    if style.page_number is not None and any(re.fullmatch(r"[\d０-９]{1,3}", p.strip()) for p in pieces):
        return [text]  # after the same draws as otherwise, so the rest of the notice is wrapped the same
    out = [pieces[0]]
    for piece, blank in zip(pieces[1:], blank_after):
        out += ["", piece] if blank else [piece]
    return out


def write_notice(tasks: pd.DataFrame, style: Style) -> tuple[str, pd.DataFrame]:
    """Return notice text for ``tasks`` and the table a correct parser must give back."""
    rng = random.Random(style.seed)
    preamble, footer = _preamble_and_footer()
    lines = preamble.splitlines()
    expected = tasks.copy()
    expected["leader"] = [style.leader_map.get(x, x) for x in expected["leader"]]
    source_lines: list[int] = []
    for tier, header in TIER_HEADERS.items():
        lines += _wrap(header, rng, style) + [""]
        for row in expected[expected["tier"] == tier].itertuples(index=False):
            half = rng.random() < style.half_width_probability
            open_, close, colon = ("(", ")", ":") if half else ("（", "）", "：")
            annotation = f"{open_}牵头市领导{colon}{row.leader}，责任单位{colon}{'、'.join(row.units)}{close}"  # type: ignore[arg-type]  # pandas-stubs: itertuples' fields are scalars
            source_lines.append(len(lines) + 1)
            lines += _wrap(f"{row.seq}. {row.title}。{annotation}", rng, style) + [""]
    lines += footer.splitlines()
    if style.page_number is not None:
        lines, source_lines = _insert_page_numbers(lines, source_lines, rng, style)
    expected["source_line"] = source_lines
    text = "\n".join(lines) + "\n"
    return text, normalize_task_table(expected)


def _insert_page_numbers(lines: list[str], source_lines: list[int], rng: random.Random,
                         style: Style) -> tuple[list[str], list[int]]:
    """Insert a page-number line after every 15–30 lines; return the lines and the shifted item lines."""
    assert style.page_number is not None
    ends: list[int] = []  # page n ends after line ends[n - 1] (1-based)
    position = 0
    while True:
        position += rng.randint(15, 30)
        if position >= len(lines):
            break
        ends.append(position)
    ends.append(len(lines))  # the last page's number closes the document
    out: list[str] = []
    shift = [0] * (len(lines) + 2)
    page = 0
    for number, line in enumerate(lines, start=1):
        shift[number] = page
        out.append(line)
        if page < len(ends) and number == ends[page]:
            page += 1
            label = style.page_number.format(n=page, total=len(ends))
            out.append(label.translate(_FULL_WIDTH) if style.full_width_digits else label)
    return out, [line + shift[line] for line in source_lines]
