"""``jj123 explore``: the analyst's notebook, executed for one quarter and saved as self-contained HTML.

A thin wrapper around :func:`jj123lib.reports.explore.render_explore`.
"""

from __future__ import annotations

import argparse
import sys

from jj123lib.cli.common import add_data_dir, add_out, add_quarter

__all__ = ["add_explore", "cmd_explore"]


def cmd_explore(args: argparse.Namespace) -> int:
    from jj123lib.reports.explore import render_explore

    path = render_explore(args.quarter, args.out, args.data_dir, rules=args.rules)
    sys.stdout.write(f"已写入 {path}\n")
    return 0


def add_explore(explore: argparse.ArgumentParser) -> None:
    add_quarter(explore)
    add_out(explore, "输出的 HTML 文件", required=True)
    add_data_dir(explore)
    explore.set_defaults(handler=cmd_explore)
