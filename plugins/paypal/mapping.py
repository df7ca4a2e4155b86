"""PayPal Orders v2 payloads (``GET /v2/checkout/orders/{id}``) → ``Order``; captures → their order.

``order_id`` is the Orders v2 id; ``order_number`` is what the seller sees in
PayPal's activity list, the transaction (capture) id, or the order id while
nothing is captured. Money is
``{currency_code, value}`` with ``value`` a decimal string; times are RFC 3339
in UTC (``2018-04-01T21:18:49Z``). The capture response (``Prefer:
return=minimal``) leaves out the order's ``create_time`` and each purchase
unit's ``amount``: then the payments' own times and amounts stand in for them.

The payment guard reads the captures (else the authorizations, else the order's
``status``, see ``payment_status``). ``platform_status`` is the order's ``status``
(CREATED, SAVED, APPROVED, VOIDED, COMPLETED, PAYER_ACTION_REQUIRED), or the first
capture's when the answer left the order's out; VOIDED is ``canceled``. Orders carry
no test flag: sandbox orders live on the sandbox host, and the connector marks a sandbox
store's orders ``test_order``.
Orders listed by time are found through Transaction Search rows but always read
here, from Orders v2: a row's ``transaction_status`` is never what is judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PayloadReader, PaymentStatus, clean, join

__all__ = ["ORDER_ID", "capture_order_id", "map_order", "payment_status"]

read = PayloadReader("PayPal")

ORDER_ID = re.compile(r"[A-Za-z0-9]{1,36}")
"""What an Orders v2 id (17 characters) or a transaction id (17 to 19) can look like, safe in a URL path."""

_QUANTITY = re.compile(r"[0-9]{1,10}")
_ORDER_LINK = re.compile(r"/v2/checkout/orders/(?P<id>[A-Za-z0-9]+)$")
_AUTHORIZATION_STATUS = {
    "CREATED": PaymentStatus.PENDING,  # authorized, not captured yet
    "PENDING": PaymentStatus.PENDING,
    "PARTIALLY_CAPTURED": PaymentStatus.PARTIALLY_PAID,
    "CAPTURED": PaymentStatus.PAID,
    "VOIDED": PaymentStatus.VOIDED,
    "DENIED": PaymentStatus.FAILED,
    "EXPIRED": PaymentStatus.FAILED,
}
_ORDER_STATUS = {
    "CREATED": PaymentStatus.PENDING,
    "SAVED": PaymentStatus.PENDING,
    "APPROVED": PaymentStatus.PENDING,
    "PAYER_ACTION_REQUIRED": PaymentStatus.PENDING,
    "COMPLETED": PaymentStatus.PAID,
    "VOIDED": PaymentStatus.VOIDED,
}


def map_order(payload: Mapping[str, Any]) -> Order:
    """Map an Orders v2 order (as ``GET /v2/checkout/orders/{id}`` or a ``checkout-order`` webhook resource)."""
    order = read.obj(payload, "order")
    order_id = read.text(order.get("id"), "id")
    units = [read.obj(unit, "purchase_units[]") for unit in read.list(order.get("purchase_units"), "purchase_units")]
    if not units:
        raise read.error(f"order {order_id} has no 'purchase_units'")
    return Order(
        order_id=order_id,
        order_number=_transaction_id(order) or order_id,
        placed_at=_placed_at(order),
        total=_total(units),
        payment_status=payment_status(order),
        platform_status=_status(order) or next(filter(None, map(_status, _payments(order, "captures"))), None),
        canceled=_status(order) == "VOIDED",
        buyer=_buyer(order),
        line_items=tuple(_line_item(item) for unit in units for item in read.optional_list(unit.get("items"), "items")),
        raw=order,
    )


def payment_status(order: Mapping[str, Any]) -> PaymentStatus:
    """From the captures when there are any, else the authorizations, else the order's own ``status``.

    Capture statuses: COMPLETED, PENDING, PARTIALLY_REFUNDED, REFUNDED, DECLINED, FAILED.
    Some captures completed and others declined or failed (several purchase units) is
    PARTIALLY_PAID. An order COMPLETED with no payment in the answer counts as paid.
    """
    captures = {_status(c) for c in _payments(order, "captures")}
    if captures:
        if captures == {"REFUNDED"}:
            return PaymentStatus.REFUNDED
        if captures & {"REFUNDED", "PARTIALLY_REFUNDED"}:
            return PaymentStatus.PARTIALLY_REFUNDED
        if "PENDING" in captures:
            return PaymentStatus.PENDING
        if "COMPLETED" in captures:
            return PaymentStatus.PARTIALLY_PAID if captures & {"DECLINED", "FAILED"} else PaymentStatus.PAID
        if captures <= {"DECLINED", "FAILED"}:
            return PaymentStatus.FAILED
        return PaymentStatus.UNKNOWN
    authorizations = [_status(a) for a in _payments(order, "authorizations")]
    if authorizations:
        return _AUTHORIZATION_STATUS.get(authorizations[-1], PaymentStatus.UNKNOWN)
    return _ORDER_STATUS.get(_status(order), PaymentStatus.UNKNOWN)


def capture_order_id(capture: Mapping[str, Any]) -> str | None:
    """The Orders v2 id a capture belongs to: ``supplementary_data.related_ids.order_id``, else its ``up`` link.

    ``None`` for a capture made without Orders v2 (a v1 Payments sale, a legacy checkout).
    """
    supplementary = read.optional_obj(capture.get("supplementary_data"), "supplementary_data")
    related = read.optional_obj(supplementary.get("related_ids"), "supplementary_data.related_ids")
    order_id = related.get("order_id")
    if order_id is None:
        links = [link for link in read.optional_list(capture.get("links"), "links") if isinstance(link, Mapping)]
        ups = [link["href"] for link in links if link.get("rel") == "up" and isinstance(link.get("href"), str)]
        order_id = next((match["id"] for href in ups if (match := _ORDER_LINK.search(href))), None)
    if order_id is not None and not (isinstance(order_id, str) and ORDER_ID.fullmatch(order_id)):
        raise read.error("capture field 'supplementary_data.related_ids.order_id' is not an order id")
    return order_id


def _placed_at(order: Mapping[str, Any]) -> datetime:
    """``create_time``, or the earliest payment's when the answer left it out."""
    if order.get("create_time") is not None:
        return read.time(order.get("create_time"), "create_time")
    times = [
        read.time(payment.get("create_time"), f"payments.{kind}[].create_time")
        for kind in ("authorizations", "captures")
        for payment in _payments(order, kind)
        if payment.get("create_time") is not None
    ]
    if not times:
        raise read.error("order field 'create_time' is missing")
    return min(times)


def _total(units: list[Mapping[str, Any]]) -> Money:
    """The sum of the purchase units' amounts (PayPal requires one currency per order)."""
    return _sum([_unit_amount(unit) for unit in units], "purchase_units[].amount")


def _unit_amount(unit: Mapping[str, Any]) -> Money:
    """``amount``, or the sum of the unit's captures when the answer left it out."""
    if unit.get("amount") is not None:
        return _money(unit, "amount", "purchase_units[].amount")
    field = "purchase_units[].payments.captures[].amount"
    payments = read.optional_obj(unit.get("payments"), "payments")
    captures = [read.obj(c, "captures[]") for c in read.optional_list(payments.get("captures"), "captures")]
    if not captures:
        raise read.error("order field 'purchase_units[].amount' is missing")
    return _sum([_money(capture, "amount", field) for capture in captures], field)


def _sum(amounts: list[Money], field: str) -> Money:
    currencies = {a.currency for a in amounts}
    if len(currencies) != 1:
        raise read.error(f"order field {field!r} mixes currencies {sorted(currencies)}")
    return Money(sum((a.amount for a in amounts), Decimal(0)), currencies.pop())


def _buyer(order: Mapping[str, Any]) -> Buyer:
    """``payment_source.paypal`` first (``payer`` is deprecated), then ``payer``, then any other payment source."""
    source = read.optional_obj(order.get("payment_source"), "payment_source")
    wallets = [read.optional_obj(source.get("paypal"), "paypal"), read.optional_obj(order.get("payer"), "payer")]
    wallets += [value for key, value in source.items() if key != "paypal" and isinstance(value, Mapping)]
    names = (_name(wallet.get("name")) for wallet in wallets)
    emails = (clean(wallet.get("email_address")) for wallet in wallets)
    return Buyer(name=next(filter(None, names), None), email=next(filter(None, emails), None))


def _name(value: Any) -> str | None:
    """A ``{given_name, surname}`` object or a full-name string (cards and local payment methods)."""
    if isinstance(value, Mapping):
        return clean(value.get("full_name")) or join(value.get("given_name"), value.get("surname"))
    return clean(value)


def _line_item(item: Any) -> LineItem:
    """``unit_amount`` times ``quantity`` (a whole-number string) is the line total, before the item's ``tax``."""
    item = read.obj(item, "purchase_units[].items[]")
    unit_price = _money(item, "unit_amount", "items[].unit_amount")
    quantity = item.get("quantity")
    if isinstance(quantity, str) and _QUANTITY.fullmatch(quantity):
        quantity = int(quantity)
    quantity = read.integer(quantity, "items[].quantity")
    return LineItem(
        name=read.text(item.get("name"), "items[].name"),
        sku=clean(item.get("sku")),
        quantity=quantity,
        unit_price=unit_price,
        total=Money(unit_price.amount * quantity, unit_price.currency),
    )


def _transaction_id(order: Mapping[str, Any]) -> str | None:
    """The first capture's id: the transaction id PayPal shows the seller."""
    for capture in _payments(order, "captures"):
        capture_id = capture.get("id")
        if isinstance(capture_id, str) and capture_id:
            return capture_id
    return None


def _payments(order: Mapping[str, Any], kind: str) -> Iterator[Mapping[str, Any]]:
    """Every capture (or authorization) of every purchase unit."""
    for unit in read.optional_list(order.get("purchase_units"), "purchase_units"):
        payments = read.optional_obj(read.obj(unit, "purchase_units[]").get("payments"), "payments")
        for payment in read.optional_list(payments.get(kind), kind):
            yield read.obj(payment, f"payments.{kind}[]")


def _status(obj: Mapping[str, Any]) -> str:
    status = obj.get("status")
    return status.upper() if isinstance(status, str) else ""


def _money(obj: Mapping[str, Any], key: str, field: str) -> Money:
    """A PayPal money object; the value must be a string, as PayPal sends it (never a float)."""
    money = read.obj(obj.get(key), field)
    currency = read.currency(money.get("currency_code"), f"{field}.currency_code")
    return read.money(money.get("value"), currency, f"{field}.value", accept=(str,))
