"""eBay Sell Fulfillment ``Order`` payloads (``getOrder``, ``getOrders``) → ``Order``.

Money is ``{"value": "75.28", "currency": "EUR"}`` with the value as a string;
``creationDate`` is ISO 8601 UTC with milliseconds (``2015-08-04T19:09:02.768Z``).
``orderId`` is the id Seller Hub shows (``12-34567-89012``). A line's
``lineItemCost`` is the unit price times the quantity, before discounts; its
``total`` is what the buyer pays for the line (item, delivery and taxes, less
discounts).

The payment guard reads ``orderPaymentStatus``, which is also the ``platform_status``
(``orderFulfillmentStatus`` says nothing about the money). ``cancelStatus.cancelState``
CANCELED is ``canceled``; IN_PROGRESS is a cancel request not yet granted. An order
carries no test flag: sandbox orders live on the sandbox host, and the connector marks a
sandbox store's orders ``test_order``.
"""

from __future__ import annotations

from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PayloadReader, PaymentStatus, clean

__all__ = ["map_order", "payment_status"]

read = PayloadReader("eBay")

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
    order = read.obj(payload, "order")
    buyer = read.optional_obj(order.get("buyer"), "buyer")
    contact = read.optional_obj(buyer.get("buyerRegistrationAddress"), "buyer.buyerRegistrationAddress")
    order_id = read.text(order.get("orderId"), "orderId")
    items = read.list(order.get("lineItems"), "lineItems")
    return Order(
        order_id=order_id,
        order_number=order_id,
        placed_at=read.time(order.get("creationDate"), "creationDate"),
        total=_money(read.obj(order.get("pricingSummary"), "pricingSummary").get("total"), "pricingSummary.total"),
        payment_status=payment_status(order.get("orderPaymentStatus")),
        platform_status=clean(order.get("orderPaymentStatus")),
        canceled=read.optional_obj(order.get("cancelStatus"), "cancelStatus").get("cancelState") == "CANCELED",
        buyer=Buyer(
            name=clean(contact.get("fullName")) or clean(buyer.get("username")),
            email=clean(contact.get("email")),
        ),
        line_items=tuple(_line_item(item, f"lineItems[{n}]") for n, item in enumerate(items)),
        raw=order,
    )


def _line_item(value: Any, field: str) -> LineItem:
    item = read.obj(value, field)
    quantity = read.integer(item.get("quantity"), f"{field}.quantity", minimum=1)
    cost = _money(item.get("lineItemCost"), f"{field}.lineItemCost")
    return LineItem(
        name=read.text(item.get("title"), f"{field}.title"),
        sku=clean(item.get("sku")),
        quantity=quantity,
        unit_price=Money(cost.amount / quantity, cost.currency),
        total=_money(item.get("total"), f"{field}.total"),
    )


def _money(value: Any, field: str) -> Money:
    """An ``Amount``: ``value`` (a decimal string) in ``currency``."""
    money = read.obj(value, field)
    currency = read.currency(money.get("currency"), f"{field}.currency")
    return read.money(money.get("value"), currency, f"{field}.value")
