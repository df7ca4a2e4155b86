"""Test harness: the real app under uvicorn on a loopback port, a GraphQL client over HTTP and websockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import uvicorn
from aiohttp import web

import plugins.shopify
from server.app import create_app
from server.errors import ErrorCode
from server.runtime import Runtime
from server.settings import Settings
from tests.databases import discard_database, prepare_database, test_database_url

# Where the test server says it is reached: not its loopback address, so a URL built from a request shows.
PUBLIC_URL = "https://orders.example.test"

TEST_SETTINGS = Settings(
    database_url=test_database_url(),
    secret_key="test-secret-key",
    allow_local_api=True,
    load_entry_points=False,
    extra_plugins=(plugins.shopify,),
    retry_attempts=4,
    retry_base_delay=0.001,
    http_timeout=2.0,
    job_wait_seconds=10.0,
    graphiql=True,
    # Limits no test reaches by chance; the tests of the limits set low ones on their own server.
    rate_limits="requests=100000/minute;imports=100000/minute;auth_failures=100000/minute;bad_signatures=100000/minute",
    public_url=PUBLIC_URL,
)


def assert_known_codes(body: Any) -> None:
    """Every error code in an answer (``code``, ``errorCode``, at any depth) is one of ``ErrorCode``."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key in ("code", "errorCode") and isinstance(value, str):
                assert value in ErrorCode.__members__, f"{value!r} reached a client and is not an ErrorCode"
            assert_known_codes(value)
    elif isinstance(body, list):
        for item in body:
            assert_known_codes(item)


class GraphQLErrors(AssertionError):
    """The response carried top-level ``errors``."""


@dataclass
class Server:
    url: str
    runtime: Runtime
    session: aiohttp.ClientSession

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.session.post(
            self.graphql_url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        await response.read()
        with contextlib.suppress(ValueError):
            assert_known_codes(json.loads(await response.text()))
        return response

    async def execute(self, query: str, variables: dict[str, Any] | None = None, *, token: str) -> dict[str, Any]:
        """The ``data`` of a successful operation; raise ``GraphQLErrors`` otherwise."""
        response = await self.post(query, variables, token=token)
        body = await response.json()
        assert response.status == 200, body
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        return body["data"]

    @asynccontextmanager
    async def websocket(self, token: str | None) -> AsyncIterator[Subscriptions]:
        ws = await self.session.ws_connect(self.graphql_url, protocols=("graphql-transport-ws",))
        try:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await ws.send_json({"type": "connection_init", "payload": payload})
            yield Subscriptions(ws)
        finally:
            await ws.close()


class Subscriptions:
    """A graphql-transport-ws connection: ``subscribe`` starts an operation, ``next`` reads its events."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = 0

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        message = await self.ws.receive(timeout=timeout)
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"websocket closed: {message.type.name} {self.ws.close_code}")
        data: dict[str, Any] = json.loads(message.data)
        assert_known_codes(data)
        return data

    async def acknowledged(self) -> None:
        assert (await self.receive())["type"] == "connection_ack"

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._ids += 1
        op = str(self._ids)
        await self.ws.send_json(
            {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        )
        # A ping round trip proves the server has processed the subscribe message.
        await self.ws.send_json({"type": "ping"})
        while (message := await self.receive())["type"] != "pong":
            raise AssertionError(f"unexpected message before pong: {message}")
        return op

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await self.ws.receive(timeout=seconds)
        except TimeoutError:
            return True
        return False


@asynccontextmanager
async def running_server(settings: Settings = TEST_SETTINGS) -> AsyncIterator[Server]:
    settings = replace(settings, database_url=await prepare_database(settings.database_url))
    app = create_app(settings)
    # As `serve` runs it: no uvicorn access log (it would show query strings), websocket messages as large as bodies.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
        access_log=False,
        ws_max_size=settings.max_body_bytes,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if serving.done():
                await serving
                raise RuntimeError("server did not start")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with aiohttp.ClientSession() as session:
            yield Server(url=f"http://127.0.0.1:{port}", runtime=app.state.runtime, session=session)
    finally:
        server.should_exit = True
        await serving
        discard_database(settings.database_url)


@asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Run an aiohttp app (an emulator) on a loopback port; yield its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


class FakeClock:
    """Monotonic seconds for a rate limit or a pacer; ``sleep`` advances them (an ``HttpClient``'s or a
    connector's sleep), recording each wait."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def settings(**changes: Any) -> Settings:
    return replace(TEST_SETTINGS, **changes)
