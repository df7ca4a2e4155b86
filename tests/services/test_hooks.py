"""Partner lifecycle hooks run after the commit, with normalized orders; a failing hook changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

import plugins.shopify
from server.models import ImportedOrder
from server.platforms import Order, hookimpl
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import running_server, serve_app, settings


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    @hookimpl
    async def order_pending(self, platform: str, store_id: str, order: Order) -> None:
        # Runs after the commit: the row is already visible.
        row = await ImportedOrder.get(store_id=store_id, order_id=order.order_id)
        self.calls.append(("pending", order.order_number, row.status.value))

    @hookimpl
    def order_accepted(self, platform: str, order: Order, transaction_id: str) -> None:
        self.calls.append(("accepted", order.order_number, transaction_id))

    @hookimpl
    def order_canceled(self, order: Order, reason: str | None) -> None:
        self.calls.append(("canceled", order.order_number, reason))
        raise RuntimeError("a partner bug")


@pytest.mark.database
async def test_hooks_see_committed_changes_and_cannot_undo_them(shopify):
    recorder = Recorder()
    async with (
        running_server(settings(extra_plugins=(plugins.shopify, recorder))) as server,
        serve_app(shopify.app()) as url,
    ):
        token = await new_token("alice")
        connected = await server.execute(
            CONNECT_STORE,
            {
                "platform": "shopify",
                "name": "S",
                "credentials": {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"},
                "apiBaseUrl": url,
            },
            token=token,
        )
        store = connected["connectStore"]["store"]["id"]
        add(shopify, 5, total="9.99")
        add(shopify, 6)
        await import_orders(server, token, store, hours=1)
        first, second = sorted(await pending(server, token), key=lambda r: r["orderNumber"])
        accepted = await server.execute(ACCEPT, {"id": first["id"]}, token=token)
        canceled = await server.execute(CANCEL, {"id": second["id"], "reason": "dup"}, token=token)

    transaction_id = accepted["acceptImport"]["transaction"]["id"]
    assert sorted(recorder.calls) == sorted(
        [
            ("pending", "#1001", "PENDING"),
            ("pending", "#1002", "PENDING"),
            ("accepted", "#1001", transaction_id),
            ("canceled", "#1002", "dup"),
        ]
    )
    assert canceled["cancelImport"]["userErrors"] == []
    assert Decimal(accepted["acceptImport"]["importedOrder"]["total"]["amount"]) == Decimal("9.99")
