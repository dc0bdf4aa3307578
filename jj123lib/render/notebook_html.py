"""HTML pages: executed notebook → report (nbconvert, own template) and a batch's index (Jinja).

The template (``jj123lib/templates/jj123/``) extends nbconvert's ``lab`` cell
markup but drops every script and CDN link (require.js, MathJax, mermaid,
widgets), inlines ``static/jj123.css`` (CJK font stack, A4 print rules, page
numbers) after the lights' colour variables from :mod:`jj123lib.domain.lights`, and
sets ``<html lang="zh">``. Inputs, prompts and the ``parameters`` /
``injected-parameters`` cells never reach the HTML.

Both pages carry the one Content-Security-Policy of :data:`jj123lib.core.resources.CSP`: the report
template reads it from the exporter's resources, the index template from its context.
The index (``templates/batch_index.html.j2``) is rendered by Jinja with autoescape; its lights'
order, labels and colours come from :mod:`jj123lib.domain.lights`. It links the reports and, under 公文,
the Word documents (督查通报, 催报通知, 督办单) of the manifest.

nbconvert is imported lazily: a batch rerun that renders nothing never pays for it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.core.datadir import DEMO_BANNER
from jj123lib.core.resources import CSP, TEMPLATE_DIR
from jj123lib.domain import lights
from jj123lib.domain.quarters import quarter_label

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Template
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

__all__ = ["REPORT_NAMES", "report_name", "TEMPLATE_DIR", "TEMPLATE_NAME", "INDEX_TEMPLATE", "REMOVE_TAGS",
           "template_files", "template_fingerprint", "make_exporter", "notebook_to_html", "index_html",
           "remote_references", "html_title"]

TEMPLATE_NAME = "jj123"
INDEX_TEMPLATE = "batch_index.html.j2"
REMOVE_TAGS = ("parameters", "injected-parameters", "papermill-error-cell-tag", "remove")

REPORT_NAMES = {"overview": "季度总览", "annual": "年度考评"}  # reports that are not one leader's


def report_name(kind: str, leader: str | None) -> str:
    """What the index, progress bar and summary call a report: the leader's name, 季度总览 or 年度考评."""
    return REPORT_NAMES.get(kind) or leader or kind


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
    # nbconvert's constructors carry no type hints.
    exporter = _report_exporter_class()(config=config)
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)  # type: ignore[no-untyped-call]
    return exporter


def _report_exporter_class() -> type[HTMLExporter]:
    """:class:`HTMLExporter` without its last pass, which re-parses the page with BeautifulSoup.

    That pass gives ``<img>`` without ``alt`` a placeholder text and the cells inside a
    ``.jp-Notebook`` a ``tabindex``. In our pages it finds nothing to do (the template has no
    ``.jp-Notebook`` container; every picture carries its own text alternative: ``alt`` from
    :func:`jj123lib.render.charts.figure_html`, ``aria-label`` on the SVG charts) and only re-serialised
    the page, for ~0.1 s a report plus ~0.3 s per process to compile soupsieve's patterns. The rest
    is ``HTMLExporter.from_notebook_node`` as in nbconvert 7.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb: NotebookNode,  # type: ignore[override]  # as HTMLExporter's
                               resources: dict[str, Any] | None = None,
                               **kw: Any) -> tuple[str, dict[str, Any]]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            # nbconvert's filters and helpers carry no type hints.
            highlight = Highlight2HTML(pygments_lexer=lexer, parent=self)  # type: ignore[no-untyped-call]
            highlight_code = self.filters.get("highlight_code", highlight)
            resources = self._init_resources(resources)  # type: ignore[no-untyped-call]
            filter_data_type = WidgetsDataTypeFilter(  # type: ignore[no-untyped-call]
                notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("highlight_code", highlight_code)  # type: ignore[no-untyped-call]
            self.register_filter("filter_data_type", filter_data_type)  # type: ignore[no-untyped-call]
            html: str
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return html, resources

    return ReportExporter


def notebook_to_html(nb: NotebookNode, title: str) -> str:
    """Render an executed notebook to one self-contained HTML document."""
    exporter = make_exporter()
    resources = {"metadata": {"name": title}, "jj123_csp": CSP, "light_variables": lights.css_variables()}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if CSP not in body:  # the template lost its policy: never write a report without it
        raise RuntimeError("report template did not write the Content-Security-Policy")
    return body


def _index_row(entry: dict[str, Any]) -> dict[str, Any]:
    current = entry.get("fingerprint")
    links = []
    if entry.get("html") and entry.get("html_fingerprint") == current:
        links.append((entry["html"], "网页"))
    if entry.get("pdf") and entry.get("pdf_fingerprint") == current:
        links.append((entry["pdf"], "PDF"))
    task_lights = entry.get("lights") or []
    counts = {key: sum(1 for t in task_lights if t["light"] == key) for key in lights.ORDER}
    if entry.get("docx") and entry.get("docx_fingerprint") == current:
        links.append((entry["docx"], "Word"))
    return {
        "name": report_name(entry["kind"], entry["leader"]),
        "overview": entry["kind"] == "overview",
        "lights": task_lights,
        "counts": entry.get("summary") or "，".join(f"{lights.LABELS[k]} {n}" for k, n in counts.items() if n),
        "links": links,
        "error": (entry.get("error") or "") if entry["status"] == "failed" else "",
    }


DOCUMENT_LABELS = {"bulletin": "督查通报", "cuibao": "催报通知", "duban": "督办单"}


def _document_row(entry: dict[str, Any]) -> dict[str, Any]:
    current = entry.get("docx") and entry.get("docx_fingerprint") == entry.get("fingerprint")
    return {
        "label": DOCUMENT_LABELS.get(str(entry["kind"]), str(entry["kind"])),
        "title": entry.get("title") or "",
        "href": entry["docx"] if current else None,
        "error": (entry.get("error") or "") if entry["status"] == "failed" else "",
    }


def warm_index_template() -> None:
    """Compile the index template now (~0.2 s), e.g. while a batch's workers run."""
    _index_template()


@cache
def _index_template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # lazy: a skipping rerun writes no index

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env.get_template(INDEX_TEMPLATE)


def index_html(manifest: dict[str, Any]) -> str:
    """The index page of a batch's output folder, from its manifest (see :mod:`jj123lib.batch.jobs`)."""
    from markupsafe import Markup  # lazy, with jinja2

    quarter = manifest["quarter"]
    year = manifest.get("year")
    period = str(year) if quarter is None else quarter  # a year-end batch has a year, no quarter
    css = (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "jj123.css").read_text(encoding="utf-8")
    rows = [_index_row(entry) for entry in manifest["reports"]]
    page: str = _index_template().render(
        # The project's own stylesheet and policy: markup, not text.
        css=Markup(css), light_variables=Markup(lights.css_variables()), csp=Markup(CSP),
        labels=lights.LABELS, order=lights.ORDER,
        quarter=period, quarter_label=f"{year}年度考评" if quarter is None else quarter_label(quarter),
        demo_banner=DEMO_BANNER if manifest["demo"] else "",
        generated_at=manifest["generated_at"], generator=manifest["generator"],
        rows=rows, n_failed=sum(1 for e in [*manifest["reports"], *(manifest.get("documents") or [])]
                                if e["status"] == "failed"),
        supervision=manifest.get("supervision"),
        documents=[_document_row(entry) for entry in manifest.get("documents") or []],
        publication=manifest.get("publication"),
    )
    return page


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
    """Document title shown in the browser tab and PDF metadata (``annual``: ``quarter`` is the year)."""
    if kind == "annual":
        return f"晋江市{quarter}年度“123”争先进位工作年度考评"
    if kind == "leader" and leader:
        return f"{leader}同志牵头“123”任务督查报告 · {quarter_label(quarter)}"
    return f"“123”争先进位工作季度总览 · {quarter_label(quarter)}"

