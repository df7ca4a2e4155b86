"""Managing stores: update a store's settings, disconnect it (its history stays), reuse its name."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest

import plugins.shopify
from plugins.shopify.emulator import ShopifyEmulator
from server.models import ImportedOrder, ImportJob, JobStatus, Store, Transaction
from server.platforms import Order, hookimpl
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import (
    ACCEPT,
    CANCEL,
    DISCONNECT_STORE,
    IMPORT_JOBS,
    IMPORTED_ORDER,
    PENDING_EVENTS,
    STORES,
    TRANSACTIONS,
    UPDATE_STORE,
)
from tests.graphql.test_bad_input import UNKNOWN_ID, counts
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import Server, running_server, serve_app, settings

CREDENTIALS = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}


async def connect(server: Server, token: str, name: str, api_base_url: str | None) -> dict[str, Any]:
    data = await server.execute(
        CONNECT_STORE,
        {"platform": "shopify", "name": name, "credentials": CREDENTIALS, "apiBaseUrl": api_base_url},
        token=token,
    )
    return data["connectStore"]


async def update(server: Server, token: str, store: str, **arguments: Any) -> dict[str, Any]:
    return (await server.execute(UPDATE_STORE, {"id": store} | arguments, token=token))["updateStore"]


async def disconnect(server: Server, token: str, store: str) -> dict[str, Any]:
    return (await server.execute(DISCONNECT_STORE, {"id": store}, token=token))["disconnectStore"]


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_update_changes_only_what_is_given(server, token, store_id, shopify_url):
    renamed = await update(server, token, store_id, name="  Renamed shop ")

    assert renamed["userErrors"] == []
    assert (renamed["store"]["name"], renamed["store"]["apiBaseUrl"]) == ("Renamed shop", shopify_url)
    stored = await Store.get(id=store_id)
    credentials = stored.credentials
    await Store.filter(id=store_id).update(connector_state=server.runtime.cipher.encrypt({"token": "old"}))

    moved = await update(server, token, store_id, apiBaseUrl=None)

    assert (moved["store"]["name"], moved["store"]["apiBaseUrl"]) == ("Renamed shop", None)
    stored = await Store.get(id=store_id)
    assert (stored.credentials, stored.connector_state) == (credentials, None)  # the old origin's tokens are gone
    unchanged = await update(server, token, store_id)
    assert (unchanged["userErrors"], unchanged["store"]["name"]) == ([], "Renamed shop")


async def test_new_credentials_replace_the_old_ones_whole(server, token, store_id, shopify, shopify_url):
    add(shopify, 5)
    shopify.rotate_token("shpat_rotated_token")  # the seller rotated the app's token on Shopify
    rotated = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_rotated_token"}

    refused = (await import_orders(server, token, store_id, hours=1))["job"]
    assert (await update(server, token, store_id, credentials=rotated))["userErrors"] == []
    accepted = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (refused["status"], refused["errorCode"]) == ("FAILED", "PLATFORM_AUTH")
    assert (accepted["status"], accepted["imported"]) == ("SUCCEEDED", 1)
    assert server.runtime.cipher.decrypt((await Store.get(id=store_id)).credentials) == rotated


async def test_credentials_the_platform_refuses_are_not_stored(server, token, store_id, shopify, shopify_url):
    wrong = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_wrong_token"}
    before = await Store.get(id=store_id)

    connected = await server.execute(
        CONNECT_STORE,
        {"platform": "shopify", "name": "Second shop", "credentials": wrong, "apiBaseUrl": shopify_url},
        token=token,
    )
    updated = await update(server, token, store_id, credentials=wrong)

    for payload in (connected["connectStore"], updated):
        assert payload["store"] is None
        assert codes(payload) == [("CREDENTIALS_REJECTED", ["credentials"])]
        assert payload["userErrors"][0]["message"].startswith("Shopify refused these credentials: ")
        assert "shpat_wrong_token" not in payload["userErrors"][0]["message"]
    assert await Store.filter(name="Second shop").count() == 0
    after = await Store.get(id=store_id)
    assert (after.credentials, after.connector_state) == (before.credentials, before.connector_state)


async def test_a_new_api_base_url_is_checked_with_the_stored_credentials(server, token, store_id, shopify_url):
    other = ShopifyEmulator(shop_domain="test-shop.myshopify.com", access_token="shpat_another_token")

    async with serve_app(other.app()) as elsewhere:
        moved = await update(server, token, store_id, apiBaseUrl=elsewhere)

    assert codes(moved) == [("CREDENTIALS_REJECTED", ["credentials"])]
    assert (await Store.get(id=store_id)).api_base_url == shopify_url


async def test_a_platform_that_cannot_answer_does_not_stop_a_store_connecting(server, token, shopify, shopify_url):
    shopify.fail_next(503, times=10)

    payload = await connect(server, token, "Shop while Shopify is down", shopify_url)

    assert payload["userErrors"] == []
    assert payload["store"]["name"] == "Shop while Shopify is down"


async def test_a_check_the_connector_applies_on_use_names_its_credential(server, token):
    custom_domain = {"shop_domain": "shop.example.com", "access_token": "shpat_test_token"}

    payload = await server.execute(
        CONNECT_STORE,
        {"platform": "shopify", "name": "Custom domain", "credentials": custom_domain, "apiBaseUrl": None},
        token=token,
    )

    assert codes(payload["connectStore"]) == [("INVALID_INPUT", ["credentials", "shop_domain"])]


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"name": "  "}, "INVALID_INPUT", ["name"]),
        ({"name": None}, "INVALID_INPUT", ["name"]),
        ({"name": "n" * 201}, "INVALID_INPUT", ["name"]),
        ({"credentials": None}, "INVALID_INPUT", ["credentials"]),
        ({"credentials": ["a"]}, "INVALID_INPUT", ["credentials"]),
        ({"credentials": {"access_token": "shpat_x"}}, "INVALID_INPUT", ["credentials", "shop_domain"]),
        (
            {"credentials": {"shop_domain": "a.myshopify.com", "access_token": "t", "x": "y"}},
            "INVALID_INPUT",
            ["credentials", "x"],
        ),
        ({"apiBaseUrl": "ftp://example.com"}, "INVALID_INPUT", ["apiBaseUrl"]),
        ({"apiBaseUrl": "https://user:pw@example.com"}, "INVALID_INPUT", ["apiBaseUrl"]),
        ({"id": UNKNOWN_ID, "name": "New"}, "STORE_NOT_FOUND", ["id"]),
        ({"id": "not-an-id", "name": "New"}, "STORE_NOT_FOUND", ["id"]),
    ],
)
async def test_update_rejects_what_connect_rejects(server, token, store_id, variables, code, field):
    before = await Store.get(id=store_id)

    payload = await update(server, token, store_id, **({"name": "Valid name"} | variables))

    assert payload["store"] is None
    assert codes(payload) == [(code, field)]
    after = await Store.get(id=store_id)
    assert (after.name, after.credentials, after.api_base_url) == (before.name, before.credentials, before.api_base_url)


@pytest.mark.database
async def test_update_applies_the_address_rules_of_api_base_url():
    async with running_server(settings(allow_local_api=False)) as server:
        token = await new_token("dave")
        store = (await connect(server, token, "Shop", None))["store"]["id"]

        for url in ("http://example.com", "https://127.0.0.1:8443", "https://localhost", "https://10.1.2.3"):
            payload = await update(server, token, store, apiBaseUrl=url)
            assert codes(payload) == [("ADDRESS_NOT_ALLOWED", ["apiBaseUrl"])], url

        assert (await Store.get(id=store)).api_base_url is None


async def test_names_are_unique_among_connected_stores_only(server, token, store_id, shopify_url):
    other = (await connect(server, token, "Other shop", shopify_url))["store"]["id"]

    taken = await update(server, token, other, name="Alice's shop")
    again = await connect(server, token, "Alice's shop", shopify_url)
    assert codes(taken) == [("DUPLICATE_STORE", ["name"])]
    assert codes(again) == [("DUPLICATE_STORE", ["name"])]

    assert (await disconnect(server, token, store_id))["userErrors"] == []
    reused = await connect(server, token, "Alice's shop", shopify_url)
    renamed = await update(server, token, other, name="Alice's shop")

    assert reused["userErrors"] == []
    assert codes(renamed) == [("DUPLICATE_STORE", ["name"])]
    listed = (await server.execute(STORES, {"includeDisconnected": True}, token=token))["stores"]
    assert sorted((s["name"], s["connected"]) for s in listed) == [
        ("Alice's shop", False),
        ("Alice's shop", True),
        ("Other shop", True),
    ]


async def test_disconnect_keeps_the_history_and_cancels_what_is_pending(server, token, store_id, shopify):
    for minutes in (5, 10, 15):
        add(shopify, minutes)
    job = (await import_orders(server, token, store_id, hours=1))["job"]
    first, *rest = sorted(await pending(server, token), key=lambda r: r["orderNumber"])
    transaction = (await server.execute(ACCEPT, {"id": first["id"]}, token=token))["acceptImport"]["transaction"]

    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)
        payload = await disconnect(server, token, store_id)
        events = [(await ws.next())["pendingImports"] for _ in rest]
        assert await ws.nothing_within(0.1)

    assert payload["userErrors"] == []
    assert (payload["store"]["id"], payload["store"]["connected"]) == (store_id, False)
    assert sorted((e["change"], e["order"]["id"], e["order"]["status"]) for e in events) == sorted(
        ("REMOVED", row["id"], "CANCELED") for row in rest
    )
    assert await pending(server, token) == []
    for row in rest:
        view = (await server.execute(IMPORTED_ORDER, {"id": row["id"]}, token=token))["importedOrder"]
        assert (view["status"], view["cancelReason"]) == ("CANCELED", "store disconnected")
        assert view["decidedAt"] is not None
    listed = (await server.execute(TRANSACTIONS, {"store": store_id}, token=token))["transactions"]
    assert [e["node"]["id"] for e in listed["edges"]] == [transaction["id"]]
    jobs = (await server.execute(IMPORT_JOBS, {"store": store_id}, token=token))["importJobs"]
    assert [e["node"]["id"] for e in jobs["edges"]] == [job["id"]]
    assert (await server.execute(STORES, {}, token=token))["stores"] == []
    [kept] = (await server.execute(STORES, {"includeDisconnected": True, "platform": "shopify"}, token=token))["stores"]
    assert (kept["id"], kept["connected"]) == (store_id, False)
    assert await Transaction.filter(store_id=store_id).count() == 1


async def test_a_disconnected_store_answers_as_missing(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, hours=1)
    [row] = await pending(server, token)
    await disconnect(server, token, store_id)
    before = await counts()

    imported = await import_orders(server, token, store_id, hours=1)
    by_id = await import_orders(server, token, store_id, orderId="#1001")
    updated = await update(server, token, store_id, name="Back")
    twice = await disconnect(server, token, store_id)
    late = (await server.execute(CANCEL, {"id": row["id"]}, token=token))["cancelImport"]

    assert codes(imported) == codes(by_id) == [("STORE_NOT_FOUND", ["store"])]
    assert codes(updated) == codes(twice) == [("STORE_NOT_FOUND", ["id"])]
    assert (updated["store"], twice["store"]) == (None, None)
    assert codes(late) == [("ALREADY_DECIDED", ["id"])]
    assert late["importedOrder"]["cancelReason"] == "store disconnected"
    assert await counts() == before


async def test_another_sellers_store_cannot_be_updated_or_disconnected(server, token, store_id):
    bob = await new_token("bob")

    assert codes(await update(server, bob, store_id, name="Mine")) == [("STORE_NOT_FOUND", ["id"])]
    assert codes(await disconnect(server, bob, store_id)) == [("STORE_NOT_FOUND", ["id"])]
    store = await Store.get(id=store_id)
    assert (store.name, store.disconnected_at) == ("Alice's shop", None)


async def test_an_import_running_while_its_store_is_disconnected_stores_nothing(server, token, store_id, shopify):
    for minutes in range(1, 6):
        add(shopify, minutes)
    shopify.delay_next(1.0)  # the job is still fetching when the store goes
    patient = server.runtime.settings
    server.runtime.settings = replace(patient, job_wait_seconds=0.05)  # answer while the job still runs
    try:
        running = (await import_orders(server, token, store_id, hours=1))["job"]
        await disconnect(server, token, store_id)
        await server.runtime.jobs.wait(uuid.UUID(running["id"]), 5)
    finally:
        server.runtime.settings = patient

    job = await ImportJob.get(id=running["id"])
    assert running["status"] == "RUNNING"
    assert (job.status, job.error_code, job.imported) == (JobStatus.FAILED, "STORE_NOT_FOUND", 0)
    assert await ImportedOrder.all().count() == 0


class CancelRecorder:
    def __init__(self) -> None:
        self.canceled: list[tuple[str, str | None]] = []

    @hookimpl
    def order_canceled(self, order: Order, reason: str | None) -> None:
        self.canceled.append((order.order_number, reason))


@pytest.mark.database
async def test_plugins_hear_of_the_orders_a_disconnect_cancels(shopify, shopify_url):
    recorder = CancelRecorder()
    async with running_server(settings(extra_plugins=(plugins.shopify, recorder))) as server:
        token = await new_token("erin")
        store = (await connect(server, token, "S", shopify_url))["store"]["id"]
        add(shopify, 5)
        await import_orders(server, token, store, hours=1)

        await disconnect(server, token, store)

    assert recorder.canceled == [("#1001", "store disconnected")]
