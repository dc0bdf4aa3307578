"""Rendered HTML: structure, self-containment, print CSS (checked on one real batch run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.core.resources import CSP
from jj123lib.documents.content import open_duban
from jj123lib.domain import lights
from jj123lib.render.notebook_html import (
    REMOVE_TAGS,
    index_html,
    make_exporter,
    remote_references,
    template_fingerprint,
)

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

pytestmark = [pytest.mark.usefixtures("demo_year_viewed"), pytest.mark.slow]


def _html_files(batch: BatchResult) -> list[Path]:
    return sorted(batch.out_dir.glob("*.html"))


def test_every_report_is_self_contained(demo_batch: BatchResult) -> None:
    files = _html_files(demo_batch)
    assert len(files) == 10  # 8 leaders + overview + index
    for path in files:
        html = path.read_text(encoding="utf-8")
        assert remote_references(html) == [], path.name
        assert not re.search(r"<script[^>]*\bsrc=", html), path.name
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), path.name
        assert "<script" not in html, path.name  # no JavaScript at all
        assert re.search(r'<html lang="zh">', html), path.name
        assert '"Noto Sans CJK SC"' in html, path.name
        assert "require.js" not in html and "MathJax" not in html and "cdnjs" not in html
        assert f'content="{CSP}"' in html, path.name  # the one policy, from jj123lib.core.resources


def test_no_inputs_prompts_or_parameters(demo_batch: BatchResult) -> None:
    html = (demo_batch.out_dir / "chen-lirong.html").read_text(encoding="utf-8").split("</head>", 1)[1]
    assert "jp-InputArea-editor" not in html and "highlight-ipython3" not in html
    assert "jp-InputPrompt" not in html and "In&nbsp;[" not in html and "Out[" not in html
    assert "leader_report_data" not in html  # no code
    assert "data_dir" not in html  # injected-parameters / parameters cells dropped
    assert "不进入报告" not in html  # the notebook's own note (tag "remove") stays out
    # the charts are inline SVG, written as svgchart made them (render's exporter skips nbconvert's bs4 pass)
    svgs = re.findall(r'<figure class="jj-figure">(<svg [^>]*>)', html)
    assert svgs and all(' role="img"' in tag and re.search(r"viewbox=\S", tag, re.I) for tag in svgs)
    labels = [re.search(r'aria-label="([^"]+)"', tag).group(1) for tag in svgs]  # type: ignore[union-attr]  # a missing label fails the test either way
    assert sum(label.endswith("：计划与实际累计进度") for label in labels) == 6
    assert "data:image/" not in html  # no embedded picture left in a leader report


def test_every_picture_has_a_text_alternative(demo_batch: BatchResult) -> None:
    """What nbconvert's skipped bs4 pass would have patched: every image and chart is described."""
    from html.parser import HTMLParser

    class Pictures(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, dict[str, str | None]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("img", "svg"):
                self.found.append((tag, dict(attrs)))

    for name in ("chen-lirong.html", "overview.html"):
        parser = Pictures()
        parser.feed((demo_batch.out_dir / name).read_text(encoding="utf-8"))
        assert parser.found, name
        for tag, attrs in parser.found:
            label = attrs.get("alt") if tag == "img" else attrs.get("aria-label")
            assert label and label.strip(), (name, tag, attrs)
            if tag == "svg":
                assert attrs.get("role") == "img"
    assert 'viewBox="' in (demo_batch.out_dir / "chen-lirong.html").read_text(encoding="utf-8")  # not re-serialised


def test_print_css(demo_batch: BatchResult) -> None:
    html = (demo_batch.out_dir / "overview.html").read_text(encoding="utf-8")
    assert "@page" in html and "size: A4" in html
    assert 'content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"' in html
    assert re.search(r"tr, td, th, figure, img[^{]*\{ break-inside: avoid", html)


def test_leader_report_sections(demo_batch: BatchResult) -> None:
    html = (demo_batch.out_dir / "chen-lirong.html").read_text(encoding="utf-8").split("</head>", 1)[1]
    order = ["示例数据", "陈丽蓉同志牵头", "数据截至", "数据指纹"] + [f"<h{n}>{title}" for n, title in (
        (2, "摘要"), (2, "总体情况"), (2, "督查室意见"), (2, "需市领导协调事项"), (2, "红灯与滞后任务"),
        (2, "督办事项"), (2, "任务进展"), (3, "进度轨迹"), (3, "工作进展"), (3, "存在问题"), (2, "下季度节点目标"),
        (2, "附录：评价规则"))]
    positions = [html.find(s) for s in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions))
    assert positions == sorted(positions)
    assert "配额执行情况" not in html and "市领导排名" not in html  # quotas met; leader ranks off by default


def test_overview_sections(demo_batch: BatchResult) -> None:
    html = (demo_batch.out_dir / "overview.html").read_text(encoding="utf-8").split("</head>", 1)[1]
    order = ["示例数据"] + [f"<h2>{title}" for title in (
        "红灯与未报送", "催报", "督办事项", "待核实", "需协调事项（未办结）", "数据核查提示", "市领导 × 任务灯号总览",
        "各层级灯号分布", "灯号变化", "未报送单位")]
    positions = [html.find(s) for s in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), dict(zip(order, positions))
    assert "配额执行情况" not in html and "市领导排名" not in html


def test_index_page(demo_batch: BatchResult, demo_data: DemoSummary) -> None:
    html = (demo_batch.out_dir / "index.html").read_text(encoding="utf-8")
    assert "示例数据" in html and '<html lang="zh">' in html
    documents = demo_batch.documents  # the demo's 通报, 催报通知 and one 督办单 per open 督办 item
    open_items = sorted(open_duban("2026Q3", demo_data.data_dir)["id"])
    assert len(open_items) >= 5  # the demo's supervision loop leaves items open
    assert [d["kind"] for d in documents] == ["bulletin", "cuibao"] + ["duban"] * len(open_items)
    assert [d["item"] for d in documents[2:]] == open_items
    assert html.count('href="') == 18 + len(documents)  # HTML + PDF per report, .docx per document
    assert all(f'href="{d["docx"]}"' in html for d in documents) and "公文（Word 文档" in html
    assert html.count('class="light light-') >= 48


def test_exporter_config() -> None:
    exporter = make_exporter()
    assert exporter.exclude_input and exporter.exclude_input_prompt and exporter.exclude_output_prompt
    assert exporter.language_code == "zh"
    assert {"parameters", "injected-parameters"} <= set(REMOVE_TAGS)
    assert len(template_fingerprint()) == 64


HOSTILE_NAME = '<script>alert("x")</script>'


def _manifest(**changes: object) -> dict[str, object]:
    leader = {"kind": "leader", "leader": HOSTILE_NAME, "status": "failed", "fingerprint": "f", "html": None,
              "pdf": None, "html_fingerprint": None, "pdf_fingerprint": None,
              "error": "生成 PDF 时出错：<img src=x onerror=alert(1)>",
              "lights": [{"task_id": "N01", "title": 'a"b<c>', "light": "red"},
                         {"task_id": "N02", "title": "t", "light": "done"},
                         {"task_id": "N03", "title": "t", "light": "red"}]}
    overview = {"kind": "overview", "leader": None, "status": "ok", "fingerprint": "g", "html": "overview.html",
                "pdf": "overview.pdf", "html_fingerprint": "g", "pdf_fingerprint": "old", "error": None, "lights": None}
    manifest: dict[str, object] = {"quarter": "2026Q3", "demo": False, "generated_at": "2026-10-01T09:00:00+08:00",
                                   "generator": "jj123 test", "reports": [overview, leader]}
    manifest.update(changes)
    return manifest


def test_index_escapes_every_value_and_links_only_current_outputs() -> None:
    html = index_html(_manifest())
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'title="N01 a&#34;b&lt;c&gt;"' in html
    assert 'href="overview.html"' in html and 'href="overview.pdf"' not in html  # the PDF is of older inputs
    assert html.count('href="') == 1 and "生成失败" in html and "其中 1 份生成失败" in html
    assert f"{lights.LABELS['done']} 1，{lights.LABELS['red']} 2" in html  # counts in the lights' order
    assert f'content="{CSP}"' in html and '<html lang="zh">' in html
    assert remote_references(html) == []
    assert "示例数据" not in html
    assert "示例数据" in index_html(_manifest(demo=True))


def test_index_lists_documents_escaped_and_links_only_current_files() -> None:
    slip = {"kind": "duban", "item": "DB-2026Q3-001", "title": f"督办单 DB-2026Q3-001（{HOSTILE_NAME} · B13）",
            "docx": "DB-2026Q3-001.docx", "status": "ok", "fingerprint": "d", "docx_fingerprint": "d",
            "error": None}
    failed = {"kind": "bulletin", "item": None, "title": "2026年第三季度督查通报", "docx": None, "status": "failed",
              "fingerprint": "b", "docx_fingerprint": None, "error": "写入 Word 文档时出错：<b>磁盘</b>"}
    stale = {"kind": "cuibao", "item": None, "title": "2026年第三季度催报通知", "docx": "cuibao.docx",
             "status": "skipped", "fingerprint": "c", "docx_fingerprint": "older", "error": None}
    html = index_html(_manifest(documents=[failed, stale, slip]))
    assert "<script" not in html and "<b>磁盘" not in html and "&lt;b&gt;磁盘&lt;/b&gt;" in html
    assert 'href="DB-2026Q3-001.docx"' in html and 'href="cuibao.docx"' not in html  # made from older inputs
    part = html.split("公文（Word 文档", 1)[1]
    assert [label in part for label in ("督查通报", "催报通知", "督办单")] == [True] * 3
    assert "生成失败" in part and "未生成" in part
    assert "公文（Word 文档" not in index_html(_manifest())  # no documents, no section


def test_index_legend_and_colours_come_from_lights() -> None:
    html = index_html(_manifest())
    legend = html.split("灯号：", 1)[1]
    positions = [legend.find(f'class="light light-{key}"') for key in lights.ORDER]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for key in lights.ORDER:
        assert f"--light-{key}: {lights.COLORS[key]};" in html


def test_light_colours_come_from_lights(demo_batch: BatchResult) -> None:
    from jj123lib.domain import lights
    from jj123lib.render.notebook_html import TEMPLATE_DIR

    html = (demo_batch.out_dir / "chen-lirong.html").read_text(encoding="utf-8")
    head = html.split("</head>", 1)[0]
    declared = dict(re.findall(r"--light-(\w+):\s*(#[0-9a-f]{6});", head))
    assert declared == lights.COLORS  # every light, once, in its colour
    assert head.index(lights.css_variables()) < head.index(".light-red")  # declared before the stylesheet uses them
    css = (TEMPLATE_DIR / "jj123" / "static" / "jj123.css").read_text(encoding="utf-8")
    assert not re.search(r"--light-\w+\s*:", css)  # the stylesheet only uses them


def test_index_shows_the_supervision_counts() -> None:
    counts = {"cuibao": 3, "duban": 13, "duban_overdue": 2, "awaiting": 4, "coordination": 27, "flags": 24}
    html = index_html(_manifest(supervision=counts))
    assert "逾期未报送单位 3 个" in html and "督办事项 13 项（逾期 2 项）" in html and "待核实 4 项" in html
    assert "未办结协调事项 27 项" in html and "数据核查提示 24 条" in html
    assert "督查闭环" not in index_html(_manifest())  # an old manifest without counts


def test_leader_pdf_is_the_new_report(demo_batch: BatchResult, demo_data: DemoSummary) -> None:
    """Chromium prints the 督查报告: its sections in order, the plan's next milestones, the office's opinion."""
    import subprocess

    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.opinions import leader_opinion

    out = subprocess.run(["pdftotext", "-layout", str(demo_batch.out_dir / "chen-lirong.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    text = "".join(out.split())  # CJK line wraps split words: compare without whitespace
    order = ["摘要", "总体情况", "督查室意见", "需市领导协调事项", "红灯与滞后任务", "督办事项", "任务进展",
             "下季度节点目标", "附录：评价规则"]
    positions = [0]
    for title in order:  # each after the one before (the 摘要 names 督查室意见 too, before 总体情况)
        positions.append(text.find(title, positions[-1]))
    assert min(positions[1:]) > 0, dict(zip(order, positions[1:]))
    plan = Ledger(demo_data.data_dir).plan()
    tasks = ["N04", "P07", "P08", "B10", "B11", "B12"]  # 陈丽蓉's
    mine = plan[(plan["quarter"] == "2026Q4") & plan["task_id"].isin(tasks)]
    assert len(mine) == 6 and all("".join(m.split()) in text for m in mine["milestone"])
    opinion = leader_opinion(demo_data.data_dir, "2026Q3", "陈丽蓉")
    assert opinion is not None and "".join(opinion.overall.split()) in text
    assert "市领导排名" not in text and "综合得分" not in text
