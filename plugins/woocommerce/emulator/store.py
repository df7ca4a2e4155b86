"""The site's orders: an index sorted by creation time, and cached filtered views of it.

Date bounds reach the store already turned into epoch seconds (``dates``
decides how WordPress reads them), so an ``after``/``before`` window is two
``bisect`` calls on the index. Each distinct query's result is computed once
and kept until the next order arrives; a page is then a slice. Sorting is by
creation time then id (``orderby=date``, and ``title``/``slug``, whose post
titles are dates too), id, modification time then id, or the ``include`` order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass

from .orders import StoredOrder
from .php import absint, is_numeric

__all__ = ["OrderStore", "View"]

_CACHE_SIZE = 32
_MAX_ID = 2**63


@dataclass(frozen=True, slots=True)
class View:
    """One listing query, with everything a page of it depends on but the page itself.

    ``statuses`` ``None`` is WordPress's ``any``: every status but ``hidden`` (an
    empty set, from ``status=``, lists nothing). Bounds are exclusive, as
    ``WP_Date_Query`` compares without ``inclusive``.
    """

    statuses: frozenset[str] | None
    hidden: frozenset[str]
    search: str
    include: tuple[int, ...]
    exclude: tuple[int, ...]
    after: int | None
    before: int | None
    orderby: str
    descending: bool
    number_searchable: bool


class OrderStore:
    def __init__(self) -> None:
        self._by_id: dict[int, StoredOrder] = {}
        self._keys: list[tuple[int, int]] = []
        self._sorted: list[StoredOrder] = []
        self._views: OrderedDict[View, list[StoredOrder]] = OrderedDict()

    def add(self, order: StoredOrder) -> None:
        key = (order.created, order.id)
        index = bisect_right(self._keys, key)
        self._keys.insert(index, key)
        self._sorted.insert(index, order)
        self._by_id[order.id] = order
        self._views.clear()

    def get(self, order_id: int) -> StoredOrder | None:
        return self._by_id.get(order_id)

    def changed(self) -> None:
        """Call after changing an order in place (its status, a refund): cached views are stale."""
        self._views.clear()

    def oldest_first(self) -> list[StoredOrder]:
        """Every order, by creation time then id."""
        return list(self._sorted)

    def select(self, view: View) -> list[StoredOrder]:
        """The orders ``view`` lists, in its order; cached until the next ``add`` or change."""
        if (cached := self._views.get(view)) is not None:
            self._views.move_to_end(view)
            return cached
        low = 0 if view.after is None else bisect_right(self._keys, (view.after, _MAX_ID))
        high = len(self._keys) if view.before is None else bisect_left(self._keys, (view.before, -1))
        matches = [order for order in self._sorted[low:high] if _matches(order, view)]
        if view.orderby == "id":
            matches.sort(key=lambda order: order.id)
        elif view.orderby == "modified":
            matches.sort(key=lambda order: (order.modified, order.id))
        if view.orderby == "include" and view.include:  # FIELD(ID, ...): the given order, whatever ``order`` says
            position = {order_id: i for i, order_id in enumerate(view.include)}
            matches.sort(key=lambda order: position[order.id])
        elif view.descending:
            matches.reverse()
        self._views[view] = matches
        if len(self._views) > _CACHE_SIZE:
            self._views.popitem(last=False)
        return matches


def _matches(order: StoredOrder, view: View) -> bool:
    listed = order.status not in view.hidden if view.statuses is None else order.status in view.statuses
    if not listed:
        return False
    if view.include and order.id not in view.include:
        return False
    if order.id in view.exclude:
        return False
    return not view.search or _found(order, view.search, view.number_searchable)


def _found(order: StoredOrder, term: str, number_searchable: bool) -> bool:
    """``wc_order_search``: a numeric term is an order id; any term matches address, email, phone, items.

    A numbering plugin's own number (one that differs from the id) matches too when it
    registers it as a search field.
    """
    if is_numeric(term) and absint(term) == order.id:
        return True
    needle = term.casefold()
    if number_searchable and order.number != str(order.id) and needle in order.number.casefold():
        return True
    return any(needle in text for text in order.haystack)
