"""Who may open the workbench: the token ``jj123 serve`` prints, or the office's password (scrypt, data folder).

Voilà loads these classes by name (``jj123 serve`` passes them as options); they run in Voilà's server.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider

from jj123lib.core.datadir import resolve_data_dir
from jj123lib.core.passwords import password_matches, read_password_hash

__all__ = ["WorkbenchIdentityProvider"]


class WorkbenchIdentityProvider(PasswordIdentityProvider):
    """Token or the stored password; the password cannot be changed from the browser."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("hashed_password", read_password_hash(resolve_data_dir(os.environ.get("JJ123_DATA_DIR"))))
        kwargs.setdefault("allow_password_change", False)
        super().__init__(**kwargs)

    def passwd_check(self, password: str) -> bool:
        return bool(self.hashed_password) and bool(password) and password_matches(self.hashed_password, password)

