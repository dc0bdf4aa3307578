"""``jj123 bulletin``: the quarter's 督查通报 as a .docx, to try the 公文 builder on the ledger (or demo data).

The content comes from :func:`jj123lib.documents.content.bulletin_data` (ratings and the units' league, no
leader score or rank); the 文号 and 签发 date from the rules' ``documents:`` section unless given
here. Registered into :mod:`jj123lib.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from jj123lib.core.clock import china_today
from jj123lib.core.exceptions import ParameterError
from jj123lib.documents.content import RECIPIENTS, REQUIREMENTS, bulletin_data, league_entries

__all__ = ["bulletin_data", "league_entries", "cmd_bulletin", "register", "RECIPIENTS", "REQUIREMENTS"]


def cmd_bulletin(args: argparse.Namespace) -> int:
    from jj123lib.core.datadir import is_demo
    from jj123lib.documents.content import document_meta
    from jj123lib.documents.layout import build_bulletin, save_docx
    from jj123lib.domain.parameters import validate_data_dir, validate_quarter
    from jj123lib.domain.rules import load_rules

    quarter = validate_quarter(args.quarter)
    data_dir = validate_data_dir(args.data_dir)
    try:
        issued = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise ParameterError("--date", args.date, hint="日期应写作 YYYY-MM-DD，如 2026-10-15") from None
    demo = is_demo(data_dir)
    today = china_today()
    rules = load_rules(args.rules)
    meta = document_meta("bulletin", quarter, demo=demo, as_of=today, doc_number=args.doc_number,
                         issue_date=issued, rules=rules)
    bulletin = bulletin_data(quarter, data_dir, as_of=today, rules=rules, units_file=args.units)
    path = save_docx(build_bulletin(bulletin, meta), args.out)
    if demo:
        sys.stderr.write("【示例数据】通报由示例数据生成，文中已标注“示例数据”。\n")
    sys.stdout.write(f"已写入 {path}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``jj123 bulletin`` to the ``jj123`` parser."""
    bulletin = sub.add_parser("bulletin", help="生成季度督查通报 Word 文档 (.docx)")
    bulletin.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    bulletin.add_argument("--out", required=True, help="输出文件，如 通报.docx")
    bulletin.add_argument("--doc-number",
                          help="文号，如 晋政督通〔2026〕3号（默认：规则文件 documents 段，未填则留空待填）")
    bulletin.add_argument("--date", help="签发（成文）日期 YYYY-MM-DD（默认：规则文件 documents 段，未填则为今天）")
    bulletin.add_argument("--data-dir", help="数据文件夹（默认：$JJ123_DATA_DIR 或 ./data）")
    bulletin.set_defaults(handler=cmd_bulletin)
