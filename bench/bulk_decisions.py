"""Benchmark: 100 accepts in one ``acceptImports`` request against 100 ``acceptImport`` requests, same server.

    python bench/bulk_decisions.py [--orders 100] [--rounds 3] [--database-url postgres://postgres@127.0.0.1:5432]

The Shopify emulator runs in a child process holding ``--orders`` × 2 × ``--rounds`` × 3 random orders; the real
app runs under uvicorn on a fresh database (SQLite file, or a new PostgreSQL database), and one
``importOrders(hours: 6)`` makes them all pending; the paid ones (which the payment guard lets through
unforced) are decided. Each round then times, on the client, from sending the
first request to reading the last answer, over one HTTP connection:

single
    ``--orders`` sequential ``acceptImport(id:)`` requests, one per order.
bulk
    one ``acceptImports(ids:)`` request holding ``--orders`` other orders.

Which side goes first alternates between rounds. Every accept must succeed (a Transaction each). The figure
is the median single time over the median bulk time: the throughput ratio of bulk to single. The orders
were just imported, so no decision re-reads its order from the platform (``ORDER_IMPORT_RECHECK_SECONDS``).
Any mismatch exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Runnable as ``python bench/bulk_decisions.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bench.harness import (
    CONNECT_STORE,
    IMPORT_JOB,
    IMPORT_ORDERS,
    POLL_SECONDS,
    Mismatch,
    _Client,
    _running_app,
    emulator_process,
    fresh_database,
)
from bench.platforms import PLATFORMS
from server.services import accounts
from server.settings import Settings

HOURS = 6
CAPTURED = ("PAID", "PARTIALLY_REFUNDED")
SPARE = 3  # the emulator's random orders: some unpaid, voided or refunded, which the guard refuses
ACCEPT = "mutation($id: ID!) { acceptImport(id: $id) { transaction { id } userErrors { code message } } }"
ACCEPT_MANY = """
mutation($ids: [ID!]!) {
  acceptImports(ids: $ids) { succeeded failed results { transaction { id } userErrors { code message } } }
}
"""
PENDING_IDS = """
query($after: String) {
  pendingImports(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id paymentStatus testOrder } }
  }
}
"""


async def single(client: _Client, ids: list[str]) -> float:
    started = time.perf_counter()
    for order in ids:
        answer = (await client.execute(ACCEPT, {"id": order}))["acceptImport"]
        if answer["userErrors"] or answer["transaction"] is None:
            raise Mismatch(f"acceptImport failed: {answer['userErrors']}")
    return time.perf_counter() - started


async def bulk(client: _Client, ids: list[str]) -> float:
    started = time.perf_counter()
    answer = (await client.execute(ACCEPT_MANY, {"ids": ids}))["acceptImports"]
    seconds = time.perf_counter() - started
    if (answer["succeeded"], answer["failed"]) != (len(ids), 0):
        errors = [r["userErrors"] for r in answer["results"] if r["userErrors"]]
        raise Mismatch(f"acceptImports: {answer['succeeded']} succeeded, {answer['failed']} failed: {errors[:3]}")
    return seconds


async def acceptable_ids(client: _Client) -> list[str]:
    """The pending orders the payment guard lets through unforced: paid (or partly refunded), not a test."""
    ids: list[str] = []
    after = None
    while True:
        page = (await client.execute(PENDING_IDS, {"after": after}))["pendingImports"]
        nodes = [edge["node"] for edge in page["edges"]]
        ids += [n["id"] for n in nodes if n["paymentStatus"] in CAPTURED and not n["testOrder"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def run(orders: int, rounds: int, database: str | None) -> list[tuple[float, float]]:
    shopify = PLATFORMS["shopify"]
    needed = orders * 2 * rounds
    total = needed * SPARE
    with emulator_process(shopify.emulator, total, HOURS, 1, 0.0) as emulator, tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(database, Path(tmp)) as database_url:
            settings = Settings(
                database_url=database_url,
                secret_key="bench-secret-key",
                allow_local_api=True,
                load_entry_points=False,
                extra_plugins=(shopify.plugin,),
                job_wait_seconds=0.05,
                graphiql=False,
            )
            connector = aiohttp.TCPConnector(limit=1)  # one connection, kept alive
            async with _running_app(settings) as (url, _), aiohttp.ClientSession(connector=connector) as session:
                client = _Client(session, url, await accounts.create_token(await accounts.get_or_create_seller("b")))
                await _import_all(client, emulator.url, dict(emulator.credentials), total)
                ids = await acceptable_ids(client)
                if len(ids) < needed:
                    raise Mismatch(f"{len(ids)} of {total} orders are paid, {needed} needed")
                timings = []
                for n in range(rounds):
                    batch = ids[n * 2 * orders : (n + 1) * 2 * orders]
                    sides = {"single": (single, batch[:orders]), "bulk": (bulk, batch[orders:])}
                    order = ("single", "bulk") if n % 2 == 0 else ("bulk", "single")
                    seconds = {side: await sides[side][0](client, sides[side][1]) for side in order}
                    timings.append((seconds["single"], seconds["bulk"]))
    return timings


async def _import_all(client: _Client, api_base_url: str, credentials: dict[str, str], total: int) -> None:
    variables: dict[str, Any] = {"platform": "shopify", "name": "Bench store", "credentials": credentials}
    connected = (await client.execute(CONNECT_STORE, {**variables, "apiBaseUrl": api_base_url}))["connectStore"]
    if connected["userErrors"]:
        raise Mismatch(f"connectStore failed: {connected['userErrors']}")
    store = connected["store"]["id"]
    job = await client.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store, "hours": HOURS})
    job = job["importOrders"]["job"]
    while job["status"] == "RUNNING":
        await asyncio.sleep(POLL_SECONDS)
        job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
    if job["status"] != "SUCCEEDED" or job["imported"] != total:
        raise Mismatch(f"the import ended {job['status']} with {job['imported']} of {total} orders")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100, help="accepts per side and round (at most 100)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL server: postgres://user@host:port")
    args = parser.parse_args()
    if not 1 <= args.orders <= 100:
        parser.error("--orders must be 1 to 100 (acceptImports takes at most 100 ids)")
    try:
        timings = asyncio.run(run(args.orders, args.rounds, args.database_url))
    except Mismatch as exc:
        print(f"MISMATCH: {exc}", file=sys.stderr)
        return 1
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.orders} accepts per side, {database}, {args.rounds} rounds")
    print(f"{'round':>5}  {'single s':>8}  {'bulk s':>8}  {'single/s':>8}  {'bulk/s':>8}  {'ratio':>6}")
    for n, (one, many) in enumerate(timings, 1):
        print(
            f"{n:>5}  {one:8.3f}  {many:8.3f}  {args.orders / one:8.0f}  {args.orders / many:8.0f}  {one / many:5.2f}x"
        )
    one = statistics.median(t[0] for t in timings)
    many = statistics.median(t[1] for t in timings)
    print(
        f"{'med':>5}  {one:8.3f}  {many:8.3f}  {args.orders / one:8.0f}  {args.orders / many:8.0f}  {one / many:5.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
