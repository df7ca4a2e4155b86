"""``EcwidConnector.fetch_orders`` (``GET /orders?ids=``), over HTTP against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.ecwid import EcwidConnector
from plugins.ecwid.connector import PAGE_SIZE
from plugins.ecwid.emulator import EcwidEmulator
from server.platforms import ConnectorError, ConnectorState, HttpClient, PlatformBadResponse
from tests.support import serve_app

PLACED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture
def store() -> EcwidEmulator:
    return EcwidEmulator()


@pytest.fixture
async def ecwid(store: EcwidEmulator, http: HttpClient) -> AsyncIterator[EcwidConnector]:
    async with serve_app(store.app()) as url:
        state = ConnectorState({"currency": "USD"})
        yield EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url, state=state)


def add(store: EcwidEmulator, uid: str, **changes: Any) -> dict[str, Any]:
    return store.add_order(created_at=PLACED, uid=uid, **changes)


def searches(store: EcwidEmulator) -> list[list[str]]:
    """The ids of each ``GET /orders?ids=`` request, in order."""
    return [r["query"]["ids"].split(",") for r in store.requests if "ids" in r["query"]]


def lookups(store: EcwidEmulator) -> list[str]:
    """The paths of every other request (one order, the profile)."""
    return [r["path"] for r in store.requests if "ids" not in r["query"]]


async def test_a_batch_of_every_form_is_one_search(store: EcwidEmulator, ecwid: EcwidConnector) -> None:
    prefixed = add(store, "G01ZG", prefix="SALE-")
    plain, by_number = add(store, "K8XTQ"), add(store, "EBJFT")
    unfinished = add(store, "J77J8", payment_status="INCOMPLETE")
    refs = ["SALE-G01ZG", "#sale-g01zg", "#K8XTQ", str(by_number["internalId"]), "J77J8", "ZZZZZ", "K8XTQ,EBJFT"]

    found = await ecwid.fetch_orders(refs)

    assert {ref: order.order_number for ref, order in found.items()} == {
        "SALE-G01ZG": prefixed["id"],
        "#sale-g01zg": prefixed["id"],
        "#K8XTQ": plain["id"],
        str(by_number["internalId"]): by_number["id"],
    }
    assert found["SALE-G01ZG"].order_id == str(prefixed["internalId"])
    assert searches(store) == [
        ["SALE-G01ZG", "sale-g01zg", "K8XTQ", str(by_number["internalId"]), unfinished["id"], "ZZZZZ"]
    ]
    assert lookups(store) == []


async def test_a_batch_never_returns_an_order_for_a_reference_it_is_not(
    store: EcwidEmulator, ecwid: EcwidConnector
) -> None:
    add(store, "G01ZG", prefix="SALE-")

    found = await ecwid.fetch_orders(["G01ZG"])  # Ecwid's search finds it by its id without the prefix

    assert found == {}
    assert searches(store) == [["G01ZG"]]


async def test_more_ids_than_one_page(store: EcwidEmulator, ecwid: EcwidConnector) -> None:
    uids = [f"A{n:03d}B" for n in range(60)]
    for uid in uids:
        add(store, uid)

    found = await ecwid.fetch_orders([uid.lower() for uid in uids])

    assert {ref: order.order_number for ref, order in found.items()} == {uid.lower(): uid for uid in uids}
    assert [len(ids) for ids in searches(store)] == [PAGE_SIZE, 2 * len(uids) - PAGE_SIZE]
    assert lookups(store) == []


async def test_a_platform_error_in_the_middle_is_the_connectors_error(
    store: EcwidEmulator, ecwid: EcwidConnector
) -> None:
    uids = [f"A{n:03d}B" for n in range(60)]
    for uid in uids:
        add(store, uid)
    store.delay_next(0)  # the first search is answered
    store.garbage_next()  # the second gets an HTML page

    with pytest.raises(ConnectorError) as raised:
        await ecwid.fetch_orders([uid.lower() for uid in uids])

    assert isinstance(raised.value, PlatformBadResponse)
    assert len(searches(store)) == 2


async def test_the_store_currency_is_read_once(store: EcwidEmulator, http: HttpClient) -> None:
    add(store, "K8XTQ")
    add(store, "EBJFT")
    async with serve_app(store.app()) as url:
        ecwid = EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url)
        found = await ecwid.fetch_orders(["K8XTQ", "EBJFT"])

    assert [order.total.currency for order in found.values()] == ["USD", "USD"]
    assert len(searches(store)) == 1
    assert lookups(store) == [f"/api/v3/{store.store_id}/profile"]
