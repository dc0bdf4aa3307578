"""A report is judged at the moment its ledger is read at, not on the machine's day.

An unpublished demo quarter reads at the demo's story clock (2027-03-31 17:00) whatever day it is made on. The
machine's clock here stands two days after Q3's deadline, so a unit 未报送 is 2 days overdue on the machine's day
and far more at the story's: every output must say the story's, as the command line does.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jj123lib.cli.main import main
from jj123lib.core.clock import moment_label
from jj123lib.documents.content import bulletin_data, cuibao_data
from jj123lib.domain.lights import LABELS
from jj123lib.domain.tasks import leaders
from jj123lib.ledger.store import Ledger
from jj123lib.reports.leader import leader_report_data
from jj123lib.reports.overview import overview_data
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.demo.generate import DemoSummary

QUARTER = "2026Q3"
MACHINE = "2026-10-12T09:00:00+08:00"  # two days after Q3's deadline (10-10)


def _cli(folder: Path, *argv: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main([*argv, "--quarter", QUARTER, "--data-dir", str(folder), "--format", "json"]) == 0
    rows: list[dict[str, Any]] = json.loads(out.getvalue())
    return rows


def _days(value: Any) -> int | None:
    return None if value is None or value != value else int(value)


def test_an_unpublished_demo_quarter_is_judged_at_its_story_clock(demo_data: DemoSummary, tmp_path: Path,
                                                                  clock_at: Callable[[str], datetime]) -> None:
    data = demo_copy(demo_data.data_dir, tmp_path / "data")  # Q3 a draft: read at the story's clock
    machine = clock_at(MACHINE)
    moment = Ledger(data).moment()
    assert moment.date() > machine.date()  # the story's clock is not the machine's

    overview = overview_data(QUARTER, data)
    judged = overview.assessment
    assert judged is not None
    # 数据截至 and the judgement day are one moment; no 预览 (the deadline has long passed at that moment).
    assert overview.data_as_of == moment_label(moment) and judged.as_of == moment.date()
    header = str(overview.header_html())
    assert f"数据截至：{moment_label(moment)}" in header and "jj-preview" not in header
    overdue = dict(zip(judged.supervision.cuibao["unit"], judged.supervision.cuibao["days_overdue"]))
    assert overdue and all(days == (moment.date() - date(2026, 10, 10)).days for days in overdue.values())
    lights = dict(zip(judged.rated["task_id"], judged.rated["light"]))
    states = {u: (s, _days(d)) for u, s, d in zip(judged.states["unit"], judged.states["state"],
                                                   judged.states["days_late"])}
    assert {s for s, _ in states.values()} >= {"未报送", "迟报", "按时"}

    for leader in leaders():  # each leader report: its tasks' lights and its units' days overdue
        report = leader_report_data(leader, QUARTER, data)
        assert report.data_as_of == overview.data_as_of
        assert dict(zip(report.tasks["task_id"], report.tasks["light"])) == {
            t: lights[t] for t in report.tasks["task_id"]}
        mine = report.supervision.cuibao
        assert dict(zip(mine["unit"], mine["days_overdue"])) == {u: overdue[u] for u in mine["unit"]}

    bulletin = bulletin_data(QUARTER, data)  # the 通报: its 附件3 lights, its 报送情况, its 催报通知
    assert {str(row[0]): str(row[-1]) for row in bulletin.tasks} == {t: LABELS[k] for t, k in lights.items()}
    assert {e.unit: e.days_overdue for e in cuibao_data(QUARTER, data)} == overdue
    for unit, (state, _) in states.items():
        if state in ("未报送", "迟报"):
            assert unit in "".join(bulletin.reporting)

    # The command line: ratings, every unit's state and days late, the 催报 list.
    assert {r["任务编号"]: r["督查室灯号"] for r in _cli(data, "ratings")} == {t: LABELS[k] for t, k in lights.items()}
    assert {r["单位"]: (r["报送状态"], _days(r["迟报/逾期天数"])) for r in _cli(data, "cuibao", "--all")} == states
    assert {r["单位"]: r["逾期天数"] for r in _cli(data, "cuibao")} == overdue
