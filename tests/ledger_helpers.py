"""Helpers for ledger tests: fill forms in memory, build small ledgers quickly."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd

from jj123lib.domain.tasks import load_tasks
from jj123lib.intake.forms import (
    BENCH_PLAN_SHEET,
    INDICATOR_SHEET,
    PLAN_SHEET,
    PROGRESS_SHEET,
    build_plan_form,
    build_progress_form,
    header_columns,
    plan_form_name,
    plan_quarter_columns,
    progress_form_name,
)
from jj123lib.ledger.store import Ledger

TASKS = load_tasks()
PLAN_PCTS = (20.0, 45.0, 70.0, 100.0)


def lead_values(task_id: str, pct: float = 50.0) -> dict[str, Any]:
    """A valid lead row (everything a lead unit must fill in)."""
    return {"实际累计进度(%)": pct, "节点目标是否完成": "是", "自评状态": "达进度",
            "工作进展": f"{task_id} 完成专题部署会 2 次", "存在问题": "无", "下步计划": "10月底前完成项目立项",
            "需协调事项": "无", "填报人": "陈志强", "填报日期": date(2026, 10, 8)}


def filled_progress(folder: Path, unit: str, quarter: str = "2026Q3", changes: dict[str, dict[str, Any]] | None = None,
                    plan: pd.DataFrame | None = None, demo: bool = False, name: str | None = None,
                    co_notes: bool = True, benchmarks: pd.DataFrame | None = None,
                    indicators: dict[tuple[str, int], dict[str, Any]] | None = None) -> Path:
    """Save a valid, filled progress form for ``unit``; ``changes`` maps task_id → {label: value}.

    With ``benchmarks`` (a benchmark plan) the form has its 指标进展 sheet, filled from ``indicators``
    ((task_id, 指标序号) → {label: value}).
    """
    wb = build_progress_form(unit, quarter, TASKS, plan, demo=demo, benchmarks=benchmarks)
    if indicators:
        sheet = wb[INDICATOR_SHEET]
        where = header_columns(sheet)
        for row in range(2, sheet.max_row + 1):
            key = cast("tuple[str, int]",
                       (sheet.cell(row, where["任务编号"]).value, sheet.cell(row, where["指标序号"]).value))
            for label, value in indicators.get(key, {}).items():
                sheet.cell(row, where[label]).value = value
    ws = wb[PROGRESS_SHEET]
    cols = header_columns(ws)
    leads = dict(zip(TASKS["task_id"], TASKS["lead_unit"]))
    for row in range(2, ws.max_row + 1):
        task_id = cast(str, ws.cell(row, cols["任务编号"]).value)
        if leads[task_id] == unit:
            values = lead_values(task_id)
        elif co_notes:
            values = {"工作进展": f"配合 {task_id} 提供资料", "填报人": "林丽娟", "填报日期": "2026-10-09"}
        else:
            values = {}
        values.update((changes or {}).get(task_id, {}))
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value
    path = folder / (name or progress_form_name(quarter, unit))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def bench_values(task_id: str, year: int = 2026) -> dict[str, Any]:
    """A valid 对标计划 indicator-1 row: a peer, one indicator, a 成效目标."""
    return {"对标对象": "昆山市（全国县域经济第一）", "成效目标级别": "省级", "成效目标": f"{task_id} 获评省级示范",
            "指标名称": "地区生产总值增速", "指标口径": "按可比价计算", "数据来源": "统计局", "计量单位": "%",
            f"{year - 1}年基数": 5.5, f"{year}年目标": 6.5, "标杆最新值": 6.0, "目标位次": "全省县域第1"}


def fill_benchmarks(wb: Any, changes: dict[tuple[str, int], dict[str, Any]] | None = None, year: int = 2026) -> None:
    """Fill the 对标计划 sheet: indicator 1 of every task (``bench_values``); ``changes`` by (task, 指标序号)."""
    ws = wb[BENCH_PLAN_SHEET]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        key = (ws.cell(row, cols["任务编号"]).value, ws.cell(row, cols["指标序号"]).value)
        values = bench_values(key[0], year) if key[1] == 1 else {}
        values.update((changes or {}).get(key, {}))
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value


def filled_plan(folder: Path, unit: str, pcts: tuple[float, ...] = PLAN_PCTS,
                changes: dict[str, dict[str, Any]] | None = None, demo: bool = False,
                bench_changes: dict[tuple[str, int], dict[str, Any]] | None = None) -> Path:
    wb = build_plan_form(unit, 2026, TASKS, demo=demo)
    fill_benchmarks(wb, bench_changes)
    ws = wb[PLAN_SHEET]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        task_id = cast(str, ws.cell(row, cols["任务编号"]).value)
        values: dict[str, Any] = {"填报人": "陈志强", "填报日期": "2026-01-20"}
        for q in range(1, 5):
            m_label, p_label = plan_quarter_columns(q)
            values[m_label] = f"完成第{q}阶段成果验收"
            values[p_label] = pcts[q - 1]
        values.update((changes or {}).get(task_id, {}))
        for label, value in values.items():
            ws.cell(row, cols[label]).value = value
    path = folder / plan_form_name(2026, unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def record_plan(ledger: Ledger, unit: str, pcts: dict[str, tuple[float, ...]]) -> None:
    """Write plan rows straight into the ledger (fast, no xlsx)."""
    rows = [{"sheet": "年度计划", "excel_row": i + 2, "task_id": t, "quarter": f"2026Q{q}",
             "milestone": f"{t} 第{q}季度节点", "planned_pct": p[q - 1]}
            for i, (t, p) in enumerate(pcts.items()) for q in range(1, 5)]
    _add(ledger, {"kind": "plan", "unit": unit, "quarter": None}, rows)


def record_progress(ledger: Ledger, unit: str, quarter: str, rows: dict[str, dict[str, Any]],
                    role: str = "lead", received: str | None = None) -> str:
    """Write progress rows straight into the ledger; ``rows`` maps task_id → field values.

    ``received`` (a stamp) is when the office received the form (default: on its latest 填报日期, 16:00).
    """
    out = []
    for i, (task_id, values) in enumerate(rows.items()):
        row = {"sheet": "进度填报", "excel_row": i + 2, "task_id": task_id, "role": role, "actual_pct": 50.0,
               "milestone_met": True, "self_status": "达进度", "progress": "进展", "problems": "无",
               "next_steps": "下步", "coordination": "无", "reporter": "陈志强", "report_date": "2026-10-08"}
        row.update(values)
        out.append(row)
    meta = {"kind": "progress", "unit": unit, "quarter": quarter}
    return _add(ledger, {**meta, "received_at": received} if received else meta, out)


_COUNTER = [0]


def _received(rows: list[dict[str, Any]]) -> str | None:
    """Received on the latest 填报日期 of the rows, at 16:00 (never after now), as a clerk would log it."""
    from datetime import date, datetime, time

    from jj123lib.core.clock import CHINA_TZ, china_now, china_stamp

    days = [str(r["report_date"])[:10] for r in rows if r.get("report_date")]
    if not days:
        return None
    moment = datetime.combine(date.fromisoformat(max(days)), time(16), CHINA_TZ)
    return china_stamp(min(moment, china_now()))


def _add(ledger: Ledger, meta: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    _COUNTER[0] += 1
    data = f"{meta}{rows}{_COUNTER[0]}".encode()
    sha = hashlib.sha256(data).hexdigest()
    # A plan written here carries no 填报日期: it came in January, as the year's plans do.
    dated = rows if meta["kind"] != "plan" else [{**r, "report_date": r.get("report_date") or "2026-01-20"}
                                                 for r in rows]
    record = {"sha256": sha, "filename": f"{meta['unit']}.xlsx", "ext": "xlsx", "year": 2026,
              "source_format": "xlsx", "form_version": "1", "received_at": _received(dated), **meta}
    with ledger.lock():
        assert ledger.add_file(record, data, rows)
    return sha


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """Every file under ``data_dir`` (except the lock) with its bytes."""
    if not data_dir.exists():
        return {}
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def xlsx_bytes(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
