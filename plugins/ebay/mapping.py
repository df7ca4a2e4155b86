"""eBay Sell Fulfillment ``Order`` payloads (``getOrder``, ``getOrders``) → ``Order``.

Money is ``{"value": "75.28", "currency": "EUR"}`` with the value as a string;
``creationDate`` is ISO 8601 UTC with milliseconds (``2015-08-04T19:09:02.768Z``).
``orderId`` is the id Seller Hub shows (``12-34567-89012``). A line's
``lineItemCost`` is the unit price times the quantity, before discounts; its
``total`` is what the buyer pays for the line (item, delivery and taxes, less
discounts).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse

__all__ = ["map_order", "payment_status"]

_PAYMENT_STATUS = {
    "PAID": PaymentStatus.PAID,
    "PENDING": PaymentStatus.PENDING,
    "FAILED": PaymentStatus.FAILED,
    "FULLY_REFUNDED": PaymentStatus.REFUNDED,
    "PARTIALLY_REFUNDED": PaymentStatus.PARTIALLY_REFUNDED,
}


def payment_status(value: object) -> PaymentStatus:
    """``orderPaymentStatus`` (``OrderPaymentStatusEnum``) in the contract's vocabulary."""
    return _PAYMENT_STATUS.get(value, PaymentStatus.UNKNOWN) if isinstance(value, str) else PaymentStatus.UNKNOWN


def map_order(payload: Any) -> Order:
    """Map one ``Order``; the buyer's name is ``buyerRegistrationAddress.fullName``, else their eBay username."""
    order = _object(payload, "order")
    buyer = _optional_object(order.get("buyer"), "buyer")
    contact = _optional_object(buyer.get("buyerRegistrationAddress"), "buyer.buyerRegistrationAddress")
    order_id = _text(order.get("orderId"), "orderId")
    items = order.get("lineItems")
    if not isinstance(items, list):
        raise PlatformBadResponse("eBay order field 'lineItems' is missing or not a list")
    return Order(
        order_id=order_id,
        order_number=order_id,
        placed_at=_time(order.get("creationDate"), "creationDate"),
        total=_money(_object(order.get("pricingSummary"), "pricingSummary").get("total"), "pricingSummary.total"),
        payment_status=payment_status(order.get("orderPaymentStatus")),
        buyer=Buyer(
            name=_clean(contact.get("fullName")) or _clean(buyer.get("username")),
            email=_clean(contact.get("email")),
        ),
        line_items=tuple(_line_item(item, f"lineItems[{n}]") for n, item in enumerate(items)),
        raw=order,
    )


def _line_item(value: Any, field: str) -> LineItem:
    item = _object(value, field)
    quantity = item.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise PlatformBadResponse(f"eBay order field '{field}.quantity' is not a positive integer")
    cost = _money(item.get("lineItemCost"), f"{field}.lineItemCost")
    return LineItem(
        name=_text(item.get("title"), f"{field}.title"),
        sku=_clean(item.get("sku")),
        quantity=quantity,
        unit_price=Money(cost.amount / quantity, cost.currency),
        total=_money(item.get("total"), f"{field}.total"),
    )


def _money(value: Any, field: str) -> Money:
    """An ``Amount``: ``value`` (a decimal string) in ``currency``."""
    money = _object(value, field)
    decimal, currency = _decimal(money.get("value")), money.get("currency")
    if decimal is None:
        raise PlatformBadResponse(f"eBay order field '{field}.value' is not a decimal amount")
    if not isinstance(currency, str):
        raise PlatformBadResponse(f"eBay order field '{field}.currency' is missing")
    try:
        return Money(decimal, currency)
    except ValueError:
        raise PlatformBadResponse(f"eBay order field '{field}.currency' is not an ISO 4217 code") from None


def _decimal(value: Any) -> Decimal | None:
    """A finite ``Decimal`` from a string or a JSON number (through ``str``, never float arithmetic)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        decimal = Decimal(str(value))
    except InvalidOperation:
        return None
    return decimal if decimal.is_finite() else None


def _time(value: Any, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise PlatformBadResponse(f"eBay order field {field!r} is not an ISO 8601 date-time with a time zone")
    return parsed


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlatformBadResponse(f"eBay order field {field!r} is missing or not an object")
    return value


def _optional_object(value: Any, field: str) -> Mapping[str, Any]:
    return {} if value is None else _object(value, field)


def _text(value: Any, field: str) -> str:
    text = _clean(value)
    if text is None:
        raise PlatformBadResponse(f"eBay order field {field!r} is missing or empty")
    return text


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None
