"""协调事项 register: items from submissions, repeats recognised, closing with a reference, age."""

from __future__ import annotations

from pathlib import Path

import pytest

from jj123lib.core.exceptions import LedgerError
from jj123lib.domain.rules import load_rules
from jj123lib.ledger.store import Ledger
from jj123lib.loop.coordination import close, register, similarity, sync
from tests.ledger_helpers import record_progress

LAND = "需自然资源局协调解决项目用地指标"


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "data")
    record_progress(ledger, "公安局", "2026Q1", {"N07": {"coordination": LAND}, "P13": {"coordination": "无"}})
    record_progress(ledger, "公安局", "2026Q2", {"N07": {"coordination": "需自然资源局协调解决项目用地指标问题。"},
                                                 "P13": {"coordination": "需财政局加快专项资金拨付"}})
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"coordination": "请市领导召开专题会研究编制问题"},
                                                 "P13": {"coordination": ""}})
    return ledger


def test_similarity_ignores_spacing_and_punctuation() -> None:
    assert similarity("需财政局 加快拨付。", "需财政局加快拨付") == 1.0
    assert similarity(LAND, "请市领导召开专题会研究编制问题") < 0.6


def test_repeat_is_the_same_item_and_new_text_a_new_one(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    created = sync(ledger, by="林督查")
    assert created == ["XT-2026Q1-001", "XT-2026Q2-001", "XT-2026Q3-001"]
    frame = register(ledger).set_index("id")
    land = frame.loc["XT-2026Q1-001"]
    assert land["task_id"] == "N07" and land["unit"] == "公安局" and land["leader"] == "陈清平"
    assert land["text"] == LAND and land["latest_text"].endswith("问题。")
    assert land["last_quarter"] == "2026Q2" and land["quarters_open"] == 3  # open Q1..Q3
    assert frame.loc["XT-2026Q2-001", "task_id"] == "P13"
    assert sync(ledger, by="林督查") == []  # idempotent
    assert len(register(ledger)) == 3


def test_threshold_comes_from_the_rules(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    rules = load_rules().to_dict()
    rules["coordination"] = {"same_item_min_ratio": 1.0}  # only identical text is the same item
    assert len(sync(ledger, by="林督查", rules=rules)) == 4


def test_close_needs_status_and_reference_and_stops_the_clock(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    sync(ledger, by="林督查")
    with pytest.raises(LedgerError, match="依据"):
        close("XT-2026Q1-001", "已解决", " ", "林督查", ledger)
    with pytest.raises(LedgerError, match="状态"):
        close("XT-2026Q1-001", "已办", "会议纪要〔2026〕12号", "林督查", ledger)
    close("xt-2026q1-001", "已解决", "会议纪要〔2026〕12号", "林督查", ledger)
    row = register(ledger).set_index("id").loc["XT-2026Q1-001"]
    assert row["status"] == "已解决" and row["ref"] == "会议纪要〔2026〕12号" and row["closed_by"] == "林督查"
    assert row["quarters_open"] == 2  # raised Q1, last asked Q2
    assert "XT-2026Q1-001" not in set(register(ledger, open_only=True)["id"])
    with pytest.raises(LedgerError, match="已于此前"):
        close("XT-2026Q1-001", "已协调", "另一纪要", "林督查", ledger)


def test_a_request_after_closure_opens_a_new_item(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    sync(ledger, by="林督查")
    close("XT-2026Q2-001", "已协调", "专题会议纪要〔2026〕7号", "林督查", ledger)
    record_progress(ledger, "公安局", "2026Q4", {"P13": {"coordination": "需财政局加快专项资金拨付"}})
    assert sync(ledger, by="林督查") == ["XT-2026Q4-001"]


def test_register_up_to_a_quarter(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    sync(ledger, by="林督查")
    q1 = register(ledger, quarter="2026Q1")
    assert q1["id"].tolist() == ["XT-2026Q1-001"] and q1["quarters_open"].tolist() == [1]


def test_hostile_request_text_is_kept_verbatim(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    hostile = "=cmd|' /C calc'!A0 <b>协调</b>"
    record_progress(ledger, "公安局", "2026Q3", {"N07": {"coordination": hostile}})
    sync(ledger, by="林督查")
    assert register(ledger)["text"].tolist() == [hostile]


def test_sync_up_to_a_quarter_takes_only_its_requests(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert sync(ledger, by="林督查", quarter="2026Q1") == ["XT-2026Q1-001"]
    assert sync(ledger, by="林督查", quarter="2026Q2") == ["XT-2026Q2-001"]  # the Q2 repeat joins XT-2026Q1-001
    assert register(ledger).set_index("id").loc["XT-2026Q1-001", "last_quarter"] == "2026Q2"
    assert sync(ledger, by="林督查") == ["XT-2026Q3-001"]
