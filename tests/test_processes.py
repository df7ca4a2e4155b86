"""Two `order-import serve` processes on one PostgreSQL and one Redis: a subscriber on one sees every
event caused by mutations on the other, exactly once; a token revoked from the command line closes its
websockets on both."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import asyncpg

from plugins.shopify.emulator import ShopifyEmulator
from tests.conftest import CONNECT_STORE
from tests.databases import POSTGRES_SERVER, require_service
from tests.graphql.queries import ACCEPT, IMPORT_ORDERS, PENDING, PENDING_EVENTS
from tests.graphql.test_tokens import closed_with, still_open
from tests.services.test_broadcast import REDIS_URL
from tests.support import Server, serve_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    name = f"oi_processes_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def create_token(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "token", "create", "--seller", "alice"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@dataclass
class Served:
    url: str
    process: asyncio.subprocess.Process
    stopping: bool = False

    def stop(self) -> None:
        """One SIGINT, as an operator's Ctrl-C (a second one would force the exit)."""
        if not self.stopping and self.process.returncode is None:
            self.stopping = True
            self.process.send_signal(signal.SIGINT)


@asynccontextmanager
async def serve(env: dict[str, str]) -> AsyncIterator[Served]:
    """An ``order-import serve`` process, healthy; stopped with SIGINT at the end unless it stopped already."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"{served.url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if process.returncode is not None:
                    raise AssertionError((await process.stderr.read()).decode())
                await asyncio.sleep(0.05)
        yield served
    finally:
        served.stop()
        stderr = (await asyncio.wait_for(process.communicate(), 15))[1].decode()
        assert "Traceback" not in stderr, stderr


async def test_events_cross_processes_exactly_once():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    await require_service("Redis", REDIS_URL)
    shopify = ShopifyEmulator(
        shop_domain="multi.myshopify.com", access_token="shpat_multi", bucket_size=1e9, restore_rate=1e9
    )
    now = datetime.now(UTC)
    for minutes in (5, 15, 25):
        shopify.add_order(created_at=now - timedelta(minutes=minutes))
    async with postgres_database() as database, serve_app(shopify.app()) as shopify_url:
        env = os.environ | {
            "ORDER_IMPORT_DATABASE_URL": database,
            "ORDER_IMPORT_SECRET_KEY": "multi-process-secret",
            "ORDER_IMPORT_BROADCAST_URL": REDIS_URL,
            "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
        }
        token = create_token(env)
        async with serve(env) as one, serve(env) as other, aiohttp.ClientSession() as session:
            first = Server(url=one.url, runtime=None, session=session)  # type: ignore[arg-type]
            second = Server(url=other.url, runtime=None, session=session)  # type: ignore[arg-type]
            connected = await second.execute(
                CONNECT_STORE,
                {
                    "platform": "shopify",
                    "name": "Multi",
                    "credentials": {"shop_domain": "multi.myshopify.com", "access_token": "shpat_multi"},
                    "apiBaseUrl": shopify_url,
                },
                token=token,
            )
            store = connected["connectStore"]["store"]["id"]
            async with first.websocket(token) as ws:
                await ws.acknowledged()
                await ws.subscribe(PENDING_EVENTS)
                await asyncio.sleep(0.2)  # the subscription is registered with Redis by then

                job = await second.execute(
                    IMPORT_ORDERS, {"platform": "shopify", "store": store, "hours": 1}, token=token
                )
                added = [(await ws.next())["pendingImports"] for _ in range(3)]
                rows = (await second.execute(PENDING, {}, token=token))["pendingImports"]["edges"]
                await second.execute(ACCEPT, {"id": rows[0]["node"]["id"]}, token=token)
                removed = (await ws.next())["pendingImports"]
                nothing_more = await ws.nothing_within(0.5)

    assert job["importOrders"]["job"]["imported"] == 3
    assert sorted(e["order"]["orderNumber"] for e in added) == ["#1001", "#1002", "#1003"]
    assert {e["change"] for e in added} == {"ADDED"}
    assert (removed["change"], removed["order"]["id"]) == ("REMOVED", rows[0]["node"]["id"])
    assert nothing_more


async def test_a_stopping_server_closes_subscriptions_cleanly(tmp_path):
    env = os.environ | {
        "ORDER_IMPORT_DATABASE_URL": f"sqlite://{tmp_path / 'stop.sqlite3'}",
        "ORDER_IMPORT_SECRET_KEY": "stop-secret",
    }
    token = create_token(env)
    async with serve(env) as served, aiohttp.ClientSession() as session:
        server = Server(url=served.url, runtime=None, session=session)  # type: ignore[arg-type]
        async with server.websocket(token) as ws:
            await ws.acknowledged()
            await ws.subscribe(PENDING_EVENTS)
            served.stop()
            message = await ws.ws.receive(timeout=10)
            closed_with = ws.ws.close_code

    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert closed_with == 1012  # service restart: clients reconnect elsewhere
    assert served.process.returncode in (0, 130)  # and no traceback: serve() checks its stderr


async def test_a_token_revoked_from_the_command_line_closes_its_websockets_on_every_process():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    await require_service("Redis", REDIS_URL)
    async with postgres_database() as database:
        env = os.environ | {
            "ORDER_IMPORT_DATABASE_URL": database,
            "ORDER_IMPORT_SECRET_KEY": "multi-process-secret",
            "ORDER_IMPORT_BROADCAST_URL": REDIS_URL,
        }
        revoked, kept = create_token(env), create_token(env)
        listed = subprocess.run(
            [sys.executable, "-m", "server.cli", "token", "list", "--seller", "alice"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        revoked_id = listed.stdout.splitlines()[0].split("\t")[0]  # the older one
        async with serve(env) as one, serve(env) as other, aiohttp.ClientSession() as session:
            servers = [Server(url=s.url, runtime=None, session=session) for s in (one, other)]  # type: ignore[arg-type]
            async with (
                servers[0].websocket(revoked) as first,
                servers[1].websocket(revoked) as second,
                servers[1].websocket(kept) as untouched,
            ):
                for ws in (first, second, untouched):
                    await ws.acknowledged()
                    await ws.subscribe(PENDING_EVENTS)
                revoking = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "server.cli", "token", "revoke", revoked_id, env=env
                )
                assert await revoking.wait() == 0
                closed = await asyncio.gather(closed_with(first, within=5), closed_with(second, within=5))
                statuses = [(await server.post("{ stores { id } }", token=revoked)).status for server in servers]
                still = await still_open(untouched)

    assert [code for code, _ in closed] == [4403, 4403]
    assert all(seconds < 5 for _, seconds in closed)
    assert statuses == [401, 401]
    assert still
