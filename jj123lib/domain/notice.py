"""Parse a "123" work notice (争先进位工作通知) into the task table.

The notice is typed text copied from a PDF or Word file, so the parser copes with
labels broken across lines (with blank lines between), full- and half-width
brackets and colons, brackets inside titles, units joined by "、", section
headers spanning two lines, and the 工作要求 section and footer after the list.

How it reads the text:

1. Find the first tier header, a line starting with "（一）"-style numbering whose
   text names 全国 / 全省 / 突破·难点. A header may wrap; it runs until its first item.
2. The task region ends at the next top-level heading ("二、工作要求").
3. Within a tier, a line starting with "N." (or "N．", "N、") opens an item;
   following non-blank lines continue it until the item's annotation
   "（牵头市领导：…，责任单位：…）" has closed.
4. Every non-blank line in the region must belong to a header or an item. Anything
   else is a :class:`NoticeParseError` naming the line: a task is never dropped.
5. Page numbers a PDF copy leaves on lines of their own are skipped: "- 2 -",
   "— 2 —", "－2－", "第 2 页", "第2页 共5页". A bare number ("2") may instead be a
   wrapped piece of a title, so it is a page number only between items (unless it
   and the next line are one item number cut in two, "1" + "2. …"), or, inside an
   item or a header, when it continues the page sequence: the page number before
   it is one less, or the next page-number-like line is one more, either at least
   8 lines away. Otherwise it is text of the item.

Matching runs on a copy of each line with full-width punctuation and digits
folded to ASCII (same length), while titles and names are cut from the original
text, so they stay verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from jj123lib.core.exceptions import NoticeParseError
from jj123lib.domain.quarters import CHINESE_NUMERALS
from jj123lib.domain.tasks import TASK_COLUMNS, normalize_task_table
from jj123lib.domain.tiers import TIER_LABELS, TIERS, task_id_for

__all__ = ["Notice", "parse_notice", "parse_notice_document", "TASK_COLUMNS"]

# Full-width → ASCII, one character to one character, so indices stay aligned.
_FOLD = str.maketrans(
    "（）：，；．。　０１２３４５６７８９",
    "():,;..\u00200123456789",
)
_CN_NUM = CHINESE_NUMERALS
_TOP_HEADING = re.compile(rf"^\s*[{_CN_NUM}]+\s*、")
_TIER_HEADING = re.compile(rf"^\s*\(\s*[{_CN_NUM}]+\s*\)")
_BROKEN_TIER_HEADING = re.compile(rf"^\s*\(\s*[{_CN_NUM}]+\s*$")
_ITEM_START = re.compile(r"^\s*(\d+)\s*[.、]\s*")
# The annotation may only be opened by a bracket directly followed by 牵头.
_ANNOTATION = re.compile(
    r"\(\s*牵\s*头\s*(?:市\s*)?领\s*导\s*:\s*(?P<leader>[^,;)]*?)\s*[,;]\s*"
    r"责\s*任\s*单\s*位\s*:\s*(?P<units>(?:[^()]|\([^()]*\))*?)\s*\)\s*[.;]?\s*$"
)
_ANNOTATION_OPEN = re.compile(r"\(\s*牵\s*头")
_UNIT_SPLIT = re.compile(r"\s*[、,;]\s*(?![^()]*\))")  # not inside a unit's own brackets
_MINIMUM = re.compile(r"至少\s*(\d+)\s*项")
_DASHES = "-－—–―‒−﹣"
_DECORATED_PAGE = re.compile(rf"^[{_DASHES}]+\s*(\d{{1,3}})\s*[{_DASHES}]+$")
_CHINESE_PAGE = re.compile(r"^第\s*(\d{1,3})\s*页(?:\s*[,/／]?\s*共\s*\d{1,3}\s*页)?$")
_BARE_PAGE = re.compile(r"^(\d{1,3})$")
# Two page numbers are at least this many lines apart (a 公文 page holds 22 lines of text).
_MIN_PAGE_LINES = 8
_YEAR = re.compile(r"(20\d\d)\s*年度")
# Quantities stated in a title: a number followed by a measure word. 年 is left
# out on purpose: "延长30年" and "2026 年" are terms and dates, not targets.
_QUANTITY = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>万亩|亩|万元|亿元|平方米|公顷|公里|千米|个|家|项|户|座|条|所|人次|人|%)"
)


@dataclass(frozen=True)
class TierSection:
    """A tier header as the notice states it."""

    tier: str
    heading: str
    line: int
    minimum_per_leader: int | None


@dataclass(frozen=True)
class Notice:
    """Everything parsed from one notice: the task table and what it says about quotas."""

    tasks: pd.DataFrame
    year: int | None
    sections: list[TierSection] = field(default_factory=list)

    @property
    def minimums(self) -> dict[str, int]:
        """Per-leader minimum count by tier, as stated in the tier headers."""
        return {s.tier: s.minimum_per_leader for s in self.sections if s.minimum_per_leader is not None}


@dataclass
class _Item:
    line: int
    parts: list[str]

    @property
    def seq(self) -> int:
        match = _ITEM_START.match(self.parts[0].translate(_FOLD))
        return int(match.group(1)) if match else -1

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def folded(self) -> str:
        return self.text.translate(_FOLD)

    @property
    def annotation_closed(self) -> bool:
        folded = self.folded
        start = _last_annotation_start(folded)
        if start is None:
            return False
        depth = 0  # unit names may hold brackets of their own: "市委编办（市委改革办）"
        for char in folded[start:]:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return True
        return False


def _last_annotation_start(folded: str) -> int | None:
    starts = [m.start() for m in _ANNOTATION_OPEN.finditer(folded)]
    return starts[-1] if starts else None


def _classify_tier(heading: str, line: int) -> str:
    # "123": the header's own count names the tier ("（一）1 项在全国…", "（三）3项重点突破…").
    count = re.match(rf"\s*\(\s*[{_CN_NUM}]+\s*\)\s*([123])\s*项", heading.translate(_FOLD))
    if count:
        return TIERS[int(count.group(1)) - 1]
    if "突破" in heading or "难点" in heading:  # before 全省: "重点突破…（对标全省先进）"
        return "breakthrough"
    if "全国" in heading:
        return "national"
    if "全省" in heading:
        return "provincial"
    raise NoticeParseError(line, heading, "无法判断该层级标题属于全国、全省还是重点突破")


@dataclass(frozen=True)
class _PageLine:
    """A line that looks like a page number; ``bare`` ones may be text (see rule 5)."""

    line: int
    value: int
    bare: bool


def _page_lines(lines: list[str]) -> dict[int, _PageLine]:
    """Every line shaped like a page number, by line number (1-based)."""
    found: dict[int, _PageLine] = {}
    for number, raw in enumerate(lines, start=1):
        folded = raw.strip().translate(_FOLD)
        match = _DECORATED_PAGE.match(folded) or _CHINESE_PAGE.match(folded)
        if match is not None:
            found[number] = _PageLine(number, int(match.group(1)), bare=False)
        elif (bare := _BARE_PAGE.match(folded)) is not None:
            found[number] = _PageLine(number, int(bare.group(1)), bare=True)
    return found


def _parse_item(item: _Item, tier: str, year: int | None, source: str | None) -> dict[str, object]:
    text = item.text
    start_match = _ITEM_START.match(item.folded)
    assert start_match is not None  # items are only opened on a matching line
    seq = int(start_match.group(1))
    ann_start, leader, units = _read_annotation(item, source)
    title = text[start_match.end() : ann_start].strip()
    title = re.sub(r"[。.\s]+$", "", title)
    if not title:
        raise NoticeParseError(item.line, text, "任务名称为空", source)
    target_value, target_unit, target_text = _targets(title)
    return {
        "task_id": task_id_for(tier, seq),
        "year": year,
        "tier": tier,
        "tier_label": TIER_LABELS[tier],
        "seq": seq,
        "title": title,
        "leader": leader,
        "units": units,
        "lead_unit": units[0],
        "target_value": target_value,
        "target_unit": target_unit,
        "target_text": target_text,
        "source_line": item.line,
    }


def _read_annotation(item: _Item, source: str | None) -> tuple[int, str, list[str]]:
    """The item's "（牵头市领导：…，责任单位：…）": where it starts, the leader and the units, verbatim."""
    text = item.text
    folded = item.folded
    ann_start = _last_annotation_start(folded)
    if ann_start is None:
        raise NoticeParseError(item.line, text, "缺少“（牵头市领导：…，责任单位：…）”说明", source)
    if _ANNOTATION_OPEN.search(folded[:ann_start]):
        raise NoticeParseError(item.line, text, "一个条目中出现多处牵头市领导说明，可能两条任务连在了一起", source)
    annotation = folded[ann_start:]
    if "责任单位" not in re.sub(r"\s+", "", annotation):
        raise NoticeParseError(item.line, text, "缺少责任单位", source)
    match = _ANNOTATION.match(annotation)
    if match is None:
        raise NoticeParseError(item.line, text, "牵头市领导或责任单位格式无法识别（或说明之后还有多余文字）", source)
    # Slice the original text with the folded match's offsets: same length.
    leader = re.sub(r"\s+", "", text[ann_start + match.start("leader") : ann_start + match.end("leader")])
    units = _verbatim_units(text[ann_start + match.start("units") : ann_start + match.end("units")])
    if not leader:
        raise NoticeParseError(item.line, text, "缺少牵头市领导", source)
    if re.search(r"[、,，]", leader):
        raise NoticeParseError(item.line, text, "牵头市领导只能有一位（出现了多位）", source)
    if not units:
        raise NoticeParseError(item.line, text, "缺少责任单位", source)
    return ann_start, leader, units


def _verbatim_units(units_text: str) -> list[str]:
    """The units named in ``units_text``, split on the folded copy and cut from the original by position."""
    verbatim_units: list[str] = []
    cursor = 0
    folded_units = units_text.translate(_FOLD)
    for unit in _UNIT_SPLIT.split(folded_units):
        pos = folded_units.index(unit, cursor)
        verbatim_units.append(re.sub(r"\s+", "", units_text[pos : pos + len(unit)]))
        cursor = pos + len(unit)
    return [u for u in verbatim_units if u]


def _targets(title: str) -> tuple[float | None, str | None, str | None]:
    """``(value, unit, text)`` of the quantities a title states: the first one, and all of them as text."""
    quantities = list(_QUANTITY.finditer(title.translate(_FOLD)))
    if not quantities:
        return None, None, None
    first = quantities[0]
    target_text = "；".join(f"{q.group('value')} {q.group('unit')}" for q in quantities)
    return float(first.group("value")), first.group("unit"), target_text


def _opens_tier_heading(folded: str) -> bool:
    return bool(_TIER_HEADING.match(folded) or _BROKEN_TIER_HEADING.match(folded))


class _NoticeScanner:
    """Reads the notice's lines one by one (rules 1–5 of the module docstring) into rows and sections."""

    def __init__(self, lines: list[str], year: int | None, source: str | None) -> None:
        self.lines = lines
        self.year = year
        self.source = source
        self.pages = _page_lines(lines)
        self.last_page: _PageLine | None = None
        self.rows: list[dict[str, object]] = []
        self.sections: list[TierSection] = []
        self.tier: str | None = None
        self.item: _Item | None = None
        self.heading: list[str] | None = None  # an unfinished, wrapped tier header
        self.heading_line = 0

    def scan(self) -> None:
        """Read every line up to the end of the task list; the last item is parsed too."""
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.strip()
            if stripped and not self.read_line(number, stripped):
                break  # 二、工作要求: the task list is over.
        if self.heading is not None:
            raise NoticeParseError(self.heading_line, "".join(self.heading), "层级标题之后没有任何任务条目",
                                   self.source)
        self.finish_item()

    def read_line(self, number: int, stripped: str) -> bool:
        """Take one non-blank line; False when it is the heading that ends the task list."""
        folded = stripped.translate(_FOLD)
        item_closed = self.item is None or self.item.annotation_closed
        page = self.pages.get(number)
        if page is not None and self.is_page_number(page, item_closed):
            self.last_page = page
        elif not self.sections and self.heading is None:
            self.read_preamble_line(number, stripped, folded)
        elif _TOP_HEADING.match(folded) and item_closed:
            return False
        elif self.heading is not None:
            self.read_heading_line(number, stripped, folded)
        elif _opens_tier_heading(folded) and item_closed:
            self.finish_item()
            self.heading, self.heading_line = [stripped], number
        else:
            self.read_item_line(number, stripped, folded, item_closed)
        return True

    def read_preamble_line(self, number: int, stripped: str, folded: str) -> None:
        """Before the task list: wait for the first tier header."""
        if _opens_tier_heading(folded):
            self.heading, self.heading_line = [stripped], number
        elif _ANNOTATION_OPEN.search(folded):
            raise NoticeParseError(number, stripped, "任务条目出现在层级标题（如“（一）……”）之前", self.source)

    def read_heading_line(self, number: int, stripped: str, folded: str) -> None:
        """A header runs, however wrapped, until its first item."""
        assert self.heading is not None
        if _ITEM_START.match(folded):
            self.finish_heading()
            self.item = _Item(number, [stripped])
        elif _ANNOTATION_OPEN.search(folded) or "责任单位" in folded:
            raise NoticeParseError(number, stripped, "层级标题之后的任务条目缺少序号（如“1.”）", self.source)
        else:
            self.heading.append(stripped)

    def read_item_line(self, number: int, stripped: str, folded: str, item_closed: bool) -> None:
        """A line within a tier: a new item, or the continuation of the open one."""
        # A wrapped title may start a line with a number; only the next number
        # in sequence, or any number after a closed item, opens a new item.
        start = _ITEM_START.match(folded)
        if start and (item_closed or (self.item is not None and int(start.group(1)) == self.item.seq + 1)):
            self.finish_item()
            self.item = _Item(number, [stripped])
            return
        if self.item is None:
            raise NoticeParseError(number, stripped, "此行既不是层级标题也不是任务条目", self.source)
        if self.item.annotation_closed:
            raise NoticeParseError(number, stripped, "任务条目的牵头说明之后出现了无法归属的文字", self.source)
        self.item.parts.append(stripped)

    def finish_item(self) -> None:
        if self.item is not None:
            assert self.tier is not None
            self.rows.append(_parse_item(self.item, self.tier, self.year, self.source))
            self.item = None

    def finish_heading(self) -> None:
        if self.heading is not None:
            joined = "".join(self.heading)
            self.tier = _classify_tier(joined, self.heading_line)
            minimum = _MINIMUM.search(joined.translate(_FOLD))
            self.sections.append(TierSection(self.tier, joined.strip(), self.heading_line,
                                             int(minimum.group(1)) if minimum else None))
            self.heading = None

    def next_text(self, number: int) -> str:
        """The next non-blank line after ``number`` that is not a decorated page number."""
        for following, raw in enumerate(self.lines[number:], start=number + 1):
            page = self.pages.get(following)
            if raw.strip() and (page is None or page.bare):
                return raw.strip().translate(_FOLD)
        return ""

    def is_page_number(self, page: _PageLine, item_closed: bool) -> bool:
        """Whether a page-number-like line is one (rule 5) rather than text of an item or a header."""
        if not page.bare:
            return True
        if item_closed and self.heading is None:
            # Nothing is open, so the number is not wrapped text; but "1" + "2. …" is item 12 cut in two.
            following = self.next_text(page.line)
            if following[:1] in (".", "、"):
                return False
            start = _ITEM_START.match(following)
            if start and self.item is not None:
                expected = self.item.seq + 1
                return not (int(f"{page.value}{start.group(1)}") == expected != int(start.group(1)))
            return True
        last_page = self.last_page
        if last_page is not None and last_page.value == page.value - 1:
            return page.line - last_page.line >= _MIN_PAGE_LINES
        after = [p for p in self.pages.values() if p.line > page.line]
        return bool(after) and after[0].value == page.value + 1 and after[0].line - page.line >= _MIN_PAGE_LINES


def parse_notice_document(text: str, source: str | None = None) -> Notice:
    """Parse a notice and return its tasks together with the year and tier sections.

    Raises :class:`NoticeParseError` naming the line for anything in the task
    list that cannot be read.
    """
    lines = text.splitlines()
    year_match = _YEAR.search(re.sub(r"\s+", "", text.translate(_FOLD)))
    year = int(year_match.group(1)) if year_match else None
    scanner = _NoticeScanner(lines, year, source)
    scanner.scan()
    if not scanner.rows:
        raise NoticeParseError(
            1, lines[0] if lines else "", "未找到任务清单（如“（一）……全国……”层级标题及其条目）", source
        )
    tasks = pd.DataFrame(scanner.rows, columns=TASK_COLUMNS)
    duplicated = tasks[tasks.duplicated("task_id", keep="first")]
    if not duplicated.empty:
        row = duplicated.iloc[0]
        raise NoticeParseError(
            int(row["source_line"]), str(row["title"]), f"同一层级中序号 {row['seq']} 出现了两次", source
        )
    return Notice(tasks=normalize_task_table(tasks), year=year, sections=scanner.sections)


def parse_notice(text: str, source: str | None = None) -> pd.DataFrame:
    """Parse the notice text into the canonical task table (see ``docs/data-model.md``)."""
    return parse_notice_document(text, source).tasks
