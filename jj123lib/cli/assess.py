"""The judgement commands of ``jj123``: ratings (灯号), league (排名、红黄榜), override (督查室调整灯号)
and signals (对标预警).

Thin views of the quarter's one assessment (:func:`jj123lib.loop.assessment.assess_quarter`: the lights of
:mod:`jj123lib.assess.ratings`, the 红黄榜 of :mod:`jj123lib.assess.unit_league`, the signals of
:mod:`jj123lib.assess.signals`). ``signals`` is kept apart from ``jj123 flags`` (数据核查 questions the data a
unit typed; 对标 signals say where Jinjiang stands).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from jj123lib.cli.common import (
    add_as_of,
    add_data_dir,
    add_format,
    add_out,
    add_quarter,
    add_view_options,
    emit,
    existing_data_dir,
    ledger_as_of,
    view,
)
from jj123lib.cli.publish import add_correct, guarded
from jj123lib.core.clock import moment_label, parse_day
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.formats import FORMATS
from jj123lib.domain import lights

if TYPE_CHECKING:  # pandas loads only when a command needs it
    from jj123lib.ledger.store import Ledger

__all__ = ["add_league", "add_override", "add_ratings", "add_signals",
           "cmd_league", "cmd_override", "cmd_ratings", "cmd_signals"]

OVERRIDE_CHOICES = [f"{key}/{lights.LABELS[key]}" for key in lights.RATED]

RATING_VIEW = {
    "task_id": "任务编号", "tier_label": "层级", "title": "任务名称", "leader": "牵头市领导", "lead_unit": "牵头单位",
    "milestone": "本季度节点目标", "planned_pct": "计划累计进度(%)", "actual_pct": "实际累计进度(%)",
    "gap": "落后序时进度(百分点)", "milestone_met": "节点目标是否完成", "self_status": "自评状态",
    "light_label": "督查室灯号", "projected": "预计年底(%)", "projection_risk": "交付风险", "reason": "理由",
    "overridden": "督查室调整", "conflict": "与核实结果并列", "prev_light_label": "上季度灯号", "change": "变化",
    "projection_reason": "预计依据",
}
LEAGUE_VIEW = {
    "rank": "名次", "leader": "市领导", "score": "得分", "n_tasks": "任务数", **lights.LABELS,
    "prev_rank": "上季度名次", "rank_change": "名次变化",
    "prev_score": "上季度得分",
}
OVERRIDE_VIEW = {"id": "序号", "task_id": "任务编号", "quarter": "季度", "light": "调整为", "reason": "理由",
                 "by": "调整人", "at": "调整时间", "revoked": "已撤销", "revoked_at": "撤销时间",
                 "revoked_by": "撤销人", "revoke_reason": "撤销理由"}
SIGNALS_VIEW = {"task_id": "任务编号", "tier_label": "层级", "title": "任务名称", "leader": "牵头市领导",
                "lead_unit": "牵头单位", "light_label": "督查室灯号", "label": "对标预警", "indicator": "指标",
                "reason": "具体情况"}


def _say_preview(quarter: str, day: date, rules: Mapping[str, Any]) -> None:
    """Before the quarter's deadline the lights and ranks are a 预览: say so (stderr, so exports stay clean)."""
    from jj123lib.loop.deadlines import preview_note

    note = preview_note(quarter, day, rules)
    if note:
        sys.stderr.write(note + "\n")


def cmd_ratings(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.assessment import assess_quarter

    quarter = validate_quarter(args.quarter)
    data_dir, demo = existing_data_dir(args.data_dir)
    ledger = ledger_as_of(data_dir, args.as_of)
    assessment = assess_quarter(quarter, ledger, as_of=args.as_of, rules=load_rules(args.rules),
                                units_file=getattr(args, "units", None))
    frame = assessment.rated
    _say_preview(quarter, assessment.as_of, load_rules(args.rules))
    counts = frame["light"].value_counts()
    footer = "，".join(f"{lights.LABELS[k]} {int(counts.get(k, 0))} 项" for k in lights.ORDER)
    footer = f"共 {len(frame)} 项任务：{footer}。数据截至 {moment_label(ledger.moment())}。"
    if ledger.plan().empty:
        sys.stderr.write("提示：台账中还没有年度计划，无法对照序时进度"
                         "（先用 jj123 forms --plan 下发、jj123 ingest 导入）。\n")
    emit(view(frame, RATING_VIEW), args.format, args.out, footer, demo, sheet=f"{quarter}灯号",
         light_columns=(RATING_VIEW["light_label"], RATING_VIEW["prev_light_label"]))
    return 0


def cmd_league(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules, rating_rules
    from jj123lib.loop.assessment import assess_quarter

    quarter = validate_quarter(args.quarter)
    data_dir, demo = existing_data_dir(args.data_dir)
    rules = load_rules(args.rules)
    ledger = ledger_as_of(data_dir, args.as_of)
    _say_preview(quarter, parse_day(args.as_of, ledger.moment()), rules)
    if args.by == "unit":  # the units' 红黄榜, ranked within each group
        from jj123lib.assess.unit_league import unit_league_text, unit_league_view

        units = assess_quarter(quarter, ledger, as_of=args.as_of,
                               rules=rules, units_file=args.units).units
        if args.format == "table" and not args.out:
            sys.stdout.write(unit_league_text(units))
        else:
            emit(unit_league_view(units), args.format, args.out, "", demo, sheet=f"{quarter}红黄榜")
        return 0
    frame = assess_quarter(quarter, ledger, as_of=args.as_of, rules=rules,
                           units_file=args.units).league
    counted = lights.LABELS[rating_rules(rules)["missing_counts_as"]]
    emit(view(frame, LEAGUE_VIEW), args.format, args.out,
         f"得分 = 牵头任务灯号分值按层级加权平均；未报送按{counted}计分。", demo,
         sheet=f"{quarter}市领导排名")
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.store import Ledger

    quarter = validate_quarter(args.quarter) if args.quarter else None
    data_dir, demo = existing_data_dir(args.data_dir)
    ledger = ledger_as_of(data_dir, args.as_of)  # what is listed or shown; a record is stamped now, never back-dated
    if args.list or not args.task_id:
        frame = ledger.overrides(quarter)
        frame["light"] = frame["light"].map(lights.LABELS)
        emit(view(frame, OVERRIDE_VIEW), args.format, None, f"共 {len(frame)} 条灯号调整记录（含已撤销），"
             f"数据截至 {moment_label(ledger.moment())}。", demo, sheet="灯号调整记录")
        return 0
    if quarter is None:
        raise ParameterError("--quarter", "", hint="调整灯号须指定季度，如 --quarter 2026Q3")
    task_id = args.task_id.strip().upper()
    if args.revoke:  # a published quarter changes only as a correction (cli.publish.guarded)
        guarded(args, data_dir, quarter, "撤销灯号调整", f"撤销 {task_id} 的灯号调整",
                lambda folder, now: Ledger(folder).revoke_override(task_id, quarter, args.by,
                                                                   args.reason or "撤销调整", now=now))
        sys.stdout.write(f"已撤销 {task_id} 在 {quarter} 的灯号调整，恢复按规则评价。\n")
        _say_as_of(args, ledger, quarter, task_id)
        return 0
    if not args.light:
        raise ParameterError("--light", "", OVERRIDE_CHOICES, "须指定调整后的灯号")
    light = lights.parse_light(args.light)
    if light is None or light not in lights.RATED:
        raise ParameterError("--light", args.light, OVERRIDE_CHOICES)
    known = set(load_tasks()["task_id"])
    guarded(args, data_dir, quarter, "调整灯号", f"{task_id} 灯号调整为{lights.LABELS[light]}",
            lambda folder, now: Ledger(folder).add_override(task_id, quarter, light, args.reason or "", args.by,
                                                            known_tasks=known, now=now))
    sys.stdout.write(f"已将 {task_id} 在 {quarter} 的灯号调整为{lights.LABELS[light]}，理由已记录备查。\n")
    _say_as_of(args, ledger, quarter, task_id)
    return 0


def _say_as_of(args: argparse.Namespace, ledger: Ledger, quarter: str, task_id: str) -> None:
    """With ``--as-of``, the task as it stood then (rule and light); the record just made is stamped now."""
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.assessment import assess_quarter

    if args.as_of is None:
        return
    rated = assess_quarter(quarter, ledger, as_of=args.as_of, rules=load_rules(args.rules)).rated
    rows = rated[rated["task_id"] == task_id]
    if rows.empty:
        return
    row = rows.iloc[0]
    sys.stdout.write(f"截至 {moment_label(ledger.moment())}，{task_id} 按规则判定为{lights.LABELS[row['rule_light']]}，"
                     f"督查室灯号为{row['light_label']}；本次记录的时间为现在，不倒签。\n")


def cmd_signals(args: argparse.Namespace) -> int:
    from jj123lib.assess.signals import load_benchmark_view
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.assessment import assess_quarter
    from jj123lib.reports.benchmarks import signals_table

    quarter = validate_quarter(args.quarter)
    data_dir, demo = existing_data_dir(args.data_dir)
    rules = load_rules(args.rules)
    ledger = ledger_as_of(data_dir, args.as_of)
    benchmark_view = load_benchmark_view(quarter, ledger, rules)
    rated = assess_quarter(quarter, ledger, as_of=args.as_of, rules=rules,
                           units_file=getattr(args, "units", None)).rated
    frame = signals_table(benchmark_view, rated)
    if benchmark_view.empty:
        footer = "年度计划尚未填报对标指标，无对标预警。"
    else:
        green = frame.loc[frame["light"] == "green", "task_id"].nunique()
        effect = ("有预警的绿灯任务已降为黄灯" if benchmark_view.rules["affects_light"]
                  else "对标预警与灯号并列显示，不改变灯号")
        footer = (f"共 {len(frame)} 条对标预警，涉及 {frame['task_id'].nunique()} 项任务（其中绿灯 {green} 项）。"
                  f"{effect}。")
    emit(view(frame, SIGNALS_VIEW), args.format, args.out, footer, demo, sheet="对标预警",
         light_columns=(SIGNALS_VIEW["light_label"],))
    return 0


def add_ratings(ratings: argparse.ArgumentParser) -> None:
    add_view_options(ratings)
    add_as_of(ratings)
    ratings.set_defaults(handler=cmd_ratings)


def add_league(league: argparse.ArgumentParser) -> None:
    add_view_options(league)
    add_as_of(league)
    league.add_argument("--by", choices=("leader", "unit"), default="leader",
                        help="leader：市领导排名（默认）；unit：责任单位按组排名的红黄榜")
    league.set_defaults(handler=cmd_league)


def add_override(override: argparse.ArgumentParser) -> None:
    override.add_argument("task_id", nargs="?", help="任务编号，如 P06")
    add_quarter(override, required=False)
    override.add_argument("--light", help=f"调整后的灯号：{'、'.join(OVERRIDE_CHOICES)}")
    override.add_argument("--reason", help="调整（或撤销）理由，必填")
    override.add_argument("--by", default="督查室", help="调整人（默认：督查室）")
    override.add_argument("--revoke", action="store_true", help="撤销该任务该季度的调整")
    override.add_argument("--list", action="store_true", help="列出调整记录（含已撤销）")
    add_correct(override)
    add_as_of(override, "查看时点 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（默认：现在）：--list 列出此时已有的调整记录"
                        "（此后才撤销的仍显示为有效）；调整或撤销时另显示该任务此时按规则判定的灯号。"
                        "调整记录本身总按现在的时间记录，不倒签")
    add_format(override, FORMATS, "--list 的输出格式")
    add_data_dir(override)
    override.set_defaults(handler=cmd_override)


def add_signals(signals: argparse.ArgumentParser) -> None:
    add_quarter(signals)
    add_as_of(signals)
    add_format(signals)
    add_out(signals)
    add_data_dir(signals)
    signals.set_defaults(handler=cmd_signals)
