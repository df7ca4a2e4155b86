"""``register_webhooks`` and ``webhook_registrations`` against the emulator's Webhooks v3 (``/v3/hooks``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from server.platforms import Capability, HttpClient, PlatformAuthError, PlatformBadResponse, WebhookRegistration
from tests.support import serve_app

URL = "https://orders.example.com/webhooks/bigcommerce/st_1"
SCOPE = "store/order/created"
SCOPES = (SCOPE, "store/order/statusUpdated", "store/order/refund/created")
REGISTERED = [WebhookRegistration(topic=scope, url=URL, active=True) for scope in SCOPES]


@asynccontextmanager
async def connected(store: BigCommerceEmulator, http: HttpClient) -> AsyncIterator[BigCommerceConnector]:
    async with serve_app(store.app()) as api:
        yield BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=api)


def writes(store: BigCommerceEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in store.requests if r["method"] != "GET"]


def test_the_connector_offers_registration() -> None:
    assert Capability.REGISTER_WEBHOOKS in BigCommerceConnector.capabilities


async def test_registering_on_an_empty_store_creates_the_hooks_and_again_writes_nothing(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    async with connected(store, http) as connector:
        assert await connector.webhook_registrations(URL) == []
        registered = await connector.register_webhooks(URL)
        assert registered == REGISTERED
        assert writes(store) == [("POST", f"/stores/{store.store_hash}/v3/hooks")] * 3
        hooks = [(h["scope"], h["destination"], h["is_active"]) for h in store.hooks.hooks.values()]
        assert hooks == [(scope, URL, True) for scope in SCOPES]

        store.requests.clear()
        assert await connector.register_webhooks(URL) == registered
        assert writes(store) == []
        assert len(store.hooks.hooks) == 3


async def test_a_store_registered_before_changes_were_read_gets_the_missing_scopes(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    store.hooks.add(SCOPE, URL, now=int(store.now().timestamp()))
    async with connected(store, http) as connector:
        assert await connector.webhook_registrations(URL) == REGISTERED[:1]
        assert await connector.register_webhooks(URL) == REGISTERED
    assert writes(store) == [("POST", f"/stores/{store.store_hash}/v3/hooks")] * 2
    assert [h["scope"] for h in store.hooks.hooks.values()] == list(SCOPES)


async def test_hooks_bigcommerce_deactivated_are_listed_inactive_then_turned_back_on(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    async with connected(store, http) as connector:
        await connector.register_webhooks(URL)
        hook_ids = store.hooks.deactivate(URL)

        listed = await connector.webhook_registrations(URL)
        assert [(r.topic, r.url, r.active) for r in listed] == [(scope, URL, False) for scope in SCOPES]
        assert all(r.problem is not None and "48 hours" in r.problem for r in listed)

        store.requests.clear()
        assert await connector.register_webhooks(URL) == REGISTERED
        assert writes(store) == [("PUT", f"/stores/{store.store_hash}/v3/hooks/{hook_id}") for hook_id in hook_ids]
        assert all(store.hooks.hooks[hook_id]["is_active"] is True for hook_id in hook_ids)
        assert len(store.hooks.hooks) == 3


async def test_hooks_to_other_urls_are_left_alone(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    now = int(store.now().timestamp())
    other = store.hooks.add(SCOPE, URL + "/", is_active=False, now=now)  # not the same URL: exact comparison
    elsewhere = store.hooks.add(SCOPE, "https://erp.example.com/bc", now=now)
    async with connected(store, http) as connector:
        assert await connector.webhook_registrations(URL) == []
        await connector.register_webhooks(URL)

    assert store.hooks.hooks[other]["is_active"] is False
    assert store.hooks.hooks[elsewhere]["destination"] == "https://erp.example.com/bc"
    assert [(h["destination"], h["is_active"]) for h in store.hooks.hooks.values()] == [
        (URL + "/", False),
        ("https://erp.example.com/bc", True),
        *[(URL, True)] * 3,
    ]


async def test_an_active_hook_is_preferred_to_an_inactive_duplicate(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    now = int(store.now().timestamp())
    for scope in SCOPES:
        store.hooks.add(scope, URL, is_active=False, now=now)
        store.hooks.add(scope, URL, now=now)
    async with connected(store, http) as connector:
        assert await connector.webhook_registrations(URL) == REGISTERED
        await connector.register_webhooks(URL)
    assert writes(store) == []


async def test_the_list_is_read_page_after_page(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    now = int(store.now().timestamp())
    for _ in range(260):  # more than one page of 250, all to the URL but of another scope
        store.hooks.add("store/order/updated", URL, now=now)
    async with connected(store, http) as connector:
        await connector.register_webhooks(URL)
    pages = [r["query"].get("page") for r in store.requests if r["method"] == "GET"]
    assert pages == ["1", "2"]
    assert writes(store) == [("POST", f"/stores/{store.store_hash}/v3/hooks")] * 3


async def test_a_hook_another_api_account_made_is_not_seen(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    store.hooks.add(SCOPE, URL, now=int(store.now().timestamp()), client_id="another-app")
    async with connected(store, http) as connector:
        assert await connector.webhook_registrations(URL) == []
        assert await connector.register_webhooks(URL) == REGISTERED
    assert len(store.hooks.hooks) == 4


async def test_wrong_token_and_missing_orders_scope_are_auth_errors(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    async with serve_app(store.app()) as api:
        wrong = BigCommerceConnector(credentials=store.wrong_credentials(), http=http, api_base_url=api)
        with pytest.raises(PlatformAuthError, match="Orders scope"):
            await wrong.register_webhooks(URL)
        store.orders_scope = False
        right = BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=api)
        with pytest.raises(PlatformAuthError, match="HTTP 403.*Orders scope") as refused:
            await right.webhook_registrations(URL)
    assert store.credentials()["access_token"] not in str(refused.value)
    assert store.hooks.hooks == {}


async def test_a_destination_bigcommerce_refuses_is_reported(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    async with connected(store, http) as connector:
        with pytest.raises(PlatformBadResponse, match="HTTP 422.*must be an https URL"):
            await connector.register_webhooks("http://127.0.0.1:8000/webhooks/bigcommerce/st_1")
    assert store.hooks.hooks == {}
