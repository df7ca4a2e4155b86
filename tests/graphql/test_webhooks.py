"""Webhooks: verified, deduplicated, listed once, reconciled with imports."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import plugins.ebay
import plugins.shopify
import plugins.woocommerce
from server.models import DeliveryStatus, ImportedOrder, Store, Transaction, WebhookDelivery
from tests.conftest import CONNECT_STORE, SAMPLES, new_token
from tests.graphql.queries import ACCEPT, DISCONNECT_STORE, PENDING_EVENTS
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import PUBLIC_URL, Server, running_server, settings

SECRET = "shpss_webhook_secret"
SAMPLE = json.loads((SAMPLES / "shopify" / "webhook-orders-create.json").read_text())


@pytest.fixture
async def store_id(server, token, shopify_url) -> str:
    data = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Hooked shop",
            "credentials": {
                "shop_domain": "test-shop.myshopify.com",
                "access_token": "shpat_test_token",
                "webhook_secret": SECRET,
            },
            "apiBaseUrl": shopify_url,
        },
        token=token,
    )
    return data["connectStore"]["store"]["id"]


def order_body(order: dict[str, Any] | None = None) -> bytes:
    """Shopify's documented orders/create payload, as the emulator's ``order`` would be delivered."""
    payload = dict(SAMPLE)
    if order is not None:
        payload |= {
            "id": int(order["legacyResourceId"]),
            "admin_graphql_api_id": order["id"],
            "name": order["name"],
            "order_number": int(order["name"].lstrip("#")),
            "created_at": order["createdAt"],
        }
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = SECRET, **headers: str) -> dict[str, str]:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "X-Shopify-Hmac-Sha256": digest,
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "Content-Type": "application/json",
    } | headers


async def deliver(server: Server, store: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = await server.session.post(f"{server.url}/webhooks/shopify/{store}", data=body, headers=headers)
    return response.status, await response.json()


async def settled() -> None:
    """Wait until no delivery is left unprocessed."""
    for _ in range(200):
        if not await WebhookDelivery.filter(status=DeliveryStatus.RECEIVED).exists():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("deliveries were not processed")


async def test_a_signed_delivery_lists_the_order_once(server, token, store_id):
    body = order_body()
    headers = signed(body)

    status, answer = await deliver(server, store_id, body, headers)
    await settled()
    replay_status, replay = await deliver(server, store_id, body, headers)
    await settled()

    assert (status, answer, replay_status, replay) == (200, {"status": "ok"}, 200, {"status": "replay"})
    [row] = await Transaction.all()
    assert (row.source, row.order_number, row.order_id) == ("WEBHOOK", SAMPLE["name"], "820982911946154508")
    assert await WebhookDelivery.all().count() == 1
    store = await Store.get(id=store_id)
    assert store.last_webhook_at is not None and store.webhook_count == 2


@pytest.mark.parametrize(
    ("case", "status"),
    [("forged", 401), ("unsigned", 401), ("wrong secret", 401), ("tampered", 401), ("malformed", 400)],
)
async def test_bad_deliveries_are_refused_and_store_nothing(server, token, store_id, case, status):
    body = order_body()
    headers = signed(body, secret="not-the-secret" if case == "wrong secret" else SECRET)
    if case == "forged":
        headers["X-Shopify-Hmac-Sha256"] = base64.b64encode(b"x" * 32).decode()
    elif case == "unsigned":
        del headers["X-Shopify-Hmac-Sha256"]
    elif case == "tampered":
        body = body.replace(b'"email"', b'"emai1"')
    elif case == "malformed":
        body = b'{"id": "not an order"'
        headers = signed(body)

    got, _ = await deliver(server, store_id, body, headers)

    assert got == status
    assert await WebhookDelivery.all().count() == 0
    assert await Transaction.all().count() == 0
    store = await Store.get(id=store_id)
    assert (store.last_webhook_at, store.webhook_count) == (None, 0)
    if case == "malformed":  # signed by the platform: the seller is told it could not be used
        assert (store.last_rejected_webhook_at is not None, store.forged_webhook_count) == (True, 0)
        assert SECRET not in (store.last_rejected_webhook_reason or "")
    else:  # anyone can send these: counted only
        assert (store.last_rejected_webhook_at, store.last_rejected_webhook_reason) == (None, None)
        assert (store.forged_webhook_count, store.last_forged_webhook_at is not None) == (1, True)


HEALTH = """{ stores { webhookUrl webhookHealth {
  lastDeliveryAt lastRejectedAt lastRejectedReason forgedCount lastForgedAt usualGapSeconds quiet message } } }"""


async def test_forged_deliveries_are_counted_and_change_nothing_the_seller_is_told(server, token, store_id):
    now = datetime.now(UTC)
    await Store.filter(id=store_id).update(
        last_webhook_at=now - timedelta(hours=5), webhook_count=40, webhook_usual_gap=600.0
    )
    malformed = b'{"id": "not an order"'
    assert (await deliver(server, store_id, malformed, signed(malformed)))[0] == 400
    [before] = (await server.execute(HEALTH, token=token))["stores"]
    body = order_body()
    forged = signed(body) | {"X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()}
    unsigned = {k: v for k, v in signed(body).items() if k != "X-Shopify-Hmac-Sha256"}

    # A flood at once: each is one conditional increment, so none is lost.
    answers = await asyncio.gather(*(deliver(server, store_id, body, forged) for _ in range(20)))
    answers.append(await deliver(server, store_id, body, unsigned))
    answers.append(await deliver(server, store_id, body, signed(body, secret="not-the-secret")))
    [after] = (await server.execute(HEALTH, token=token))["stores"]

    assert {status for status, _ in answers} == {401}
    health = after["webhookHealth"]
    assert health["forgedCount"] == 22 and health["lastForgedAt"] is not None
    told = ("lastDeliveryAt", "lastRejectedAt", "lastRejectedReason", "usualGapSeconds", "quiet", "message")
    assert {k: health[k] for k in told} == {k: before["webhookHealth"][k] for k in told}
    assert health["quiet"] is True and health["lastRejectedReason"] is not None
    assert before["webhookHealth"]["forgedCount"] == 0
    assert await WebhookDelivery.all().count() == 0


async def test_the_webhook_url_comes_from_the_public_url_never_the_host_header(server, token, store_id):
    headers = {"Authorization": f"Bearer {token}", "Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    response = await server.session.post(
        server.graphql_url, json={"query": "{ stores { webhookUrl } }"}, headers=headers
    )
    [store] = (await response.json())["data"]["stores"]

    assert store["webhookUrl"] == f"{PUBLIC_URL}/webhooks/shopify/{store_id}"
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.ws.send_json({"id": "q", "type": "subscribe", "payload": {"query": "{ stores { webhookUrl } }"}})
        message = await ws.receive()
        assert (await ws.receive()) == {"id": "q", "type": "complete"}  # the operation is over before the socket is
    assert message["payload"]["data"]["stores"] == [store]


@pytest.mark.database
async def test_an_unsigned_ping_is_not_a_delivery():
    """WooCommerce's creation ping needs no signature, so anyone can send one: it must not look like a delivery."""
    async with running_server(settings(extra_plugins=(plugins.shopify, plugins.woocommerce))) as server:
        token = await new_token("wendy")
        data = await server.execute(
            CONNECT_STORE,
            {
                "platform": "woocommerce",
                "name": "Wendy's shop",
                "credentials": {
                    "site_url": "https://wendy.example",
                    "consumer_key": "ck_wendy",
                    "consumer_secret": "cs_wendy",
                    "webhook_secret": "wendy-secret",
                },
                "apiBaseUrl": None,
            },
            token=token,
        )
        store = data["connectStore"]["store"]["id"]
        ping = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "WooCommerce/9.0 Hookshot"}

        response = await server.session.post(
            f"{server.url}/webhooks/woocommerce/{store}", data=b"webhook_id=7", headers=ping
        )

        assert response.status == 200
        row = await Store.get(id=store)
        assert (row.last_webhook_at, row.webhook_count, row.webhook_usual_gap) == (None, 0, None)


async def test_oversized_and_misaddressed_deliveries(server, token, store_id):
    huge = b"{" + b" " * (1024 * 1024 + 1) + b"}"
    response = await server.session.post(
        f"{server.url}/webhooks/shopify/{store_id}", data=io.BytesIO(huge), headers=signed(huge)
    )
    assert response.status == 413
    body = order_body()
    assert (await deliver(server, str(uuid.uuid4()), body, signed(body)))[0] == 404
    response = await server.session.post(f"{server.url}/webhooks/nosuch/{store_id}", data=body, headers=signed(body))
    assert response.status == 404
    assert await Transaction.all().count() == 0


async def test_a_disconnected_stores_webhooks_are_not_found(server, token, store_id):
    disconnected = await server.execute(DISCONNECT_STORE, {"id": store_id}, token=token)
    assert disconnected["disconnectStore"]["userErrors"] == []
    body = order_body()

    assert (await deliver(server, store_id, body, signed(body)))[0] == 404
    assert await WebhookDelivery.all().count() == 0
    assert await Transaction.all().count() == 0
    assert (await Store.get(id=store_id)).webhook_count == 0


async def test_other_topics_are_acknowledged_and_ignored(server, token, store_id):
    body = order_body()
    assert (await deliver(server, store_id, body, signed(body, **{"X-Shopify-Topic": "orders/paid"})))[0] == 200
    assert await WebhookDelivery.all().count() == 0


async def test_a_webhook_resolves_a_pending_import(server, token, store_id, shopify):
    order = add(shopify, 20)
    await import_orders(server, token, store_id, hours=1)
    [row] = await pending(server, token)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)
        body = order_body(order)
        assert (await deliver(server, store_id, body, signed(body)))[0] == 200
        event = (await ws.next())["pendingImports"]
    await settled()
    later = (await import_orders(server, token, store_id, hours=1))["job"]

    assert (event["change"], event["order"]["id"], event["order"]["status"]) == ("REMOVED", row["id"], "ACCEPTED")
    assert await pending(server, token) == []
    [transaction] = await Transaction.all()
    assert transaction.source == "WEBHOOK"
    assert (await ImportedOrder.get(id=row["id"])).transaction_id == transaction.id
    assert (later["imported"], later["skipped"]) == (0, 1)
    again = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_DECIDED"]


async def test_webhook_racing_accept_gives_one_transaction(server, token, store_id, shopify):
    for round_ in range(8):
        order = add(shopify, 5 + round_)
        await import_orders(server, token, store_id, orderId=order["name"])
        [row] = [r for r in await pending(server, token) if r["orderNumber"] == order["name"]]
        body = order_body(order)

        accepted, (status, _) = await asyncio.gather(
            server.execute(ACCEPT, {"id": row["id"]}, token=token), deliver(server, store_id, body, signed(body))
        )
        await settled()

        assert status == 200
        assert await Transaction.filter(order_id=order["legacyResourceId"]).count() == 1
        imported = await ImportedOrder.get(id=row["id"])
        transaction = await Transaction.get(order_id=order["legacyResourceId"])
        assert imported.transaction_id == transaction.id
        payload = accepted["acceptImport"]
        assert payload["userErrors"] == [] or [e["code"] for e in payload["userErrors"]] == ["ALREADY_DECIDED"]


async def test_webhook_health_flags_a_store_gone_quiet(server, token, store_id):
    now = datetime.now(UTC)
    await Store.filter(id=store_id).update(
        last_webhook_at=now - timedelta(hours=5), webhook_count=40, webhook_usual_gap=600.0
    )
    query = "{ stores { webhookUrl webhookHealth { lastDeliveryAt usualGapSeconds quiet message } } }"

    [store] = (await server.execute(query, token=token))["stores"]

    assert store["webhookUrl"] == f"{PUBLIC_URL}/webhooks/shopify/{store_id}"
    health = store["webhookHealth"]
    assert (health["usualGapSeconds"], health["quiet"]) == (600, True)
    assert health["message"] == "No orders received by webhook for 5 hours — import missing orders."


@pytest.mark.database
async def test_an_endpoint_challenge_is_answered_for_the_store():
    async with running_server(settings(extra_plugins=(plugins.shopify, plugins.ebay))) as server:
        token = await new_token("erin")
        data = await server.execute(
            CONNECT_STORE,
            {
                "platform": "ebay",
                "name": "Erin on eBay",
                "credentials": {
                    "client_id": "Erin-App-PRD-1234",
                    "client_secret": "PRD-secret",
                    "refresh_token": "v^1.1#refresh",
                    "verification_token": "erin-verification-token-0123456789",
                },
                "apiBaseUrl": None,
            },
            token=token,
        )
        store = data["connectStore"]["store"]["id"]
        endpoint = f"{server.url}/webhooks/ebay/{store}"

        answered = await server.session.get(endpoint, params={"challenge_code": "a8628072-3d33"})
        not_a_challenge = await server.session.get(endpoint)

        expected = hashlib.sha256(f"a8628072-3d33erin-verification-token-0123456789{endpoint}".encode()).hexdigest()
        assert (answered.status, await answered.json()) == (200, {"challengeResponse": expected})
        assert not_a_challenge.status == 404
