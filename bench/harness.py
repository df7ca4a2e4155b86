"""The machinery of ``import_orders.py``, the same for every platform.

- ``emulator_process``: a platform emulator in a child process, holding random
  orders, served on two loopback ports: one answering at once, one answering
  each request ``latency`` seconds late (an aiohttp middleware added around the
  emulator's app). The child counts the requests it answers.
- ``run_floor``: times a floor function (``floors``) over a fresh aiohttp session.
- ``run_product``: the real app under uvicorn on a fresh database; ``connectStore``
  and ``importOrders(hours: H)`` over HTTP, timed from the mutation to the
  job's ``finishedAt``, checked SUCCEEDED with fetched == imported == orders.
- Both also give this process's CPU seconds over what they time (``Spent``): the
  floor and the app run here, the emulator in its child, so its CPU is not counted.
- ``page_concurrency``: the connector class's ``page_concurrency`` set for a
  while (the app runs in this process, so the class attribute is what it uses).
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import multiprocessing
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import uvicorn

from server.app import create_app
from server.db import close_database
from server.platforms import PlatformConnector
from server.runtime import Runtime
from server.services import accounts
from server.settings import Settings

__all__ = [
    "Emulator",
    "Floor",
    "FloorCount",
    "Mismatch",
    "Spent",
    "emulator_process",
    "fresh_database",
    "headroom",
    "page_concurrency",
    "run_floor",
    "run_product",
    "window",
]

WINDOW_OVERLAP = timedelta(seconds=Settings.window_overlap_seconds)  # what the core asks beyond the window
# The orders are created in [t0 - hours + headroom(hours), t0 - SETTLED): every window [now - hours, now]
# opened within the headroom of t0 covers all of them. SETTLED keeps them (and PayPal's captures, up to
# 90 s after an order) in the past when the first import starts.
SETTLED = timedelta(minutes=2)
POLL_SECONDS = 0.2  # for scripts that poll a job over HTTP (import_orders awaits it in process)
JOB_TIMEOUT = 900.0


def headroom(hours: int) -> timedelta:
    """How long after the emulator starts its orders stay inside a window of ``hours``: a sixth of it."""
    return timedelta(hours=hours) / 6


class Mismatch(Exception):
    """A run did not fetch or import exactly the orders it should have, or could not run."""


# --- the emulator, in its own process ------------------------------------------------------------


@dataclass(frozen=True)
class Emulator:
    """A running emulator: its two base URLs, when it made its orders, and the credentials a seller enters."""

    url: str  # answers at once
    slow_url: str  # answers each request ``latency`` seconds late
    t0: datetime
    credentials: dict[str, str]
    _conn: Connection

    def requests(self) -> int:
        """How many requests the emulator has answered so far, on either port."""
        self._conn.send("count")
        if not self._conn.poll(30):
            raise Mismatch("the emulator did not answer a request count within 30 s")
        return int(self._conn.recv())


def _emulator_main(
    conn: Connection, factory: Callable[[], Any], orders: int, hours: int, seed: int, latency: float
) -> None:
    asyncio.run(_serve_emulator(conn, factory, orders, hours, seed, latency))


async def _serve_emulator(
    conn: Connection, factory: Callable[[], Any], orders: int, hours: int, seed: int, latency: float
) -> None:
    from aiohttp import web

    emulator = factory()
    t0 = datetime.now(UTC)
    start = t0 - timedelta(hours=hours) + headroom(hours)
    emulator.add_random_orders(orders, start=start, end=t0 - SETTLED, seed=seed)
    answered = 0
    slow_port = -1

    @web.middleware
    async def counted_and_delayed(request: web.Request, handler: Any) -> web.StreamResponse:
        nonlocal answered
        answered += 1
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        if sockname and sockname[1] == slow_port:
            await asyncio.sleep(latency)
        return await handler(request)

    app = emulator.app()
    app.middlewares.insert(0, counted_and_delayed)  # outermost: the delay comes before the emulator's work
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for _ in range(2):
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    fast_port, slow_port = (address[1] for address in runner.addresses)
    credentials = dict(emulator.credentials())
    conn.send((f"http://127.0.0.1:{fast_port}", f"http://127.0.0.1:{slow_port}", t0, credentials))
    loop = asyncio.get_running_loop()
    try:
        while await loop.run_in_executor(None, conn.recv) == "count":  # any other message, or EOF: stop
            conn.send(answered)
    except EOFError:
        pass
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def emulator_process(
    factory: Callable[[], Any], orders: int, hours: int, seed: int, latency: float
) -> Iterator[Emulator]:
    """Start ``factory()``'s emulator with ``orders`` random orders in a child process; stop it afterwards."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_emulator_main, args=(child, factory, orders, hours, seed, latency), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(300):
            raise Mismatch("the emulator did not start within 300 s")
        try:
            url, slow_url, t0, credentials = parent.recv()
        except EOFError:
            raise Mismatch(f"the emulator process died (exit code {process.exitcode})") from None
        yield Emulator(url, slow_url, t0, credentials, parent)
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join()


def window(hours: int) -> tuple[datetime, datetime]:
    """What the core asks a connector for when ``importOrders(hours:)`` starts now."""
    now = datetime.now(UTC)
    return now - timedelta(hours=hours) - WINDOW_OVERLAP, now


@dataclass(frozen=True)
class Spent:
    """What one measured part cost: wall seconds, and this process's CPU seconds (all its threads, so the
    app's SQLite thread too; not the emulator's child nor a PostgreSQL server)."""

    wall: float
    cpu: float


# --- the floor -----------------------------------------------------------------------------------


@dataclass
class FloorCount:
    """What a floor fetched: distinct orders, HTTP requests, and seconds spent in ``json.loads``."""

    orders: int = 0
    requests: int = 0
    decoding: float = 0.0


Floor = Callable[[aiohttp.ClientSession, str, Mapping[str, str], datetime, datetime, FloorCount], Awaitable[None]]


async def run_floor(floor: Floor, emulator: Emulator, hours: int) -> tuple[Spent, FloorCount]:
    """Run ``floor`` over the window ``hours`` against the emulator's prompt port; return what it cost and
    its counts."""
    count = FloorCount()
    start, end = window(hours)
    async with aiohttp.ClientSession() as session:
        started, cpu = time.perf_counter(), time.process_time()
        await floor(session, emulator.url, emulator.credentials, start, end, count)
        spent = Spent(time.perf_counter() - started, time.process_time() - cpu)
    return spent, count


# --- the product ---------------------------------------------------------------------------------

CONNECT_STORE = """
mutation($platform: String!, $name: String!, $credentials: JSON!, $apiBaseUrl: String) {
  connectStore(platform: $platform, name: $name, credentials: $credentials, apiBaseUrl: $apiBaseUrl) {
    store { id }
    userErrors { code message field }
  }
}
"""
JOB_FIELDS = "id status fetched imported skipped errorCode error startedAt finishedAt"
IMPORT_ORDERS = f"""
mutation($platform: String!, $store: ID!, $hours: Int!) {{
  importOrders(platform: $platform, store: $store, hours: $hours) {{
    job {{ {JOB_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}
"""
IMPORT_JOB = f"query($id: ID!) {{ importJob(id: $id) {{ {JOB_FIELDS} }} }}"


@dataclass
class _Client:
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
async def _running_app(settings: Settings) -> AsyncIterator[tuple[str, Runtime]]:
    """The real app under uvicorn on a loopback port (as tests/support.py runs it); yield its URL and runtime."""
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))

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
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}", app.state.runtime
    finally:
        server.should_exit = True
        if server.started:
            await serving


@contextlib.asynccontextmanager
async def fresh_database(base_url: str | None, workdir: Path, *, template: str | None = None) -> AsyncIterator[str]:
    """A new SQLite file in ``workdir``, or a new PostgreSQL database on ``base_url``'s server (a copy of the
    database ``template`` when given), dropped after."""
    name = f"bench_{secrets.token_hex(4)}"
    if base_url is None:
        yield f"sqlite://{workdir / f'{name}.sqlite3'}"
        return
    import asyncpg

    parts = urlsplit(base_url)
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    admin = await asyncpg.connect(admin_url)
    try:
        copied = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{copied}')
        try:
            yield urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def run_product(
    plugin: ModuleType,
    platform: str,
    api_base_url: str,
    credentials: Mapping[str, str],
    orders: int,
    hours: int,
    database_url: str,
    profiler: cProfile.Profile | None = None,
    settle: Callable[[], Awaitable[None]] | None = None,
) -> Spent:
    """Import the window through the API; return the seconds from the mutation to the job's finishedAt, and
    the CPU seconds from the mutation to the job's end. The end is awaited in this process (the app's job
    worker runs here), not polled over HTTP, so that no poll's CPU is counted: a poll costs about as much
    as storing a few orders, and a loaded machine would make more of them."""
    settings = Settings(
        database_url=database_url,
        secret_key="bench-secret-key",
        allow_local_api=True,
        load_entry_points=False,
        extra_plugins=(plugin,),
        job_wait_seconds=0.05,
        graphiql=False,
    )
    async with _running_app(settings) as (url, runtime), aiohttp.ClientSession() as session:
        client = _Client(session, url)
        client.token = await accounts.create_token(await accounts.get_or_create_seller("bench"))
        variables = {"platform": platform, "name": "Bench store", "credentials": dict(credentials)}
        connected = (await client.execute(CONNECT_STORE, {**variables, "apiBaseUrl": api_base_url}))["connectStore"]
        if connected["userErrors"]:
            raise Mismatch(f"product: connectStore failed: {connected['userErrors']}")
        store = connected["store"]["id"]
        if settle:  # e.g. until a rate limit recovers from connectStore's credential check
            await settle()

        if profiler:
            profiler.enable()
        cpu = time.process_time()
        sent = datetime.now(UTC)
        answer = await client.execute(IMPORT_ORDERS, {"platform": platform, "store": store, "hours": hours})
        started = answer["importOrders"]
        if started["userErrors"] or started["job"] is None:
            raise Mismatch(f"product: importOrders failed: {started['userErrors']}")
        job = started["job"]
        if job["status"] == "RUNNING":
            await runtime.jobs.wait(uuid.UUID(job["id"]), JOB_TIMEOUT)
        cpu = time.process_time() - cpu
        if profiler:
            profiler.disable()
        job = (await client.execute(IMPORT_JOB, {"id": job["id"]}))["importJob"]
        if job["status"] == "RUNNING":
            raise Mismatch(f"product: the job is still RUNNING after {JOB_TIMEOUT:g} s: {job}")

    if job["status"] != "SUCCEEDED" or not (job["fetched"] == job["imported"] == orders) or job["skipped"]:
        raise Mismatch(
            f"product: expected SUCCEEDED with fetched == imported == {orders}, skipped == 0; got {job['status']} "
            f"fetched={job['fetched']} imported={job['imported']} skipped={job['skipped']} "
            f"error={job['errorCode']}: {job['error']}"
        )
    return Spent((datetime.fromisoformat(job["finishedAt"]) - sent).total_seconds(), cpu)


@contextlib.contextmanager
def page_concurrency(connector: type[PlatformConnector], value: int) -> Iterator[None]:
    """Set ``connector.page_concurrency`` to ``value`` for a while (the app runs in this process)."""
    shipped = connector.__dict__.get("page_concurrency")
    connector.page_concurrency = value
    try:
        yield
    finally:
        if shipped is None:
            del connector.page_concurrency
        else:
            connector.page_concurrency = shipped
