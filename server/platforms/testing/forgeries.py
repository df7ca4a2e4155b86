"""Forged webhook deliveries: what the kit makes of a double's genuine ones (no pytest).

Each forgery keeps a delivery's form and breaks what its signature vouches for:
``tampered_body`` changes the body under the same headers, ``altered_signature``
changes the signature headers' values, and ``another_store`` gives the
credentials of a store whose secrets differ, for the double to sign with. The
changes keep each character's kind (digit, hex letter, other letter, same case),
so a changed value is still well-formed: only its meaning differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["altered", "altered_signature", "another_store", "signature_headers", "tampered_body"]

_SIGNATURE_NAME = re.compile(r"signature|hmac|(?:^|[-_])sig(?:$|[-_])", re.IGNORECASE)
_DIGIT = re.compile(rb"[0-9]")


def signature_headers(headers: Mapping[str, str], named: str | None = None) -> list[str]:
    """The headers carrying the signature: ``named`` when given (and present), else those named like one."""
    if named is not None:
        return [h for h in headers if h.lower() == named.lower()]
    return [h for h in headers if _SIGNATURE_NAME.search(h)]


def altered(text: str) -> str:
    """``text`` with every letter and digit changed to another of its kind: ``0-9`` cycle, ``a-f`` cycle
    (hex stays hex), ``g-z`` cycle, in the same case."""
    return "".join(_shift(c) for c in text)


def altered_signature(headers: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """``headers`` with one character in the middle of each named header's value changed to another of its
    kind (a base64 or hex signature stays well-formed and decodes to other bytes)."""
    changed = dict(headers)
    for name in names:
        value = changed[name]
        middle = len(value) // 2
        at = next((i for i in [*range(middle, len(value)), *range(middle)] if value[i].isalnum()), None)
        if at is not None:
            changed[name] = value[:at] + _shift(value[at]) + value[at + 1 :]
    return changed


def tampered_body(body: bytes) -> bytes:
    """``body`` with every digit changed (``0``→``1`` … ``8``→``9``, ``9``→``8``: a number keeps its form, JSON
    stays JSON), so the change reaches whatever part of the body a platform signs (Ecwid signs only its event's
    time and id); a body without digits gets its last letter changed."""
    if _DIGIT.search(body):
        return _DIGIT.sub(lambda m: b"8" if m.group() == b"9" else bytes([m.group()[0] + 1]), body)
    text = body.decode("utf-8", "replace")
    at = max((i for i, c in enumerate(text) if c.isascii() and c.isalpha()), default=None)
    if at is None:
        return body + b" "
    return (text[:at] + _shift(text[at]) + text[at + 1 :]).encode()


def another_store(credentials: Mapping[str, str], secret_fields: Iterable[str]) -> dict[str, str]:
    """``credentials`` with the value of every secret field ``altered``: the same store names, other secrets."""
    secret = set(secret_fields)
    return {name: altered(value) if name in secret and value else value for name, value in credentials.items()}


def _shift(c: str) -> str:
    if "0" <= c <= "9":
        return chr((ord(c) - 48 + 1) % 10 + 48)
    for low, high in (("a", "f"), ("g", "z"), ("A", "F"), ("G", "Z")):
        if low <= c <= high:
            span = ord(high) - ord(low) + 1
            return chr((ord(c) - ord(low) + 1) % span + ord(low))
    return c
