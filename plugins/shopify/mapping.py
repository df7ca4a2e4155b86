"""Shopify order payloads (GraphQL Admin ``Order`` nodes, REST/webhook order JSON) → ``Order``.

The payment guard reads ``displayFinancialStatus`` (REST ``financial_status``, lower case):
``platform_status`` is that word as sent; a cancellation does not change it (Shopify keeps
e.g. PAID or VOIDED on a cancelled order), so ``canceled`` comes from ``cancelledAt`` /
``cancelled_at`` alone. AUTHORIZED money is not captured yet (PENDING); EXPIRED is an
authorization that lapsed uncaptured (FAILED). ``test`` marks an order paid with the
Bogus gateway or a payment provider's test mode.

Amounts are the shop-currency values (``shopMoney`` / ``shop_money``). Ids are
taken from the GraphQL gid or ``legacyResourceId`` (a string): REST and webhook
JSON numbers may have lost precision in transit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PayloadReader, PaymentStatus, clean, join

__all__ = ["map_graphql_order", "map_rest_order", "order_gid", "order_with_line_items", "payment_status"]

read = PayloadReader("Shopify")

_ORDER_GID = re.compile(r"gid://shopify/Order/([0-9]+)")

_PAYMENT_STATUS = {
    "PAID": PaymentStatus.PAID,
    "PENDING": PaymentStatus.PENDING,
    "AUTHORIZED": PaymentStatus.PENDING,
    "PARTIALLY_PAID": PaymentStatus.PARTIALLY_PAID,
    "PARTIALLY_REFUNDED": PaymentStatus.PARTIALLY_REFUNDED,
    "REFUNDED": PaymentStatus.REFUNDED,
    "VOIDED": PaymentStatus.VOIDED,
    "EXPIRED": PaymentStatus.FAILED,
}


def order_gid(order_id: str) -> str:
    return f"gid://shopify/Order/{order_id}"


def order_with_line_items(order: Mapping[str, Any], items: list[Any]) -> dict[str, Any]:
    """An order node holding all its line items as ``lineItems.nodes``: what a page and its follow-up
    line-item queries give, or a bulk file's order line and its child lines, in one shape."""
    node = {key: value for key, value in order.items() if key != "lineItems"}
    node["lineItems"] = {"nodes": items}
    return node


def payment_status(value: object) -> PaymentStatus:
    """``displayFinancialStatus`` (GraphQL) or ``financial_status`` (REST), in either case."""
    if not isinstance(value, str):
        return PaymentStatus.UNKNOWN
    return _PAYMENT_STATUS.get(value.upper(), PaymentStatus.UNKNOWN)


def map_graphql_order(node: Mapping[str, Any]) -> Order:
    """Map an ``Order`` node selected as in ``queries.ORDER_QUERY`` (line items as ``nodes`` or ``edges``)."""
    node = read.obj(node, "order")
    legacy_id = node.get("legacyResourceId")
    if isinstance(legacy_id, str) and legacy_id.isascii() and legacy_id.isdigit():
        order_id = legacy_id
    else:
        order_id = _id_from_gid(read.text(node.get("id"), "id"), "id")
    customer = read.optional_obj(node.get("customer"), "customer")
    billing = read.optional_obj(node.get("billingAddress"), "billingAddress")
    name = join(customer.get("firstName"), customer.get("lastName")) or clean(customer.get("displayName"))
    return Order(
        order_id=order_id,
        order_number=read.text(node.get("name"), "name"),
        placed_at=read.time(node.get("createdAt"), "createdAt"),
        total=_graphql_money(node, "totalPriceSet"),
        payment_status=payment_status(node.get("displayFinancialStatus")),
        platform_status=clean(node.get("displayFinancialStatus")),
        canceled=node.get("cancelledAt") is not None,
        test_order=node.get("test") is True,
        buyer=Buyer(
            name=name or clean(billing.get("name")),
            email=clean(node.get("email")) or clean(customer.get("email")),
        ),
        line_items=tuple(_graphql_line_item(item) for item in _connection_nodes(node, "lineItems")),
        raw=node,
    )


def map_rest_order(payload: Mapping[str, Any]) -> Order:
    """Map a REST Admin order or an ``orders/create`` webhook body (with or without the ``{"order": …}`` envelope)."""
    order = read.obj(payload, "payload")
    if set(order) == {"order"}:
        order = read.obj(order["order"], "order")
    currency = order.get("currency")
    customer = read.optional_obj(order.get("customer"), "customer")
    billing = read.optional_obj(order.get("billing_address"), "billing_address")
    name = join(customer.get("first_name"), customer.get("last_name"))
    billing_name = clean(billing.get("name")) or join(billing.get("first_name"), billing.get("last_name"))
    items = read.list(order.get("line_items", []), "line_items")
    return Order(
        order_id=_rest_order_id(order),
        order_number=read.text(order.get("name"), "name"),
        placed_at=read.time(order.get("created_at"), "created_at"),
        total=_rest_money(order, "total_price", currency),
        payment_status=payment_status(order.get("financial_status")),
        platform_status=clean(order.get("financial_status")),
        canceled=order.get("cancelled_at") is not None,
        test_order=order.get("test") is True,
        buyer=Buyer(
            name=name or billing_name,
            email=clean(order.get("email")) or clean(order.get("contact_email")) or clean(customer.get("email")),
        ),
        line_items=tuple(_rest_line_item(read.obj(item, "line_items[]"), currency) for item in items),
        raw=order,
    )


def _graphql_line_item(item: Any) -> LineItem:
    item = read.obj(item, "lineItems.nodes[]")
    total_field = "discountedTotalSet" if item.get("discountedTotalSet") is not None else "originalTotalSet"
    return LineItem(
        name=read.text(item.get("name"), "lineItems.nodes[].name"),
        sku=clean(item.get("sku")),
        quantity=read.integer(item.get("quantity"), "lineItems.nodes[].quantity"),
        unit_price=_graphql_money(item, "originalUnitPriceSet"),
        total=_graphql_money(item, total_field),
    )


def _rest_line_item(item: Mapping[str, Any], currency: Any) -> LineItem:
    """The total is price × quantity less the line's own discount, as GraphQL's ``discountedTotalSet``."""
    unit_price = _rest_money(item, "price", currency)
    quantity = read.integer(item.get("quantity"), "line_items[].quantity")
    discount = (
        _rest_money(item, "total_discount", currency)
        if "total_discount" in item or "total_discount_set" in item
        else Money(Decimal(0), unit_price.currency)
    )
    if discount.currency != unit_price.currency:
        raise read.error("field 'line_items[].total_discount' is not in the currency of its 'price'")
    return LineItem(
        name=clean(item.get("name")) or read.text(item.get("title"), "line_items[].title"),
        sku=clean(item.get("sku")),
        quantity=quantity,
        unit_price=unit_price,
        total=Money(unit_price.amount * quantity - discount.amount, unit_price.currency),
    )


def _rest_order_id(order: Mapping[str, Any]) -> str:
    gid = order.get("admin_graphql_api_id")
    if gid is not None:
        return _id_from_gid(gid, "admin_graphql_api_id")
    raw_id = order.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id > 0:
        return str(raw_id)
    if isinstance(raw_id, str) and raw_id.isascii() and raw_id.isdigit():
        return raw_id
    raise read.error("order has no usable 'admin_graphql_api_id' or 'id'")


def _id_from_gid(value: Any, field: str) -> str:
    match = _ORDER_GID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise read.error(f"field {field!r} is not an order gid")
    return match.group(1)


def _graphql_money(obj: Mapping[str, Any], field: str) -> Money:
    money = read.obj(read.obj(obj.get(field), field).get("shopMoney"), f"{field}.shopMoney")
    return _money(money.get("amount"), money.get("currencyCode"), f"{field}.shopMoney")


def _rest_money(obj: Mapping[str, Any], field: str, currency: Any) -> Money:
    """``<field>_set.shop_money`` when present, else the ``<field>`` string in the order's ``currency``."""
    money_set = obj.get(f"{field}_set")
    if money_set is not None:
        money = read.obj(read.obj(money_set, f"{field}_set").get("shop_money"), f"{field}_set.shop_money")
        return _money(money.get("amount"), money.get("currency_code"), f"{field}_set.shop_money")
    return _money(obj.get(field), currency, field)


def _money(amount: Any, currency: Any, field: str) -> Money:
    """Amounts are decimal strings: a JSON float is refused (it may have lost digits on the way)."""
    return read.money(amount, currency, field, accept=(str, int))


def _connection_nodes(obj: Mapping[str, Any], field: str) -> list[Any]:
    connection = read.obj(obj.get(field), field)
    if isinstance(connection.get("nodes"), list):
        return list(connection["nodes"])
    edges = connection.get("edges")
    if isinstance(edges, list):
        return [read.obj(edge, f"{field}.edges[]").get("node") for edge in edges]
    raise read.error(f"field {field!r} has neither 'nodes' nor 'edges'")
