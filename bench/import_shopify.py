"""Benchmark: a time-window import of Shopify orders, against a floor measured in the same run.

    python bench/import_shopify.py [--rounds 3] [--orders 10000] [--hours 6]
                                   [--database-url postgres://postgres@127.0.0.1:5432] [--profile out.prof]

The Shopify emulator (``plugins.shopify.emulator``) runs in a child process with
its leaky bucket effectively unlimited, so neither side ever waits on a
simulated rate limit. Each round runs, one after the other:

floor
    A bare aiohttp loop fetching the same pages the connector fetches: the same
    ``ORDERS_QUERY`` document, page size, search and cursors (and
    ``LINE_ITEMS_QUERY`` for an order with more line items than the first page
    holds), each body read and ``json.loads``-ed, ``pageInfo`` followed. Nothing
    mapped, nothing stored.
product
    The real app (``server.app.create_app``) under uvicorn on a loopback port,
    on a fresh database: a seller and token, ``connectStore`` over GraphQL, then
    ``importOrders(platform: "shopify", hours: H)`` over HTTP. The time runs
    from sending the mutation to the job's ``finishedAt``; the job is polled
    with ``importJob(id)`` and must end SUCCEEDED with fetched == imported ==
    ``--orders``.

Any mismatch exits non-zero. ``--profile FILE`` writes a cProfile of the
product rounds (the event-loop thread only) for ``python -m pstats FILE``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import uvicorn

# Runnable as ``python bench/import_shopify.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plugins.shopify  # noqa: E402
from plugins.shopify import queries  # noqa: E402
from server.app import create_app  # noqa: E402
from server.db import close_database  # noqa: E402
from server.services import accounts  # noqa: E402
from server.settings import Settings  # noqa: E402

SHOP_DOMAIN = "bench-shop.myshopify.com"
ACCESS_TOKEN = "shpat_bench_token"
API_VERSION = "2026-10"  # the connector's DEFAULT_API_VERSION
UNLIMITED = 1e12  # bucket size and restore rate: throttling effectively off
WINDOW_OVERLAP = timedelta(seconds=300)  # Settings.window_overlap_seconds, the connector's search margin
# The orders are created in [t0 - hours + HEADROOM, t0): every window [now - hours, now] opened
# within HEADROOM of t0 covers all of them.
HEADROOM = timedelta(minutes=20)
POLL_SECONDS = 0.2  # only delays noticing the end; the time itself is the job's finishedAt
JOB_TIMEOUT = 600.0


class Mismatch(Exception):
    """A run did not fetch or import exactly the orders it should have."""


# --- the emulator, in its own process ------------------------------------------------------------


def _emulator_main(conn: Connection, orders: int, hours: int, seed: int) -> None:
    asyncio.run(_serve_emulator(conn, orders, hours, seed))


async def _serve_emulator(conn: Connection, orders: int, hours: int, seed: int) -> None:
    from aiohttp import web

    from plugins.shopify.emulator import ShopifyEmulator

    emulator = ShopifyEmulator(
        shop_domain=SHOP_DOMAIN, access_token=ACCESS_TOKEN, bucket_size=UNLIMITED, restore_rate=UNLIMITED
    )
    t0 = datetime.now(UTC)
    emulator.add_random_orders(orders, start=t0 - timedelta(hours=hours) + HEADROOM, end=t0, seed=seed)
    runner = web.AppRunner(emulator.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    conn.send((f"http://127.0.0.1:{runner.addresses[0][1]}", t0))
    try:
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # any message, or EOF: stop
    except EOFError:
        pass
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def emulator_process(orders: int, hours: int, seed: int) -> Any:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_emulator_main, args=(child, orders, hours, seed), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(120):
            raise RuntimeError("the emulator did not start within 120 s")
        try:
            url, t0 = parent.recv()
        except EOFError:
            raise RuntimeError(f"the emulator process died (exit code {process.exitcode})") from None
        yield url, t0
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join()


# --- the floor -----------------------------------------------------------------------------------


def _search(start: datetime, end: datetime) -> str:
    """The connector's ``orders_created`` search for the window ``[start, end]`` plus the overlap."""
    start, end = start - WINDOW_OVERLAP, end + WINDOW_OVERLAP
    if end.microsecond:
        end += timedelta(seconds=1)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return f"created_at:>='{start.strftime(fmt)}' created_at:<='{end.strftime(fmt)}'"


async def _post(
    session: aiohttp.ClientSession, endpoint: str, document: str, variables: dict[str, Any]
) -> tuple[Any, float]:
    """The answer's ``data``, and the seconds its ``json.loads`` took."""
    async with session.post(
        endpoint,
        json={"query": document, "variables": variables},
        headers={"X-Shopify-Access-Token": ACCESS_TOKEN, "Accept": "application/json"},
    ) as response:
        raw = await response.read()
    decoding = time.perf_counter()
    body = json.loads(raw)
    decoded = time.perf_counter() - decoding
    if response.status != 200 or not isinstance(body, dict) or body.get("errors") or "data" not in body:
        raise Mismatch(f"floor: the emulator answered HTTP {response.status}: {str(body)[:300]}")
    return body["data"], decoded


async def run_floor(emulator_url: str, hours: int) -> tuple[float, int, float]:
    """Fetch and decode every page of the window; return (seconds, orders, seconds spent in json.loads)."""
    endpoint = f"{emulator_url}/admin/api/{API_VERSION}/graphql.json"
    now = datetime.now(UTC)
    search = _search(now - timedelta(hours=hours), now)
    orders = 0
    decoding = 0.0
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        cursor: str | None = None
        while True:
            variables = {
                "first": queries.ORDERS_PAGE_SIZE,
                "after": cursor,
                "query": search,
                "lineItems": queries.LINE_ITEMS_PER_ORDER,
            }
            data, seconds = await _post(session, endpoint, queries.ORDERS_QUERY, variables)
            decoding += seconds
            connection = data["orders"]
            for node in connection["nodes"]:
                items = node["lineItems"]
                while items["pageInfo"]["hasNextPage"]:  # never with the emulator's 1-4 line items
                    after = items["pageInfo"]["endCursor"]
                    more = {"id": node["id"], "first": queries.LINE_ITEMS_PAGE_SIZE, "after": after}
                    data, seconds = await _post(session, endpoint, queries.LINE_ITEMS_QUERY, more)
                    decoding += seconds
                    items = data["order"]["lineItems"]
            orders += len(connection["nodes"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            cursor = connection["pageInfo"]["endCursor"]
        seconds = time.perf_counter() - started
    return seconds, orders, decoding


# --- the product ---------------------------------------------------------------------------------

CONNECT_STORE = """
mutation($name: String!, $credentials: JSON!, $apiBaseUrl: String) {
  connectStore(platform: "shopify", name: $name, credentials: $credentials, apiBaseUrl: $apiBaseUrl) {
    store { id }
    userErrors { code message field }
  }
}
"""
JOB_FIELDS = "id status fetched imported skipped errorCode error startedAt finishedAt"
IMPORT_ORDERS = f"""
mutation($store: ID!, $hours: Int!) {{
  importOrders(platform: "shopify", store: $store, hours: $hours) {{
    job {{ {JOB_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}
"""
IMPORT_JOB = f"query($id: ID!) {{ importJob(id: $id) {{ {JOB_FIELDS} }} }}"


@dataclass
class Client:
    session: aiohttp.ClientSession
    url: str
    token: str = ""

    async def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with self.session.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        ) as response:
            body = await response.json()
        if response.status != 200 or body.get("errors"):
            raise Mismatch(f"product: the API answered HTTP {response.status}: {body}")
        return body["data"]


@contextlib.asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[str]:
    """The real app under uvicorn on a loopback port (as tests/support.py runs it); yield its URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))

    async def serve() -> None:
        try:
            await server.serve()
        except SystemExit:  # uvicorn's answer to a failed lifespan start-up: keep it inside this task
            await close_database()  # what the failed lifespan left open
            raise Mismatch("product: the app failed to start (its error is logged above)") from None

    serving = asyncio.create_task(serve())
    try:
        while not server.started:
            if serving.done():
                await serving
                raise Mismatch("product: the app stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        if server.started:
            await serving


@contextlib.asynccontextmanager
async def fresh_database(base_url: str | None, workdir: Path, round_no: int) -> AsyncIterator[str]:
    """A SQLite file in ``workdir``, or a new PostgreSQL database on ``base_url``'s server, dropped after."""
    if base_url is None:
        yield f"sqlite://{workdir / f'round-{round_no}.sqlite3'}"
        return
    import asyncpg

    parts = urlsplit(base_url)
    name = f"bench_{secrets.token_hex(4)}"
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def run_product(
    emulator_url: str, orders: int, hours: int, database_url: str, profiler: cProfile.Profile | None
) -> float:
    """Import the window through the API; return the seconds from the mutation to the job's finishedAt."""
    settings = Settings(
        database_url=database_url,
        secret_key="bench-secret-key",
        allow_local_api=True,
        load_entry_points=False,
        extra_plugins=(plugins.shopify,),
        job_wait_seconds=0.05,
        graphiql=False,
    )
    async with running_app(settings) as url, aiohttp.ClientSession() as session:
        client = Client(session, url)
        client.token = await accounts.create_token(await accounts.get_or_create_seller("bench"))
        credentials = {"shop_domain": SHOP_DOMAIN, "access_token": ACCESS_TOKEN}
        connected = (
            await client.execute(
                CONNECT_STORE, {"name": "Bench shop", "credentials": credentials, "apiBaseUrl": emulator_url}
            )
        )["connectStore"]
        if connected["userErrors"]:
            raise Mismatch(f"product: connectStore failed: {connected['userErrors']}")
        store = connected["store"]["id"]

        if profiler:
            profiler.enable()
        sent = datetime.now(UTC)
        answer = (await client.execute(IMPORT_ORDERS, {"store": store, "hours": hours}))["importOrders"]
        if answer["userErrors"] or answer["job"] is None:
            raise Mismatch(f"product: importOrders failed: {answer['userErrors']}")
        job = answer["job"]
        while job["status"] == "RUNNING":
            if (datetime.now(UTC) - sent).total_seconds() > JOB_TIMEOUT:
                raise Mismatch(f"product: the job is still RUNNING after {JOB_TIMEOUT:g} s: {job}")
            await asyncio.sleep(POLL_SECONDS)
            job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
        if profiler:
            profiler.disable()

    if job["status"] != "SUCCEEDED" or not (job["fetched"] == job["imported"] == orders) or job["skipped"]:
        raise Mismatch(
            f"product: expected SUCCEEDED with fetched == imported == {orders}, skipped == 0; got {job['status']} "
            f"fetched={job['fetched']} imported={job['imported']} skipped={job['skipped']} "
            f"error={job['errorCode']}: {job['error']}"
        )
    return (datetime.fromisoformat(job["finishedAt"]) - sent).total_seconds()


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Round:
    floor: float
    decode: float  # of floor: the floor's json.loads
    product: float

    @property
    def ratio(self) -> float:
        return self.product / self.floor


async def bench(args: argparse.Namespace, emulator_url: str, t0: datetime) -> list[Round]:
    profiler = cProfile.Profile() if args.profile else None
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for n in range(1, args.rounds + 1):
            if datetime.now(UTC) - t0 > HEADROOM - timedelta(minutes=1):
                raise Mismatch(f"the run took longer than {HEADROOM}; the orders are no longer all in the window")
            floor, fetched, decode = await run_floor(emulator_url, args.hours)
            if fetched != args.orders:
                raise Mismatch(f"floor: fetched {fetched} orders, expected {args.orders}")
            async with fresh_database(args.database_url, Path(tmp), n) as database_url:
                product = await run_product(emulator_url, args.orders, args.hours, database_url, profiler)
            rounds.append(Round(floor, decode, product))
            print(_row(str(n), rounds[-1], args.orders), flush=True)
    if profiler:
        profiler.dump_stats(args.profile)
        print(f"cProfile of the product rounds written to {args.profile}")
    return rounds


HEADER = (
    f"{'round':>6} {'floor s':>8} {'(json s)':>9} {'floor ord/s':>12} {'product s':>10} {'product ord/s':>14}"
    f" {'product/floor':>14} {'extra ms/order':>15}"
)


def _row(label: str, r: Round, orders: int) -> str:
    extra_ms = (r.product - r.floor) / orders * 1000
    return (
        f"{label:>6} {r.floor:>8.2f} {r.decode:>9.2f} {orders / r.floor:>12.0f} {r.product:>10.2f}"
        f" {orders / r.product:>14.0f} {r.ratio:>13.2f}x {extra_ms:>15.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="floor/product rounds (default 3)")
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the window (default 10000)")
    parser.add_argument("--hours", type=int, default=6, choices=range(1, 7), help="import window, 1-6 (default 6)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the emulator's random orders")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgres://user@host:port); each round gets a new database there, "
        "dropped afterwards. Default: a new SQLite file per round.",
    )
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the product rounds to FILE")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.orders < 1:
        parser.error("--rounds and --orders must be at least 1")

    pages = -(-args.orders // queries.ORDERS_PAGE_SIZE)
    database = "PostgreSQL (a new database per round)" if args.database_url else "SQLite file (a new one per round)"
    print(
        f"Import of {args.orders} Shopify orders created over {args.hours} h: {pages} pages of "
        f"{queries.ORDERS_PAGE_SIZE} orders\n"
        f"Emulator in its own process, throttling off (bucket {UNLIMITED:g} points, restore {UNLIMITED:g}/s): "
        "this measures our code, not a rate limit.\n"
        f"Product database: {database}; CPUs: {os.cpu_count()}; Python {sys.version.split()[0]}\n"
    )
    started = time.perf_counter()
    with emulator_process(args.orders, args.hours, args.seed) as (url, t0):
        print(f"emulator ready in {time.perf_counter() - started:.1f} s\n")
        print(HEADER)
        try:
            rounds = asyncio.run(bench(args, url, t0))
        except Mismatch as exc:
            print(f"\nFAILED: {exc}", file=sys.stderr)
            return 1
    median = Round(
        floor=statistics.median(r.floor for r in rounds),
        decode=statistics.median(r.decode for r in rounds),
        product=statistics.median(r.product for r in rounds),
    )
    print("-" * len(HEADER))
    print(_row("median", median, args.orders))
    print(
        "\nfloor: the same pages fetched and json.loads-ed by a bare aiohttp loop ((json s): of which json.loads);"
        "\nproduct: importOrders over HTTP, from the mutation to the job's finishedAt;"
        "\nextra ms/order: (product - floor) / orders. median: the median floor and product times, and their ratio."
        f"\nAll {len(rounds)} rounds: fetched == imported == {args.orders}."
        f" Total {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
