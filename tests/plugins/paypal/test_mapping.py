"""PayPal payloads → ``Order``: PayPal's documented samples, and what each field may look like."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.paypal.events import EventOrder, event_order, events_params, read_events
from plugins.paypal.mapping import capture_order_id, map_order, payment_status
from plugins.paypal.reporting import (
    checkout_payment_id,
    not_reported_yet,
    ranges,
    read_page,
    refreshed_at,
    search_params,
)
from server.platforms import Buyer, LineItem, Money, PaymentStatus, PlatformBadResponse
from tests.conftest import SAMPLES


def sample(name: str) -> Any:
    return json.loads((SAMPLES / "paypal" / name).read_text())


ORDER = sample("order.json")
ORDER_CAPTURED = sample("order-captured.json")
TRANSACTIONS = sample("transactions-page.json")
CAPTURE_EVENT = sample("webhook-payment-capture-completed.json")
EVENT_LIST = sample("webhook-events-list.json")

# Neither sample has items or a PayPal wallet source: this order adds them field by field as the Orders v2
# schema describes them (``purchase_units[].items[]`` with a string quantity, ``payment_source.paypal``).
ORDER_WITH_ITEMS = {
    **ORDER_CAPTURED,
    "create_time": "2018-04-01T21:18:49Z",
    "payment_source": {
        "paypal": {
            "name": {"given_name": "Jane", "surname": "Buyer"},
            "email_address": "jane@example.com",
            "account_id": "QYR5Z8XDVJNXQ",
        }
    },
    "purchase_units": [
        {
            **ORDER_CAPTURED["purchase_units"][0],
            "amount": {
                "currency_code": "USD",
                "value": "100.00",
                "breakdown": {"item_total": {"currency_code": "USD", "value": "90.00"}},
            },
            "items": [
                {
                    "name": "T-shirt",
                    "sku": "TS-1",
                    "quantity": "2",
                    "unit_amount": {"currency_code": "USD", "value": "30.00"},
                },
                {"name": "Mug", "quantity": "1", "unit_amount": {"currency_code": "USD", "value": "30.00"}},
            ],
        }
    ],
}


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


# --- the samples -----------------------------------------------------------------------------------


def test_show_order_details_sample() -> None:
    order = map_order(ORDER)

    assert (order.order_id, order.order_number) == ("5O190127TN364715T", "5O190127TN364715T")
    assert order.placed_at == datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC)
    assert order.placed_at.tzinfo is UTC
    assert order.total == usd("100.00")
    assert isinstance(order.total.amount, Decimal) and str(order.total.amount) == "100.00"
    assert order.payment_status is PaymentStatus.PENDING  # PAYER_ACTION_REQUIRED: the buyer has not paid yet
    assert order.buyer == Buyer(name="John Doe", email=None)  # payment_source.alipay.name is a full-name string
    assert order.line_items == ()
    assert order.raw == ORDER


def test_captured_order_sample_takes_time_and_total_from_its_capture() -> None:
    """The capture response leaves out ``create_time`` and ``purchase_units[].amount``."""
    order = map_order(ORDER_CAPTURED)

    assert order.order_id == "5O190127TN364715T"
    assert order.placed_at == datetime(2018, 4, 1, 21, 20, 49, tzinfo=UTC)
    assert order.total == usd("100.00")
    assert order.payment_status is PaymentStatus.PAID
    assert order.buyer == Buyer(name="John Doe", email="customer@example.com")  # the deprecated ``payer``


def test_items_and_paypal_wallet() -> None:
    order = map_order(ORDER_WITH_ITEMS)

    assert order.placed_at == datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC)
    assert order.buyer == Buyer(name="Jane Buyer", email="jane@example.com")  # payment_source.paypal before payer
    assert order.line_items == (
        LineItem(name="T-shirt", sku="TS-1", quantity=2, unit_price=usd("30.00"), total=usd("60.00")),
        LineItem(name="Mug", sku=None, quantity=1, unit_price=usd("30.00"), total=usd("30.00")),
    )


def test_purchase_units_add_up() -> None:
    second = {"reference_id": "B", "amount": {"currency_code": "USD", "value": "0.50"}}
    order = map_order({**ORDER, "purchase_units": [*ORDER["purchase_units"], second]})

    assert order.total == usd("100.50")


@pytest.mark.parametrize(("currency", "value"), [("JPY", "1500"), ("TND", "10.125"), ("USD", "0.99")])
def test_amounts_keep_their_exact_decimals(currency: str, value: str) -> None:
    unit = {"reference_id": "A", "amount": {"currency_code": currency, "value": value}}

    order = map_order({**ORDER, "purchase_units": [unit]})

    assert order.total == Money(Decimal(value), currency)
    assert str(order.total.amount) == value


def test_create_time_with_fraction_and_offset_is_utc() -> None:
    order = map_order({**ORDER, "create_time": "2024-05-14T11:11:54.338+02:00"})

    assert order.placed_at == datetime(2024, 5, 14, 9, 11, 54, 338000, tzinfo=UTC)
    assert order.placed_at.utcoffset() is not None and order.placed_at.tzinfo is UTC


# --- payment status --------------------------------------------------------------------------------


def with_payments(payments: dict[str, list[str]], status: str = "COMPLETED") -> dict[str, Any]:
    unit = {
        "reference_id": "A",
        "amount": {"currency_code": "USD", "value": "10.00"},
        "payments": {
            kind: [{"id": f"X{n}", "status": s} for n, s in enumerate(states)] for kind, states in payments.items()
        },
    }
    return {**ORDER, "status": status, "purchase_units": [unit]}


@pytest.mark.parametrize(
    ("payments", "expected"),
    [
        ({"captures": ["COMPLETED"]}, PaymentStatus.PAID),
        ({"captures": ["PENDING"]}, PaymentStatus.PENDING),
        ({"captures": ["COMPLETED", "PENDING"]}, PaymentStatus.PENDING),
        ({"captures": ["REFUNDED"]}, PaymentStatus.REFUNDED),
        ({"captures": ["REFUNDED", "COMPLETED"]}, PaymentStatus.PARTIALLY_REFUNDED),
        ({"captures": ["PARTIALLY_REFUNDED"]}, PaymentStatus.PARTIALLY_REFUNDED),
        ({"captures": ["DECLINED"]}, PaymentStatus.FAILED),
        ({"captures": ["FAILED", "DECLINED"]}, PaymentStatus.FAILED),
        ({"captures": ["SOMETHING_NEW"]}, PaymentStatus.UNKNOWN),
        ({"authorizations": ["CREATED"]}, PaymentStatus.PENDING),
        ({"authorizations": ["PARTIALLY_CAPTURED"], "captures": ["COMPLETED"]}, PaymentStatus.PAID),
        ({"authorizations": ["VOIDED"]}, PaymentStatus.VOIDED),
        ({"authorizations": ["DENIED"]}, PaymentStatus.FAILED),
        ({"authorizations": ["EXPIRED"]}, PaymentStatus.FAILED),
    ],
)
def test_payment_status_follows_the_payments(payments: dict[str, list[str]], expected: PaymentStatus) -> None:
    assert payment_status(with_payments(payments)) is expected
    assert map_order(with_payments(payments)).payment_status is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("CREATED", PaymentStatus.PENDING),
        ("APPROVED", PaymentStatus.PENDING),
        ("PAYER_ACTION_REQUIRED", PaymentStatus.PENDING),
        ("COMPLETED", PaymentStatus.PAID),
        ("VOIDED", PaymentStatus.VOIDED),
        ("NEW_STATUS", PaymentStatus.UNKNOWN),
    ],
)
def test_payment_status_without_payments_follows_the_order(status: str, expected: PaymentStatus) -> None:
    assert payment_status({**ORDER, "status": status}) is expected


# --- malformed orders --------------------------------------------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    order = copy.deepcopy(ORDER_WITH_ITEMS)
    change(order)
    return order


def unit(order: dict[str, Any]) -> dict[str, Any]:
    return order["purchase_units"][0]


MALFORMED = [
    pytest.param(lambda o: o.pop("id"), "'id'", id="no-id"),
    pytest.param(lambda o: o.update(id=5), "'id'", id="numeric-id"),
    pytest.param(lambda o: o.pop("purchase_units"), "'purchase_units'", id="no-purchase-units"),
    pytest.param(lambda o: o.update(purchase_units=[]), "purchase_units", id="empty-purchase-units"),
    pytest.param(lambda o: o.update(purchase_units=["A"]), "'purchase_units[]'", id="unit-not-object"),
    pytest.param(lambda o: unit(o)["amount"].update(value=100.0), "'purchase_units[].amount.value'", id="float-value"),
    pytest.param(lambda o: unit(o)["amount"].update(value="1,00"), "'purchase_units[].amount.value'", id="comma-value"),
    pytest.param(
        lambda o: unit(o)["amount"].update(currency_code="usd"),
        "'purchase_units[].amount.currency_code'",
        id="currency",
    ),
    pytest.param(lambda o: o.update(create_time="2018-04-01T21:18:49"), "'create_time'", id="naive-time"),
    pytest.param(lambda o: o.update(create_time="yesterday"), "'create_time'", id="not-a-time"),
    pytest.param(lambda o: unit(o)["items"][0].update(quantity="two"), "'items[].quantity'", id="quantity-word"),
    pytest.param(lambda o: unit(o)["items"][0].update(quantity=1.5), "'items[].quantity'", id="quantity-float"),
    pytest.param(lambda o: unit(o)["items"][0].pop("unit_amount"), "'items[].unit_amount'", id="no-unit-amount"),
    pytest.param(lambda o: unit(o)["items"][0].pop("name"), "'items[].name'", id="no-item-name"),
    pytest.param(lambda o: unit(o).update(items={"name": "x"}), "'items'", id="items-not-list"),
    pytest.param(lambda o: unit(o)["payments"].update(captures="all"), "'captures'", id="captures-not-list"),
    pytest.param(
        lambda o: o["purchase_units"].append({"amount": {"currency_code": "EUR", "value": "1.00"}}),
        "mixes currencies",
        id="mixed-currencies",
    ),
]


@pytest.mark.parametrize(("change", "field"), MALFORMED)
def test_malformed_orders_name_the_field(change: Any, field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field.replace("[", r"\[").replace("]", r"\]")):
        map_order(broken(change))


def test_order_without_any_creation_time_is_malformed() -> None:
    without = copy.deepcopy(ORDER_CAPTURED)
    del without["purchase_units"][0]["payments"]["captures"][0]["create_time"]

    with pytest.raises(PlatformBadResponse, match="'create_time' is missing"):
        map_order(without)


def test_unit_without_amount_or_captures_is_malformed() -> None:
    with pytest.raises(PlatformBadResponse, match=r"'purchase_units\[\].amount' is missing"):
        map_order({**ORDER, "purchase_units": [{"reference_id": "A"}]})


def test_payload_that_is_not_an_object_is_malformed() -> None:
    with pytest.raises(PlatformBadResponse, match="'order'"):
        map_order(["not", "an", "order"])  # type: ignore[arg-type]


# --- captures → orders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "order_id"),
    [
        ("webhook-payment-capture-completed.json", "89T257400V0473133"),
        ("webhook-payment-capture-completed-sdk-example.json", "10581139X0233013B"),
    ],
)
def test_a_capture_names_its_order(name: str, order_id: str) -> None:
    assert capture_order_id(sample(name)["resource"]) == order_id


def test_a_capture_without_related_ids_is_followed_by_its_up_link() -> None:
    capture = {k: v for k, v in CAPTURE_EVENT["resource"].items() if k != "supplementary_data"}

    assert capture_order_id(capture) == "89T257400V0473133"


def test_a_capture_made_without_orders_v2_has_no_order() -> None:
    capture = {"id": "29Y24445UY2083144", "status": "COMPLETED", "links": [{"rel": "self", "href": "https://x/y"}]}

    assert capture_order_id(capture) is None


@pytest.mark.parametrize("order_id", ["", "../../v1/oauth2/token", 89257400, "A B"])
def test_a_capture_naming_no_usable_order_id_is_malformed(order_id: Any) -> None:
    capture = {"id": "29Y24445UY2083144", "supplementary_data": {"related_ids": {"order_id": order_id}}}

    with pytest.raises(PlatformBadResponse, match=r"related_ids\.order_id"):
        capture_order_id(capture)


# --- Transaction Search rows -------------------------------------------------------------------------------


def test_transaction_search_sample() -> None:
    rows, pages = read_page(TRANSACTIONS)

    assert pages == 1
    assert [row["transaction_id"] for row in rows] == ["5TY05013RG002845M"]
    assert checkout_payment_id(rows[0]) == "5TY05013RG002845M"  # T0006, 465.00 USD received


def payment_row(**changes: Any) -> dict[str, Any]:
    return {**TRANSACTIONS["transaction_details"][0]["transaction_info"], **changes}


@pytest.mark.parametrize(
    "row",
    [
        payment_row(transaction_event_code="T1107"),  # a refund
        payment_row(transaction_event_code="T0400"),  # a withdrawal
        payment_row(transaction_event_code="T0007"),  # website payments standard: no Orders v2 order
        payment_row(transaction_amount={"currency_code": "USD", "value": "-465.00"}),  # the seller paid someone
        payment_row(transaction_amount={"currency_code": "USD", "value": "0.00"}),
    ],
)
def test_rows_that_are_not_checkout_payments_received(row: dict[str, Any]) -> None:
    assert checkout_payment_id(row) is None


@pytest.mark.parametrize("code", ["T0003", "T0005", "T0006"])
def test_checkout_payment_codes(code: str) -> None:
    assert checkout_payment_id(payment_row(transaction_event_code=code)) == "5TY05013RG002845M"


@pytest.mark.parametrize("amount", [None, {"currency_code": "USD"}, {"currency_code": "USD", "value": 465.0}])
def test_checkout_payment_without_a_decimal_amount_is_malformed(amount: Any) -> None:
    with pytest.raises(PlatformBadResponse, match=r"transaction_amount\.value"):
        checkout_payment_id(payment_row(transaction_amount=amount))


def test_empty_search_may_leave_out_the_rows() -> None:
    assert read_page({"page": 1, "total_items": 0, "total_pages": 0, "links": []}) == ([], 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (["a", "list"], "not an object"),
        ({"transaction_details": []}, "'total_pages'"),
        ({"transaction_details": [], "total_pages": "1"}, "'total_pages'"),
        ({"transaction_details": {}, "total_pages": 1}, "'transaction_details'"),
        ({"transaction_details": [{"payer_info": {}}], "total_pages": 1}, "transaction_info"),
        ({"transaction_details": [{"transaction_info": {}}], "total_pages": 1}, "transaction_id"),
        (
            {"transaction_details": [{"transaction_info": {"transaction_id": "../x"}}], "total_pages": 1},
            "transaction_id",
        ),
    ],
)
def test_malformed_search_pages_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(PlatformBadResponse, match=field):
        read_page(body)


def test_search_query_is_whole_seconds_in_utc_and_keeps_the_end_inclusive() -> None:
    start = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    end = datetime(2024, 5, 1, 16, 0, 0, 500000, tzinfo=UTC)

    assert search_params(start, end, 2) == {
        "start_date": "2024-05-01T10:00:00Z",
        "end_date": "2024-05-01T16:00:01Z",
        "fields": "all",
        "page_size": "500",
        "page": "2",
    }


def test_long_windows_are_searched_in_ranges_of_31_days() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)

    assert list(ranges(start, datetime(2024, 3, 10, tzinfo=UTC))) == [
        (start, datetime(2024, 2, 1, tzinfo=UTC)),
        (datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 3, tzinfo=UTC)),
        (datetime(2024, 3, 3, tzinfo=UTC), datetime(2024, 3, 10, tzinfo=UTC)),
    ]
    assert list(ranges(start, start)) == [(start, start)]


def test_the_search_reaches_as_far_as_its_last_refresh() -> None:
    assert refreshed_at(TRANSACTIONS) == datetime(2017, 1, 2, 6, 59, 59, tzinfo=UTC)  # "2017-01-02T06:59:59+0000"
    assert refreshed_at({"last_refreshed_datetime": "2024-05-01T09:30:00-07:00"}) == datetime(
        2024, 5, 1, 16, 30, tzinfo=UTC
    )
    assert refreshed_at({"transaction_details": []}) is None


@pytest.mark.parametrize("value", ["yesterday", "2024-05-01T09:30:00", 1714555800, ""])
def test_a_last_refresh_that_is_no_date_time_is_malformed(value: Any) -> None:
    with pytest.raises(PlatformBadResponse, match="'last_refreshed_datetime'"):
        refreshed_at({"last_refreshed_datetime": value})


def test_the_answer_for_a_start_date_not_reported_yet() -> None:
    """As PayPal answered it in paypal/PayPal-node-SDK#452."""
    answer = {
        "debug_id": "4a924c46669da",
        "name": "INVALID_REQUEST",
        "details": [],
        "links": [],
        "message": "Data for the given start date is not available.",
    }

    assert not_reported_yet(answer)
    assert not not_reported_yet({**answer, "message": "Request is not well-formed, syntactically incorrect."})
    assert not not_reported_yet({"name": "INVALID_REQUEST"})
    assert not not_reported_yet("Data for the given start date is not available.")


# --- the webhook event list --------------------------------------------------------------------------------


def test_event_list_sample() -> None:
    events, following = read_events(EVENT_LIST)

    assert following is None
    assert [event["id"] for event in events] == ["WH-6MU909868L179220L-65239480AR672041G"]
    # a capture listed REFUNDED (its state now) still made its order known when it completed
    assert event_order(events[0]) == EventOrder("64E64612G5802414N")


@pytest.mark.parametrize(
    "name", ["webhook-payment-capture-completed.json", "webhook-payment-capture-completed-sdk-example.json"]
)
def test_capture_events_name_their_order(name: str) -> None:
    event = sample(name)

    assert event_order(event) == EventOrder(event["resource"]["supplementary_data"]["related_ids"]["order_id"])


def test_an_approved_order_event_says_when_the_order_was_created_and_is_read_for_the_rest() -> None:
    resource = {**ORDER, "status": "APPROVED"}
    event = {**CAPTURE_EVENT, "event_type": "CHECKOUT.ORDER.APPROVED", "resource_type": "checkout-order"}

    found = event_order({**event, "resource": resource})

    assert found == EventOrder("5O190127TN364715T", None, datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC))


def test_a_completed_order_event_carries_the_whole_order() -> None:
    event = {**CAPTURE_EVENT, "event_type": "CHECKOUT.ORDER.COMPLETED", "resource_type": "checkout-order"}

    found = event_order({**event, "resource": ORDER_WITH_ITEMS})

    assert found is not None and found.order == map_order(ORDER_WITH_ITEMS)
    assert found.placed_at == datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC)


@pytest.mark.parametrize(
    "resource",
    [
        pytest.param(ORDER_CAPTURED, id="no-create-time"),  # the capture answer: its payment's time is no creation
        pytest.param(
            {**ORDER_CAPTURED, "create_time": "2018-04-01T21:18:49Z"}, id="no-unit-amount"
        ),  # totalled by its captures
        pytest.param({**ORDER, "create_time": "2018-04-01T21:18:49Z", "purchase_units": []}, id="no-units"),
        pytest.param({**ORDER, "purchase_units": [{"amount": {"value": 100}}]}, id="unreadable-amount"),
    ],
)
def test_a_completed_order_event_that_cannot_stand_for_the_order_has_it_read(resource: dict[str, Any]) -> None:
    event = {**CAPTURE_EVENT, "event_type": "CHECKOUT.ORDER.COMPLETED", "resource": resource}

    found = event_order(event)

    assert found is not None and (found.order_id, found.order) == ("5O190127TN364715T", None)


@pytest.mark.parametrize(
    ("topic", "resource"),
    [
        ("PAYMENT.CAPTURE.REFUNDED", {"id": "1JU08902781691411", "status": "COMPLETED"}),
        ("PAYMENT.CAPTURE.REVERSED", CAPTURE_EVENT["resource"]),
        ("PAYMENT.CAPTURE.DENIED", CAPTURE_EVENT["resource"]),
        ("CUSTOMER.DISPUTE.CREATED", "not even an object"),
        ("CHECKOUT.ORDER.SAVED", ORDER),
    ],
)
def test_events_that_make_no_order_known(topic: str, resource: Any) -> None:
    assert event_order({**CAPTURE_EVENT, "event_type": topic, "resource": resource}) is None


def test_a_capture_made_without_orders_v2_makes_no_order_known() -> None:
    resource = {k: v for k, v in CAPTURE_EVENT["resource"].items() if k not in ("supplementary_data", "links")}

    assert event_order({**CAPTURE_EVENT, "resource": resource}) is None


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({**CAPTURE_EVENT, "resource": None}, "no 'resource' object"),
        ({**CAPTURE_EVENT, "event_type": "CHECKOUT.ORDER.APPROVED", "resource": {"id": "../x"}}, "no order 'id'"),
        (
            {**CAPTURE_EVENT, "resource": {"supplementary_data": {"related_ids": {"order_id": "A B"}}}},
            r"WH-2CL46544TB770421K-5VB92446WP7345818.*related_ids\.order_id",
        ),
    ],
)
def test_an_order_event_that_cannot_be_read_is_malformed(event: dict[str, Any], message: str) -> None:
    with pytest.raises(PlatformBadResponse, match=message):
        event_order(event)


def test_the_next_page_is_the_query_of_the_next_link() -> None:
    href = (
        "https://api.sandbox.paypal.com/v1/notifications/webhooks-events/?page_size=300"
        "&start_time=2024-05-01T10%3A00%3A00%2B00%3A00&move_to=next&index_id=65239480AR672041G"
    )
    body = {**EVENT_LIST, "links": [{"href": href, "rel": "next", "method": "GET"}]}

    # sent as PayPal encoded it (":" needs no escaping in a query); a "+" encoded stays encoded
    assert (
        read_events(body)[1]
        == "page_size=300&start_time=2024-05-01T10:00:00%2B00:00&move_to=next&index_id=65239480AR672041G"
    )
    assert read_events({"count": 0}) == ([], None)


@pytest.mark.parametrize(
    "href",
    [
        "https://api-m.paypal.com/v1/notifications/webhooks-events",
        "https://api-m.paypal.com/v1/notifications/webhooks-events-other?page_size=1",
        "https://api-m.paypal.com/v1/oauth2/token?grant_type=client_credentials",
        42,
    ],
)
def test_a_next_link_elsewhere_is_malformed(href: Any) -> None:
    with pytest.raises(PlatformBadResponse, match="'next' link"):
        read_events({"events": [], "links": [{"href": href, "rel": "next"}]})


def test_event_list_query_is_whole_seconds_in_utc_and_keeps_the_end_inclusive() -> None:
    start = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    end = datetime(2024, 5, 1, 16, 0, 0, 500000, tzinfo=UTC)

    assert events_params(start, end) == {
        "page_size": "300",
        "start_time": "2024-05-01T10:00:00Z",
        "end_time": "2024-05-01T16:00:01Z",
    }
