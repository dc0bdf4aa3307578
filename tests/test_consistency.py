"""Every output says the same thing about a quarter: one judgement (:mod:`jj123lib.loop.assessment`).

For each quarter of the demo year, on a day before its deadline and a day after it, and over generated
ledgers (hypothesis), the outputs are read as the office reads them and compared:

* the 红榜 and 黄榜 in ``jj123 league --by unit``, the overview's view-model and the 通报;
* each unit's reporting state in ``jj123 cuibao``, the 催报通知, the 通报 and the year-end deductions;
* each task's light in ``jj123 ratings``, its leader report, the overview and the year-end review's final quarter;
* the loop's counts in the batch index, its manifest and the overview.

The check fails when one output computes a verdict of its own (the last tests make one do so).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jj123lib.core.clock import CHINA_TZ, FROZEN_NOW_ENV
from jj123lib.core.datadir import DEMO_MARKER
from jj123lib.domain.lights import LABELS
from jj123lib.domain.quarters import report_deadline, year_quarters
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import Ledger
from tests.ledger_helpers import record_plan, record_progress

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.run import BatchResult
    from jj123lib.demo.generate import DemoSummary

QUARTERS = year_quarters(2026)
BY_LABEL = {label: key for key, label in LABELS.items()}
MISSING, LATE = "未报送", "迟报"
OTHER = "—"


@dataclass
class Views:
    """What each output says on one day: per comparison, output → key → verdict."""

    boards: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → 红榜/黄榜/""
    states: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → reporting state
    missing: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → 未报送 with its days overdue, or —
    deducted: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → 未报送/迟报 deducted, or —
    lights: dict[str, dict[str, str]] = field(default_factory=dict)  # task → light key
    verified: dict[str, dict[str, str]] = field(default_factory=dict)  # task → 已完成 or not (the final quarter)


def disagreements(views: Views) -> list[str]:
    """Every key on which two outputs of one comparison differ, in Chinese-free test words."""
    found = []
    for what, per_output in vars(views).items():
        names = list(per_output)
        for name in names[1:]:
            first, other = per_output[names[0]], per_output[name]
            for key in sorted(set(first) | set(other)):
                if first.get(key) != other.get(key):
                    found.append(f"{what} {key}: {names[0]} says {first.get(key)!r}, {name} says {other.get(key)!r}")
    return found


def _cli(folder: Path, *argv: str) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-m", "jj123lib.cli.main", *argv, "--data-dir", str(folder),
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def _cli_in_process(folder: Path, *argv: str) -> list[dict[str, Any]]:
    from jj123lib.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main([*argv, "--data-dir", str(folder), "--format", "json"]) == 0
    rows: list[dict[str, Any]] = json.loads(out.getvalue())
    return rows


Cli = Callable[..., list[dict[str, Any]]]


def read_views(folder: Path, quarter: str, day: date, cli: Cli = _cli, leaders: bool = True) -> Views:
    """Each output's verdicts on ``day``, read as the office reads them (the clock stands on that day)."""
    from jj123lib.annual.review import annual_review
    from jj123lib.documents.content import bulletin_data, bulletin_facts, cuibao_data
    from jj123lib.domain.tasks import leaders as all_leaders
    from jj123lib.reports.leader import leader_report_data
    from jj123lib.reports.overview import overview_data

    rules = load_rules()
    as_of = ["--quarter", quarter, "--as-of", day.isoformat()]
    views = Views()
    league = cli(folder, "league", "--by", "unit", *as_of)
    states = cli(folder, "cuibao", "--all", *as_of)
    overdue = {r["单位"]: f"{MISSING} {r['逾期天数']}" for r in cli(folder, "cuibao", *as_of)}
    rated = cli(folder, "ratings", *as_of)
    overview = overview_data(quarter, folder)
    assert overview.assessment is not None
    facts = bulletin_facts(quarter, folder, day, rules, None)
    bulletin = bulletin_data(quarter, folder, as_of=day)
    notices = {e.unit: f"{MISSING} {e.days_overdue}" for e in cuibao_data(quarter, folder, as_of=day)}
    review = annual_review(2026, folder, as_of=day)

    views.boards = {"league --by unit": {r["责任单位"]: r["榜单"] for r in league},
                    "overview": dict(zip(overview.assessment.units["unit"], overview.assessment.units["board"])),
                    "通报": {e.unit: e.board for e in bulletin.league}}
    cli_states = {r["单位"]: r["报送状态"] for r in states}
    views.states = {"cuibao --all": cli_states, "通报": {s["unit"]: s["state"] for s in facts["states"]}}
    views.missing = {"cuibao": {u: overdue.get(u, OTHER) for u in cli_states},
                     "催报通知": {u: notices.get(u, OTHER) for u in cli_states}}
    deductions = review.breakdown[review.breakdown["ref"] == quarter]
    deducted = {str(u): str(item).removesuffix("扣分") for u, item in zip(deductions["unit"], deductions["item"])
                if item in (f"{MISSING}扣分", f"{LATE}扣分")}
    views.deducted = {"cuibao --all": {u: s if s in (MISSING, LATE) else OTHER for u, s in cli_states.items()},
                      "年度考评": {u: deducted.get(u, OTHER) for u in cli_states}}
    views.lights = {"ratings": {r["任务编号"]: BY_LABEL[r["督查室灯号"]] for r in rated},
                    "overview": dict(zip(overview.rated["task_id"], overview.rated["light"]))}
    if leaders:
        mine: dict[str, str] = {}
        for leader in all_leaders():
            report = leader_report_data(leader, quarter, folder)
            mine.update(zip(report.tasks["task_id"], report.tasks["light"]))
        views.lights["leader reports"] = mine
    if review.final_quarter == quarter:  # the year-end review judges this quarter's 销号
        views.lights["年度考评"] = review.final_lights
        lights = views.lights["ratings"]
        settled = {t: lights[t] for t in lights if lights[t] in ("done", "claimed")}
        verified = dict(zip(review.outcomes["task_id"], review.outcomes["verified_done"]))
        views.verified = {"ratings": settled,
                          "年度考评": {t: "done" if verified.get(t) else "claimed" for t in settled}}
    return views


@contextlib.contextmanager
def clock_on(day: date) -> Iterator[datetime]:
    """The office's clock at the end of ``day`` (subprocesses too), for reads as they stood that day."""
    moment = datetime.combine(day, time(23, 59, 59), CHINA_TZ)
    before = os.environ[FROZEN_NOW_ENV]
    os.environ[FROZEN_NOW_ENV] = moment.isoformat()
    try:
        yield moment
    finally:
        os.environ[FROZEN_NOW_ENV] = before


@pytest.fixture(scope="module")
def office_copy(demo_data: DemoSummary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's ledger as a real office folder: read as of the clock, not the demo's story day."""
    folder = tmp_path_factory.mktemp("consistency") / "data"
    shutil.copytree(demo_data.data_dir, folder)
    (folder / DEMO_MARKER).unlink()
    return folder


def _days(quarter: str) -> list[date]:
    deadline = report_deadline(quarter, load_rules())
    return [deadline - timedelta(days=2), deadline + timedelta(days=12)]


@pytest.mark.parametrize(("quarter", "day"), [(q, d) for q in QUARTERS for d in _days(q)],
                         ids=[f"{q}-{d.isoformat()}" for q in QUARTERS for d in _days(q)])
def test_the_demo_says_one_thing_in_every_output(office_copy: Path, quarter: str, day: date) -> None:
    cli = _cli if day > report_deadline(quarter, load_rules()) else _cli_in_process  # a real process after it
    with clock_on(day):
        views = read_views(office_copy, quarter, day, cli=cli)
    assert disagreements(views) == []
    assert len(views.lights["ratings"]) == 48 and views.boards["通报"]


def test_the_yellow_board_names_units_with_overdue_duban(office_copy: Path) -> None:
    """The units the 通报 put on the 黄榜 for an overdue 督办 alone are on the command line's 黄榜 too."""
    from jj123lib.loop.assessment import assess_quarter

    day = date(2026, 12, 5)
    with clock_on(day):
        judged = assess_quarter("2026Q3", office_copy, as_of=day)
        league = _cli(office_copy, "league", "--by", "unit", "--quarter", "2026Q3", "--as-of", day.isoformat())
    only_overdue = judged.units[judged.units["board_reason"] == "督办事项逾期未办结"]
    assert len(only_overdue) >= 1  # the demo has such units: the case the two outputs once disagreed on
    yellow = {r["责任单位"] for r in league if r["榜单"] == "黄榜"}
    assert set(only_overdue["unit"]) <= yellow and yellow == set(judged.yellow_board)


def test_index_manifest_and_overview_count_alike(demo_batch: BatchResult, demo_data: DemoSummary,
                                                 clock_at: Callable[[str], datetime]) -> None:
    from jj123lib.ledger.publications import publication
    from jj123lib.reports.overview import overview_data

    published = publication(demo_data.data_dir, "2026Q3")  # the demo publishes Q3: the batch renders its snapshot
    assert published is not None
    clock_at(published.as_of)  # at the publication's moment, as the batch did
    manifest = json.loads(demo_batch.manifest.read_text(encoding="utf-8"))
    loop = overview_data("2026Q3", published.folder).supervision
    shown = {"cuibao": len(loop.cuibao), "duban": len(loop.duban),
             "duban_overdue": int((loop.duban["days_overdue"].fillna(0) > 0).sum()),
             "awaiting": len(loop.awaiting), "coordination": len(loop.coordination), "flags": len(loop.flags)}
    assert manifest["supervision"] == shown
    index = demo_batch.index.read_text(encoding="utf-8")
    assert (f"逾期未报送单位 {shown['cuibao']} 个 · 督办事项 {shown['duban']} 项（逾期 {shown['duban_overdue']} 项）"
            f"· 待核实 {shown['awaiting']} 项 · 未办结协调事项 {shown['coordination']} 项 · "
            f"数据核查提示 {shown['flags']} 条") in index


# ----------------------------------------------------------------------------------------------
# The check catches an output that decides for itself
# ----------------------------------------------------------------------------------------------
def test_a_bulletin_deciding_its_own_yellow_board_is_caught(office_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 通报 made to rank the units without the overdue 督办 (as it once did on the command line)."""
    from jj123lib.assess.unit_league import rank_units
    from jj123lib.documents import content
    from jj123lib.domain.units import load_units
    from jj123lib.loop.assessment import assess_quarter

    original = content.bulletin_facts

    def own_verdict(quarter: str, data_dir: Any, day: date, rules: Any, units_file: Any) -> dict[str, Any]:
        facts = original(quarter, data_dir, day, rules, units_file)
        judged = assess_quarter(quarter, data_dir, as_of=day, rules=rules)
        league = rank_units(judged.rated, load_units(), rules, overdue_units=(), unreported_units=judged.unreported)
        return {**facts, "league": league.to_dict(orient="records"), "league_frame": league}

    monkeypatch.setattr(content, "bulletin_facts", own_verdict)
    day = date(2026, 12, 5)
    with clock_on(day):
        found = disagreements(read_views(office_copy, "2026Q3", day, cli=_cli_in_process, leaders=False))
    assert found and all(line.startswith("boards ") for line in found)
    assert any("通报 says ''" in line and "'黄榜'" in line for line in found)


def test_a_cuibao_notice_counting_its_own_days_is_caught(office_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 催报通知 made to count days overdue to today rather than to the day it is judged on."""
    from jj123lib.documents import content
    from jj123lib.loop.deadlines import cuibao

    original = content.cuibao_data

    def own_days(quarter: str, data_dir: Any, *, as_of: date | None = None, **kwargs: Any) -> Any:
        later = (as_of or date.today()) + timedelta(days=3)
        return original(quarter, data_dir, as_of=as_of, frame=cuibao(quarter, data_dir, as_of=later), **kwargs)

    monkeypatch.setattr(content, "cuibao_data", own_days)
    day = date(2026, 10, 22)
    with clock_on(day):
        found = disagreements(read_views(office_copy, "2026Q3", day, cli=_cli_in_process, leaders=False))
    assert found and all(line.startswith("missing ") for line in found)


def _own_rules(tmp_path: Path, old: str, new: str) -> Any:
    from jj123lib.core.resources import DEFAULT_RULES

    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "own.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_rules(path)


@pytest.mark.parametrize("own", ["states", "lights"])
def test_a_year_end_review_judging_a_quarter_itself_is_caught(office_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path, own: str) -> None:
    """The year-end review made to judge a quarter beside its assessment, under other rules: its reporting states
    (an earlier deadline) or its final quarter's lights (a stricter green)."""
    import pandas as pd

    from jj123lib.annual import review as review_module
    from jj123lib.assess.ratings import rate_quarter
    from jj123lib.loop.deadlines import unit_states

    original = review_module.load_inputs
    quarter, day = "2026Q3", date(2026, 10, 22)  # after Q3's deadline, before Q4's first form: Q3 is the final one

    def own_verdict(year: int, data_dir: Any, **kwargs: Any) -> Any:
        inputs = original(year, data_dir, **kwargs)
        if own == "states":
            rules = _own_rules(tmp_path, "report_day_of_next_month: 10", "report_day_of_next_month: 5")
            inputs.states = pd.concat([unit_states(q, data_dir, as_of=inputs.as_of, rules=rules) for q in QUARTERS],
                                      ignore_index=True)
        else:
            rules = _own_rules(tmp_path, "green_max_behind: 10", "green_max_behind: 0")
            rated = rate_quarter(quarter, data_dir, as_of=inputs.as_of, rules=rules)
            inputs.lights = rated.loc[:, ["task_id"]].assign(quarter=quarter, light=rated["light"])
        return inputs

    monkeypatch.setattr(review_module, "load_inputs", own_verdict)
    with clock_on(day):
        found = disagreements(read_views(office_copy, quarter, day, cli=_cli_in_process, leaders=False))
    assert found and all(line.startswith("deducted " if own == "states" else "lights ") for line in found)
    assert all("年度考评 says" in line for line in found)


# ----------------------------------------------------------------------------------------------
# Generated ledgers
# ----------------------------------------------------------------------------------------------
TASKS = ["N01", "N02", "N03", "P01", "P02", "B01", "B02", "B03"]
QUARTER = "2026Q3"
DEADLINE = report_deadline(QUARTER, load_rules())

outcomes = st.fixed_dictionaries({
    "when": st.sampled_from([None, -3, 0, 4, 20]),  # not received, or received this many days after the deadline
    "pct": st.sampled_from([10.0, 40.0, 55.0, 60.0, 100.0]),
    "met": st.booleans(),
})


@given(st.lists(outcomes, min_size=len(TASKS), max_size=len(TASKS)), st.sampled_from([-1, 8, 45]))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_ledgers_say_one_thing(reports: list[dict[str, Any]], offset: int) -> None:
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.loop.duban import issue_duban

    table = load_tasks().set_index("task_id")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        ledger = Ledger(folder)
        by_unit: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for task_id, report in zip(TASKS, reports):
            by_unit.setdefault(str(table.at[task_id, "lead_unit"]), []).append((task_id, report))
        for unit, mine in by_unit.items():
            record_plan(ledger, unit, {t: (20.0, 40.0, 60.0, 100.0) for t, _ in mine})
            for task_id, report in mine:
                if report["when"] is None:
                    continue
                received = DEADLINE + timedelta(days=report["when"])
                record_progress(ledger, unit, QUARTER, {task_id: {
                    "actual_pct": report["pct"], "milestone_met": report["met"],
                    "report_date": received.isoformat()}},
                    received=f"{received.isoformat()}T10:00:00+08:00")
        issued = DEADLINE + timedelta(days=5)
        issue_duban(QUARTER, folder, as_of=issued, by="测试员",
                    now=datetime.combine(issued, time(10), CHINA_TZ))
        day = DEADLINE + timedelta(days=offset)
        with clock_on(day):
            views = read_views(folder, QUARTER, day, cli=_cli_in_process, leaders=False)
    assert disagreements(views) == []
