"""数据核查: checks on implausible reports, for the office to look at. Flags never change a light.

For each task's lead submission in the quarter (thresholds in ``rules.yaml``, ``flags:``):

* ``jump`` – actual cumulative % up by more than ``jump_points`` in one quarter;
* ``unverified_full`` – 100 % claimed (已完成) without the office's verification;
* ``milestone_no_gap`` – milestone missed although the gap is zero or negative;
* ``rosier`` – self-assessment (超进度/达进度/已完成) rosier than the office's yellow or red;
* ``copied`` – 工作进展 identical to last quarter's (after normalising spaces and punctuation);
* ``vague`` – 工作进展 shorter than ``min_text_chars`` or nothing left once the vague words go;
* ``stuck`` – reported on time each of the last ``stuck_min_quarters`` quarters, progress never moved;
* ``backdated`` – the 填报日期 typed on the form lies more than ``backdated_days`` days before the office
  received it (lateness is judged on the receipt; a backdated form is worth a question).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from jj123lib.core.clock import china_now
from jj123lib.core.frames import records
from jj123lib.domain.quarters import normalize_quarter, previous_quarter, quarters_up_to
from jj123lib.domain.rules import load_rules, loop_rules
from jj123lib.domain.tiers import task_order
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import normalize_text
from jj123lib.loop.deadlines import unit_states

__all__ = ["FLAG_LABELS", "FLAG_COLUMNS", "find_flags", "is_vague"]

FLAG_LABELS = {"jump": "单季度进度跳升", "unverified_full": "100% 未经核实", "milestone_no_gap": "节点未完成但不落后",
               "rosier": "自评优于督查室灯号", "copied": "工作进展与上季度相同", "vague": "工作进展空泛或过短",
               "stuck": "按时报送但进度停滞", "backdated": "填报日期早于收文日期较多"}
FLAG_COLUMNS = ["task_id", "lead_unit", "leader", "quarter", "flag", "flag_label", "detail", "light_label"]
_ROSY = ("已完成", "超进度", "达进度")
_DIGIT = re.compile(r"\d")


def is_vague(text: str | None, vague_words: list[str], min_chars: int) -> bool:
    """Too short, or only vague wording (继续/持续/进一步…) with no number or concrete noun left."""
    plain = normalize_text(text or "")
    if len(plain) < min_chars:
        return True
    rest = plain
    for word in sorted(vague_words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return not _DIGIT.search(plain) and len(rest) < max(4, len(plain) // 4)


def _pct(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _dated_and_received(ledger: Ledger, quarter: str) -> dict[str, tuple[date, date]]:
    """Per task, the lead row's 填报日期 and the day its form was received (China time)."""
    frame = ledger.submissions(quarter)
    out: dict[str, tuple[date, date]] = {}
    for task_id, role, dated, received in zip(frame["task_id"], frame["role"], frame["report_date"],
                                              frame["received_at"]):
        if role != "lead" or not isinstance(dated, str) or not isinstance(received, str):
            continue
        try:
            out[str(task_id)] = (date.fromisoformat(dated[:10]), china_now(datetime.fromisoformat(received)).date())
        except ValueError:
            continue
    return out


def find_flags(quarter: str, data_dir: str | os.PathLike[str] | Ledger | None = None, *,
               as_of: str | date | None = None, rules: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per flag raised, in office task order."""
    from jj123lib.assess.ratings import rate_quarter

    quarter = normalize_quarter(quarter)
    ledger = Ledger.of(data_dir)
    rule_set = load_rules() if rules is None else rules
    f = loop_rules(rule_set, "flags")
    rated = rate_quarter(quarter, ledger, rules=rules, as_of=as_of)
    history = {q: {r["task_id"]: r for r in records(rate_quarter(q, ledger, rules=rules, as_of=as_of))}
               for q in quarters_up_to(quarter)}
    prev_q = previous_quarter(quarter)
    n_stuck = int(f["stuck_min_quarters"])
    stuck_quarters = quarters_up_to(quarter)[-n_stuck:]
    on_time = {q: dict(zip(*[unit_states(q, ledger, as_of=as_of, rules=rules)[c] for c in ("unit", "state")]))
               for q in stuck_quarters} if len(stuck_quarters) == n_stuck else {}
    dated = _dated_and_received(ledger, quarter)
    rows: list[dict[str, Any]] = []
    for r in records(rated):
        if r["source_file"] is None:
            continue  # nothing submitted: 催报, not 核查
        found: list[tuple[str, str]] = []
        actual = _pct(r["actual_pct"])
        before = history[prev_q][r["task_id"]] if prev_q else None
        progress = str(r["progress"] or "")
        prev_actual = None if before is None else _pct(before["actual_pct"])
        if actual is not None and prev_actual is not None and actual - prev_actual > float(f["jump_points"]):
            found.append(("jump", f"实际累计进度 {prev_actual:g}% → {actual:g}%，"
                                  f"单季度增加 {actual - prev_actual:g} 个百分点（阈值 {f['jump_points']}）"))
        if actual is not None and actual >= 100 and r["light"] != "done":
            found.append(("unverified_full", f"报实际累计进度 {actual:g}%，尚未经督查室核实销号"))
        gap = _pct(r["gap"])
        if r["milestone_met"] is False and gap is not None and gap <= 0:
            found.append(("milestone_no_gap", f"节点目标未完成，但序时进度差为 {gap:g}（不落后），数据可能不一致"))
        if r["self_status"] in _ROSY and r["light"] in ("yellow", "red"):
            found.append(("rosier", f"自评“{r['self_status']}”，督查室评为{r['light_label']}"))
        prev_text = str(before["progress"] or "") if before is not None else ""
        if progress and prev_text and normalize_text(progress) == normalize_text(prev_text):
            found.append(("copied", "工作进展与上季度报送内容相同"))
        if is_vague(progress, list(f["vague_words"]), int(f["min_text_chars"])):
            found.append(("vague", f"工作进展仅 {len(normalize_text(progress))} 字或只有笼统表述：“{progress}”"))
        if on_time and all(on_time[q].get(r["lead_unit"]) == "按时" for q in stuck_quarters):
            values = [_pct(history[q][r["task_id"]]["actual_pct"]) for q in stuck_quarters]
            if values[0] is not None and all(v == values[0] for v in values) and values[0] < 100:
                found.append(("stuck", f"连续 {n_stuck} 个季度按时报送，实际累计进度始终为 {values[0]:g}%"))
        days = dated.get(str(r["task_id"]))
        if days is not None and (days[1] - days[0]).days > int(f["backdated_days"]):
            found.append(("backdated", f"填报日期 {days[0].isoformat()}，督查室收文日期 {days[1].isoformat()}，"
                                       f"相差 {(days[1] - days[0]).days} 天（阈值 {f['backdated_days']} 天）"))
        for flag, detail in found:
            rows.append({"task_id": r["task_id"], "lead_unit": r["lead_unit"], "leader": r["leader"],
                         "quarter": quarter, "flag": flag, "flag_label": FLAG_LABELS[flag], "detail": detail,
                         "light_label": r["light_label"]})
    order = list(FLAG_LABELS)
    rows.sort(key=lambda row: (task_order(str(row["task_id"])), order.index(str(row["flag"]))))
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)
