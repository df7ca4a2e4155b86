"""The WooCommerce connector's batch lookup (``fetch_orders``) against the emulator, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.connector import PAGE_SIZE
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms import ConnectorError, HttpClient, PlatformUnavailable
from tests.support import serve_app

T0 = datetime.now(UTC) - timedelta(hours=2)
Connect = Callable[[WooCommerceEmulator], AbstractAsyncContextManager[WooCommerceConnector]]


@pytest.fixture
def connect(http: HttpClient) -> Connect:
    @asynccontextmanager
    async def connected(site: WooCommerceEmulator) -> AsyncIterator[WooCommerceConnector]:
        async with serve_app(site.app()) as url:
            yield WooCommerceConnector(credentials=site.credentials(), http=http, api_base_url=url)

    return connected


def add(site: WooCommerceEmulator, count: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [site.add_order(created_at=T0 + timedelta(minutes=n), **kwargs) for n in range(count)]


def queries(site: WooCommerceEmulator) -> list[dict[str, str]]:
    """The query of every request the site answered, without the OAuth parameters."""
    return [{k: v for k, v in r["query"].items() if not k.startswith("oauth_")} for r in site.requests]


def ids(found: dict[str, Any]) -> dict[str, str]:
    return {ref: order.order_id for ref, order in found.items()}


async def one_by_one(connector: WooCommerceConnector, references: list[str]) -> dict[str, str]:
    """What ``fetch_order`` finds for each reference, as order ids."""
    found = {ref: await connector.fetch_order(ref) for ref in references}
    return {ref: order.order_id for ref, order in found.items() if order is not None}


async def test_ids_and_numbers_are_one_include_request(connect: Connect) -> None:
    site = WooCommerceEmulator()
    orders = add(site, 4, status="completed") + add(site, 1, status="cancelled")
    references = [str(orders[0]["id"]), f"#{orders[1]['number']}", orders[2]["number"], str(orders[4]["id"])]

    async with connect(site) as connector:
        found = await connector.fetch_orders(references)
        assert queries(site) == [
            {
                "include": ",".join(str(o["id"]) for o in (orders[0], orders[1], orders[2], orders[4])),
                "status": "any",
                "per_page": str(PAGE_SIZE),
            }
        ]
        assert ids(found) == await one_by_one(connector, references)
    assert ids(found) == {ref: str(order["id"]) for ref, order in zip(references, [*orders[:3], orders[4]])}
    assert found[references[3]].canceled


async def test_an_id_matching_nothing_is_left_out_after_the_searches_fetch_order_makes(connect: Connect) -> None:
    site = WooCommerceEmulator()
    [order] = add(site, 1)
    missing = str(order["id"] + 50)

    async with connect(site) as connector:
        found = await connector.fetch_orders([str(order["id"]), missing, "NOPE"])

    assert ids(found) == {str(order["id"]): str(order["id"])}
    assert [(q.get("include"), q.get("status"), q.get("search")) for q in queries(site)] == [
        (f"{order['id']},{missing}", "any", None),
        (missing, "trash", None),  # GET /orders/{id} finds trashed orders, status=any does not
        (None, "any", missing),
        (None, "any", "NOPE"),
    ]


async def test_trashed_orders_are_found_by_id_and_checkout_drafts_are_not(connect: Connect) -> None:
    site = WooCommerceEmulator()
    [kept, trashed, draft] = [add(site, 1, status=status)[0] for status in ("processing", "trash", "checkout-draft")]
    references = [str(order["id"]) for order in (kept, trashed, draft)]

    async with connect(site) as connector:
        found = await connector.fetch_orders(references)
        assert ids(found) == await one_by_one(connector, references)

    assert ids(found) == {str(kept["id"]): str(kept["id"]), str(trashed["id"]): str(trashed["id"])}
    assert found[str(trashed["id"])].canceled


async def test_numbers_a_numbering_plugin_made_are_searched(connect: Connect) -> None:
    """Numbers ``1``, ``2``... beside ids from 1000: ``"2"`` is an order's number, ``"<id>"`` another's id."""
    site = WooCommerceEmulator(number_format="{seq}")
    orders = add(site, 3)
    references = ["2", f"#{orders[2]['number']}", str(orders[0]["id"])]

    async with connect(site) as connector:
        found = await connector.fetch_orders(references)
        searched = sorted(q["search"] for q in queries(site) if "search" in q)
        assert ids(found) == await one_by_one(connector, references)

    assert ids(found) == {ref: str(order["id"]) for ref, order in zip(references, [orders[1], orders[2], orders[0]])}
    assert searched == sorted(["2", orders[2]["number"], str(orders[0]["id"])])


async def test_ids_beyond_a_page_take_another_request(connect: Connect) -> None:
    site = WooCommerceEmulator()
    orders = add(site, PAGE_SIZE + 1)
    references = [str(order["id"]) for order in orders]

    async with connect(site) as connector:
        assert len(await connector.fetch_orders(references[:PAGE_SIZE])) == PAGE_SIZE
        assert len(site.requests) == 1
        found = await connector.fetch_orders(references)

    assert ids(found) == {ref: ref for ref in references}
    assert [len(q["include"].split(",")) for q in queries(site)[1:]] == [PAGE_SIZE, 1]


async def test_a_platform_error_on_a_later_request_fails_the_batch(connect: Connect) -> None:
    site = WooCommerceEmulator()
    references = [str(order["id"]) for order in add(site, PAGE_SIZE + 1)]
    site.delay_next(0)  # the first page of ids is answered
    site.fail_next(503, times=10)

    async with connect(site) as connector:
        with pytest.raises(ConnectorError) as failed:
            await connector.fetch_orders(references)

    assert isinstance(failed.value, PlatformUnavailable)
    assert "cs_" not in str(failed.value)
