"""CJK font setup: Chinese glyphs in charts, a clear error when the font is missing."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from jj123lib.core.exceptions import FontError, Jj123Error
from jj123lib.render import fonts


def test_setup_registers_noto_sans_cjk_sc_first() -> None:
    import matplotlib

    family = fonts.setup()
    assert family == "Noto Sans CJK SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_chinese_text_renders_without_glyph_warning() -> None:
    fonts.setup()
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("晋江市“123”争先进位 红灯 −5")
    ax.plot([1, -2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise here
        fig.savefig(io.BytesIO(), format="png")


def test_missing_font_is_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fonts.find_cjk_font.cache_clear()
    monkeypatch.setenv("JJ123_CJK_FONT", str(tmp_path / "nope.ttc"))
    try:
        with pytest.raises(FontError) as info:
            fonts.find_cjk_font()
        assert isinstance(info.value, Jj123Error)
        assert "fonts-noto-cjk" in str(info.value) and "中文字体" in str(info.value)
    finally:
        fonts.find_cjk_font.cache_clear()


def test_no_font_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.find_cjk_font.cache_clear()
    monkeypatch.delenv("JJ123_CJK_FONT", raising=False)
    monkeypatch.setattr(fonts, "_KNOWN_PATHS", ())
    monkeypatch.setattr(fonts, "_fc_match", lambda: None)
    try:
        with pytest.raises(FontError) as info:
            fonts.find_cjk_font()
        assert "fc-match" in info.value.searched
    finally:
        fonts.find_cjk_font.cache_clear()
