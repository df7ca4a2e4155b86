"""Shared HTTP helpers: one retrying client over the core's ``aiohttp.ClientSession``.

``HttpClient.request`` sends a request and returns a fully read ``Response``.
Transient faults (connection errors, timeouts, 429, 5xx, and whatever the
connector's ``throttle`` callback recognizes in a 200) are retried with
exponential backoff and jitter, honouring the platform's own wait signal
(``Retry-After`` or the value ``throttle`` returns). 401/403 raise
``PlatformAuthError`` at once, and a connection the core's session refused
to open (a non-public address) ``AddressNotAllowed``; exhausted retries raise
``PlatformUnavailable`` naming the last fault. Error messages carry the method
and URL path, never the query string or headers, which may hold credentials.

Bodies are decoded by ``decode_json``: the values ``json.loads`` gives, at a
fraction of its cost.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import random
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import msgspec
from multidict import CIMultiDictProxy
from yarl import URL

from .errors import AddressNotAllowed, PlatformAuthError, PlatformBadResponse, PlatformUnavailable

__all__ = ["AddressRefused", "HttpClient", "Response", "RetryPolicy", "decode_json", "parse_retry_after"]

Sleep = Callable[[float], Awaitable[None]]

_DECODER = msgspec.json.Decoder()


def decode_json(body: bytes) -> Any:
    """``json.loads(body)``: the same values or the same error, about twice as fast.

    msgspec decodes what is standard JSON in UTF-8 to the same values as ``json.loads``
    (floats correctly rounded, integers of any size, the last of duplicate keys); what
    it refuses (NaN, ``1e400``, lone surrogates, a byte order mark, UTF-16, nesting
    too deep) goes to ``json.loads``, which decodes it or raises as it always did. The cyclic garbage
    collector is paused meanwhile: decoding makes no cycles, only objects that live
    on, which it would otherwise scan again and again as a large body grows.
    """
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        try:
            return _DECODER.decode(body)
        except (msgspec.DecodeError, RecursionError):
            return json.loads(body)
    finally:
        if collecting:
            gc.enable()


class AddressRefused(OSError):
    """What the core's session raises instead of opening a socket to a non-public ``address``.

    Every instance reads the same (the address is an attribute), so when each address a
    host resolves to is refused, the connection attempt fails with this error, not a
    combination; ``HttpClient`` turns it into ``AddressNotAllowed``.
    """

    def __init__(self, address: str) -> None:
        super().__init__(errno.EACCES, "refusing to connect to a non-public address")
        self.address = address


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. ``attempts`` counts the first try; delays are seconds."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 30.0
    max_body_bytes: int = 64 * 1024 * 1024

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based), with full jitter on the upper half."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True, slots=True)
class Response:
    """A platform's answer, fully read: status, headers, body bytes and the URL it came from."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    url: URL

    @property
    def where(self) -> str:
        return _shown(self.url)

    def json(self) -> Any:
        """The body as JSON, or ``PlatformBadResponse`` if it is not JSON."""
        try:
            return decode_json(self.body)
        except (UnicodeDecodeError, ValueError) as exc:
            raise PlatformBadResponse(
                f"{self.where} answered HTTP {self.status} with a body that is not JSON ({len(self.body)} bytes)"
            ) from exc


def _shown(url: URL) -> str:
    """The URL as it may appear in a message: no user info, query or fragment, which may hold secrets."""
    return url.with_user(None).with_query(None).with_fragment(None).human_repr()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """A retrying JSON-over-HTTP client for connectors.

    The core builds one per connector from its shared session, so connection
    pooling, the outbound address policy and the retry policy are the
    operator's, not the plugin's.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        policy: RetryPolicy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.session = session
        self.policy = policy or RetryPolicy()
        self._sleep = sleep

    async def request(
        self,
        method: str,
        url: str | URL,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        json_body: Any = None,
        data: Any = None,
        auth: aiohttp.BasicAuth | None = None,
        ok: Collection[int] = (200,),
        throttle: Callable[[Response], float | None] | None = None,
        wait_header: Callable[[Response], float | None] | None = None,
    ) -> Response:
        """Send one request, retrying transient faults; return a response whose status is in ``ok``.

        ``throttle(response)`` lets a connector recognize a throttle signal in an
        otherwise successful answer (Shopify's THROTTLED error in a 200) and
        return seconds to wait, or ``None``. ``wait_header(response)`` reads a
        platform-specific wait hint from a 429 (BigCommerce's
        ``X-Rate-Limit-Time-Reset-Ms``); ``Retry-After`` is always honoured.
        ``params`` may be a function, called for every attempt: for signatures
        that must be fresh each time (OAuth 1.0a nonces and timestamps).
        401 and 403 raise ``PlatformAuthError`` unless listed in ``ok`` (for a
        connector that reads the platform's own error code first). Statuses
        outside ``ok`` that are not retried are returned as they are when they
        are 404 (callers decide what "not found" means), otherwise raise
        ``PlatformBadResponse``.
        """
        policy = self.policy
        target = URL(url) if isinstance(url, str) else url

        def shown() -> str:
            return f"{method} {_shown(target)}"

        last_fault = "no attempt made"
        for attempt in range(policy.attempts):
            wait: float | None = None
            try:
                query = params() if callable(params) else params
                response = await self._send(method, target, headers, query, json_body, data, auth)
            except TimeoutError:
                last_fault = f"timed out after {policy.timeout:g}s"
            except aiohttp.ClientPayloadError as exc:
                last_fault = f"truncated response ({type(exc).__name__})"
            except aiohttp.ClientError as exc:
                if isinstance(getattr(exc, "os_error", None), AddressRefused):
                    raise AddressNotAllowed(
                        f"{shown()} was not sent: {target.host} resolves to a non-public address, which this server "
                        "does not connect to"
                    ) from None
                last_fault = f"connection failed ({type(exc).__name__})"
            else:
                status = response.status
                if status in (401, 403) and status not in ok:
                    raise PlatformAuthError(f"{shown()} was refused with HTTP {status}: check the store's credentials")
                if status == 429 or status >= 500:
                    last_fault = f"HTTP {status}"
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    if wait is None and wait_header is not None:
                        wait = wait_header(response)
                elif status in ok:
                    wait = throttle(response) if throttle is not None else None
                    if wait is None:
                        return response
                    last_fault = "throttled by the platform"
                elif status == 404:
                    return response
                else:
                    raise PlatformBadResponse(f"{shown()} answered HTTP {status}, which was not expected")
            if attempt + 1 < policy.attempts:
                delay = policy.backoff(attempt) if wait is None else min(max(wait, 0.0), policy.max_delay)
                await self._sleep(delay)
        raise PlatformUnavailable(f"{shown()} failed after {policy.attempts} attempts: {last_fault}")

    async def _send(
        self,
        method: str,
        url: URL,
        headers: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
        json_body: Any,
        data: Any,
        auth: aiohttp.BasicAuth | None,
    ) -> Response:
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
        async with self.session.request(
            method,
            url,
            headers=headers,
            params=params,
            json=json_body,
            data=data,
            auth=auth,
            timeout=timeout,
            allow_redirects=False,
        ) as raw:
            chunks: list[bytes] = []
            size = 0
            async for chunk in raw.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > self.policy.max_body_bytes:
                    raise PlatformBadResponse(
                        f"{method} {_shown(url)} sent more than {self.policy.max_body_bytes} bytes"
                    )
                chunks.append(chunk)
            return Response(status=raw.status, headers=raw.headers, body=b"".join(chunks), url=raw.url)
