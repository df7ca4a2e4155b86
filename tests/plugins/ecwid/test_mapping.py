"""Ecwid payloads → ``Order``: the real samples, the older payload shape, and malformed input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.ecwid.mapping import is_unfinished, map_order, order_keys, payment_status, store_currency
from server.platforms import Buyer, LineItem, Money, PaymentStatus, PlatformBadResponse
from tests.conftest import SAMPLES

ECWID = SAMPLES / "ecwid"


def sample(name: str) -> Any:
    return json.loads((ECWID / name).read_text())


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


# --- the samples of docs.ecwid.com ----------------------------------------------------


def test_get_order_sample() -> None:
    payload = sample("order.json")
    order = map_order(payload, "EUR")
    assert order.order_id == "516483487"
    assert order.order_number == "K8XTQ"
    assert order.placed_at == datetime(2024, 9, 4, 7, 22, 9, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC
    assert order.total == eur("10")
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name="API Team", email="ec.apps@lightspeedhq.com")
    assert order.line_items == (LineItem("Toys", 1, eur("10"), eur("10"), sku="123123"),)
    assert order.raw is payload


def test_search_orders_sample() -> None:
    page = sample("orders-page.json")
    [order] = [map_order(item, "USD") for item in page["items"]]
    assert (order.order_id, order.order_number) == ("492512057", "EBJFT")
    assert order.placed_at == datetime(2024, 5, 1, 5, 26, 28, tzinfo=UTC)
    assert order.total == Money(Decimal(600), "USD")
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name=None, email=None)  # "email": "" and no billingPerson
    [item] = order.line_items
    assert (item.name, item.sku, item.quantity) == ("Pizza", "000001", 1)
    assert item.unit_price == item.total == Money(Decimal(500), "USD")


def test_amounts_are_the_exact_decimal_of_the_json_number() -> None:
    payload = sample("order.json")
    payload["total"] = payload["usdTotal"]  # 11.067309160854485
    payload["items"][0].update(price=0.1, quantity=3)
    order = map_order(payload, "EUR")
    assert str(order.total.amount) == "11.067309160854485"
    assert order.line_items[0].unit_price == eur("0.1")
    assert str(order.line_items[0].total.amount) == "0.3"  # not 0.30000000000000004


def test_create_date_is_read_with_its_offset_when_there_is_no_timestamp() -> None:
    payload = sample("order.json")
    del payload["createTimestamp"]
    payload["createDate"] = "2024-09-04 09:22:09 +0200"
    assert map_order(payload, "EUR").placed_at == datetime(2024, 9, 4, 7, 22, 9, tzinfo=UTC)


def test_older_payload_with_order_number_and_vendor_order_number() -> None:
    """The 2019 API: numeric ``orderNumber``, prefixed ``vendorOrderNumber``, no ``id``/``internalId``."""
    payload = sample("order.json")
    for field in ("id", "internalId", "publicUid"):
        del payload[field]
    payload.update(orderNumber=103, vendorOrderNumber="SALE-103")
    order = map_order(payload, "EUR")
    assert (order.order_id, order.order_number) == ("103", "SALE-103")


def test_buyer_name_falls_back_to_first_and_last_name_then_the_shipping_person() -> None:
    payload = sample("order.json")
    payload["billingPerson"] = {"firstName": "Ada", "lastName": "Lovelace"}
    assert map_order(payload, "EUR").buyer.name == "Ada Lovelace"
    payload["billingPerson"] = {}
    payload["shippingPerson"] = {"name": "Charles Babbage"}
    assert map_order(payload, "EUR").buyer.name == "Charles Babbage"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PAID", PaymentStatus.PAID),
        ("AWAITING_PAYMENT", PaymentStatus.PENDING),
        ("INCOMPLETE", PaymentStatus.PENDING),
        ("PARTIALLY_REFUNDED", PaymentStatus.PARTIALLY_REFUNDED),
        ("REFUNDED", PaymentStatus.REFUNDED),
        ("CANCELLED", PaymentStatus.VOIDED),
        ("CUSTOM_PAYMENT_STATUS_1", PaymentStatus.UNKNOWN),
        (None, PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status(status: Any, expected: PaymentStatus) -> None:
    assert payment_status(status) is expected


def test_unfinished_orders_are_recognized() -> None:
    payload = sample("order.json")
    assert not is_unfinished(payload)
    assert is_unfinished({**payload, "paymentStatus": "INCOMPLETE"})


def test_order_keys_are_every_spelling_of_the_order() -> None:
    assert order_keys(sample("order.json")) == {"k8xtq", "516483487"}
    assert order_keys({"orderNumber": 103, "vendorOrderNumber": "SALE-103", "id": ""}) == {"103", "sale-103"}


def test_store_currency_from_the_profile() -> None:
    profile = {"generalInfo": {"storeId": 1003}, "formatsAndUnits": {"currency": "EUR", "currencyPrefix": "€"}}
    assert store_currency(profile) == "EUR"
    assert store_currency({"formatsAndUnits": {"currency": " usd "}}) == "USD"


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"formatsAndUnits": {"currency": "€"}}, "formatsAndUnits.currency"),
        ({"formatsAndUnits": {"currencyPrefix": "$"}}, "formatsAndUnits.currency"),
        ({"settings": {}}, "formatsAndUnits"),
        ([], "profile"),
    ],
)
def test_malformed_profile_names_the_field(profile: Any, field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=f"'{field}'"):
        store_currency(profile)


# --- malformed orders ------------------------------------------------------------------


def broken(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(sample("order.json"))
    for path, value in changes.items():
        target = payload
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return payload


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (broken(total="ten"), "'total'"),
        (broken(total=True), "'total'"),
        (broken(total=None), "'total'"),
        (broken(total="NaN"), "'total'"),
        (broken(items="none"), "'items'"),
        (broken(items=["Toys"]), "'items[]'"),
        (broken(items__0__quantity=1.5), "'items[].quantity'"),
        (broken(items__0__price=...), "'items[].price'"),
        (broken(items__0__name=" "), "'items[].name'"),
        (broken(internalId=..., orderNumber="516483487"), "'internalId'"),
        (broken(createTimestamp=..., createDate="2024-09-04 07:22:09"), "'createDate'"),
        (broken(createTimestamp="1725434529", createDate=...), "'createTimestamp'"),
        (broken(billingPerson="API Team"), "'billingPerson'"),
        (["not", "an", "order"], "'order'"),
    ],
)
def test_malformed_order_names_the_field(payload: Any, field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field.replace("[", r"\[").replace("]", r"\]")):
        map_order(payload, "EUR")
