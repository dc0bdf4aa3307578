"""Executed notebook → self-contained HTML, with the project's own nbconvert template.

The template (``jj123lib/templates/jj123/``) extends nbconvert's ``lab`` cell
markup but drops every script and CDN link (require.js, MathJax, mermaid,
widgets), inlines ``static/jj123.css`` (CJK font stack, A4 print rules, page
numbers) after the lights' colour variables from :mod:`jj123lib.lights`, and
sets ``<html lang="zh">``. Inputs, prompts and the ``parameters`` /
``injected-parameters`` cells never reach the HTML.

nbconvert is imported lazily: a batch rerun that renders nothing never pays for it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

__all__ = ["TEMPLATE_DIR", "TEMPLATE_NAME", "REMOVE_TAGS", "template_files", "template_fingerprint",
           "make_exporter", "notebook_to_html", "remote_references"]

TEMPLATE_NAME = "jj123"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
REMOVE_TAGS = ("parameters", "injected-parameters", "papermill-error-cell-tag", "remove")


def template_files() -> list[Path]:
    """Every file of the project's template, sorted (part of each report's fingerprint)."""
    return sorted(p for p in (TEMPLATE_DIR / TEMPLATE_NAME).rglob("*") if p.is_file())


def template_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in template_files():
        digest.update(path.relative_to(TEMPLATE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def make_exporter() -> HTMLExporter:
    """One configured :class:`HTMLExporter` per process (building it costs ~0.3 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = "zh"
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def notebook_to_html(nb: NotebookNode, title: str) -> str:
    """Render an executed notebook to one self-contained HTML document."""
    from jj123lib.lights import css_variables

    exporter = make_exporter()
    resources = {"metadata": {"name": title}, "light_variables": css_variables()}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


_REMOTE_PATTERNS = (
    re.compile(r"""\ssrc\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""<link[^>]+href\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
)


def remote_references(html: str) -> list[str]:
    """Snippets of ``html`` that would make a browser contact another host (should be empty)."""
    found: list[str] = []
    for pattern in _REMOTE_PATTERNS:
        for match in pattern.finditer(html):
            found.append(html[max(0, match.start() - 20): match.end() + 40])
    return found


def html_title(kind: str, quarter: str, leader: str | None = None) -> str:
    """Document title shown in the browser tab and PDF metadata."""
    from jj123lib.quarters import quarter_label

    if kind == "leader" and leader:
        return f"{leader}同志牵头“123”任务督查报告 · {quarter_label(quarter)}"
    return f"“123”争先进位工作季度总览 · {quarter_label(quarter)}"

