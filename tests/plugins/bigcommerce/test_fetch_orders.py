"""The BigCommerce connector's batch lookup (``fetch_orders``) against the emulator, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.connector import LINE_ITEMS_INCLUDED, PAGE_SIZE
from plugins.bigcommerce.emulator import BigCommerceEmulator
from server.platforms import ConnectorError, HttpClient, PlatformUnavailable
from tests.support import serve_app

T0 = datetime.now(UTC) - timedelta(hours=2)


@pytest.fixture
def store() -> BigCommerceEmulator:
    return BigCommerceEmulator(quota=1_000_000)


@pytest.fixture
async def connector(store: BigCommerceEmulator, http: HttpClient) -> AsyncIterator[BigCommerceConnector]:
    async with serve_app(store.app()) as url:
        yield BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url)


def add(store: BigCommerceEmulator, count: int, **kwargs: Any) -> list[int]:
    """Add ``count`` orders; their ids (consecutive unless ``order_id`` is given)."""
    return [store.add_order(created_at=T0 + timedelta(minutes=n), **kwargs)["id"] for n in range(count)]


def requests(store: BigCommerceEmulator) -> list[tuple[str, dict[str, str]]]:
    """Every request but the products ones, as (path after /v2, query)."""
    return [(r["path"].split("/v2", 1)[1], r["query"]) for r in store.requests if not r["path"].endswith("/products")]


def listed(min_id: int, max_id: int, archived: str = "false") -> tuple[str, dict[str, str]]:
    query = {"min_id": str(min_id), "max_id": str(max_id), "is_deleted": archived, **LINE_ITEMS_INCLUDED}
    query["limit"] = str(PAGE_SIZE)
    return ("/orders", query)


def ids(found: dict[str, Any]) -> dict[str, str]:
    return {ref: order.order_id for ref, order in found.items()}


async def one_by_one(connector: BigCommerceConnector, references: list[str]) -> dict[str, str]:
    """What ``fetch_order`` finds for each reference, as order ids."""
    found = {ref: await connector.fetch_order(ref) for ref in references}
    return {ref: order.order_id for ref, order in found.items() if order is not None}


async def test_close_ids_in_every_form_are_one_range_request(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    first, second, third, _, fifth = add(store, 5)
    references = [str(first), f"#{second}", f"# 0{third}", str(fifth), f"#{fifth}"]

    found = await connector.fetch_orders(references)

    assert requests(store) == [listed(first, fifth)]
    assert len(store.requests) == 1  # the line items come embedded in the listing
    assert ids(found) == {ref: str(oid) for ref, oid in zip(references, [first, second, third, fifth, fifth])}
    assert [item.name for item in found[str(first)].line_items] == ["Store item"]
    assert ids(found) == await one_by_one(connector, references)


async def test_an_id_matching_nothing_is_left_out(connector: BigCommerceConnector, store: BigCommerceEmulator) -> None:
    first, second = add(store, 2)
    missing = second + 3

    found = await connector.fetch_orders([str(first), str(missing), "NOPE"])

    assert ids(found) == {str(first): str(first)}
    assert requests(store) == [listed(first, missing), listed(missing, missing, "true")]


async def test_archived_orders_are_found_and_incomplete_checkouts_are_not(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    [kept] = add(store, 1)
    [archived] = add(store, 1, is_deleted=True)
    [incomplete] = add(store, 1, status_id=0)
    references = [str(kept), str(archived), str(incomplete)]

    found = await connector.fetch_orders(references)

    assert ids(found) == {str(kept): str(kept), str(archived): str(archived)}
    assert found[str(archived)].canceled
    assert requests(store) == [listed(kept, incomplete), listed(archived, incomplete, "true")]
    assert ids(found) == await one_by_one(connector, references)


async def test_a_range_never_spans_more_than_a_page(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    orders = add(store, PAGE_SIZE + 2)
    references = [str(orders[n]) for n in (0, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1)]

    found = await connector.fetch_orders(references)

    assert ids(found) == {ref: ref for ref in references}
    assert requests(store) == [
        listed(orders[0], orders[PAGE_SIZE - 1]),
        listed(orders[PAGE_SIZE], orders[PAGE_SIZE + 1]),
    ]


async def test_an_id_far_from_the_others_is_fetched_alone(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    near, close = add(store, 2)
    [far] = add(store, 1, order_id=near + 10 * PAGE_SIZE)
    missing = far + 5 * PAGE_SIZE

    found = await connector.fetch_orders([str(far), str(near), str(close), str(missing)])

    assert ids(found) == {str(oid): str(oid) for oid in (near, close, far)}
    assert sorted(requests(store), key=str) == sorted(
        [listed(near, close), (f"/orders/{far}", LINE_ITEMS_INCLUDED), (f"/orders/{missing}", LINE_ITEMS_INCLUDED)],
        key=str,
    )


async def test_a_platform_error_on_a_later_request_fails_the_batch(
    connector: BigCommerceConnector, store: BigCommerceEmulator
) -> None:
    orders = add(store, PAGE_SIZE + 2)
    store.delay_next(0)  # the first range is answered
    store.fail_next(503, times=10)

    with pytest.raises(ConnectorError) as failed:
        await connector.fetch_orders([str(oid) for oid in (orders[0], orders[1], orders[-2], orders[-1])])

    assert isinstance(failed.value, PlatformUnavailable)
    assert store.credentials()["access_token"] not in str(failed.value)
