"""The app's cost bucket as Shopify last reported it, and the pause that keeps a query from being THROTTLED.

Every GraphQL Admin answer carries ``extensions.cost``: ``requestedQueryCost`` (what the
query could cost, which the bucket must hold before it runs), ``actualQueryCost`` (what it
did cost, the difference refunded) and ``throttleStatus`` (``maximumAvailable``,
``currentlyAvailable``, ``restoreRate`` points per second). The bucket refills continuously
(https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits), so the points available
at a later moment follow from the last report; a query is sent once they cover its requested
cost instead of being sent, refused and retried.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .queries import MAX_QUERY_COST

__all__ = ["CostBudget", "CostReport"]


@dataclass(frozen=True, slots=True)
class CostReport:
    """One answer's ``extensions.cost``."""

    requested: float
    actual: float | None
    maximum: float
    available: float
    restore_rate: float


class CostBudget:
    """What a connector knows of its cost bucket; ``clock`` and ``sleep`` are replaceable for tests."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.last: CostReport | None = None
        self._stamp = 0.0

    def observe(self, extensions: Any) -> CostReport | None:
        """Read an answer's ``extensions``; ``None`` (and nothing learned) when it carries no usable cost."""
        try:
            cost = extensions["cost"]
            status = cost["throttleStatus"]
            report = CostReport(
                requested=float(cost["requestedQueryCost"]),
                actual=None if cost.get("actualQueryCost") is None else float(cost["actualQueryCost"]),
                maximum=float(status["maximumAvailable"]),
                available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if report.restore_rate <= 0 or report.maximum <= 0:
            return None
        self.last, self._stamp = report, self.clock()
        return report

    def available(self) -> float | None:
        """Points in the bucket now, from the last report and the time since (``None`` before any report)."""
        if self.last is None:
            return None
        refilled = self.last.available + (self.clock() - self._stamp) * self.last.restore_rate
        return min(self.last.maximum, refilled)

    @property
    def query_limit(self) -> float:
        """The most one query may request: the single-query limit, or the bucket when it is smaller."""
        return MAX_QUERY_COST if self.last is None else min(MAX_QUERY_COST, self.last.maximum)

    def wait_for(self, cost: float) -> float:
        """Seconds until the bucket holds ``cost`` points (0 when it does, or when nothing was reported yet)."""
        available = self.available()
        if available is None or self.last is None or available >= cost:
            return 0.0
        return (min(cost, self.last.maximum) - available) / self.last.restore_rate

    async def afford(self, cost: float) -> None:
        """Wait until a query requesting ``cost`` points would run."""
        if (wait := self.wait_for(cost)) > 0:
            await self.sleep(wait)

    def paging_wait(self, orders: int, points_per_order: float) -> float:
        """Seconds of refill that listing ``orders`` more, at ``points_per_order`` actual cost, would wait for."""
        available = self.available()
        if available is None or self.last is None:
            return 0.0
        return max(0.0, orders * points_per_order - available) / self.last.restore_rate
