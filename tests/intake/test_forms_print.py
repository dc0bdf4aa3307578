"""Forms printed by a real spreadsheet program: LibreOffice converts them to PDF, then the PDF is read back."""

from __future__ import annotations

import re
import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from jj123lib.domain.rules import Rules
from jj123lib.domain.tasks import units
from jj123lib.intake.forms import (
    BENCH_PLAN_SHEET,
    HELP_SHEET,
    PLAN_COLUMNS,
    PROGRESS_COLUMNS,
    SIGNATURE_LABELS,
    build_plan_form,
    build_progress_form,
    lead_unit_names,
    unit_tasks,
)
from jj123lib.intake.formspec import bench_plan_columns
from tests.ledger_helpers import TASKS

pytestmark = [pytest.mark.usefixtures("q3_forms_received"), pytest.mark.slow]

A4_LANDSCAPE = (841.89, 595.28)  # points


def _to_pdf(xlsx: Path, tmp_path: Path) -> Path:
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"  # a private profile: parallel runs do not share a lock
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (xlsx.stem + ".pdf")
    assert pdf.is_file()
    return pdf


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages_text(pdf: Path) -> list[str]:
    count = len(PdfReader(pdf).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout for n in range(1, count + 1)]


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, text) of each word on ``page``, from ``pdftotext -bbox``."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    root = ET.fromstring(html)
    return [(float(w.get("xMin", 0)), float(w.get("yMin", 0)), float(w.get("xMax", 0)), w.text or "")
            for w in root.iter("{http://www.w3.org/1999/xhtml}word")]


def _column_text(words: list[tuple[float, float, float, str]], first_id: str, n_rows: int) -> str:
    """The text of the column right of the task IDs (任务名称), top to bottom.

    Cells are left-aligned, so each column's lines start at one x; the x values that start at
    least ``n_rows`` words are the column edges. The 任务名称 column lies between the edge
    right of the IDs and the next one.
    """
    id_x = next(x for x, _, _, text in words if text == first_id)
    counts = Counter(round(x, 1) for x, _, _, _ in words)
    edges = sorted(x for x, n in counts.items() if n >= n_rows and x > id_x + 1)
    left, right = edges[0], edges[1]
    inside = [(y, x, text) for x, y, x_max, text in words if left - 1 <= x and x_max <= right - 1]
    return "".join(text for _, _, text in sorted(inside))


def _check_printed(pdf: Path, columns: tuple[str, ...], task_ids: list[str], titles: list[str],
                   form_title: str) -> None:
    reader = PdfReader(pdf)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (width, height) == pytest.approx(A4_LANDSCAPE, abs=2)
    texts = _pages_text(pdf)
    # A plan form also prints its 对标计划 sheet (checked in test_the_benchmark_sheet_prints_one_page_wide).
    main_pages = [n for n, text in enumerate(texts, start=1)
                  if HELP_SHEET not in text and BENCH_PLAN_SHEET not in _squash(text)]
    help_pages = [n for n, text in enumerate(texts, start=1) if HELP_SHEET in text]
    assert main_pages == [1] and help_pages  # a few rows: one page wide means exactly one page
    first = _squash(texts[0])
    assert _squash(form_title) in first
    for label in columns:
        assert _squash(label) in first, label
    for task_id in task_ids:
        assert task_id in first
    for label in SIGNATURE_LABELS:
        assert label in first, label
    assert "第1页共" in first  # page numbers in the print header
    name_column = _squash(_column_text(_words(pdf, 1), task_ids[0], len(task_ids)))
    for title in titles:
        assert _squash(title) in name_column, title


def test_a_four_task_progress_form_prints_one_page_wide(tmp_path: Path) -> None:
    unit = next(u for u in units(TASKS) if len(unit_tasks(TASKS, u)) == 4)
    mine = unit_tasks(TASKS, unit)
    wb = build_progress_form(unit, "2026Q3", TASKS)
    path = tmp_path / "form.xlsx"
    wb.save(path)
    _check_printed(_to_pdf(path, tmp_path), PROGRESS_COLUMNS, list(mine["task_id"]), list(mine["title"]),
                   str(wb.properties.title))


def test_a_plan_form_prints_one_page_wide(tmp_path: Path) -> None:
    unit = max(lead_unit_names(TASKS), key=lambda u: len(unit_tasks(TASKS, u, lead_only=True)))
    mine = unit_tasks(TASKS, unit, lead_only=True)
    wb = build_plan_form(unit, 2026, TASKS)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    _check_printed(_to_pdf(path, tmp_path), PLAN_COLUMNS, list(mine["task_id"]), list(mine["title"]),
                   str(wb.properties.title))


def test_the_benchmark_sheet_prints_one_page_wide(tmp_path: Path) -> None:
    unit = max(lead_unit_names(TASKS), key=lambda u: len(unit_tasks(TASKS, u, lead_only=True)))
    mine = unit_tasks(TASKS, unit, lead_only=True)
    wb = build_plan_form(unit, 2026, TASKS)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    texts = _pages_text(_to_pdf(path, tmp_path))
    bench = [_squash(t) for t in texts if BENCH_PLAN_SHEET in _squash(t) and HELP_SHEET not in t]
    assert len(bench) >= 1
    for label in bench_plan_columns(2026):  # every column on each page: one page wide
        assert all(_squash(label) in page for page in bench), label
    assert all(task_id in "".join(bench) for task_id in mine["task_id"])
    for label in SIGNATURE_LABELS:
        assert label in bench[0], label


@pytest.mark.parametrize("kind", ["progress", "plan", "response"])
def test_every_printed_page_of_every_form_says_where_and_when(kind: str, tmp_path: Path) -> None:
    """The deadline (the quarter's, the plan's, the item's 整改期限) and the office's contact, on every page."""
    from jj123lib.domain.rules import load_rules
    from jj123lib.intake.response_form import build_response_form

    rules = load_rules().to_dict()
    rules["documents"] = {**rules["documents"], "contact": "林晓芸", "phone": "0595-85681234"}
    checked = load_rules_from(rules, tmp_path)
    unit = max(lead_unit_names(TASKS), key=lambda u: len(unit_tasks(TASKS, u, lead_only=True)))
    if kind == "progress":
        wb, deadline = build_progress_form(unit, "2026Q3", TASKS, rules=checked), "2026年10月10日"
    elif kind == "plan":
        wb, deadline = build_plan_form(unit, 2026, TASKS, rules=checked), "2026年1月31日"
    else:
        item = {"id": "DB-2026Q3-001", "unit": unit, "level": 2, "task_id": "N04", "reason": "红灯",
                "due_date": "2026-10-30"}
        wb, deadline = build_response_form(item, "巩固拓展“两项创建”成果", rules=checked), "2026年10月30日"
    path = tmp_path / f"{kind}.xlsx"
    wb.save(path)
    pages = [_squash(t) for t in _pages_text(_to_pdf(path, tmp_path))]
    assert len(pages) >= 2  # the form and its 填报说明 at least
    for page in pages:
        assert _squash(f"报送截止：{deadline}") in page and _squash("林晓芸") in page and "0595-85681234" in page
    assert any(_squash("晋江市人民政府督查室（联系人林晓芸，电话0595-85681234）") in page for page in pages)


def load_rules_from(data: dict[str, object], folder: Path) -> Rules:
    """Rules checked from ``data`` written to a file, as ``--rules`` would read them."""
    import yaml

    from jj123lib.domain.rules import load_rules

    path = folder / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_rules(path)


def test_a_filled_form_resaved_by_libreoffice_keeps_its_print_setup_and_ingests(tmp_path: Path) -> None:
    from jj123lib.intake.forms import load_form
    from jj123lib.intake.ingest import ingest_files
    from tests.ledger_helpers import filled_progress

    filled = filled_progress(tmp_path / "filled", "住建局")
    out = tmp_path / "resaved"
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
                    "--outdir", str(out), str(filled)], check=True, capture_output=True, timeout=180)
    resaved = out / filled.name
    ws = load_form(resaved).worksheets[0]
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    footer = ws.oddFooter
    assert footer is not None and "联系电话" in str(footer.left.text)
    assert ingest_files([resaved], tmp_path / "data")[0].status == "accepted"
