"""How a request to a WooCommerce store authenticates, as the official Python client does it.

- HTTPS: HTTP Basic with the consumer key as user and the consumer secret as
  password, or, for hosts that strip the ``Authorization`` header, the two as
  ``consumer_key``/``consumer_secret`` query parameters.
- Plain HTTP: OAuth 1.0a "one-legged": ``oauth_*`` query parameters signed
  with HMAC-SHA1 and the key ``consumer_secret + "&"`` (no token).

The signature is checked by ``WC_REST_Authentication::check_oauth_signature``:
the base string is ``METHOD&enc(url)&enc(k1=v1&k2=v2...)`` where ``url`` is
the request URL without its query, the parameters are every query parameter
(as PHP decoded them) plus the ``oauth_*`` ones except the signature, sorted
by key with ``strcmp``, and ``enc`` is PHP's ``rawurlencode`` (RFC 3986: all
but ``A-Z a-z 0-9 - . _ ~``). The server refuses timestamps more than 15
minutes off and nonces it has seen in the last 15 minutes.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote

from yarl import URL

__all__ = ["AuthMode", "auth_mode", "oauth1_query", "signature_base_string"]

SIGNATURE_METHOD = "HMAC-SHA1"


class AuthMode(enum.Enum):
    BASIC = "basic"
    QUERY_STRING = "query_string"
    OAUTH1 = "oauth1"


def auth_mode(base_url: URL, *, query_string_auth: bool) -> AuthMode:
    """The scheme of the URL requests go to decides, as in the official client."""
    if base_url.scheme != "https":
        return AuthMode.OAUTH1
    return AuthMode.QUERY_STRING if query_string_auth else AuthMode.BASIC


def oauth1_query(
    method: str,
    url: URL,
    params: Mapping[str, str],
    *,
    consumer_key: str,
    consumer_secret: str,
    timestamp: int,
    nonce: str,
) -> dict[str, str]:
    """``params`` plus the signed ``oauth_*`` parameters, ready to send as the query string."""
    signed = {
        **params,
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce,
        "oauth_signature_method": SIGNATURE_METHOD,
        "oauth_timestamp": str(timestamp),
    }
    base_string = signature_base_string(method, url, signed)
    digest = hmac.new(f"{consumer_secret}&".encode(), base_string.encode(), hashlib.sha1).digest()
    return {**signed, "oauth_signature": base64.b64encode(digest).decode("ascii")}


def signature_base_string(method: str, url: URL, params: Mapping[str, str]) -> str:
    """The OAuth 1.0a signature base string exactly as WooCommerce rebuilds it to verify."""
    pairs = "&".join(f"{_encode(key)}={_encode(params[key])}" for key in sorted(params, key=_php_strcmp_key))
    return "&".join((method.upper(), _encode(str(url.with_query(None).with_fragment(None))), _encode(pairs)))


def _encode(value: str) -> str:
    """PHP's ``rawurlencode``: UTF-8 bytes, everything but RFC 3986 unreserved characters escaped."""
    return quote(value, safe="")


def _php_strcmp_key(key: str) -> bytes:
    return key.encode()
