"""Encoding answers: JSON when the request accepts it, otherwise the v2 API's XML; 204 for empty collections."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

JSON_TYPE = "application/json"
XML_TYPE = "application/xml"


@dataclass(frozen=True, slots=True)
class Answer:
    """What a handler answers: ``body`` is data to encode, or JSON already encoded (``raw``)."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    root: str = "errors"  # the XML element for ``body``; a list's items are named by dropping the "s"

    @property
    def empty(self) -> bool:
        return self.body is None and self.raw is None


def wants_json(accept: str) -> bool:
    """The v2 API answers JSON only when ``Accept`` asks for it; otherwise it answers XML."""
    return "json" in accept.lower()


def encode(answer: Answer, as_json: bool) -> tuple[bytes, str]:
    """The body bytes and content type of a non-empty answer."""
    if as_json:
        raw = answer.raw if answer.raw is not None else json.dumps(answer.body, separators=(",", ":")).encode()
        return raw, JSON_TYPE
    body = json.loads(answer.raw) if answer.raw is not None else answer.body
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _element(answer.root, body)).encode(), XML_TYPE


def _element(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        child = name[:-1] if name.endswith("s") and len(name) > 1 else "item"
        inner = "".join(_element(child, item) for item in value)
    elif value is None:
        return f"<{name}/>"
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{name}>{inner}</{name}>"
