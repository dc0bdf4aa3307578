"""The workbench's action runner and password store, without a browser: who acts, what a failure shows, the
wait for another clerk's write, and a password kept only as a salted hash."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from jj123lib.core.atomic import folder_lock
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.passwords import hash_password, password_matches, read_password_hash, store_password
from jj123lib.workbench.common import Session, frame_html


def _session(tmp_path: Path, clerk: str = "林晓梅") -> Session:
    folder = tmp_path / "data"
    folder.mkdir()
    return Session(folder, clerk=clerk, quarter="2026Q3")


def test_a_write_needs_the_clerks_name(tmp_path: Path) -> None:
    status, ran = widgets.HTML(), []
    assert _session(tmp_path, clerk=" ").run(status, "下发督办", lambda: ran.append(1)) is None
    assert not ran and "请先在页面顶部填写您的姓名" in status.value


def test_a_failure_shows_its_chinese_message_escaped(tmp_path: Path) -> None:
    status = widgets.HTML()

    def fail() -> None:
        raise LedgerError("<b>N07</b> 没有可撤销的核实记录")

    assert _session(tmp_path).run(status, "撤销核实", fail) is None
    assert "撤销核实未完成：台账操作失败：&lt;b&gt;N07&lt;/b&gt; 没有可撤销的核实记录" in status.value


def test_a_bug_shows_an_incident_id_and_is_logged(tmp_path: Path) -> None:
    status = widgets.HTML()
    session = _session(tmp_path)

    def bug() -> None:
        raise KeyError("pending")

    assert session.run(status, "生成报告", bug) is None
    assert "程序内部出错（事件编号 J-" in status.value
    assert "KeyError" in (session.data_dir / "logs" / "jj123.log").read_text(encoding="utf-8")


def test_the_page_says_when_it_waits_for_another_clerks_write(tmp_path: Path) -> None:
    status = widgets.HTML()
    session = _session(tmp_path)
    with folder_lock(session.data_dir):  # another clerk's write holds the ledger
        shown = session.run(status, "下发督办", lambda: status.value)
    assert shown is not None and "其他同事正在写入台账，等其完成后即下发督办" in shown
    assert "正在下发督办" in str(session.run(status, "下发督办", lambda: status.value))


def test_tables_escape_unit_text_and_colour_the_lights() -> None:
    html = frame_html(pd.DataFrame({"单位": ["<script>x</script>"], "灯号": ["红灯"]}), light_columns=("灯号",))
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<span class="light light-red">红灯</span>' in html


def test_the_password_is_kept_as_a_salted_hash(tmp_path: Path) -> None:
    assert read_password_hash(tmp_path) == ""
    store_password(tmp_path, "督查室-2026-口令")
    stored = read_password_hash(tmp_path)
    assert "督查室" not in stored and password_matches(stored, "督查室-2026-口令")
    assert not password_matches(stored, "督查室-2026-口令 ") and not password_matches("scrypt$broken", "x")
    assert hash_password("same") != hash_password("same")  # salted
