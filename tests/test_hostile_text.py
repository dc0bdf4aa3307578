"""Submitted text is data: hostile strings travel form → ledger → HTML/PDF and exports, shown as typed, never run.

One module-scoped run: plan + progress forms for the lead units of one leader's tasks carry the
strings of tests/hostile.py in the fields the reports show (工作进展, 存在问题, 下步计划,
需协调事项); ``jj123 ingest`` takes them; ``jj123 batch`` renders the
leader's report and the overview (HTML + PDF); headless Chromium loads each HTML and we inspect
its DOM; pdftotext reads each PDF; ledger/ratings exports are read back with openpyxl.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook

from jj123lib.cli.main import main
from jj123lib.intake.forms import PROGRESS_SHEET, build_progress_form, header_columns
from jj123lib.ledger.store import Ledger
from tests.hostile import FORMULA_STRINGS, HOSTILE
from tests.ledger_helpers import TASKS, filled_plan

LEADER = "陈英煌"
SHOWN_FIELDS = ("工作进展", "存在问题", "下步计划", "需协调事项")
SLUG = "chen-yinghuang"
pytestmark = [pytest.mark.usefixtures("q3_forms_received"), pytest.mark.slow]


def _slots() -> list[tuple[str, str, str]]:
    mine = TASKS[TASKS["leader"] == LEADER]
    return [(t, u, f) for f in SHOWN_FIELDS for t, u in zip(mine["task_id"], mine["lead_unit"])]


def _fill(folder: Path, data: Path) -> tuple[dict[tuple[str, str], str], list[Path]]:
    """Forms with every hostile string in a shown cell (formula strings first in their cells)."""
    slots = _slots()
    cells: dict[tuple[str, str], list[str]] = {}
    for i, (typed, _) in enumerate(HOSTILE):
        task_id, unit, label = slots[i % len(slots)]
        cells.setdefault((task_id, label), []).append(typed)
    plan = Ledger(data).plan()
    units = sorted({u for _, u, _ in slots})
    paths = []
    for unit in units:
        wb = build_progress_form(unit, "2026Q3", TASKS, plan)
        ws = wb[PROGRESS_SHEET]
        cols = header_columns(ws)
        for row in range(2, ws.max_row + 1):
            task_id = cast(str, ws.cell(row, cols["任务编号"]).value)
            if TASKS.set_index("task_id").loc[task_id, "lead_unit"] != unit:
                continue
            values: dict[str, Any] = {"实际累计进度(%)": 40, "节点目标是否完成": "是", "自评状态": "欠进度",
                      "工作进展": "\n".join(t for t, _ in HOSTILE[4:9]), "存在问题": "无", "下步计划": "待定",
                      "需协调事项": "无", "填报人": "<b>pwn0</b>", "填报日期": "2026-10-08"}
            for label in SHOWN_FIELDS:
                if (task_id, label) in cells:
                    values[label] = "\n".join(cells[(task_id, label)])
            for label, value in values.items():
                cell = ws.cell(row, cols[label])
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # as Excel stores a typed '=… (text, not a formula)
        path = folder / f"2026Q3_{unit}_进度填报.xlsx"
        wb.save(path)
        paths.append(path)
    return {k: "\n".join(v) for k, v in cells.items()}, paths


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    # a data folder whose very name would break out of a naively quoted notebook parameter
    data = root / "data'\"; __import__('os').system('touch PWNED') #"
    inbox = root / "in"
    inbox.mkdir()
    units = sorted({u for _, u, _ in _slots()})
    assert main(["ingest", *[str(filled_plan(inbox, u)) for u in units], "--data-dir", str(data)]) == 0
    cells, paths = _fill(inbox, data)
    assert main(["ingest", *map(str, paths), "--data-dir", str(data)]) == 0
    out = root / "reports"
    code = main(["batch", "--quarter", "2026Q3", "--leader", LEADER, "--data-dir", str(data), "--out", str(out),
                 "--jobs", "2", "--no-progress"])
    assert code == 0
    return {"root": root, "data": data, "out": out, "cells": cells}


class _Dom(HTMLParser):
    """Elements (tag, attributes) and the text content of a DOM dump."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _dom(path: Path) -> _Dom:
    proc = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           path.resolve().as_uri()], capture_output=True, timeout=120, check=True)
    parser = _Dom()
    parser.feed(proc.stdout.decode("utf-8"))
    return parser


def _reports(run: dict[str, Any]) -> list[Path]:
    return [run["out"] / f"{SLUG}.html", run["out"] / "overview.html", run["out"] / "index.html"]


def test_ledger_keeps_text_as_typed(run: dict[str, Any]) -> None:
    sub = Ledger(run["data"]).submissions("2026Q3").set_index("task_id")
    columns = {"工作进展": "progress", "存在问题": "problems", "下步计划": "next_steps", "需协调事项": "coordination"}
    for (task_id, label), typed in run["cells"].items():
        shown = typed
        for t, s in HOSTILE:
            shown = shown.replace(t, s)
        assert sub.loc[task_id, columns[label]] == shown
    assert not (run["root"] / "PWNED").exists() and not Path("PWNED").exists()


def test_html_shows_every_string_verbatim(run: dict[str, Any]) -> None:
    source = (run["out"] / f"{SLUG}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", source))
    for _, shown in HOSTILE:
        assert shown in text, shown[:40]
    assert "<script" not in source.lower().replace("&lt;script", "")


def test_browser_dom_has_no_injected_element_or_handler(run: dict[str, Any]) -> None:
    for path in _reports(run):
        dom = _dom(path)
        tags = [tag for tag, _ in dom.elements]
        assert "script" not in tags and "iframe" not in tags and "base" not in tags, path.name
        for tag, attrs in dom.elements:
            for name, value in attrs:
                assert not name.startswith("on"), (path.name, tag, name)
                assert "javascript:" not in (value or "").lower(), (path.name, tag, name)
                assert "pwn" not in (value or "") and "evil" not in (value or ""), (path.name, tag, name, value)
            if tag == "meta":
                assert dict(attrs).get("http-equiv", "").lower() in ("", "content-security-policy"), path.name  # type: ignore[union-attr]  # a bare http-equiv fails the test either way
        csp = [dict(a).get("content", "") for t, a in dom.elements if t == "meta"
               and dict(a).get("http-equiv", "").lower() == "content-security-policy"]  # type: ignore[union-attr]  # a bare http-equiv fails the test either way
        assert csp and "default-src 'none'" in csp[0], path.name  # type: ignore[operator]  # a content-less CSP fails the test either way
        text = "".join(dom.text)
        markers = set(re.findall(r"pwn\d+", text))
        if path.name == f"{SLUG}.html":
            assert len(markers) >= len(HOSTILE)  # the leader report shows every string
        for _, shown in HOSTILE:  # whatever a page shows, it shows as typed: the markup is text, not elements
            if re.search(r"pwn\d+", shown).group(0) in markers:  # type: ignore[union-attr]  # every hostile string carries a pwn marker
                assert shown in text, (path.name, shown[:40])


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return _squash(out.decode("utf-8"))


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


def test_pdf_shows_every_string(run: dict[str, Any]) -> None:
    text = _pdf_text(run["out"] / f"{SLUG}.pdf")
    for _, shown in HOSTILE:
        if any(unicodedata.bidirectional(ch) in ("RLO", "LRO", "RLE", "LRE", "PDF") for ch in shown):
            assert "pwn20" in text or "02nwp" in text  # bidi override: visual order is the browser's business
            continue
        assert _squash(shown) in text, shown[:40]


def _export(run: dict[str, Any], command: str, fmt: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp / f"{command}.{fmt}"
    assert main([command, "--quarter", "2026Q3", "--format", fmt, "--out", str(path), "--data-dir",
                 str(run["data"])]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize("command", ["ledger", "ratings"])
def test_exports_neutralise_formulas(command: str, run: dict[str, Any], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    triggers = ("=", "+", "-", "@")
    xlsx = _export(run, command, "xlsx", tmp_path, capsys)
    ws = load_workbook(xlsx).active
    assert ws is not None
    texts = []
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                texts.append(cell.value)
                assert not cell.value.startswith(triggers), (cell.coordinate, cell.value)
    rows = list(csv.reader(io.StringIO(_export(run, command, "csv", tmp_path, capsys).read_text("utf-8-sig"))))
    csv_texts = [c for r in rows[1:] for c in r]
    assert not [c for c in csv_texts if c.startswith(triggers)]
    if command == "ledger":  # the submitted formula strings are there, guarded by a leading '
        for typed in FORMULA_STRINGS:
            assert any(t.startswith("'" + typed) for t in texts), typed
            assert any(t.startswith("'" + typed) for t in csv_texts), typed


def test_reports_dir_holds_nothing_unexpected(run: dict[str, Any]) -> None:
    names = sorted(p.name for p in run["out"].iterdir())
    # .lock: the batch's folder lock; .jj123-output: the marker saying jj123 made the folder
    assert names == sorted([".jj123-output", ".lock", "index.html", "manifest.json", "notebooks", "overview.html",
                            "overview.pdf", f"{SLUG}.html", f"{SLUG}.pdf"])
    shutil.rmtree(run["root"] / "in")


def test_notebook_received_the_hostile_path_as_a_plain_value(run: dict[str, Any]) -> None:
    """Papermill escapes values; names are fixed. The injected cell assigns exactly leader/quarter/data_dir and
    the rules and units files the batch resolved."""
    import ast
    import json

    from jj123lib.core.resources import DEFAULT_RULES, PARAMS_DIR

    nb = json.loads((run["out"] / "notebooks" / f"{SLUG}.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(injected) == 1
    tree = ast.parse("".join(injected[0]["source"]))
    assigned = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        assert isinstance(node.targets[0], ast.Name)
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned == {"leader": LEADER, "quarter": "2026Q3", "data_dir": str(run["data"].resolve()),
                        "rules": str(DEFAULT_RULES), "units": str(PARAMS_DIR / "units.yaml")}
    assert not (run["root"] / "PWNED").exists()
