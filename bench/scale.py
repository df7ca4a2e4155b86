"""Benchmark: what a large Transaction List and a large import cost (the figures issue 15 keeps held).

    python bench/scale.py [--part all|list|memory] [--platform woocommerce|shopify] [--orders 5000]
                          [--small 1000] [--large 1000000] [--rounds 3] [--memory-orders 100000]
                          [--memory-rounds 3] [--database-url postgres://postgres@127.0.0.1:5432] [--seed 1]

list (Transaction List size)
    The platform's emulator runs in a child process (rate limit off, no latency) holding ``--orders``
    orders created in a 6-hour window. Two databases are seeded once per run: the real app connects the
    store through the API (its automatic recovery turned off, so that only the measured import runs), then
    the Transaction List (table ``transaction``) gets ``--small`` rows in one database and ``--large`` rows
    in the other, written as plain values with ``executemany`` in one transaction, then analyzed (see
    ``SPREAD``: the importing store holds 30 % of them, with order ids below the emulator's, the seller's
    three other stores 20 %, 40 other sellers with two stores each the rest); the plan of the lookup an
    import makes per page is printed. Each round imports the window (``importOrders(hours: 6)``) into a
    fresh copy of each seeded database (SQLite: a copy of the file, synced to disk before the import;
    PostgreSQL: ``CREATE DATABASE ... TEMPLATE``), the real app under uvicorn in this process, timed from
    the mutation to the job's ``finishedAt``, with this process's CPU time over the same span; it must
    end SUCCEEDED with fetched == imported == orders. An untimed import into a copy of the small database
    comes first (the process's first import is slower); rounds alternate which size goes first. The figure
    is the median time at ``--large`` over the median time at ``--small``.
memory
    The app runs as ``order-import serve`` runs it, in a child process of its own, on a fresh database;
    the emulator (another child) holds ``--memory-orders`` orders. After ``connectStore`` the server's
    peak RSS is reset to its current RSS (``/proc/<pid>/clear_refs``) and read (``VmRSS``); the import
    is started over HTTP and polled until it ends; then the server's ``VmHWM`` (peak) and ``VmRSS`` are
    read. Growth is peak minus before; what the server keeps is RSS after minus before. A new server and
    database per round.

Any mismatch exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Runnable as ``python bench/scale.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from tortoise import connections
from tortoise.transactions import in_transaction

from bench.harness import (
    CONNECT_STORE,
    IMPORT_JOB,
    IMPORT_ORDERS,
    JOB_TIMEOUT,
    Emulator,
    Mismatch,
    Spent,
    _Client,
    _running_app,
    emulator_process,
    fresh_database,
    headroom,
)
from bench.live_updates import _create_token, server_process
from bench.platforms import PLATFORMS, shopify_emulator
from server.models import Seller, Store, Transaction
from server.runtime import Runtime
from server.services import accounts, inserts
from server.settings import Settings

HOURS = 6
SECRET_KEY = "bench-secret-key"
POLL_SECONDS = 0.5  # the memory part polls the job over HTTP: the app runs in another process
BATCH = 20_000  # Transaction List rows per executemany
HISTORY = timedelta(days=730)  # the seeded rows were created over the last two years
OTHER_SELLERS = 40  # each with two stores
# Shares of the seeded rows: the importing store, the same seller's other stores, the other sellers' stores.
SPREAD = (0.3, 0.2, 0.5)
SET_RECOVERY = """
mutation($store: ID!) { setStoreRecovery(store: $store, enabled: false) { userErrors { code message } } }
"""
COLUMNS = (
    "id",
    "seller_id",
    "store_id",
    "platform",
    "order_id",
    "order_number",
    "number_key",
    "status",
    "source",
    "buyer_name",
    "name_key",
    "buyer_email",
    "email_key",
    "total_amount",
    "currency",
    "line_items",
    "placed_at",
    "created_at",
    "payment_status",
    "test_order",
    "accepted_by",
    "canceled",
)
FIRST = ["Ada", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Alan", "Radia", "Edsger"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Turing", "Perlman"]
PAYMENTS = ["PAID"] * 17 + ["PARTIALLY_REFUNDED", "REFUNDED", "PENDING"]


# --- the platforms: an emulator whose order ids lie above the seeded history -------------------------------------

WOOCOMMERCE_FIRST_ID = 5_000_000  # a WordPress site with a long history: post ids below are the store's past
SHOPIFY_FIRST_ID = 5_829_163_401_237  # the Shopify emulator's first order id (its OrderBuilder)


def woocommerce_emulator() -> Any:
    from plugins.woocommerce.emulator import WooCommerceEmulator

    return WooCommerceEmulator(first_id=WOOCOMMERCE_FIRST_ID)  # WooCommerce core has no rate limit


@dataclass(frozen=True)
class Target:
    """A platform as this benchmark imports from it: the emulator, its first order id, and the gaps between
    a store's consecutive order ids on that platform."""

    emulator: Callable[[], Any]
    first_id: int
    gap: Callable[[random.Random], int]


TARGETS = {
    "woocommerce": Target(woocommerce_emulator, WOOCOMMERCE_FIRST_ID, lambda rng: rng.choice((1, 1, 1, 2, 3, 7))),
    "shopify": Target(shopify_emulator, SHOPIFY_FIRST_ID, lambda rng: 1_000 + rng.randrange(90_000)),
}


# --- the Transaction List's rows ----------------------------------------------------------------------------------


@dataclass
class Holder:
    """A store holding seeded rows: whose it is, and the order ids it takes, in ascending order."""

    seller_id: str
    store_id: str
    platform: str
    ids: Iterator[int]


def _history(target: Target, rng: random.Random, count: int) -> Iterator[int]:
    """``count`` ascending order ids of the importing store's past, all below the emulator's first id."""
    ids: list[int] = []
    last = target.first_id
    for _ in range(count):
        last -= target.gap(rng)
        ids.append(last)
    if ids and ids[-1] <= 0:
        raise Mismatch(f"{count} past orders do not fit below the emulator's first id {target.first_id}")
    return reversed(ids)


def _ascending(target: Target, rng: random.Random) -> Iterator[int]:
    """Another store's order ids: from somewhere below the platform's first id, up."""
    last = rng.randrange(target.first_id // 2)
    while True:
        last += target.gap(rng)
        yield last


def _line_items(rng: random.Random) -> tuple[str, str, str]:
    """A Transaction List row's line items as JSON text, their total and its currency."""
    currency = rng.choice(("USD", "USD", "USD", "EUR", "GBP", "JPY"))
    lines = []
    total = Decimal(0)
    for n in rng.sample(range(400), rng.randint(1, 4)):
        quantity = rng.randint(1, 3)
        price = Decimal(rng.randint(500, 9_900)) if currency == "JPY" else Decimal(rng.randint(500, 9_900)) / 100
        total += price * quantity
        lines.append(
            {
                "name": f"Product {n}, organic cotton, size {'SML'[n % 3]}",
                "sku": f"SKU-{n:04d}",
                "quantity": quantity,
                "unit_price": {"amount": str(price), "currency": currency},
                "total": {"amount": str(price * quantity), "currency": currency},
            }
        )
    return inserts.json_text(lines), str(total), currency


def transaction_rows(
    holders: Sequence[Holder], counts: Sequence[int], rng: random.Random, now: datetime
) -> Iterator[tuple[Any, ...]]:
    """``counts[i]`` rows for ``holders[i]``, the stores interleaved, created in order over ``HISTORY``, as
    the plain values ``inserts.insert_many`` takes (in ``COLUMNS``' order)."""
    owners = [i for i, count in enumerate(counts) for _ in range(count)]
    rng.shuffle(owners)
    baskets = [_line_items(rng) for _ in range(500)]
    total = len(owners)
    for n, owner in enumerate(owners):
        holder = holders[owner]
        order_id = str(next(holder.ids))
        number = f"#{order_id[-6:]}" if holder.platform == "shopify" else order_id
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name, email = f"{first} {last}", f"{first}.{last}{n}@example.com".lower()
        created_at = now - HISTORY * (1 - (n + rng.random()) / total)
        placed_at = created_at - timedelta(seconds=rng.uniform(30, 2 * 86_400))
        items, amount, currency = rng.choice(baskets)
        imported = rng.random() < 0.3
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            holder.seller_id,
            holder.store_id,
            holder.platform,
            order_id,
            number,
            number.removeprefix("#").lower(),
            "SUCCEEDED",
            "IMPORT" if imported else "WEBHOOK",
            name,
            name.casefold(),
            email,
            email.casefold(),
            amount,
            currency,
            items,
            placed_at,
            created_at,
            rng.choice(PAYMENTS),
            rng.random() < 0.01,
            "token:default" if imported else None,
            rng.random() < 0.02,
        )


async def seed_transactions(rt: Runtime, seller: Seller, store: Store, target: Target, rows: int, seed: int) -> None:
    """``rows`` Transaction List rows spread as ``SPREAD`` says, in one transaction; then the tables analyzed."""
    rng = random.Random(seed)
    credentials = rt.cipher.encrypt({"key": "unused"})
    platforms = itertools.cycle(("shopify", "woocommerce", "bigcommerce", "ebay"))
    own = [
        await Store.create(seller=seller, platform=next(platforms), name=f"Other {n}", credentials=credentials)
        for n in range(3)
    ]
    others = []
    for n in range(OTHER_SELLERS):
        other = await Seller.create(name=f"seller {n}")
        for m in range(2):
            others.append(
                await Store.create(seller=other, platform=next(platforms), name=f"Shop {m}", credentials=credentials)
            )

    def holder(s: Store, ids: Iterator[int] | None = None) -> Holder:
        platform_ids = ids if ids is not None else _ascending(TARGETS.get(s.platform, TARGETS["woocommerce"]), rng)
        return Holder(str(s.seller_id), str(s.id), s.platform, platform_ids)

    same = round(rows * SPREAD[0])
    seller_share = round(rows * SPREAD[1])
    holders = [holder(store, _history(target, rng, same))] + [holder(s) for s in own] + [holder(s) for s in others]
    counts = [same] + _split(seller_share, len(own)) + _split(rows - same - seller_share, len(others))
    table = Transaction._meta.db_table
    generated = transaction_rows(holders, counts, rng, datetime.now(UTC))
    async with in_transaction() as conn:
        while batch := list(itertools.islice(generated, BATCH)):
            await inserts.insert_many(conn, table, COLUMNS, batch)
    db = connections.get("default")
    found = (await inserts.fetch(db, f'SELECT COUNT(*) AS "n" FROM "{table}"', []))[0]["n"]
    if found != rows:
        raise Mismatch(f"seeding: {found} Transaction List rows, not {rows}")
    # What autovacuum (PostgreSQL) or a periodic ANALYZE would have done to a table this size.
    await db.execute_script("VACUUM ANALYZE" if db.capabilities.dialect == "postgres" else "ANALYZE")


async def database_bytes() -> int:
    """The size of the database the app is connected to."""
    db = connections.get("default")
    if db.capabilities.dialect == "postgres":
        sql = 'SELECT pg_database_size(current_database()) AS "n"'
    else:
        sql = 'SELECT page_count * page_size AS "n" FROM pragma_page_count(), pragma_page_size()'
    return int((await inserts.fetch(db, sql, []))[0]["n"])


async def lookup_plan(store_id: str, target: Target) -> list[str]:
    """The database's plan for the Transaction List lookup an import makes per page (``imports._listed``),
    for a page of 100 orders new to the store."""
    db = connections.get("default")
    ids = [str(target.first_id + n) for n in range(100)]
    sql = f'SELECT "order_id", "id" FROM "{Transaction._meta.db_table}" WHERE "store_id" = ? AND "order_id" IN '
    sql += f"({inserts.question_marks(len(ids))})"
    if db.capabilities.dialect == "postgres":
        return [row["QUERY PLAN"] for row in await inserts.fetch(db, f"EXPLAIN {sql}", [store_id, *ids])]
    return [row["detail"] for row in await inserts.fetch(db, f"EXPLAIN QUERY PLAN {sql}", [store_id, *ids])]


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` nearly equal whole parts."""
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


# --- part 1: Transaction List size ------------------------------------------------------------------------------


def _settings(database_url: str, platform: str) -> Settings:
    """As ``harness.run_product`` runs the app."""
    return Settings(
        database_url=database_url,
        secret_key=SECRET_KEY,
        allow_local_api=True,
        load_entry_points=False,
        extra_plugins=(PLATFORMS[platform].plugin,),
        job_wait_seconds=0.05,
        graphiql=False,
    )


async def _connect(client: _Client, platform: str, emulator: Emulator) -> str:
    """``connectStore`` for the emulator's store, its automatic recovery off; the store's id."""
    variables = {"platform": platform, "name": "Bench store", "credentials": dict(emulator.credentials)}
    connected = (await client.execute(CONNECT_STORE, {**variables, "apiBaseUrl": emulator.url}))["connectStore"]
    if connected["userErrors"]:
        raise Mismatch(f"connectStore failed: {connected['userErrors']}")
    store = str(connected["store"]["id"])
    recovery = (await client.execute(SET_RECOVERY, {"store": store}))["setStoreRecovery"]
    if recovery["userErrors"]:
        raise Mismatch(f"setStoreRecovery failed: {recovery['userErrors']}")
    return store


async def _start_import(client: _Client, platform: str, store: str) -> dict[str, Any]:
    """``importOrders`` of the window; the job as the mutation answers it."""
    answer = await client.execute(IMPORT_ORDERS, {"platform": platform, "store": store, "hours": HOURS})
    started = answer["importOrders"]
    if started["userErrors"] or started["job"] is None:
        raise Mismatch(f"importOrders failed: {started['userErrors']}")
    return dict(started["job"])


def _check(job: dict[str, Any], orders: int) -> None:
    if job["status"] != "SUCCEEDED" or not (job["fetched"] == job["imported"] == orders) or job["skipped"]:
        raise Mismatch(
            f"expected SUCCEEDED with fetched == imported == {orders}, skipped == 0; got {job['status']} "
            f"fetched={job['fetched']} imported={job['imported']} skipped={job['skipped']} "
            f"error={job['errorCode']}: {job['error']}"
        )


@dataclass(frozen=True)
class Seeded:
    rows: int
    url: str
    token: str
    store: str
    seconds: float  # what seeding the rows took
    size: int  # the database's bytes
    plan: list[str]  # of the per-page Transaction List lookup


async def seed_database(url: str, platform: str, emulator: Emulator, rows: int, seed: int) -> Seeded:
    """The store connected through the app on ``url``, then ``rows`` Transaction List rows."""
    async with _running_app(_settings(url, platform)) as (app_url, runtime), aiohttp.ClientSession() as session:
        seller = await accounts.get_or_create_seller("bench")
        client = _Client(session, app_url, await accounts.create_token(seller))
        store_id = await _connect(client, platform, emulator)
        store = await Store.get(id=store_id)
        started = time.perf_counter()
        await seed_transactions(runtime, seller, store, TARGETS[platform], rows, seed)
        spent = time.perf_counter() - started
        size, plan = await database_bytes(), await lookup_plan(store_id, TARGETS[platform])
    if url.startswith("sqlite://"):  # one file to copy: the write-ahead log folded into it
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Seeded(rows, url, client.token, store_id, spent, size, plan)


def _copied(source: Path, target: Path) -> None:
    """``source`` copied to ``target`` and on disk: otherwise the kernel would still be writing a large copy
    back while the import's commits wait for their own writes (fsync), which a database in service never
    has to."""
    shutil.copyfile(source, target)
    with target.open("rb+") as copy:
        os.fsync(copy.fileno())


@contextlib.asynccontextmanager
async def copy_of(seeded: Seeded, base_url: str | None, workdir: Path) -> AsyncIterator[str]:
    """A fresh copy of a seeded database: a copy of the SQLite file, or a PostgreSQL database made from it as
    a template; removed afterwards."""
    name = f"bench_{secrets.token_hex(4)}"
    if base_url is None:
        copy = workdir / f"{name}.sqlite3"
        await asyncio.to_thread(_copied, Path(seeded.url.removeprefix("sqlite://")), copy)
        try:
            yield f"sqlite://{copy}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        return
    async with fresh_database(base_url, workdir, template=urlsplit(seeded.url).path.lstrip("/")) as url:
        yield url


async def timed_import(seeded: Seeded, url: str, platform: str, orders: int) -> Spent:
    """``importOrders`` of the window into the copy at ``url``: the seconds from the mutation to the job's
    ``finishedAt``, and this process's CPU seconds until the job ends (awaited in process, as
    ``harness.run_product`` does)."""
    async with _running_app(_settings(url, platform)) as (app_url, runtime), aiohttp.ClientSession() as session:
        client = _Client(session, app_url, seeded.token)
        cpu = time.process_time()
        sent = datetime.now(UTC)
        job = await _start_import(client, platform, seeded.store)
        if job["status"] == "RUNNING":
            await runtime.jobs.wait(uuid.UUID(job["id"]), JOB_TIMEOUT)
        cpu = time.process_time() - cpu
        job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
    _check(job, orders)
    return Spent((datetime.fromisoformat(job["finishedAt"]) - sent).total_seconds(), cpu)


def _spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


async def list_part(args: argparse.Namespace, workdir: Path) -> None:
    target = TARGETS[args.platform]
    sizes = (args.small, args.large)
    print(f"Transaction List size: {args.orders} {args.platform} orders into {sizes[0]:,} and {sizes[1]:,} rows")
    with emulator_process(target.emulator, args.orders, HOURS, args.seed, 0.0) as emulator:
        async with contextlib.AsyncExitStack() as stack:
            seeded: dict[int, Seeded] = {}
            for size in sizes:
                url = await stack.enter_async_context(fresh_database(args.database_url, workdir))
                seeded[size] = done = await seed_database(url, args.platform, emulator, size, args.seed)
                print(f"  seeded {size:,} rows in {done.seconds:.1f} s, database {done.size / 2**20:,.0f} MiB")
                for line in done.plan:  # its list of 100 ids cut short
                    print(f"    lookup plan: {line if len(line) <= 100 else line[:97] + '...'}")
            # Untimed: the process's first import pays for what it does once (the first request's code paths).
            async with copy_of(seeded[sizes[0]], args.database_url, workdir) as url:
                await timed_import(seeded[sizes[0]], url, args.platform, args.orders)
            times: dict[int, list[Spent]] = {size: [] for size in sizes}
            for n in range(args.rounds):
                for size in sizes if n % 2 == 0 else reversed(sizes):
                    if datetime.now(UTC) - emulator.t0 > headroom(HOURS):
                        raise Mismatch("the run outlasted the emulator's window: seed fewer rows")
                    async with copy_of(seeded[size], args.database_url, workdir) as url:
                        spent = await timed_import(seeded[size], url, args.platform, args.orders)
                    times[size].append(spent)
                    print(f"  round {n + 1}: {size:>9,} rows  {spent.wall:6.2f} s  cpu {spent.cpu:6.2f} s", flush=True)
    small, large = (times[size] for size in sizes)
    wall = statistics.median(s.wall for s in large) / statistics.median(s.wall for s in small)
    cpu = statistics.median(s.cpu for s in large) / statistics.median(s.cpu for s in small)
    pairs = " ".join(f"{b.wall / a.wall:.2f}" for a, b in zip(small, large))
    print(f"{'rows':>10}  {'import s, median (range)':>26}  {'cpu s, median (range)':>24}")
    for size in sizes:
        print(f"{size:>10,}  {_spread([s.wall for s in times[size]]):>26}  {_spread([s.cpu for s in times[size]]):>24}")
    print(f"time at {sizes[1]:,} / time at {sizes[0]:,}: {wall:.2f}x (rounds: {pairs}); cpu {cpu:.2f}x")


# --- part 2: the server's memory over a large import -----------------------------------------------------------


def _memory(pid: int) -> dict[str, float]:
    """The process's current and peak resident set size, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    return {"rss": int(found["VmRSS"]) / 1024, "peak": int(found["VmHWM"]) / 1024}


@dataclass(frozen=True)
class MemoryRound:
    before: float  # MiB resident when the import starts
    peak: float  # MiB, the most resident during the import
    after: float  # MiB resident when it has ended
    seconds: float

    @property
    def growth(self) -> float:
        return self.peak - self.before

    @property
    def kept(self) -> float:
        return self.after - self.before


async def memory_round(args: argparse.Namespace, emulator: Emulator, workdir: Path) -> MemoryRound:
    async with fresh_database(args.database_url, workdir) as database_url:
        env = {
            "ORDER_IMPORT_DATABASE_URL": database_url,
            "ORDER_IMPORT_SECRET_KEY": SECRET_KEY,
            "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
            "ORDER_IMPORT_RATE_LIMITS": "requests=1000000/minute;imports=1000/minute",
        }
        token = await asyncio.to_thread(_create_token, env)
        with server_process("app", env) as server:
            pid = server.process.pid
            async with aiohttp.ClientSession() as session:
                client = _Client(session, server.url, token)
                store = await _connect(client, args.platform, emulator)
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak so far becomes the current size
                before = _memory(pid)
                started = time.perf_counter()
                job = await _start_import(client, args.platform, store)
                while job["status"] == "RUNNING":
                    if time.perf_counter() - started > JOB_TIMEOUT:
                        raise Mismatch(f"the job is still RUNNING after {JOB_TIMEOUT:g} s: {job}")
                    await asyncio.sleep(POLL_SECONDS)
                    job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
                seconds = time.perf_counter() - started
                after = _memory(pid)
    _check(job, args.memory_orders)
    return MemoryRound(before["rss"], after["peak"], after["rss"], seconds)


async def memory_part(args: argparse.Namespace, workdir: Path) -> None:
    print(f"Server memory: an import of {args.memory_orders:,} {args.platform} orders, the server in its own process")
    target = TARGETS[args.platform]
    rounds = []
    with emulator_process(target.emulator, args.memory_orders, HOURS, args.seed, 0.0) as emulator:
        for n in range(args.memory_rounds):
            if datetime.now(UTC) - emulator.t0 > headroom(HOURS):
                raise Mismatch("the run outlasted the emulator's window: use fewer rounds")
            got = await memory_round(args, emulator, workdir)
            rounds.append(got)
            print(
                f"  round {n + 1}: before {got.before:6.1f} MiB  peak {got.peak:6.1f}  after {got.after:6.1f}  "
                f"growth {got.growth:5.1f}  kept {got.kept:5.1f}  ({got.seconds:.1f} s)",
                flush=True,
            )
    print(f"growth (peak - before): {_spread([r.growth for r in rounds])} MiB")
    print(f"kept (after - before):  {_spread([r.kept for r in rounds])} MiB")
    print(f"import: {_spread([r.seconds for r in rounds])} s")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("all", "list"):
            await list_part(args, Path(tmp))
        if args.part in ("all", "memory"):
            await memory_part(args, Path(tmp))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("all", "list", "memory"), default="all")
    parser.add_argument("--platform", choices=sorted(TARGETS), default="woocommerce")
    parser.add_argument("--orders", type=int, default=5_000, help="orders per import of the list part")
    parser.add_argument("--small", type=int, default=1_000, help="Transaction List rows of the baseline")
    parser.add_argument("--large", type=int, default=1_000_000, help="Transaction List rows compared with it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-orders", type=int, default=100_000)
    parser.add_argument("--memory-rounds", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL server: postgres://user@host:port (default: SQLite)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        asyncio.run(run(args))
    except Mismatch as exc:
        print(f"MISMATCH: {exc}", file=sys.stderr)
        return 1
    print(f"Total {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
