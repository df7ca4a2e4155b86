"""Fault injection an emulator need not write again: the queue behind ``PlatformDouble``'s fault methods,
and the answers that are the same on every platform.

An emulator subclasses ``FaultQueueDouble`` (a ``PlatformDouble``) and calls ``super().__init__()``;
``fail_next``, ``throttle_next``, ``garbage_next``, ``truncate_next`` and ``delay_next`` then queue
``Fault``s, and the emulator takes one with ``await self.take_fault()`` in each API request it answers.
Where it calls it decides which requests consume faults (a token endpoint that never calls it is exempt).
``take_fault`` waits out a delay itself and returns ``None``, as it does when nothing is queued: the
request is then answered normally. What is left to the emulator is its platform's part:

- ``fail``: its error answer for HTTP ``fault.status``;
- ``throttle``: its throttle signal (``fault.status`` is 429);
- ``garbage``: usually ``garbage_response()``, an HTML page with HTTP 200;
- ``truncate``: its real answer, sent through ``truncated_response(request, response)``.

``reshape_next(transform)`` needs nothing of the emulator: ``take_fault`` hands the fault to
``reshape_middleware``, which passes the JSON body of that request's answer through ``transform``.
The kit's ``serve_double`` adds the middleware to the double's app; an app served otherwise needs
it among its middlewares (``web.Application(middlewares=[reshape_middleware])``).

A fail or throttle answer carries ``fault.retry_headers``: ``Retry-After`` when ``fail_next`` or
``throttle_next`` was given ``retry_after`` (a throttle falls back to the class's ``throttle_retry_after``)::

    class MyEmulator(FaultQueueDouble):
        async def _orders(self, request: web.Request) -> web.StreamResponse:
            fault = await self.take_fault()
            if fault and fault.kind in ("fail", "throttle"):
                return web.json_response({"error": "..."}, status=fault.status, headers=fault.retry_headers)
            if fault and fault.kind == "garbage":
                return garbage_response()
            response = web.json_response(self._page(request))
            if fault and fault.kind == "truncate":
                return await truncated_response(request, response)
            return response
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from aiohttp.typedefs import Middleware

from .double import PlatformDouble

__all__ = [
    "GARBAGE_PAGE",
    "Fault",
    "FaultQueueDouble",
    "garbage_response",
    "latency_middleware",
    "reshape_middleware",
    "truncated_response",
]

GARBAGE_PAGE = (
    "<html><body><h1>502 Bad Gateway</h1>The server returned an invalid or incomplete response.</body></html>"
)
"""What a proxy in front of an API answers, with HTTP 200, when the API behind it breaks."""

_RESHAPES: ContextVar[list[Callable[[Any], Any]] | None] = ContextVar("kit_reshapes", default=None)
"""The transforms the request being answered took with its fault (set by ``reshape_middleware``)."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One queued fault: ``status`` is a fail's HTTP status (429 for a throttle), ``retry_after`` the
    seconds of the ``Retry-After`` a fail or throttle answer carries (``None``: none), ``seconds`` a delay,
    ``transform`` what a reshape does to the answer's JSON."""

    kind: Literal["fail", "throttle", "garbage", "truncate", "delay", "reshape"]
    status: int = 200
    retry_after: float | None = None
    seconds: float = 0.0
    transform: Callable[[Any], Any] | None = None

    @property
    def retry_headers(self) -> dict[str, str]:
        """``{"Retry-After": ...}`` when the fault carries one, else empty."""
        return {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}


class FaultQueueDouble(PlatformDouble):
    """A ``PlatformDouble`` whose faults wait in a queue, each consumed by one ``take_fault()``, in order."""

    throttle_retry_after: float | None = None
    """The ``Retry-After`` of a throttle queued without one (``None``: the platform's signal has none)."""

    def __init__(self) -> None:
        self._queued_faults: deque[Fault] = deque()

    def fail_next(self, status: int = 503, times: int = 1, *, retry_after: float | None = None) -> None:
        """Answer the next ``times`` requests with HTTP ``status`` (and ``Retry-After`` when given)."""
        self._queue(Fault("fail", status, retry_after), times)

    def throttle_next(self, times: int = 1, *, retry_after: float | None = None) -> None:
        """Answer the next ``times`` requests with the platform's throttle signal (``Retry-After`` when given)."""
        wait = self.throttle_retry_after if retry_after is None else retry_after
        self._queue(Fault("throttle", 429, wait), times)

    def garbage_next(self, times: int = 1) -> None:
        self._queue(Fault("garbage"), times)

    def truncate_next(self, times: int = 1) -> None:
        self._queue(Fault("truncate"), times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        self._queue(Fault("delay", seconds=seconds), times)

    def reshape_next(self, transform: Callable[[Any], Any], times: int = 1) -> None:
        """Pass the JSON body of the next ``times`` answers through ``transform`` (see ``reshape_middleware``)."""
        self._queue(Fault("reshape", transform=transform), times)

    def _queue(self, fault: Fault, times: int) -> None:
        self._queued_faults.extend([fault] * times)

    async def take_fault(self) -> Fault | None:
        """Consume the next fault for this request; a delay is waited out here and a reshape handed to
        ``reshape_middleware``, and both, like an empty queue, give ``None``: answer normally."""
        fault = self._queued_faults.popleft() if self._queued_faults else None
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        if fault is not None and fault.kind == "reshape":
            taken = _RESHAPES.get()
            if taken is not None and fault.transform is not None:
                taken.append(fault.transform)
            return None
        return fault


@web.middleware
async def reshape_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Apply the reshapes the request took with ``take_fault`` to its answer's JSON body (a body that is
    not JSON, or one already sent, is left as it is)."""
    taken: list[Callable[[Any], Any]] = []
    token = _RESHAPES.set(taken)
    try:
        response = await handler(request)
    finally:
        _RESHAPES.reset(token)
    if not taken or not isinstance(response, web.Response) or response.prepared:
        return response
    body = response.body
    if not isinstance(body, bytes | bytearray):
        return response
    try:
        document = json.loads(body)
    except ValueError:
        return response
    for transform in taken:
        document = transform(document)
    response.body = json.dumps(document).encode()
    return response


def latency_middleware(low: float, high: float, *, seed: int = 0) -> Middleware:
    """A middleware answering every request ``low``-``high`` seconds late (uniform, seeded): the network and
    the platform's own work, as an emulator option (put it first, so the delay comes before everything)."""
    rng = random.Random(seed)

    @web.middleware
    async def late(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        await asyncio.sleep(rng.uniform(low, high))
        return await handler(request)

    return late


def garbage_response(page: str = GARBAGE_PAGE, *, headers: Mapping[str, str] | None = None) -> web.Response:
    """HTTP 200 with an HTML ``page`` where JSON was due."""
    return web.Response(text=page, content_type="text/html", headers=headers)


async def truncated_response(
    request: web.Request, response: web.Response, *, headers: Mapping[str, str] | None = None
) -> web.StreamResponse:
    """Send ``response``'s status, its headers (or ``headers``) and the first half of its body under a
    Content-Length for all of it, then close the connection: the client reads a body cut short."""
    body = response.body
    assert body is None or isinstance(body, bytes | bytearray), "a Payload body cannot be cut"
    data = bytes(body or b"")
    partial = web.StreamResponse(status=response.status, headers=response.headers if headers is None else headers)
    partial.content_length = len(data)
    await partial.prepare(request)
    await partial.write(data[: len(data) // 2])
    assert request.transport is not None
    request.transport.close()
    return partial
