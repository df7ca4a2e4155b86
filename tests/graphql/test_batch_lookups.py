"""``importOrders(orderIds:)`` on eBay fetches the list with getOrders ``orderIds``, a call per group of ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import plugins.ebay
from plugins.ebay.emulator import EbayEmulator
from server.services.imports import LOOKUP_PAGE
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.test_receipts import receipt, run
from tests.support import running_server, serve_app, settings

ORDERS = "/sell/fulfillment/v1/order"


@pytest.mark.database
async def test_a_list_of_ids_is_fetched_in_batches() -> None:
    seller = EbayEmulator()
    now = datetime.now(UTC)
    ids = [seller.add_order(created_at=now - timedelta(minutes=5 + n))["orderId"] for n in range(LOOKUP_PAGE + 5)]
    refs = [f"#{ids[0]}", *ids[1:], "99-99999-99999"]
    async with running_server(settings(extra_plugins=(plugins.ebay,))) as server, serve_app(seller.app()) as url:
        token = await new_token("seller")
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": "ebay", "name": "Store", "credentials": seller.credentials(), "apiBaseUrl": url},
            token=token,
        )
        store = connected["connectStore"]["store"]["id"]
        seller.requests.clear()  # what connecting the store asked
        job = await run(server, token, store, "ebay", orderIds=refs)
        lines = await receipt(server, token, job["id"])

    assert (job["status"], job["imported"]) == ("SUCCEEDED", len(ids))
    assert [(line["orderId"], line["outcome"]) for line in lines] == [
        *((order_id, "IMPORTED") for order_id in ids),
        ("99-99999-99999", "NOT_FOUND"),
    ]
    batches = [r["query"]["orderIds"].split(",") for r in seller.requests if r["path"] == ORDERS]
    assert [len(batch) for batch in batches] == [LOOKUP_PAGE, len(refs) - LOOKUP_PAGE]
    assert not [r for r in seller.requests if r["path"].startswith(f"{ORDERS}/")]
