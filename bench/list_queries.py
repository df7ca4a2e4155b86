"""Benchmark: list queries of the real app against a bare Starlette app serving the same JSON, requests/s.

    python bench/list_queries.py [--orders 100000] [--rounds 3] [--seconds 2] [--connections 8]
                                 [--database-url postgres://postgres@127.0.0.1:5432]

On a fresh database (a SQLite file, or a new PostgreSQL database dropped afterwards), ``list_seed.py`` writes
one seller with four stores on three platforms, ``--orders`` pending orders with Shopify-sized payloads, as
many Transaction List rows and a tenth as many import jobs. Two servers run under uvicorn in this process,
on the same database:

product
    the real app (``create_app``), answering ``POST /graphql`` with an API token; rate limits set out of reach.
bare
    a Starlette app answering the same JSON for the same list from one SQL query the plain way (a join for
    the store's name, the ``COUNT(*)`` when the case has ``totalCount``), with no token check.

Cases: ``pendingImports(first: 50)``, ``transactions(first: 50)`` and ``importJobs(first: 50)`` each without
and with ``totalCount``, and ``{ platforms { id } }`` (no database: the framework and the token check). The
answers of both sides are compared once per case; any difference is a mismatch (exit 1). A load generator
in a child process keeps ``--connections`` keep-alive connections busy for ``--seconds`` on one side at a
time, after a short warm-up, the sides alternating which goes first; each round measures every case on
both sides. The figure per case is the median requests/s of the product over the median of the bare app.
The query plans of the three list queries are printed first (``EXPLAIN``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Runnable as ``python bench/list_queries.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections

import plugins.ebay
import plugins.shopify
import plugins.woocommerce
from bench.harness import Mismatch, _running_app, fresh_database
from bench.list_seed import seed
from server.crypto import CredentialsCipher
from server.models import Seller
from server.money import with_minor_units
from server.schema.scalars import serialize_datetime
from server.services import accounts
from server.settings import Settings

PLUGINS = (plugins.shopify, plugins.woocommerce, plugins.ebay)
UNLIMITED = "requests=1000000000/minute;imports=30/minute;auth_failures=20/minute;bad_signatures=20/minute"
WARM_UP = 0.5
PAGE = 50

ORDER = "id orderId orderNumber total { amount currencyCode } buyer { name } placedAt store { name } platform { name }"
ROW = "id orderId orderNumber total { amount currencyCode } buyer { name } createdAt store { name } platform { name }"
JOB = "id status fetched imported startedAt store { name }"
QUERIES = {
    "pendingImports": f"{{ pendingImports(first: {PAGE}) {{ %s edges {{ node {{ {ORDER} }} }} }} }}",
    "transactions": f"{{ transactions(first: {PAGE}) {{ %s edges {{ node {{ {ROW} }} }} }} }}",
    "importJobs": f"{{ importJobs(first: {PAGE}) {{ %s edges {{ node {{ {JOB} }} }} }} }}",
}
CASES = [(name, counted) for name in QUERIES for counted in (False, True)] + [("platforms", False)]

# The bare app's SQL: what a hand-written endpoint would send (the sort on the same indexes).
BARE = {
    "pendingImports": (
        'SELECT o."id", o."order_id", o."order_number", o."total_amount", o."currency", o."buyer_name",'
        ' o."placed_at" AS "at", o."platform", s."name" AS "store_name" FROM "imported_order" o'
        ' JOIN "store" s ON s."id" = o."store_id" WHERE o."seller_id" = ? AND o."status" = \'PENDING\''
        ' ORDER BY o."placed_at" DESC, o."id" DESC LIMIT ?',
        'SELECT COUNT(*) AS "n" FROM "imported_order" WHERE "seller_id" = ? AND "status" = \'PENDING\'',
    ),
    "transactions": (
        'SELECT t."id", t."order_id", t."order_number", t."total_amount", t."currency", t."buyer_name",'
        ' t."created_at" AS "at", t."platform", s."name" AS "store_name" FROM "transaction" t'
        ' JOIN "store" s ON s."id" = t."store_id" WHERE t."seller_id" = ?'
        ' ORDER BY t."created_at" DESC, t."id" DESC LIMIT ?',
        'SELECT COUNT(*) AS "n" FROM "transaction" WHERE "seller_id" = ?',
    ),
    "importJobs": (
        'SELECT j."id", j."status", j."fetched", j."imported", j."started_at" AS "at", s."name" AS "store_name"'
        ' FROM "import_job" j JOIN "store" s ON s."id" = j."store_id" WHERE j."seller_id" = ?'
        ' ORDER BY j."started_at" DESC, j."id" DESC LIMIT ?',
        'SELECT COUNT(*) AS "n" FROM "import_job" WHERE "seller_id" = ?',
    ),
}
# What the product runs for the first page of each list (services.paging), to show its plan.
PLANS = {
    "pendingImports": 'SELECT "id" FROM "imported_order" WHERE "seller_id" = ? AND "status" = \'PENDING\''
    ' ORDER BY "placed_at" DESC, "id" DESC LIMIT 51',
    "transactions": 'SELECT "id" FROM "transaction" WHERE "seller_id" = ?'
    ' ORDER BY "created_at" DESC, "id" DESC LIMIT 51',
    "importJobs": 'SELECT "id" FROM "import_job" WHERE "seller_id" = ? ORDER BY "started_at" DESC, "id" DESC LIMIT 51',
}


def query_of(name: str, counted: bool) -> str:
    return "{ platforms { id } }" if name == "platforms" else QUERIES[name] % ("totalCount" if counted else "")


def case_name(name: str, counted: bool) -> str:
    return f"{name}{' +totalCount' if counted else ''}"


# --- the bare app ----------------------------------------------------------------------------------


def _sql(text: str, dialect: str) -> str:
    if dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def _moment(value: Any) -> str:
    return serialize_datetime(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def bare_app(seller_id: str, platforms: dict[str, str]) -> Starlette:
    """Each list as the product answers it, from its SQL query and a dict per row."""

    async def listed(request: Request) -> JSONResponse:
        name = request.path_params["name"]
        db = connections.get("default")
        dialect = db.capabilities.dialect
        if name == "platforms":
            return JSONResponse({"data": {"platforms": [{"id": key} for key in sorted(platforms)]}})
        page, counting = BARE[name]
        rows = await db.execute_query_dict(_sql(page, dialect), [seller_id, PAGE + 1])
        nodes: list[dict[str, Any]] = []
        for row in rows[:PAGE]:
            store = {"name": row["store_name"]}
            if name == "importJobs":
                node = {"id": str(row["id"]), "status": row["status"], "fetched": row["fetched"]}
                node |= {"imported": row["imported"], "startedAt": _moment(row["at"]), "store": store}
            else:
                amount = with_minor_units(Decimal(row["total_amount"]), row["currency"])
                node = {"id": str(row["id"]), "orderId": row["order_id"], "orderNumber": row["order_number"]}
                node |= {"total": {"amount": str(amount), "currencyCode": row["currency"]}}
                node |= {"buyer": {"name": row["buyer_name"]}}
                node["placedAt" if name == "pendingImports" else "createdAt"] = _moment(row["at"])
                node |= {"store": store, "platform": {"name": platforms[row["platform"]]}}
            nodes.append({"node": node})
        answer: dict[str, Any] = {}
        if request.query_params.get("count"):
            [counted] = await db.execute_query_dict(_sql(counting, dialect), [seller_id])
            answer["totalCount"] = int(counted["n"])
        answer["edges"] = nodes
        return JSONResponse({"data": {name: answer}})

    return Starlette(routes=[Route("/{name}", listed, methods=["POST"])])


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """``app`` under uvicorn on a loopback port (no lifespan: the database is the product's); yield its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                await task
                raise Mismatch("bare: the app stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


# --- the load generator, in its own process -------------------------------------------------------


def _load_main(conn: Connection, connections_count: int) -> None:
    asyncio.run(_load(conn, connections_count))


async def _load(conn: Connection, connections_count: int) -> None:
    import aiohttp

    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=connections_count)
    async with aiohttp.ClientSession(connector=connector) as session:
        while True:
            try:
                job = await loop.run_in_executor(None, conn.recv)
            except EOFError:
                return
            if job is None:
                return
            url, body, headers, seconds = job
            counts = {"ok": 0, "bad": 0}

            async def worker(until: float) -> None:
                while time.perf_counter() < until:
                    async with session.post(url, data=body, headers=headers) as response:
                        await response.read()
                        counts["ok" if response.status == 200 else "bad"] += 1

            warm = time.perf_counter() + WARM_UP
            await asyncio.gather(*(worker(warm) for _ in range(connections_count)))
            counts = {"ok": 0, "bad": 0}
            started = time.perf_counter()
            await asyncio.gather(*(worker(started + seconds) for _ in range(connections_count)))
            conn.send((counts["ok"], counts["bad"], time.perf_counter() - started))


@contextlib.contextmanager
def load_process(connections_count: int) -> Any:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_load_main, args=(child, connections_count), daemon=True)
    process.start()
    child.close()
    try:
        yield parent
    finally:
        with contextlib.suppress(OSError):
            parent.send(None)
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join()


async def rate(load: Connection, url: str, body: bytes, headers: dict[str, str], seconds: float) -> float:
    """Requests/s the load generator got answered 200 by ``url`` (any other answer is a mismatch)."""
    loop = asyncio.get_running_loop()
    load.send((url, body, headers, seconds))
    ok, bad, elapsed = await loop.run_in_executor(None, load.recv)
    if bad:
        raise Mismatch(f"{bad} requests to {url} were not answered 200")
    return float(ok / elapsed)


# --- the run -------------------------------------------------------------------------------------


async def _post(url: str, body: bytes, headers: dict[str, str]) -> Any:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        answer = await response.json()
    if response.status != 200 or "errors" in answer:
        raise Mismatch(f"{url} answered HTTP {response.status}: {str(answer)[:300]}")
    return answer


async def _plans(seller_id: str) -> list[str]:
    db = connections.get("default")
    dialect = db.capabilities.dialect
    lines = []
    for name, sql in PLANS.items():
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        rows = await db.execute_query_dict(_sql(explain + sql, dialect), [seller_id])
        lines += [f"  {name}: " + (row.get("detail") or row.get("QUERY PLAN") or str(row)) for row in rows]
    return lines


async def run(
    orders: int, rounds: int, seconds: float, connections_count: int, database: str | None
) -> tuple[list[str], dict[str, list[tuple[float, float]]]]:
    rates: dict[str, list[tuple[float, float]]] = {case_name(*case): [] for case in CASES}
    with tempfile.TemporaryDirectory() as tmp, load_process(connections_count) as load:
        async with fresh_database(database, Path(tmp)) as database_url:
            settings = Settings(
                database_url=database_url,
                secret_key="bench-secret-key",
                load_entry_points=False,
                extra_plugins=PLUGINS,
                graphiql=False,
                rate_limits=UNLIMITED,
            )
            async with _running_app(settings) as (product, runtime):
                seeded = await seed(orders, CredentialsCipher(settings.secret_key))
                token = await accounts.create_token(await Seller.get(id=seeded.seller_id))
                names = {key: runtime.registry.get(key).display_name for key in ("shopify", "woocommerce", "ebay")}
                seller_id = str(seeded.seller_id)
                plans = await _plans(seller_id)
                async with serving(bare_app(seller_id, names)) as bare:
                    graphql = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                    plain = {"Content-Type": "application/json"}
                    targets = {}
                    for name, counted in CASES:
                        body = json.dumps({"query": query_of(name, counted)}).encode()
                        bare_url = f"{bare}/{name}{'?count=1' if counted else ''}"
                        mine = await _post(f"{product}/graphql", body, graphql)
                        theirs = await _post(bare_url, body, plain)
                        if mine != theirs:
                            raise Mismatch(f"{case_name(name, counted)}: the answers differ: {mine} != {theirs}")
                        targets[case_name(name, counted)] = {
                            "product": (f"{product}/graphql", body, graphql),
                            "bare": (bare_url, body, plain),
                        }
                    for n in range(rounds):
                        for case, sides in targets.items():
                            order = ("product", "bare") if n % 2 == 0 else ("bare", "product")
                            got = {side: await rate(load, *sides[side], seconds) for side in order}
                            rates[case].append((got["product"], got["bare"]))
    return plans, rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="pending orders (and transactions) to seed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0, help="measured seconds per case, side and round")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections of the load generator")
    parser.add_argument("--database-url", help="a PostgreSQL server: postgres://user@host:port")
    args = parser.parse_args()
    try:
        plans, rates = asyncio.run(run(args.orders, args.rounds, args.seconds, args.connections, args.database_url))
    except Mismatch as exc:
        print(f"MISMATCH: {exc}", file=sys.stderr)
        return 1
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.orders} pending orders, {database}, {args.rounds} rounds of {args.seconds:g} s per side")
    print("query plans:")
    print("\n".join(plans))
    print(f"{'case':<26} {'product req/s':>22} {'bare req/s':>22} {'ratio':>6}  rounds' ratios")
    for case, pairs in rates.items():
        mine = [p for p, _ in pairs]
        theirs = [b for _, b in pairs]
        ratio = statistics.median(mine) / statistics.median(theirs)
        spread = " ".join(f"{p / b:.2f}" for p, b in pairs)
        print(
            f"{case:<26} {statistics.median(mine):>8.0f} ({min(mine):.0f}-{max(mine):.0f}) "
            f"{statistics.median(theirs):>8.0f} ({min(theirs):.0f}-{max(theirs):.0f}) {ratio:>5.2f}x  {spread}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
