"""CPU per order of a connector alone: listing a window over its emulator, against the floor, no app, no database.

Run from the repository root::

    python bench/connector_cpu.py                                   # all six, 5,000 orders, 5 rounds
    python bench/connector_cpu.py --platform bigcommerce --rounds 9

Each round runs the platform's floor (``floors.py``: the same requests, ``json.loads`` of every body) and then
the connector's ``orders_created`` over the same window, both in this process against the emulator's prompt
port (its child process is not counted), and records this process's CPU time for each. ``over floor`` is
(connector CPU − floor CPU) / orders: what decoding and mapping cost beyond reading the bodies. A warm-up
listing comes first. The summary gives the median and range over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Emulator, Mismatch, emulator_process, run_floor, window  # noqa: E402
from bench.platforms import PLATFORMS, Platform  # noqa: E402
from server.platforms import HttpClient  # noqa: E402


async def listed(platform: Platform, emulator: Emulator, hours: int) -> tuple[float, int]:
    """CPU seconds the connector takes to list the window, and how many distinct orders it listed."""
    start, end = window(hours)
    seen: set[str] = set()
    async with aiohttp.ClientSession() as session:
        connector = platform.connector(
            credentials=emulator.credentials, http=HttpClient(session), api_base_url=emulator.url
        )
        cpu = time.process_time()
        async for page in connector.orders_created(start, end):
            seen.update(order.order_id for order in page)
        return time.process_time() - cpu, len(seen)


async def measure(platform: Platform, orders: int, rounds: int, hours: int, seed: int) -> list[float]:
    """ms per order over the floor, one figure per round."""
    with emulator_process(platform.emulator, orders, hours, seed, 0.0) as emulator:
        await listed(platform, emulator, hours)
        figures = []
        for _ in range(rounds):
            floor, count = await run_floor(platform.floor, emulator, hours)
            cpu, found = await listed(platform, emulator, hours)
            if not found == count.orders == orders:
                raise Mismatch(f"{platform.name}: the connector listed {found}, the floor {count.orders} of {orders}")
            figures.append((cpu - floor.cpu) / orders * 1000)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", default="all", help="a platform id, several joined by commas, or all")
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hours", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chosen = list(PLATFORMS) if args.platform == "all" else args.platform.split(",")
    print("connector CPU over the floor, ms/order: median (range)")
    for name in chosen:
        figures = asyncio.run(measure(PLATFORMS[name], args.orders, args.rounds, args.hours, args.seed))
        print(f"{name:12} {statistics.median(figures):7.4f} ({min(figures):.4f} to {max(figures):.4f})", flush=True)


if __name__ == "__main__":
    main()
