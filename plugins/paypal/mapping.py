"""PayPal Orders v2 payloads (``GET /v2/checkout/orders/{id}``) → ``Order``; captures → their order.

``order_id`` is the Orders v2 id; ``order_number`` is what the seller sees in
PayPal's activity list, the transaction (capture) id, or the order id while
nothing is captured. Money is
``{currency_code, value}`` with ``value`` a decimal string; times are RFC 3339
in UTC (``2018-04-01T21:18:49Z``). The capture response (``Prefer:
return=minimal``) leaves out the order's ``create_time`` and each purchase
unit's ``amount``: then the payments' own times and amounts stand in for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse

__all__ = ["ORDER_ID", "capture_order_id", "map_order", "payment_status"]

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
    order = _object(payload, "order")
    order_id = _text(order, "id")
    units = [_object(unit, "purchase_units[]") for unit in _list(order, "purchase_units")]
    if not units:
        raise PlatformBadResponse(f"PayPal order {order_id} has no 'purchase_units'")
    return Order(
        order_id=order_id,
        order_number=_transaction_id(order) or order_id,
        placed_at=_placed_at(order),
        total=_total(units),
        payment_status=payment_status(order),
        buyer=_buyer(order),
        line_items=tuple(_line_item(item) for unit in units for item in _optional_list(unit, "items")),
        raw=order,
    )


def payment_status(order: Mapping[str, Any]) -> PaymentStatus:
    """From the captures when there are any, else the authorizations, else the order's own ``status``.

    Capture statuses: COMPLETED, PENDING, PARTIALLY_REFUNDED, REFUNDED, DECLINED, FAILED.
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
            return PaymentStatus.PAID
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
    related = _optional_object(_optional_object(capture, "supplementary_data"), "related_ids")
    order_id = related.get("order_id")
    if order_id is None:
        links = [link for link in _optional_list(capture, "links") if isinstance(link, Mapping)]
        ups = [link["href"] for link in links if link.get("rel") == "up" and isinstance(link.get("href"), str)]
        order_id = next((match["id"] for href in ups if (match := _ORDER_LINK.search(href))), None)
    if order_id is not None and not (isinstance(order_id, str) and ORDER_ID.fullmatch(order_id)):
        raise PlatformBadResponse("PayPal capture field 'supplementary_data.related_ids.order_id' is not an order id")
    return order_id


def _placed_at(order: Mapping[str, Any]) -> datetime:
    """``create_time``, or the earliest payment's when the answer left it out."""
    if order.get("create_time") is not None:
        return _time(order, "create_time")
    times = [
        _time(payment, "create_time", f"payments.{kind}[].create_time")
        for kind in ("authorizations", "captures")
        for payment in _payments(order, kind)
        if payment.get("create_time") is not None
    ]
    if not times:
        raise PlatformBadResponse("PayPal order field 'create_time' is missing")
    return min(times)


def _total(units: list[Mapping[str, Any]]) -> Money:
    """The sum of the purchase units' amounts (PayPal requires one currency per order)."""
    return _sum([_unit_amount(unit) for unit in units], "purchase_units[].amount")


def _unit_amount(unit: Mapping[str, Any]) -> Money:
    """``amount``, or the sum of the unit's captures when the answer left it out."""
    if unit.get("amount") is not None:
        return _money(unit, "amount", "purchase_units[].amount")
    field = "purchase_units[].payments.captures[].amount"
    captures = [_object(c, "captures[]") for c in _optional_list(_optional_object(unit, "payments"), "captures")]
    if not captures:
        raise PlatformBadResponse("PayPal order field 'purchase_units[].amount' is missing")
    return _sum([_money(capture, "amount", field) for capture in captures], field)


def _sum(amounts: list[Money], field: str) -> Money:
    currencies = {a.currency for a in amounts}
    if len(currencies) != 1:
        raise PlatformBadResponse(f"PayPal order field {field!r} mixes currencies {sorted(currencies)}")
    return Money(sum((a.amount for a in amounts), Decimal(0)), currencies.pop())


def _buyer(order: Mapping[str, Any]) -> Buyer:
    """``payment_source.paypal`` first (``payer`` is deprecated), then ``payer``, then any other payment source."""
    source = _optional_object(order, "payment_source")
    wallets = [_optional_object(source, "paypal"), _optional_object(order, "payer")]
    wallets += [value for key, value in source.items() if key != "paypal" and isinstance(value, Mapping)]
    names = (_name(wallet.get("name")) for wallet in wallets)
    emails = (_clean(wallet.get("email_address")) for wallet in wallets)
    return Buyer(name=next(filter(None, names), None), email=next(filter(None, emails), None))


def _name(value: Any) -> str | None:
    """A ``{given_name, surname}`` object or a full-name string (cards and local payment methods)."""
    if isinstance(value, Mapping):
        return _clean(value.get("full_name")) or _join(value.get("given_name"), value.get("surname"))
    return _clean(value)


def _line_item(item: Any) -> LineItem:
    """``unit_amount`` times ``quantity`` (a whole-number string) is the line total, before the item's ``tax``."""
    item = _object(item, "purchase_units[].items[]")
    unit_price = _money(item, "unit_amount", "items[].unit_amount")
    quantity = item.get("quantity")
    if isinstance(quantity, str) and _QUANTITY.fullmatch(quantity):
        quantity = int(quantity)
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise PlatformBadResponse("PayPal order field 'items[].quantity' is not a whole number")
    return LineItem(
        name=_text(item, "name", "items[].name"),
        sku=_clean(item.get("sku")),
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
    for unit in _optional_list(order, "purchase_units"):
        payments = _optional_object(_object(unit, "purchase_units[]"), "payments")
        for payment in _optional_list(payments, kind):
            yield _object(payment, f"payments.{kind}[]")


def _status(obj: Mapping[str, Any]) -> str:
    status = obj.get("status")
    return status.upper() if isinstance(status, str) else ""


def _money(obj: Mapping[str, Any], key: str, field: str) -> Money:
    """A PayPal money object; the value must be a string, as PayPal sends it (never a float)."""
    money = _object(obj.get(key), field)
    value, currency = money.get("value"), money.get("currency_code")
    if not isinstance(value, str):
        raise PlatformBadResponse(f"PayPal field '{field}.value' is not a decimal string")
    if not isinstance(currency, str):
        raise PlatformBadResponse(f"PayPal field '{field}.currency_code' is missing")
    try:
        return Money(Decimal(value), currency)
    except (InvalidOperation, ValueError) as exc:
        raise PlatformBadResponse(f"PayPal field {field!r} is not a valid amount and currency") from exc


def _time(obj: Mapping[str, Any], key: str, field: str | None = None) -> datetime:
    value = obj.get(key)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise PlatformBadResponse(f"PayPal order field {field or key!r} is not a date-time with an offset")
    return parsed


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlatformBadResponse(f"PayPal field {field!r} is missing or not an object")
    return value


def _optional_object(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    return {} if value is None else _object(value, key)


def _list(obj: Mapping[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise PlatformBadResponse(f"PayPal field {key!r} is missing or not a list")
    return value


def _optional_list(obj: Mapping[str, Any], key: str) -> list[Any]:
    return [] if obj.get(key) is None else _list(obj, key)


def _text(obj: Mapping[str, Any], key: str, field: str | None = None) -> str:
    value = _clean(obj.get(key))
    if value is None:
        raise PlatformBadResponse(f"PayPal field {field or key!r} is missing or empty")
    return value


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _join(*parts: Any) -> str | None:
    return " ".join(p for p in map(_clean, parts) if p) or None
