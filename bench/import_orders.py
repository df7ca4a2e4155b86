"""Benchmark: a time-window import per platform, against a floor measured in the same run.

    python bench/import_orders.py [--platform all] [--orders N] [--rounds 3] [--hours 6] [--latency-ms 30]
                                  [--database-url postgres://postgres@127.0.0.1:5432] [--profile out.prof]

For each platform (``--platform shopify|woocommerce|bigcommerce|ebay|ecwid|paypal|all``),
the platform's emulator runs in a child process with its rate limit off, holding
``--orders`` random orders (default: a per-platform count, see ``platforms``)
created in the last five sixths of a ``--hours`` window, so that every window
opened during the run holds them all. Each round runs, one after the other:

floor
    A bare aiohttp loop sending the connector's requests for the window
    (``floors``): the same pages, extra calls per order and concurrency, each
    body read and ``json.loads``-ed. Nothing mapped, nothing stored.
product
    The real app under uvicorn on a fresh database: ``connectStore``, then
    ``importOrders(platform: P, hours: H)`` over HTTP, timed from the mutation
    to the job's ``finishedAt``; it must end SUCCEEDED with fetched ==
    imported == orders.

Both run in this process (the app under uvicorn in its event loop), so each
also reports this process's CPU time: ``cpu ms/order`` is (product CPU - floor
CPU) / orders, what mapping and storing an order costs us whatever the load of
the machine (the emulator's child process is not counted; a PostgreSQL
server's CPU neither).

For the offset-paginated APIs (WooCommerce, eBay, Ecwid, PayPal) a second part
runs the product again against the emulator with ``--latency-ms`` added to each
answer (default 30; 0 skips this part), with the connector's ``page_concurrency``
as shipped and set to 1, in turn: concurrency only pays when requests wait on
the network.

Any mismatch exits non-zero. ``--profile FILE`` writes a cProfile of the
product rounds (the event-loop thread only), one file per platform.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable as ``python bench/import_orders.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    Emulator,
    Mismatch,
    Spent,
    emulator_process,
    fresh_database,
    headroom,
    page_concurrency,
    run_floor,
    run_product,
)
from bench.platforms import PLATFORMS, Platform


@dataclass
class Round:
    floor: float
    decode: float  # of floor: the floor's json.loads
    product: float
    floor_cpu: float  # this process's CPU seconds
    product_cpu: float

    @property
    def ratio(self) -> float:
        return self.product / self.floor

    def cpu_ms(self, orders: int) -> float:
        """The product's CPU milliseconds per order over the floor's."""
        return (self.product_cpu - self.floor_cpu) / orders * 1000


@dataclass
class Latency:
    sequential: float  # page_concurrency = 1
    shipped: float  # page_concurrency as shipped

    @property
    def speedup(self) -> float:
        return self.sequential / self.shipped


@dataclass
class Result:
    platform: Platform
    orders: int
    floor_requests: int = 0
    product_requests: int = 0
    rounds: list[Round] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)

    def median(self) -> Round:
        return Round(
            floor=statistics.median(r.floor for r in self.rounds),
            decode=statistics.median(r.decode for r in self.rounds),
            product=statistics.median(r.product for r in self.rounds),
            floor_cpu=statistics.median(r.floor_cpu for r in self.rounds),
            product_cpu=statistics.median(r.product_cpu for r in self.rounds),
        )

    def cpu_ms(self) -> tuple[float, float, float]:
        """The rounds' CPU milliseconds per order over the floor: median, lowest, highest."""
        each = [r.cpu_ms(self.orders) for r in self.rounds]
        return statistics.median(each), min(each), max(each)

    def median_latency(self) -> Latency:
        return Latency(
            sequential=statistics.median(r.sequential for r in self.latency),
            shipped=statistics.median(r.shipped for r in self.latency),
        )


HEADER = (
    f"{'round':>6} {'floor s':>8} {'(json s)':>9} {'floor ord/s':>12} {'product s':>10} {'product ord/s':>14}"
    f" {'product/floor':>14} {'extra ms/order':>15} {'floor cpu s':>12} {'product cpu s':>14} {'cpu ms/order':>13}"
)


def _row(label: str, r: Round, orders: int) -> str:
    extra_ms = (r.product - r.floor) / orders * 1000
    return (
        f"{label:>6} {r.floor:>8.2f} {r.decode:>9.2f} {orders / r.floor:>12.0f} {r.product:>10.2f}"
        f" {orders / r.product:>14.0f} {r.ratio:>13.2f}x {extra_ms:>15.3f}"
        f" {r.floor_cpu:>12.2f} {r.product_cpu:>14.2f} {r.cpu_ms(orders):>13.3f}"
    )


def _latency_header(shipped: int) -> str:
    shipped_column = f"page_concurrency {shipped} s"
    return f"{'round':>6} {'page_concurrency 1 s':>21} {shipped_column:>21} {'speedup':>8} {'saved s':>8}"


def _latency_row(label: str, r: Latency) -> str:
    return f"{label:>6} {r.sequential:>21.2f} {r.shipped:>21.2f} {r.speedup:>7.2f}x {r.sequential - r.shipped:>8.2f}"


def _check_time(emulator: Emulator, hours: int) -> None:
    limit = headroom(hours) - timedelta(minutes=1)
    if datetime.now(UTC) - emulator.t0 > limit:
        raise Mismatch(f"the platform's run took longer than {limit}; its orders are no longer all in the window")


async def bench_platform(
    args: argparse.Namespace, platform: Platform, orders: int, emulator: Emulator, workdir: Path
) -> Result:
    result = Result(platform, orders)
    profiler = cProfile.Profile() if args.profile else None

    async def product(url: str) -> tuple[Spent, int]:
        """What the product's import cost, and the requests it sent to the emulator."""
        _check_time(emulator, args.hours)
        before = emulator.requests()
        async with fresh_database(args.database_url, workdir) as database_url:
            spent = await run_product(
                platform.plugin, platform.id, url, emulator.credentials, orders, args.hours, database_url, profiler
            )
        return spent, emulator.requests() - before

    print(HEADER, flush=True)
    for n in range(1, args.rounds + 1):
        _check_time(emulator, args.hours)
        before = emulator.requests()
        floor, count = await run_floor(platform.floor, emulator, args.hours)
        result.floor_requests = emulator.requests() - before
        if count.orders != orders:
            raise Mismatch(f"floor: fetched {count.orders} orders, expected {orders}")
        spent, result.product_requests = await product(emulator.url)
        result.rounds.append(Round(floor.wall, count.decoding, spent.wall, floor.cpu, spent.cpu))
        print(_row(str(n), result.rounds[-1], orders), flush=True)
    print("-" * len(HEADER))
    print(_row("median", result.median(), orders))
    print(f"requests per import: floor {result.floor_requests}, product {result.product_requests}")
    if result.floor_requests != result.product_requests:
        print("note: the floor did not send as many requests as the product (retries, or a floor out of date)")
    if profiler:
        path = Path(args.profile)
        if len(args.platforms) > 1:
            path = path.with_name(f"{path.stem}.{platform.id}{path.suffix}")
        profiler.dump_stats(path)
        print(f"cProfile of the product rounds written to {path}")

    if platform.offset_paged and args.latency_ms > 0:
        profiler = None  # only the rounds above are profiled
        shipped = platform.connector.page_concurrency
        print(
            f"\nWith {args.latency_ms:g} ms added to every emulator answer: the product with page_concurrency 1 "
            f"and as shipped ({shipped})"
        )
        header = _latency_header(shipped)
        print(header, flush=True)
        for n in range(1, args.rounds + 1):
            times: dict[int, float] = {}
            for value in (1, shipped) if n % 2 else (shipped, 1):  # alternate which goes first
                with page_concurrency(platform.connector, value):
                    spent, _ = await product(emulator.slow_url)
                    times[value] = spent.wall
            result.latency.append(Latency(sequential=times[1], shipped=times[shipped]))
            print(_latency_row(str(n), result.latency[-1]), flush=True)
        print("-" * len(header))
        print(_latency_row("median", result.median_latency()))
    return result


def summary(results: list[Result], latency_ms: float) -> str:
    head = (
        f"{'platform':<12} {'orders':>6} {'requests':>8} {'floor s':>8} {'product s':>10} {'floor ord/s':>12}"
        f" {'product ord/s':>14} {'product/floor':>14} {'extra ms/order':>15} {'cpu ms/order (range)':>21} | "
        f"{'seq s':>6} {'shipped s':>10} {'speedup':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        m = r.median()
        extra_ms = (m.product - m.floor) / r.orders * 1000
        cpu, low, high = r.cpu_ms()
        cpu_range = f"{cpu:.3f} ({low:.3f}-{high:.3f})"
        row = (
            f"{r.platform.name:<12} {r.orders:>6} {r.floor_requests:>8} {m.floor:>8.2f} {m.product:>10.2f}"
            f" {r.orders / m.floor:>12.0f} {r.orders / m.product:>14.0f} {m.ratio:>13.2f}x {extra_ms:>15.3f}"
            f" {cpu_range:>21} | "
        )
        if r.latency:
            lat = r.median_latency()
            shipped = f"{lat.shipped:.2f} ({r.platform.connector.page_concurrency})"
            row += f"{lat.sequential:>6.2f} {shipped:>10} {lat.speedup:>7.2f}x"
        else:
            row += f"{'-':>6} {'-':>10} {'-':>8}"
        lines.append(row)
    lines.append("medians of the rounds; cpu ms/order: the median of the rounds' own, and their range")
    if any(r.latency for r in results):
        lines[-1] += (
            f"; seq s / shipped s: the product with {latency_ms:g} ms added to every emulator answer, "
            "page_concurrency 1 / as shipped (in brackets)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--platform",
        default="all",
        choices=[*PLATFORMS, "all"],
        help="the platform to run, or all (default) in turn",
    )
    parser.add_argument(
        "--orders",
        type=int,
        help="orders in the window (default per platform: "
        + ", ".join(f"{p.id} {p.default_orders}" for p in PLATFORMS.values())
        + ")",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each measurement (default 3)")
    parser.add_argument("--hours", type=int, default=6, choices=range(1, 7), help="import window, 1-6 (default 6)")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=30.0,
        help="added to every emulator answer in the page_concurrency comparison (default 30; 0 skips it)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the emulators' random orders")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgres://user@host:port); each import gets a new database there, "
        "dropped afterwards. Default: a new SQLite file per import.",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="write a cProfile of the product rounds to FILE (one file per platform: name.<platform>.ext)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or (args.orders is not None and args.orders < 1) or args.latency_ms < 0:
        parser.error("--rounds and --orders must be at least 1, --latency-ms at least 0")
    args.platforms = list(PLATFORMS) if args.platform == "all" else [args.platform]

    database = "PostgreSQL (a new database per import)" if args.database_url else "SQLite (a new file per import)"
    print(
        f"Time-window imports ({args.hours} h) per platform; each emulator in its own process with its rate limit "
        "off.\n"
        f"Product database: {database}; CPUs: {os.cpu_count()}; Python {sys.version.split()[0]}; "
        f"{args.rounds} rounds"
    )
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for platform_id in args.platforms:
            platform = PLATFORMS[platform_id]
            orders = args.orders or platform.default_orders
            print(f"\n=== {platform.name}: {orders} orders in a {args.hours} h window; {platform.requests}")
            spawned = time.perf_counter()
            try:
                with emulator_process(
                    platform.emulator, orders, args.hours, args.seed, args.latency_ms / 1000
                ) as emulator:
                    print(f"emulator ready in {time.perf_counter() - spawned:.1f} s", flush=True)
                    results.append(asyncio.run(bench_platform(args, platform, orders, emulator, Path(tmp))))
            except Mismatch as exc:
                print(f"\nFAILED ({platform.name}): {exc}", file=sys.stderr)
                return 1
    print(f"\n=== Summary\n{summary(results, args.latency_ms)}")
    print(
        "\nfloor: the connector's requests for the window, fetched and json.loads-ed by a bare aiohttp loop "
        "((json s): of which json.loads);\nproduct: importOrders over HTTP, from the mutation to the job's "
        "finishedAt; extra ms/order: (product - floor) / orders;\ncpu ms/order: (product - floor) CPU time of "
        "this process (the app, its SQLite thread and the floor's loop; not the emulator) / orders.\n"
        f"Every import: fetched == imported == orders. Total {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
