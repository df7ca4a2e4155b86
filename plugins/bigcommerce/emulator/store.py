"""The emulated store's orders: kept sorted by creation time, filtered and sorted once per query.

``GET /v2/orders`` pages by offset, so each distinct filter-and-sort is computed once (the
creation-time range by ``bisect`` on the pre-sorted index) and cached until the store changes;
a page is then a slice. Each order's JSON, plain or with what ``include`` embeds, is encoded
once until the order changes, so a page body is a join.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

_CACHE_SIZE = 32
_NEVER = -(1 << 62)
_FOREVER = 1 << 62


@dataclass(slots=True)
class StoredOrder:
    """An order as served plus the keys filtering and sorting use (times in epoch seconds)."""

    payload: dict[str, Any]
    products: list[dict[str, Any]]
    created: int
    modified: int
    _encoded: bytes | None = field(default=None, repr=False)
    _expansions: dict[Hashable, bytes] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    def encoded(self) -> bytes:
        """The order's JSON, encoded once until the order changes."""
        if self._encoded is None:
            self._encoded = json.dumps(self.payload, separators=(",", ":")).encode()
        return self._encoded

    def encoded_as(self, variant: Hashable, build: Callable[[], dict[str, Any]]) -> bytes:
        """The JSON of ``build()`` (the order with what one ``include`` embeds), encoded once per ``variant``
        until the order changes."""
        if (encoded := self._expansions.get(variant)) is None:
            encoded = self._expansions[variant] = json.dumps(build(), separators=(",", ":")).encode()
        return encoded


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """The documented ``/v2/orders`` filters; ``None`` is "not given". Times are epoch seconds, inclusive.

    Without ``status_id`` the list leaves out Incomplete (status 0) orders; without
    ``is_deleted`` it leaves out archived ones (``is_deleted=true`` lists only those).
    """

    min_id: int | None = None
    max_id: int | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    customer_id: int | None = None
    email: str | None = None
    status_id: int | None = None
    cart_id: str | None = None
    payment_method: str | None = None
    min_created: int | None = None
    max_created: int | None = None
    min_modified: int | None = None
    max_modified: int | None = None
    channel_id: int | None = None
    external_order_id: str | None = None
    is_deleted: bool | None = None

    def accepts(self, order: StoredOrder, *, include_incomplete: bool = False) -> bool:
        p = order.payload
        if bool(p["is_deleted"]) != bool(self.is_deleted):
            return False
        if self.status_id is None:
            if p["status_id"] == 0 and not include_incomplete:
                return False
        elif p["status_id"] != self.status_id:
            return False
        checks = (
            self.min_id is None or order.id >= self.min_id,
            self.max_id is None or order.id <= self.max_id,
            self.min_total is None or Decimal(p["total_inc_tax"]) >= self.min_total,
            self.max_total is None or Decimal(p["total_inc_tax"]) <= self.max_total,
            self.customer_id is None or p["customer_id"] == self.customer_id,
            self.email is None or p["billing_address"]["email"].lower() == self.email.lower(),
            self.cart_id is None or p["cart_id"] == self.cart_id,
            self.payment_method is None or p["payment_method"].lower() == self.payment_method.lower(),
            self.min_created is None or order.created >= self.min_created,
            self.max_created is None or order.created <= self.max_created,
            self.min_modified is None or order.modified >= self.min_modified,
            self.max_modified is None or order.modified <= self.max_modified,
            self.channel_id is None or p["channel_id"] == self.channel_id,
            self.external_order_id is None or p["external_order_id"] == self.external_order_id,
        )
        return all(checks)


SORT_KEYS: dict[str, Callable[[StoredOrder], Any]] = {
    "id": lambda o: o.id,
    "customer_id": lambda o: o.payload["customer_id"],
    "date_created": lambda o: o.created,
    "date_modified": lambda o: o.modified,
    "status_id": lambda o: o.payload["status_id"],
    "channel_id": lambda o: o.payload["channel_id"],
    "external_id": lambda o: o.payload["external_id"] or "",
}
"""The documented ``sort`` fields; ties are broken by ascending id."""


class OrderStore:
    """The orders by id, an index sorted by ``(created, id)``, and cached query results."""

    def __init__(self) -> None:
        self._by_id: dict[int, StoredOrder] = {}
        self._max_id = 0
        self._index: list[tuple[int, int]] = []
        self._views: OrderedDict[tuple[OrderFilter, str, bool], list[StoredOrder]] = OrderedDict()

    def add(self, order: StoredOrder) -> None:
        if order.id in self._by_id:
            raise ValueError(f"order {order.id} already exists")
        self._by_id[order.id] = order
        self._max_id = max(self._max_id, order.id)
        insort(self._index, (order.created, order.id))
        self._views.clear()

    def get(self, order_id: int) -> StoredOrder | None:
        return self._by_id.get(order_id)

    def oldest_first(self) -> list[StoredOrder]:
        """Every order, archived and Incomplete ones included, by creation time then id."""
        return [self._by_id[order_id] for _, order_id in self._index]

    def changed(self, order: StoredOrder) -> None:
        """Call after changing an order's payload (status, archiving): drops its JSON and cached results."""
        order._encoded = None
        order._expansions.clear()
        self._views.clear()

    def max_id(self) -> int:
        return self._max_id

    def select(self, where: OrderFilter, sort: str = "id", descending: bool = False) -> list[StoredOrder]:
        """The orders ``where`` accepts, sorted; the list is shared with later calls, so don't mutate it."""
        key = (where, sort, descending)
        if (cached := self._views.get(key)) is not None:
            self._views.move_to_end(key)
            return cached
        orders = [o for o in self._created_within(where) if where.accepts(o)]
        if sort != "date_created":
            sort_key = SORT_KEYS[sort]
            orders.sort(key=lambda o: (sort_key(o), o.id))
        if descending:
            value = SORT_KEYS[sort]
            orders.sort(key=value, reverse=True)  # stable: equal values keep ascending ids
        self._views[key] = orders
        if len(self._views) > _CACHE_SIZE:
            self._views.popitem(last=False)
        return orders

    def count_by_status(self, where: OrderFilter) -> dict[int, int]:
        """``/v2/orders/count``: how many orders ``where`` accepts per status, Incomplete included."""
        counts: dict[int, int] = {}
        for order in self._created_within(where):
            if where.accepts(order, include_incomplete=True):
                status = order.payload["status_id"]
                counts[status] = counts.get(status, 0) + 1
        return counts

    def _created_within(self, where: OrderFilter) -> list[StoredOrder]:
        """The orders created within ``where``'s creation-time bounds (by ``bisect`` on the index), oldest first."""
        low = (_NEVER if where.min_created is None else where.min_created, _NEVER)
        high = (_FOREVER if where.max_created is None else where.max_created, _FOREVER)
        span = self._index[bisect_left(self._index, low) : bisect_right(self._index, high)]
        return [self._by_id[order_id] for _, order_id in span]
