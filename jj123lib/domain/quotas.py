"""Quota checks: the notice's per-leader minimums and the table's own integrity.

Rules checked (the minimums come from ``params/rules.yaml``):

* every lead leader has at least the minimum number of tasks in each tier;
* task IDs are unique;
* numbering within a tier runs 1, 2, 3 … with no gap or repeat;
* every task has a leader and at least one responsible unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jj123lib.domain.rules import load_rules, quota_minimums
from jj123lib.domain.tiers import TIER_LABELS, TIERS

__all__ = ["QuotaReport", "Violation", "check_quotas"]


@dataclass(frozen=True)
class Violation:
    """One broken rule, with a plain-Chinese message for the office."""

    rule: str  # quota | unique_id | numbering | leader | units
    message: str
    leader: str | None = None
    tier: str | None = None
    shortfall: int | None = None
    task_id: str | None = None


@dataclass
class QuotaReport:
    """Leader × tier counts against the minimums, plus every violation found."""

    table: pd.DataFrame  # leader, tier, tier_label, required, actual, ok
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def wide(self) -> pd.DataFrame:
        """One row per leader; per tier "actual/required", and whether all pass."""
        frame = self.table.assign(cell=[f"{a}/{r}" for a, r in zip(self.table["actual"], self.table["required"])])
        wide = frame.pivot(index="leader", columns="tier_label", values="cell")
        wide = wide.reindex(columns=[TIER_LABELS[t] for t in TIERS])
        passed = self.table.groupby("leader", sort=False)["ok"].all()
        wide["达标"] = ["是" if passed[name] else "否" for name in wide.index]
        order = list(dict.fromkeys(self.table["leader"]))
        return wide.reindex(order).rename_axis(index="牵头市领导", columns=None)

    def summary(self) -> str:
        """Chinese text: one line for success, else one line per violation."""
        if self.ok:
            return f"配额检查通过：{self.table['leader'].nunique()} 位牵头市领导均满足各层级最低任务数。"
        lines = [f"配额检查未通过，共 {len(self.violations)} 项问题："]
        lines += [f"  {i}. {v.message}" for i, v in enumerate(self.violations, start=1)]
        return "\n".join(lines)


def check_quotas(tasks: pd.DataFrame, rules: Mapping[str, Any] | None = None) -> QuotaReport:
    """Check ``tasks`` against the quota and integrity rules and return a :class:`QuotaReport`."""
    minimums = quota_minimums(rules if rules is not None else load_rules())
    violations = _duplicate_ids(tasks) + _numbering(tasks) + _missing_people(tasks)
    table, short = _quota_table(tasks, minimums)
    return QuotaReport(table=table, violations=violations + short)


def _duplicate_ids(tasks: pd.DataFrame) -> list[Violation]:
    violations = []
    for task_id, count in tasks["task_id"].value_counts().items():
        if count > 1:
            violations.append(Violation("unique_id", f"任务编号 {task_id} 重复出现 {count} 次。", task_id=str(task_id)))
    return violations


def _numbering(tasks: pd.DataFrame) -> list[Violation]:
    """Within each tier the numbers run 1, 2, 3 … with no gap or repeat."""
    violations = []
    for tier in TIERS:
        seqs = sorted(int(s) for s in tasks.loc[tasks["tier"] == tier, "seq"])
        expected = list(range(1, len(seqs) + 1))
        if seqs != expected:
            missing = sorted(set(expected) - set(seqs))
            repeated = sorted({s for s in seqs if seqs.count(s) > 1})
            detail = []
            if missing:
                detail.append("缺少第 " + "、".join(map(str, missing)) + " 项")
            if repeated:
                detail.append("第 " + "、".join(map(str, repeated)) + " 项重复")
            extra = sorted(s for s in set(seqs) if s > len(seqs))
            if extra and not missing:
                detail.append("序号超出 " + "、".join(map(str, extra)))
            violations.append(
                Violation(
                    "numbering", f"{TIER_LABELS[tier]}的序号应从 1 连续编号：" + "，".join(detail) + "。", tier=tier
                )
            )
    return violations


def _missing_people(tasks: pd.DataFrame) -> list[Violation]:
    """Every task has a lead leader and at least one responsible unit."""
    violations = []
    columns = (tasks[c].tolist() for c in ("task_id", "title", "leader", "units"))
    for task_id, title, leader, unit_list in zip(*columns):
        if not isinstance(leader, str) or not leader.strip():
            violations.append(Violation("leader", f"任务 {task_id}（{title}）缺少牵头市领导。", task_id=str(task_id)))
        if not list(unit_list) or not all(str(u).strip() for u in unit_list):
            violations.append(Violation("units", f"任务 {task_id}（{title}）缺少责任单位。", task_id=str(task_id)))
    return violations


def _quota_table(tasks: pd.DataFrame, minimums: Mapping[str, int]) -> tuple[pd.DataFrame, list[Violation]]:
    """Leader × tier counts against the minimums (leaders in task-table order), and each shortfall."""
    named = tasks[[isinstance(x, str) and bool(x.strip()) for x in tasks["leader"]]]
    leader_order = list(dict.fromkeys(named.sort_values("source_line")["leader"]))
    rows = []
    violations = []
    for leader in leader_order:
        mine = named[named["leader"] == leader]
        for tier in TIERS:
            actual = int((mine["tier"] == tier).sum())
            required = minimums[tier]
            ok = actual >= required
            rows.append(
                {
                    "leader": leader,
                    "tier": tier,
                    "tier_label": TIER_LABELS[tier],
                    "required": required,
                    "actual": actual,
                    "ok": ok,
                }
            )
            if not ok:
                short = required - actual
                violations.append(
                    Violation(
                        "quota",
                        f"{leader}的{TIER_LABELS[tier]}任务只有 {actual} 项，至少应有 {required} 项，还差 {short} 项。",
                        leader=leader,
                        tier=tier,
                        shortfall=short,
                    )
                )
    table = pd.DataFrame(rows, columns=["leader", "tier", "tier_label", "required", "actual", "ok"])
    return table, violations
