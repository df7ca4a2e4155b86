"""The few PHP behaviours WordPress relies on when it reads and writes query strings."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote_plus

__all__ = ["QueryValue", "absint", "build_query", "is_numeric", "parse_query", "rawurlencode", "urlencode"]

QueryValue = str | list[str]
_ARRAY_KEY = re.compile(r"^([^\[]+)\[[^\]]*\]")
_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


def parse_query(raw: str) -> dict[str, QueryValue]:
    """``parse_str``: ``+`` is a space, a repeated key keeps its last value, ``k[]=`` builds a list."""
    result: dict[str, QueryValue] = {}
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = unquote_plus(key), unquote_plus(value)
        if match := _ARRAY_KEY.match(key):
            current = result.get(match[1])
            if not isinstance(current, list):
                current = result[match[1]] = []
            current.append(value)
        elif key:
            result[key] = value
    return result


def urlencode(value: str) -> str:
    """PHP ``urlencode``: everything but ``[A-Za-z0-9_.-]`` escaped, spaces as ``+``."""
    return quote_plus(value, safe="").replace("~", "%7E")


def rawurlencode(value: str) -> str:
    """PHP ``rawurlencode`` (RFC 3986): everything but ``[A-Za-z0-9_.~-]`` escaped."""
    return quote(value, safe="")


def build_query(params: dict[str, QueryValue]) -> str:
    """``build_query`` of already encoded values: list items become ``key%5Bi%5D=value``."""
    parts: list[str] = []
    for key, value in params.items():
        if isinstance(value, list):
            parts += [f"{key}%5B{i}%5D={item}" for i, item in enumerate(value)]
        else:
            parts.append(f"{key}={value}")
    return "&".join(parts)


def is_numeric(value: object) -> bool:
    return isinstance(value, str) and bool(_NUMERIC.match(value))


def absint(value: str) -> int:
    """``absint`` of a numeric string."""
    return abs(int(float(value)))
