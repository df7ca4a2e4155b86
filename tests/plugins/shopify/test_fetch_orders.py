"""The Shopify connector's batch lookup (``fetch_orders``) against the emulator, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from plugins.shopify.queries import ORDERS_PAGE_SIZE
from server.platforms import ConnectorError, HttpClient, PlatformUnavailable
from tests.support import serve_app

T0 = datetime.now(UTC) - timedelta(hours=2)


@pytest.fixture
async def connector(shopify: ShopifyEmulator, http: HttpClient) -> AsyncIterator[ShopifyConnector]:
    async with serve_app(shopify.app()) as url:
        yield ShopifyConnector(credentials=shopify.credentials(), http=http, api_base_url=url)


def add(shopify: ShopifyEmulator, count: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [shopify.add_order(created_at=T0 + timedelta(minutes=n), **kwargs) for n in range(count)]


def searches(shopify: ShopifyEmulator) -> list[dict[str, Any]]:
    """The variables of every GraphQL request the store answered."""
    return [request["json"]["variables"] for request in shopify.requests]


async def one_by_one(connector: ShopifyConnector, references: list[str]) -> dict[str, str]:
    """What ``fetch_order`` finds for each reference, as order ids."""
    found = {ref: await connector.fetch_order(ref) for ref in references}
    return {ref: order.order_id for ref, order in found.items() if order is not None}


async def test_every_reference_form_is_found_with_one_search(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    orders = add(shopify, 5)
    references = ["#1001", "1002", orders[2]["legacyResourceId"], orders[3]["id"], "#1005", "1005"]

    found = await connector.fetch_orders(references)

    assert {ref: order.order_id for ref, order in found.items()} == {
        ref: order["legacyResourceId"] for ref, order in zip(references, [*orders[:5], orders[4]])
    }
    assert found["#1005"] is found["1005"]
    [search] = searches(shopify)
    assert search["query"].count(" OR ") >= len(references) - 1
    shopify.requests.clear()
    assert await one_by_one(connector, references) == {ref: order.order_id for ref, order in found.items()}


async def test_a_reference_matching_nothing_is_left_out(connector: ShopifyConnector, shopify: ShopifyEmulator) -> None:
    [order] = add(shopify, 1)
    unknown = ["#1002", "9" * 13, "gid://shopify/Order/1", "gid://shopify/Product/" + order["legacyResourceId"]]

    found = await connector.fetch_orders(["#1001", *unknown])

    assert list(found) == ["#1001"]
    assert found["#1001"].order_id == order["legacyResourceId"]
    assert len(shopify.requests) == 1


async def test_a_name_that_is_another_orders_id_finds_the_named_order_as_fetch_order_does(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    [by_id] = add(shopify, 1)
    [named] = add(shopify, 1, name=f"#{by_id['legacyResourceId']}")
    reference = by_id["legacyResourceId"]

    found = await connector.fetch_orders([reference, by_id["id"]])

    assert found[reference].order_id == named["legacyResourceId"]
    assert found[by_id["id"]].order_id == by_id["legacyResourceId"]
    assert await one_by_one(connector, [reference]) == {reference: named["legacyResourceId"]}


async def test_near_matches_are_never_returned(connector: ShopifyConnector, shopify: ShopifyEmulator) -> None:
    add(shopify, 1, name="#10010")
    add(shopify, 1, name="#SO-1001")

    assert await connector.fetch_orders(["1001", "#1001", "SO-100"]) == {}


async def test_more_matches_than_a_page_are_paged(connector: ShopifyConnector, shopify: ShopifyEmulator) -> None:
    orders = add(shopify, ORDERS_PAGE_SIZE + 5)
    references = [order["name"] for order in orders]

    found = await connector.fetch_orders(references)

    assert [found[ref].order_id for ref in references] == [order["legacyResourceId"] for order in orders]
    first, second = searches(shopify)
    assert (first["first"], first["after"], second["query"]) == (ORDERS_PAGE_SIZE, None, first["query"])
    assert second["after"] is not None


async def test_a_platform_error_on_a_later_page_fails_the_batch(
    connector: ShopifyConnector, shopify: ShopifyEmulator
) -> None:
    orders = add(shopify, ORDERS_PAGE_SIZE + 5)
    shopify.delay_next(0)  # the first page is answered
    shopify.fail_next(503, times=10)

    with pytest.raises(ConnectorError) as failed:
        await connector.fetch_orders([order["name"] for order in orders])

    assert isinstance(failed.value, PlatformUnavailable)
    assert "shpat_" not in str(failed.value)
