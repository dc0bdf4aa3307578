"""The supervision-loop commands of ``jj123``: cuibao, duban, verify, coordination, flags.

Thin wrappers around :mod:`jj123lib.loop.deadlines`, :mod:`jj123lib.loop.duban`,
:mod:`jj123lib.loop.verification`, :mod:`jj123lib.loop.coordination` and :mod:`jj123lib.loop.flags`.
``--as-of`` also sets the clock of the records they write.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from jj123lib.cli.common import (
    add_as_of,
    add_data_dir,
    add_format,
    add_out,
    add_quarter,
    emit,
    existing_data_dir,
    ledger_as_of,
    view,
)
from jj123lib.cli.publish import add_correct, guarded
from jj123lib.core.clock import as_of_moment
from jj123lib.core.exceptions import ParameterError
from jj123lib.ledger.events import default_by

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_coordination", "add_cuibao", "add_duban", "add_flags", "add_verify",
           "cmd_coordination", "cmd_cuibao", "cmd_duban", "cmd_flags", "cmd_verify"]

CUIBAO_VIEW = {"unit": "单位", "quarter": "季度", "deadline": "报送截止日", "days_overdue": "逾期天数",
               "tasks": "涉及任务", "leaders": "牵头市领导", "reporter": "联系人", "phone": "联系电话"}
STATE_VIEW = {"unit": "单位", "quarter": "季度", "deadline": "报送截止日", "state": "报送状态",
              "submitted_on": "收文日期", "dated": "填报日期", "days_late": "迟报/逾期天数"}
DUBAN_VIEW = {"id": "督办编号", "task_id": "任务编号", "unit": "督办对象", "trigger_label": "触发原因",
              "level_label": "督办级别", "steps": "督办次数", "status_label": "状态", "issued_on": "首次下发",
              "due_date": "整改期限", "answer_due": "应反馈期限", "overdue_since": "逾期起算",
              "days_overdue": "逾期天数", "response": "最新反馈", "reason": "说明"}
STEPS_VIEW = {"step": "步骤", "level_label": "督办级别", "issued_on": "下发日期", "due_date": "整改期限",
              "reason": "事由", "by": "操作人", "at": "记录时间"}
AWAITING_VIEW = {"target": "编号", "kind": "类别", "unit": "单位", "leader": "牵头市领导", "claimed_on": "申报日期",
                 "detail": "说明"}
COORDINATION_VIEW = {"id": "事项编号", "task_id": "任务编号", "unit": "提出单位", "leader": "牵头市领导",
                     "latest_text": "需协调事项（最近一次）", "quarter_raised": "首次提出", "last_quarter": "最近提出",
                     "department": "需协调部门", "department_source": "部门来源",
                     "quarters_open": "历时(季度)", "status": "状态", "ref": "办结依据", "closed_by": "办结人",
                     "closed_at": "办结时间"}
FLAGS_VIEW = {"task_id": "任务编号", "lead_unit": "牵头单位", "leader": "牵头市领导", "flag_label": "核查提示",
              "detail": "具体情况", "light_label": "督查室灯号"}


def _need(value: str | None, option: str, hint: str) -> str:
    if not value or not value.strip():
        raise ParameterError(option, "", hint=hint)
    return value


def cmd_cuibao(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.assessment import assess_quarter

    data_dir, demo = existing_data_dir(args.data_dir)
    assessment = assess_quarter(args.quarter, ledger_as_of(data_dir, args.as_of), as_of=args.as_of,
                                rules=load_rules(args.rules), units_file=args.units)
    if args.all:
        frame: pd.DataFrame = assessment.states
        emit(view(frame, STATE_VIEW), args.format, args.out, f"共 {len(frame)} 个单位。", demo, sheet="报送情况")
        return 0
    frame = assessment.supervision.cuibao
    footer = (f"共 {len(frame)} 个单位逾期未报送，请电话催报并发《督查催办通知》。" if len(frame)
              else "没有逾期未报送的单位。")
    emit(view(frame, CUIBAO_VIEW), args.format, args.out, footer, demo, sheet="催报清单")
    if args.texts:  # the same ready texts the workbench offers to copy
        from jj123lib.core.frames import records
        from jj123lib.loop.deadlines import reminder_text

        for row in records(frame):
            sys.stdout.write(f"\n【{row['unit']}】{reminder_text(row)}\n")
    return 0


def cmd_duban(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.duban import duban_items, duban_steps, issue_duban, respond

    data_dir, demo = existing_data_dir(args.data_dir)
    if args.action == "issue":
        quarter = _need(args.quarter, "--quarter", "下发督办须指定季度，如 --quarter 2026Q3")
        summary = issue_duban(quarter, data_dir, as_of=args.as_of, by=args.by, now=as_of_moment(args.as_of),
                              rules=load_rules(args.rules))
        sys.stdout.write(f"新下发 {len(summary.created)} 件，再次触发升级 {len(summary.escalated)} 件，"
                         f"逾期未反馈升级 {len(summary.overdue)} 件，已是最高级别仍逾期未办结 "
                         f"{len(summary.still_overdue)} 件。\n")
        for label, ids in (("新下发", summary.created), ("再次触发", summary.escalated),
                           ("再次触发（已是最高级别）", summary.repeated_at_top), ("逾期升级", summary.overdue),
                           ("逾期未办结", summary.still_overdue)):
            if ids:
                sys.stdout.write(f"  {label}：{'、'.join(ids)}\n")
        return 0
    if args.action == "forms":
        from jj123lib.domain.parameters import validate_quarter
        from jj123lib.intake.response_form import write_response_forms

        quarter = validate_quarter(_need(args.quarter, "--quarter", "生成整改反馈表须指定季度，如 --quarter 2026Q3"))
        paths = write_response_forms(quarter, data_dir, out_dir=args.out, as_of=args.as_of,
                                     now=as_of_moment(args.as_of))
        if not paths:
            sys.stdout.write(f"{quarter} 没有未销号的督办事项，未生成整改反馈表。\n")
            return 0
        sys.stdout.write(f"已生成 {len(paths)} 份整改反馈表，保存在 {paths[0].parent}；"
                         "发给督办对象填报后，用 jj123 ingest 导入。\n")
        for path in paths:
            sys.stdout.write(f"  {path.name}\n")
        return 0
    if args.action == "respond":
        item = _need(args.item, "ID", "须给出督办编号，如 jj123 duban respond DB-2026Q3-001 --text ...")
        respond(item, _need(args.text, "--text", "须写明整改反馈内容"), args.by, args.status, data_dir,
                now=as_of_moment(args.as_of))
        after = "待督查室核实销号" if args.status == "已整改" else "继续整改"
        sys.stdout.write(f"已记录 {item.strip().upper()} 的整改反馈（{args.status}），{after}。\n")
        return 0
    if args.action == "steps":
        item = _need(args.item, "ID", "须给出督办编号，如 jj123 duban steps DB-2026Q3-001")
        frame = duban_steps(item, data_dir, as_of=args.as_of)
        emit(view(frame, STEPS_VIEW), args.format, args.out,
             f"{item.strip().upper()} 共 {len(frame)} 步（首次下发及每次升级）。", demo, sheet="督办步骤")
        return 0
    frame = duban_items(args.quarter, ledger_as_of(data_dir, args.as_of), as_of=args.as_of,
                        rules=load_rules(args.rules))
    emit(view(frame, DUBAN_VIEW), args.format, args.out, f"共 {len(frame)} 件督办事项。", demo, sheet="督办事项")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.verification import awaiting, reject, revoke, verify

    data_dir, demo = existing_data_dir(args.data_dir)
    rules = load_rules(args.rules)
    quarter = _need(args.quarter, "--quarter", "须指定季度，如 --quarter 2026Q3")
    if not args.target:
        frame = awaiting(quarter, ledger_as_of(data_dir, args.as_of), as_of=args.as_of, rules=rules)
        emit(view(frame, AWAITING_VIEW), args.format, args.out, f"共 {len(frame)} 项待核实。", demo, sheet="待核实")
        return 0
    target, clock = args.target.strip().upper(), as_of_moment(args.as_of)
    # A published quarter changes only as a correction, in its snapshot too (cli.publish.guarded).
    if args.revoke:
        guarded(args, data_dir, quarter, "撤销核实结论", f"撤销 {target} 的核实结论",
                lambda folder, now: revoke(target, quarter, args.by, args.reason or "", folder, now=now or clock))
        sys.stdout.write(f"已撤销 {target} 在 {quarter} 的核实结论，记录保留备查。\n")
    elif args.reject:
        guarded(args, data_dir, quarter, "退回核实", f"{target} 核实未通过，退回",
                lambda folder, now: reject(target, quarter, args.reason or "", args.by, folder, args.evidence,
                                           as_of=args.as_of, now=now or clock, rules=rules))
        sys.stdout.write(f"{target} 核实未通过，已退回，理由已记录。\n")
    else:
        guarded(args, data_dir, quarter, "核实销号", f"{target} 核实销号",
                lambda folder, now: verify(target, quarter, args.evidence or [], args.by, args.note or "", folder,
                                           as_of=args.as_of, now=now or clock, rules=rules,
                                           reason=args.reason or ""))
        done = "已核实认定" if "@" in target else "已核实销号"
        sys.stdout.write(f"{target} {done}，佐证材料 {len(args.evidence)} 份已原样存档。\n")
    return 0


def cmd_coordination(args: argparse.Namespace) -> int:
    """List the register (brought up to date first, as of the moment read), close or assign an item.

    ``close`` and ``assign`` act on an item already listed, stamped now: they check their arguments and never
    sync, so a refusal writes nothing.
    """
    from jj123lib.domain.rules import load_rules
    from jj123lib.domain.vocab import DEPARTMENT_SOURCE_LABELS
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.coordination import close, register, sync

    data_dir, demo = existing_data_dir(args.data_dir)
    if args.action in ("close", "assign") and args.as_of:
        raise ParameterError("--as-of", args.as_of, hint="办结和指定需协调部门按当前时间记录，不能补记到以前的时点")
    if args.action == "close":
        item = _need(args.item, "ID", "须给出事项编号，如 jj123 coordination close XT-2026Q2-001 ...")
        close(item, _need(args.status, "--status", "须指定 已协调 或 已解决"),
              _need(args.ref, "--ref", "须写明依据，如 会议纪要〔2026〕12号"), args.by, data_dir)
        sys.stdout.write(f"已将 {item.strip().upper()} 标记为{args.status}（依据：{args.ref.strip()}）。\n")
        return 0
    if args.action == "assign":
        return _assign_department(args, data_dir)
    # A back-dated run registers what the forms received by its moment asked, stamped at that moment.
    moment = as_of_moment(args.as_of)
    new = sync(Ledger(data_dir, as_of=moment), by=args.by, now=moment, rules=load_rules(args.rules))
    if new:
        sys.stderr.write(f"新登记协调事项 {len(new)} 件。\n")
    frame = register(ledger_as_of(data_dir, args.as_of), quarter=args.quarter, open_only=args.open)
    frame["department_source"] = frame["department_source"].map(DEPARTMENT_SOURCE_LABELS)
    emit(view(frame, COORDINATION_VIEW), args.format, args.out, f"共 {len(frame)} 件协调事项。", demo, sheet="协调事项")
    return 0


def _assign_department(args: argparse.Namespace, data_dir: str | os.PathLike[str]) -> int:
    """``coordination assign ID --department 部门``: the office names who must act, stamped now."""
    from jj123lib.loop.coordination import assign

    item = _need(args.item, "ID", "须给出事项编号，如 jj123 coordination assign XT-2026Q2-001 --department 自然资源局")
    done = assign(item, _need(args.department, "--department", "须写明需协调部门，如 自然资源局"), args.by, data_dir,
                  reason=args.reason)
    before = f"（原为“{done.previous}”）" if done.previous and done.previous != done.department else ""
    sys.stdout.write(f"已将 {done.item_id} 的需协调部门指定为“{done.department}”{before}。\n")
    if done.unknown:
        near = f"是否为“{'、'.join(done.guesses)}”？" if done.guesses else "请核对名称"
        sys.stderr.write(f"提示：“{'、'.join(done.unknown)}”不是任务清单中的责任单位，已按原文记录（{near}）。\n")
    return 0


def cmd_flags(args: argparse.Namespace) -> int:
    from jj123lib.domain.rules import load_rules
    from jj123lib.loop.flags import find_flags

    data_dir, demo = existing_data_dir(args.data_dir)
    frame = find_flags(args.quarter, ledger_as_of(data_dir, args.as_of), as_of=args.as_of,
                       rules=load_rules(args.rules))
    emit(view(frame, FLAGS_VIEW), args.format, args.out,
          f"共 {len(frame)} 条核查提示。核查提示不改变灯号，供督查室核实时参考。", demo, sheet="数据核查")
    return 0


def _loop_options(parser: argparse.ArgumentParser, quarter_required: bool = True, by: bool = False) -> None:
    """The options every loop command takes; ``by`` adds the operator of the commands that write."""
    add_quarter(parser, required=quarter_required)
    add_as_of(parser)
    add_format(parser)
    add_out(parser)
    add_data_dir(parser)
    if by:
        parser.add_argument("--by", default=default_by(), help="操作人（默认：当前系统用户）")


def add_cuibao(cuibao: argparse.ArgumentParser) -> None:
    _loop_options(cuibao)
    cuibao.add_argument("--all", action="store_true", help="列出全部单位的报送状态")
    cuibao.add_argument("--texts", action="store_true", help="另列出发给每个逾期单位的催报短信（可复制到短信或微信）")
    cuibao.set_defaults(handler=cmd_cuibao)


def add_duban(duban: argparse.ArgumentParser) -> None:
    duban.add_argument("action", nargs="?", choices=("issue", "forms", "respond", "steps"),
                       help="issue 下发；forms 生成整改反馈表（--out 为文件夹）；respond 记录反馈；steps 查看督办过程")
    duban.add_argument("item", nargs="?", help="督办编号（respond、steps 时），如 DB-2026Q3-001")
    _loop_options(duban, quarter_required=False, by=True)
    duban.add_argument("--text", help="整改反馈内容（respond 时）")
    duban.add_argument("--status", choices=("已整改", "整改中"), default="已整改", help="反馈状态（默认：已整改）")
    duban.set_defaults(handler=cmd_duban)


def add_verify(verify: argparse.ArgumentParser) -> None:
    verify.add_argument("target", nargs="?",
                        help="任务编号（如 N07）、督办编号（如 DB-2026Q3-001）或认定（如 N01@2026Q4）")
    _loop_options(verify, quarter_required=False, by=True)
    verify.add_argument("--evidence", nargs="+", default=[], help="佐证材料文件（原样存档）")
    verify.add_argument("--note", help="核实说明")
    verify.add_argument("--reject", action="store_true", help="核实未通过，退回")
    verify.add_argument("--revoke", action="store_true", help="撤销该季度的核实结论（保留记录）")
    verify.add_argument("--reason", help="退回或撤销的理由；督办事项触发条件仍在而核实销号的，督查室的理由；"
                        "--correct 时为更正理由")
    add_correct(verify)
    verify.set_defaults(handler=cmd_verify)


def add_coordination(coordination: argparse.ArgumentParser) -> None:
    coordination.add_argument("action", nargs="?", choices=("close", "assign"),
                              help="close 办结；assign 指定需协调部门（覆盖单位填报的部门，留痕）")
    coordination.add_argument("item", nargs="?", help="事项编号（close、assign 时），如 XT-2026Q2-001")
    _loop_options(coordination, quarter_required=False, by=True)
    coordination.add_argument("--open", action="store_true", help="只列未办结事项")
    coordination.add_argument("--status", choices=("已协调", "已解决"), help="办结状态（close 时）")
    coordination.add_argument("--ref", help="办结依据，如 会议纪要〔2026〕12号")
    coordination.add_argument("--department", help="需协调部门（assign 时），如 自然资源局；多个部门用顿号分隔；"
                                                   "需市领导协调的写“市领导”")
    coordination.add_argument("--reason", help="指定部门的理由（assign 时，可选）")
    coordination.set_defaults(handler=cmd_coordination)


def add_flags(flags: argparse.ArgumentParser) -> None:
    _loop_options(flags)
    flags.set_defaults(handler=cmd_flags)
