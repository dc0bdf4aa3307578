"""``jj123 serve``: the office's workbench (``notebooks/workbench.ipynb``) served by Voilà.

It binds to 127.0.0.1 unless ``--host`` opens it to the office's network, which needs the password set with
``jj123 serve --set-password`` (a salted scrypt hash in the data folder). Every visit needs the printed token
or that password. Voilà passes the page's kernel widget messages only (never an ``execute_request``), so no
page runs code a user types; ``tests/workbench`` holds it to that.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import socket
import sys
from pathlib import Path

from jj123lib.cli.argparse_zh import integer
from jj123lib.cli.common import add_data_dir
from jj123lib.core.exceptions import Jj123Error, ParameterError

__all__ = ["LOCAL_HOSTS", "ServeRefused", "add_serve", "cmd_serve", "voila_command"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
IDENTITY = "jj123lib.workbench.auth.WorkbenchIdentityProvider"


class ServeRefused(Jj123Error):
    """The workbench is not started: the reason, in Chinese."""


def voila_command(notebook: Path, host: str, port: int) -> list[str]:
    """Voilà's command line; the token comes from ``$JUPYTER_TOKEN``, never the process list."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            "--Voila.auto_token=True", f"--Voila.identity_provider_class={IDENTITY}", "--template=jj123",
            "--theme=light", "--show_tracebacks=False", "--Voila.port_retries=0"]


def _set_password(data_dir: Path) -> int:
    from jj123lib.core.passwords import MIN_PASSWORD_CHARS, store_password

    if sys.stdin.isatty():
        first = getpass.getpass("请设置工作台登录密码：")
        if getpass.getpass("请再输入一次：") != first:
            raise ServeRefused("两次输入的密码不一致，密码未改变。")
    else:  # a script pipes it in: one line
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < MIN_PASSWORD_CHARS:
        raise ServeRefused(f"密码至少 {MIN_PASSWORD_CHARS} 个字符，密码未改变。")
    path = store_password(data_dir, first)
    sys.stdout.write(f"已设置工作台登录密码（只保存加盐散列：{path}）。\n")
    return 0


def _environment(data_dir: Path, token: str, args: argparse.Namespace) -> dict[str, str]:
    from jj123lib.core.resources import PACKAGE_DIR, TEMPLATE_DIR

    env = dict(os.environ)
    source = str(PACKAGE_DIR.parent)  # the kernel imports this jj123lib, wherever it was started from
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_DIR), env.get("JUPYTER_PATH", "")) if p)
    env["JUPYTER_TOKEN"] = token
    env["JJ123_DATA_DIR"] = str(data_dir)
    env["JJ123_WORKDIR"] = os.getcwd()
    env["JJ123_RULES"] = args.rules
    env["JJ123_UNITS"] = args.units
    return env


def cmd_serve(args: argparse.Namespace) -> int:
    from jj123lib.core.datadir import is_data_dir, writable_data_dir
    from jj123lib.core.passwords import read_password_hash
    from jj123lib.core.resources import NOTEBOOK_DIR
    from jj123lib.ledger.store import Ledger

    data_dir = writable_data_dir(args.data_dir)
    if not is_data_dir(data_dir):  # a new folder becomes a data folder (an empty ledger), the password's home
        with Ledger(data_dir).transaction():
            pass
    if args.set_password:
        return _set_password(data_dir)
    host = args.host or "127.0.0.1"
    if host not in LOCAL_HOSTS and not read_password_hash(data_dir):
        raise ServeRefused(f"对办公网开放工作台（--host {host}）须先设置登录密码：jj123 serve --set-password"
                           f"{'' if args.data_dir is None else ' --data-dir ' + args.data_dir}。工作台未启动。")
    if not 0 < args.port < 65536:
        raise ParameterError("--port", args.port, hint="端口应在 1–65535 之间，如 8866")
    token = secrets.token_urlsafe(24)
    shown = socket.gethostname() if host in ("0.0.0.0", "::") else host
    sys.stdout.write(f"督查工作台已启动（数据文件夹 {data_dir}）。请在浏览器中打开：\n"
                     f"  http://{shown}:{args.port}/?token={token}\n"
                     f"{'同事可用登录密码登录。' if host not in LOCAL_HOSTS else '仅本机可访问。'}按 Ctrl+C 停止。\n")
    sys.stdout.flush()
    command = voila_command(NOTEBOOK_DIR / "workbench.ipynb", host, args.port)
    os.execve(command[0], command, _environment(data_dir, token, args))  # Voilà takes over this process


def add_serve(serve: argparse.ArgumentParser) -> None:
    serve.description = ("启动督查工作台（网页版）：分发、收文、报送情况与催报、督办、核实销号、协调事项、报告与封账、"
                         "年度考评。默认只允许本机访问；--host 对办公网开放，须先用 --set-password 设置登录密码。")
    add_data_dir(serve)
    serve.add_argument("--port", type=integer, default=8866, help="端口（默认：8866）")
    serve.add_argument("--host", help="监听地址，如 0.0.0.0（对办公网开放，须已设置登录密码；默认：127.0.0.1）")
    serve.add_argument("--set-password", action="store_true", help="设置工作台登录密码（只保存加盐散列）后退出")
    serve.set_defaults(handler=cmd_serve)
