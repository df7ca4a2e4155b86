"""The six built-in platforms as the benchmark runs them: plugin, connector, emulator, floor, defaults.

Each emulator factory builds the platform's emulator with its rate limit off, so
no time goes to a simulated limit; factories run in the emulator's child
process (they are module-level, so ``spawn`` can pickle them), and import the
emulator only there.

For ``rate_limits.py`` each platform also has ``limited``, a factory of its
emulator at the platform's limit answering ``latency`` (low, high) seconds late,
``limit``, what that limit is, and ``minimum_seconds(orders, latency)``: the
shortest time any client can list a window of ``orders`` under that limit, the
fewest requests it needs (pages of the largest size, plus the calls it cannot
avoid) sent as soon as the limit and their dependencies allow, as many at once as
it likes, each answered ``latency`` seconds after it is sent (``schedule``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import plugins.bigcommerce
import plugins.ebay
import plugins.ecwid
import plugins.paypal
import plugins.shopify
import plugins.woocommerce
from bench.floors import FLOORS
from bench.harness import Floor
from plugins.paypal import connector as paypal_connector
from plugins.shopify import queries as shopify_queries
from server.platforms import PlatformConnector

__all__ = ["PLATFORMS", "Platform"]

UNLIMITED = 10**12


def shopify_emulator() -> Any:
    from plugins.shopify.emulator import ShopifyEmulator

    return ShopifyEmulator(bucket_size=UNLIMITED, restore_rate=UNLIMITED)  # 10^12 points, refilled at 10^12/s


def woocommerce_emulator() -> Any:
    from plugins.woocommerce.emulator import WooCommerceEmulator

    return WooCommerceEmulator()  # WooCommerce core has no rate limit


def bigcommerce_emulator() -> Any:
    from plugins.bigcommerce.emulator import BigCommerceEmulator

    return BigCommerceEmulator(quota=UNLIMITED)  # requests per 30 s window


def ebay_emulator() -> Any:
    from plugins.ebay.emulator import EbayEmulator

    return EbayEmulator()  # throttles only when told to


def ecwid_emulator() -> Any:
    from plugins.ecwid.emulator import EcwidEmulator

    return EcwidEmulator(requests_per_minute=UNLIMITED)


def paypal_emulator() -> Any:
    from plugins.paypal.emulator import PayPalEmulator

    return PayPalEmulator(reporting_lag=None)  # no reporting lag; throttles only when told to


# --- at the platforms' limits (rate_limits.py) --------------------------------------------------------


class Limit:
    """A rate limit as ``schedule`` applies it: when the next request may be sent at the earliest."""

    def earliest(self, sent: list[float], ready: float) -> float:
        """The earliest time at or after ``ready`` that the request after ``sent`` (their times) is admitted."""
        return ready


@dataclass(frozen=True)
class FixedWindows(Limit):
    """``quota`` requests per window of ``window`` seconds, the windows starting at 0 (BigCommerce's quota)."""

    quota: int
    window: float

    def earliest(self, sent: list[float], ready: float) -> float:
        return max(ready, len(sent) // self.quota * self.window)


@dataclass(frozen=True)
class SlidingWindow(Limit):
    """``limit`` requests in any ``window`` seconds (Ecwid's 600 a minute)."""

    limit: int
    window: float

    def earliest(self, sent: list[float], ready: float) -> float:
        return ready if len(sent) < self.limit else max(ready, sent[-self.limit] + self.window)


@dataclass
class CostBucket(Limit):
    """A leaky bucket of ``size`` points refilled at ``rate`` a second, full at 0; each request costs ``cost``."""

    size: float
    rate: float
    cost: float
    _level: float = -1.0
    _at: float = 0.0

    def earliest(self, sent: list[float], ready: float) -> float:
        level = self.size if not sent else min(self.size, self._level + (ready - self._at) * self.rate)
        moment = ready if level >= self.cost else ready + (self.cost - level) / self.rate
        self._level, self._at = max(0.0, level - self.cost) if level >= self.cost else 0.0, moment
        return moment


def schedule(rounds: Sequence[int], latency: float, limit: Limit) -> float:
    """Seconds to send ``rounds`` of requests, each round's only once the previous round is answered, every
    request as early as ``limit`` admits it and answered ``latency`` seconds later."""
    sent: list[float] = []
    ready = 0.0
    for count in rounds:
        answered = ready
        for _ in range(count):
            sent.append(limit.earliest(sent, ready))
            answered = max(answered, sent[-1] + latency)
        ready = answered
    return ready


def _pages(orders: int, size: int) -> int:
    return max(1, math.ceil(orders / size))


def _late(emulator: Any, latency: tuple[float, float]) -> Any:
    """``emulator`` whose app answers ``latency`` (low, high) seconds late: for one without that option."""
    from server.platforms.testing import latency_middleware

    build = emulator.app

    def app() -> Any:
        served = build()
        served.middlewares.insert(0, latency_middleware(*latency))
        return served

    emulator.app = app
    return emulator


# Shopify: a Standard store's cost bucket; large windows through a bulk operation.
SHOPIFY_BUCKET = CostBucket(
    size=2000.0, rate=100.0, cost=shopify_queries.orders_query_cost(shopify_queries.ORDERS_PAGE_SIZE)
)
"""A Standard store: 100 points/s (shopify.dev GraphQL Admin rate limits) and a 2,000-point bucket (what Standard
stores report as ``maximumAvailable``); ``cost`` is what one page of ``ORDERS_PAGE_SIZE`` orders requests."""
SHOPIFY_BULK_STARTUP = 1.0
SHOPIFY_BULK_OBJECTS_PER_SECOND = 2_000.0
"""The emulator's model of a bulk operation's run (Shopify publishes no figure): CREATED for the startup, then
this many JSONL objects (orders and line items) a second."""


def shopify_limited(latency: tuple[float, float]) -> Any:
    from plugins.shopify.emulator import ShopifyEmulator

    return ShopifyEmulator(
        bucket_size=SHOPIFY_BUCKET.size,
        restore_rate=SHOPIFY_BUCKET.rate,
        bulk_startup=SHOPIFY_BULK_STARTUP,
        bulk_objects_per_second=SHOPIFY_BULK_OBJECTS_PER_SECOND,
        latency=latency,
    )


def _shopify_line_items() -> float:
    """Line items per order in the emulator's random orders (their mean)."""
    from plugins.shopify.emulator.fake import LINE_COUNTS

    return sum(LINE_COUNTS) / len(LINE_COUNTS)


def shopify_rounds(orders: int) -> list[int]:
    """The fewer of: cursor pages of ``ORDERS_PAGE_SIZE`` one after the other, or ``ordersCount`` (to know the
    window is large), ``bulkOperationRunQuery``, the poll that finds it COMPLETED and the file's GET."""
    pages = [1] * _pages(orders, shopify_queries.ORDERS_PAGE_SIZE)
    return pages if len(pages) < 4 else [1, 1, 1, 1]


def _shopify_paging(orders: int, latency: float) -> float:
    """Pages sent one after the other, each once the bucket holds its requested cost; each charged its actual
    cost (the connection, and per order 8 points plus 5 a line item), the rest refunded."""
    size, rate = SHOPIFY_BUCKET.size, SHOPIFY_BUCKET.rate
    per_order = 8 + 5 * _shopify_line_items()
    level, now, left = size, 0.0, orders
    while True:
        page = min(left, shopify_queries.ORDERS_PAGE_SIZE)
        requested = shopify_queries.orders_query_cost(shopify_queries.ORDERS_PAGE_SIZE)
        if level < requested:
            now += (requested - level) / rate
            level = requested
        level -= shopify_queries.ORDERS_QUERY_OVERHEAD + page * per_order
        now += latency
        level = min(size, level + latency * rate)
        left -= page
        if left <= 0:
            return now


def _shopify_bulk(orders: int, latency: float) -> float:
    """``ordersCount``, the mutation, the operation's run in the emulator's model, one poll, the file."""
    objects = orders * (1 + _shopify_line_items())
    return 4 * latency + SHOPIFY_BULK_STARTUP + objects / SHOPIFY_BULK_OBJECTS_PER_SECOND


def shopify_minimum(orders: int, latency: float) -> float:
    """The faster of paging at a Standard store's bucket and one bulk operation (whose run is not limited by
    the bucket: its cost is the mutation's 10 points and a point a poll)."""
    return min(_shopify_paging(orders, latency), _shopify_bulk(orders, latency))


# WooCommerce: no limit in core; the stand-in is WooCommerce's Store API default (emulator's limits module).
WOOCOMMERCE_LIMIT = FixedWindows(quota=25, window=10.0)


def woocommerce_limited(latency: tuple[float, float]) -> Any:
    from plugins.woocommerce.emulator import WooCommerceEmulator
    from plugins.woocommerce.emulator.limits import STORE_API_DEFAULT

    return WooCommerceEmulator(rate_limit=STORE_API_DEFAULT, latency=latency)


def woocommerce_rounds(orders: int) -> list[int]:
    """Page 1 of 100 (``X-WP-TotalPages``), then every other page at once."""
    return [1, _pages(orders, 100) - 1]


def woocommerce_minimum(orders: int, latency: float) -> float:
    return schedule(woocommerce_rounds(orders), latency, WOOCOMMERCE_LIMIT)


BIGCOMMERCE_LIMIT = FixedWindows(quota=150, window=30.0)  # Standard and Plus plans


def bigcommerce_limited(latency: tuple[float, float]) -> Any:
    from plugins.bigcommerce.emulator import BigCommerceEmulator

    return BigCommerceEmulator(quota=BIGCOMMERCE_LIMIT.quota, window=BIGCOMMERCE_LIMIT.window, latency=latency)


def bigcommerce_rounds(orders: int) -> list[int]:
    """``GET /orders/count`` (the listing carries no total), then every page of 250 at once, line items embedded."""
    return [1, _pages(orders, 250)]


def bigcommerce_minimum(orders: int, latency: float) -> float:
    return schedule(bigcommerce_rounds(orders), latency, BIGCOMMERCE_LIMIT)


EBAY_LIMIT = FixedWindows(quota=5_000, window=86_400.0)  # a daily quota; no per-second rate published


def ebay_limited(latency: tuple[float, float]) -> Any:
    from plugins.ebay.emulator import EbayEmulator
    from plugins.ebay.emulator.limits import DEFAULT_DAILY_CALLS

    return EbayEmulator(daily_calls=DEFAULT_DAILY_CALLS, latency=latency)


def ebay_rounds(orders: int) -> list[int]:
    """A token, offset 0 of 200 (the ``total``), then every other offset at once."""
    return [1, 1, _pages(orders, 200) - 1]


def ebay_minimum(orders: int, latency: float) -> float:
    return schedule(ebay_rounds(orders), latency, EBAY_LIMIT)


ECWID_LIMIT = SlidingWindow(limit=600, window=60.0)


def ecwid_limited(latency: tuple[float, float]) -> Any:
    from plugins.ecwid.emulator import EcwidEmulator

    return EcwidEmulator(requests_per_minute=ECWID_LIMIT.limit, latency=latency)


def ecwid_rounds(orders: int) -> list[int]:
    """The profile (the currency) beside offset 0 of 100 (the ``total``), then every other offset at once."""
    return [2, _pages(orders, 100) - 1]


def ecwid_minimum(orders: int, latency: float) -> float:
    return schedule(ecwid_rounds(orders), latency, ECWID_LIMIT)


PAYPAL_LIMIT = SlidingWindow(limit=600, window=60.0)  # a stand-in: PayPal publishes no figure


def paypal_limited(latency: tuple[float, float]) -> Any:
    from plugins.paypal.emulator import PayPalEmulator
    from plugins.paypal.emulator.limits import REQUESTS_PER_MINUTE

    return PayPalEmulator(reporting_lag=None, requests_per_minute=REQUESTS_PER_MINUTE, latency=latency)


def paypal_rounds(orders: int) -> list[int]:
    """A token, search page 1 of 500 rows (at least one a payment), then the other pages with every capture
    lookup, then every order lookup (a capture names its order)."""
    return [1, 1, _pages(orders, 500) - 1 + orders, orders]


def paypal_minimum(orders: int, latency: float) -> float:
    return schedule(paypal_rounds(orders), latency, PAYPAL_LIMIT)


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    plugin: ModuleType
    connector: type[PlatformConnector]
    emulator: Callable[[], Any]
    floor: Floor
    default_orders: int
    offset_paged: bool  # numbered or offset pages: page_concurrency applies
    requests: str  # what listing the window costs, for the report
    limited: Callable[[tuple[float, float]], Any]  # the emulator at the platform's limit, answering late
    limit: str  # that limit, for the report
    minimum_rounds: Callable[[int], list[int]]  # the fewest requests for a window of N orders, by dependency
    minimum_seconds: Callable[[int, float], float]  # the shortest time for N orders at a latency (seconds)


PLATFORMS = {
    p.id: p
    for p in (
        Platform(
            "shopify",
            "Shopify",
            plugins.shopify,
            plugins.shopify.ShopifyConnector,
            shopify_emulator,
            FLOORS["shopify"],
            default_orders=5_000,
            offset_paged=False,
            requests="one GraphQL page; for a large window ordersCount, then a bulk operation and its JSONL file",
            limited=shopify_limited,
            limit="a Standard store's cost bucket: 2,000 points restored at 100 a second",
            minimum_rounds=shopify_rounds,
            minimum_seconds=shopify_minimum,
        ),
        Platform(
            "woocommerce",
            "WooCommerce",
            plugins.woocommerce,
            plugins.woocommerce.WooCommerceConnector,
            woocommerce_emulator,
            FLOORS["woocommerce"],
            default_orders=5_000,
            offset_paged=True,
            requests="numbered pages of 100 orders, each OAuth 1.0a-signed (plain HTTP)",
            limited=woocommerce_limited,
            limit="25 requests per 10 s window (stand-in: WooCommerce's Store API default)",
            minimum_rounds=woocommerce_rounds,
            minimum_seconds=woocommerce_minimum,
        ),
        Platform(
            "bigcommerce",
            "BigCommerce",
            plugins.bigcommerce,
            plugins.bigcommerce.BigCommerceConnector,
            bigcommerce_emulator,
            FLOORS["bigcommerce"],
            default_orders=5_000,
            offset_paged=True,
            requests="GET /orders/count, then numbered pages of 250 orders, their line items embedded "
            "(include=consignments.line_items)",
            limited=bigcommerce_limited,
            limit="150 requests per 30 s window (Standard and Plus plans)",
            minimum_rounds=bigcommerce_rounds,
            minimum_seconds=bigcommerce_minimum,
        ),
        Platform(
            "ebay",
            "eBay",
            plugins.ebay,
            plugins.ebay.EbayConnector,
            ebay_emulator,
            FLOORS["ebay"],
            default_orders=5_000,
            offset_paged=True,
            requests="a token, then offset pages of 200 orders",
            limited=ebay_limited,
            limit="5,000 calls a day (a new keyset's default; eBay publishes no per-second rate)",
            minimum_rounds=ebay_rounds,
            minimum_seconds=ebay_minimum,
        ),
        Platform(
            "ecwid",
            "Ecwid",
            plugins.ecwid,
            plugins.ecwid.EcwidConnector,
            ecwid_emulator,
            FLOORS["ecwid"],
            default_orders=5_000,
            offset_paged=True,
            requests="the store profile, then offset pages of 100 orders",
            limited=ecwid_limited,
            limit="600 requests in any 60 s per token",
            minimum_rounds=ecwid_rounds,
            minimum_seconds=ecwid_minimum,
        ),
        Platform(
            "paypal",
            "PayPal",
            plugins.paypal,
            plugins.paypal.PayPalConnector,
            paypal_emulator,
            FLOORS["paypal"],
            default_orders=1_000,
            offset_paged=True,
            requests=(
                "a token, Transaction Search pages of 500 rows (read twice when there are several), "
                f"then GET capture and GET order for every payment, {paypal_connector.LOOKUPS} at a time"
            ),
            limited=paypal_limited,
            limit="600 requests in any 60 s (stand-in: PayPal publishes no figure)",
            minimum_rounds=paypal_rounds,
            minimum_seconds=paypal_minimum,
        ),
    )
}
