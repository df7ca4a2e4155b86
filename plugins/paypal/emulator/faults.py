"""Injected faults: queued by the test, each consumed by one API request (token requests are exempt)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

Kind = Literal["fail", "throttle", "garbage", "truncate", "delay"]

GARBAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
"""What an edge proxy answers instead of the API's JSON."""


@dataclass(frozen=True, slots=True)
class Fault:
    kind: Kind
    status: int = 0
    seconds: float | None = None
    """``Retry-After`` for fail/throttle; the wait for delay."""


class FaultQueue:
    """Faults in the order they were queued."""

    def __init__(self) -> None:
        self._queue: deque[Fault] = deque()

    def add(self, fault: Fault, times: int) -> None:
        self._queue.extend([fault] * times)

    def take(self) -> Fault | None:
        return self._queue.popleft() if self._queue else None


async def send_truncated(request: web.Request, response: web.Response) -> web.StreamResponse:
    """Send half of ``response``'s body under a Content-Length for all of it, then drop the connection."""
    data = response.body
    assert isinstance(data, bytes)
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(data)
    await stream.prepare(request)
    await stream.write(data[: len(data) // 2])
    assert request.transport is not None
    request.transport.close()
    return stream
