"""督查室意见 files: the format, its checks (Chinese errors naming file and key), and the per-leader fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jj123lib.domain.tasks import load_tasks
from jj123lib.loop.opinions import (
    LeaderOpinion,
    OpinionsError,
    leader_opinion,
    load_opinions,
    opinions_fingerprint,
    opinions_path,
    read_opinions,
)
from tests.hostile import HOSTILE

TASKS = load_tasks()
CHEN_TASKS = list(TASKS.loc[TASKS["leader"] == "陈丽蓉", "task_id"])
OTHER_TASK = str(TASKS.loc[TASKS["leader"] == "吴尊意", "task_id"].iloc[0])


def _write(folder: Path, text: str, quarter: str = "2026Q3") -> Path:
    path = opinions_path(folder, quarter)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_no_opinions(tmp_path: Path) -> None:
    assert load_opinions(tmp_path, "2026Q3") == {}
    assert leader_opinion(tmp_path, "2026Q3", "陈丽蓉") is None
    assert opinions_path(tmp_path, "2026q3") == tmp_path / "opinions" / "2026Q3.yaml"


def test_format_overall_tasks_and_shorthand(tmp_path: Path) -> None:
    _write(tmp_path, f"陈丽蓉:\n  总体: |\n    第一行\n    第二行\n  任务:\n    {CHEN_TASKS[0].lower()}: 任务意见\n"
                     "吴尊意: 只有总体意见\n陈进福:\n")
    got = load_opinions(tmp_path, "2026Q3")
    assert got["陈丽蓉"] == LeaderOpinion("陈丽蓉", "第一行\n第二行", {CHEN_TASKS[0]: "任务意见"})
    assert got["吴尊意"] == LeaderOpinion("吴尊意", "只有总体意见", {})
    assert "陈进福" not in got  # an empty entry is no opinion


@pytest.mark.parametrize(("text", "key", "words"), [
    ("张三: 意见\n", "张三", "不是任务表中的牵头市领导"),
    ("陈丽蓉:\n  任务:\n    N99: 意见\n", "陈丽蓉 → 任务 → N99", "任务编号不在任务表中"),
    (f"陈丽蓉:\n  任务:\n    {OTHER_TASK}: 意见\n", f"陈丽蓉 → 任务 → {OTHER_TASK}", "不是陈丽蓉牵头的任务"),
    ("陈丽蓉:\n  意见: 文字\n", "陈丽蓉 → 意见", "未知的键"),
    ("陈丽蓉:\n  总体: 12\n", "陈丽蓉 → 总体", "应为文字"),
    ("陈丽蓉:\n  任务: 文字\n", "陈丽蓉 → 任务", "任务编号: 意见"),
    ("陈丽蓉: 一\n陈丽蓉: 二\n", "", "重复"),
    ("陈丽蓉: [一\n", "", "不是有效的 YAML"),
    ("- 陈丽蓉\n", "", "键值对"),
])
def test_invalid_files_are_refused_naming_file_and_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(OpinionsError) as info:
        load_opinions(tmp_path, "2026Q3")
    message = str(info.value)
    assert message.startswith("督查室意见文件无效：") and str(path) in message and words in message
    assert info.value.key == key and (not key or f"“{key}”" in message)


def test_hostile_text_is_kept_verbatim(tmp_path: Path) -> None:
    texts = {task_id: typed for task_id, (typed, _) in zip(CHEN_TASKS, HOSTILE[4:])}
    overall = "\n".join(typed for typed, _ in HOSTILE[:4] + HOSTILE[-1:])
    _write(tmp_path, yaml.safe_dump({"陈丽蓉": {"总体": overall, "任务": texts}}, allow_unicode=True))
    opinion = leader_opinion(tmp_path, "2026Q3", "陈丽蓉")
    assert opinion is not None and opinion.overall == overall and opinion.tasks == texts


def test_fingerprint_concerns_only_the_leader(tmp_path: Path) -> None:
    def print_of(leader: str | None = "陈丽蓉", quarter: str = "2026Q3") -> bytes:
        return opinions_fingerprint(tmp_path, quarter, leader)

    assert print_of() == print_of(None) == b""  # no file: nothing
    _write(tmp_path, "吴尊意: 意见\n")
    assert print_of() == b"" and print_of("吴尊意") != b"" and print_of(None) == print_of("吴尊意")
    _write(tmp_path, "吴尊意: 意见\n陈丽蓉: 她的意见\n")
    hers = print_of()
    assert "她的意见".encode() in hers and "吴尊意".encode() not in hers
    _write(tmp_path, "陈丽蓉: 她的意见\n吴尊意: 改过的意见\n# 注释\n")  # his text, order and comments change
    assert print_of() == hers and print_of(None) != hers
    assert print_of(quarter="2026Q4") == b""  # another quarter's file
    _write(tmp_path, "陈丽蓉: [坏\n")
    broken = print_of()
    assert broken.startswith(b"invalid\0") and broken == print_of("吴尊意")  # the whole file counts
    _write(tmp_path, "陈丽蓉: [更坏\n")
    assert print_of() != broken


def test_a_fault_in_one_leaders_entry_stays_with_that_leader(tmp_path: Path) -> None:
    """A misspelt leader goes to the leader it resembles; a bad task key to its own leader; the rest is read."""
    _write(tmp_path, f"陈丽荣: 写错了名字\n吴尊意: 他的意见\n王也夫:\n  任务:\n    {OTHER_TASK}: 别人的任务\n")
    read = read_opinions(tmp_path, "2026Q3")
    assert set(read.opinions) == {"吴尊意"} and read.opinions["吴尊意"].overall == "他的意见"
    hers, his = read.fault("陈丽蓉"), read.fault("王也夫")
    assert hers is not None and hers.key == "陈丽荣" and "是否应为“陈丽蓉”" in str(hers)
    assert his is not None and "不是王也夫牵头的任务" in str(his)
    assert read.fault("吴尊意") is None and read.file_fault is None
    assert leader_opinion(tmp_path, "2026Q3", "吴尊意") == LeaderOpinion("吴尊意", "他的意见", {})
    with pytest.raises(OpinionsError, match="陈丽荣"):
        leader_opinion(tmp_path, "2026Q3", "陈丽蓉")
    with pytest.raises(OpinionsError):  # the whole file, read strictly, still names its first error
        load_opinions(tmp_path, "2026Q3")
    assert opinions_fingerprint(tmp_path, "2026Q3", "吴尊意") == read.opinions["吴尊意"].as_json().encode()
    assert opinions_fingerprint(tmp_path, "2026Q3", "陈丽蓉").startswith(b"invalid\0")


def test_an_unreadable_file_or_a_key_like_no_leader_concerns_every_leader(tmp_path: Path) -> None:
    _write(tmp_path, "张三: 意见\n吴尊意: 他的意见\n")
    read = read_opinions(tmp_path, "2026Q3")
    assert read.file_fault is not None and read.fault("吴尊意") is read.file_fault and "张三" in str(read.file_fault)
    _write(tmp_path, "陈丽蓉: [坏\n")
    assert read_opinions(tmp_path, "2026Q3").fault("吴尊意") is not None
