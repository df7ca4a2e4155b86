"""Two worker processes on one database (an `order-import serve` and an `order-import worker`): the one running an
import is killed with SIGKILL mid-import (on PostgreSQL also: stopped with SIGTERM), and the other finishes the
import: the job SUCCEEDED, every order stored, audited and on the receipt exactly once, with no seller action."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
import pytest

from plugins.shopify.emulator import ShopifyEmulator
from tests.conftest import CONNECT_STORE
from tests.databases import POSTGRES_SERVER, on_postgres, require_service
from tests.graphql.queries import IMPORT_ORDERS
from tests.support import Server, serve_app
from tests.test_processes import _free_port, create_token, postgres_database

ORDERS = 300  # ten pages of Shopify's 30
# The platform answers the first pages slowly: the import is still running once importOrders has answered (after
# 3 s) and the stopped worker's grace (2 s) has passed; the pages asked again by the next worker come faster.
PAGE_DELAY = 0.6
SLOW_PAGES = 13


@dataclass
class Process:
    """An ``order-import`` process whose stderr is read as it comes (a full pipe would block it)."""

    process: asyncio.subprocess.Process
    stderr: list[str] = field(default_factory=list)
    reading: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.stderr.append(line.decode())

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(self.process.wait(), 15)
        if self.reading is not None:
            await self.reading
        return code


@asynccontextmanager
async def order_import(env: dict[str, str], *args: str) -> AsyncIterator[Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", *args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    running = Process(process)
    running.reading = asyncio.create_task(running._read())
    try:
        yield running
    finally:
        await running.stop()


async def healthy(url: str, process: Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            assert process.process.returncode is None, "".join(process.stderr)
            await asyncio.sleep(0.05)
    raise AssertionError("the server did not start")


async def workers(db: asyncpg.Connection, count: int) -> list[int]:
    """The ids of the task-queue workers registered, once there are ``count`` of them."""
    for _ in range(300):
        ids = [row["id"] for row in await db.fetch("SELECT id FROM procrastinate_workers ORDER BY id")]
        if len(ids) >= count:
            return ids
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} workers did not register")


async def until(condition: object, db: asyncpg.Connection, query: str, *args: object, within: float) -> object:
    """Poll ``query`` (one value) until ``condition(value)``; the value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await db.fetchval(query, *args)
        if condition(value):  # type: ignore[operator]
            return value
        assert loop.time() < deadline, f"{query} still {value!r}"
        await asyncio.sleep(0.05)


async def slow_import(
    server: Server, token: str, shopify: ShopifyEmulator, shopify_url: str
) -> tuple[str, dict[str, Any]]:
    """Connect a Shopify store and start an import by time whose pages come slowly: its id and the job."""
    connected = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Crash",
            "credentials": {"shop_domain": "crash.myshopify.com", "access_token": "shpat_crash"},
            "apiBaseUrl": shopify_url,
        },
        token=token,
    )
    store = connected["connectStore"]["store"]["id"]
    shopify.delay_next(PAGE_DELAY, times=SLOW_PAGES)
    asked = {"platform": "shopify", "store": store, "hours": 2}
    return store, (await server.execute(IMPORT_ORDERS, asked, token=token))["importOrders"]["job"]


@pytest.mark.database
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
async def test_the_import_of_a_worker_killed_mid_import_is_finished_by_the_other(stop):
    if not on_postgres():
        pytest.skip("the PostgreSQL pass runs it (ORDER_IMPORT_TEST_DATABASE=postgres)")
    await require_service("PostgreSQL", POSTGRES_SERVER)
    shopify = ShopifyEmulator(
        shop_domain="crash.myshopify.com", access_token="shpat_crash", bucket_size=1e9, restore_rate=1e9
    )
    now = datetime.now(UTC)
    for n in range(ORDERS):
        shopify.add_order(created_at=now - timedelta(seconds=15 * (n + 1)))
    async with postgres_database() as database, serve_app(shopify.app()) as shopify_url:
        env = os.environ | {
            "ORDER_IMPORT_DATABASE_URL": database,
            "ORDER_IMPORT_SECRET_KEY": "crash-secret",
            "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
            "ORDER_IMPORT_JOB_LEASE_SECONDS": "2",  # a worker silent for 2 s is gone
        }
        port = _free_port()
        db = await asyncpg.connect(database)
        try:
            async with (
                order_import(env, "serve", "--port", str(port)) as api,
                aiohttp.ClientSession() as session,
            ):
                server = Server(url=f"http://127.0.0.1:{port}", runtime=None, session=session)  # type: ignore[arg-type]
                await healthy(server.url, api)  # it has migrated the database
                [api_worker] = await workers(db, 1)
                async with order_import(env, "worker") as worker:
                    token = await asyncio.to_thread(create_token, env)
                    await workers(db, 2)
                    store, answered = await slow_import(server, token, shopify, shopify_url)
                    holder = await db.fetchval(
                        "SELECT worker_id FROM procrastinate_jobs WHERE task_name = 'run_import' AND status = 'doing'"
                    )
                    victim = api if holder == api_worker else worker
                    victim.process.send_signal(stop)
                    job_status = await until(
                        lambda status: status != "RUNNING", db, "SELECT status FROM import_job", within=20
                    )
                    # Its task done too (a succeeded task is not kept), not left to anyone.
                    queued = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'run_import'"
                    await until(lambda count: count == 0, db, queued, within=5)
                    job = await db.fetchrow("SELECT * FROM import_job")
                    orders = await db.fetchval("SELECT count(DISTINCT order_id) FROM imported_order")
                    rows = await db.fetchval("SELECT count(*) FROM imported_order")
                    lines = await db.fetch("SELECT position, order_id FROM import_receipt_line ORDER BY position")
                    audited = await db.fetchval("SELECT count(*) FROM audit_event WHERE action = 'ORDER_IMPORTED'")
                    survivor = worker if victim is api else api
                    stopped_code = await victim.stop()
                    assert survivor.process.returncode is None  # still working
        finally:
            await db.close()

    assert (answered["status"], job_status) == ("RUNNING", "SUCCEEDED")
    assert 0 < answered["imported"] < ORDERS
    assert (job["fetched"], job["imported"], job["skipped"], job["error_code"]) == (ORDERS, ORDERS, 0, None)
    assert orders == rows == audited == ORDERS
    assert [line["position"] for line in lines] == list(range(ORDERS))
    assert len({line["order_id"] for line in lines}) == ORDERS
    if stop == signal.SIGTERM:  # a graceful stop, the import handed back at once (uvicorn exits by the signal)
        assert stopped_code in ((0, -signal.SIGTERM) if victim is api else (0,)), "".join(victim.stderr)
        assert not any("Traceback" in line for line in victim.stderr), "".join(victim.stderr)
    else:
        assert stopped_code == -signal.SIGKILL
    assert not any("Traceback" in line for line in survivor.stderr), "".join(survivor.stderr)
    assert any("Starting job run_import" in line for line in survivor.stderr)  # it took the import over


async def test_on_sqlite_a_worker_process_resumes_the_import_of_a_killed_server(tmp_path):
    shopify = ShopifyEmulator(
        shop_domain="crash.myshopify.com", access_token="shpat_crash", bucket_size=1e9, restore_rate=1e9
    )
    now = datetime.now(UTC)
    for n in range(ORDERS):
        shopify.add_order(created_at=now - timedelta(seconds=15 * (n + 1)))
    path = tmp_path / "crash.sqlite3"
    env = os.environ | {
        "ORDER_IMPORT_DATABASE_URL": f"sqlite://{path}",
        "ORDER_IMPORT_SECRET_KEY": "crash-secret",
        "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
        "ORDER_IMPORT_JOB_LEASE_SECONDS": "2",
    }
    port = _free_port()
    async with (
        serve_app(shopify.app()) as shopify_url,
        order_import(env, "serve", "--port", str(port)) as api,
        aiohttp.ClientSession() as session,
    ):
        server = Server(url=f"http://127.0.0.1:{port}", runtime=None, session=session)  # type: ignore[arg-type]
        await healthy(server.url, api)  # it has migrated the database
        async with order_import(env, "worker") as worker:
            token = await asyncio.to_thread(create_token, env)
            store, answered = await slow_import(server, token, shopify, shopify_url)
            api.process.send_signal(signal.SIGKILL)  # on SQLite the server runs the imports it was asked for
            with sqlite3.connect(path) as db:
                for _ in range(400):
                    [status] = db.execute("SELECT status FROM import_job").fetchone()
                    if status != "RUNNING":
                        break
                    await asyncio.sleep(0.05)
                job = db.execute("SELECT fetched, imported, skipped, error_code FROM import_job").fetchone()
                counts = db.execute(
                    "SELECT (SELECT count(DISTINCT order_id) FROM imported_order),"
                    " (SELECT count(*) FROM import_receipt_line),"
                    " (SELECT count(DISTINCT position) FROM import_receipt_line),"
                    " (SELECT count(*) FROM audit_event WHERE action = 'ORDER_IMPORTED')"
                ).fetchone()
            stopped = await worker.stop()  # SIGINT, as an operator's Ctrl-C

    assert (answered["status"], status) == ("RUNNING", "SUCCEEDED")
    assert 0 < answered["imported"] < ORDERS
    assert tuple(job) == (ORDERS, ORDERS, 0, None)
    assert tuple(counts) == (ORDERS,) * 4
    assert stopped == 0
    assert any("resuming import job" in line for line in worker.stderr)
    assert not any("Traceback" in line for line in worker.stderr), "".join(worker.stderr)
