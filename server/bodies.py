"""Request bodies read with a size limit, and the shape a GraphQL request body must have."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Message, Receive

from .platforms.codes import ErrorCode


class BodyTooLarge(Exception):
    """The body is larger than the limit; nothing past the limit was read."""


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, refused as soon as it (or its declared length) passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def replay(body: bytes) -> Receive:
    """A ``receive`` that hands an already read body to the next application."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def graphql_body_problem(body: bytes) -> str | None:
    """Why ``body`` is not a GraphQL-over-HTTP JSON request, or None when it is one."""
    try:
        document: Any = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    except ValueError:
        return "the body is not JSON"
    if not isinstance(document, dict):
        return "the body must be a JSON object with a 'query'"
    if not isinstance(document.get("query"), str):
        return "the body has no 'query' string"
    if not isinstance(document.get("variables") or {}, dict):
        return "'variables' must be an object"
    if not isinstance(document.get("operationName") or "", str):
        return "'operationName' must be a string"
    return None


def bad_request(message: str, status_code: int = 400) -> JSONResponse:
    code = ErrorCode.BAD_REQUEST if status_code == 400 else ErrorCode.PAYLOAD_TOO_LARGE
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status_code)
