"""The workbench's 分发 (send the forms out) and 收文 (receive them back) pages.

分发 calls :func:`jj123lib.intake.forms.write_forms` and 收文 :func:`jj123lib.intake.ingest.ingest_files`, as
``jj123 forms`` and ``jj123 ingest`` do; an upload is saved under its own name and goes through ingest's own
checks (size, type, every cell), so the page refuses exactly what the command refuses.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from jj123lib.intake.results import ParsedFile
from jj123lib.workbench.common import Session, download_link, frame_html, message, saved_uploads, uploads, zip_bytes

__all__ = ["distribute_page", "receive_page"]

STATUS_LABELS = {"accepted": "已导入", "duplicate": "重复（未改动）", "rejected": "退回"}


def distribute_page(session: Session) -> widgets.Widget:
    kind = widgets.ToggleButtons(options=[("季度进度填报表", "progress"), ("年度计划表", "plan")],
                                 description="表格：")
    make = widgets.Button(description="生成表格", button_style="primary", icon="file-excel-o")
    status = widgets.HTML()
    links = widgets.HTML()
    unit = widgets.Dropdown(description="单位：", options=[], layout=widgets.Layout(width="28em"))
    unit_link = widgets.HTML()
    made: dict[str, Path] = {}

    def on_make(_: object) -> None:
        from jj123lib.intake.forms import write_forms

        plan = kind.value == "plan"
        paths = session.run(status, "生成表格", lambda: write_forms(
            None if plan else session.quarter, plan=plan, data_dir=session.data_dir))
        if paths is None:
            return
        made.clear()
        made.update((p.name, p) for p in paths)
        what = "年度计划表" if plan else f"{session.quarter} 进度填报表"
        status.value = message(f"已生成 {len(paths)} 份{what}，保存在 {paths[0].parent if paths else ''}。", "ok")
        links.value = download_link(f"{what}.zip", zip_bytes(paths), f"下载全部 {len(paths)} 份（zip）")
        unit.options = [("请选择单位", "")] + [(p.name, p.name) for p in paths]

    def on_unit(change: dict[str, object]) -> None:
        path = made.get(str(change["new"]))
        unit_link.value = download_link(path.name, path.read_bytes(), f"下载 {path.name}") if path else ""

    make.on_click(on_make)
    unit.observe(on_unit, names="value")
    help_text = widgets.HTML(message("生成的表格按单位分别保存；可整包下载后分发，或逐个单位下载，作为邮件附件发送。"))
    return widgets.VBox([help_text, kind, make, status, links, widgets.HBox([unit, unit_link])])


def _results_frame(results: list[object]) -> pd.DataFrame:
    rows = [{"文件": r.path.name, "结果": STATUS_LABELS[r.status], "说明": r.message()}  # type: ignore[attr-defined]
            for r in results]
    return pd.DataFrame(rows, columns=["文件", "结果", "说明"])


def receive_page(session: Session) -> widgets.Widget:
    upload = widgets.FileUpload(accept=".xlsx,.csv", multiple=True, description="选择文件（xlsx 或 CSV）",
                                layout=widgets.Layout(width="20em"))
    received = widgets.DatePicker(description="收文日期：")
    paper = widgets.Checkbox(description="已收到签章纸质件", indent=False)
    pending = widgets.HTML(message("收文日期不填即为现在；邮寄、纸质或U盘报送的，填实际收到的日期"
                                   "（不得晚于今天、早于表内填报日期）。迟报按收文日期认定。", "info"))
    log = widgets.HTML()
    go = widgets.Button(description="导入", button_style="primary", icon="upload")
    status = widgets.HTML()
    results = widgets.HTML()

    def on_go(_: object) -> None:
        from jj123lib.intake.ingest import ingest_files

        files = uploads(upload)
        if not files:
            status.value = message("请先选择要导入的文件。", "error")
            return

        def ingest() -> list[object]:
            from jj123lib.core.clock import read_moment
            from jj123lib.intake.published import published_periods
            from jj123lib.ledger.publications import refuse_if_published
            from jj123lib.ledger.receipts import mark_paper

            moment = None if received.value is None else read_moment(received.value)
            with saved_uploads(files) as paths:
                # A form received before a publication's moment would change what was published.
                touched = published_periods(list(paths), session.data_dir, moment, session.rules())
                refuse_if_published(session.data_dir, touched, "导入收文日期在发布之前的表格", workbench=True)
                found = ingest_files(list(paths), session.data_dir, rules=session.rules(), received=moment,
                                     by=session.clerk)
            if paper.value:  # the signed, stamped copy came with them: ticked off for each accepted form
                for result in found:
                    if result.status == "accepted" and isinstance(result.parsed, ParsedFile):
                        mark_paper(session.data_dir, result.parsed.sha256, session.clerk)
            return [*found]

        done = session.run(status, "导入", ingest)
        if done is None:
            return
        frame = _results_frame(done)
        counts = frame["结果"].value_counts()
        status.value = message(f"共 {len(frame)} 个文件：导入 {counts.get('已导入', 0)} 个，"
                               f"重复 {counts.get('重复（未改动）', 0)} 个，退回 {counts.get('退回', 0)} 个。",
                               "error" if counts.get("退回", 0) else "ok")
        results.value = frame_html(frame)
        log.value = _receipts_html(session)
        upload.value = ()

    go.on_click(on_go)
    return widgets.VBox([widgets.HTML(message("可一次选择多个各单位交回的填报表、计划表或整改反馈表（xlsx 或 CSV）。")),
                         widgets.HBox([upload, go]), widgets.HBox([received, paper]), pending, status, results,
                         widgets.HTML("<h4>收文登记（本季度）</h4>"), log])


def _receipts_html(session: Session) -> str:
    """The quarter's 收文登记, as the CLI's ``receipts`` shows it."""
    from jj123lib.ledger.receipts import receipts_view

    return frame_html(receipts_view(session.data_dir, session.quarter or None))
