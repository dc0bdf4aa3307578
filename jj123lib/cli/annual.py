"""``jj123 annual --year 2026``: the year-end review (年度考评) as text, CSV, JSON or a formatted xlsx 考评表.

A thin wrapper around :func:`jj123lib.annual.review.annual_review`.
Demo data is marked 示例数据 in every format (a column in CSV, a key in JSON, sheet names in xlsx).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from jj123lib.cli.common import (
    DEMO_COLUMN,
    DEMO_VALUE,
    add_as_of,
    add_data_dir,
    add_format,
    add_out,
    existing_data_dir,
    ledger_as_of,
)
from jj123lib.core.atomic import atomic_write
from jj123lib.core.clock import moment_label
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.formats import render_frame

if TYPE_CHECKING:
    import pandas as pd

    from jj123lib.annual.review import AnnualReview

__all__ = ["add_annual", "cmd_annual", "review_xlsx", "review_json"]


def _marked(frame: pd.DataFrame, demo: bool) -> pd.DataFrame:
    if not demo:
        return frame
    out = frame.copy()
    out.insert(0, DEMO_COLUMN, DEMO_VALUE)
    return out


def _title(result: AnnualReview) -> str:
    return f"晋江市{result.year}年度“123”争先进位工作年度考评表{'（预评）' if result.preliminary else ''}"


def review_xlsx(result: AnnualReview, demo: bool) -> bytes:
    """The 考评表: one sheet per table, then the rules; outcomes coloured, printed A4 landscape."""
    import pandas as pd

    from jj123lib.annual.review import OUTCOME_LIGHTS, TABLES
    from jj123lib.domain.lights import COLORS
    from jj123lib.render.xlsx_export import Sheet, sheets_to_xlsx

    fills = {outcome: COLORS[light] for outcome, light in OUTCOME_LIGHTS.items()}
    tables = result.tables()
    sheets = [Sheet(TABLES[key], _marked(frame, demo), ("考评结果",) if key == "outcomes" else (),
                    fills if key == "outcomes" else {}) for key, frame in tables.items()]
    rules = pd.DataFrame({"序号": range(1, len(result.describe_rules()) + 1), "考评规则": result.describe_rules()})
    sheets.append(Sheet("考评规则", _marked(rules, demo)))
    return sheets_to_xlsx(sheets, demo=demo, header=_title(result))


def review_json(result: AnnualReview, demo: bool, published: str = "") -> str:
    """All tables of the review in one JSON document, Chinese keys as in the other exports (``published``: the
    已发布 note of a published year)."""
    from jj123lib.annual.review import TABLES

    doc: dict[str, Any] = {}
    if demo:
        doc[DEMO_COLUMN] = DEMO_VALUE
    doc.update({"年度": result.year, "考评季度": result.final_quarter, "判断日期": result.as_of.isoformat(),
                "预评": result.preliminary, "预评说明": result.preliminary_note(),
                "第四季度尚未报送单位": list(result.pending_units), "结果统计": result.counts()})
    if published:
        doc["已发布"] = published
    for key, frame in result.tables().items():
        doc[TABLES[key]] = json.loads(render_frame(frame, "json"))
    doc["考评规则"] = result.describe_rules()
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _text(result: AnnualReview, demo: bool, moment: str) -> str:
    from jj123lib.annual.review import OUTCOMES
    from jj123lib.domain.units import GROUP_LABELS, GROUPS

    tables = result.tables()
    counts = result.counts()
    head = (f"{_title(result)}（考评季度 {result.final_quarter or '无报送'}，判断日期 {result.as_of.isoformat()}，"
            f"数据截至 {moment}）"
            + ("【示例数据】" if demo else ""))
    parts = [head, *([result.preliminary_note()] if result.preliminary else []),
             "，".join(f"{o} {counts[o]} 项" for o in OUTCOMES) + f"，共 {len(result.outcomes)} 项。", "",
             "【任务考评结果】",
             render_frame(tables["outcomes"].drop(columns=["任务名称", "配合单位", "依据"]), "table")]
    rows = zip(result.outcomes["task_id"], result.outcomes["outcome"], result.outcomes["reason"])
    parts += ["【考评依据】", *[f"{task} {outcome}：{reason}" for task, outcome, reason in rows], ""]
    for group in GROUPS:
        part = tables["units"][tables["units"]["分组"] == GROUP_LABELS[group]]
        if len(part):
            parts += [f"【责任单位得分：{GROUP_LABELS[group]}】", render_frame(part.drop(columns="分组"), "table")]
    parts += ["【市领导汇总】", render_frame(tables["leaders"], "table"),
              "每项加减分见 --format csv --table breakdown（得分明细）；规则见 params/rules.yaml 的 annual_review 段。"]
    return "\n".join(parts) + "\n"


def cmd_annual(args: argparse.Namespace) -> int:
    from jj123lib.annual.publish import published_review
    from jj123lib.annual.review import TABLES, annual_review
    from jj123lib.domain.rules import load_rules

    data_dir, demo = existing_data_dir(args.data_dir)
    if args.format == "xlsx" and not args.out:
        raise ParameterError("--out", "", hint="xlsx 格式须用 --out 指定输出文件")
    # A published year is read as it was published, unless asked as of another moment.
    published = None if args.as_of else published_review(data_dir, args.year)
    ledger = ledger_as_of(data_dir, args.as_of)
    result = published[0] if published else annual_review(
        args.year, ledger, as_of=args.as_of, rules=load_rules(args.rules), units_file=args.units)
    stamp = published[1] if published else None
    moment = stamp.as_of[:16].replace("T", " ") if stamp else moment_label(ledger.moment())
    note = (f"已发布：{result.year} 年度考评于 {stamp.day} 发布（数据截至 {moment}），"
            "以下为发布时的结果。") if stamp else ""
    if args.format == "xlsx":
        atomic_write(args.out, review_xlsx(result, demo))
        sys.stdout.write(f"已写入 {args.out}（考评表：{'、'.join(TABLES.values())}、考评规则）\n")
        return 0
    if args.format == "json":
        text = review_json(result, demo, note)
    elif args.format == "csv":
        text = render_frame(_marked(result.tables()[args.table], demo), "csv")
    else:
        text = (note + "\n" if note else "") + _text(result, demo, moment)
    if args.out:
        atomic_write(args.out, text.encode("utf-8-sig") if args.format == "csv" else text)
        sys.stdout.write(f"已写入 {args.out}\n")
    else:
        sys.stdout.write(text)
    return 0


def add_annual(annual: argparse.ArgumentParser) -> None:
    annual.description = ("按 params/rules.yaml 的 annual_review 段评定每项任务完成/基本完成/未完成，"
                          "计算责任单位年度得分（附得分明细），汇总市领导牵头任务。")
    annual.add_argument("--year", required=True, help="年度，如 2026")
    add_as_of(annual)
    add_format(annual)
    annual.add_argument("--table", choices=("outcomes", "units", "breakdown", "leaders"), default="outcomes",
                        help="csv 输出哪张表：outcomes 任务结果、units 单位得分、breakdown 得分明细、"
                             "leaders 市领导汇总")
    add_out(annual)
    add_data_dir(annual)
    annual.set_defaults(handler=cmd_annual)
