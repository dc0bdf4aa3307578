"""ASCII slugs of Chinese names for file names (``张健龙`` → ``zhang-jianlong``)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

# Surnames whose usual reading differs from the character's common one.
_SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "区": "ou",
    "解": "xie",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "乐": "yue",
    "覃": "qin",
}
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒")


def _ascii(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: chars)
    joined = "".join(syllables).lower()
    return re.sub(r"[^a-z0-9]+", "", joined)


def slug(name: str) -> str:
    """Slug of one person's name: surname, hyphen, given name, in pinyin."""
    name = re.sub(r"\s+", "", name)
    surname_len = 2 if name.startswith(_COMPOUND_SURNAMES) else 1
    surname, given = name[:surname_len], name[surname_len:]
    surname_ascii = _SURNAME_READINGS.get(surname) or _ascii(surname)
    parts = [p for p in (surname_ascii, _ascii(given)) if p]
    if not parts:
        return "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return "-".join(parts)


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map each distinct name to a slug, unique within the set and stable.

    Names whose plain slugs collide all get a suffix from a hash of the name
    itself, so the result does not depend on the order the names come in.
    """
    distinct = sorted(set(names))
    plain = {n: slug(n) for n in distinct}
    counts: dict[str, int] = {}
    for s in plain.values():
        counts[s] = counts.get(s, 0) + 1
    return {
        n: s if counts[s] == 1 else f"{s}-{hashlib.sha1(n.encode('utf-8')).hexdigest()[:6]}" for n, s in plain.items()
    }
