"""The emulated store's orders: id lookups and the ``GET /orders`` search.

Orders are kept newest first (``createTimestamp`` descending, then ``internalId``
descending). Each payment-status selection gets a cached view with its creation times,
so a ``createdFrom``/``createdTo`` window is two bisects and a page is a slice; each
order's JSON is encoded when it is added, so a page body is a join.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .query import UNFINISHED, OrderQuery


@dataclass(slots=True)
class StoredOrder:
    """An order as served (``payload``, encoded once as ``body``) plus the keys lookups and filters use."""

    payload: dict[str, Any]
    order_id: str
    uid: str
    internal_id: int
    created: int
    updated: int
    payment_status: str
    fulfillment_status: str
    email: str
    body: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.encode()

    def encode(self) -> None:
        """Encode the payload as served; call again after changing it."""
        self.body = json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode()

    @property
    def sort_key(self) -> tuple[int, int]:
        return (-self.created, -self.internal_id)


@dataclass(frozen=True, slots=True)
class _View:
    """The orders with one selection of payment statuses, newest first, and their negated creation times."""

    orders: list[StoredOrder]
    neg_created: list[int]


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    items: list[StoredOrder]


class OrderStore:
    """Every order of the store, findable by each id form, searchable like ``GET /orders``."""

    def __init__(self) -> None:
        self._sorted: list[tuple[tuple[int, int], int]] = []  # (sort key, index into _orders)
        self._orders: list[StoredOrder] = []
        self._by_id: dict[str, StoredOrder] = {}
        self._by_internal: dict[str, StoredOrder] = {}
        self._by_uid: dict[str, StoredOrder] = {}
        self._views: dict[frozenset[str] | None, _View] = {}

    def add(self, order: StoredOrder) -> None:
        internal = str(order.internal_id)
        if order.order_id in self._by_id or internal in self._by_internal:
            raise ValueError(f"order {order.order_id} (internal id {internal}) already exists")
        insort(self._sorted, (order.sort_key, len(self._orders)))
        self._orders.append(order)
        self._by_id[order.order_id] = order
        self._by_internal[internal] = order
        self._by_uid.setdefault(order.uid, order)
        self._views.clear()

    def changed(self) -> None:
        """Call after changing an order's statuses: the cached views by payment status are stale."""
        self._views.clear()

    def oldest_first(self) -> list[StoredOrder]:
        """Every order, unfinished ones included, by creation time then ``internalId``."""
        return [self._orders[i] for _, i in reversed(self._sorted)]

    def find(self, reference: str) -> StoredOrder | None:
        """The order whose id (with prefix/suffix), ``internalId`` or bare id is ``reference``, exactly."""
        return self._by_id.get(reference) or self._by_internal.get(reference) or self._by_uid.get(reference)

    def search(self, query: OrderQuery) -> SearchResult:
        if query.ids is not None:
            found = {o.internal_id: o for o in map(self.find, query.ids) if o is not None}
            matches = sorted(filter(query.accepts, found.values()), key=lambda o: o.sort_key)
            return SearchResult(len(matches), matches[query.offset : query.offset + query.limit])
        view = self._view(query.payment_statuses)
        lo = 0 if query.created_to is None else bisect_left(view.neg_created, -query.created_to)
        hi = len(view.orders) if query.created_from is None else bisect_right(view.neg_created, -query.created_from)
        if query.needs_scan:
            matches = [o for o in view.orders[lo:hi] if query.accepts(o)]
            return SearchResult(len(matches), matches[query.offset : query.offset + query.limit])
        start = lo + query.offset
        return SearchResult(max(hi - lo, 0), view.orders[start : max(start, min(hi, start + query.limit))])

    def _view(self, statuses: frozenset[str] | None) -> _View:
        """Orders with one of ``statuses`` (``None``: every status but unfinished), cached until the next change."""
        view = self._views.get(statuses)
        if view is None:
            ordered: Iterable[StoredOrder] = (self._orders[i] for _, i in self._sorted)
            if statuses is None:
                orders = [o for o in ordered if o.payment_status != UNFINISHED]
            else:
                orders = [o for o in ordered if o.payment_status in statuses]
            view = self._views[statuses] = _View(orders, [-o.created for o in orders])
        return view
