"""``jj123 explore``: the analyst's notebook, executed for one quarter and saved as self-contained HTML.

Runs the packaged ``explore.ipynb`` with papermill (parameters ``quarter`` and ``data_dir``), then renders
it with the project's own nbconvert template (:mod:`jj123lib.render.notebook_html`): no script, nothing from a CDN.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from jj123lib.core.atomic import atomic_write
from jj123lib.core.exceptions import ReportStepError

__all__ = ["EXPLORE_NOTEBOOK", "render_explore", "register"]

EXPLORE_NOTEBOOK = "explore.ipynb"


def render_explore(quarter: str, out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None,
                   timeout: int = 600, rules: str | os.PathLike[str] | None = None) -> Path:
    """Execute ``explore.ipynb`` for ``quarter`` and write the HTML to ``out``; returns the absolute path.

    ``rules``: the rules file, handed to the kernel as its ``rules`` parameter (default: the kernel's own default).
    """
    from jj123lib.core.resources import NOTEBOOK_DIR
    from jj123lib.domain.parameters import validate_params
    from jj123lib.domain.quarters import quarter_label
    from jj123lib.render.execute import execute_report
    from jj123lib.render.notebook_html import notebook_to_html, remote_references

    params = validate_params("explore", quarter, data_dir, rules=rules)
    with tempfile.TemporaryDirectory(prefix="jj123-explore-") as work:
        executed = Path(work) / EXPLORE_NOTEBOOK
        nb, failure = execute_report(NOTEBOOK_DIR / EXPLORE_NOTEBOOK, executed, params.as_papermill(),
                                     timeout=timeout, warm=False)
        if failure is not None or nb is None:
            problem = failure.describe() if failure is not None else "执行失败"
            raise ReportStepError("execute", f"{EXPLORE_NOTEBOOK}：{problem}")
        html = notebook_to_html(nb, f"“123”任务数据探索 · {quarter_label(params.quarter)}")
    remote = remote_references(html)
    if remote:  # the template must never let a CDN in
        raise ReportStepError("html", f"{EXPLORE_NOTEBOOK}：页面引用了外部资源：" + "；".join(remote[:3]))
    target = Path(os.path.abspath(out))
    atomic_write(target, html)
    return target


def cmd_explore(args: argparse.Namespace) -> int:
    path = render_explore(args.quarter, args.out, args.data_dir, rules=args.rules)
    sys.stdout.write(f"已写入 {path}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``jj123 explore`` to the parser."""
    parser = sub.add_parser("explore", help="数据探索笔记本：执行并保存为 HTML (analyst notebook → HTML)")
    parser.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    parser.add_argument("--out", required=True, help="输出的 HTML 文件")
    parser.add_argument("--data-dir", help="数据目录（默认：$JJ123_DATA_DIR 或项目根目录下的 data）")
    parser.set_defaults(handler=cmd_explore)
