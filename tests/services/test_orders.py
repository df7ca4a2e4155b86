"""Every path that settles an imported order has the same side effects: its audit entry, then REMOVED, then the hook."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import plugins.shopify
from server.events import pending_channel
from server.models import AuditAction, AuditEvent, ImportedOrder, ImportStatus, Seller
from server.platforms import Order, hookimpl
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL, DISCONNECT_STORE
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.graphql.test_webhooks import order_body, signed
from tests.support import running_server, serve_app, settings

pytestmark = pytest.mark.database


class Recorder:
    """A partner plugin that keeps every settling hook it hears of, and the arguments it names."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    @hookimpl
    def order_accepted(self, order: Order, transaction_id: str, source: str) -> None:
        self.calls.append(("accepted", order.order_number, source))

    @hookimpl
    def order_canceled(self, order: Order, reason: str | None) -> None:
        self.calls.append(("canceled", order.order_number, reason))


class Settling:
    def __init__(self, server: Any, token: str, store: str, shopify: Any) -> None:
        self.server, self.token, self.store, self.shopify = server, token, store, shopify

    async def pending_named(self, number: str) -> dict[str, Any]:
        [row] = [r for r in await pending(self.server, self.token) if r["orderNumber"] == number]
        return row


@pytest.fixture
async def settling(shopify):
    recorder = Recorder()
    async with (
        running_server(settings(extra_plugins=(plugins.shopify, recorder))) as server,
        serve_app(shopify.app()) as url,
    ):
        token = await new_token("sam")
        credentials = {
            "shop_domain": "test-shop.myshopify.com",
            "access_token": "shpat_test_token",
            "webhook_secret": "shpss_webhook_secret",
        }
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": "shopify", "name": "S", "credentials": credentials, "apiBaseUrl": url},
            token=token,
        )
        store = connected["connectStore"]["store"]["id"]
        yield Settling(server, token, store, shopify), recorder


async def test_every_settling_path_records_its_audit_entry_then_announces_removed_then_the_hook(settling):
    flow, recorder = settling
    created = [add(flow.shopify, minutes) for minutes in (50, 40, 30, 20)]
    await import_orders(flow.server, flow.token, flow.store, hours=1)
    seller = await Seller.get(name="sam")
    events: list[dict[str, Any]] = []

    async with flow.server.runtime.broker.subscribe(pending_channel(seller.id)) as stream:

        async def listen() -> None:
            async for event in stream:
                events.append(event)

        listening = asyncio.create_task(listen())
        first, second = await flow.pending_named("#1001"), await flow.pending_named("#1002")
        await flow.server.execute(ACCEPT, {"id": first["id"]}, token=flow.token)
        await flow.server.execute(CANCEL, {"id": second["id"], "reason": "duplicate"}, token=flow.token)
        body = order_body(created[2])
        answer = await flow.server.session.post(
            f"{flow.server.url}/webhooks/shopify/{flow.store}", data=body, headers=signed(body)
        )
        assert answer.status == 200
        for _ in range(200):  # the delivery is processed after the answer
            if len(events) == 3:
                break
            await asyncio.sleep(0.01)
        await flow.server.execute(DISCONNECT_STORE, {"id": flow.store}, token=flow.token)
        for _ in range(200):
            if len(events) == 4:
                break
            await asyncio.sleep(0.01)
        listening.cancel()

    assert [(e["change"], e["status"]) for e in events] == [
        ("REMOVED", "ACCEPTED"),
        ("REMOVED", "CANCELED"),
        ("REMOVED", "ACCEPTED"),
        ("REMOVED", "CANCELED"),
    ]
    assert recorder.calls == [
        ("accepted", "#1001", "seller"),
        ("canceled", "#1002", "duplicate"),
        ("accepted", "#1003", "webhook"),
        ("canceled", "#1004", "store disconnected"),
    ]
    settled = AuditEvent.exclude(action__in=[AuditAction.ORDER_IMPORTED, AuditAction.IMPORT_STARTED])
    entries = await settled.exclude(imported_order_id=None).order_by("at").prefetch_related("imported_order")
    actor = "token:token-1"  # the seller's first token
    assert [(e.imported_order.order_number, e.action, e.actor) for e in entries] == [
        ("#1001", AuditAction.ACCEPTED, actor),
        ("#1002", AuditAction.CANCELED, actor),
        ("#1003", AuditAction.RESOLVED_BY_WEBHOOK, "webhook:shopify"),
        ("#1004", AuditAction.CANCELED, actor),
    ]
    accepted, canceled, resolved, disconnected = entries
    assert accepted.detail == {"transactionId": str(accepted.imported_order.transaction_id)}
    assert canceled.detail == {"reason": "duplicate"}
    assert resolved.detail == {"transactionId": str(resolved.imported_order.transaction_id)}
    assert disconnected.detail == {"reason": "store disconnected", "storeDisconnected": True}
    orders = {e.imported_order.order_number: e.imported_order for e in entries}
    assert {number: order.decided_by for number, order in orders.items()} == {
        "#1001": actor,
        "#1002": actor,
        "#1003": "webhook:shopify",
        "#1004": actor,
    }


async def test_a_restore_keeps_the_earlier_decision(settling):
    flow, recorder = settling
    add(flow.shopify, 30, total="12.00")
    await import_orders(flow.server, flow.token, flow.store, hours=1)
    row = await flow.pending_named("#1001")
    await flow.server.execute(CANCEL, {"id": row["id"], "reason": "looked odd"}, token=flow.token)

    restored = await import_orders(flow.server, flow.token, flow.store, orderId="#1001")
    read = await flow.server.execute(
        "query($id: ID!) { importedOrder(id: $id) { status decidedAt decisions { status by cancelReason } } }",
        {"id": row["id"]},
        token=flow.token,
    )

    assert restored["job"]["imported"] == 1
    order = await ImportedOrder.get(id=row["id"])
    assert (order.status, order.decided_at, order.cancel_reason) == (ImportStatus.PENDING, None, None)
    entries = await AuditEvent.filter(imported_order_id=order.id).order_by("at")
    assert [e.action for e in entries] == [
        AuditAction.ORDER_IMPORTED,
        AuditAction.CANCELED,
        AuditAction.ORDER_RESTORED,
    ]
    assert entries[1].detail == {"reason": "looked odd"} and entries[2].job_id == uuid.UUID(restored["job"]["id"])
    assert read["importedOrder"] == {
        "status": "PENDING",
        "decidedAt": None,
        "decisions": [{"status": "CANCELED", "by": "SELLER", "cancelReason": "looked odd"}],
    }


async def test_an_order_changed_on_the_platform_is_updated_while_pending(settling):
    flow, _ = settling
    created = add(flow.shopify, 30, total="12.00")
    await import_orders(flow.server, flow.token, flow.store, hours=1)
    seller = await Seller.get(name="sam")

    async with flow.server.runtime.broker.subscribe(pending_channel(seller.id)) as stream:
        unchanged = await import_orders(flow.server, flow.token, flow.store, orderId="#1001")
        created["email"] = "changed@example.com"  # the platform changed the order (the emulator serves this record)
        again = await import_orders(flow.server, flow.token, flow.store, orderId="#1001")
        row = await flow.pending_named("#1001")
        await flow.server.execute(CANCEL, {"id": row["id"]}, token=flow.token)
        events = [await asyncio.wait_for(anext(stream), 5) for _ in range(2)]

    assert unchanged["job"]["skippedPending"] == again["job"]["skippedPending"] == 1
    # The same order fetched again changes nothing; once the platform changed it, one UPDATED; then the REMOVED.
    assert [(e["change"], e["status"]) for e in events] == [("UPDATED", "PENDING"), ("REMOVED", "CANCELED")]
    stored = await ImportedOrder.get(order_id=created["legacyResourceId"])
    assert stored.buyer_email == "changed@example.com" and stored.payload["email"] == "changed@example.com"
