"""Encryption of store credentials at rest (Fernet: AES-128-CBC with HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken


class CredentialsCipher:
    def __init__(self, secret_key: str) -> None:
        # Any operator-chosen secret becomes a valid Fernet key through SHA-256.
        key = base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest())
        self._fernet = Fernet(key)

    def encrypt(self, credentials: Mapping[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(dict(credentials), sort_keys=True).encode()).decode()

    def decrypt(self, token: str) -> dict[str, str]:
        try:
            credentials: dict[str, str] = json.loads(self._fernet.decrypt(token.encode()))  # as encrypt wrote it
        except InvalidToken:
            raise RuntimeError("store credentials cannot be decrypted: ORDER_IMPORT_SECRET_KEY has changed") from None
        return credentials
