"""Rate limits: moving windows counted with the ``limits`` library, set by ``ORDER_IMPORT_RATE_LIMITS``.

What is counted, and by what key:

- ``requests``: every ``/graphql`` HTTP request and websocket connection, per API token (after authentication);
- ``imports``: every ``importOrders`` that would start a job, per store;
- ``auth_failures``: every failed authentication (HTTP 401, websocket rejection), per client address;
- ``bad_signatures``: every webhook delivery refused for its signature, per client address.

The client address is the ASGI ``client`` host (uvicorn puts the ``X-Forwarded-For`` address of a trusted proxy
there). With a ``redis://`` ``ORDER_IMPORT_BROADCAST_URL`` the windows live in that Redis (the same database), so
every server process shares them; otherwise each process counts in its own memory. Should Redis fail, requests
are let through (and a warning logged) rather than refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import limits
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.responses import JSONResponse
from starlette.types import Scope, Send

from .errors import DomainError, ErrorCode

log = logging.getLogger(__name__)

KINDS = ("requests", "imports", "auth_failures", "bad_signatures")
DEFAULT_RATE_LIMITS = "requests=600/minute;imports=30/minute;auth_failures=20/minute;bad_signatures=20/minute"
KEY_PREFIX = "order_import:limits"
# A websocket refused for a rate limit closes with this code (graphql-transport-ws uses it for "too many").
WEBSOCKET_TOO_MANY = 4429
_REFUSED = "order_import.refused"  # scope key: why on_ws_connect refused the socket, for ``closing_as_refused``


class RateLimited(DomainError):
    """Over a rate limit (code RATE_LIMITED): the message says when to try again, ``retry_after`` in seconds."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(wait_message(what, retry_after))
        self.retry_after = retry_after


def parse_rate_limits(value: str) -> dict[str, limits.RateLimitItem]:
    """``kind=limit;...`` (e.g. ``requests=600/minute;imports=10 per second``) over the defaults.

    Raises ``ValueError`` saying what is wrong: an unknown or repeated kind, or a limit ``limits.parse`` rejects.
    """
    items = {kind: limits.parse(text) for kind, text in _pairs(DEFAULT_RATE_LIMITS)}
    seen: set[str] = set()
    for kind, text in _pairs(value):
        if kind not in KINDS:
            raise ValueError(f"has an unknown kind {kind!r}: use {', '.join(KINDS)}")
        if kind in seen:
            raise ValueError(f"gives {kind} twice")
        seen.add(kind)
        try:
            many = limits.parse_many(text)
        except ValueError:
            raise ValueError(f"has {kind}={text!r}, which is not a limit such as 600/minute or 10 per second") from None
        if len(many) != 1 or many[0].amount < 1:
            raise ValueError(f"has {kind}={text!r}: give one limit of at least 1, such as 600/minute")
        items[kind] = many[0]
    return items


def _pairs(value: str) -> list[tuple[str, str]]:
    pairs = []
    for part in value.split(";"):
        if not part.strip():
            continue
        kind, equals, text = part.partition("=")
        if not equals:
            raise ValueError(f"has {part.strip()!r}, not kind=limit (e.g. requests=600/minute)")
        pairs.append((kind.strip(), text.strip()))
    return pairs


@dataclass(frozen=True)
class Refusal:
    """Over a limit: why, and the whole seconds (at least 1) until the window has room."""

    code: ClassVar[ErrorCode] = ErrorCode.RATE_LIMITED
    message: str
    retry_after: int

    def response(self, *, graphql: bool = True) -> JSONResponse:
        """HTTP 429 with ``Retry-After``; for ``/graphql`` a GraphQL-shaped error with code RATE_LIMITED."""
        body: Mapping[str, Any] = (
            {"errors": [{"message": self.message, "extensions": {"code": self.code, "retryAfter": self.retry_after}}]}
            if graphql
            else {"error": self.message, "code": self.code, "retryAfter": self.retry_after}
        )
        return JSONResponse(body, status_code=429, headers={"Retry-After": str(self.retry_after)})


class RateLimits:
    """The moving windows of one server process, in memory or in the broadcast Redis (under ``prefix``, the
    deployment's channel prefix, so deployments sharing one Redis database count apart)."""

    def __init__(self, spec: str, broadcast_url: str = "memory://", prefix: str = "") -> None:
        self.items = parse_rate_limits(spec)
        self._pool: Any = None
        storage: Storage
        if broadcast_url.split("://", 1)[0] in ("redis", "rediss"):
            import redis.asyncio as redis

            # Short timeouts: a Redis that hangs must not hang requests (they are let through instead).
            self._pool = redis.ConnectionPool.from_url(broadcast_url, socket_connect_timeout=2, socket_timeout=2)
            storage = RedisStorage(
                "async+" + broadcast_url,
                wrap_exceptions=True,
                implementation="redispy",
                key_prefix=f"{prefix}:{KEY_PREFIX}" if prefix else KEY_PREFIX,
                connection_pool=self._pool,
            )
        else:
            storage = MemoryStorage(wrap_exceptions=True)
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._failing = False

    async def request(self, authorization: str) -> Refusal | None:
        """Count one request (an HTTP request, a websocket connection) of the authenticated token."""
        return _refusal("Too many requests for this API token", await self.hit("requests", token_key(authorization)))

    async def failed_authentication(self, scope: Scope) -> Refusal | None:
        """Count one failed authentication from the client's address."""
        wait = await self.hit("auth_failures", client_address(scope))
        return _refusal("Too many failed authentications from this address", wait)

    async def bad_signature(self, scope: Scope) -> Refusal | None:
        """Count one webhook delivery refused for its signature, from the client's address."""
        return _refusal(BAD_SIGNATURES, await self.hit("bad_signatures", client_address(scope)))

    async def bad_signatures_over(self, scope: Scope) -> Refusal | None:
        """Whether the client's address is over its bad signatures limit (counting nothing)."""
        return _refusal(BAD_SIGNATURES, await self.over("bad_signatures", client_address(scope)))

    async def import_started(self, store_id: object) -> None:
        """Count one import of the store; raise ``RateLimited`` (no job may start) when over the limit."""
        if wait := await self.hit("imports", str(store_id)):
            raise RateLimited("Too many imports for this store", wait)

    async def hit(self, kind: str, key: str) -> int | None:
        """Count one event: ``None`` within the limit, else the whole seconds (at least 1) until one fits."""
        return await self._ask(self._limiter.hit, kind, key)

    async def over(self, kind: str, key: str) -> int | None:
        """Without counting: ``None`` while the limit has room, else the whole seconds until it has."""
        return await self._ask(self._limiter.test, kind, key)

    async def _ask(
        self, ask: Callable[[limits.RateLimitItem, str, str], Awaitable[bool]], kind: str, key: str
    ) -> int | None:
        item = self.items[kind]
        try:
            if await ask(item, kind, key):
                self._recovered()
                return None
            return await self._retry_after(item, kind, key)
        except StorageError as exc:
            self._failed(exc)
            return None

    async def _retry_after(self, item: limits.RateLimitItem, kind: str, key: str) -> int:
        stats = await self._limiter.get_window_stats(item, kind, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _failed(self, exc: StorageError) -> None:
        if not self._failing:
            log.warning("rate limits are not enforced: their storage failed (%s)", exc)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            log.warning("rate limits are enforced again")
        self._failing = False

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
        timer = getattr(self.storage, "timer", None)  # MemoryStorage's expiry task
        if isinstance(timer, asyncio.Task) and not timer.done():
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer


BAD_SIGNATURES = "Too many bad webhook signatures from this address"


def _refusal(what: str, wait: int | None) -> Refusal | None:
    return Refusal(wait_message(what, wait), wait) if wait else None


def client_address(scope: Scope) -> str:
    """The ASGI client host: the peer, or the forwarded address uvicorn took from a trusted proxy."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def token_key(authorization: str) -> str:
    """The counting key of ``Bearer <token>``: a hash, so no secret is ever stored as a key."""
    token = authorization.strip().partition(" ")[2].strip()
    return hashlib.sha256(token.encode()).hexdigest()


def wait_message(what: str, seconds: int) -> str:
    return f"{what}; try again in {seconds} second{'' if seconds == 1 else 's'}."


def refuse_websocket(scope: Scope, message: str) -> None:
    """Make the rejection of this socket (strawberry closes it with 4403) a 4429 carrying ``message``."""
    scope[_REFUSED] = message


def closing_as_refused(scope: Scope, send: Send) -> Send:
    """``send``, with the 4403 close of a socket marked by ``refuse_websocket`` turned into 4429."""

    async def sending(message: Any) -> None:
        reason = scope.get(_REFUSED)
        if reason and message.get("type") == "websocket.close" and message.get("code") == 4403:
            message = {**message, "code": WEBSOCKET_TOO_MANY, "reason": reason[:120]}
        await send(message)

    return sending
