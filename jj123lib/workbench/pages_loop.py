"""The workbench's loop pages: 报送情况与催报, 督办, 协调事项. Each button calls what the command calls:
:func:`~jj123lib.loop.deadlines.unit_states` and :func:`~jj123lib.loop.deadlines.cuibao` (``jj123 cuibao``),
:func:`~jj123lib.loop.duban.find_triggers`, :func:`~jj123lib.loop.duban.issue_duban` and
:func:`~jj123lib.intake.response_form.write_response_forms` (``jj123 duban``),
:func:`~jj123lib.loop.coordination.sync`, ``register``, ``close`` and ``assign`` (``jj123 coordination``); the
tables use the commands' Chinese headers. The documents are the batch's
(:class:`~jj123lib.documents.content.DocumentMaker`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from markupsafe import Markup

from jj123lib.cli.common import view
from jj123lib.cli.loop import COORDINATION_VIEW, CUIBAO_VIEW, DUBAN_VIEW, STATE_VIEW
from jj123lib.core.clock import china_today
from jj123lib.core.frames import records
from jj123lib.domain.vocab import DEPARTMENT_SOURCE_LABELS, REPORTING_STATES
from jj123lib.workbench.common import Session, download_link, frame_html, message

__all__ = ["coordination_page", "duban_page", "reporting_page"]

_COPY = ("var t=this.previousElementSibling;t.select();"
         "if(navigator.clipboard){navigator.clipboard.writeText(t.value)}else{document.execCommand('copy')}")


def _document(session: Session, kind: str, item: str | None = None) -> bytes:
    from jj123lib.documents.content import DocumentMaker
    from jj123lib.documents.layout import docx_bytes
    from jj123lib.ledger.store import Ledger

    maker = DocumentMaker(session.quarter, session.data_dir, as_of=china_today(Ledger(session.data_dir).moment()),
                          demo=session.demo, rules=session.rules(), units_file=session.units_path)
    return docx_bytes(maker.build(kind, item))


def _reminders(frame: pd.DataFrame) -> str:
    """One ready text per overdue unit, with a copy button (our markup; the text is escaped)."""
    from jj123lib.loop.deadlines import reminder_text

    parts = [Markup('<div class="jj-reminder"><b>{}</b>（{} {}）<br><textarea readonly rows="3" cols="80">{}'
                    '</textarea><button type="button" onclick="{}">复制</button></div>').format(
        row["unit"], row["reporter"] or "", row["phone"] or "", reminder_text(row), _COPY)
        for row in records(frame)]
    return str(Markup("").join(parts))


def reporting_page(session: Session) -> widgets.Widget:
    refresh = widgets.Button(description="刷新报送情况", button_style="primary", icon="refresh")
    status, counts, states, overdue, texts, notice = (widgets.HTML() for _ in range(6))

    def on_refresh(_: object) -> None:
        from jj123lib.loop.assessment import assess_quarter

        def read() -> tuple[pd.DataFrame, pd.DataFrame, bytes | None]:
            judged = assess_quarter(session.quarter, session.data_dir, rules=session.rules(),  # the ledger's moment
                                    units_file=session.units_path)
            all_units, late = judged.states, judged.supervision.cuibao
            return all_units, late, _document(session, "cuibao") if len(late) else None

        found = session.run(status, "读取报送情况", read, writes=False)
        if found is None:
            return
        all_units, late, docx = found
        tally = all_units["state"].value_counts()
        counts.value = frame_html(pd.DataFrame([{s: int(tally.get(s, 0)) for s in REPORTING_STATES}]))
        states.value = frame_html(view(all_units, STATE_VIEW))
        overdue.value = frame_html(view(late, CUIBAO_VIEW), empty="没有逾期未报送的单位。")
        texts.value = _reminders(late)
        notice.value = (download_link(f"{session.quarter}催报通知.docx", docx, "下载《督查催办通知》（Word）")
                        if docx else "")
        status.value = message(f"{session.quarter}：共 {len(all_units)} 个单位，逾期未报送 {len(late)} 个。", "ok")

    refresh.on_click(on_refresh)
    return widgets.VBox([refresh, status, counts, widgets.HTML("<h4>逾期未报送（催报）</h4>"), overdue, texts, notice,
                         widgets.HTML("<h4>各单位报送状态</h4>"), states])


def _duban_papers(session: Session) -> bytes:
    """The open items' 整改反馈 forms (as ``jj123 duban forms`` writes them) and 督办单, as one zip."""
    from jj123lib.documents.content import open_duban
    from jj123lib.intake.response_form import write_response_forms

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for path in write_response_forms(session.quarter, session.data_dir):
            package.write(path, path.name)
        for item in open_duban(session.quarter, session.data_dir)["id"]:  # on the ledger's moment
            package.writestr(f"{item}.docx", _document(session, "duban", str(item)))
    return buffer.getvalue()


def duban_page(session: Session) -> widgets.Widget:
    preview = widgets.Button(description="预览应下发的督办", icon="search")
    issue = widgets.Button(description="确认下发", button_style="warning", icon="check", disabled=True)
    listing = widgets.Button(description="刷新督办事项", icon="refresh")
    papers = widgets.Button(description="生成督办单与整改反馈表", icon="file-word-o")
    status, would, items, links = (widgets.HTML() for _ in range(4))

    def on_preview(_: object) -> None:
        from jj123lib.loop.duban import find_triggers

        found = session.run(status, "预览督办", lambda: find_triggers(session.quarter, session.data_dir,
                                                                  rules=session.rules()), writes=False)
        if found is None:
            return
        frame = pd.DataFrame([{"任务编号": t.task_id, "督办对象": t.unit, "触发原因": t.reason} for t in found],
                             columns=["任务编号", "督办对象", "触发原因"])
        would.value = frame_html(frame, empty="没有符合督办条件的任务。")
        issue.disabled = not found
        status.value = message(f"符合督办条件的任务 {len(found)} 项；已下发的不会重复下发，再次触发的升级。", "ok")

    def on_issue(_: object) -> None:
        from jj123lib.loop.duban import issue_duban

        done = session.run(status, "下发督办", lambda: issue_duban(session.quarter, session.data_dir, by=session.clerk,
                                                              rules=session.rules()))
        if done is not None:
            issue.disabled = True
            status.value = message(f"新下发 {len(done.created)} 件，再次触发升级 {len(done.escalated)} 件，"
                                   f"逾期未反馈升级 {len(done.overdue)} 件。", "ok")
            on_list(None)

    def on_list(_: object) -> None:
        from jj123lib.loop.duban import duban_items

        frame = session.run(status, "读取督办事项", lambda: duban_items(session.quarter, session.data_dir),
                            writes=False)
        if frame is not None:
            items.value = frame_html(view(frame, DUBAN_VIEW), empty="本季度没有督办事项。")

    def on_papers(_: object) -> None:
        data = session.run(status, "生成督办单与整改反馈表", lambda: _duban_papers(session))
        if data is not None:
            links.value = download_link(f"{session.quarter}督办单与整改反馈表.zip", data,
                                        "下载督办单与整改反馈表（zip）")
            status.value = message("已生成；整改反馈表发给督办对象填报后，在“收文”页导入。", "ok")

    preview.on_click(on_preview)
    issue.on_click(on_issue)
    listing.on_click(on_list)
    papers.on_click(on_papers)
    return widgets.VBox([widgets.HBox([preview, issue]), status, would, widgets.HBox([listing, papers]), links, items])


def coordination_page(session: Session) -> widgets.Widget:
    refresh = widgets.Button(description="刷新登记簿", icon="refresh")
    open_only = widgets.Checkbox(description="只看未办结", value=True, indent=False)
    item = widgets.Dropdown(description="事项：", options=[])
    outcome = widgets.Dropdown(description="办结状态：", options=["已协调", "已解决"])
    ref = widgets.Text(description="办结依据：", placeholder="如 会议纪要〔2026〕12号")
    close_button = widgets.Button(description="办结", button_style="warning", icon="check")
    status, register_html = widgets.HTML(), widgets.HTML()

    def on_refresh(_: object) -> None:
        from jj123lib.loop.coordination import register, sync

        def read() -> pd.DataFrame:
            sync(session.data_dir, by=session.clerk, rules=session.rules())
            return register(session.data_dir, open_only=open_only.value)

        frame = session.run(status, "读取协调事项", read)
        if frame is None:
            return
        shown = frame.assign(department_source=frame["department_source"].map(DEPARTMENT_SOURCE_LABELS))
        register_html.value = frame_html(view(shown, COORDINATION_VIEW), empty="没有协调事项。")
        item.options = [str(i) for i, s in zip(frame["id"], frame["status"]) if s not in ("已协调", "已解决")]
        status.value = message(f"共 {len(frame)} 件协调事项。", "ok")

    def on_close(_: object) -> None:
        from jj123lib.loop.coordination import close

        if not item.value:
            status.value = message("请先刷新登记簿并选择要办结的事项。", "error")
            return
        chosen = str(item.value)
        if session.run(status, "办结", lambda: close(chosen, outcome.value, ref.value, session.clerk,
                                                   session.data_dir)) is not None:
            on_refresh(None)
            status.value = message(f"已将 {chosen} 标记为{outcome.value}（依据：{ref.value.strip()}）。", "ok")

    refresh.on_click(on_refresh)
    close_button.on_click(on_close)
    return widgets.VBox([widgets.HBox([refresh, open_only]), status, register_html,
                         widgets.HTML("<h4>办结事项</h4>"), widgets.HBox([item, outcome]), ref, close_button,
                         *_assign_controls(session, item, status, on_refresh)])


def _assign_controls(session: Session, item: widgets.Dropdown, status: widgets.HTML,
                     refresh: Callable[[object], None]) -> list[widgets.Widget]:
    """指定需协调部门 for the item chosen above (``jj123 coordination assign``), then the register read again."""
    department = widgets.Text(description="需协调部门：", placeholder="如 自然资源局；多个部门用顿号分隔")
    why = widgets.Text(description="理由：", placeholder="可不填")
    assign_button = widgets.Button(description="指定部门", icon="building")

    def on_assign(_: object) -> None:
        from jj123lib.loop.coordination import assign

        if not item.value:
            status.value = message("请先刷新登记簿并选择事项。", "error")
            return
        chosen = str(item.value)
        done = session.run(status, "指定需协调部门", lambda: assign(chosen, department.value, session.clerk,
                                                                   session.data_dir, reason=why.value))
        if done is not None:
            refresh(None)
            before = f"（原为“{done.previous}”）" if done.previous and done.previous != done.department else ""
            unknown = f"；“{'、'.join(done.unknown)}”不是任务清单中的责任单位，已按原文记录" if done.unknown else ""
            status.value = message(f"已将 {chosen} 的需协调部门指定为“{done.department}”{before}{unknown}。", "ok")

    assign_button.on_click(on_assign)
    heading = widgets.HTML("<h4>指定需协调部门（覆盖单位填报，留痕）</h4>")
    return [heading, widgets.HBox([department, why]), assign_button]
