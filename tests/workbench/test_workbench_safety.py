"""The workbench is safe by default: nobody in without the token or the office's password, the office's network
only with a password, no code typed in a page runs, and what a unit typed shows as text."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import websocket
from playwright.sync_api import Page

from jj123lib.core.passwords import password_file
from jj123lib.intake.ingest import ingest_files
from tests.ledger_helpers import filled_progress
from tests.workbench.conftest import Served, free_port, serve_command, status_of
from tests.workbench.pages import click, open_workbench, tab, upload, wait_text

pytestmark = [pytest.mark.usefixtures("record_year_played"), pytest.mark.slow]  # the forms are dated October

PASSWORD = "督查室-2026-口令"
HOSTILE_REQUEST = '<img src=x onerror="window.jj123pwned=1">需协调<script>window.jj123pwned=2</script>'
HOSTILE_VALUE = '<b onmouseover="window.jj123pwned=3">80</b>'


def test_the_office_network_needs_a_password_first(tmp_path: Path, serve: Callable[..., Served],
                                                   page: Page) -> None:
    data = tmp_path / "data"
    port = free_port()
    refused = subprocess.run(serve_command("--data-dir", str(data), "--host", "0.0.0.0", "--port", str(port)),
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "须先设置登录密码：jj123 serve --set-password" in refused.stderr and "工作台未启动" in refused.stderr
    assert status_of_refused(port)

    short = subprocess.run(serve_command("--data-dir", str(data), "--set-password"), input="短\n",
                           capture_output=True, text=True, timeout=60)
    assert short.returncode == 2 and "密码至少 8 个字符" in short.stderr
    assert not password_file(data).exists()
    stored = subprocess.run(serve_command("--data-dir", str(data), "--set-password"), input=PASSWORD + "\n",
                            capture_output=True, text=True, timeout=60)
    assert stored.returncode == 0, stored.stderr
    line = password_file(data).read_text(encoding="utf-8")
    assert line.startswith("scrypt$") and PASSWORD not in line
    assert password_file(data).stat().st_mode & 0o077 == 0

    # Beyond 127.0.0.1 (here 127.0.0.2, still this machine) it starts; a colleague logs in with the password.
    served = serve(data, "--host", "127.0.0.2")
    assert served.base.startswith("http://127.0.0.2:")
    page.goto(served.base + "/")
    page.get_by_label("登录密码（或启动时给出的令牌）：").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("密码或令牌不正确，请重新输入。").wait_for()
    assert page.get_by_label("您的姓名：").count() == 0
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.get_by_label("您的姓名：").wait_for()


def status_of_refused(port: int) -> bool:
    """Nothing listens on ``port``."""
    try:
        status_of(f"http://127.0.0.1:{port}/")
    except OSError:
        return True
    return False


def test_no_token_no_workbench_and_no_code_runs(serve: Callable[..., Served], page: Page, tmp_path: Path) -> None:
    served = serve()
    assert status_of(served.base + "/") == 302  # to the login page
    assert status_of(served.base + "/?token=wrong") == 302
    page.goto(served.base + "/")
    assert "/login" in page.url and page.get_by_label("您的姓名：").count() == 0

    open_workbench(page, served.url)
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page.content())
    assert kernel is not None
    assert status_of(f"{served.base}/api/kernels/{kernel.group(1)}") == 403  # without the token
    marker = tmp_path / "ran.txt"
    channel = websocket.create_connection(
        f"ws://127.0.0.1:{served.base.rsplit(':', 1)[1]}/api/kernels/{kernel.group(1)}/channels?token={served.token}")
    try:
        for kind, content in (("execute_request", {"code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
                                                   "store_history": False, "user_expressions": {},
                                                   "allow_stdin": False, "stop_on_error": True}),
                              ("kernel_info_request", {})):
            channel.send(json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "t",
                                                "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                                     "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}))
        channel.settimeout(30)
        replies = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "kernel_info_reply" not in replies:
            replies.append(json.loads(channel.recv())["header"]["msg_type"])
    finally:
        channel.close()
    assert "kernel_info_reply" in replies  # widget-side traffic still reaches the kernel
    assert "execute_reply" not in replies and not marker.exists()  # typed code never does


def test_what_a_unit_typed_shows_as_text(serve: Callable[..., Served], page: Page, tmp_path: Path) -> None:
    data = tmp_path / "data"
    forms = tmp_path / "forms"
    hostile = filled_progress(forms, "公安局", changes={"N07": {"需协调事项": HOSTILE_REQUEST}})
    assert all(r.ok for r in ingest_files([hostile], data))
    bad = filled_progress(forms / "bad", "住建局", changes={"N05": {"实际累计进度(%)": HOSTILE_VALUE}})
    served = serve(data)
    open_workbench(page, served.url)

    tab(page, "协调事项")
    click(page, "刷新登记簿")
    assert wait_text(page, HOSTILE_REQUEST).inner_text() == HOSTILE_REQUEST
    tab(page, "收文")
    upload(page, page, [bad])
    wait_text(page, "(1)")
    click(page, "导入")
    wait_text(page, "退回 1 个")
    # Messages quote a short excerpt of a value: what is quoted shows as the text it is.
    assert HOSTILE_VALUE[:28] in page.locator("tr", has_text="2026Q3_住建局_进度填报.xlsx").inner_text()
    assert page.evaluate("window.jj123pwned") is None
    assert page.locator(".jj-workbench img, .jj-workbench script, .jj-workbench b[onmouseover]").count() == 0
