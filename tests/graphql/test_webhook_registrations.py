"""connectStore registers the store's order webhooks at its platform and says what it registered, or why not."""

from __future__ import annotations

from typing import Any

from plugins.shopify.emulator import ShopifyEmulator
from server.services import registrations
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import UPDATE_STORE
from tests.graphql.test_every_platform import ALL_PLUGINS, DOUBLES
from tests.support import Server, running_server, serve_app, settings

REGISTRATIONS = """
query { stores { id webhookUrl webhookRegistrationProblem webhookRegistrations { topic url active problem } } }
"""
CREDENTIALS = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}


async def connect(server: Server, token: str, url: str, platform: str = "shopify", **credentials: str) -> str:
    variables = {"platform": platform, "name": "Shop", "credentials": CREDENTIALS | credentials, "apiBaseUrl": url}
    payload = (await server.execute(CONNECT_STORE, variables, token=token))["connectStore"]
    assert payload["userErrors"] == []
    store: str = payload["store"]["id"]
    return store


async def registrations_of(server: Server, token: str) -> dict[str, Any]:
    [store] = (await server.execute(REGISTRATIONS, token=token))["stores"]
    return store  # type: ignore[no-any-return]


async def test_a_connected_store_s_order_webhooks_are_registered_at_the_platform(
    server, token, shopify: ShopifyEmulator, shopify_url
):
    await connect(server, token, shopify_url)

    store = await registrations_of(server, token)

    assert store["webhookRegistrationProblem"] is None
    assert sorted(store["webhookRegistrations"], key=lambda r: r["topic"]) == [
        {"topic": topic, "url": store["webhookUrl"], "active": True, "problem": None}
        for topic in ("orders/create", "orders/updated", "refunds/create")
    ]
    assert [(s["topic"], s["uri"]) for s in shopify.webhook_subscriptions()] == [
        (topic, store["webhookUrl"]) for topic in ("ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE")
    ]


async def test_new_credentials_register_again_what_the_platform_deleted(
    server, token, shopify: ShopifyEmulator, shopify_url
):
    store_id = await connect(server, token, shopify_url)
    url = (await registrations_of(server, token))["webhookUrl"]
    for topic in ("ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE"):
        shopify.fail_deliveries(url, topic=topic)  # Shopify deletes a subscription after 8 failed deliveries
    assert shopify.webhook_subscriptions() == []

    changed = await server.execute(
        UPDATE_STORE, {"id": store_id, "credentials": CREDENTIALS | {"webhook_secret": "shpss_new"}}, token=token
    )

    assert changed["updateStore"]["userErrors"] == []
    assert [s["uri"] for s in shopify.webhook_subscriptions()] == [url] * 3
    assert (await registrations_of(server, token))["webhookRegistrations"][0]["active"] is True


async def test_a_platform_that_refuses_does_not_keep_the_store_from_connecting():
    refusing = ShopifyEmulator(
        shop_domain="test-shop.myshopify.com", access_token="shpat_test_token", access_scopes=frozenset()
    )
    async with running_server() as server, serve_app(refusing.app()) as url:
        seller = await new_token("sam")
        await connect(server, seller, url)
        store = await registrations_of(server, seller)

    assert store["webhookRegistrations"] == []
    assert "PLATFORM_AUTH" in store["webhookRegistrationProblem"]
    assert "read_orders" in store["webhookRegistrationProblem"]
    assert "shpat_test_token" not in store["webhookRegistrationProblem"]


async def test_without_a_public_url_nothing_is_registered_and_the_store_says_why(shopify: ShopifyEmulator, shopify_url):
    async with running_server(settings(public_url="")) as server:
        token = await new_token("sam")
        await connect(server, token, shopify_url)
        store = await registrations_of(server, token)

    assert store["webhookRegistrations"] == [] and shopify.webhook_subscriptions() == []
    assert "ORDER_IMPORT_PUBLIC_URL" in store["webhookRegistrationProblem"]


async def test_a_platform_without_an_api_for_it_says_to_register_by_hand():
    ecwid = DOUBLES["ecwid"]()
    async with running_server(settings(extra_plugins=ALL_PLUGINS)) as server, serve_app(ecwid.app()) as url:
        seller = await new_token("sam")
        variables = {"platform": "ecwid", "name": "E", "credentials": dict(ecwid.credentials()), "apiBaseUrl": url}
        assert (await server.execute(CONNECT_STORE, variables, token=seller))["connectStore"]["userErrors"] == []
        store = await registrations_of(server, seller)

    assert store["webhookRegistrations"] == []
    assert "Ecwid" in store["webhookRegistrationProblem"]


async def test_a_platform_too_slow_to_register_does_not_hold_up_the_connection(
    server, token, shopify: ShopifyEmulator, shopify_url, monkeypatch
):
    monkeypatch.setattr(registrations, "REGISTER_SECONDS", 0.3)
    shopify.delay_next(1.0, times=2)  # the credentials check, then the registration's first request

    await connect(server, token, shopify_url)
    store = await registrations_of(server, token)

    assert store["webhookRegistrations"] == []
    assert store["webhookRegistrationProblem"] == "the platform did not answer the webhook registration within 0.3s"
