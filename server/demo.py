"""``order-import demo``: the server, local platform emulators, a demo seller and stores.

Each installed plugin's emulator serves realistic orders created over the last
eight hours. About half of them are put in the Transaction List as if their
webhooks had arrived; the rest are the "missing" orders a seller recovers with
an import.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import uvicorn
from aiohttp import web
from tortoise.transactions import in_transaction

from .app import create_app
from .models import TransactionSource
from .runtime import Runtime
from .services import accounts, stores
from .services.records import transaction_record
from .services.transactions import record_transaction
from .settings import Settings

DEMO_SELLER = "demo"


async def _start_emulator(app: web.Application, host: str) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"


async def seed(runtime: Runtime, emulator_urls: dict[str, str], *, now: datetime, seed: int) -> str:
    """Create the demo seller, its stores and Transaction List; return the seller's token."""
    seller = await accounts.get_or_create_seller(DEMO_SELLER)
    rng = random.Random(seed)
    for emulator in runtime.registry.emulators():
        store = await stores.connect_store(
            runtime,
            seller,
            platform=emulator.platform_id,
            name=emulator.store_name,
            credentials=dict(emulator.credentials),
            api_base_url=emulator_urls[emulator.platform_id],
        )
        connector = await stores.open_connector(runtime, store)
        async for page in connector.orders_created(now - timedelta(hours=8), now):
            delivered = [order for order in page if rng.random() < 0.5]
            async with in_transaction() as conn:
                for order in delivered:
                    await record_transaction(
                        conn,
                        seller_id=seller.id,
                        store_id=store.id,
                        platform=store.platform,
                        source=TransactionSource.WEBHOOK,
                        **transaction_record(order),
                    )
    return await accounts.create_token(seller)


async def run_demo(settings: Settings, *, host: str, port: int) -> None:
    settings = replace(settings, allow_local_api=True)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving  # start-up failed: raise its error
            return
        await asyncio.sleep(0.05)
    runtime: Runtime = app.state.runtime
    now = datetime.now(UTC)
    runners, urls = [], {}
    try:
        for emulator in runtime.registry.emulators():
            runner, urls[emulator.platform_id] = await _start_emulator(emulator.make_app(now, 7), host)
            runners.append(runner)
        token = await seed(runtime, urls, now=now, seed=7)
        bound = server.servers[0].sockets[0].getsockname()[1]
        print(f"GraphQL: http://{host}:{bound}/graphql", flush=True)
        print(f"Token: {token}", flush=True)
        await serving
    finally:
        for runner in runners:
            await runner.cleanup()
