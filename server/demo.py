"""``order-import demo``: the server, local platform emulators, a demo seller and stores.

Each installed plugin's emulator serves realistic orders created over the last
eight hours. About half of them reach the Transaction List the normal way: the
emulator delivers the platform's signed webhook to the server. The others are
"lost", as webhooks are, and are the missing orders a seller recovers with an
import. For a platform whose emulator produces no webhooks, the delivered half
is written to the Transaction List directly.
"""

from __future__ import annotations

import asyncio
import random
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

import aiohttp
import uvicorn
from aiohttp import web
from tortoise.transactions import in_transaction

from .app import create_app
from .listening import listening_url
from .models import DeliveryStatus, Store, TransactionSource, WebhookDelivery
from .platforms import DemoDouble
from .runtime import Runtime
from .services import accounts, audit, stores
from .services.records import transaction_columns
from .services.transactions import record_transaction
from .settings import Settings

DEMO_SELLER = "demo"
DELIVERED_SHARE = 0.5
DELIVERY_ATTEMPTS = 3


async def _serve(app: web.Application, host: str) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"


@runtime_checkable
class _SignsWebhooks(Protocol):
    """An emulator that also produces the platform's signed order webhooks (see ``DemoDouble``)."""

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]: ...


async def _deliver_webhooks(double: DemoDouble, webhook_url: str, rng: random.Random) -> bool:
    """POST a share of the emulator's signed order webhooks; False when it produces none."""
    deliveries = double.order_webhooks() if isinstance(double, _SignsWebhooks) else []
    if not deliveries:
        return False
    async with aiohttp.ClientSession() as session:
        for headers, body in deliveries:
            if rng.random() < DELIVERED_SHARE:
                await _deliver(session, webhook_url, headers, body)
    return True


async def _deliver(session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes) -> None:
    """POST one delivery; as a platform does, again on a dropped connection (the delivery id makes it once)."""
    for attempt in range(DELIVERY_ATTEMPTS):
        try:
            async with session.post(url, data=body, headers=headers) as response:
                response.raise_for_status()
                return
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            if attempt == DELIVERY_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.1 * (attempt + 1))


async def _list_directly(runtime: Runtime, store: Store, now: datetime, rng: random.Random) -> None:
    connector = await stores.open_connector(runtime, store)
    async for page in connector.orders_created(now - timedelta(hours=8), now):
        async with in_transaction() as conn:
            for order in page:
                if rng.random() < DELIVERED_SHARE:
                    await record_transaction(
                        conn,
                        seller_id=store.seller_id,
                        store_id=store.id,
                        platform=store.platform,
                        source=TransactionSource.WEBHOOK,
                        **transaction_columns(order),
                    )


async def _processed() -> None:
    while await WebhookDelivery.filter(status=DeliveryStatus.RECEIVED).exists():
        await asyncio.sleep(0.05)


async def seed(
    runtime: Runtime, server_url: str, host: str, runners: list[web.AppRunner], *, now: datetime, seed: int
) -> str:
    """Start the emulators (adding them to ``runners``), the demo seller, its stores and webhooks; return a token."""
    seller = await accounts.get_or_create_seller(DEMO_SELLER)
    rng = random.Random(seed)
    for emulator in runtime.registry.emulators():
        double = emulator.make_double(now, seed)
        runner, url = await _serve(double.app(), host)
        runners.append(runner)
        store = await stores.connect_store(
            runtime,
            seller,
            platform=emulator.platform_id,
            name=emulator.store_name,
            credentials=dict(emulator.credentials),
            api_base_url=url,
            actor=audit.CLI,
        )
        webhook_url = f"{server_url}/webhooks/{store.platform}/{store.id}"
        if not await _deliver_webhooks(double, webhook_url, rng):
            await _list_directly(runtime, store, now, rng)
    await asyncio.wait_for(_processed(), timeout=60)
    return await accounts.create_token(seller)


async def run_demo(settings: Settings, *, host: str, listener: socket.socket) -> None:
    # Webhook URLs name the demo's own address, unless the operator said where it is reached.
    settings = replace(settings, allow_local_api=True, public_url=settings.public_url or listening_url(listener))
    settings = replace(settings, graphiql=True)  # the demo always serves GraphiQL (ORDER_IMPORT_GRAPHIQL aside)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        server_header=False,
        access_log=False,  # it would show query strings; server.access_log writes one line per request
        ws_max_size=settings.max_body_bytes,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if serving.done():
            await serving  # start-up failed: raise its error
            return
        await asyncio.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    server_url = f"http://{host}:{bound}"
    runners: list[web.AppRunner] = []
    try:
        token = await seed(app.state.runtime, server_url, host, runners, now=datetime.now(UTC), seed=7)
        print(f"GraphQL: {server_url}/graphql", flush=True)
        print(f"Token: {token}", flush=True)
        print(f"Console: {server_url}/", flush=True)
        print(f"Database: {settings.database_url}", flush=True)
        await serving
    finally:
        for runner in runners:
            await runner.cleanup()
