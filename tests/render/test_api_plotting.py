"""Importing jj123lib.render.plotting makes a plain matplotlib chart show Chinese text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import sys, warnings
warnings.simplefilter("error")  # a missing glyph ("Glyph ... missing from font") fails the run
import matplotlib
matplotlib.use("Agg")
import jj123lib.render.plotting
import matplotlib.pyplot as plt
from matplotlib import font_manager

fig, ax = plt.subplots()
ax.set_title("晋江市2026年度争先进位灯号分布")
ax.bar(["已完成", "绿灯", "黄灯"], [1, 2, 3], color=jj123lib.render.plotting.light_colors()[:3])
matplotlib.rcParams["svg.fonttype"] = "none"
fig.savefig(sys.argv[1], format="svg")
fig.savefig(sys.argv[2], format="png")
used = font_manager.findfont(ax.title.get_fontproperties(), fallback_to_default=False)
print(font_manager.FontProperties(fname=used).get_name())
print(jj123lib.render.plotting.FONT_FAMILY)
"""


def test_plain_matplotlib_chart_uses_noto_sans_cjk(tmp_path: Path) -> None:
    svg, png = tmp_path / "c.svg", tmp_path / "c.png"
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(svg), str(png)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    font_name, family = result.stdout.split("\n")[:2]
    assert font_name.startswith("Noto Sans CJK") and family == "Noto Sans CJK SC"
    text = svg.read_text(encoding="utf-8")
    assert "晋江市2026年度争先进位灯号分布" in text and "Noto Sans CJK SC" in text
    assert png.stat().st_size > 1000


def test_without_the_plotting_import_the_default_font_lacks_chinese(tmp_path: Path) -> None:
    # The control: proves the test above depends on jj123lib.render.plotting, not on the machine's defaults.
    script = SCRIPT.replace("import jj123lib.render.plotting\n", "").replace(
        ", color=jj123lib.render.plotting.light_colors()[:3]", "").replace(
        "print(jj123lib.render.plotting.FONT_FAMILY)", "")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c.svg"), str(tmp_path / "c.png")],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "missing from font" in result.stderr
