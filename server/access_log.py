"""The access log: one line per HTTP request or websocket, on logger ``order_import.access`` at INFO.

    GET /graphql 200 12.4ms token_id=7d9c1a52-3f0e-4b8e-9a57-2f1d0c6e4b11
    POST /graphql 401 1.9ms token_id=-
    GET /graphql 101 5012.7ms token_id=7d9c1a52-… websocket_close=1000

The method, the path as sent (percent-encoded, without the query string, which may carry variables),
the status (101 for a websocket that was accepted, 403 for one refused before that; 500 when the
application failed before answering), the time until the answer was sent or the socket closed, and
the id of the API token the request authenticated with (the ``ApiToken`` row), never the token. The
GraphQL view puts the token in the request scope's state (``state["token"]``).

uvicorn's own access log is off wherever the server runs (``serve``, ``demo``, the tests): it would
log the query string.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("order_import.access")


class AccessLog:
    """Pure ASGI middleware (no buffering, websockets included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})  # shared with the application, which records the token here
        status: int | None = None
        close_code: int | None = None

        async def sending(message: Message) -> None:
            nonlocal status, close_code
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                status = message["status"]
            elif kind == "websocket.accept":
                status = 101
            elif kind == "websocket.close":
                close_code = message.get("code", 1000)
                status = status or 403
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            status = status or 500
            raise
        finally:
            if scope["type"] == "websocket" and status == 101 and close_code is None:
                close_code = 1000  # the client closed it, or the server stopped
            _log_line(scope, state, status, close_code, started)


def _log_line(scope: Scope, state: Any, status: int | None, close_code: int | None, started: float) -> None:
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else _printable(scope.get("path", ""))
    path = path.split("?", 1)[0]
    method = scope.get("method", "GET")  # a websocket starts as a GET
    token = state.get("token") if isinstance(state, dict) else getattr(state, "token", None)
    token_id = getattr(token, "id", None) or "-"
    elapsed = (time.perf_counter() - started) * 1000
    if scope["type"] == "websocket":
        log.info(
            "%s %s %s %.1fms token_id=%s websocket_close=%s",
            method,
            path,
            status or "-",
            elapsed,
            token_id,
            close_code or "-",
        )
    else:
        log.info("%s %s %s %.1fms token_id=%s", method, path, status or "-", elapsed, token_id)


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
