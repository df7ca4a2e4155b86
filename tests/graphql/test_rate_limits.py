"""Rate limits (ORDER_IMPORT_RATE_LIMITS): per token, per store, per client address; and an identical running
import answered with its job. Each test sets low limits on its own server and counts answers, never durations."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from limits.aio.storage import MemoryStorage, RedisStorage

from plugins.shopify.emulator import ShopifyEmulator
from server.models import ImportedOrder, ImportJob, JobStatus, Store, WebhookDelivery
from server.ratelimits import DEFAULT_RATE_LIMITS, RateLimits, parse_rate_limits
from server.settings import Settings, SettingsError
from tests.conftest import CONNECT_STORE, new_token
from tests.databases import POSTGRES_SERVER, require_service
from tests.graphql.queries import IMPORT_ORDERS
from tests.graphql.test_import_flow import add
from tests.graphql.test_webhooks import SECRET, deliver, order_body, signed
from tests.services.test_broadcast import REDIS_URL
from tests.support import Server, running_server, settings
from tests.test_processes import create_token, postgres_database, serve

pytestmark = pytest.mark.database

STORES = "{ stores { id } }"
RETRY = re.compile(r"try again in (\d+) seconds?\.$")


@asynccontextmanager
async def limited(rate_limits: str, **changes: Any) -> AsyncIterator[Server]:
    async with running_server(settings(rate_limits=rate_limits, **changes)) as server:
        yield server


def retry_after(response: aiohttp.ClientResponse) -> int:
    """The whole seconds of a 429's ``Retry-After``, checked to be within the window."""
    assert response.status == 429
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    return seconds


async def statuses(server: Server, token: str | None, times: int) -> list[int]:
    return [(await server.post(STORES, token=token)).status for _ in range(times)]


async def closed_with(server: Server, token: str | None) -> tuple[int | None, str]:
    """How the server ends a websocket connection whose ``connection_init`` carries ``token``."""
    async with server.websocket(token) as ws:
        message = await ws.ws.receive(timeout=5)
        if message.type == aiohttp.WSMsgType.TEXT:
            return None, message.data  # acknowledged
        return ws.ws.close_code, str(message.extra or "")


async def connect_store(server: Server, token: str, url: str, name: str) -> str:
    data = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": name,
            "credentials": {
                "shop_domain": "test-shop.myshopify.com",
                "access_token": "shpat_test_token",
                "webhook_secret": SECRET,
            },
            "apiBaseUrl": url,
        },
        token=token,
    )
    return data["connectStore"]["store"]["id"]


async def import_orders(server: Server, token: str, store: str, **args: Any) -> dict[str, Any]:
    data = await server.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store, **args}, token=token)
    return data["importOrders"]


def hold(shopify: ShopifyEmulator) -> asyncio.Event:
    """Hold every request the emulator answers until the returned event is set."""
    gate = asyncio.Event()
    take_fault = shopify.take_fault

    async def held() -> Any:
        await gate.wait()
        return await take_fault()

    shopify.take_fault = held  # type: ignore[method-assign]
    return gate


# --- the setting -------------------------------------------------------------------------------------------------


def from_env(value: str | None) -> Settings:
    env = {"ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"}
    return Settings.from_env(env if value is None else env | {"ORDER_IMPORT_RATE_LIMITS": value})


def test_the_setting_defaults_to_the_contracts_limits_and_overrides_kind_by_kind():
    default = parse_rate_limits(from_env(None).rate_limits)
    some = parse_rate_limits(from_env(" imports = 5 per second ; bad_signatures=3/hour ").rate_limits)

    assert {kind: str(item) for kind, item in default.items()} == {
        "requests": "600 per 1 minute",
        "imports": "30 per 1 minute",
        "auth_failures": "20 per 1 minute",
        "bad_signatures": "20 per 1 minute",
    }
    assert {kind: str(item) for kind, item in some.items()} == {
        "requests": "600 per 1 minute",
        "imports": "5 per 1 second",
        "auth_failures": "20 per 1 minute",
        "bad_signatures": "3 per 1 hour",
    }
    assert from_env("").rate_limits == DEFAULT_RATE_LIMITS


@pytest.mark.parametrize(
    "value",
    [
        "requests=lots",
        "requests",
        "tokens=5/minute",
        "requests=0/minute",
        "requests=5/minute;requests=6/minute",
        "requests=1/second,600/minute",
        "requests=5/fortnight",
    ],
)
def test_a_malformed_setting_names_the_variable(value):
    with pytest.raises(SettingsError, match="^ORDER_IMPORT_RATE_LIMITS "):
        from_env(value)


# --- per token -----------------------------------------------------------------------------------------------------


async def test_requests_over_a_tokens_limit_are_answered_429_and_other_tokens_go_on():
    async with limited("requests=3/minute") as server:
        alice, bob = await new_token("alice"), await new_token("bob")

        allowed = await statuses(server, alice, 3)
        refused = await server.post(STORES, token=alice)
        by_get = await server.session.get(
            server.graphql_url, params={"query": STORES}, headers={"Authorization": f"Bearer {alice}"}
        )
        websocket = await closed_with(server, alice)
        others = await statuses(server, bob, 3)

        assert allowed == [200, 200, 200]
        seconds = retry_after(refused)
        [error] = (await refused.json())["errors"]
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": seconds}
        assert RETRY.search(error["message"]) and error["message"].startswith("Too many requests for this API token")
        retry_after(by_get)
        assert websocket[0] == 4429 and RETRY.search(websocket[1])
        assert others == [200, 200, 200]


async def test_websocket_connections_count_against_the_token():
    async with limited("requests=2/minute") as server:
        alice = await new_token("alice")

        first = await closed_with(server, alice)
        second = await closed_with(server, alice)
        answered = await server.post(STORES, token=alice)

        assert first[0] is None and second[0] is None  # acknowledged
        retry_after(answered)


# --- per client address: failed authentication --------------------------------------------------------------------


async def test_failed_authentications_over_the_limit_are_answered_429_but_valid_tokens_go_on():
    async with limited("auth_failures=3/minute") as server:
        alice = await new_token("alice")

        wrong = await statuses(server, "oi_wrong", 2) + await statuses(server, None, 1)
        refused = [await server.post(STORES, token=f"oi_guess_{n}") for n in range(20)]
        valid = await statuses(server, alice, 2)
        websocket = await closed_with(server, "oi_wrong")
        websocket_valid = await closed_with(server, alice)

        assert wrong == [401, 401, 401]
        for response in refused:
            retry_after(response)
            [error] = (await response.json())["errors"]
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert error["message"].startswith("Too many failed authentications from this address")
        assert valid == [200, 200]
        assert websocket[0] == 4429 and RETRY.search(websocket[1])
        assert websocket_valid[0] is None


async def test_websocket_rejections_count_as_failed_authentications():
    async with limited("auth_failures=2/minute") as server:
        first = await closed_with(server, "oi_wrong")
        second = await closed_with(server, None)
        answered = await server.post(STORES, token="oi_wrong")

        assert (first[0], second[0]) == (4403, 4403)
        retry_after(answered)


# --- per store: imports --------------------------------------------------------------------------------------------


async def test_imports_over_a_stores_limit_are_a_user_error_and_start_nothing(shopify, shopify_url):
    for minutes in (5, 6, 7):
        add(shopify, minutes)
    async with limited("imports=2/minute") as server:
        alice = await new_token("alice")
        store = await connect_store(server, alice, shopify_url, "One")
        other = await connect_store(server, alice, shopify_url, "Two")

        done = [await import_orders(server, alice, store, orderId=ref) for ref in ("#1001", "#1002")]
        calls = len(shopify.requests)
        refused = await import_orders(server, alice, store, orderId="#1003")
        also_refused = await import_orders(server, alice, store, hours=1)
        calls_refused = len(shopify.requests) - calls
        jobs = await ImportJob.filter(store_id=store).count()
        elsewhere = await import_orders(server, alice, other, orderId="#1003")

    assert [p["job"]["status"] for p in done] == ["SUCCEEDED", "SUCCEEDED"]
    for payload in (refused, also_refused):
        assert payload["job"] is None
        [error] = payload["userErrors"]
        assert error["code"] == "RATE_LIMITED" and error["field"] is None
        assert error["message"].startswith("Too many imports for this store; try again in ")
        assert 1 <= int(RETRY.search(error["message"])[1]) <= 60
    assert (jobs, calls_refused) == (2, 0)
    assert elsewhere["job"]["status"] == "SUCCEEDED"  # another store's limit is its own


async def test_an_identical_running_import_is_answered_with_its_job(shopify, shopify_url):
    add(shopify, 5)
    add(shopify, 6)
    async with limited("imports=4/minute", job_wait_seconds=0.05) as server:
        alice = await new_token("alice")
        store = await connect_store(server, alice, shopify_url, "One")
        gate = hold(shopify)
        calls = len(shopify.requests)

        first = (await import_orders(server, alice, store, orderId=" #1001 "))["job"]
        again = await asyncio.gather(*(import_orders(server, alice, store, orderId="#1001") for _ in range(5)))
        at_once = await asyncio.gather(*(import_orders(server, alice, store, hours=1) for _ in range(5)))
        by_time = at_once[0]["job"]
        other_order = (await import_orders(server, alice, store, orderId="#1002"))["job"]
        held_calls = len(shopify.requests) - calls

        gate.set()
        for job in (first, by_time, other_order):
            await server.runtime.jobs.wait(uuid.UUID(job["id"]), 5)
        finished = (await import_orders(server, alice, store, orderId="#1001"))["job"]  # no twin: a new job
        await server.runtime.jobs.wait(uuid.UUID(finished["id"]), 5)  # it may answer RUNNING on a busy machine
        over = await import_orders(server, alice, store, hours=2)  # a 5th job: over the limit of 4
        finished_status = (await ImportJob.get(id=finished["id"])).status
        job = await ImportJob.get(id=first["id"])
        jobs = await ImportJob.filter(store_id=store).count()
        copies = await ImportedOrder.filter(store_id=store, order_number="#1001").count()

    assert (first["status"], first["orderId"]) == ("RUNNING", "#1001")
    assert [p["job"]["id"] for p in again] == [first["id"]] * 5
    assert all(p["userErrors"] == [] for p in again)
    assert [p["job"]["id"] for p in at_once] == [by_time["id"]] * 5  # even when none was running yet
    assert by_time["id"] != first["id"]
    assert other_order["id"] not in (first["id"], by_time["id"])
    assert held_calls == 3  # one platform request per distinct job, none for a twin
    # #1001 is also in the window of the import by time that ran beside it: whichever stored it first imported it.
    assert (job.status, job.fetched, job.imported + job.skipped_pending) == (JobStatus.SUCCEEDED, 1, 1)
    assert copies == 1
    assert finished["id"] != first["id"] and finished_status == JobStatus.SUCCEEDED
    assert [e["code"] for e in over["userErrors"]] == ["RATE_LIMITED"]  # the nine twins counted nothing
    assert jobs == 4


# --- per client address: webhooks with bad signatures ------------------------------------------------------------


def forged(body: bytes) -> dict[str, str]:
    return signed(body) | {"X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()}


async def test_bad_signatures_over_the_limit_stop_verification_until_the_window_moves(shopify_url):
    async with limited("bad_signatures=2 per 2 seconds") as server:
        alice = await new_token("alice")
        store = await connect_store(server, alice, shopify_url, "Hooked")
        body = order_body()

        bad = [(await deliver(server, store, body, forged(body)))[0] for _ in range(2)]
        rejected_at = (await Store.get(id=store)).last_rejected_webhook_at
        over = await server.session.post(f"{server.url}/webhooks/shopify/{store}", data=body, headers=forged(body))
        valid_but_over = await server.session.post(
            f"{server.url}/webhooks/shopify/{store}", data=body, headers=signed(body)
        )
        stored_meanwhile = await WebhookDelivery.all().count()
        unverified = (await Store.get(id=store)).last_rejected_webhook_at == rejected_at
        await asyncio.sleep(retry_after(valid_but_over) + 0.05)  # the window moves
        valid_later = await deliver(server, store, body, signed(body))

    assert bad == [401, 401]
    assert retry_after(over) <= 2 and (await over.json())["error"].startswith("Too many bad webhook signatures")
    assert stored_meanwhile == 0 and unverified
    assert valid_later == (200, {"status": "ok"})


# --- storage -------------------------------------------------------------------------------------------------------


async def test_counters_live_in_the_broadcast_redis_and_in_memory_otherwise():
    await require_service("Redis", REDIS_URL)
    key = uuid.uuid4().hex
    one, other = RateLimits("requests=3/minute", REDIS_URL), RateLimits("requests=3/minute", REDIS_URL)
    memory, postgres = RateLimits("requests=3/minute"), RateLimits("requests=3/minute", f"{POSTGRES_SERVER}/db")
    try:
        shared = [await limits.hit("requests", key) for limits in (one, other, one, other)]
        local = [await limits.hit("requests", key) for limits in (memory, postgres, memory, postgres)]
    finally:
        for limits in (one, other, memory, postgres):
            await limits.close()

    assert isinstance(one.storage, RedisStorage)
    assert isinstance(memory.storage, MemoryStorage) and isinstance(postgres.storage, MemoryStorage)
    assert shared[:3] == [None, None, None] and shared[3] is not None and 1 <= shared[3] <= 60
    assert local == [None, None, None, None]  # each process its own window


async def test_deployments_sharing_one_redis_count_apart():
    await require_service("Redis", REDIS_URL)
    key = uuid.uuid4().hex
    ours, theirs = (RateLimits("requests=1/minute", REDIS_URL, prefix) for prefix in ("oi-ours", "oi-theirs"))
    try:
        answers = [await limits.hit("requests", key) for limits in (ours, theirs, ours)]
    finally:
        for limits in (ours, theirs):
            await limits.close()

    assert answers[:2] == [None, None]  # the other deployment's hit did not count against this one
    assert answers[2] is not None


async def test_an_unreachable_redis_lets_requests_through_with_a_warning(caplog):
    limits = RateLimits("requests=1/minute", "redis://127.0.0.1:1/0")
    try:
        with caplog.at_level(logging.WARNING, logger="server.ratelimits"):
            answers = [await limits.hit("requests", "key") for _ in range(3)]
    finally:
        await limits.close()

    warnings = [r.getMessage() for r in caplog.records if r.name == "server.ratelimits"]
    assert answers == [None, None, None]
    assert len(warnings) == 1 and "not enforced" in warnings[0]  # once, not once per request


async def test_the_token_limit_is_shared_by_every_server_process():
    await require_service("PostgreSQL", POSTGRES_SERVER)
    await require_service("Redis", REDIS_URL)
    async with postgres_database() as database:
        env = os.environ | {
            "ORDER_IMPORT_DATABASE_URL": database,
            "ORDER_IMPORT_SECRET_KEY": "limits-secret",
            "ORDER_IMPORT_BROADCAST_URL": REDIS_URL,
            "ORDER_IMPORT_RATE_LIMITS": "requests=4/minute",
        }
        token = create_token(env)
        async with serve(env) as one, serve(env) as other, aiohttp.ClientSession() as session:
            servers = [Server(url=s.url, runtime=None, session=session) for s in (one, other)]  # type: ignore[arg-type]
            answers = [await servers[n % 2].post(STORES, token=token) for n in range(6)]

    assert [a.status for a in answers] == [200, 200, 200, 200, 429, 429]
    for refused in answers[4:]:
        retry_after(refused)
