"""The ``jj123 receipts`` command: the 收文登记, and recording a signed paper copy (``mark-paper``).

Thin wrappers around :mod:`jj123lib.ledger.receipts`. Withdrawing a version is ``jj123 ingest --revert``.
"""

from __future__ import annotations

import argparse
import sys

from jj123lib.cli.common import (
    add_as_of,
    add_data_dir,
    add_format,
    add_out,
    add_quarter,
    clerk_name,
    emit,
    existing_data_dir,
    ledger_as_of,
)
from jj123lib.cli.common import view as chinese_view

__all__ = ["RECEIPT_VIEW", "add_receipts", "cmd_receipts"]

RECEIPT_VIEW = {
    "file_id": "文件编号", "unit": "报送单位", "kind": "类别", "period": "期间", "received_at": "收文时间",
    "received_by": "收文人", "dated": "填报日期", "version": "版本", "current": "当前有效", "paper_at": "纸质件收到",
    "withdrawn_at": "撤回时间", "withdraw_reason": "撤回理由", "filename": "文件名",
}
_KINDS = {"progress": "季度进度", "plan": "年度计划"}


def cmd_receipts(args: argparse.Namespace) -> int:
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.ledger.receipts import mark_paper, receipts

    data_dir, demo = existing_data_dir(args.data_dir)
    if args.action == "mark-paper":
        found = mark_paper(data_dir, args.file_id, args.by or clerk_name())
        sys.stdout.write(f"已登记纸质件：{found['unit']} {found['period']} {found['filename']}"
                         f"（文件编号 {found['file_id']}）\n")
        return 0
    quarter = validate_quarter(args.quarter) if args.quarter else None
    frame = receipts(ledger_as_of(data_dir, args.as_of), quarter)
    frame["kind"] = frame["kind"].map(_KINDS)
    for column in ("received_at", "paper_at", "withdrawn_at"):
        frame[column] = [value[:16].replace("T", " ") if isinstance(value, str) else "" for value in frame[column]]
    paper = int((frame["paper_at"] != "").sum())
    footer = (f"共收文 {len(frame)} 份，纸质件已收 {paper} 份、未收 {len(frame) - paper} 份。"
              if len(frame) else "收文登记中没有记录。")
    emit(chinese_view(frame, RECEIPT_VIEW), args.format, args.out, footer, demo, sheet="收文登记")
    return 0


def add_receipts(receipts: argparse.ArgumentParser) -> None:
    receipts.add_argument("action", nargs="?", choices=("list", "mark-paper"), default="list",
                          help="list：列出收文登记（默认）；mark-paper：登记签字盖章的纸质件已收到")
    receipts.add_argument("file_id", nargs="?", help="mark-paper 时：收文登记中的文件编号")
    add_quarter(receipts, required=False)
    add_as_of(receipts)
    receipts.add_argument("--by", metavar="姓名", help="签收人（默认：环境变量 JJ123_USER，否则系统用户名）")
    add_format(receipts)
    add_out(receipts)
    add_data_dir(receipts)
    receipts.set_defaults(handler=cmd_receipts)
