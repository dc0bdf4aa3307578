"""The office's contact when ``rules.yaml`` leaves it empty (as it ships): the demo's documents and forms carry a
stand-in marked as demo; a real folder's show a gap the office cannot miss, and ``jj123 bulletin`` and
``jj123 batch`` warn, naming the keys to fill. python-docx, openpyxl, and LibreOffice for the printed pages."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from docx import Document

from jj123lib.annual.docx import annual_docx
from jj123lib.annual.review import annual_review
from jj123lib.core.datadir import DEMO_MARKER
from jj123lib.documents.content import DocumentMaker
from jj123lib.documents.layout import docx_bytes
from jj123lib.domain.contact import DEMO_CONTACT, DEMO_PHONE, FILL_HINT, GAP
from jj123lib.domain.rules import load_rules
from jj123lib.intake.forms import build_plan_form
from jj123lib.intake.formspec import HELP_SHEET
from tests.late_form import demo_copy
from tests.ledger_helpers import TASKS

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument

    from jj123lib.demo.generate import DemoSummary

AS_OF = date(2026, 10, 20)
PLACEHOLDER = f"联系人：{GAP}，联系电话：{GAP}{FILL_HINT}。"
DEMO_LINE = f"联系人：{DEMO_CONTACT}，联系电话：{DEMO_PHONE}。"


@pytest.fixture(scope="module")
def real(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's ledger as an office's own folder (no demo marker), before any quarter was published."""
    folder = demo_copy(demo_data.data_dir, tmp_path_factory.mktemp("office") / "data")
    (folder / DEMO_MARKER).unlink()
    return folder


def texts(doc: DocxDocument) -> str:
    out = [p.text for p in doc.paragraphs]
    out += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join(out)


def documents(folder: Path, demo: bool) -> dict[str, DocxDocument]:
    maker = DocumentMaker("2026Q3", folder, as_of=AS_OF, demo=demo)
    item = str(maker.items["id"].iloc[0])
    review = annual_review(2026, folder, as_of=date(2026, 12, 5))
    built = {"bulletin": maker.build("bulletin"), "cuibao": maker.build("cuibao"), "duban": maker.build("duban", item)}
    out = {name: Document(BytesIO(docx_bytes(doc))) for name, doc in built.items()}
    out["annual"] = Document(BytesIO(annual_docx(review, demo=demo, issue_date=date(2027, 1, 20))))
    return out


def test_a_real_folders_documents_show_the_gap_and_where_to_fill_it(real: Path) -> None:
    for name, doc in documents(real, demo=False).items():
        text = texts(doc)
        assert PLACEHOLDER in text, name
        assert DEMO_CONTACT not in text and "示例" not in text, name


def test_the_demos_documents_carry_the_marked_demo_contact(demo_data: DemoSummary) -> None:
    for name, doc in documents(demo_data.data_dir, demo=True).items():
        text = texts(doc)
        assert DEMO_LINE in text, name
        assert GAP not in text and "rules.yaml" not in text, name


def _pdf_pages(xlsx: Path, folder: Path) -> list[str]:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--convert-to",
                    "pdf", "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(xlsx.with_suffix(".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("demo", [False, True])
def test_forms_print_the_gap_or_the_demo_contact_on_every_page(demo: bool, tmp_path: Path) -> None:
    wb = build_plan_form("商务局", 2026, TASKS, demo=demo, rules=load_rules())
    help_text = "".join(str(c.value) for row in wb[HELP_SHEET].iter_rows() for c in row if c.value)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    pages = _pdf_pages(path, tmp_path)
    assert len(pages) >= 2
    if demo:
        assert DEMO_CONTACT in help_text and DEMO_PHONE in help_text and GAP not in help_text
        assert all(re.sub(r"\s+", "", DEMO_PHONE) in page for page in pages)
    else:
        assert f"联系人 {GAP}，电话 {GAP}）{FILL_HINT}" in help_text
        assert all(f"联系人{GAP}，电话{GAP}" in page for page in pages)  # the page header of every page
        assert any(re.sub(r"\s+", "", FILL_HINT) in page for page in pages)  # the 填报说明 says where


def test_bulletin_warns_a_real_folder_naming_the_keys(real: Path, demo_data: DemoSummary, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from jj123lib.cli.main import main

    args = ["bulletin", "--quarter", "2026Q3", "--as-of", "2026-10-20"]
    assert main([*args, "--data-dir", str(real), "--out", str(tmp_path / "a.docx")]) == 0
    err = capsys.readouterr().err
    assert "注意：规则文件未填写 documents.contact（联系人）、documents.phone（联系电话）" in err
    # The demo published Q3: its 通报 comes from the snapshot, which is the demo's too.
    assert main(["bulletin", "--quarter", "2026Q3", "--data-dir", str(demo_data.data_dir),
                 "--out", str(tmp_path / "b.docx")]) == 0
    assert "documents.contact" not in capsys.readouterr().err  # the demo carries its own stand-in
    rules = tmp_path / "rules.yaml"
    own = load_rules().to_dict()
    own["documents"].update(contact="王督查", phone="0595-85600001")
    rules.write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    assert main([*args, "--data-dir", str(real), "--out", str(tmp_path / "c.docx"), "--rules", str(rules)]) == 0
    assert "documents.contact" not in capsys.readouterr().err
    assert "联系人：王督查，联系电话：0595-85600001。" in texts(Document(str(tmp_path / "c.docx")))


def test_batch_summary_warns_a_real_folder(real: Path, tmp_path: Path) -> None:
    from jj123lib.batch.run import run_batch

    result = run_batch("2026Q3", data_dir=real, out=tmp_path / "out", formats=["docx"], progress=False)
    assert result.ok and result.count_documents("ok") >= 3
    assert "注意：规则文件未填写 documents.contact（联系人）、documents.phone（联系电话）" in result.summary()
