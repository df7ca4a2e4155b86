"""WooCommerce order resources → ``Order``: the real samples (REST and webhook body), and malformed input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.woocommerce.mapping import is_draft, map_order, payment_status
from server.platforms import Buyer, LineItem, Money, PaymentStatus, PlatformBadResponse
from tests.conftest import SAMPLES

WOO = SAMPLES / "woocommerce"


def sample(name: str) -> Any:
    return json.loads((WOO / name).read_text())


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


ORDER_727_ITEMS = (
    LineItem("Woo Single #1", 2, usd("3"), usd("6.00"), sku=None),
    LineItem("Ship Your Idea – Color: Black, Size: M Test", 1, usd("12"), usd("12.00"), sku="Bar3"),
)


# --- the real samples -----------------------------------------------------------


def test_order_sample() -> None:
    payload = sample("order.json")
    order = map_order(payload)
    assert order.order_id == "727"
    assert order.order_number == "727"
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)  # date_created_gmt, not the local 16:28
    assert order.placed_at.tzinfo is UTC
    assert order.total == usd("29.35")
    assert str(order.total.amount) == "29.35"
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name="John Doe", email="john.doe@example.com")
    assert order.line_items == ORDER_727_ITEMS
    assert order.raw is payload


def test_orders_page_sample() -> None:
    first, second = (map_order(p) for p in sample("orders-page.json"))
    assert first.order_id == "727" and first.line_items == ORDER_727_ITEMS
    assert second.order_id == "723"
    assert second.order_number == "723"
    assert second.placed_at == datetime(2017, 3, 21, 19, 16, tzinfo=UTC)
    assert second.total == usd("39.00")
    assert second.payment_status is PaymentStatus.PARTIALLY_REFUNDED  # completed, refunds of 10.00 + 9.00
    assert second.buyer == Buyer(name="João Silva", email="joao.silva@example.com")
    assert second.line_items == (
        LineItem("Woo Album #2", 1, usd("9"), usd("9.00"), sku=None),
        LineItem("Woo Ninja", 1, usd("20"), usd("20.00"), sku=None),
    )


def test_webhook_body_is_the_rest_resource() -> None:
    """An ``order.created`` delivery is the REST order resource, sent as the raw JSON body."""
    body = json.dumps(sample("order.json")).encode()
    order = map_order(json.loads(body))
    assert (order.order_id, order.total, order.placed_at) == (
        "727",
        usd("29.35"),
        datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC),
    )


def _order(**changes: Any) -> dict[str, Any]:
    payload = sample("order.json")
    payload.update(changes)
    return payload


# --- numbers, times, money -----------------------------------------------------------


def test_plugin_order_number_is_what_the_seller_sees() -> None:
    order = map_order(_order(number="WC-2024-0001"))
    assert (order.order_id, order.order_number) == ("727", "WC-2024-0001")


@pytest.mark.parametrize("number", [None, "", "  "])
def test_missing_number_falls_back_to_the_id(number: Any) -> None:
    assert map_order(_order(number=number)).order_number == "727"


def test_numeric_number_is_a_string() -> None:
    assert map_order(_order(number=1001)).order_number == "1001"


def test_gmt_time_with_an_explicit_offset_is_honoured() -> None:
    assert map_order(_order(date_created_gmt="2017-03-22T19:28:02Z")).placed_at == datetime(
        2017, 3, 22, 19, 28, 2, tzinfo=UTC
    )


def test_json_number_amounts_go_through_their_decimal_text() -> None:
    payload = _order(total=29.35, currency="EUR")
    payload["line_items"][0].update(price=3.3333333333333335, total="10.00", quantity=3)
    order = map_order(payload)
    assert order.total == Money(Decimal("29.35"), "EUR")
    assert order.line_items[0].unit_price == Money(Decimal("3.3333333333333335"), "EUR")
    assert order.line_items[0].total == Money(Decimal("10.00"), "EUR")


def test_buyer_falls_back_to_company_and_allows_nothing() -> None:
    billing = {"first_name": "", "last_name": " ", "company": "ACME Ltd", "email": ""}
    assert map_order(_order(billing=billing)).buyer == Buyer(name="ACME Ltd", email=None)
    assert map_order(_order(billing=None)).buyer == Buyer()
    assert map_order(_order(billing=[])).buyer == Buyer()  # PHP's empty array


def test_a_price_written_as_a_string_is_read_too() -> None:
    assert map_order(_item(price="12.00")).line_items[1].unit_price == usd("12.00")


def test_no_line_items() -> None:
    assert map_order(_order(line_items=[])).line_items == ()


# --- payment status ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "pending", "date_paid_gmt": None}, PaymentStatus.PENDING),
        ({"status": "on-hold", "date_paid_gmt": None}, PaymentStatus.PENDING),
        ({"status": "checkout-draft"}, PaymentStatus.PENDING),
        ({"status": "processing"}, PaymentStatus.PAID),
        ({"status": "completed", "date_paid": None, "date_paid_gmt": None}, PaymentStatus.PAID),
        ({"status": "refunded", "refunds": [{"id": 1, "total": "-29.35"}]}, PaymentStatus.REFUNDED),
        ({"status": "failed"}, PaymentStatus.FAILED),
        ({"status": "cancelled"}, PaymentStatus.VOIDED),
        ({"status": "trash", "date_paid": None, "date_paid_gmt": None}, PaymentStatus.UNKNOWN),
        ({"status": "shipped"}, PaymentStatus.PAID),  # a plugin's status, with date_paid set
        ({"status": "shipped", "date_paid": None, "date_paid_gmt": None}, PaymentStatus.UNKNOWN),
        ({"status": "processing", "refunds": [{"id": 1, "total": "-5.00"}]}, PaymentStatus.PARTIALLY_REFUNDED),
        (
            {"status": "completed", "refunds": [{"id": 1, "total": "-20.00"}, {"id": 2, "total": "-9.35"}]},
            PaymentStatus.REFUNDED,
        ),
        ({"status": None}, PaymentStatus.PAID),  # no status, but date_paid is set
        ({"status": ["processing"], "date_paid": None, "date_paid_gmt": None}, PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status(changes: dict[str, Any], expected: PaymentStatus) -> None:
    payload = _order(**changes)
    assert payment_status(payload, Decimal("29.35")) is expected
    assert map_order(payload).payment_status is expected


def test_drafts_are_recognized() -> None:
    assert is_draft(_order(status="checkout-draft"))
    assert not is_draft(_order(status="pending"))


# --- malformed ------------------------------------------------------------------------------


def _item(**changes: Any) -> dict[str, Any]:
    payload = sample("order.json")
    payload["line_items"][1].update(changes)
    return payload


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_order(id="727"), "'id'"),
        (_order(id=0), "'id'"),
        (_order(id=True), "'id'"),
        (_order(number=["727"]), "'number'"),
        (_order(date_created_gmt=None), "date_created_gmt"),
        (_order(date_created_gmt="22/03/2017 19:28"), "date_created_gmt"),
        (_order(total=None), "'total'"),
        (_order(total="twenty"), "'total'"),
        (_order(total="NaN"), "'total'"),
        (_order(total=True), "'total'"),
        (_order(currency="usd"), "currency"),
        (_order(currency=None), "currency"),
        (_order(billing="John"), "billing"),
        (_order(line_items={"0": {}}), "line_items"),
        (_order(line_items=["item"]), r"line_items\[0\]"),
        (_item(price=None), r"line_items\[1\]\.price"),
        (_item(total=""), r"line_items\[1\]\.total"),
        (_item(quantity="1"), r"line_items\[1\]\.quantity"),
        (_item(quantity=1.0), r"line_items\[1\]\.quantity"),
        (_item(name=None), r"line_items\[1\]\.name"),
        (_order(status="processing", refunds=[{"id": 1, "total": "minus ten"}]), r"refunds\[0\]\.total"),
        (_order(status="processing", refunds="none"), "refunds"),
    ],
)
def test_malformed_order_names_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field):
        map_order(payload)


def test_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(PlatformBadResponse, match="order"):
        map_order(["not", "an", "order"])  # type: ignore[arg-type]


def test_mapping_does_not_change_the_payload() -> None:
    payload = sample("order.json")
    before = copy.deepcopy(payload)
    map_order(payload)
    assert payload == before
