"""``WC_REST_Authentication`` for one API key: Basic or query keys over HTTPS, OAuth 1.0a otherwise.

Over HTTPS (``tls``) the key pair is read from ``consumer_key``/``consumer_secret``
query parameters first, then from HTTP Basic; an unknown key is no error (the
request goes on anonymously), a known key with the wrong secret is. Then, on
every scheme, one-legged OAuth 1.0a is tried from the query string and an
``Authorization: OAuth`` header: all five ``oauth_*`` parameters or none,
HMAC-SHA1 or HMAC-SHA256 over ``METHOD&url&params`` keyed with
``consumer_secret&``, a timestamp within 15 minutes, and a nonce not seen
among the key's recent ones (kept per timestamp, as WooCommerce does).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, unquote_plus

from .errors import WPError
from .php import QueryValue, rawurlencode

__all__ = ["ApiKey", "AuthRequest", "Authenticator"]

_WINDOW = 15 * 60
_OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')
_HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}


@dataclass(frozen=True, slots=True)
class ApiKey:
    consumer_key: str
    consumer_secret: str


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """What authentication reads: the method, ``scheme://host/path`` as requested, ``$_GET`` and the header."""

    method: str
    url: str
    query: dict[str, QueryValue]
    authorization: str


def _auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> WPError:
    return WPError(401, code, message)


def _text(value: QueryValue | None) -> str:
    """The value as PHP's ``empty()`` sees a scalar: ``""`` and ``"0"`` count as missing."""
    return value if isinstance(value, str) and value not in ("", "0") else ""


class Authenticator:
    """Decides who a request is: the key's user (``True``), anonymous (``False``), or a refusal (``WPError``)."""

    def __init__(self, key: ApiKey, *, tls: bool, now: Callable[[], datetime]) -> None:
        self.key, self.tls, self.now = key, tls, now
        self._nonces: dict[str, str] = {}

    def authenticate(self, request: AuthRequest) -> bool:
        user, error = self._basic(request) if self.tls else (False, None)
        if not user:
            user, oauth_error = self._oauth(request)
            error = oauth_error or error
        if error is not None:
            raise error
        return user

    def _basic(self, request: AuthRequest) -> tuple[bool, WPError | None]:
        key, secret = _text(request.query.get("consumer_key")), _text(request.query.get("consumer_secret"))
        if not (key and secret) and request.authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(request.authorization[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            key, _, secret = decoded.partition(":")
        if not key or not secret or key != self.key.consumer_key:
            return False, None
        if not hmac.compare_digest(secret.encode(), self.key.consumer_secret.encode()):
            return False, _auth_error("Consumer secret is invalid.")
        return True, None

    def _oauth(self, request: AuthRequest) -> tuple[bool, WPError | None]:
        params = dict(request.query)
        header = request.authorization.strip()
        if header.startswith("OAuth "):
            params.update({m[1]: unquote_plus(m[3] or m[4]) for m in _HEADER_PARAM.finditer(header)})
        missing = [name for name in _OAUTH_PARAMS if not _text(params.get(name))]
        if len(missing) == len(_OAUTH_PARAMS):
            return False, None
        if missing:
            noun = "parameters" if len(missing) > 1 else "parameter"
            message = f"Missing OAuth {noun} {', '.join(missing)}"
            return False, _auth_error(message, "woocommerce_rest_authentication_missing_parameter")
        if params["oauth_consumer_key"] != self.key.consumer_key:
            return False, _auth_error("Consumer key is invalid.")
        error = self._check_signature(request, params) or self._check_timestamp_and_nonce(params)
        return error is None, error

    def _check_signature(self, request: AuthRequest, params: dict[str, QueryValue]) -> WPError | None:
        given = unquote(str(params.pop("oauth_signature")).replace(" ", "+"))
        pieces: list[str] = []
        for name in sorted(params, key=str.encode):
            value = params[name]
            if isinstance(value, list):
                pieces += [
                    rawurlencode(f"{rawurlencode(name)}%5B{i}%5D={rawurlencode(v)}") for i, v in enumerate(value)
                ]
            else:
                pieces.append(rawurlencode(f"{rawurlencode(name)}={rawurlencode(value)}"))
        base = f"{request.method.upper()}&{rawurlencode(request.url)}&{'%26'.join(pieces)}"
        digest = _HASHES.get(str(params["oauth_signature_method"]))
        if digest is None:
            return _auth_error("Invalid signature - signature method is invalid.")
        expected = base64.b64encode(hmac.new(f"{self.key.consumer_secret}&".encode(), base.encode(), digest).digest())
        if not hmac.compare_digest(expected, given.encode()):
            return _auth_error("Invalid signature - provided signature does not match.")
        return None

    def _check_timestamp_and_nonce(self, params: dict[str, QueryValue]) -> WPError | None:
        now = self.now().timestamp()
        stamp, nonce = str(params["oauth_timestamp"]), str(params["oauth_nonce"])
        try:
            seconds = float(stamp)
        except ValueError:
            seconds = float("nan")
        if not now - _WINDOW <= seconds <= now + _WINDOW:
            return _auth_error("Invalid timestamp.")
        if nonce in self._nonces.values():
            return _auth_error("Invalid nonce - nonce has already been used.")
        self._nonces[stamp] = nonce
        self._nonces = {t: n for t, n in self._nonces.items() if float(t) >= now - _WINDOW}
        return None
