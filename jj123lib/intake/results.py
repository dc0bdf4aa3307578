"""What ingest makes of one file: the checked form ready to record (:class:`ParsedFile`), and the outcome
the office is told (:class:`FileResult`: accepted, duplicate or rejected, with what the new version changes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jj123lib.core.exceptions import IngestError, IngestRejected
from jj123lib.intake.receipt import Receipt
from jj123lib.intake.response_form import ParsedResponse

__all__ = ["ParsedFile", "FileResult"]


@dataclass
class ParsedFile:
    """A file that passed every check, ready to record."""

    path: Path
    data: bytes
    sha256: str
    ext: str
    kind: str
    unit: str
    year: int
    quarter: str | None
    source_format: str
    form_version: str | None
    demo: bool
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # file-level notes (extra sheets, plan-cell normalisations…)
    phone: str | None = None  # 联系电话 typed on the form (xlsx only)
    # Rows of the benchmark sheet, by ledger table: benchmark_plan, or indicator_values + recognitions.
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    receipt: Receipt = field(default_factory=Receipt)  # when the office received it, and who took it in

    @property
    def normalizations(self) -> list[str]:
        return self.notes + [n for r in self.rows for n in r.get("normalizations") or []]

    @property
    def content_sha256(self) -> str:
        """SHA-256 of what the form says (period, unit, phone, normalised rows), not of its bytes.

        A form re-saved unchanged (Excel, WPS, LibreOffice) has new bytes and the same content.
        Where a row sits (sheet, row number) and how its cells were normalised are not content.
        """
        def content(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            # A blank 需协调部门 is left out: a form without the column fingerprints as before it existed.
            return [{k: v for k, v in row.items() if k not in ("sheet", "excel_row", "normalizations")
                     and not (k == "coordination_department" and v is None)} for row in rows]

        period = self.quarter if self.kind == "progress" else str(self.year)
        said: list[Any] = [self.kind, self.unit, period, self.phone or "", content(self.rows)]
        if any(self.extra.values()):  # a form without benchmark rows fingerprints as before schema 5
            said.append({table: content(rows) for table, rows in sorted(self.extra.items())})
        text = json.dumps(said, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def record(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "filename": self.path.name, "ext": self.ext, "kind": self.kind,
                "unit": self.unit, "quarter": self.quarter, "year": self.year, "form_version": self.form_version,
                "source_format": self.source_format, "demo": self.demo, "phone": self.phone,
                "content_sha256": self.content_sha256, **self.receipt.record()}


@dataclass
class FileResult:
    """Outcome of one file: ``accepted``, ``duplicate`` (already in the ledger) or ``rejected``."""

    path: Path
    status: str
    errors: list[IngestError] = field(default_factory=list)
    parsed: ParsedFile | ParsedResponse | None = None
    replaced: list[str] = field(default_factory=list)  # files this one superseded (accepted)
    current: list[str] = field(default_factory=list)  # files that stay current instead (duplicate)
    resaved: bool = False  # duplicate by content, not by bytes: archived, no new version
    notices: list[str] = field(default_factory=list)  # what the new version changes, warnings (accepted)

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def message(self) -> str:
        name = self.path.name
        if self.status == "rejected":
            return str(IngestRejected(name, self.errors))
        assert self.parsed is not None
        p = self.parsed
        if isinstance(p, ParsedResponse):
            return p.message(self.status, self.resaved)
        what = f"{p.quarter} 进度填报" if p.kind == "progress" else f"{p.year} 年度计划"
        if self.status == "duplicate" and self.resaved:
            current = "、".join(self.current) or "现行版本"
            return (f"文件 {name}（{p.unit} {what}）与现行的 {current} 内容相同（重新保存，字节不同），"
                    f"不作为新版本；文件已存档（存档编号 {p.sha256[:12]}）。")
        if self.status == "duplicate":
            text = f"文件 {name}（{p.unit} {what}）此前已导入过，内容相同，未作改动。"
            others = [f for f in self.current if f != name]
            if others:
                text += f"\n  注意：该文件已被后来导入的 {'、'.join(others)} 取代，台账仍以后者为准。"
            return text
        text = f"已导入 {name}：{p.unit} {what}，{len(p.rows)} 行，存档编号 {p.sha256[:12]}。"
        if self.replaced:
            text += f"\n  取代了此前导入的 {'、'.join(self.replaced)}（原记录保留在历史中）。"
        if p.normalizations:
            text += "\n  已规范化：" + "；".join(p.normalizations)
        for notice in self.notices:
            text += "\n  " + notice
        return text
