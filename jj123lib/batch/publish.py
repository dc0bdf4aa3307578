"""季度封账 as one call: check the moment, snapshot the inputs, render the quarter from the snapshot, record it.

:func:`publish_quarter` is what ``jj123 publish`` and the workbench's 报告与封账 page both run. The record and
the snapshot are :mod:`jj123lib.ledger.publications`; the rendering is the quarter's batch, run on the
snapshot at the publication's moment, and the fingerprints of what it rendered go with the record. Any
failure publishes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from jj123lib.core.clock import read_moment
from jj123lib.core.exceptions import ParameterError
from jj123lib.core.outdir import check_output_dir
from jj123lib.domain.quarters import normalize_quarter, report_deadline
from jj123lib.domain.rules import Rules, load_rules
from jj123lib.domain.units import units_path
from jj123lib.ledger.publications import Publication, publish
from jj123lib.ledger.store import Ledger

__all__ = ["publish_quarter", "rendered_outputs"]


def publish_quarter(data_dir: str | os.PathLike[str], quarter: str, *, by: str, rules: Rules | None = None,
                    units_file: str | os.PathLike[str] | None = None, as_of: datetime | None = None,
                    out: str | os.PathLike[str] | None = None, formats: Sequence[str] = ("html", "pdf", "docx"),
                    progress: bool = False, now: datetime | None = None) -> Publication:
    """Publish ``quarter`` as read at ``as_of`` (default: now; a demo folder: its story's clock), stamped ``now``.

    Refused (in Chinese) before the quarter's reporting deadline has passed, when the quarter is already
    published, or when any report fails to render.
    """
    from jj123lib.batch.run import run_batch
    from jj123lib.loop.opinions import opinions_path

    q = normalize_quarter(quarter)
    rule_set = rules or load_rules()
    deadline = report_deadline(q, rule_set)
    moment = as_of if as_of is not None else Ledger.of(data_dir).moment()
    if moment < read_moment(deadline, clamp=False):  # verdicts are final only once the forms were due
        raise ParameterError("--as-of", moment.strftime("%Y-%m-%d %H:%M"),
                             hint=f"{q} 的报送截止日为 {deadline.isoformat()}，截止日结束前的数据不能封账发布")
    if out is not None:  # refused before the snapshot, not when rendering into it
        check_output_dir(out, "batch")
    inputs = {"rules.yaml": rule_set.path, "units.yaml": units_path(units_file),
              f"opinions/{q}.yaml": opinions_path(data_dir, q)}

    def render(snapshot: Path, record: Publication) -> Mapping[str, Any]:
        result = run_batch(q, data_dir=data_dir, out=out, formats=list(formats), force=True, progress=progress,
                           publication=record)
        if not result.ok:
            failed = "、".join(str(e.get("title") or e.get("kind")) for e in [*result.failed,
                                                                              *result.failed_documents])
            raise ParameterError("--quarter", q, hint=f"封账时生成报告失败（{failed}），未发布；请按错误信息处理后重试")
        return rendered_outputs(result.out_dir, [*result.reports, *result.documents])

    return publish(data_dir, q, by=by, inputs=inputs, as_of=as_of, now=now, render=render)


def rendered_outputs(out_dir: Path, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Each rendered file's SHA-256 (HTML and Word; a PDF's bytes carry the printer's own stamps)."""
    outputs: dict[str, Any] = {}
    for entry in entries:
        for key in ("html", "docx"):
            name = entry.get(key)
            path = out_dir / str(name) if name else None
            if path is not None and path.is_file():
                outputs[str(name)] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                      "fingerprint": entry.get("fingerprint")}
    return outputs
