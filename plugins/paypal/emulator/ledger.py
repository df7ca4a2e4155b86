"""The account's reporting rows, kept sorted by initiation time so a date window is two bisects."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from .rows import Row


@dataclass(frozen=True, slots=True)
class _View:
    rows: list[Row]
    keys: list[int]


class Ledger:
    """All rows, and the balance-affecting ones, each sorted by ``at`` (ties in insertion order)."""

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self._rows: list[Row] = list(rows)
        self._views: dict[bool, _View] = {}

    def add(self, rows: Iterable[Row]) -> None:
        self._rows.extend(rows)
        self._views.clear()

    def replace(self, transaction_ids: Iterable[str], rows: Iterable[Row]) -> None:
        """Drop the rows of ``transaction_ids`` and add ``rows`` (an order's rows after a change)."""
        gone = set(transaction_ids)
        self._rows = [row for row in self._rows if row.transaction_id not in gone]
        self.add(rows)

    def window(self, start: float, end: float, *, balance_only: bool) -> Sequence[Row]:
        """Rows initiated in ``[start, end]`` (epoch seconds, both inclusive), oldest first; a view, not a copy."""
        view = self._view(balance_only)
        lo = bisect_left(view.keys, start)
        hi = bisect_right(view.keys, end)
        return _Slice(view.rows, lo, max(lo, hi))

    def _view(self, balance_only: bool) -> _View:
        view = self._views.get(balance_only)
        if view is None:
            rows = sorted((r for r in self._rows if r.balance_affecting or not balance_only), key=lambda r: r.at)
            view = self._views[balance_only] = _View(rows, [r.at for r in rows])
        return view


class _Slice(Sequence[Row]):
    """``rows[lo:hi]`` without copying; slicing it copies only the slice asked for."""

    def __init__(self, rows: list[Row], lo: int, hi: int) -> None:
        self._rows, self._lo, self._hi = rows, lo, hi

    def __len__(self) -> int:
        return self._hi - self._lo

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return self._rows[self._lo + start : self._lo + stop : step]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._rows[self._lo + index % len(self)]
