"""`make lab` starts JupyterLab as root, without the news popup, with the notebooks trusted."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost only
        return str(response.read().decode("utf-8"))


def test_make_lab_starts_as_root_without_news_and_trusts_notebooks(tmp_path: Path) -> None:
    port, token = _free_port(), "jj123-test-token"
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    args = f"--no-browser --ip 127.0.0.1 --port {port} --IdentityProvider.token={token} --ServerApp.open_browser=False"
    # -o: the venv counts as installed (the shared venv is not this worktree's .venv).
    command = ["make", "-s", "-o", str(VENV / ".installed"), "lab", f"VENV={VENV}", f"LAB_ARGS={args}"]
    log_path = tmp_path / "lab.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status = json.loads(_get(f"http://127.0.0.1:{port}/api/status?token={token}"))
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, log_path.read_text(encoding="utf-8", errors="replace")
        assert os.geteuid() != 0 or status["started"]  # as root: started, not "Running as root is not recommended"
        page = _get(f"http://127.0.0.1:{port}/lab?token={token}")
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))  # type: ignore[union-attr]
        assert config["news"] == {"disabled": True}  # no "get notified about official Jupyter news?" popup
        assert Path(config["serverRoot"]).resolve() == (ROOT / "notebooks").resolve()
        assert json.loads(_get(f"http://127.0.0.1:{port}/lab/api/news?token={token}"))["news"] == []
        assert json.loads(_get(f"http://127.0.0.1:{port}/lab/api/update?token={token}"))["notification"] is None
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    notary = NotebookNotary(data_dir=str(tmp_path / "data"))  # type: ignore[no-untyped-call]  # nbformat has no type hints
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        assert notary.check_signature(nbformat.read(path, as_version=4)), path.name  # type: ignore[no-untyped-call]  # nbformat has no type hints


def test_allow_root_only_for_root() -> None:
    dry = subprocess.run(["make", "-n", "-o", str(VENV / ".installed"), "lab", f"VENV={VENV}"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert ("--allow-root" in dry) == (os.geteuid() == 0)
    assert "jupyter trust notebooks/*.ipynb" in dry
