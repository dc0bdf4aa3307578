"""年度考评发布: the year-end review published as of a moment, like a quarter (:mod:`jj123lib.batch.publish`).

:func:`publish_year` is what ``jj123 publish --year`` runs. It is refused before the year's last reporting
deadline has passed (the review is then a 预评, :attr:`~jj123lib.annual.review.AnnualReview.preliminary`);
otherwise the inputs are snapshotted (the ledger, rules, units: :func:`jj123lib.ledger.publications.publish`,
whose ``quarter`` column then holds the year), the review is rendered from the snapshot at the publication's
moment (:func:`~jj123lib.annual.batch.run_annual_batch`), and the fingerprints of what it rendered go with the
record. Any failure publishes nothing. From then on ``jj123 batch --year`` renders the year from its snapshot,
marked 已发布, and ``jj123 annual`` reads it (:func:`published_review`) unless asked ``--as-of`` another moment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.annual.batch import ANNUAL_FORMATS, run_annual_batch
from jj123lib.batch.publish import rendered_outputs
from jj123lib.core.clock import china_now, moment_label
from jj123lib.core.exceptions import ParameterError
from jj123lib.domain.parameters import validate_year
from jj123lib.domain.rules import Rules, as_rules, load_rules
from jj123lib.domain.units import units_path
from jj123lib.ledger.publications import Publication, publication, publish
from jj123lib.ledger.store import Ledger

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.annual.review import AnnualReview

__all__ = ["publish_year", "published_review"]


def publish_year(data_dir: str | os.PathLike[str], year: object, *, by: str, rules: Rules | None = None,
                 units_file: str | os.PathLike[str] | None = None, as_of: datetime | None = None,
                 out: str | os.PathLike[str] | None = None, formats: Sequence[str] = ANNUAL_FORMATS,
                 progress: bool = False, now: datetime | None = None) -> Publication:
    """Publish the year-end review of ``year`` as read at ``as_of`` (default: now; a demo folder: its story's
    clock), stamped ``now``. Refused (in Chinese) while the review is a 预评, when the year is already published,
    or when the review fails to render."""
    from jj123lib.annual.review import annual_review

    y = validate_year(year)
    rule_set = rules or load_rules()
    ledger = Ledger.of(data_dir, existing=True)
    moment = china_now(as_of) if as_of is not None else ledger.moment()
    judged = annual_review(y, ledger.at(moment), as_of=moment.date(), rules=rule_set, units_file=units_file)
    if judged.preliminary:  # the year's verdicts are final only once the last quarter's forms were due
        end = judged.final_deadline
        raise ParameterError("--as-of" if as_of is not None else "--year", moment_label(moment) if as_of else str(y),
                             hint=f"{y} 年度考评判断时点 {moment_label(moment)} 不晚于第四季度报送截止日 {end}，"
                                  "结果为预评，不能发布；请在截止日过后发布")
    inputs = {"rules.yaml": rule_set.path, "units.yaml": units_path(units_file)}

    def render(snapshot: Path, record: Publication) -> Mapping[str, Any]:
        result = run_annual_batch(y, data_dir=data_dir, out=out, formats=list(formats), force=True, progress=progress,
                                  rules=rule_set, units=units_file, publication=record)
        if not result.ok:
            failed = "、".join(str(e.get("error") or e.get("title")) for e in result.failed)
            raise ParameterError("--year", str(y),
                                 hint=f"发布时生成年度考评失败（{failed}），未发布；请按错误信息处理后重试")
        return rendered_outputs(result.out_dir, result.reports)

    return publish(data_dir, str(y), by=by, inputs=inputs, as_of=moment, now=now, render=render)


def published_review(data_dir: str | os.PathLike[str], year: object) -> tuple[AnnualReview, Publication] | None:
    """The published review of ``year`` as it was published: read from its snapshot (ledger, rules, units) at
    its moment; ``None`` when the year has not been published."""
    from jj123lib.annual.review import annual_review

    y = validate_year(year)
    found = publication(data_dir, str(y))
    if found is None:
        return None
    rules_file, units_file = found.input_path("rules.yaml"), found.input_path("units.yaml")
    result = annual_review(y, Ledger(found.folder).at(found.moment), as_of=found.moment.date(),
                           rules=as_rules(rules_file) if rules_file else load_rules(), units_file=units_file)
    return result, found
