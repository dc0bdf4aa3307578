"""Who may open the workbench: the token ``jj123 serve`` prints, or the office's password (scrypt, data folder).

Voilà loads these classes by name (``jj123 serve`` passes them as options); they run in Voilà's server.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider
from markupsafe import Markup
from tornado.escape import url_escape
from voila.voila_identity_provider import VoilaLoginHandler

from jj123lib.core.datadir import resolve_data_dir
from jj123lib.core.passwords import password_matches, read_password_hash

__all__ = ["WorkbenchIdentityProvider", "WorkbenchLoginHandler"]


_LOGIN_PAGE = Markup("""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>督查工作台 · 登录</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:4em auto;max-width:28em}}
input{{font-size:1em;padding:.3em;width:16em}}button{{font-size:1em;padding:.3em 1.2em}}.error{{color:#b71c1c}}</style>
</head><body><h2>晋江市“123”工作督查工作台</h2>{message}
<form action="{action}" method="post">{xsrf}<p><label for="password_input">登录密码（或启动时给出的令牌）：</label></p>
<p><input type="password" name="password" id="password_input" autofocus> <button type="submit">登录</button></p>
</form><p>密码由督查室在服务器上用 <code>jj123 serve --set-password</code> 设置；忘记时请重新设置。</p>
</body></html>""")


class WorkbenchLoginHandler(VoilaLoginHandler):  # type: ignore[misc]  # voila ships no type information
    """The login page in Chinese (Voilà's is Jupyter's, in English)."""

    def _render(self, message: dict[str, str] | None = None) -> None:
        shown = Markup('<p class="error">密码或令牌不正确，请重新输入。</p>') if message else Markup("")
        action = f"{self.base_url}login?next={url_escape(self.get_argument('next', default=self.base_url))}"
        self.write(_LOGIN_PAGE.format(message=shown, action=action, xsrf=Markup(self.xsrf_form_html())))


class WorkbenchIdentityProvider(PasswordIdentityProvider):
    """Token or the stored password; the password cannot be changed from the browser."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("hashed_password", read_password_hash(resolve_data_dir(os.environ.get("JJ123_DATA_DIR"))))
        kwargs.setdefault("allow_password_change", False)
        kwargs["login_handler_class"] = WorkbenchLoginHandler
        super().__init__(**kwargs)

    def passwd_check(self, password: str) -> bool:
        return bool(self.hashed_password) and bool(password) and password_matches(self.hashed_password, password)

