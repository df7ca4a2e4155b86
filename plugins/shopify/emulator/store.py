"""The emulated store's orders: sorted views, search results and Relay cursor pagination.

Orders are kept as GraphQL-shaped dicts (``StoredOrder.node``) so graphql-core's
default resolver serves them without per-field code. Each ``(query, sortKey,
reverse)`` result is computed once per store version and paged with ``bisect``,
so walking 10,000 orders 250 at a time stays cheap.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from .search import CompiledSearch, compile_search, micros

MAX_PAGE_SIZE = 250
_CACHE_SIZE = 32
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class PaginationError(ValueError):
    """Bad connection arguments; the message is what the API answers."""


@dataclass(slots=True)
class StoredOrder:
    """An order plus the integer keys searching and sorting use."""

    numeric_id: int
    node: dict[str, Any]
    created: int
    processed: int
    updated: int
    financial_status: str
    fulfillment_status: str
    closed: bool
    cancelled: bool
    total_cents: int
    name_key: str = field(init=False)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.name_key = self.node["name"].removeprefix("#").lower()
        customer = self.node.get("customer") or {}
        parts = (self.node["name"], self.node.get("email"), customer.get("displayName"))
        self.text = " ".join(p for p in parts if p).lower()


@dataclass(frozen=True, slots=True)
class _SortKey:
    value: Callable[[StoredOrder], int]
    format: Callable[[int], str]
    parse: Callable[[str], int]


def _time_key(attr: str) -> _SortKey:
    def fmt(value: int) -> str:
        return datetime.fromtimestamp(value / 1_000_000, UTC).strftime(_TIME_FORMAT)

    def parse(text: str) -> int:
        return micros(datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC))

    return _SortKey(lambda o: getattr(o, attr), fmt, parse)


def _int_key(value: Callable[[StoredOrder], int]) -> _SortKey:
    return _SortKey(value, str, int)


_ID_KEY = _int_key(lambda o: o.numeric_id)
SORT_KEYS: dict[str, _SortKey] = {
    "CREATED_AT": _time_key("created"),
    "PROCESSED_AT": _time_key("processed"),
    "UPDATED_AT": _time_key("updated"),
    "ID": _ID_KEY,
    "ORDER_NUMBER": _int_key(lambda o: int("".join(filter(str.isdigit, o.node["name"])) or 0)),
    "TOTAL_PRICE": _int_key(lambda o: o.total_cents),
}
"""Supported ``OrderSortKeys``; any other value (RELEVANCE, CUSTOMER_NAME, ...) orders by ID."""


@dataclass(frozen=True, slots=True)
class _View:
    """A filtered, sorted list and its ascending comparison keys (negated when reversed)."""

    orders: list[StoredOrder]
    nodes: list[dict[str, Any]]
    keys: list[tuple[int, int]]
    sort_key: _SortKey
    reverse: bool
    warnings: list[dict[str, str]]
    parsed: dict[str, Any] | None


class OrderStore:
    """The store's orders by id, and cached sorted views of them per search."""

    def __init__(self, *, shop_tz: tzinfo, now: Callable[[], datetime]) -> None:
        self.shop_tz = shop_tz
        self.now = now
        self._orders: list[StoredOrder] = []
        self._by_id: dict[int, StoredOrder] = {}
        self._views: OrderedDict[tuple[str | None, str, bool], _View] = OrderedDict()

    def set_timezone(self, shop_tz: tzinfo) -> None:
        self.shop_tz = shop_tz
        self._views.clear()

    @property
    def orders(self) -> tuple[StoredOrder, ...]:
        return tuple(self._orders)

    def add(self, order: StoredOrder) -> None:
        self._orders.append(order)
        self._by_id[order.numeric_id] = order
        self._views.clear()

    def get(self, numeric_id: int) -> StoredOrder | None:
        return self._by_id.get(numeric_id)

    def changed(self) -> None:
        """Call after changing an order in place (a refund, a cancellation): cached views are stale."""
        self._views.clear()

    def count(self, query: str | None) -> int:
        """How many orders match ``query``: from any cached view of it, else without sorting."""
        cached = next((view for (q, _, _), view in self._views.items() if q == query), None)
        if cached is not None:
            return len(cached.orders)
        predicate = compile_search(query, now=self.now(), shop_tz=self.shop_tz).predicate
        return len(self._orders) if predicate is None else sum(1 for order in self._orders if predicate(order))

    def view(self, query: str | None, sort_key: str, reverse: bool) -> _View:
        """The orders matching ``query`` in connection order, cached until the next ``add`` or change."""
        cache_key = (query, sort_key, reverse)
        if (cached := self._views.get(cache_key)) is not None:
            self._views.move_to_end(cache_key)
            return cached
        search: CompiledSearch = compile_search(query, now=self.now(), shop_tz=self.shop_tz)
        key = SORT_KEYS.get(sort_key, _ID_KEY)
        matches = self._orders if search.predicate is None else list(filter(search.predicate, self._orders))
        sign = -1 if reverse else 1
        decorated = sorted(((sign * key.value(o), sign * o.numeric_id), o) for o in matches)
        orders = [o for _, o in decorated]
        keys = [k for k, _ in decorated]
        view = _View(orders, [o.node for o in orders], keys, key, reverse, search.warnings, search.parsed)
        if "now" not in (query or "").lower():  # a query relative to now must be re-evaluated
            self._views[cache_key] = view
            if len(self._views) > _CACHE_SIZE:
                self._views.popitem(last=False)
        return view


def encode_cursor(numeric_id: int, last_value: str) -> str:
    """Shopify's cursor: base64 of ``{"last_id": <id>, "last_value": "<sort value>"}``."""
    raw = json.dumps({"last_id": numeric_id, "last_value": last_value}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str, key: _SortKey, reverse: bool) -> tuple[int, int]:
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
        primary, numeric_id = key.parse(str(data["last_value"])), int(data["last_id"])
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise PaginationError("Invalid cursor.") from exc
    sign = -1 if reverse else 1
    return sign * primary, sign * numeric_id


def check_page_args(first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise PaginationError("you must provide one of first or last")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise PaginationError(f"Argument '{name}' must be between 0 and {MAX_PAGE_SIZE}, got {size}.")


def paginate(
    items: Sequence[Any],
    keys: Sequence[tuple[int, int]],
    cursor_of: Callable[[int], str],
    decode: Callable[[str], tuple[int, int]],
    *,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
    bounded: bool = True,
) -> dict[str, Any]:
    """Relay pagination over a sorted list: the connection dict with ``edges``, ``nodes`` and ``pageInfo``.

    ``hasNextPage``/``hasPreviousPage`` say whether the whole list has items
    after/before the page, whichever direction was asked for. Unless ``bounded``
    (a bulk query, which ignores page sizes), ``first`` or ``last`` is required, up to 250.
    """
    if bounded:
        check_page_args(first, last)
    lo = bisect_right(keys, decode(after)) if after else 0
    hi = bisect_left(keys, decode(before)) if before else len(items)
    hi = max(lo, hi)
    if first is not None:
        hi = min(hi, lo + first)
    if last is not None:
        lo = max(lo, hi - last)
    edges = [{"cursor": cursor_of(i), "node": items[i]} for i in range(lo, hi)]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": hi < len(items),
            "hasPreviousPage": lo > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def orders_connection(view: _View, **page: Any) -> dict[str, Any]:
    key, orders = view.sort_key, view.orders

    def cursor_of(i: int) -> str:
        return encode_cursor(orders[i].numeric_id, key.format(key.value(orders[i])))

    return paginate(view.nodes, view.keys, cursor_of, lambda c: _decode_cursor(c, key, view.reverse), **page)


def webhooks_connection(nodes: list[dict[str, Any]], *, reverse: bool, **page: Any) -> dict[str, Any]:
    """Webhook subscriptions in id order."""
    return _by_id(nodes, [int(node["legacyResourceId"]) for node in nodes], reverse=reverse, **page)


def line_items_connection(items: list[dict[str, Any]], *, reverse: bool, **page: Any) -> dict[str, Any]:
    """Line items in id order (Shopify's only order for them)."""
    return _by_id(items, [int(item["id"].rsplit("/", 1)[1]) for item in items], reverse=reverse, **page)


def _by_id(items: list[dict[str, Any]], ids: list[int], *, reverse: bool, **page: Any) -> dict[str, Any]:
    ordered, ids = (items[::-1], ids[::-1]) if reverse else (items, ids)
    sign = -1 if reverse else 1
    keys = [(sign * i, sign * i) for i in ids]
    return paginate(
        ordered,
        keys,
        lambda i: encode_cursor(ids[i], str(ids[i])),
        lambda c: _decode_cursor(c, _ID_KEY, reverse),
        **page,
    )
