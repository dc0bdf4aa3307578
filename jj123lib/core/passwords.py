"""The workbench's login password: a salted scrypt hash in ``<data_dir>/workbench/password``, never the password.

``jj123 serve --set-password`` writes it (:func:`store_password`); the workbench's login checks a typed password
against it (:func:`password_matches`). The stored line is ``scrypt$N$r$p$<salt hex>$<hash hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from jj123lib.core.atomic import atomic_write
from jj123lib.core.files import read_bounded

__all__ = ["MIN_PASSWORD_CHARS", "hash_password", "password_file", "password_matches", "read_password_hash",
           "store_password"]

MIN_PASSWORD_CHARS = 8
_N, _R, _P = 2 ** 14, 8, 1  # scrypt's interactive-login cost (about 16 MB, a few tens of ms)
_MAX_STORED = 1024  # bytes read from the password file


def password_file(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / "workbench" / "password"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from; a malformed ``stored`` matches nothing."""
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            return False
        typed = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(bytes.fromhex(digest)))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(typed.hex(), digest)


def store_password(data_dir: str | os.PathLike[str], password: str) -> Path:
    """Write the hash of ``password`` (readable by the owner only); the previous one is replaced."""
    path = atomic_write(password_file(data_dir), hash_password(password) + "\n")
    path.chmod(0o600)
    return path


def read_password_hash(data_dir: str | os.PathLike[str]) -> str:
    """The stored hash, or ``""`` when no password is set."""
    path = password_file(data_dir)
    if not os.path.lexists(path):
        return ""
    return read_bounded(path, _MAX_STORED, "登录密码文件").decode("utf-8").strip()  # a FIFO never blocks
