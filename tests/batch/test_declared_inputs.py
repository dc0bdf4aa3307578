"""Fingerprints built from declared inputs: change each input in turn, exactly the outputs that show it re-render.

The outputs are the quarter's leader reports and overview (:func:`plan_jobs`) and the year-end review
(:func:`annual_job`); each change is made to a private copy of the demo data and of the office's files,
and the planning layer says which fingerprints moved (nothing is rendered).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from jj123lib.annual.batch import annual_job
from jj123lib.batch.jobs import new_entry, plan_jobs
from jj123lib.core.resources import DEFAULT_RULES, NOTEBOOK_DIR, PARAMS_DIR
from jj123lib.domain import tasks as task_module
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import leaders, load_tasks
from jj123lib.ledger.store import Ledger
from tests.late_form import demo_copy

if TYPE_CHECKING:  # pragma: no cover
    from jj123lib.batch.pipeline import BatchResult
    from jj123lib.demo.generate import DemoSummary

pytestmark = pytest.mark.usefixtures("demo_year_viewed")

QUARTER = "2026Q3"
DAY = date(2026, 12, 5)  # the year-end review's day (the suite's default moment)
ALL_LEADERS = frozenset(f"leader:{name}" for name in leaders())
EVERY_OUTPUT = ALL_LEADERS | {"overview", "annual"}


@dataclass
class Office:
    """A private copy of the demo data, the rules, the units and the task table, and the last fingerprints."""

    data: Path
    rules: Path
    units: Path
    tasks: Path
    out: Path
    last: dict[str, str] = field(default_factory=dict)

    def fingerprints(self) -> dict[str, str]:
        rules = load_rules(self.rules)
        jobs = plan_jobs(QUARTER, self.data, self.out, leaders(), NOTEBOOK_DIR, 60, rules=rules,
                         units_file=self.units)
        found = {job.key: job.fingerprint for job in jobs}
        found["annual"] = annual_job(2026, self.data, self.out, NOTEBOOK_DIR, 60, DAY, rules, self.units).fingerprint
        return found

    def rerendered(self) -> set[str]:
        """The outputs whose fingerprint moved since the last call (the first call sets the baseline)."""
        now = self.fingerprints()
        moved = {key for key, value in now.items() if self.last and self.last.get(key) != value}
        self.last = now
        return moved

    def sql(self, statement: str, *params: object) -> None:
        conn = sqlite3.connect(self.data / "ledger.sqlite")
        try:
            assert conn.execute(statement, params).rowcount >= 1
            conn.commit()
        finally:
            conn.close()

    def one(self, query: str, *params: object) -> tuple[str, str]:
        conn = sqlite3.connect(self.data / "ledger.sqlite")
        try:
            row = conn.execute(query, params).fetchone()
        finally:
            conn.close()
        assert row is not None
        return str(row[0]), str(row[1])

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def office(demo_data: DemoSummary, demo_year_viewed: object,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    folder = tmp_path_factory.mktemp("declared")
    tasks = folder / "tasks.csv"
    shutil.copy(task_module.default_tasks_path(), tasks)
    made = Office(data=demo_copy(demo_data.data_dir, folder / "data"),  # Q3 a draft: it follows the live ledger
                  rules=Path(shutil.copy(DEFAULT_RULES, folder / "rules.yaml")),
                  units=Path(shutil.copy(PARAMS_DIR / "units.yaml", folder / "units.yaml")), tasks=tasks,
                  out=folder / "out")
    with pytest.MonkeyPatch.context() as patch:  # the task table in force is the copy
        patch.setattr(task_module, "default_tasks_path", lambda: tasks)
        made.rerendered()
        yield made


def leader_of(task_id: str) -> str:
    table = load_tasks()
    return "leader:" + str(table.loc[table["task_id"] == task_id, "leader"].iloc[0])


def test_nothing_changed_nothing_rerenders(office: Office) -> None:
    assert office.rerendered() == set()


def test_units_file_rerenders_the_year_end_review(office: Office) -> None:
    """商务局 moved to another group: its rank in the review changes, so the review is not skipped."""
    office.edit(office.units, "  商务局:\n    group: 市直部门", "  商务局:\n    group: 国有企业")
    assert office.rerendered() == EVERY_OUTPUT  # every report reads the units (groups, 催报 contacts)


def test_a_units_contact_rerenders_what_reads_the_units(office: Office) -> None:
    text = office.units.read_text(encoding="utf-8")
    office.units.write_text(re.sub(r'(\n  商务局:\n    group: [^\n]+\n    contact: )""', r'\1"张三"', text, count=1),
                            encoding="utf-8")
    assert office.rerendered() == EVERY_OUTPUT


def test_rules_file(office: Office) -> None:
    office.edit(office.rules, "\n", "\n# 本地规则副本\n")
    assert office.rerendered() == EVERY_OUTPUT


def test_task_table(office: Office) -> None:
    title = str(load_tasks().set_index("task_id").at["N04", "title"])
    office.edit(office.tasks, title, title + "（调整）")
    assert office.rerendered() == EVERY_OUTPUT


def test_opinions_rerender_only_the_leader_they_concern(office: Office) -> None:
    path = office.data / "opinions" / f"{QUARTER}.yaml"
    office.edit(path, "P05: 进度基本达到序时", "P05: 进度大体达到序时")  # 王也夫's task
    assert office.rerendered() == {"leader:王也夫"}
    office.edit(path, "陈丽蓉:\n", "# 督查室意见\n陈丽蓉:\n")  # a comment shows nowhere
    assert office.rerendered() == set()


def test_submissions(office: Office) -> None:
    office.sql("UPDATE submissions SET problems = problems || '（补充）' WHERE task_id = 'N04' AND quarter = ?"
               " AND superseded = 0", QUARTER)
    assert office.rerendered() == {leader_of("N04"), "overview", "annual"}
    office.sql("UPDATE submissions SET progress = progress || '（补充）' WHERE task_id = 'B02' AND quarter = '2026Q1'"
               " AND superseded = 0")  # an earlier quarter: the trajectory and the year show it
    assert office.rerendered() == {leader_of("B02"), "overview", "annual"}


def test_plan(office: Office) -> None:
    office.sql("UPDATE plan SET milestone = milestone || '（调整）' WHERE task_id = 'P03' AND quarter = '2026Q4'"
               " AND superseded = 0")
    assert office.rerendered() == {leader_of("P03"), "overview", "annual"}


def test_overrides(office: Office) -> None:
    Ledger(office.data).add_override("B02", QUARTER, "yellow", "经现场核实，进度符合序时", "督查室")
    # The review reads each quarter through its one assessment, which holds the lights: it re-renders too.
    assert office.rerendered() == {leader_of("B02"), "overview", "annual"}


@pytest.mark.parametrize("kind", ["task", "duban", "recognition"])
def test_verifications(office: Office, kind: str) -> None:
    ident, target = office.one("SELECT id, target FROM verifications WHERE kind = ? ORDER BY id LIMIT 1", kind)
    task_id = target.split("@")[0] if kind != "duban" else office.one(
        "SELECT task_id, id FROM duban WHERE id = ?", target)[0]
    office.sql("UPDATE verifications SET note = COALESCE(note, '') || '（补充）' WHERE id = ?", int(ident))
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}


def test_duban_and_its_responses(office: Office) -> None:
    item, task_id = office.one("SELECT id, task_id FROM duban WHERE quarter = ? ORDER BY id LIMIT 1", QUARTER)
    office.sql("UPDATE duban SET reason = reason || '（补充）' WHERE id = ?", item)
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}
    answer, task_id = office.one("SELECT r.id, d.task_id FROM duban_responses r JOIN duban d ON d.id = r.duban_id"
                                 " ORDER BY r.id LIMIT 1")
    office.sql("UPDATE duban_responses SET text = text || '（补充）' WHERE id = ?", int(answer))
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}


def test_coordination_and_its_mentions(office: Office) -> None:
    item, task_id = office.one("SELECT id, task_id FROM coordination ORDER BY id LIMIT 1")
    office.sql("UPDATE coordination SET text = text || '（补充）' WHERE id = ?", item)
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}  # the assessment holds the register
    office.sql("UPDATE coordination_mentions SET text = text || '（补充）' WHERE item_id = ?", item)
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}


@pytest.mark.parametrize(("table", "column"), [("benchmark_plan", "goal_text"), ("indicator_values", "rank_text"),
                                               ("recognitions", "note")])
def test_benchmark_tables(office: Office, table: str, column: str) -> None:
    ident, task_id = office.one(f"SELECT id, task_id FROM {table} WHERE superseded = 0 AND task_id = 'B21'"  # noqa: S608
                                " ORDER BY id DESC LIMIT 1")
    office.sql(f"UPDATE {table} SET {column} = COALESCE({column}, '') || '（补充）' WHERE id = ?",  # noqa: S608
               int(ident))
    assert office.rerendered() == {leader_of(task_id), "overview", "annual"}


def test_each_output_lists_its_declared_inputs(office: Office) -> None:
    """The manifest says what an output was built from: each input's kind, name and digest."""
    rules = load_rules(office.rules)
    job = plan_jobs(QUARTER, office.data, office.out, ["陈丽蓉"], NOTEBOOK_DIR, 60, rules=rules,
                    units_file=office.units)[0]
    entry = json.loads(json.dumps(new_entry(job, None), ensure_ascii=False))
    names = {(item["kind"], item["name"]) for item in entry["inputs"]}
    # Files by their name only: no output names an absolute path.
    assert {("rules", office.rules.name), ("units", office.units.name), ("tasks", office.tasks.name),
            ("opinions", f"{QUARTER}.yaml")} <= names
    tables = {table for kind, name in names if kind == "ledger" for table in name.split("+")}
    assert {"submissions", "plan", "overrides", "verifications", "duban", "duban_responses", "coordination",
            "coordination_mentions", "benchmark_plan", "indicator_values", "recognitions"} <= tables
    assert all(len(item["digest"]) == 16 for item in entry["inputs"])
    year = annual_job(2026, office.data, office.out, NOTEBOOK_DIR, 60, DAY, rules, office.units)
    assert ("units", office.units.name) in {(item["kind"], item["name"]) for item in year.inputs}


def test_the_batch_manifest_lists_what_each_report_was_built_from(demo_batch: BatchResult) -> None:
    manifest = json.loads(demo_batch.manifest.read_text(encoding="utf-8"))
    for entry in manifest["reports"]:
        kinds = {item["kind"] for item in entry["inputs"]}
        assert {"rules", "units", "tasks", "ledger"} <= kinds, entry["kind"]
        if entry["kind"] == "leader":
            assert "opinions" in kinds
