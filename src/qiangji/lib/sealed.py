"""Secrets that the platform must use again (webhook keys), sealed at rest under SECRET_KEY.

A token hash (like `ApiToken`) cannot be used to call a webhook, so such secrets are stored
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY, and shown
only by their last characters. A backup therefore needs its secret key (`qiangji backup`
keeps it), and rotating SECRET_KEY means entering the webhooks again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SealError(ValueError):
    """A sealed value cannot be opened (another SECRET_KEY, or damaged)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"qiangji-sealed:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    """Return value encrypted for storage ("" stays "")."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    """Return the value sealed in token, or raise SealError."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SealError("the sealed value cannot be opened with this SECRET_KEY") from None


def hint(value: str, *, keep: int = 4) -> str:
    """Return "…" and the last characters of a secret, to recognise it without showing it."""
    return f"…{value[-keep:]}" if value else ""
