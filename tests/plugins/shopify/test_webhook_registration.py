"""Registering, checking and restoring the order webhooks (``orders/create``, ``orders/updated``,
``refunds/create``), against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from server.platforms import Capability, HttpClient, PlatformAuthError, WebhookRegistration
from tests.support import serve_app

URL = "https://orders.example.com/webhooks/shopify/7"
ELSEWHERE = "https://other-app.example.com/hooks/orders"
TOPICS = {"ORDERS_CREATE": "orders/create", "ORDERS_UPDATED": "orders/updated", "REFUNDS_CREATE": "refunds/create"}
REGISTERED = [WebhookRegistration(topic=name, url=URL, active=True) for name in TOPICS.values()]
HELD = [(topic, URL) for topic in TOPICS]


@pytest.fixture
async def shopify_url(shopify: ShopifyEmulator) -> AsyncIterator[str]:
    async with serve_app(shopify.app()) as url:
        yield url


@pytest.fixture
def connector(shopify: ShopifyEmulator, shopify_url: str, http: HttpClient) -> ShopifyConnector:
    return ShopifyConnector(credentials=shopify.credentials(), http=http, api_base_url=shopify_url)


def mutations(shopify: ShopifyEmulator) -> list[dict[str, Any]]:
    """The variables of every mutation the store answered."""
    return [r["json"]["variables"] for r in shopify.requests if r["json"]["query"].lstrip().startswith("mutation")]


def held(shopify: ShopifyEmulator) -> list[tuple[str, str]]:
    return [(s["topic"], s["uri"]) for s in shopify.webhook_subscriptions()]


async def test_an_empty_store_gets_a_subscription_to_each_order_topic(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    assert Capability.REGISTER_WEBHOOKS in connector.capabilities

    assert await connector.register_webhooks(URL) == REGISTERED

    assert held(shopify) == HELD
    assert mutations(shopify) == [
        {"topic": topic, "webhookSubscription": {"uri": URL, "format": "JSON"}} for topic in TOPICS
    ]


async def test_a_store_registered_before_changes_were_read_gets_the_missing_topics(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    shopify.add_webhook_subscription("ORDERS_CREATE", URL)

    assert await connector.webhook_registrations(URL) == REGISTERED[:1]
    assert await connector.register_webhooks(URL) == REGISTERED

    assert [m["topic"] for m in mutations(shopify)] == ["ORDERS_UPDATED", "REFUNDS_CREATE"]
    assert held(shopify) == HELD


async def test_registering_again_writes_nothing(connector: ShopifyConnector, shopify: ShopifyEmulator) -> None:
    await connector.register_webhooks(URL)
    shopify.requests.clear()

    assert await connector.register_webhooks(URL) == REGISTERED

    assert mutations(shopify) == []
    assert len(shopify.requests) == 1
    assert held(shopify) == HELD


@pytest.mark.parametrize("topic", list(TOPICS))
async def test_a_subscription_shopify_deleted_after_failures_is_created_again(
    connector: ShopifyConnector, shopify: ShopifyEmulator, topic: str
) -> None:
    await connector.register_webhooks(URL)
    shopify.fail_deliveries(URL, topic=topic, times=7)
    assert await connector.webhook_registrations(URL) == REGISTERED
    shopify.fail_deliveries(URL, topic=topic, times=1)
    assert [r.topic for r in await connector.webhook_registrations(URL)] == [
        name for other, name in TOPICS.items() if other != topic
    ]
    shopify.requests.clear()

    assert sorted(await connector.register_webhooks(URL), key=REGISTERED.index) == REGISTERED

    assert sorted(held(shopify)) == sorted(HELD)
    assert [m["topic"] for m in mutations(shopify)] == [topic]


async def test_a_subscription_to_another_address_is_left_alone(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    shopify.add_webhook_subscription("ORDERS_CREATE", ELSEWHERE)
    shopify.add_webhook_subscription("ORDERS_CREATE", URL + "/")
    shopify.add_webhook_subscription("APP_UNINSTALLED", URL)

    assert await connector.webhook_registrations(URL) == []
    assert await connector.register_webhooks(URL) == REGISTERED

    assert held(shopify) == [
        ("ORDERS_CREATE", ELSEWHERE),
        ("ORDERS_CREATE", URL + "/"),
        ("APP_UNINSTALLED", URL),
        *HELD,
    ]


async def test_registrations_page_through_every_subscription(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    for n in range(120):
        shopify.add_webhook_subscription("ORDERS_CREATE", f"{ELSEWHERE}/{n}")
    for topic in TOPICS:
        shopify.add_webhook_subscription(topic, URL)

    assert await connector.register_webhooks(URL) == REGISTERED

    assert mutations(shopify) == []
    assert len(shopify.requests) == 2


async def test_an_older_api_version_uses_callback_url(
    shopify: ShopifyEmulator, shopify_url: str, http: HttpClient
) -> None:
    credentials = {**shopify.credentials(), "api_version": "2025-07"}
    connector = ShopifyConnector(credentials=credentials, http=http, api_base_url=shopify_url)

    assert await connector.register_webhooks(URL) == REGISTERED

    assert [m["webhookSubscription"] for m in mutations(shopify)] == [{"callbackUrl": URL, "format": "JSON"}] * 3


async def test_a_refused_token_is_an_auth_error(shopify: ShopifyEmulator, shopify_url: str, http: HttpClient) -> None:
    connector = ShopifyConnector(credentials=shopify.wrong_credentials(), http=http, api_base_url=shopify_url)

    with pytest.raises(PlatformAuthError, match="read_orders") as caught:
        await connector.register_webhooks(URL)

    assert "shpat_" not in str(caught.value)
    assert shopify.webhook_subscriptions() == []


async def test_an_app_without_read_orders_cannot_subscribe(http: HttpClient) -> None:
    shopify = ShopifyEmulator(access_scopes=frozenset({"read_products"}))
    async with serve_app(shopify.app()) as url:
        connector = ShopifyConnector(credentials=shopify.credentials(), http=http, api_base_url=url)

        with pytest.raises(PlatformAuthError, match="read_orders access scope"):
            await connector.register_webhooks(URL)

    assert shopify.webhook_subscriptions() == []
