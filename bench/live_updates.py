"""Benchmark: one accept seen live by many ``pendingImports`` subscribers, against a bare websocket fan-out.

    python bench/live_updates.py [--subscribers 1000] [--rounds 5] [--profile out.prof]
    python bench/live_updates.py --processes 2 --database-url postgres://postgres@127.0.0.1:5432 \\
                                 --redis-url redis://127.0.0.1:6379/0

The real app runs as ``order-import serve`` does (uvicorn, same options), in one child process per
``--processes``, on a fresh database (SQLite file, or a new PostgreSQL database) with ``memory://`` as the
broker for one process or ``--redis-url`` for two. The Shopify emulator runs in another child; one
``importOrders`` makes its orders pending. This process is the client: ``--subscribers`` websockets
(graphql-transport-ws, aiohttp), spread evenly over the app's processes, each subscribed to
``pendingImports`` with the console's selection (``PendingImportsLive``). Each round sends one
``acceptImport`` over HTTP to the first process and times, per subscriber, from sending it to reading
that subscriber's REMOVED for the order; every subscriber must get exactly one, with status ACCEPTED.

floor
    A bare Starlette app in its own child process, under uvicorn with the same options, holding as many
    graphql-transport-ws sockets (connection_init, subscribe), answering a POST by sending each socket a
    ``next`` message with the same payload the product sent in its warm-up round (``send_json`` per socket,
    one after the other): what a websocket fan-out of that JSON costs on this machine.

A warm-up round (untimed) runs first on each side. Rounds alternate which side goes first. The report
gives each round's p50, p99 and max in ms and the medians over the rounds; ``p99/floor`` is the median
p99 over the floor's. ``--profile FILE`` writes a cProfile of the first app process during the timed
rounds. Any mismatch exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Runnable as ``python bench/live_updates.py`` from a checkout without an install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bench.bulk_decisions import acceptable_ids
from bench.harness import (
    CONNECT_STORE,
    IMPORT_JOB,
    IMPORT_ORDERS,
    Mismatch,
    _Client,
    emulator_process,
    fresh_database,
)

HOURS = 6
POLL_SECONDS = 0.1  # while the import that makes the orders pending runs
CONNECT_BATCH = 100  # websockets opened at a time
ROUND_TIMEOUT = 120.0
SUBSCRIPTION = """
subscription PendingImportsLive($platform: String, $store: ID) {
  pendingImports(platform: $platform, store: $store) {
    change
    order {
      id orderId orderNumber status paymentStatus platformStatus testOrder canceledOnPlatform checkedAt placedAt
      buyer { name email }
      total { amount currencyCode }
      platform { id name }
      store { id name }
    }
  }
}
"""
ACCEPT = "mutation($id: ID!) { acceptImport(id: $id) { transaction { id } userErrors { code message } } }"
FAN_OUT = "/fan-out"


def shopify_emulator() -> Any:
    from plugins.shopify.emulator import ShopifyEmulator

    return ShopifyEmulator(bucket_size=1e12, restore_rate=1e12)  # no rate limit


# --- the servers, each in its own process --------------------------------------------------------------------


def _serve_main(conn: Connection, kind: str, env: dict[str, str], profile: str | None) -> None:
    os.environ.update(env)
    asyncio.run(_serve(conn, kind, profile))


async def _serve(conn: Connection, kind: str, profile: str | None) -> None:
    """The app as ``order-import serve`` runs it (or the floor), on a free port; a profile on request."""
    import logging

    import uvicorn

    from server import logs
    from server.app import create_app
    from server.listening import bind, listening_url
    from server.settings import Settings

    logs.setup(logging.WARNING)
    listener = bind("127.0.0.1", 0)
    if kind == "app":
        settings = Settings.from_env()
        app = create_app(settings)
        ws_max_size = settings.max_body_bytes
    else:
        app, ws_max_size = _floor_app(), 16 * 1024 * 1024
    config = uvicorn.Config(
        app, proxy_headers=True, server_header=False, access_log=False, ws_max_size=ws_max_size, log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if serving.done():
            await serving
            return
        await asyncio.sleep(0.01)
    conn.send(listening_url(listener))
    profiler = cProfile.Profile() if profile else None
    loop = asyncio.get_running_loop()
    try:
        while True:
            try:
                command = await loop.run_in_executor(None, conn.recv)
            except EOFError:
                break
            if command == "profile" and profiler:
                profiler.enable()
            elif command == "unprofile" and profiler:
                profiler.disable()
            elif command == "stop":
                break
            conn.send("ok")
    finally:
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        server.should_exit = True
        await serving
        conn.send("stopped")


def _floor_app() -> Any:
    """graphql-transport-ws reduced to what the benchmark uses; POST /fan-out sends its body to every subscriber."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    subscribers: dict[WebSocket, str] = {}

    async def socket(ws: WebSocket) -> None:
        await ws.accept(subprotocol="graphql-transport-ws")
        try:
            while True:
                message = await ws.receive_json()
                if message["type"] == "connection_init":
                    await ws.send_json({"type": "connection_ack"})
                elif message["type"] == "subscribe":
                    subscribers[ws] = message["id"]
                elif message["type"] == "ping":
                    await ws.send_json({"type": "pong"})
        except WebSocketDisconnect:
            pass
        finally:
            subscribers.pop(ws, None)

    async def fan_out(payload: dict[str, Any]) -> None:
        for ws, operation in list(subscribers.items()):
            with contextlib.suppress(Exception):
                await ws.send_json({"id": operation, "type": "next", "payload": payload})

    tasks: set[asyncio.Task[None]] = set()

    async def publish(request: Request) -> JSONResponse:
        task = asyncio.create_task(fan_out(await request.json()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse({"subscribers": len(subscribers)})

    return Starlette(routes=[WebSocketRoute("/graphql", socket), Route(FAN_OUT, publish, methods=["POST"])])


@dataclass
class ServerProcess:
    url: str
    conn: Connection
    process: Any

    def command(self, what: str) -> None:
        self.conn.send(what)
        if not self.conn.poll(60):
            raise Mismatch(f"the server did not answer {what!r}")
        self.conn.recv()


@contextlib.contextmanager
def server_process(kind: str, env: dict[str, str], profile: str | None = None) -> Any:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve_main, args=(child, kind, env, profile), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(120):
            raise Mismatch(f"the {kind} process did not start within 120 s")
        try:
            url = parent.recv()
        except EOFError:
            raise Mismatch(f"the {kind} process died (exit code {process.exitcode})") from None
        yield ServerProcess(url, parent, process)
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
            while parent.poll(30) and parent.recv() != "stopped":
                pass
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join()


# --- the subscribers, in this process --------------------------------------------------------------------------


@dataclass
class Round:
    """One accept: the order it removes and when each subscriber read its REMOVED (perf_counter seconds)."""

    order: str
    expected: int
    arrivals: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    payload: dict[str, Any] | None = None

    def received(self, message: dict[str, Any], at: float) -> None:
        payload = message.get("payload") or {}
        event = (payload.get("data") or {}).get("pendingImports") or {}
        order = event.get("order") or {}
        if message.get("type") != "next" or payload.get("errors"):
            self.problems.append(f"unexpected message: {str(message)[:300]}")
        elif (event.get("change"), order.get("id"), order.get("status")) != ("REMOVED", self.order, "ACCEPTED"):
            self.problems.append(f"unexpected event: {str(event)[:300]}")
        else:
            self.payload = payload
            self.arrivals.append(at)
        if len(self.arrivals) + len(self.problems) >= self.expected:
            self.done.set()


class Subscribers:
    """``n`` websockets subscribed to pendingImports, spread over ``urls``; every message goes to the round."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []
        self.readers: list[asyncio.Task[None]] = []
        self.round: Round | None = None

    async def open(self, urls: list[str], n: int, token: str) -> None:
        for start in range(0, n, CONNECT_BATCH):
            batch = range(start, min(n, start + CONNECT_BATCH))
            self.sockets += await asyncio.gather(*(self._subscribe(urls[i % len(urls)], token) for i in batch))
        for ws in self.sockets:
            self.readers.append(asyncio.create_task(self._read(ws)))

    async def _subscribe(self, url: str, token: str) -> aiohttp.ClientWebSocketResponse:
        ws = await self.session.ws_connect(f"{url}/graphql", protocols=("graphql-transport-ws",), max_msg_size=0)
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        ack = await ws.receive_json(timeout=60)
        if ack.get("type") != "connection_ack":
            raise Mismatch(f"connection_init answered {ack}")
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION, "variables": {}}})
        await ws.send_json({"type": "ping"})
        pong = await ws.receive_json(timeout=60)
        if pong.get("type") != "pong":
            raise Mismatch(f"a subscriber received {str(pong)[:300]} before any event")
        return ws

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            at = time.perf_counter()
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            if self.round is None:
                raise Mismatch(f"a message between rounds: {message.data[:300]}")
            self.round.received(json.loads(message.data), at)

    async def measure(self, order: str, send: Callable[[], Awaitable[None]]) -> Round:
        """Run ``send`` (an accept of ``order``); return when every subscriber has read its REMOVED."""
        current = self.round = Round(order, len(self.sockets))
        sent = time.perf_counter()
        await send()
        try:
            await asyncio.wait_for(current.done.wait(), ROUND_TIMEOUT)
        except TimeoutError:
            raise Mismatch(f"{len(current.arrivals)} of {current.expected} subscribers got the REMOVED") from None
        await asyncio.sleep(0.2)  # a duplicate would show up as a problem
        self.round = None
        if current.problems:
            raise Mismatch(f"{len(current.problems)} unexpected messages, first: {current.problems[0]}")
        current.arrivals = [at - sent for at in current.arrivals]
        return current

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


@contextlib.asynccontextmanager
async def subscribers(
    session: aiohttp.ClientSession, urls: list[str], n: int, token: str
) -> AsyncIterator[Subscribers]:
    subs = Subscribers(session)
    try:
        await subs.open(urls, n, token)
        yield subs
    finally:
        await subs.close()


# --- the run ---------------------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(arrivals: list[float]) -> tuple[float, float, float]:
    """(p50, p99, max) in ms."""
    return tuple(1000 * v for v in (_percentile(arrivals, 0.5), _percentile(arrivals, 0.99), max(arrivals)))  # type: ignore[return-value]


def _create_token(env: dict[str, str]) -> str:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "token", "create", "--seller", "bench"],
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


async def _pending_paid(client: _Client, emulator_url: str, credentials: dict[str, str], total: int) -> list[str]:
    variables: dict[str, Any] = {"platform": "shopify", "name": "Bench store", "credentials": credentials}
    connected = (await client.execute(CONNECT_STORE, {**variables, "apiBaseUrl": emulator_url}))["connectStore"]
    if connected["userErrors"]:
        raise Mismatch(f"connectStore failed: {connected['userErrors']}")
    job = await client.execute(
        IMPORT_ORDERS, {"platform": "shopify", "store": connected["store"]["id"], "hours": HOURS}
    )
    job = job["importOrders"]["job"]
    while job["status"] == "RUNNING":
        await asyncio.sleep(POLL_SECONDS)
        job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
    if job["status"] != "SUCCEEDED" or job["imported"] != total:
        raise Mismatch(f"the import ended {job['status']} with {job['imported']} of {total} orders")
    return await acceptable_ids(client)


async def run(args: argparse.Namespace) -> dict[str, list[Round]]:
    needed = args.rounds + 1
    total = needed * 4
    with (
        emulator_process(shopify_emulator, total, HOURS, 1, 0.0) as emulator,
        tempfile.TemporaryDirectory() as tmp,
    ):
        async with fresh_database(args.database_url, Path(tmp)) as database_url:
            env = {
                "ORDER_IMPORT_DATABASE_URL": database_url,
                "ORDER_IMPORT_SECRET_KEY": "bench-secret-key",
                "ORDER_IMPORT_BROADCAST_URL": args.redis_url or "memory://",
                "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
                "ORDER_IMPORT_RATE_LIMITS": "requests=1000000/minute;imports=1000/minute",
            }
            token = await asyncio.to_thread(_create_token, env)
            with contextlib.ExitStack() as stack:
                apps = [
                    stack.enter_context(server_process("app", env, args.profile if n == 0 else None))
                    for n in range(args.processes)
                ]
                connector = aiohttp.TCPConnector(limit=0)
                async with aiohttp.ClientSession(connector=connector) as session:
                    client = _Client(session, apps[0].url, token)
                    ids = await _pending_paid(client, emulator.url, dict(emulator.credentials), total)
                    if len(ids) < needed:
                        raise Mismatch(f"{len(ids)} of {total} orders are paid, {needed} needed")
                    return await _rounds(args, session, client, apps, ids, token)


async def _rounds(
    args: argparse.Namespace,
    session: aiohttp.ClientSession,
    client: _Client,
    apps: list[ServerProcess],
    ids: list[str],
    token: str,
) -> dict[str, list[Round]]:
    async def accept(order: str) -> None:
        answer = (await client.execute(ACCEPT, {"id": order}))["acceptImport"]
        if answer["userErrors"] or answer["transaction"] is None:
            raise Mismatch(f"acceptImport failed: {answer['userErrors']}")

    async def publish(url: str, payload: dict[str, Any]) -> None:
        async with session.post(f"{url}{FAN_OUT}", json=payload) as response:
            if response.status != 200:
                raise Mismatch(f"the floor answered HTTP {response.status}")

    urls = [app.url for app in apps]
    results: dict[str, list[Round]] = {"floor": [], "product": []}
    async with subscribers(session, urls, args.subscribers, token) as product:
        warm = await product.measure(ids[0], lambda: accept(ids[0]))  # also waits until every subscription is live
        assert warm.payload is not None
        with server_process("floor", {}) as floor_server:
            async with subscribers(session, [floor_server.url], args.subscribers, "floor") as floor:

                def floor_payload(order: str) -> dict[str, Any]:
                    text = json.dumps(warm.payload).replace(ids[0], order)
                    return dict(json.loads(text))

                await floor.measure(ids[0], lambda: publish(floor_server.url, floor_payload(ids[0])))
                for n in range(args.rounds):
                    order = ids[n + 1]
                    sides = ("product", "floor") if n % 2 == 0 else ("floor", "product")
                    for side in sides:
                        if side == "product":
                            if args.profile:
                                apps[0].command("profile")
                            results["product"].append(await product.measure(order, lambda o=order: accept(o)))
                            if args.profile:
                                apps[0].command("unprofile")
                        else:
                            floor_round = floor.measure(
                                order, lambda o=order: publish(floor_server.url, floor_payload(o))
                            )
                            results["floor"].append(await floor_round)
    return results


def report(args: argparse.Namespace, results: dict[str, list[Round]]) -> None:
    database = "PostgreSQL" if args.database_url else "SQLite"
    broker = "Redis" if args.redis_url else "memory://"
    print(
        f"{args.subscribers} subscribers, {args.processes} app process(es), {database}, broker {broker}, "
        f"{args.rounds} rounds; ms from sending acceptImport to each subscriber's REMOVED"
    )
    print(f"{'side':<8} {'round':>5} {'p50':>8} {'p99':>8} {'max':>8}")
    medians: dict[str, tuple[float, ...]] = {}
    for side in ("floor", "product"):
        rows = [summary(r.arrivals) for r in results[side]]
        for n, (p50, p99, top) in enumerate(rows, 1):
            print(f"{side:<8} {n:>5} {p50:8.1f} {p99:8.1f} {top:8.1f}")
        medians[side] = tuple(statistics.median(row[i] for row in rows) for i in range(3))
        p50, p99, top = medians[side]
        print(f"{side:<8} {'med':>5} {p50:8.1f} {p99:8.1f} {top:8.1f}")
    print(f"p99/floor: {medians['product'][1] / medians['floor'][1]:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--database-url", help="a PostgreSQL server: postgres://user@host:port (default: SQLite)")
    parser.add_argument("--redis-url", help="the broker between the app's processes (needed for --processes 2)")
    parser.add_argument("--profile", help="write a cProfile of the first app process's timed rounds here")
    args = parser.parse_args()
    if args.processes == 2 and not (args.redis_url and args.database_url):
        parser.error("--processes 2 needs --database-url (PostgreSQL) and --redis-url")
    if args.subscribers < 1 or args.rounds < 1:
        parser.error("--subscribers and --rounds must be at least 1")
    try:
        results = asyncio.run(run(args))
    except Mismatch as exc:
        print(f"MISMATCH: {exc}", file=sys.stderr)
        return 1
    report(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
