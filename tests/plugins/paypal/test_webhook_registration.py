"""``register_webhooks`` and ``webhook_registrations`` against the emulator's Webhooks Management v1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from plugins.paypal.webhooks import WEBHOOK_TOPICS
from server.platforms import Capability, ConnectorState, HttpClient, PlatformAuthError, WebhookRegistration
from tests.support import serve_app

URL = "https://orders.example.com/webhooks/paypal/st_1"
HOOKS = "/v1/notifications/webhooks"


@asynccontextmanager
async def connected(
    merchant: PayPalEmulator, http: HttpClient, state: ConnectorState
) -> AsyncIterator[PayPalConnector]:
    async with serve_app(merchant.app()) as api:
        yield PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=api, state=state)


def writes(merchant: PayPalEmulator) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in merchant.requests
        if r["method"] in ("POST", "PATCH", "DELETE") and r["path"].startswith(HOOKS)
    ]


def active(url: str = URL) -> list[WebhookRegistration]:
    return [WebhookRegistration(topic=name, url=url, active=True) for name in sorted(WEBHOOK_TOPICS)]


def test_the_connector_offers_registration() -> None:
    assert Capability.REGISTER_WEBHOOKS in PayPalConnector.capabilities


async def test_registering_creates_the_listener_keeps_its_id_and_again_writes_nothing(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    async with connected(merchant, http, state) as connector:
        assert await connector.webhook_registrations(URL) == []
        assert await connector.register_webhooks(URL) == active()
        (listener,) = merchant.listeners.webhooks.values()
        assert listener["url"] == URL
        assert {t["name"] for t in listener["event_types"]} == WEBHOOK_TOPICS
        assert {"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"} <= WEBHOOK_TOPICS
        assert state.get("registered_webhook_id") == listener["id"]
        assert writes(merchant) == [("POST", HOOKS)]

        merchant.requests.clear()
        assert await connector.register_webhooks(URL) == active()
        assert writes(merchant) == []


async def test_a_listener_deleted_in_the_dashboard_is_created_again(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    async with connected(merchant, http, state) as connector:
        await connector.register_webhooks(URL)
        (first,) = merchant.listeners.webhooks
        merchant.listeners.delete(first)
        assert await connector.webhook_registrations(URL) == []

        assert await connector.register_webhooks(URL) == active()
        (second,) = merchant.listeners.webhooks
        assert second != first
        assert state.get("registered_webhook_id") == second


async def test_a_listener_missing_events_gets_them_added_and_lists_them_inactive(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    had = {"PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.REFUNDED"}
    hook_id = merchant.listeners.add(URL, [*sorted(had), "CUSTOMER.DISPUTE.CREATED"])
    async with connected(merchant, http, state) as connector:
        listed = await connector.webhook_registrations(URL)
        assert [(r.topic, r.active) for r in listed] == [(name, name in had) for name in sorted(WEBHOOK_TOPICS)]
        assert all(r.problem for r in listed if not r.active)

        assert await connector.register_webhooks(URL) == active()
    assert writes(merchant) == [("PATCH", f"{HOOKS}/{hook_id}")]
    names = {t["name"] for t in merchant.listeners.webhooks[hook_id]["event_types"]}
    assert names == WEBHOOK_TOPICS | {"CUSTOMER.DISPUTE.CREATED"}  # what it had is kept


async def test_a_listener_made_before_changes_were_read_gets_the_refund_events(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    hook_id = merchant.listeners.add(
        URL,
        ["CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED", "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING"],
    )
    async with connected(merchant, http, state) as connector:
        listed = await connector.webhook_registrations(URL)
        assert [r.topic for r in listed if not r.active] == ["PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"]

        assert await connector.register_webhooks(URL) == active()
    assert writes(merchant) == [("PATCH", f"{HOOKS}/{hook_id}")]
    assert {t["name"] for t in merchant.listeners.webhooks[hook_id]["event_types"]} == WEBHOOK_TOPICS


async def test_a_listener_for_every_event_is_enough(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    merchant.listeners.add(URL, ["*"])
    async with connected(merchant, http, state) as connector:
        assert await connector.register_webhooks(URL) == active()
    assert writes(merchant) == []


async def test_listeners_for_other_urls_are_left_alone(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    other = merchant.listeners.add(URL + "/", ["CHECKOUT.ORDER.APPROVED"])
    async with connected(merchant, http, state) as connector:
        assert await connector.webhook_registrations(URL) == []
        await connector.register_webhooks(URL)
    assert merchant.listeners.webhooks[other]["url"] == URL + "/"
    assert [t["name"] for t in merchant.listeners.webhooks[other]["event_types"]] == ["CHECKOUT.ORDER.APPROVED"]
    assert writes(merchant) == [("POST", HOOKS)]


async def test_an_app_without_the_webhooks_permission_is_an_auth_error(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    merchant.webhooks_permitted = False
    async with connected(merchant, http, state) as connector:
        with pytest.raises(PlatformAuthError, match="HTTP 403.*manage its webhooks") as refused:
            await connector.register_webhooks(URL)
    assert merchant.credentials()["client_secret"] not in str(refused.value)
    assert merchant.listeners.webhooks == {}


async def test_wrong_app_credentials_are_an_auth_error(http: HttpClient) -> None:
    merchant = PayPalEmulator()
    async with serve_app(merchant.app()) as api:
        wrong = PayPalConnector(credentials=merchant.wrong_credentials(), http=http, api_base_url=api)
        with pytest.raises(PlatformAuthError):
            await wrong.webhook_registrations(URL)


async def test_deliveries_after_registering_are_verified_with_the_registered_id(http: HttpClient) -> None:
    merchant, state = PayPalEmulator(), ConnectorState()
    merchant.add_order(created_at=datetime.now(UTC) - timedelta(minutes=5))
    async with connected(merchant, http, state) as connector:
        await connector.register_webhooks(URL)
        assert merchant.webhook_id == state.get("registered_webhook_id") != connector.credentials["webhook_id"]
        ((headers, body),) = merchant.order_webhooks()
        event = await connector.parse_webhook(headers, body)
    assert event.order is not None or event.order_reference is not None
