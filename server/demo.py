"""``order-import demo``: the server, local platform emulators, a demo seller and stores.

Each installed plugin's emulator serves realistic orders created over the last
eight hours. About half of them reach the Transaction List the normal way: the
emulator delivers the platform's signed webhook to the server. The others are
"lost", as webhooks are, and are the missing orders a seller recovers with an
import. For a platform whose emulator produces no webhooks, the delivered half
is written to the Transaction List directly. Every store's recovery schedule
finds its lost orders of the last two hours in time; for the first store whose
webhooks were lost (Shopify's, when installed) it does so within a minute of
starting (the demo lowers the interval), with an ORDERS_RECOVERED alert. Then, where the emulator can, the
latest paid order of the Transaction List is refunded (or canceled) on its
platform, which says so by webhook: a change after accept, shown beside the row.
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
from .models import DeliveryStatus, RecoverySchedule, Seller, Store, Transaction, TransactionSource, WebhookDelivery
from .platforms import DemoDouble
from .runtime import Runtime
from .services import accounts, audit, recovery, schedules, stores
from .services.records import transaction_columns
from .services.transactions import record_transaction
from .settings import Settings

DEMO_SELLER = "demo"
DELIVERED_SHARE = 0.5
DELIVERY_ATTEMPTS = 3
DEMO_RECOVERY_INTERVAL = 60  # seconds: the demo's shortest recovery interval, and that of its recovered store
DEMO_RECOVERY_TICK = 5.0  # seconds between the demo's looks for due recovery runs
FIRST_RECOVERY = timedelta(seconds=20)  # after seeding, the recovered store's first scheduled check
RECOVERED_PLATFORM = "shopify"  # whose store is recovered within a minute, when installed (its emulator has the most)


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


@runtime_checkable
class _ChangesOrders(Protocol):
    """An emulator that changes a placed order as a seller does, and signs the platform's webhooks about it."""

    def change_order(self, order_id: str) -> None: ...

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]: ...


async def _change_after_accept(double: DemoDouble, store: Store, webhook_url: str) -> None:
    """Refund (or cancel) the store's latest paid order of the Transaction List on its platform, and deliver what
    the platform then sends about it."""
    listed = Transaction.filter(store_id=store.id, payment_status="PAID", test_order=False)
    latest = await listed.order_by("-placed_at").first()
    if latest is None or not isinstance(double, _ChangesOrders):
        return
    try:
        double.change_order(latest.order_id)
    except (NotImplementedError, KeyError, ValueError):  # this emulator cannot change orders, or not this one
        return
    async with aiohttp.ClientSession() as session:
        for headers, body in double.order_change_webhooks():
            await _deliver(session, webhook_url, headers, body)


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
    signing: list[tuple[DemoDouble, Store, str]] = []
    connected: list[Store] = []
    lost: list[Store] = []  # stores whose webhooks were delivered, so some were lost
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
        await _hold_recovery(store)
        connected.append(store)
        webhook_url = f"{server_url}/webhooks/{store.platform}/{store.id}"
        if await _deliver_webhooks(double, webhook_url, rng):
            signing.append((double, store, webhook_url))
            lost.append(store)
        else:
            await _list_directly(runtime, store, now, rng)
    await asyncio.wait_for(_processed(), timeout=60)
    for double, store, webhook_url in signing:
        await _change_after_accept(double, store, webhook_url)
    await asyncio.wait_for(_processed(), timeout=60)
    await _start_recovery(connected)
    if lost:
        preferred = [store for store in lost if store.platform == RECOVERED_PLATFORM]
        await _recover_soon(runtime, seller, (preferred or lost)[0])
    return await accounts.create_token(seller)


async def _hold_recovery(store: Store) -> None:
    """No automatic run while the demo is still delivering the store's webhooks (it would race them)."""
    await RecoverySchedule.filter(store_id=store.id).update(next_run_at=None)


async def _start_recovery(held: list[Store]) -> None:
    """Each store's first automatic run at its slot after seeding, as connecting it would have given."""
    now = datetime.now(UTC)
    for store in held:
        first = schedules.next_slot(store.id, schedules.DEFAULT_INTERVAL, now)
        await RecoverySchedule.filter(store_id=store.id, enabled=True).update(next_run_at=first)


async def _recover_soon(runtime: Runtime, seller: Seller, store: Store) -> None:
    """Check ``store`` every minute from ``FIRST_RECOVERY`` on: its schedule finds the orders of the last two
    hours whose webhooks were lost, and says so with an ORDERS_RECOVERED alert."""
    await recovery.set_recovery(
        runtime,
        seller,
        str(store.id),
        enabled=True,
        interval_seconds=DEMO_RECOVERY_INTERVAL,
        hours=schedules.DEFAULT_HOURS,
        actor=audit.CLI,
    )
    async with in_transaction() as conn:
        await schedules.run_soon(conn, store.id, datetime.now(UTC), within=FIRST_RECOVERY)


async def run_demo(settings: Settings, *, host: str, listener: socket.socket) -> None:
    # Webhook URLs name the demo's own address, unless the operator said where it is reached.
    settings = replace(settings, allow_local_api=True, public_url=settings.public_url or listening_url(listener))
    settings = replace(settings, graphiql=True)  # the demo always serves GraphiQL (ORDER_IMPORT_GRAPHIQL aside)
    # Automatic recovery as a demo shows it: a store is checked within a minute, and ticks come every few seconds.
    settings = replace(
        settings,
        recovery_min_interval=min(settings.recovery_min_interval, DEMO_RECOVERY_INTERVAL),
        recovery_tick_seconds=DEMO_RECOVERY_TICK,
    )
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
