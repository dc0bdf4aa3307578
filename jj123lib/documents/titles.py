"""Title lines that break only between words (GB/T 9704-2012 7.3.1: 回行时词意完整、排列对称).

A title longer than a line is cut into the fewest lines that fit, at word boundaries found by the
jieba segmenter, choosing the cut that makes the lines most nearly equal (the upper line the longer on a
tie). No line starts with closing punctuation or ends with opening punctuation, and a number keeps its
measure word (``2026年``). A single word wider than a line is cut between its characters, under the
same punctuation rules.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # jieba loads its dictionary on first use only
    import jieba

__all__ = ["TITLE_CHARS", "text_width", "title_lines", "words"]

# 二号 (22 pt) glyphs tracked −0.25 pt on the 156 mm line: 442.2 / 21.75 → 20 full-width characters.
TITLE_CHARS = 20
_OPENING = "“‘（《〔【「『([{"
_CLOSING = "”’）》〕】」』)]}、，。；：！？,.;:!?…·—"
_MEASURES = "年月日号项个季期批"
# Words of this project the general dictionary splits wrongly.
_DOMAIN_WORDS = ("争先进位", "督查通报", "督查室", "督办单", "催报通知", "年度考评", "责任单位", "推进情况",
                 "考评情况", "工作进展")


def text_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width forms 1, everything else ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on the terminal
    tokenizer = jieba.Tokenizer()
    for word in _DOMAIN_WORDS:
        tokenizer.add_word(word, freq=100000)
    return tokenizer


def words(text: str) -> list[str]:
    """``text`` cut into words (jieba, precise mode, no new-word guessing); joined they give ``text``."""
    return list(_tokenizer().cut(text, HMM=False))


def _may_break(before: str, after: str) -> bool:
    if not before or not after:
        return False
    if before[-1] in _OPENING or after[0] in _CLOSING:
        return False
    return not (before[-1].isdigit() and (after[0].isdigit() or after[0] in _MEASURES or after[0] == "%"))


def _pieces(text: str, max_width: float) -> list[str]:
    """Words, with any word wider than a line cut into characters."""
    out: list[str] = []
    for word in words(text):
        out.extend(word if text_width(word) > max_width else [word])
    return out


def _best_cut(pieces: Sequence[str], lines: int, max_width: float) -> list[str] | None:
    """The most even split of ``pieces`` into ``lines`` lines that fit and break only where allowed."""
    total = text_width("".join(pieces))
    target = total / lines
    n = len(pieces)

    @functools.cache
    def best(start: int, left: int) -> tuple[float, tuple[int, ...]] | None:
        if left == 1:
            width = text_width("".join(pieces[start:]))
            return ((width - target) ** 2, ()) if width <= max_width else None
        found: tuple[float, tuple[int, ...]] | None = None
        for end in range(start + 1, n):
            line = "".join(pieces[start:end])
            width = text_width(line)
            if width > max_width:
                break
            if not _may_break(pieces[end - 1], pieces[end]):
                continue
            rest = best(end, left - 1)
            if rest is None:
                continue
            # Ties go to the longer upper line: a later cut scores a hair better.
            cost = (width - target) ** 2 + rest[0] - end * 1e-9
            if found is None or cost < found[0]:
                found = (cost, (end, *rest[1]))
        return found

    result = best(0, lines)
    if result is None:
        return None
    cuts = (0, *result[1], n)
    return ["".join(pieces[a:b]) for a, b in zip(cuts, cuts[1:])]


def title_lines(text: str, max_width: float = TITLE_CHARS) -> list[str]:
    """``text`` as the fewest, most even lines of at most ``max_width`` characters, cut between words."""
    if text_width(text) <= max_width:
        return [text]
    pieces = _pieces(text, max_width)
    for lines in range(2, len(pieces) + 1):
        cut = _best_cut(pieces, lines, max_width)
        if cut is not None:
            return cut
    return [text]  # nothing fits the rules (a run of closing marks): let the word processor wrap it
