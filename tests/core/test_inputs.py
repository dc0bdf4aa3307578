"""jj123lib.core.inputs: loaders declare what they read; recorders keep it; scopes narrow it to parts."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from jj123lib.core.inputs import (
    LEDGER,
    is_recording,
    note_input,
    note_rows,
    record_view,
    recording_inputs,
)
from jj123lib.domain.rules import load_rules
from jj123lib.domain.tasks import load_tasks
from jj123lib.domain.units import load_units, units_path
from jj123lib.ledger.memo import Memo


def test_nothing_is_kept_outside_a_recorder() -> None:
    note_input("rules", "/x.yaml", "aaa")  # no recorder: a no-op, and no error
    assert not is_recording()
    with recording_inputs() as outer:
        assert is_recording()
        with recording_inputs() as inner:
            note_input("units", "/u.yaml", "bbb")
        note_input("rules", "/x.yaml", "ccc")
    assert set(inner.inputs) == {("units", "/u.yaml", "")}
    assert set(outer.inputs) == {("units", "/u.yaml", ""), ("rules", "/x.yaml", "")}  # the outer one sees both
    assert not is_recording()


def test_the_fingerprint_follows_every_input_and_a_later_read_of_the_same_key_wins() -> None:
    with recording_inputs() as first:
        note_input("rules", "/x.yaml", "aaa")
    with recording_inputs() as second:
        note_input("rules", "/x.yaml", "old")
        note_input("rules", "/x.yaml", "aaa")
    with recording_inputs() as third:
        note_input("rules", "/x.yaml", "aaa")
        note_input("units", "/u.yaml", "bbb")
    assert first.fingerprint() == second.fingerprint() != third.fingerprint()


def test_ledger_rows_have_parts_by_task_and_a_scope_counts_only_its_own() -> None:
    columns = ["task_id", "unit", "problems"]

    def read(rows: list[tuple[object, ...]]) -> tuple[str, str, str]:
        with recording_inputs() as recorder:
            note_rows("SELECT s.task_id, s.unit, s.problems FROM submissions s JOIN files f ON f.sha256 = s.x",
                      ("2026Q3",), columns, rows)
        [item] = recorder.inputs.values()
        assert (item.kind, item.name) == (LEDGER, "files+submissions")
        return recorder.fingerprint(), recorder.fingerprint(["N04"]), recorder.fingerprint(["B02"])

    before = read([("N04", "教育局", "缺资金"), ("B02", "住建局", "")])
    after = read([("N04", "教育局", "缺资金"), ("B02", "住建局", "用地未落实")])
    assert before[0] != after[0]  # the whole read changed
    assert before[1] == after[1]  # N04's rows did not
    assert before[2] != after[2]  # B02's did
    gone = read([("N04", "教育局", "缺资金")])
    assert gone[2] != before[2]  # B02's rows removed is a change of B02's part


def test_a_read_without_a_scope_column_counts_whole_in_every_scope() -> None:
    def read(value: str) -> str:
        with recording_inputs() as recorder:
            note_rows("SELECT MAX(report_date) AS latest FROM submissions", (), ["latest"], [(value,)])
        return recorder.fingerprint(["N04"])

    assert read("2026-10-09") != read("2026-10-10")


def test_the_loaders_declare_the_files_they_read(tmp_path: Path) -> None:
    with recording_inputs() as recorder:
        rules = load_rules()
        load_tasks()
        load_units()
    assert {kind for kind, _, _ in recorder.inputs} == {"rules", "tasks", "units"}
    assert recorder.inputs[("rules", str(rules.path), "")].digest == rules.sha
    units = tmp_path / "units.yaml"
    units.write_bytes(units_path().read_bytes().replace("商务局:\n    group: 市直部门".encode(),
                                                         "商务局:\n    group: 国有企业".encode()))
    with recording_inputs() as moved:
        load_units(units)
    assert moved.inputs[("units", str(units), "")].digest != recorder.inputs[("units", str(units_path()), "")].digest


def test_record_view_takes_the_lazy_parts_and_keeps_a_failure() -> None:
    class View:
        @cached_property
        def lazy(self) -> int:
            note_input("ledger", "recognitions", "r1")
            return 1

    recorder, failure = record_view(View)
    assert failure == "" and ("ledger", "recognitions", "") in recorder.inputs

    def broken() -> object:
        note_input("opinions", "/o.yaml", "bad")
        raise ValueError("督查室意见文件无效")

    recorder, failure = record_view(broken)
    assert failure == "ValueError: 督查室意见文件无效"
    assert ("opinions", "/o.yaml", "") in recorder.inputs  # what was read before the failure counts


def test_a_memo_hit_declares_again_what_its_value_was_built_from() -> None:
    memo: Memo[str] = Memo()
    built: list[str] = []

    def build() -> str:
        built.append("x")
        note_input("units", "/u.yaml", "bbb")
        return "value"

    with recording_inputs() as first:
        assert memo.get("k", build) == "value"
    with recording_inputs() as second:
        assert memo.get("k", build) == "value"
    assert built == ["x"] and first.fingerprint() == second.fingerprint()
    assert ("units", "/u.yaml", "") in second.inputs


def test_a_memo_value_built_unrecorded_is_built_again_for_a_recording_caller() -> None:
    memo: Memo[str] = Memo()
    built: list[str] = []

    def build() -> str:
        built.append("x")
        note_input("units", "/u.yaml", "bbb")
        return "value"

    assert memo.get("k", build) == "value"  # a kernel rendering: nothing records, nothing is digested
    assert memo.get("k", build) == "value"
    assert built == ["x"]
    with recording_inputs() as recorder:
        memo.get("k", build)
    assert built == ["x", "x"] and ("units", "/u.yaml", "") in recorder.inputs
    with recording_inputs() as again:
        memo.get("k", build)
    assert built == ["x", "x"] and again.fingerprint() == recorder.fingerprint()
