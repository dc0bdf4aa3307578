"""The leader report's first page: the 摘要 (what is wrong, why, what the leader is asked to coordinate, the
office's 意见) and the 数据核查 flags shown on the task they concern ("数据待核实"); and, on each task's 下季度
节点目标, the plan's 攻坚措施 and 责任人 in one line (:func:`plan_line`).

Everything here is read from what the view-model already holds (the quarter's one assessment, the supervision
lists, the opinions file): nothing is judged again, the 摘要 only says it first and short.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from jj123lib.core.frames import records
from jj123lib.render.htmlkit import Markup, badge, section, text_or_none
from jj123lib.reports import base

__all__ = ["DATA_FLAGS", "UNVERIFIED", "Flag", "task_flags", "shown_change", "flags_html", "abstract_html",
           "plan_texts", "plan_line"]

# The 数据核查 flags that put a task's reported figures in doubt (the others judge the wording or the self-rating).
DATA_FLAGS = ("jump", "unverified_full", "milestone_no_gap", "copied", "stuck")
UNVERIFIED = "数据待核实"
_PROBLEM_CHARS = 60  # a unit's 存在问题 quoted in the 摘要, cut here; the whole text is in 存在问题
_REQUEST_CHARS = 30  # a 协调事项 in the 摘要, cut here; the whole text is in 需市领导协调事项


Flag = tuple[str, str, str]  # (flag, label, detail)


def task_flags(flags: pd.DataFrame) -> dict[str, list[Flag]]:
    """Task → its data flags as (flag, label, detail), in the flags' order."""
    out: dict[str, list[Flag]] = {}
    for r in records(flags[flags["flag"].isin(DATA_FLAGS)]):
        out.setdefault(str(r["task_id"]), []).append((str(r["flag"]), str(r["flag_label"]), str(r["detail"])))
    return out


def shown_change(change: Any, flags: Iterable[Flag]) -> Any:
    """A light's change as the report shows it: a 好转 resting on a flagged jump reads 数据待核实."""
    return UNVERIFIED if change == "好转" and any(flag == "jump" for flag, _, _ in flags) else change


def flags_html(flags: Iterable[Flag]) -> Markup:
    """A task's data flags under its light, by name (the 摘要 gives the details): 数据待核实."""
    labels = "、".join(label for _, label, _ in flags)
    return Markup('<div class="jj-flag"><b>{}</b>：{}</div>').format(UNVERIFIED, labels) if labels else Markup("")


def _line(label: str, body: Markup | str) -> Markup:
    return Markup('<li><b>{}：</b>{}</li>').format(label, body)


def _problems(lagging: pd.DataFrame, flags: Mapping[str, list[Flag]]) -> list[Markup]:
    lines = []
    for r in base.rows(lagging):
        why = _cut(r.problems, _PROBLEM_CHARS)
        said = Markup("；单位报告的问题：{}").format(why) if why else ""
        doubt = Markup("；{}").format(UNVERIFIED) if str(r.task_id) in flags else ""
        lines.append(Markup("{} <b>{}</b> {}（{}）：{}{}{}").format(
            badge(r.light, r.light_label), r.task_id, r.title, r.lead_unit, base.plain_reason(r.reason), said, doubt))
    return lines


def _cut(text: Any, limit: int) -> str:
    value = text_or_none(text) or ""
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _requests(coordination: pd.DataFrame, unlogged: Iterable[Any]) -> list[Markup]:
    """Each open 协调事项, oldest first, then this quarter's new requests; the whole text is in its section."""
    lines = [Markup("<b>{}</b> {}：{}（已挂账 {} 个季度）").format(
        r["task_id"], r["unit"], _cut(r["latest_text"] or r["text"], _REQUEST_CHARS), r["quarters_open"])
        for r in records(coordination.sort_values(["quarters_open", "id"], ascending=[False, True]))]
    lines += [Markup("<b>{}</b> {}：{}（本季度新提出）").format(i.task_id, i.unit, _cut(i.text, _REQUEST_CHARS))
              for i in unlogged]
    return lines


def abstract_html(counts_text: str, lagging: pd.DataFrame, flags: Mapping[str, list[Flag]],
                  titles: Mapping[str, str], coordination: pd.DataFrame, unlogged: Iterable[Any],
                  opinion: Any) -> Markup:
    """摘要: the lights in a line, then what is wrong and why, data in doubt, what to coordinate, the office's 意见."""
    parts = [_line("总体", counts_text)]
    problems = _problems(lagging, flags)
    parts.append(_line("存在问题", Markup("<br>").join(problems) if problems else "本季度无红灯、黄灯或未报送任务。"))
    if flags:
        doubt = [Markup("<b>{}</b> {}：{}").format(task, titles.get(task, ""),
                                                     "；".join(f"{label}（{detail}）" for _, label, detail in found))
                 for task, found in flags.items()]
        parts.append(_line(UNVERIFIED, Markup("<br>").join(doubt)))
    requests = _requests(coordination, unlogged)
    parts.append(_line("提请协调", Markup("；").join(requests) if requests else "无需市领导协调的事项。"))
    overall = "" if opinion is None else text_or_none(opinion.overall)
    n_tasks = 0 if opinion is None else len(opinion.tasks)
    if overall or n_tasks:
        more = f"（另有 {n_tasks} 项任务的具体意见，见“督查室意见”）" if n_tasks else ""
        parts.append(Markup('<li><b>督查室意见：</b><span class="jj-opinion">{}</span>{}</li>').format(
            overall or "", more))
    return section("摘要", Markup('<ul class="jj-abstract">{}</ul>').format(Markup("").join(parts)))


def plan_texts(row: Mapping[str, Any] | None) -> dict[str, str | None]:
    """The 攻坚措施 and 责任人 of a task's plan row (``None`` each when the plan has none, or predates them)."""
    return {key: None if row is None else text_or_none(row.get(key)) for key in ("measures", "owner")}


def plan_line(row: Mapping[str, Any]) -> Markup:
    """``攻坚措施：…　责任人：…`` in one line, the lead unit's words verbatim (escaped); nothing when neither is set.

    On screen only: on paper (four A4 pages) the 责任人 alone follows the milestone, on its line.
    """
    parts = [Markup("<b>{}：</b>{}").format(label, row.get(key)) for key, label in (("measures", "攻坚措施"),
                                                                                   ("owner", "责任人"))
             if text_or_none(row.get(key))]
    if not parts:
        return Markup("")
    owner = text_or_none(row.get("owner"))
    printed = (Markup('<span class="jj-item-text jj-print-only">　<b>责任人：</b>{}</span>').format(owner)
               if owner else "")
    return printed + Markup('<div class="jj-item-text jj-screen-only">{}</div>').format(Markup("　").join(parts))
