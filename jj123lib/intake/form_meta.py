"""What a form's file name and a CSV's metadata columns say, checked against the form itself.

The form's own metadata decide its kind, unit and period; a file name that contradicts them means
a reused or swapped form, and is refused rather than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from jj123lib.core.cells import cell_text
from jj123lib.intake.checker import Checker
from jj123lib.intake.formspec import form_name_parts

__all__ = ["csv_meta", "check_file_name"]

_FILE_QUARTER = re.compile(r"(20\d\d)\s*[Qq]\s*([1-4])")


def csv_meta(check: Checker, kind: str, units: list[str]) -> tuple[str, str]:
    """CSV: the 季度/年度 and 填报单位 columns, identical on every row.

    A column that is absent is taken from the form's file name (a "Save As CSV" of the form
    keeps the name but not the metadata); a present column that contradicts the name is
    refused by :func:`check_file_name`.
    """
    period_label = "季度" if kind == "progress" else "年度"
    named = form_name_parts(check.name, units)
    from_name = dict(zip((period_label, "填报单位"), named[1:])) if named and named[0] == kind else {}
    found: dict[str, tuple[str, int]] = {}
    for label in (period_label, "填报单位"):
        if label not in check.grid.header:
            if label in from_name:
                found[label] = (from_name[label], 0)
                check.file_notes.append(f"CSV 没有“{label}”列，按文件名取“{from_name[label]}”")
            else:
                check.error("缺少必需的列（CSV 须有“季度/年度”和“填报单位”列，或保留表格原来的文件名）",
                            row=1, column=label)
            continue
        for number, values, _ in check.grid.rows:
            value = cell_text(check.cell(values, label))
            if value is None:
                check.error("不能为空", row=number, column=label)
            elif label not in found:
                found[label] = (value, number)
            elif value != found[label][0]:
                check.error(f"与第 {found[label][1]} 行的“{found[label][0]}”不一致"
                            "（一份文件只能填报一个单位、一个时期）",
                            row=number, column=label, value=value)
    period = found.get(period_label, ("", 0))[0]
    unit = found.get("填报单位", ("", 0))[0]
    if unit and unit not in units:
        check.error("不是任务清单中的责任单位", row=found["填报单位"][1] or None, column="填报单位", value=unit)
    return period, unit


def check_file_name(check: Checker, kind: str, quarter: str | None, year: int, unit: str, units: list[str]) -> None:
    """A file name that contradicts the form's own quarter/year or unit (e.g. last quarter's form renamed) is refused.

    The form's metadata (or CSV columns) decide; the file name is only a witness, but a
    contradiction means someone reused or swapped a form, and guessing would file the numbers
    under the wrong quarter or unit.
    """
    stem = unicodedata.normalize("NFKC", Path(check.name).stem)
    named_quarter = _FILE_QUARTER.search(stem)
    if kind == "progress" and quarter and named_quarter:
        in_name = f"{named_quarter.group(1)}Q{named_quarter.group(2)}"
        if in_name != quarter:
            check.error(f"文件名写的是 {in_name}，但表格内记录的季度是 {quarter}（可能沿用了其他季度的表格），"
                        f"请用 {in_name} 的表格重新填报，或更正文件名")
    if kind == "plan" and year:
        named_year = re.match(r"^(20\d\d)_", stem)
        if named_year and int(named_year.group(1)) != year:
            check.error(f"文件名写的是 {named_year.group(1)} 年，但表格内记录的年度是 {year}，请核对")
    named_units = [u for u in units if u in stem and u != unit and u not in unit]
    if unit and named_units and unit not in stem:
        check.error(f"文件名写的是“{named_units[0]}”，但表格内记录的填报单位是“{unit}”（可能用了其他单位的表格），"
                    "请用本单位的表格重新填报")
