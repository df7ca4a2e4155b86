"""``EbayConnector.fetch_orders`` (getOrders ``orderIds``) and sandbox stores, over HTTP against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.ebay import EbayConnector
from plugins.ebay.connector import BATCH_SIZE
from plugins.ebay.emulator import EbayEmulator
from server.platforms import ConnectorError, HttpClient, PlatformBadResponse
from tests.plugins.sandbox import loopback_http, on_host
from tests.support import serve_app

ORDERS = "/sell/fulfillment/v1/order"
PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture
def seller() -> EbayEmulator:
    return EbayEmulator()


@pytest.fixture
async def ebay(seller: EbayEmulator, http: HttpClient) -> AsyncIterator[EbayConnector]:
    async with serve_app(seller.app()) as url:
        yield EbayConnector(credentials=seller.credentials(), http=http, api_base_url=url)


def add(seller: EbayEmulator, n: int = 0, **changes: Any) -> dict[str, Any]:
    return seller.add_order(created_at=PLACED + timedelta(minutes=n), **changes)


def batches(seller: EbayEmulator) -> list[list[str]]:
    """The ids of each getOrders ``orderIds`` request, in order."""
    return [r["query"]["orderIds"].split(",") for r in seller.requests if r["path"] == ORDERS and r["query"]]


def singles(seller: EbayEmulator) -> list[str]:
    """The id of each getOrder request, in order."""
    return [r["path"].rsplit("/", 1)[1] for r in seller.requests if r["path"].startswith(f"{ORDERS}/")]


async def test_a_batch_of_every_form_is_one_request(seller: EbayEmulator, ebay: EbayConnector) -> None:
    plain, hashed = add(seller, 1), add(seller, 2)
    legacy = add(seller, 3, legacy_order_id="110456789012-2812345678001")
    refs = [plain["orderId"], f"#{hashed['orderId']}", "110456789012-2812345678001", "99-99999-99999"]

    found = await ebay.fetch_orders(refs)

    assert {ref: order.order_id for ref, order in found.items()} == {
        plain["orderId"]: plain["orderId"],
        f"#{hashed['orderId']}": hashed["orderId"],
        "110456789012-2812345678001": legacy["orderId"],
    }
    assert batches(seller) == [[plain["orderId"], hashed["orderId"], "110456789012-2812345678001", "99-99999-99999"]]
    assert singles(seller) == []
    assert not any(order.test_order for order in found.values())


async def test_a_line_of_an_order_or_a_reference_unlike_an_id_is_looked_up_alone(
    seller: EbayEmulator, ebay: EbayConnector
) -> None:
    order = add(seller)
    line = f"{order['lineItems'][0]['legacyItemId']}-{order['lineItems'][0]['lineItemId']}"
    other_listing = f"{order['lineItems'][0]['legacyItemId']}-1"  # the same listing, another sale

    found = await ebay.fetch_orders([line, other_listing, "ABC-123"])

    assert {ref: o.order_id for ref, o in found.items()} == {line: order["orderId"]}
    assert batches(seller) == [[line, other_listing]]
    assert sorted(singles(seller)) == sorted([line, other_listing, "ABC-123"])


async def test_more_ids_than_one_call_takes(seller: EbayEmulator, ebay: EbayConnector) -> None:
    ids = [add(seller, n)["orderId"] for n in range(BATCH_SIZE + 12)]
    refs = [*ids, f"#{ids[0]}"]

    found = await ebay.fetch_orders(refs)

    assert {ref: order.order_id for ref, order in found.items()} == {**{i: i for i in ids}, f"#{ids[0]}": ids[0]}
    assert [len(ids) for ids in batches(seller)] == [BATCH_SIZE, 12]
    assert singles(seller) == []


async def test_a_batch_ebay_refuses_for_an_invalid_id_is_looked_up_alone(
    seller: EbayEmulator, ebay: EbayConnector
) -> None:
    order = add(seller)

    found = await ebay.fetch_orders([order["orderId"], "1-2-3"])

    assert {ref: o.order_id for ref, o in found.items()} == {order["orderId"]: order["orderId"]}
    assert batches(seller) == [[order["orderId"], "1-2-3"]]
    assert sorted(singles(seller)) == sorted([order["orderId"], "1-2-3"])


async def test_a_platform_error_in_the_middle_is_the_connectors_error(
    seller: EbayEmulator, ebay: EbayConnector
) -> None:
    ids = [add(seller, n)["orderId"] for n in range(BATCH_SIZE + 1)]
    seller.delay_next(0)  # the first call is answered
    seller.garbage_next()  # the second gets an HTML page

    with pytest.raises(ConnectorError) as raised:
        await ebay.fetch_orders(ids)

    assert isinstance(raised.value, PlatformBadResponse)
    assert len(batches(seller)) == 2


async def test_a_sandbox_keysets_orders_are_test_orders(http: HttpClient) -> None:
    seller = EbayEmulator(
        client_id="EmulSell-OrderImp-SBX-5e6f7a8b9-1c2d3e4f", client_secret="SBX-5e6f7a8b9c0d-1e2f-3a4b-5c6d-7e8f"
    )
    order = add(seller)
    async with serve_app(seller.app()) as url:
        ebay = EbayConnector(credentials=seller.credentials(), http=http, api_base_url=url)
        fetched = await ebay.fetch_order(order["orderId"])
        batch = await ebay.fetch_orders([order["orderId"]])
        listed = [o async for page in ebay.orders_created(PLACED, PLACED + timedelta(hours=1)) for o in page]

    assert fetched is not None and fetched.test_order
    assert batch[order["orderId"]].test_order
    assert [o.test_order for o in listed] == [True]


async def test_a_store_on_the_sandbox_host_holds_test_orders() -> None:
    seller = EbayEmulator()
    order = add(seller)
    async with serve_app(seller.app()) as url, loopback_http() as http:
        sandbox = on_host(url, "api.sandbox.ebay.com")
        ebay = EbayConnector(credentials=seller.credentials(), http=http, api_base_url=sandbox)
        live = EbayConnector(credentials=seller.credentials(), http=http, api_base_url=on_host(url, "localhost"))
        fetched = await ebay.fetch_order(order["orderId"])
        batch = await ebay.fetch_orders([order["orderId"]])
        listed = [o async for page in ebay.orders_created(PLACED, PLACED + timedelta(hours=1)) for o in page]
        production = await live.fetch_order(order["orderId"])

    assert fetched is not None and fetched.test_order
    assert batch[order["orderId"]].test_order
    assert [o.test_order for o in listed] == [True]
    assert production is not None and not production.test_order
