"""The workbench's closing pages: 核实销号, 报告与封账, 年度考评.

核实销号 calls :func:`~jj123lib.loop.verification.verify` and ``reject`` per ticked row (``jj123 verify``), each
row in its own transaction, with that row's evidence archived verbatim. 报告与封账 runs
:func:`~jj123lib.batch.run.run_batch` (``jj123 batch --quarter``); 年度考评 :func:`~jj123lib.annual.review.
annual_review` with the 考评表 of ``jj123 annual --format xlsx`` and the 通报 of ``jj123 batch --year``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from jj123lib.cli.common import view
from jj123lib.cli.loop import AWAITING_VIEW
from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.frames import records
from jj123lib.domain.quarters import quarter_year
from jj123lib.workbench.common import Session, download_link, frame_html, message, saved_uploads, uploads

__all__ = ["annual_page", "reports_page", "verify_page"]

PUBLISH_MEANS = ("封账发布：按现在的台账数据定稿本季度的报告、通报，并保存所用数据的封账副本；此后再生成本季度，"
                 "报告保持发布时原样，对本季度的任何修改都须作为更正留痕，并在报告中附更正说明。发布后不能撤销。")


class _ClaimRow:
    """One claim awaiting the office's check: tick it, attach its evidence, write the reason to reject it."""

    def __init__(self, claim: dict[str, Any]) -> None:
        self.target = str(claim["编号"])
        self.pick = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="2em"))
        self.evidence = widgets.FileUpload(multiple=True, description="佐证材料", layout=widgets.Layout(width="10em"))
        self.reason = widgets.Text(placeholder="退回理由（至少 4 个字）", layout=widgets.Layout(width="16em"))
        self.result = widgets.Label()
        # Labels are text widgets: a unit's own words never become HTML.
        words = widgets.Label(f"{self.target}｜{claim['类别']}｜{claim['单位']}｜{claim['说明']}",
                              layout=widgets.Layout(width="46em"))
        self.box = widgets.HBox([self.pick, words, self.evidence, self.reason, self.result])


def verify_page(session: Session) -> widgets.Widget:
    refresh = widgets.Button(description="刷新待核实清单", icon="refresh")
    note = widgets.Text(description="核实说明：", placeholder="可不填", layout=widgets.Layout(width="30em"))
    approve = widgets.Button(description="核实通过（所选）", button_style="success", icon="check")
    decline = widgets.Button(description="退回（所选）", button_style="danger", icon="times")
    status = widgets.HTML()
    rows_box = widgets.VBox()
    rows: list[_ClaimRow] = []

    def on_refresh(_: object) -> None:
        from jj123lib.loop.verification import awaiting

        frame = session.run(status, "读取待核实清单", lambda: awaiting(session.quarter, session.data_dir,
                                                                   rules=session.rules()), writes=False)
        if frame is None:
            return
        shown = view(frame, AWAITING_VIEW)
        rows[:] = [_ClaimRow(claim) for claim in records(shown)]
        rows_box.children = [row.box for row in rows]
        status.value = message(f"{session.quarter}：共 {len(rows)} 项待核实。勾选后附佐证材料，再核实通过或退回。",
                               "ok")

    def decide(verified: bool) -> None:
        from jj123lib.ledger.publications import refuse_if_published
        from jj123lib.loop.verification import reject, verify

        picked = [row for row in rows if row.pick.value]
        if not picked:
            status.value = message("请先勾选要处理的事项。", "error")
            return
        done = 0
        for row in picked:
            files = uploads(row.evidence)

            def act(row: _ClaimRow = row, files: list[Any] = files) -> int:
                refuse_if_published(session.data_dir, session.quarter, "核实销号" if verified else "退回核实",
                                    workbench=True)
                with saved_uploads(files) as paths:
                    if verified:
                        return verify(row.target, session.quarter, list(paths), session.clerk, note.value,
                                      session.data_dir, rules=session.rules())
                    return reject(row.target, session.quarter, row.reason.value, session.clerk, session.data_dir,
                                  list(paths), rules=session.rules())

            if session.run(status, f"处理 {row.target}", act) is None:
                row.result.value = "未完成：" + _plain(status.value)
                continue
            done += 1
            row.result.value = "已核实销号" if verified else "已退回"
            row.pick.value = False
            row.pick.disabled = True
        failed = len(picked) - done
        status.value = message(f"已{'核实通过' if verified else '退回'} {done} 项" +
                               (f"，{failed} 项未完成（见各行说明，台账未改动）。" if failed else "。"),
                               "error" if failed else "ok")

    refresh.on_click(on_refresh)
    approve.on_click(lambda _: decide(True))
    decline.on_click(lambda _: decide(False))
    return widgets.VBox([refresh, status, rows_box, note, widgets.HBox([approve, decline])])


def _plain(html: str) -> str:
    """A status line's text again (for a text widget)."""
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def _watch(progress: widgets.IntProgress, folder: Path, since: float, stop: threading.Event) -> None:
    """Counts the report files the batch has written so far (the batch itself prints no progress here)."""
    while not stop.wait(1.0):
        written = [p for p in folder.glob("*.*")
                   if p.suffix in (".html", ".pdf", ".docx") and p.stat().st_mtime >= since]
        progress.value = min(len(written), progress.max)


def reports_page(session: Session) -> widgets.Widget:
    pdf = widgets.Checkbox(description="同时生成 PDF（较慢）", value=True, indent=False)
    run = widgets.Button(description="生成本季度报告", button_style="primary", icon="play")
    progress = widgets.IntProgress(value=0, min=0, max=1, description="进度：")
    status, links = widgets.HTML(), widgets.HTML()
    files = widgets.Dropdown(description="文件：", options=[], layout=widgets.Layout(width="30em"))
    outputs: dict[str, Path] = {}

    def on_run(_: object) -> None:
        from jj123lib.batch.jobs import default_out_dir
        from jj123lib.batch.run import run_batch
        from jj123lib.domain.tasks import leaders

        formats = ["html", "pdf", "docx"] if pdf.value else ["html", "docx"]
        folder = default_out_dir(session.quarter, session.data_dir)
        progress.max = (len(leaders()) + 1) * (2 if pdf.value else 1) + 1
        progress.value = 0
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(progress, folder, time.time() - 1, stop), daemon=True)
        watcher.start()
        try:
            result = session.run(status, "生成报告", lambda: run_batch(
                session.quarter, formats=formats, data_dir=session.data_dir, out=folder, progress=False,
                rules=session.rules_path, units=session.units_path))
        finally:
            stop.set()
        if result is None:
            return
        progress.value = progress.max
        outputs.clear()
        outputs.update((p.name, p) for p in sorted(result.out_dir.iterdir())
                       if p.suffix in (".html", ".pdf", ".docx"))
        files.options = [("请选择文件", "")] + [(name, name) for name in outputs]
        status.value = message(result.summary(), "ok" if result.ok else "error")
        links.value = download_link("index.html", result.index.read_bytes(), "打开报告索引（index.html）")

    def on_file(change: dict[str, object]) -> None:
        path = outputs.get(str(change["new"]))
        links.value = download_link(path.name, path.read_bytes(), f"下载 {path.name}") if path else ""

    run.on_click(on_run)
    files.observe(on_file, names="value")
    return widgets.VBox([widgets.HBox([run, pdf]), progress, status, files, links,
                         widgets.HTML("<h4>封账</h4>"), _publish_box(session, status, pdf)])


def _publish_box(session: Session, status: widgets.HTML, pdf: widgets.Checkbox) -> widgets.Widget:
    """封账: what publishing means, a confirmation, then the one library call ``jj123 publish`` makes."""
    publish = widgets.Button(description="封账发布本季度", button_style="danger", icon="lock", disabled=True)
    understood = widgets.Checkbox(description="我已了解封账发布的含义，确认发布", indent=False)
    published = widgets.HTML(_publication_text(session))
    understood.observe(lambda change: setattr(publish, "disabled", not change["new"]), names="value")

    def on_publish(_: object) -> None:
        from jj123lib.batch.jobs import default_out_dir
        from jj123lib.batch.publish import publish_quarter

        formats = ["html", "pdf", "docx"] if pdf.value else ["html", "docx"]
        done = session.run(status, "封账发布", lambda: publish_quarter(
            session.data_dir, session.quarter, by=session.clerk, rules=session.rules(),
            units_file=session.units_path, out=default_out_dir(session.quarter, session.data_dir), formats=formats))
        understood.value = False
        if done is not None:
            status.value = message(f"已将 {done.quarter} 封账发布（数据截至 {done.as_of[:16].replace('T', ' ')}），"
                                   f"报告和公文 {len(done.outputs)} 份已按封账数据生成。", "ok")
        published.value = _publication_text(session)

    publish.on_click(on_publish)
    return widgets.VBox([published, widgets.HTML(message(PUBLISH_MEANS)), understood, publish])


def _publication_text(session: Session) -> str:
    """Whether the quarter on show is published (and when, by whom), or still a 草稿."""
    from jj123lib.ledger.publications import publication

    try:
        found = publication(session.data_dir, session.quarter) if session.quarter else None
    except Jj123Error:
        return ""
    if found is None:
        return message(f"{session.quarter or '本季度'} 尚未封账发布：报告为草稿。", "info")
    return message(f"{found.quarter} 已于 {found.at[:16].replace('T', ' ')} 由 {found.by} 封账发布；"
                   f"更正 {len(found.corrections)} 次。", "ok")


def annual_page(session: Session) -> widgets.Widget:
    year = widgets.Dropdown(description="年度：", options=[quarter_year(session.quarter)])
    run = widgets.Button(description="计算年度考评", button_style="primary", icon="calculator")
    status, links, outcomes, units = (widgets.HTML() for _ in range(4))

    def on_run(_: object) -> None:
        from jj123lib.annual.docx import annual_docx
        from jj123lib.annual.review import OUTCOME_LIGHTS, annual_review
        from jj123lib.cli.annual import review_xlsx

        def compute() -> tuple[Any, bytes, bytes]:
            result = annual_review(year.value, session.data_dir, rules=session.rules(), units_file=session.units_path)
            return (result, review_xlsx(result, session.demo),
                    annual_docx(result, demo=session.demo, issue_date=result.as_of))  # its day, as batch --year

        done = session.run(status, "计算年度考评", compute, writes=False)
        if done is None:
            return
        result, xlsx, docx = done
        tables: dict[str, pd.DataFrame] = result.tables()
        outcomes.value = frame_html(tables["outcomes"].drop(columns=["配合单位"], errors="ignore"),
                                    light_columns=("考评结果",), lights_of=OUTCOME_LIGHTS)
        units.value = frame_html(tables["units"])
        counts = result.counts()
        status.value = message("，".join(f"{k} {v} 项" for k, v in counts.items()) + "。", "ok")
        links.value = (download_link(f"{year.value}年度考评表.xlsx", xlsx, "下载考评表（xlsx）") + "　" +
                       download_link(f"{year.value}年度考评通报.docx", docx, "下载年度考评通报（Word）"))

    run.on_click(on_run)
    return widgets.VBox([widgets.HBox([year, run]), status, links, widgets.HTML("<h4>任务考评结果</h4>"), outcomes,
                         widgets.HTML("<h4>责任单位得分</h4>"), units])
