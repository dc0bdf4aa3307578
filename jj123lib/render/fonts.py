"""CJK font setup for matplotlib: Chinese text in charts, never tofu.

Matplotlib does not persist fonts added at run time, and a font cache built
before ``fonts-noto-cjk`` was installed never sees the font, so :func:`setup`
registers the font file explicitly every time. Since matplotlib 3.11 every face
of a ``.ttc`` collection is loaded, so "Noto Sans CJK SC" (simplified-Chinese
glyph forms) is selectable by family name.

The font file is found, in order: ``$JJ123_CJK_FONT``; known Debian/Ubuntu/
Fedora/macOS paths; ``fc-match``. None found → :class:`~jj123lib.core.exceptions.FontError`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from jj123lib.core.exceptions import FontError

__all__ = ["CJK_FAMILY", "find_cjk_font", "setup"]

CJK_FAMILY = "Noto Sans CJK SC"

_KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/Library/Fonts/NotoSansCJK-Regular.ttc",
)


def _fc_match() -> str | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", f"{CJK_FAMILY}:lang=zh-cn"], capture_output=True,
                             text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    # fc-match always answers with *some* font; accept it only if it is a CJK one.
    return out if out and "cjk" in Path(out).name.lower() else None


@functools.cache
def find_cjk_font() -> Path:
    """Path of a font file that contains "Noto Sans CJK SC" (cached per process)."""
    searched: list[str] = []
    env = os.environ.get("JJ123_CJK_FONT")
    if env:
        if Path(env).is_file():
            return Path(env)
        raise FontError([env], "JJ123_CJK_FONT 指向的文件不存在")
    for candidate in _KNOWN_PATHS:
        searched.append(candidate)
        if Path(candidate).is_file():
            return Path(candidate)
    searched.append("fc-match")
    found = _fc_match()
    if found and Path(found).is_file():
        return Path(found)
    raise FontError(searched)


def setup() -> str:
    """Register the CJK font with matplotlib and make it the first sans-serif family.

    Returns the family name in use. Safe to call more than once.
    """
    import matplotlib
    from matplotlib import font_manager

    path = find_cjk_font()
    names_before = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in names_before:
        font_manager.fontManager.addfont(str(path))
    names = {f.name for f in font_manager.fontManager.ttflist}
    family = CJK_FAMILY if CJK_FAMILY in names else None
    if family is None:
        # A custom JJ123_CJK_FONT may carry another CJK family: use whatever the file holds.
        added = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == path]
        if not added:
            raise FontError([str(path)], "字体文件无法被 matplotlib 读取")
        family = added[0]
    matplotlib.rcParams["font.family"] = "sans-serif"
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.sans-serif"] = [family, *rest]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
