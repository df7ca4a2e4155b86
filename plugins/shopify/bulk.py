"""Listing a window through a bulk query operation: start it, poll it, read its JSONL file.

From the bulk operations guide (https://shopify.dev/docs/api/usage/bulk-operations/queries) and
the ``BulkOperation`` reference: ``bulkOperationRunQuery`` starts the operation (a mutation,
10 points) and answers ``userErrors`` instead when the app already runs as many as its API
version allows (``OPERATION_IN_PROGRESS`` before 2026-01, one per shop; ``LIMIT_REACHED`` from
2026-01, five). The operation is polled with ``node(id:)`` (1 point) until ``status`` is
COMPLETED, when ``url`` names the JSONL file (``null``: nothing matched), or FAILED, CANCELED or
EXPIRED. The file holds one object per line; a line item is a line of its own whose
``__parentId`` is its order's ``id``. Without ``groupObjects`` (the default from 2026-01) a child
line may come anywhere in the file, so an order is complete only at the end of the file: the
file is streamed and parsed line by line, keeping the parsed orders, not the file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from server.platforms import HttpClient, PlatformBadResponse, PlatformUnavailable, decode_json

from .mapping import order_with_line_items, read

__all__ = ["BulkOperationStatus", "BulkOrders", "bulk_status", "read_file", "user_errors"]

_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class BulkOperationStatus:
    """What one poll of an operation said."""

    gid: str
    status: str
    error_code: str | None
    objects: int
    roots: int
    url: str | None

    @property
    def finished(self) -> bool:
        return self.status not in ("CREATED", "RUNNING", "CANCELING")


def bulk_status(node: Any) -> BulkOperationStatus:
    """A ``BulkOperation`` node as ``queries.BULK_OPERATION_QUERY`` selects it."""
    operation = read.obj(node, "node")
    return BulkOperationStatus(
        gid=read.text(operation.get("id"), "node.id"),
        status=read.text(operation.get("status"), "node.status"),
        error_code=operation.get("errorCode") if isinstance(operation.get("errorCode"), str) else None,
        objects=_count(operation.get("objectCount"), "node.objectCount"),
        roots=_count(operation.get("rootObjectCount"), "node.rootObjectCount"),
        url=operation.get("url") if isinstance(operation.get("url"), str) else None,
    )


def _count(value: Any, field: str) -> int:
    """An ``UnsignedInt64``, which Shopify sends as a string."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise read.error(f"field {field!r} is not a count")


class BulkOrders:
    """Order nodes rebuilt from a bulk file's lines: each order with its line items, whatever their order."""

    def __init__(self) -> None:
        self._orders: dict[str, dict[str, Any]] = {}
        self._items: dict[str, list[dict[str, Any]]] = {}

    def feed(self, line: bytes) -> None:
        try:
            obj = decode_json(line)
        except ValueError:
            raise PlatformBadResponse("Shopify's bulk operation file has a line that is not JSON") from None
        obj = dict(read.obj(obj, "bulk line"))
        parent = obj.pop("__parentId", None)
        if parent is None:
            self._orders[read.text(obj.get("id"), "id")] = obj
        else:
            self._items.setdefault(read.text(parent, "__parentId"), []).append(obj)

    def nodes(self) -> list[dict[str, Any]]:
        """The orders, oldest first, each as ``ORDERS_QUERY`` gives it with all its line items."""
        if orphans := self._items.keys() - self._orders.keys():
            raise PlatformBadResponse(f"Shopify's bulk operation file has line items of {len(orphans)} unlisted orders")
        nodes = [order_with_line_items(order, self._items.get(gid, [])) for gid, order in self._orders.items()]
        return sorted(nodes, key=lambda node: (str(node.get("createdAt")), _numeric(node.get("id"))))


def _numeric(gid: Any) -> int:
    tail = gid.rsplit("/", 1)[-1] if isinstance(gid, str) else ""
    return int(tail) if tail.isdigit() else 0


async def read_file(
    http: HttpClient, url: str, into: Callable[[], BulkOrders], sleep: Callable[[float], Awaitable[None]]
) -> BulkOrders:
    """Stream the file at ``url`` line by line into a fresh ``into()``, starting over on a broken transfer.

    The file is a signed storage URL: no access token is sent, and messages never show its query string.
    """
    policy = http.policy
    shown = URL(url).with_query(None).human_repr()
    last_fault = "no attempt made"
    for attempt in range(policy.attempts):
        orders = into()
        try:
            await _stream(http.session, url, orders, policy.timeout)
        except (aiohttp.ClientError, TimeoutError) as exc:
            last_fault = type(exc).__name__
        except _Status as exc:
            if exc.status < 500 and exc.status != 429:
                message = f"GET {shown} answered HTTP {exc.status} for a bulk operation's file"
                raise PlatformBadResponse(message) from None
            last_fault = f"HTTP {exc.status}"
        else:
            return orders
        if attempt + 1 < policy.attempts:
            await sleep(policy.backoff(attempt))
    raise PlatformUnavailable(f"GET {shown} failed after {policy.attempts} attempts: {last_fault}")


class _Status(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


async def _stream(session: aiohttp.ClientSession, url: str, orders: BulkOrders, timeout: float) -> None:
    """Feed each line of the file to ``orders``; ``timeout`` bounds each read, not the whole transfer."""
    limit = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
    async with session.get(URL(url, encoded=True), timeout=limit, allow_redirects=False) as response:
        if response.status != 200:
            raise _Status(response.status)
        rest = b""
        async for chunk in response.content.iter_chunked(_CHUNK):
            *lines, rest = (rest + chunk).split(b"\n")
            for line in lines:
                if line.strip():
                    orders.feed(line)
        if rest.strip():
            orders.feed(rest)


def user_errors(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors = payload.get("userErrors")
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
