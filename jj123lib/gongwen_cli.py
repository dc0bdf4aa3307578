"""``jj123 bulletin``: the quarter's 督查通报 as a .docx, to try the 公文 builder on the ledger (or demo data).

:func:`bulletin_data` assembles the plain :class:`~jj123lib.gongwen.Bulletin` from the ratings and the
units' league; no leader score or rank goes into it. Registered into :mod:`jj123lib.cli`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import date
from typing import TYPE_CHECKING

from jj123lib.clock import china_today
from jj123lib.exceptions import ParameterError

if TYPE_CHECKING:  # python-docx and pandas load only when the command runs
    import pandas as pd

    from jj123lib.gongwen import Bulletin, LeagueEntry

__all__ = ["bulletin_data", "league_entries", "cmd_bulletin", "register"]

RECIPIENTS = "各镇人民政府、街道办事处，市直有关单位"
REQUIREMENTS = (
    "一是对标对表抓推进。各责任单位要对照年度计划和季度节点目标，逐项排查进度，确保按序时推进。",
    "二是聚焦短板抓整改。列入黄榜的单位要深入分析原因，制定整改措施，限期赶上序时进度。",
    "三是按时报送抓落实。各责任单位要按时、如实报送工作进展，未报送的及时补报。",
)


def league_entries(frame: pd.DataFrame) -> list[LeagueEntry]:
    """Rows of :func:`jj123lib.unit_league.unit_league` as :class:`~jj123lib.gongwen.LeagueEntry`."""
    from jj123lib.gongwen import LeagueEntry

    out = []
    for row in frame.to_dict(orient="records"):
        score = float(row["score"])
        out.append(LeagueEntry(str(row["group_label"]), None if row["rank"] is None else int(row["rank"]),
                               str(row["unit"]), None if math.isnan(score) else score, int(row["n_tasks"]),
                               int(row["done"]), int(row["red"]), int(row["missing"]), str(row["board"]),
                               str(row["board_reason"])))
    return out


def bulletin_data(quarter: str, data_dir: str | os.PathLike[str]) -> Bulletin:
    """The quarter's 督查通报 content: light counts, the units' 红黄榜, red and unreported tasks."""
    from jj123lib.gongwen import Bulletin
    from jj123lib.lights import LABELS, ORDER
    from jj123lib.quarters import quarter_label
    from jj123lib.ratings import rate_quarter
    from jj123lib.unit_league import RED_BOARD, YELLOW_BOARD, unit_league

    label = quarter_label(quarter)
    rated = rate_quarter(quarter, data_dir)
    league = unit_league(quarter, data_dir)
    counts = rated["light"].value_counts()
    lights = "、".join(f"{LABELS[k]} {int(counts.get(k, 0))} 项" for k in ORDER)
    reds, yellows = int((league["board"] == RED_BOARD).sum()), int((league["board"] == YELLOW_BOARD).sum())
    overview = [
        f"{label}，市政府督查室对“123”争先进位 {len(rated)} 项任务的推进情况进行了督查。其中：{lights}。",
        f"按镇街/指挥部/园区、市直部门、国有企业分组对 {len(league)} 个责任单位进行排名，"
        f"列入红榜 {reds} 个、黄榜 {yellows} 个。",
    ]
    problems = []
    for task in rated[rated["light"].isin(["red", "missing"])].to_dict(orient="records"):
        text = f"{task['task_id']} {task['title']}（牵头单位：{task['lead_unit']}）：{task['reason']}。"
        if task["problems"]:
            text += f"单位反映的问题：{task['problems']}"  # unit text: a run of text in the document
        problems.append(text)
    return Bulletin(f"关于{label}“123”争先进位工作推进情况的督查通报", RECIPIENTS, overview,
                    league_entries(league), problems or ["本季度无红灯、未报送任务。"], list(REQUIREMENTS))


def cmd_bulletin(args: argparse.Namespace) -> int:
    from jj123lib.datadir import is_demo
    from jj123lib.gongwen import DocMeta, build_bulletin, save_docx
    from jj123lib.parameters import validate_data_dir, validate_quarter

    quarter = validate_quarter(args.quarter)
    data_dir = validate_data_dir(args.data_dir)
    try:
        issued = date.fromisoformat(args.date) if args.date else china_today()
    except ValueError:
        raise ParameterError("--date", args.date, hint="日期应写作 YYYY-MM-DD，如 2026-10-15") from None
    demo = is_demo(data_dir)
    meta = DocMeta(args.doc_number, issued, demo=demo)
    path = save_docx(build_bulletin(bulletin_data(quarter, data_dir), meta), args.out)
    if demo:
        sys.stderr.write("【示例数据】通报由示例数据生成，文中已标注“示例数据”。\n")
    sys.stdout.write(f"已写入 {path}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``jj123 bulletin`` to the ``jj123`` parser."""
    bulletin = sub.add_parser("bulletin", help="生成季度督查通报 Word 文档 (.docx)")
    bulletin.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    bulletin.add_argument("--out", required=True, help="输出文件，如 通报.docx")
    bulletin.add_argument("--doc-number", default="晋政督通〔    〕  号", help="文号，如 晋政督通〔2026〕3号")
    bulletin.add_argument("--date", help="签发（成文）日期 YYYY-MM-DD（默认：今天）")
    bulletin.add_argument("--data-dir", help="数据目录（默认：$JJ123_DATA_DIR 或 ./data）")
    bulletin.set_defaults(handler=cmd_bulletin)
