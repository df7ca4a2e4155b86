"""Benchmark: a time-window import at each platform's real rate limit, against the shortest time that limit allows.

    python bench/rate_limits.py [--platform all|P[,P...]] [--orders 5000] [--latency-ms 50-100] [--rounds 1]
                                [--budget-seconds 120] [--hours 6] [--seed 0]

For each platform (``--platform shopify|woocommerce|bigcommerce|ebay|ecwid|paypal|all``), the
emulator runs in a child process at the platform's published limit (or the documented stand-in where
the platform publishes none; ``platforms``), every answer ``--latency-ms`` late (a range: each answer
drawn uniformly from it), holding ``--orders`` random orders created in the window. Each round runs:

minimum
    Computed, not measured (``platforms``' ``minimum_seconds``): the fewest requests any client needs
    for the window, sent as early as the limit and their dependencies allow, as many at once as it
    likes, each answered the mean latency later.
floor
    The bare aiohttp loop of ``import_orders.py`` (``floors``): the connector's requests, no mapping,
    no database; a 429 is waited out as its headers say.
product
    The real app: ``connectStore`` then ``importOrders`` over HTTP on a fresh SQLite file, timed to the
    job's ``finishedAt`` (``harness.run_product``).

Between the parts (after the product's ``connectStore``, whose credential check is a request too) the
benchmark waits until the limit has recovered (a full window or bucket) when two parts' requests could
not both fit in it, so that the import pays for no other request. A platform
whose minimum for ``--orders`` exceeds ``--budget-seconds`` is run with the most orders (in hundreds)
whose minimum fits, and the report says so and gives the minimum for ``--orders``. Rounds default to 1:
at the limits a run is long; medians are taken when ``--rounds`` is more. Any mismatch exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

# Runnable as ``python bench/rate_limits.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import platforms as limits
from bench.harness import Emulator, Mismatch, emulator_process, fresh_database, run_floor, run_product
from bench.platforms import PLATFORMS, Platform

TARGET = 1.1  # the goal: product within 1.1x of the minimum


def recovery_seconds(platform: Platform) -> tuple[float, int]:
    """How long the platform's limit takes to recover in full, and how many requests fit in it at once."""
    recovery: dict[str, tuple[float, int]] = {
        "shopify": (limits.SHOPIFY_BUCKET.size / limits.SHOPIFY_BUCKET.rate, 1),  # any two pages may not fit
        "woocommerce": (limits.WOOCOMMERCE_LIMIT.window, limits.WOOCOMMERCE_LIMIT.quota),
        "bigcommerce": (limits.BIGCOMMERCE_LIMIT.window, limits.BIGCOMMERCE_LIMIT.quota),
        "ebay": (0.0, limits.EBAY_LIMIT.quota),  # a day's quota: never recovered within a run, never needed
        "ecwid": (limits.ECWID_LIMIT.window, limits.ECWID_LIMIT.limit),
        "paypal": (limits.PAYPAL_LIMIT.window, limits.PAYPAL_LIMIT.limit),
    }
    return recovery[platform.id]


def orders_within(platform: Platform, orders: int, latency: float, budget: float) -> int:
    """``orders``, or the most orders in hundreds whose minimum fits ``budget`` (at least 100)."""
    if budget <= 0 or platform.minimum_seconds(orders, latency) <= budget:
        return orders
    fitting = 100
    for count in range(100, orders, 100):
        if platform.minimum_seconds(count, latency) > budget:
            break
        fitting = count
    return fitting


@dataclass
class Round:
    floor: float
    product: float
    floor_requests: int
    product_requests: int


@dataclass
class Result:
    platform: Platform
    orders: int
    asked: int
    minimum: float
    minimum_requests: int
    rounds: list[Round] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(r, name) for r in self.rounds)

    @property
    def ratio(self) -> float:
        return self.median("product") / self.minimum


HEADER = (
    f"{'round':>6} {'minimum s':>10} {'floor s':>8} {'product s':>10} {'floor/min':>10} {'product/min':>12}"
    f" {'requests min/floor/product':>27}"
)


def _row(label: str, minimum: float, floor: float, product: float, requests: tuple[int, int, int]) -> str:
    shown = "/".join(str(n) for n in requests)
    return (
        f"{label:>6} {minimum:>10.2f} {floor:>8.2f} {product:>10.2f} {floor / minimum:>9.2f}x"
        f" {product / minimum:>11.2f}x {shown:>27}"
    )


def _wall(spent: Any) -> float:
    """Wall seconds from what ``run_floor``/``run_product`` return (a number, or one with ``.wall``)."""
    return float(getattr(spent, "wall", spent))


async def bench_platform(args: argparse.Namespace, platform: Platform, emulator: Emulator, result: Result) -> None:
    recovery, capacity = recovery_seconds(platform)
    rest = recovery if 2 * result.minimum_requests > capacity else 0.0

    async def recovered() -> None:
        if rest:
            await asyncio.sleep(rest)

    print(HEADER, flush=True)
    for n in range(1, args.rounds + 1):
        before = emulator.requests()
        try:
            spent, count = await run_floor(platform.floor, emulator, args.hours)
            floor = _wall(spent)
        except Mismatch as exc:  # a floor that cannot pace itself at this limit: reported, the product still runs
            print(f"   floor failed: {str(exc)[:200]}", flush=True)
            floor, count = math.nan, None
        floor_requests = emulator.requests() - before
        if count is not None and count.orders != result.orders:
            raise Mismatch(f"floor: fetched {count.orders} orders, expected {result.orders}")
        before = emulator.requests()
        with tempfile.TemporaryDirectory(prefix="bench-limits-") as workdir:
            async with fresh_database(None, Path(workdir)) as database_url:
                product = await run_product(
                    platform.plugin,
                    platform.id,
                    emulator.url,
                    emulator.credentials,
                    result.orders,
                    args.hours,
                    database_url,
                    settle=recovered,  # after connectStore: neither the floor nor its credential check is paid for
                )
        result.rounds.append(Round(floor, _wall(product), floor_requests, emulator.requests() - before))
        last = result.rounds[-1]
        requests = (result.minimum_requests, last.floor_requests, last.product_requests)
        print(_row(str(n), result.minimum, last.floor, last.product, requests), flush=True)
        if n < args.rounds:
            await recovered()
    if args.rounds > 1:
        print("-" * len(HEADER))
        floor, product = result.median("floor"), result.median("product")
        requests = (result.minimum_requests, result.rounds[-1].floor_requests, result.rounds[-1].product_requests)
        print(_row("median", result.minimum, floor, product, requests))


def summary(results: list[Result], latency: tuple[float, float]) -> str:
    low, high = (round(x * 1000) for x in latency)
    head = (
        f"{'platform':<12} {'orders':>6} {'minimum s':>10} {'floor s':>8} {'product s':>10} {'product/min':>12}"
        f" {'requests min/floor/product':>27}  within {TARGET}x"
    )
    lines = [f"At the platforms' limits, each answer {low}-{high} ms late:", head, "-" * len(head)]
    for r in results:
        requests = f"{r.minimum_requests}/{r.rounds[-1].floor_requests}/{r.rounds[-1].product_requests}"
        lines.append(
            f"{r.platform.name:<12} {r.orders:>6} {r.minimum:>10.2f} {r.median('floor'):>8.2f}"
            f" {r.median('product'):>10.2f} {r.ratio:>11.2f}x {requests:>27}  {'yes' if r.ratio <= TARGET else 'no'}"
        )
    for r in results:
        if r.orders != r.asked:
            full = r.platform.minimum_seconds(r.asked, statistics.mean(latency))
            lines.append(
                f"{r.platform.name}: {r.asked:,} orders need at least {full:,.0f} s ({full / 60:.1f} min) at this "
                f"limit; run with {r.orders:,}, the most whose minimum fits the budget"
            )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    low, high = args.latency
    mean = (low + high) / 2
    results: list[Result] = []
    started = time.perf_counter()
    for pid in args.platforms:
        platform = PLATFORMS[pid]
        orders = orders_within(platform, args.orders, mean, args.budget_seconds)
        minimum = platform.minimum_seconds(orders, mean)
        result = Result(platform, orders, args.orders, minimum, sum(platform.minimum_rounds(orders)))
        print(f"\n== {platform.name}: {orders:,} orders over {args.hours} h; limit: {platform.limit}", flush=True)
        if orders != args.orders:
            full = platform.minimum_seconds(args.orders, mean)
            print(f"   {args.orders:,} orders need at least {full:,.0f} s at this limit: running {orders:,}")
        factory = partial(platform.limited, (low, high))
        with emulator_process(factory, orders, args.hours, args.seed, 0.0) as emulator:
            await bench_platform(args, platform, emulator, result)
        results.append(result)
    print()
    print(summary(results, (low, high)))
    print(f"Total {time.perf_counter() - started:.0f} s.")
    return 0


def _latency(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    values = float(low) / 1000, float(high or low) / 1000
    if not 0 <= values[0] <= values[1]:
        raise argparse.ArgumentTypeError("a latency is LOW-HIGH milliseconds, LOW <= HIGH")
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platform", default="all", help=f"one of {', '.join(PLATFORMS)}, a comma list, or all")
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--latency-ms", dest="latency", type=_latency, default=(0.05, 0.1), help="LOW-HIGH")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--budget-seconds", type=float, default=120.0, help="0: run --orders whatever the minimum")
    parser.add_argument("--hours", type=int, default=6, choices=range(1, 7))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.platforms = list(PLATFORMS) if args.platform == "all" else args.platform.split(",")
    if unknown := set(args.platforms) - set(PLATFORMS):
        parser.error(f"unknown platform(s): {', '.join(sorted(unknown))}")
    return args


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(parse_args())))
    except Mismatch as exc:
        print(f"MISMATCH: {exc}", file=sys.stderr)
        sys.exit(1)
