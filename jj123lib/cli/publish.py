"""The ``jj123 publish`` command (季度封账), and the ``--correct`` guard the writing commands share.

``publish`` records the quarter as published (:mod:`jj123lib.ledger.publications`) and renders its reports
and documents from the snapshot just taken, at the publication's moment; the fingerprints of what it
rendered are recorded with the publication. :func:`guarded` is how ``override``, ``ingest --revert`` and
``verify`` treat a published quarter: refused in Chinese, or, with ``--correct --reason --by``, a correction.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.cli.common import add_as_of, add_data_dir, add_quarter, existing_data_dir
from jj123lib.core.exceptions import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.ledger.publications import Publication

__all__ = ["add_publish", "cmd_publish", "add_correct", "guarded"]


def cmd_publish(args: argparse.Namespace) -> int:
    from jj123lib.batch.publish import publish_quarter
    from jj123lib.domain.parameters import validate_quarter
    from jj123lib.ledger.publications import publication
    from jj123lib.ledger.receipts import minute

    data_dir, _demo = existing_data_dir(args.data_dir)
    if args.year is not None:
        return _publish_year(args, data_dir)
    if not args.quarter:
        raise ParameterError("--quarter", "", hint="须指定季度（--quarter 2026Q3），或用 --year 2026 发布年度考评")
    quarter = validate_quarter(args.quarter)
    if args.list:
        return _list(publication(data_dir, quarter), f"{quarter} 尚未封账发布。", f"{quarter} 于", "封账发布",
                     "封账副本")
    done = publish_quarter(data_dir, quarter, **_publish_options(args, "封账发布"))
    sys.stdout.write(f"已将 {quarter} 封账发布：数据截至 {minute(done.as_of)}，"
                     f"封账副本 {done.folder}，报告和公文 {len(done.outputs)} 份已按封账数据生成。"
                     "此后改动该季度须用 --correct 作为更正记录。\n")
    return 0


def _publish_options(args: argparse.Namespace, verb: str) -> dict[str, Any]:
    """What ``publish --quarter`` and ``publish --year`` both pass on: who, rules, units, moment, folder, formats."""
    from jj123lib.core.clock import read_moment
    from jj123lib.domain.rules import load_rules

    if not args.by or not args.by.strip():
        raise ParameterError("--by", "", hint=f"{verb}须写明发布人（--by 姓名）")
    return {"by": args.by, "rules": load_rules(args.rules), "units_file": args.units,
            "as_of": read_moment(args.as_of) if args.as_of else None, "out": args.out,
            "formats": [f for f in (args.formats or "html,pdf,docx").split(",") if f.strip()],
            "progress": not args.no_progress}


def _publish_year(args: argparse.Namespace, data_dir: Path) -> int:
    """``publish --year Y``: the year-end review (年度考评) published like a quarter, refused while a 预评."""
    from jj123lib.annual.publish import publish_year
    from jj123lib.domain.parameters import validate_year
    from jj123lib.ledger.publications import publication
    from jj123lib.ledger.receipts import minute

    if args.quarter:
        raise ParameterError("--year", str(args.year), hint="--year 与 --quarter 只能选一个")
    year = validate_year(args.year)
    if args.list:
        return _list(publication(data_dir, str(year)), f"{year} 年度考评尚未发布。", f"{year} 年度考评于", "发布",
                     "发布副本")
    done = publish_year(data_dir, year, **_publish_options(args, "发布"))
    sys.stdout.write(f"已发布 {year} 年度考评：数据截至 {minute(done.as_of)}，发布副本 {done.folder}，"
                     f"考评报告和通报 {len(done.outputs)} 份已按发布数据生成。此后 jj123 batch --year 和 jj123 annual "
                     "均按发布时的数据生成。\n")
    return 0


def _list(found: Publication | None, none: str, what: str, verb: str, copy: str) -> int:
    """``publish --list``: the publication of a quarter (or a year's review) and its corrections."""
    from jj123lib.ledger.receipts import minute

    if found is None:
        sys.stdout.write(none + "\n")
        return 0
    sys.stdout.write(f"{what} {minute(found.at)} 由 {found.by} {verb}，数据截至 {minute(found.as_of)}；"
                     f"{copy}：{found.folder}；更正 {len(found.corrections)} 次。\n")
    for c in found.corrections:
        sys.stdout.write(f"  {minute(str(c['at']))} {c['by']}：{c['detail'].get('what', '')}（理由：{c['reason']}）\n")
    return 0


def add_correct(parser: argparse.ArgumentParser) -> None:
    """``--correct``: the change is to a published quarter or year, recorded as a correction (needs --reason, --by)."""
    parser.add_argument("--correct", action="store_true",
                        help="更正已封账发布的季度或已发布的年度考评（须写明 --reason 和 --by；写入已发布数据，"
                             "报告附更正说明）")


def guarded(args: argparse.Namespace, data_dir: str | os.PathLike[str], quarters: str | list[str], what: str,
            change: str, apply: Any) -> None:
    """Run ``apply(folder, clock)`` on the live folder, or, for published quarters (and years), as a correction of
    each.

    ``quarters``: the quarter the change touches, whose year-end review it touches too; or the periods (quarters,
    years) a form changes, as its caller found them in view. ``what``: the action, for the refusal (“调整灯号”);
    ``change``: what changes, for the 更正说明. Without ``--correct`` a published period is refused; ``--correct``
    with none published is refused too. The live folder changes once.
    """
    from jj123lib.core.exceptions import LedgerError
    from jj123lib.ledger.publications import correct, period, published_among, published_message

    found = published_among(data_dir, quarters)  # a quarter with its year: the year's review reads it
    correcting = bool(getattr(args, "correct", False))
    if not found:
        if correcting:
            touched = [quarters, period(quarters)[:4]] if isinstance(quarters, str) else list(quarters)
            raise ParameterError("--correct", "", hint=f"{'、'.join(touched)} 尚未封账发布，无需更正，请去掉 --correct")
        apply(Path(data_dir), None)
        return
    if not correcting:
        raise LedgerError(published_message(found[0], what))
    for n, published in enumerate(found):
        correct(data_dir, published.quarter, reason=args.reason or "", by=args.by or "", what=change,
                apply=apply, live=n == 0)


def add_publish(parser: argparse.ArgumentParser) -> None:
    parser.description = ("季度封账：记录本季度评价结果的发布时点，保存所用数据（台账、规则、单位、督查室意见）的"
                          "封账副本，并按封账数据生成报告和公文。此后再生成该季度，报告保持发布时原样；"
                          "改动须用 --correct 更正。--year：年底发布年度考评（第四季度报送截止日之后）。")
    add_quarter(parser, required=False)
    parser.add_argument("--year", help="发布该年度的年度考评（如 2026；第四季度报送截止日前为预评，不能发布）")
    add_as_of(parser, "发布的数据时点 YYYY-MM-DD[THH:MM]（默认：现在；示例数据为其故事时钟）")
    parser.add_argument("--by", metavar="姓名", help="发布人（必填）")
    parser.add_argument("--list", action="store_true", help="只查看该季度的发布与更正记录")
    parser.add_argument("--formats", help="封账时生成的格式：html,pdf,docx（默认全部）")
    parser.add_argument("--out", help="报告输出文件夹（默认同 jj123 batch）")
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
    add_data_dir(parser)
    parser.set_defaults(handler=cmd_publish)
