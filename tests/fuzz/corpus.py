"""The read-and-refuse corpus: named attacks on every file jj123 reads besides forms, and on refusals that write.

Each case builds its input in a fresh folder beside a copy of one small data folder (公安局's plan and Q3 report,
N07 claimed 已完成, two 督办事项 issued), then runs one real command in a subprocess with a timeout: a FIFO that
hung a read now fails the case instead of the suite. ``tests/fuzz/test_corpus.py`` checks, for every case, a
Chinese message with the case's fragments, no traceback, and the ledger and the archive byte-for-byte unchanged.

The classes: FIFOs and links to ``/dev/zero`` for each input kind (rules, units, opinions, task table, notice,
evidence, form), a file past its size limit, duplicate keys, ``.nan``/``.inf`` thresholds, a quoted ``"false"``,
an empty ``--rules``, deep YAML nesting and alias bombs, lone surrogate escapes in opinions, a bad ``benchmarks``
section met by an ingest, and refused verifies, ingests and 整改反馈 responses that hold evidence or a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jj123lib.core.resources import DEFAULT_RULES

QUARTER = "2026Q3"
AS_OF = "2026-10-20"


@dataclass(frozen=True)
class Inputs:
    """What a case may use: its own folder, the data folder's copy, and files made once for the module."""

    folder: Path
    data: Path
    plan_form: Path  # 商务局's filled plan form
    bad_response: Path  # a 整改反馈 form for DB-2026Q3-001 with 整改情况 left empty
    bad_form: Path  # 陈埭镇's Q3 progress form with a percentage that is no number
    evidence: Path  # a small, valid evidence file


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    argv: Callable[[Inputs], list[str]]  # jj123's arguments, or ["-c", script] for a Python call
    fragments: tuple[str, ...]
    env: Callable[[Inputs], dict[str, str]] = field(default=lambda _: {})
    python: bool = False  # argv is a Python call printing what the library returns


# ---------------------------------------------------------------- building blocks
def fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)  # a plain open() for reading would wait for a writer forever
    return path


def zero(folder: Path, name: str) -> Path:
    path = folder / name
    path.symlink_to("/dev/zero")  # read whole, it never ends
    return path


def sparse(folder: Path, name: str, size: int) -> Path:
    path = folder / name
    with open(path, "wb") as handle:
        handle.truncate(size)  # costs no disk
    return path


def rules_with(folder: Path, old: str, new: str, name: str = "rules.yaml") -> Path:
    """The packaged rules with one line changed."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text, old
    path = folder / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def rules_plus(folder: Path, extra: str) -> Path:
    path = folder / "rules.yaml"
    path.write_text(DEFAULT_RULES.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


ALIAS_BOMB = "l0: &l0 [lol]\n" + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))


def opinions(content: bytes | None = None, make: Callable[[Path, str], Path] | None = None
             ) -> Callable[[Inputs], list[str]]:
    """A case writing the quarter's opinions file (or making it with ``make``), then reading it as a report does."""
    def build(i: Inputs) -> list[str]:
        folder = i.data / "opinions"
        folder.mkdir(exist_ok=True)
        if make is not None:
            make(folder, f"{QUARTER}.yaml")
        else:
            (folder / f"{QUARTER}.yaml").write_bytes(content or b"")
        return read_opinions_call(i)
    return build


def read_opinions_call(i: Inputs) -> list[str]:
    return ["-c", "from jj123lib.loop.opinions import read_opinions\n"
                  f"read = read_opinions({str(i.data)!r}, {QUARTER!r})\n"
                  "print(*(str(e) for e in read.errors()), sep='\\n')"]


def verify(i: Inputs, target: str, evidence: Path, *extra: str) -> list[str]:
    return ["verify", target, "--quarter", QUARTER, "--as-of", AS_OF, "--evidence", str(evidence), "--by", "林督查",
            "--data-dir", str(i.data), *extra]


def ratings(i: Inputs, rules: Path | str) -> list[str]:
    return ["--rules", str(rules), "ratings", "--quarter", QUARTER, "--as-of", AS_OF, "--data-dir", str(i.data)]


def league_units(i: Inputs) -> list[str]:
    return ["league", "--quarter", QUARTER, "--as-of", AS_OF, "--by", "unit", "--data-dir", str(i.data)]


def units_env(make: Callable[[Inputs], Path]) -> Callable[[Inputs], dict[str, str]]:
    return lambda i: {"JJ123_UNITS": str(make(i))}


def _units_duplicate(i: Inputs) -> Path:
    text = (DEFAULT_RULES.parent / "units.yaml").read_text(encoding="utf-8")
    path = i.folder / "units.yaml"
    path.write_text(text.replace("units:\n", "units:\n  陈埭镇:\n    group: 市直部门\n", 1), encoding="utf-8")
    return path


SPECIAL = "不是普通文件"
RULES_BAD = "规则文件无效"

CASES: list[Case] = [
    # ---- the rules file
    Case("rules_fifo", "rules FIFO", lambda i: ratings(i, fifo(i.folder, "rules.yaml")), (RULES_BAD, SPECIAL)),
    Case("rules_dev_zero", "rules /dev/zero", lambda i: ratings(i, zero(i.folder, "rules.yaml")), (RULES_BAD, SPECIAL)),
    Case("rules_too_big", "rules past the size limit",
         lambda i: ratings(i, sparse(i.folder, "rules.yaml", 2 * 1024 * 1024)), (RULES_BAD, "大小上限")),
    Case("rules_duplicate_key", "rules duplicate key",
         lambda i: ratings(i, rules_with(i.folder, "  green_max_behind: 10 ",
                                         "  green_max_behind: 10\n  green_max_behind: 25 ")),
         (RULES_BAD, "green_max_behind", "重复")),
    Case("rules_nan_threshold", "rules .nan", lambda i: ratings(i, rules_with(
        i.folder, "green_max_behind: 10 ", "green_max_behind: .nan ")),
        (RULES_BAD, "ratings.green_max_behind", ".nan")),
    Case("rules_inf_threshold", "rules .inf", lambda i: ratings(i, rules_with(
        i.folder, "yellow_max_behind: 30 ", "yellow_max_behind: .inf ")), (RULES_BAD, "ratings.yellow_max_behind")),
    Case("rules_false_string", "rules quoted false", lambda i: ratings(i, rules_with(
        i.folder, "show_leader_scores: false\n", 'show_leader_scores: "false"\n')),
        (RULES_BAD, "reports.show_leader_scores", "true 或 false")),
    Case("rules_empty_path", "--rules \"\"", lambda i: ratings(i, ""), (RULES_BAD, "路径为空")),
    Case("rules_deep_nesting", "rules nested 200 deep", lambda i: ratings(i, rules_plus(
        i.folder, f"deep: {nested(200)}\n")), (RULES_BAD, "嵌套")),
    Case("rules_alias_bomb", "rules billion laughs", lambda i: ratings(i, rules_plus(i.folder, ALIAS_BOMB)),
         (RULES_BAD, "锚点")),
    Case("rules_unknown_section", "rules misspelt section", lambda i: ratings(i, rules_plus(
        i.folder, "ratigns:\n  green_max_behind: 5\n")), (RULES_BAD, "ratigns")),
    Case("rules_huge_day_count", "rules day count beyond a year", lambda i: ratings(i, rules_with(
        i.folder, "due_days: 15 ", "due_days: 100000000000000000000 ")), (RULES_BAD, "duban.due_days")),
    Case("rules_bad_benchmarks_on_ingest", "rules error met by a plan ingest",
         lambda i: ["--rules", str(rules_with(i.folder, "require_for_tiers: [全国领先示范, 全省领先示范]",
                                              "require_for_tiers: [全球领先]")),
                    "ingest", str(i.plan_form), "--data-dir", str(i.data)],
         (RULES_BAD, "benchmarks.require_for_tiers")),
    # ---- the units file
    Case("units_fifo", "units FIFO", league_units, ("单位分组文件无效", SPECIAL),
         env=units_env(lambda i: fifo(i.folder, "units.yaml"))),
    Case("units_dev_zero", "units /dev/zero", league_units, ("单位分组文件无效", SPECIAL),
         env=units_env(lambda i: zero(i.folder, "units.yaml"))),
    Case("units_duplicate_key", "units duplicate unit", league_units, ("单位分组文件无效", "陈埭镇", "重复"),
         env=units_env(_units_duplicate)),
    # ---- the opinions file (read leader by leader: the fault is the library's answer, not an exit)
    Case("opinions_fifo", "opinions FIFO", opinions(make=fifo), ("督查室意见文件无效", SPECIAL), python=True),
    Case("opinions_dev_zero", "opinions /dev/zero", opinions(make=zero), ("督查室意见文件无效", SPECIAL), python=True),
    Case("opinions_lone_surrogate", "opinions \\uD800 escape", opinions('陈丽蓉:\n  总体: "\\uD800"\n'.encode()),
         ("督查室意见文件无效", "代理字符 U+D800"), python=True),
    Case("opinions_deep_nesting", "opinions nested 500 deep", opinions(f"陈丽蓉: {nested(500)}\n".encode()),
         ("督查室意见文件无效", "嵌套"), python=True),
    Case("opinions_duplicate_leader", "opinions duplicate key", opinions("陈丽蓉: 一\n陈丽蓉: 二\n".encode()),
         ("督查室意见文件无效", "第 2 行", "重复"), python=True),
    # ---- the task table and a notice
    Case("tasks_fifo", "task table FIFO", lambda i: ["tasks", "--tasks", str(fifo(i.folder, "tasks.csv"))],
         ("任务表无效", SPECIAL)),
    Case("tasks_dev_zero", "task table /dev/zero", lambda i: ["tasks", "--tasks", str(zero(i.folder, "tasks.csv"))],
         ("任务表无效", SPECIAL)),
    Case("notice_fifo", "notice FIFO", lambda i: ["notice", str(fifo(i.folder, "通知.txt"))], ("通知文件", SPECIAL)),
    Case("notice_dev_zero", "notice /dev/zero", lambda i: ["notice", str(zero(i.folder, "通知.txt"))],
         ("通知文件", SPECIAL)),
    # ---- evidence, and verifies refused after their evidence was given
    Case("evidence_fifo", "evidence FIFO", lambda i: verify(i, "N07", fifo(i.folder, "验收报告.pdf")),
         ("佐证材料", SPECIAL)),
    Case("evidence_dev_zero", "evidence /dev/zero", lambda i: verify(i, "N07", zero(i.folder, "验收报告.pdf")),
         ("佐证材料", SPECIAL)),
    Case("evidence_folder", "evidence is a folder", lambda i: verify(i, "N07", i.folder), ("佐证材料", "文件夹")),
    Case("evidence_past_the_rules_limit", "evidence past verification.evidence_max_mb",
         lambda i: ["--rules", str(rules_with(i.folder, "evidence_max_mb: 500 ", "evidence_max_mb: 1 ")),
                    *verify(i, "N07", sparse(i.folder, "验收报告.pdf", 2 * 1024 * 1024))],
         ("佐证材料", "大小上限 1 MB")),
    Case("verify_refused_not_claimed", "verify a task not claimed, with evidence",
         lambda i: verify(i, "P13", i.evidence), ("不是待核实状态",)),
    Case("verify_refused_already_verified", "verify twice: the second's evidence never archived",
         lambda i: verify(i, "B19", i.evidence), ("已核实销号",)),
    Case("verify_refused_duban_not_answered", "verify a 督办事项 not answered",
         lambda i: verify(i, "DB-2026Q3-002", i.evidence), ("尚未反馈",)),
    Case("reject_refused_without_reason", "reject without a reason, with evidence",
         lambda i: verify(i, "N07", i.evidence, "--reject"), ("理由",)),
    # ---- forms
    Case("form_fifo", "form FIFO", lambda i: ["ingest", str(fifo(i.folder, f"{QUARTER}_陈埭镇_进度填报.xlsx")),
                                             "--data-dir", str(i.data)], (SPECIAL,)),
    Case("form_dev_zero", "form /dev/zero", lambda i: ["ingest", str(zero(i.folder, f"{QUARTER}_陈埭镇_进度填报.xlsx")),
                                                      "--data-dir", str(i.data)], (SPECIAL,)),
    Case("form_refused_bad_cell", "a progress form with one bad cell",
         lambda i: ["ingest", str(i.bad_form), "--data-dir", str(i.data)], ("实际累计进度", "第 2 行", "不是数字")),
    Case("response_refused", "整改反馈 with an empty 整改情况",
         lambda i: ["ingest", str(i.bad_response), "--data-dir", str(i.data)], ("整改情况", "不能为空")),
]
