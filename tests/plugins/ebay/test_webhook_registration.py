"""``register_webhooks`` and ``webhook_registrations`` against the emulator's Notification API.

The webhook endpoint is served for real: the emulator checks it with eBay's challenge, which the
endpoint answers with the connector's ``webhook_challenge``, as the core's webhook route does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from server.platforms import (
    Capability,
    HttpClient,
    InvalidCredentials,
    PlatformAuthError,
    PlatformError,
    WebhookRegistration,
)
from tests.support import serve_app

TOKEN = "store-1-notification-endpoint-verification-token"
TOPIC = "ORDER_CONFIRMATION"
API_SCOPE = "https://api.ebay.com/oauth/api_scope"
FULFILLMENT = "https://api.ebay.com/oauth/api_scope/sell.fulfillment"


@dataclass
class Store:
    emulator: EbayEmulator
    connector: EbayConnector
    url: str
    """The store's webhook endpoint, which answers eBay's challenge."""

    def active(self) -> list[WebhookRegistration]:
        return [WebhookRegistration(TOPIC, self.url, active=True)]


async def open_store(http: HttpClient, emulator: EbayEmulator, **credentials: str) -> AsyncIterator[Store]:
    connector_box: list[EbayConnector] = []

    async def endpoint(request: web.Request) -> web.Response:
        where = str(request.url.with_query(None))
        answer = connector_box[0].webhook_challenge(dict(request.query), where)
        return web.json_response(answer) if answer else web.Response(status=404)

    hooks = web.Application()
    hooks.router.add_get("/webhooks/ebay/store-1", endpoint)
    async with serve_app(emulator.app()) as api, serve_app(hooks) as hooks_url:
        given = {**emulator.credentials(), "verification_token": TOKEN, **credentials}
        connector_box.append(EbayConnector(credentials=given, http=http, api_base_url=api))
        yield Store(emulator, connector_box[0], f"{hooks_url}/webhooks/ebay/store-1")


@pytest.fixture
async def store(http: HttpClient) -> AsyncIterator[Store]:
    async for opened in open_store(http, EbayEmulator()):
        yield opened


async def test_an_empty_account_gets_a_destination_and_the_order_subscription(store: Store) -> None:
    assert Capability.REGISTER_WEBHOOKS in EbayConnector.capabilities
    assert await store.connector.webhook_registrations(store.url) == []

    assert await store.connector.register_webhooks(store.url) == store.active()

    [destination] = store.emulator.destinations
    assert destination["status"] == "ENABLED"
    assert destination["deliveryConfig"] == {"endpoint": store.url, "verificationToken": TOKEN}
    [subscription] = store.emulator.subscriptions
    assert (subscription["topicId"], subscription["status"]) == (TOPIC, "ENABLED")
    assert subscription["destinationId"] == destination["destinationId"]
    assert subscription["payload"] == {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}
    writes = store.emulator.notification_writes
    assert [(w["method"], w["path"]) for w in writes] == [
        ("POST", "/commerce/notification/v1/destination"),
        ("POST", "/commerce/notification/v1/subscription"),
    ]
    assert writes[0]["json"]["deliveryConfig"]["verificationToken"] == "[redacted]"


async def test_a_second_call_writes_nothing(store: Store) -> None:
    await store.connector.register_webhooks(store.url)
    writes = len(store.emulator.notification_writes)

    assert await store.connector.register_webhooks(store.url) == store.active()
    assert len(store.emulator.notification_writes) == writes
    assert len(store.emulator.destinations) == len(store.emulator.subscriptions) == 1


async def test_a_destination_ebay_marked_down_is_enabled_again(store: Store) -> None:
    await store.connector.register_webhooks(store.url)
    store.emulator.mark_down(store.url)
    assert await store.connector.webhook_registrations(store.url) == [
        WebhookRegistration(
            TOPIC, store.url, active=False, problem="eBay marked the endpoint down after failed deliveries"
        )
    ]
    writes = len(store.emulator.notification_writes)

    assert await store.connector.register_webhooks(store.url) == store.active()
    [update] = store.emulator.notification_writes[writes:]
    assert (update["method"], update["json"]["status"]) == ("PUT", "ENABLED")
    assert [d["status"] for d in store.emulator.destinations] == ["ENABLED"]


async def test_a_disabled_subscription_is_enabled_and_a_deleted_one_created_again(store: Store) -> None:
    await store.connector.register_webhooks(store.url)
    [subscription] = store.emulator.subscriptions
    store.emulator.disable_subscription(subscription["subscriptionId"])
    assert await store.connector.webhook_registrations(store.url) == [
        WebhookRegistration(TOPIC, store.url, active=False, problem="the subscription is disabled at eBay")
    ]
    assert await store.connector.register_webhooks(store.url) == store.active()
    assert store.emulator.notification_writes[-1]["path"].endswith(f"/{subscription['subscriptionId']}/enable")

    store.emulator.delete_subscription(subscription["subscriptionId"])
    assert await store.connector.webhook_registrations(store.url) == []
    assert await store.connector.register_webhooks(store.url) == store.active()
    assert len(store.emulator.subscriptions) == 1 and len(store.emulator.destinations) == 1


async def test_a_subscription_to_another_endpoint_is_left_alone(store: Store) -> None:
    other = store.emulator.add_destination("https://other.example/hooks", verification_token=TOKEN)
    theirs = store.emulator.add_subscription(other)

    [registration] = await store.connector.register_webhooks(store.url)

    assert not registration.active and registration.problem and "another endpoint" in registration.problem
    assert [s["destinationId"] for s in store.emulator.subscriptions] == [other]
    assert [s["subscriptionId"] for s in store.emulator.subscriptions] == [theirs]
    assert {d["deliveryConfig"]["endpoint"] for d in store.emulator.destinations} == {
        "https://other.example/hooks",
        store.url,
    }
    assert not any(theirs in w["path"] or w["method"] == "PUT" for w in store.emulator.notification_writes)


async def test_the_endpoint_is_found_past_the_first_page_of_destinations(store: Store) -> None:
    for n in range(120):
        store.emulator.add_destination(f"https://other.example/hooks/{n}", verification_token=TOKEN)
    mine = store.emulator.add_destination(store.url, verification_token=TOKEN)
    store.emulator.add_subscription(mine)

    assert await store.connector.register_webhooks(store.url) == store.active()
    assert store.emulator.notification_writes == []


async def test_consent_without_notification_subscriptions_is_an_auth_error(http: HttpClient) -> None:
    async for store in open_store(http, EbayEmulator(scopes=(API_SCOPE, FULFILLMENT))):
        with pytest.raises(PlatformAuthError, match="commerce.notification.subscription") as refused:
            await store.connector.register_webhooks(store.url)
        assert TOKEN not in str(refused.value)
        with pytest.raises(PlatformAuthError, match="commerce.notification.subscription"):
            await store.connector.webhook_registrations(store.url)


async def test_refused_app_keys_are_an_auth_error(http: HttpClient) -> None:
    emulator = EbayEmulator()
    async for store in open_store(http, emulator, client_secret=emulator.wrong_credentials()["client_secret"]):
        with pytest.raises(PlatformAuthError, match="invalid_client"):
            await store.connector.register_webhooks(store.url)
    assert emulator.notification_writes == []


async def test_an_endpoint_that_fails_the_challenge_is_not_registered(http: HttpClient) -> None:
    async for store in open_store(http, EbayEmulator()):
        unserved = store.url.replace("store-1", "store-2")
        with pytest.raises(PlatformError, match="195020"):
            await store.connector.register_webhooks(unserved)
        assert store.emulator.destinations == [] and store.emulator.subscriptions == []


async def test_a_store_without_a_verification_token_cannot_register(http: HttpClient) -> None:
    emulator = EbayEmulator()
    async with serve_app(emulator.app()) as api:
        connector = EbayConnector(credentials=emulator.credentials(), http=http, api_base_url=api)
        with pytest.raises(InvalidCredentials) as missing:
            await connector.register_webhooks("https://shop.example/webhooks/ebay/1")
    assert missing.value.field == "verification_token"
    assert emulator.requests == []


async def test_the_emulator_refuses_what_ebay_refuses(http: HttpClient) -> None:
    emulator = EbayEmulator(verify_endpoints=False)
    async with serve_app(emulator.app()) as api:
        session = http.session
        user = await _token(session, api, emulator, "refresh_token")
        app = await _token(session, api, emulator, "client_credentials")
        destinations, subscriptions = (
            f"{api}/commerce/notification/v1/destination",
            f"{api}/commerce/notification/v1/subscription",
        )

        async with session.get(destinations, headers=_bearer(user)) as response:
            assert response.status == 403  # destinations are the app's: an application token
        async with session.get(destinations, params={"limit": "5"}, headers=_bearer(app)) as response:
            assert (response.status, (await response.json())["errors"][0]["errorId"]) == (400, 195004)
        config = {"endpoint": "https://shop.example/hooks", "verificationToken": TOKEN}
        created = {"name": "Order import", "status": "ENABLED", "deliveryConfig": config}
        async with session.post(destinations, json=created, headers=_bearer(app)) as response:
            assert response.status == 201 and response.headers["Location"].startswith(destinations + "/")
            destination_id = response.headers["Location"].rsplit("/", 1)[1]
        async with session.post(destinations, json=created, headers=_bearer(app)) as response:
            assert (response.status, (await response.json())["errors"][0]["errorId"]) == (409, 195021)

        payload = {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}
        body = {"topicId": TOPIC, "status": "ENABLED", "destinationId": destination_id, "payload": payload}
        async with session.post(subscriptions, json=body, headers=_bearer(app)) as response:
            assert (response.status, (await response.json())["errors"][0]["errorId"]) == (403, 195011)
        emulator.mark_down("https://shop.example/hooks")
        async with session.post(subscriptions, json=body, headers=_bearer(user)) as response:
            assert (response.status, (await response.json())["errors"][0]["errorId"]) == (409, 195015)


async def _token(session: aiohttp.ClientSession, api: str, emulator: EbayEmulator, grant: str) -> str:
    credentials = emulator.credentials()
    form = {"grant_type": grant}
    if grant == "refresh_token":
        form["refresh_token"] = credentials["refresh_token"]
    basic = {"Authorization": aiohttp.encode_basic_auth(credentials["client_id"], credentials["client_secret"])}
    async with session.post(f"{api}/identity/v1/oauth2/token", data=form, headers=basic) as response:
        token: str = (await response.json())["access_token"]
        return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
