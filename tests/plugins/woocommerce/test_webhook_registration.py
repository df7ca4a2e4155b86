"""Registering, checking and restoring the ``order.created`` and ``order.updated`` webhooks, against the emulator
over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms import Capability, HttpClient, InvalidCredentials, PlatformAuthError, WebhookRegistration
from tests.support import serve_app

URL = "https://orders.example.com/webhooks/woocommerce/7"
ELSEWHERE = "https://other-app.example.com/hooks/orders"
REGISTERED = [
    WebhookRegistration(topic="order.created", url=URL, active=True),
    WebhookRegistration(topic="order.updated", url=URL, active=True),
]
HELD = [("order.created", URL, "active"), ("order.updated", URL, "active")]


@pytest.fixture
def site() -> WooCommerceEmulator:
    return WooCommerceEmulator()


@pytest.fixture
async def site_url(site: WooCommerceEmulator) -> AsyncIterator[str]:
    async with serve_app(site.app()) as url:
        yield url


@pytest.fixture
def connector(site: WooCommerceEmulator, site_url: str, http: HttpClient) -> WooCommerceConnector:
    return WooCommerceConnector(credentials=site.credentials(), http=http, api_base_url=site_url)


def writes(site: WooCommerceEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in site.requests if r["method"] != "GET"]


def held(site: WooCommerceEmulator) -> list[tuple[str, str, str]]:
    return [(h.topic, h.delivery_url, h.status) for h in site.registered_webhooks()]


async def test_an_empty_site_gets_both_order_webhooks_signed_with_the_store_secret(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    assert Capability.REGISTER_WEBHOOKS in connector.capabilities

    assert await connector.register_webhooks(URL) == REGISTERED

    assert held(site) == HELD
    assert writes(site) == [("POST", "/wp-json/wc/v3/webhooks")] * 2
    created, updated = site.registered_webhooks()
    assert created.secret == updated.secret == site.credentials()["webhook_secret"]
    order = site.add_order(created_at=datetime.now(UTC) - timedelta(hours=1))
    site.refund_order(order["id"])
    [(headers, body)] = site.order_webhooks_for({"webhook_secret": created.secret})
    [(change_headers, change_body)] = site.order_change_webhooks_for({"webhook_secret": updated.secret})
    event = await connector.parse_webhook(headers, body)
    change = await connector.parse_webhook(change_headers, change_body)
    assert event.order is not None and not event.updated
    assert change.order is not None and change.updated and change.order.order_id == str(order["id"])


async def test_a_site_registered_before_changes_were_read_gets_the_order_updated_webhook(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    site.add_webhook("order.created", URL)

    assert await connector.webhook_registrations(URL) == REGISTERED[:1]
    assert await connector.register_webhooks(URL) == REGISTERED

    assert writes(site) == [("POST", "/wp-json/wc/v3/webhooks")]
    assert held(site) == HELD
    assert site.registered_webhooks()[1].secret == site.credentials()["webhook_secret"]


async def test_registering_again_writes_nothing(connector: WooCommerceConnector, site: WooCommerceEmulator) -> None:
    await connector.register_webhooks(URL)
    site.requests.clear()

    assert await connector.register_webhooks(URL) == REGISTERED

    assert writes(site) == []
    assert held(site) == HELD


async def test_a_webhook_woocommerce_disabled_after_failures_is_turned_on_again(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    await connector.register_webhooks(URL)
    _, hook = site.registered_webhooks()
    site.fail_deliveries(hook.id, times=4)
    assert await connector.webhook_registrations(URL) == REGISTERED
    site.fail_deliveries(hook.id, times=1)
    active, disabled = await connector.webhook_registrations(URL)
    assert active == REGISTERED[0]
    assert (disabled.topic, disabled.active) == ("order.updated", False)
    assert disabled.problem is not None and "disabled" in disabled.problem
    site.requests.clear()

    assert await connector.register_webhooks(URL) == REGISTERED

    assert writes(site) == [("PUT", f"/wp-json/wc/v3/webhooks/{hook.id}")]
    assert held(site) == HELD
    assert hook.failure_count == 0


async def test_webhooks_to_other_addresses_or_topics_are_left_alone(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    site.add_webhook("order.created", ELSEWHERE, status="disabled")
    site.add_webhook("order.updated", URL + "/")
    site.add_webhook("order.deleted", URL, status="disabled")

    assert await connector.webhook_registrations(URL) == []
    assert await connector.register_webhooks(URL) == REGISTERED

    assert held(site) == [
        ("order.created", ELSEWHERE, "disabled"),
        ("order.updated", URL + "/", "active"),
        ("order.deleted", URL, "disabled"),
        *HELD,
    ]


async def test_a_paused_webhook_is_reported_and_left_to_the_seller(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    site.add_webhook("order.created", URL, status="paused")

    paused, updated = await connector.register_webhooks(URL)

    assert (paused.active, paused.topic, paused.url) == (False, "order.created", URL)
    assert paused.problem is not None and "paused" in paused.problem
    assert updated == REGISTERED[1]
    assert writes(site) == [("POST", "/wp-json/wc/v3/webhooks")]


async def test_registrations_page_through_every_webhook(
    connector: WooCommerceConnector, site: WooCommerceEmulator
) -> None:
    for n in range(130):
        site.add_webhook("order.created", f"{ELSEWHERE}/{n}")
    site.add_webhook("order.created", URL, status="disabled")
    site.add_webhook("order.created", URL)
    site.add_webhook("order.updated", URL)

    assert await connector.register_webhooks(URL) == REGISTERED

    assert writes(site) == []
    assert [r["query"]["page"] for r in site.requests] == ["1", "2"]


async def test_refused_keys_are_an_auth_error(site: WooCommerceEmulator, site_url: str, http: HttpClient) -> None:
    connector = WooCommerceConnector(credentials=site.wrong_credentials(), http=http, api_base_url=site_url)

    with pytest.raises(PlatformAuthError, match="Read/Write"):
        await connector.register_webhooks(URL)

    assert held(site) == []


async def test_a_read_only_key_cannot_create_webhooks(http: HttpClient) -> None:
    site = WooCommerceEmulator(key_permissions="read")
    async with serve_app(site.app()) as url:
        connector = WooCommerceConnector(credentials=site.credentials(), http=http, api_base_url=url)

        assert await connector.webhook_registrations(URL) == []
        with pytest.raises(PlatformAuthError, match="does not have write permissions.*Read/Write") as caught:
            await connector.register_webhooks(URL)

    assert site.credentials()["consumer_secret"] not in str(caught.value)
    assert held(site) == []


async def test_without_a_webhook_secret_nothing_is_registered(
    site: WooCommerceEmulator, site_url: str, http: HttpClient
) -> None:
    credentials = {k: v for k, v in site.credentials().items() if k != "webhook_secret"}
    connector = WooCommerceConnector(credentials=credentials, http=http, api_base_url=site_url)

    with pytest.raises(InvalidCredentials) as caught:
        await connector.register_webhooks(URL)

    assert caught.value.field == "webhook_secret"
    assert site.requests == []
