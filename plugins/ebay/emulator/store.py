"""The seller's orders: looked up by any id form, listed by creation time with ``bisect``.

Orders are kept sorted by ``(creationDate, arrival)`` (re-sorted lazily after
additions), so a creation-date window is two binary searches and a page is a
slice: listing 10,000 orders 200 at a time stays cheap. Orders whose checkout is
not complete are held apart and served by no endpoint until revealed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from .orders import StoredOrder


class OrderStore:
    def __init__(self) -> None:
        self._entries: list[tuple[tuple[int, int], StoredOrder]] = []
        self._keys: list[tuple[int, int]] = []
        self._sorted: list[StoredOrder] = []
        self._dirty = False
        self._by_reference: dict[str, StoredOrder] = {}
        self._hidden: dict[str, StoredOrder] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, order: StoredOrder, *, visible: bool = True) -> None:
        if order.order_id in self._by_reference or order.order_id in self._hidden:
            raise ValueError(f"order {order.order_id} already exists")
        if visible:
            self._index(order)
        else:
            self._hidden[order.order_id] = order

    def reveal(self, order_id: str) -> StoredOrder:
        """Complete a held-back checkout: the order appears, with its original ``creationDate``."""
        order = self._hidden.pop(order_id)
        self._index(order)
        return order

    def get(self, reference: str) -> StoredOrder | None:
        """The order whose ``orderId`` or legacy id is ``reference``."""
        return self._by_reference.get(reference)

    def visible(self) -> list[StoredOrder]:
        """Every order served (checkout complete), oldest first."""
        self._index_keys()
        return list(self._sorted)

    def window(self, start: int, end: int) -> tuple[int, int]:
        """Positions ``[i, j)`` of the orders created in ``[start, end]`` (epoch ms, both inclusive)."""
        keys = self._index_keys()
        return bisect_left(keys, (start, -1)), bisect_left(keys, (end + 1, -1))

    def between(self, i: int, j: int) -> list[StoredOrder]:
        """Orders at positions ``[i, j)``, oldest first."""
        self._index_keys()
        return self._sorted[i:j]

    def select(self, start: int, end: int, keep: Callable[[StoredOrder], bool]) -> list[StoredOrder]:
        """Orders created in ``[start, end]`` that ``keep`` accepts, oldest first."""
        return [order for order in self.between(*self.window(start, end)) if keep(order)]

    def _index(self, order: StoredOrder) -> None:
        self._entries.append(((order.created, len(self._entries)), order))
        for reference in (order.order_id, *order.aliases):
            self._by_reference.setdefault(reference, order)
        self._dirty = True

    def _index_keys(self) -> list[tuple[int, int]]:
        if self._dirty:
            self._entries.sort(key=lambda entry: entry[0])
            self._keys = [key for key, _ in self._entries]
            self._sorted = [order for _, order in self._entries]
            self._dirty = False
        return self._keys
