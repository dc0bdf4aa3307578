"""The one definition of the lights, and the markup builders that show them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from markupsafe import Markup

from jj123lib.domain import lights
from jj123lib.domain.rules import load_rules, rating_rules, scoring_rules
from jj123lib.render import htmlkit

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary


def test_order_labels_and_ranks() -> None:
    assert lights.ORDER == ("done", "claimed", "pending", "green", "yellow", "red", "missing")
    assert [lights.LABELS[k] for k in lights.ORDER] == ["已完成", "待核实", "未到报送期", "绿灯", "黄灯", "红灯",
                                                        "未报送"]
    assert [lights.light(k).rank for k in lights.ORDER] == sorted(lights.light(k).rank for k in lights.ORDER)
    assert lights.RATED == ("done", "green", "yellow", "red")
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in lights.COLORS.values())
    assert len(set(lights.COLORS.values())) == len(lights.ORDER)


def test_worse_and_label() -> None:
    assert lights.worse("green", "red") == "red" and lights.worse("missing", "done") == "missing"
    assert lights.worse("yellow", "yellow") == "yellow"
    assert lights.label("yellow") == "黄灯" and lights.label(None) == "—" and lights.label(float("nan")) == "—"


@pytest.mark.parametrize(("typed", "key"), [("green", "green"), ("Green ", "green"), ("绿灯", "green"), ("绿", "green"),
                                            ("已完成", "done"), ("红", "red"), ("未报送", "missing"), ("紫灯", None)])
def test_parse_light(typed: str, key: str | None) -> None:
    assert lights.parse_light(typed) == key


def test_css_variables_declare_every_colour() -> None:
    declared = dict(re.findall(r"--light-(\w+): (#[0-9a-f]{6});", lights.css_variables()))
    assert declared == lights.COLORS


def test_light_points_follow_the_rules() -> None:
    rules = load_rules()
    scoring, ratings = scoring_rules(rules), rating_rules(rules)
    points = lights.light_points(scoring, ratings["missing_counts_as"])
    assert set(points) == set(lights.ORDER) - {"pending"}  # not yet due: scores nothing, weighs nothing
    assert points["missing"] == points[ratings["missing_counts_as"]]
    assert points["claimed"] == points["green"]  # default: an unverified completion counts as on pace
    assert points["done"] >= points["green"] >= points["yellow"] >= points["red"]
    assert lights.light_points(scoring, "yellow")["missing"] == points["yellow"]


def test_markup_concatenation_escapes_plain_text() -> None:
    assert Markup("<b>") + "<i>" == "<b>&lt;i&gt;"
    assert htmlkit.esc("<i>") + Markup("<br>") == "&lt;i&gt;<br>"
    assert htmlkit.esc(Markup("<b>ok</b>")) == "<b>ok</b>"  # already safe: not escaped twice


def test_builders_escape_text_and_keep_markup() -> None:
    html = htmlkit.table([("<列>", "num")], [["<script>"], [Markup("<b>粗</b>")]], ["row-red", ""])
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>粗</b>" in html
    assert "&lt;列&gt;" in html and '<tr class="row-red">' in html
    badge = htmlkit.badge("red", title='P06 "x" <y>')
    assert badge == '<span class="light light-red" title="P06 &#34;x&#34; &lt;y&gt;">红灯</span>'
    assert htmlkit.badge("nonsense") == '<span class="light light-missing">—</span>'
    section = htmlkit.section("<标题>", "<正文>", note="a&b")
    assert section == '<section><h2>&lt;标题&gt;</h2><p class="jj-note">a&amp;b</p>&lt;正文&gt;</section>'


def test_cli_names_lights_from_the_one_definition(demo_data: DemoSummary, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`jj123 league` says how 未报送 scores under the rules in force; `override` takes labels."""
    from jj123lib.cli.main import main
    from jj123lib.domain.rules import default_rules_path

    rules = default_rules_path().read_text(encoding="utf-8")
    assert "missing_counts_as: red" in rules
    custom = tmp_path / "rules.yaml"
    custom.write_text(rules.replace("missing_counts_as: red", "missing_counts_as: yellow"), encoding="utf-8")
    monkeypatch.setenv("JJ123_RULES", str(custom))
    assert main(["league", "--quarter", "2026Q3", "--wide", "--data-dir", str(demo_data.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "未报送按黄灯计分" in out and all(lights.LABELS[k] in out for k in lights.ORDER)
    data_copy = tmp_path / "data"  # a refused override must not write, but never risk the shared demo
    shutil.copytree(demo_data.data_dir, data_copy)
    code = main(["override", "P08", "--quarter", "2026Q3", "--light", "未报送", "--reason", "测试理由足够长",
                 "--data-dir", str(data_copy)])
    assert code != 0 and "done/已完成" in capsys.readouterr().err  # 未报送 is a fact, not a light to set
