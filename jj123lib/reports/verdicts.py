"""A light as every report shows it, from the quarter's rated rows (nothing judged here).

The badge and its reason; an office override with the rule's light; an override that contradicts a verified
result, both side by side with the office's reason (the rows' ``conflict``); the data in doubt; and, beside
the light, 预计年底完成度 with its 交付风险 (the rows' ``projected``, ``projection_risk``, ``projection_reason``).
"""

from __future__ import annotations

from typing import Any

from jj123lib.domain import lights
from jj123lib.render.htmlkit import Markup, badge, esc, fmt_pct, is_blank
from jj123lib.reports import base, leader_summary

__all__ = ["light_cell", "conflict_html", "forward_html", "department_text", "FORWARD_HEADER"]

FORWARD_HEADER = "预计年底"  # the column beside the light


def conflict_html(row: Any) -> Markup:
    """An override beside the verified result it contradicts (empty when there is none)."""
    conflict = getattr(row, "conflict", None)
    if is_blank(conflict):
        return Markup("")
    return Markup('<div class="jj-conflict"><b>两项结论并列：</b>{}</div>').format(conflict)


def department_text(row: Any) -> str:
    """A 协调事项's 需协调部门 as the register holds it; read from the request's wording, it says so."""
    department = str(row["department"])
    return f"{department}（据事项文字推定）" if row["department_source"] == "text" else department


def forward_html(row: Any) -> Markup:
    """预计年底完成度 and 交付风险 (数据不足 when the data allow none); the method is in the 附录."""
    risk = getattr(row, "projection_risk", None)
    if is_blank(risk):
        return Markup("—")
    why = esc(getattr(row, "projection_reason", "") or "")
    if is_blank(row.projected):
        return Markup('<span class="jj-risk" title="{}">{}</span>').format(why, risk)
    return Markup('<span class="jj-forward" title="{}">{}</span><div class="jj-risk jj-risk-{}">风险{}</div>').format(
        why, fmt_pct(row.projected), {"低": "low", "中": "medium", "高": "high"}.get(str(risk), "none"), risk)


def light_cell(row: Any, with_reason: bool = True) -> Markup:
    """The light's badge, its reason (without thresholds), the override, data in doubt; with the reason, a
    conflict (a report shows a task's reason once, so its conflict once)."""
    reason = (f'<div class="jj-note">{esc(base.plain_reason(row.reason))}</div>'
              if with_reason and not is_blank(row.reason) else "")
    conflict = conflict_html(row) if with_reason else Markup("")
    override = ""
    if bool(row.overridden) and not conflict:  # a conflict states the override and its reason itself
        override = (f'<div class="jj-note">督查室调整（规则判定：{esc(lights.LABELS.get(row.rule_light, ""))}）：'
                    f'{esc(row.override_reason)}</div>')
    flags = leader_summary.flags_html(row.data_flags) if isinstance(getattr(row, "data_flags", None), list) else ""
    return Markup(f"{badge(row.light, row.light_label)}{reason}{override}{conflict}{flags}")
