"""``jj123 bulletin``: the quarter's 督查通报 as a .docx, to try the 公文 builder on the ledger (or demo data).

The content comes from :func:`jj123lib.documents.content.bulletin_data` (ratings and the units' league, no
leader score or rank); the 文号 and 签发 date from the rules' ``documents:`` section unless given here.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from jj123lib.cli.common import add_as_of, add_data_dir, add_out, add_quarter, ledger_as_of
from jj123lib.core.clock import parse_day
from jj123lib.core.exceptions import ParameterError

__all__ = ["add_bulletin", "cmd_bulletin"]


def cmd_bulletin(args: argparse.Namespace) -> int:
    from jj123lib.core.datadir import is_demo
    from jj123lib.documents.bulletin import build_bulletin
    from jj123lib.documents.content import bulletin_data, contact_notices, document_meta
    from jj123lib.documents.layout import save_docx
    from jj123lib.domain.parameters import validate_data_dir, validate_quarter
    from jj123lib.domain.rules import load_rules

    quarter = validate_quarter(args.quarter)
    data_dir = validate_data_dir(args.data_dir)
    if _published_bulletin(args, quarter, data_dir):
        return 0
    try:
        issued = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise ParameterError("--date", args.date, hint="日期应写作 YYYY-MM-DD，如 2026-10-15") from None
    demo = is_demo(data_dir)
    # The data as of --as-of; without it, as of the signing date when one is given, else now.
    as_of_text = args.as_of or (issued.isoformat() if issued else None)
    ledger = ledger_as_of(data_dir, as_of_text)
    today = parse_day(as_of_text, ledger.moment())
    rules = load_rules(args.rules)
    meta = document_meta("bulletin", quarter, demo=demo, as_of=today, doc_number=args.doc_number,
                         issue_date=issued, rules=rules)
    bulletin = bulletin_data(quarter, ledger, as_of=today, rules=rules, units_file=args.units,
                             issue_date=meta.issue_date)  # the 下步工作要求 are dated from the 签发 date
    path = save_docx(build_bulletin(bulletin, meta), args.out)
    if demo:
        sys.stderr.write("【示例数据】通报由示例数据生成，文中已标注“示例数据”。\n")
    for notice in contact_notices(quarter, rules, demo=demo):
        sys.stderr.write(f"注意：{notice}\n")
    sys.stdout.write(f"已写入 {path}\n")
    return 0


def _published_bulletin(args: argparse.Namespace, quarter: str, data_dir: Path) -> bool:
    """A published quarter's 通报 is the published one: made from its snapshot at its moment, as ``batch`` does."""
    from jj123lib.batch.run import published_document
    from jj123lib.core.datadir import is_demo
    from jj123lib.documents.layout import save_docx
    from jj123lib.ledger.publications import publication

    found = publication(data_dir, quarter)
    if found is None:
        return False
    given = [flag for flag, value in (("--as-of", args.as_of), ("--date", args.date),
                                      ("--doc-number", args.doc_number)) if value]
    if given:
        raise ParameterError(given[0], getattr(args, given[0][2:].replace("-", "_")),
                             hint=f"{quarter} 已于 {found.day} 封账发布，通报只按发布时的数据、文号和日期生成"
                                  f"（数据截至 {found.as_of[:16].replace('T', ' ')}），不能另指定")
    document = published_document(quarter, "bulletin", data_dir, rules=args.rules, units=args.units)
    if document is None:  # the publication record vanished between the two reads: the live ledger, as a 草稿
        return False
    path = save_docx(document, args.out)
    if is_demo(data_dir):
        sys.stderr.write("【示例数据】通报由示例数据生成，文中已标注“示例数据”。\n")
    sys.stdout.write(f"已写入 {path}（{quarter} 已于 {found.day} 封账发布，按发布时的数据生成）\n")
    return True


def add_bulletin(bulletin: argparse.ArgumentParser) -> None:
    add_quarter(bulletin)
    add_out(bulletin, "输出文件，如 通报.docx", required=True)
    bulletin.add_argument("--doc-number",
                          help="文号，如 晋政督通〔2026〕3号（默认：规则文件 documents 段，未填则留空待填）")
    bulletin.add_argument("--date", help="签发（成文）日期 YYYY-MM-DD（默认：规则文件 documents 段，未填则为今天）")
    add_as_of(bulletin, "数据截至时点 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（默认：签发日期，未给则为现在）")
    add_data_dir(bulletin)
    bulletin.set_defaults(handler=cmd_bulletin)
