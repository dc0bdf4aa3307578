"""The ledger commands of ``jj123``: forms, ingest, ledger, ratings, league, override, demo-data.

Registered into :mod:`jj123lib.cli.main` through ``_EXTRA_COMMANDS``; thin wrappers
around :mod:`jj123lib.intake.forms`, :mod:`jj123lib.intake.ingest`, :mod:`jj123lib.ledger.store`,
:mod:`jj123lib.assess.ratings` and :mod:`jj123lib.demo.generate`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; commands import it when they need it
    import pandas as pd


from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import parse_date
from jj123lib.core.datadir import is_demo, readable_data_dir, writable_data_dir
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.formats import FORMATS, render_frame
from jj123lib.domain import lights

EXPORT_FORMATS = (*FORMATS, "xlsx")
OVERRIDE_CHOICES = [f"{key}/{lights.LABELS[key]}" for key in lights.RATED]

SUBMISSION_VIEW = {
    "quarter": "季度", "task_id": "任务编号", "title": "任务名称", "leader": "牵头市领导", "unit": "填报单位",
    "role": "角色", "actual_pct": "实际累计进度(%)",
    "milestone_met": "节点目标是否完成", "self_status": "自评状态", "progress": "工作进展", "problems": "存在问题",
    "next_steps": "下步计划", "coordination": "需协调事项", "reporter": "填报人", "report_date": "填报日期",
    "normalizations": "规范化说明", "filename": "来源文件", "file_sha256": "存档编号", "superseded": "已被取代",
}
RATING_VIEW = {
    "task_id": "任务编号", "tier_label": "层级", "title": "任务名称", "leader": "牵头市领导", "lead_unit": "牵头单位",
    "milestone": "本季度节点目标", "planned_pct": "计划累计进度(%)", "actual_pct": "实际累计进度(%)",
    "gap": "落后序时进度(百分点)", "milestone_met": "节点目标是否完成", "self_status": "自评状态",
    "light_label": "督查室灯号", "reason": "理由", "overridden": "督查室调整", "prev_light_label": "上季度灯号",
    "change": "变化",
}
LEAGUE_VIEW = {
    "rank": "名次", "leader": "市领导", "score": "得分", "n_tasks": "任务数", **lights.LABELS,
    "prev_rank": "上季度名次", "rank_change": "名次变化",
    "prev_score": "上季度得分",
}
OVERRIDE_VIEW = {"id": "序号", "task_id": "任务编号", "quarter": "季度", "light": "调整为", "reason": "理由",
                 "by": "调整人", "at": "调整时间", "revoked": "已撤销", "revoked_at": "撤销时间",
                 "revoked_by": "撤销人", "revoke_reason": "撤销理由"}


def _yes_no(value: Any) -> Any:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def _view(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    out = frame.loc[:, list(mapping)].copy()
    for column in out.columns:
        if out[column].dtype == bool or out[column].dtype == object:
            out[column] = out[column].map(_yes_no)
    return out.rename(columns=mapping)



def _in_notice_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Submissions with the task's name and lead leader, rows in the notice's order (N, P, B, then number)."""
    from jj123lib.domain.tasks import load_tasks

    tasks = load_tasks()
    position = {task_id: i for i, task_id in enumerate(tasks["task_id"])}
    names, leaders = dict(zip(tasks["task_id"], tasks["title"])), dict(zip(tasks["task_id"], tasks["leader"]))
    out = frame.copy()
    out["title"] = [names.get(t) for t in out["task_id"]]
    out["leader"] = [leaders.get(t) for t in out["task_id"]]
    out["_order"] = [position.get(t, len(position)) for t in out["task_id"]]
    out = out.sort_values(["quarter", "_order", "role", "unit"], ascending=[True, True, False, True], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _announce_demo(data_dir: Path) -> None:
    if is_demo(data_dir):
        sys.stderr.write(f"【示例数据】数据目录 {data_dir} 由 jj123 demo-data 生成，内容为演示数据，"
                         "不代表任何单位的真实工作进展。\n")


def _existing_data_dir(data_dir: str | None) -> tuple[Path, bool]:
    """A data folder that must already exist (reading commands); says so when it holds demo data."""
    path = readable_data_dir(data_dir)
    _announce_demo(path)
    return path, is_demo(path)


DEMO_COLUMN = "数据性质"
DEMO_VALUE = "示例数据（演示用，非真实进展）"


def _emit(frame: pd.DataFrame, fmt: str, out: str | None, footer: str = "", demo: bool = False,
          sheet: str = "台账", light_columns: tuple[str, ...] = ()) -> None:
    if demo and fmt != "table":  # an export from demo data can never pass for a real ledger
        frame = frame.copy()
        frame.insert(0, DEMO_COLUMN, DEMO_VALUE)
    if fmt == "xlsx":
        from jj123lib.render.xlsx_export import frame_to_xlsx

        if not out:
            raise ParameterError("--out", "", hint="xlsx 格式须用 --out 指定输出文件")
        atomic_write(out, frame_to_xlsx(frame, sheet, light_columns=light_columns, demo=demo))
        sys.stdout.write(f"已写入 {out}（{len(frame)} 行）\n")
        return
    text = render_frame(frame, fmt)
    if fmt == "table" and footer:
        text += "\n" + footer + "\n"
    if out:
        atomic_write(out, text.encode("utf-8-sig") if fmt == "csv" else text)
        sys.stdout.write(f"已写入 {out}（{len(frame)} 行）\n")
    else:
        sys.stdout.write(text)


def cmd_forms(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.intake.forms import write_forms

    data_dir = writable_data_dir(args.data_dir)
    _announce_demo(data_dir)
    if not args.plan and not args.quarter:
        raise ParameterError("--quarter", "",
                             hint="生成进度填报表须指定 --quarter（如 2026Q3），或用 --plan 生成年度计划表")
    quarter = validate_quarter(args.quarter) if args.quarter else None
    paths = write_forms(quarter, plan=args.plan, year=args.year, out_dir=args.out, data_dir=data_dir,
                        units=args.unit or None, demo=False)
    what = "年度计划表" if args.plan else f"{quarter} 进度填报表"
    folder = paths[0].parent if paths else Path(args.out or ".")
    sys.stdout.write(f"已生成 {len(paths)} 份{what}，保存在 {folder}\n")
    for path in paths:
        sys.stdout.write(f"  {path.name}\n")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.intake.ingest import ingest_files

    data_dir = writable_data_dir(args.data_dir)
    _announce_demo(data_dir)
    results = ingest_files(args.files, data_dir, rules=load_rules(args.rules))
    for result in results:
        stream = sys.stdout if result.ok else sys.stderr
        stream.write(result.message() + "\n")
    rejected = sum(not r.ok for r in results)
    accepted = sum(r.status == "accepted" for r in results)
    sys.stdout.write(f"共 {len(results)} 个文件：导入 {accepted} 个，重复 {len(results) - accepted - rejected} 个，"
                     f"退回 {rejected} 个。\n")
    return 2 if rejected else 0


def cmd_ledger(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.ledger.store import Ledger

    quarter = validate_quarter(args.quarter)
    data_dir, demo = _existing_data_dir(args.data_dir)
    frame = _in_notice_order(Ledger(data_dir).submissions(quarter, include_superseded=args.all))
    frame["role"] = frame["role"].map({"lead": "牵头", "co": "配合"})
    mapping = dict(SUBMISSION_VIEW)
    if not args.all:
        mapping.pop("superseded")
    view = _view(frame, mapping)
    footer = f"共 {len(view)} 行。" if len(view) else "台账中没有该季度的填报记录。"
    _emit(view, args.format, args.out, footer, demo, sheet=f"{quarter}台账")
    return 0


def cmd_ratings(args: argparse.Namespace) -> int:
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules
    from jj123lib.ledger.store import Ledger

    quarter = validate_quarter(args.quarter)
    data_dir, demo = _existing_data_dir(args.data_dir)
    frame = rate_quarter(quarter, data_dir, as_of=parse_date(args.as_of), rules=load_rules(args.rules))
    counts = frame["light"].value_counts()
    as_of = Ledger(data_dir).data_as_of(quarter)
    footer = "，".join(f"{lights.LABELS[k]} {int(counts.get(k, 0))} 项" for k in lights.ORDER)
    footer = f"共 {len(frame)} 项任务：{footer}。数据截至 {as_of or '（无填报）'}。"
    if Ledger(data_dir).plan().empty:
        sys.stderr.write("提示：台账中还没有年度计划，无法对照序时进度"
                         "（先用 jj123 forms --plan 下发、jj123 ingest 导入）。\n")
    _emit(_view(frame, RATING_VIEW), args.format, args.out, footer, demo, sheet=f"{quarter}灯号",
          light_columns=(RATING_VIEW["light_label"], RATING_VIEW["prev_light_label"]))
    return 0


def cmd_league(args: argparse.Namespace) -> int:
    from jj123lib.assess.ratings import league_table
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.rules import load_rules, rating_rules

    quarter = validate_quarter(args.quarter)
    data_dir, demo = _existing_data_dir(args.data_dir)
    rules = load_rules(args.rules)
    if args.by == "unit":  # the units' 红黄榜, ranked within each group
        from jj123lib.assess.unit_league import unit_league, unit_league_text, unit_league_view

        units = unit_league(quarter, data_dir, as_of=parse_date(args.as_of), rules=rules, units_file=args.units)
        if args.format == "table" and not args.out:
            sys.stdout.write(unit_league_text(units))
        else:
            _emit(unit_league_view(units), args.format, args.out, "", demo)
        return 0
    frame = league_table(quarter, data_dir, as_of=parse_date(args.as_of), rules=rules)
    counted = lights.LABELS[rating_rules(rules)["missing_counts_as"]]
    _emit(_view(frame, LEAGUE_VIEW), args.format, args.out,
          f"得分 = 牵头任务灯号分值按层级加权平均；未报送按{counted}计分。", demo,
          sheet=f"{quarter}市领导排名")
    return 0


def cmd_override(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.store import Ledger

    quarter = validate_quarter(args.quarter) if args.quarter else None
    data_dir, demo = _existing_data_dir(args.data_dir)
    ledger = Ledger(data_dir)
    if args.list or not args.task_id:
        frame = ledger.overrides(quarter)
        frame["light"] = frame["light"].map(lights.LABELS)
        _emit(_view(frame, OVERRIDE_VIEW), args.format, None, f"共 {len(frame)} 条灯号调整记录（含已撤销）。", demo)
        return 0
    if quarter is None:
        raise ParameterError("--quarter", "", hint="调整灯号须指定季度，如 --quarter 2026Q3")
    task_id = args.task_id.strip().upper()
    if args.revoke:
        ledger.revoke_override(task_id, quarter, args.by, args.reason or "撤销调整")
        sys.stdout.write(f"已撤销 {task_id} 在 {quarter} 的灯号调整，恢复按规则评价。\n")
        return 0
    if not args.light:
        raise ParameterError("--light", "", OVERRIDE_CHOICES, "须指定调整后的灯号")
    light = lights.parse_light(args.light)
    if light is None or light not in lights.RATED:
        raise ParameterError("--light", args.light, OVERRIDE_CHOICES)
    ledger.add_override(task_id, quarter, light, args.reason or "", args.by,
                        known_tasks=set(load_tasks()["task_id"]))
    sys.stdout.write(f"已将 {task_id} 在 {quarter} 的灯号调整为{lights.LABELS[light]}，理由已记录备查。\n")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from jj123lib.demo.generate import generate_demo

    summary = generate_demo(args.data_dir, seed=args.seed)
    sys.stderr.write(f"【示例数据】已在 {summary.data_dir} 生成示例数据（种子 {summary.seed}），"
                     f"共导入 {summary.files} 个表格。示例数据不代表任何单位的真实工作进展。\n")
    sys.stdout.write(f"试试：jj123 ratings --quarter 2026Q3 --data-dir {summary.data_dir}\n")
    return 0


def _data_dir_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir",
                        help="数据目录（默认：$JJ123_DATA_DIR 或 data；在源码目录中，相对路径以项目根目录为准）")


def _view_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="table", help="输出格式 (default: table)")
    parser.add_argument("--out", help="输出文件（xlsx 格式必填）")
    _data_dir_arg(parser)


def _as_of_arg(parser: argparse.ArgumentParser) -> None:
    # Before a quarter's reporting deadline its unreported tasks are 未到报送期, after it 未报送.
    parser.add_argument("--as-of", help="判断日期 YYYY-MM-DD（默认：今天，北京时间）")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ledger subcommands to the ``jj123`` parser."""
    forms = sub.add_parser("forms", help="生成各责任单位的进度填报表或年度计划表 (make forms)")
    forms.add_argument("--quarter", help="季度，如 2026Q3")
    forms.add_argument("--plan", action="store_true", help="生成年度计划表（发给牵头单位）")
    forms.add_argument("--year", type=int, help="年度计划的年份（默认取任务表年度）")
    forms.add_argument("--unit", action="append", help="只生成该单位的表（可重复）")
    forms.add_argument("--out", help="输出目录（默认：<数据目录>/forms/<季度>）")
    _data_dir_arg(forms)
    forms.set_defaults(handler=cmd_forms)

    ingest = sub.add_parser("ingest", help="导入填好的表格（.xlsx 或 CSV）(ingest forms)")
    ingest.add_argument("files", nargs="+", help="填好的表格文件")
    _data_dir_arg(ingest)
    ingest.set_defaults(handler=cmd_ingest)

    ledger = sub.add_parser("ledger", help="查看台账中的填报记录 (show the ledger)")
    _view_args(ledger)
    ledger.add_argument("--all", action="store_true", help="包括已被后续报送取代的记录")
    ledger.set_defaults(handler=cmd_ledger)

    ratings = sub.add_parser("ratings", help="各任务灯号及理由 (ratings)")
    _view_args(ratings)
    _as_of_arg(ratings)
    ratings.set_defaults(handler=cmd_ratings)

    league = sub.add_parser("league", help="市领导排名或责任单位红黄榜 (league table)")
    _view_args(league)
    _as_of_arg(league)
    league.add_argument("--by", choices=("leader", "unit"), default="leader",
                        help="leader：市领导排名（默认）；unit：责任单位按组排名的红黄榜")
    league.set_defaults(handler=cmd_league)

    override = sub.add_parser("override", help="督查室调整灯号、撤销或查看调整记录 (override a light)")
    override.add_argument("task_id", nargs="?", help="任务编号，如 P06")
    override.add_argument("--quarter", help="季度，如 2026Q3")
    override.add_argument("--light", help=f"调整后的灯号：{'、'.join(OVERRIDE_CHOICES)}")
    override.add_argument("--reason", help="调整（或撤销）理由，必填")
    override.add_argument("--by", default="督查室", help="调整人（默认：督查室）")
    override.add_argument("--revoke", action="store_true", help="撤销该任务该季度的调整")
    override.add_argument("--list", action="store_true", help="列出调整记录（含已撤销）")
    override.add_argument("--format", choices=FORMATS, default="table", help="--list 的输出格式")
    _data_dir_arg(override)
    override.set_defaults(handler=cmd_override)

    demo = sub.add_parser("demo-data", help="生成示例数据（经真实导入流程）(make demo data)")
    demo.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
    _data_dir_arg(demo)
    demo.set_defaults(handler=cmd_demo_data)

    from jj123lib.reports.explore import register as register_explore

    register_explore(sub)  # explore: the analyst's notebook as HTML

