"""Shopify order payloads (GraphQL Admin ``Order`` nodes, REST/webhook order JSON) → ``Order``.

Amounts are the shop-currency values (``shopMoney`` / ``shop_money``). Ids are
taken from the GraphQL gid or ``legacyResourceId`` (a string): REST and webhook
JSON numbers may have lost precision in transit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from server.platforms import Buyer, LineItem, Money, Order, PaymentStatus, PlatformBadResponse

__all__ = ["map_graphql_order", "map_rest_order", "order_gid", "payment_status"]

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


def payment_status(value: object) -> PaymentStatus:
    """``displayFinancialStatus`` (GraphQL) or ``financial_status`` (REST), in either case."""
    if not isinstance(value, str):
        return PaymentStatus.UNKNOWN
    return _PAYMENT_STATUS.get(value.upper(), PaymentStatus.UNKNOWN)


def map_graphql_order(node: Mapping[str, Any]) -> Order:
    """Map an ``Order`` node selected as in ``queries.ORDER_QUERY`` (line items as ``nodes`` or ``edges``)."""
    node = _object(node, "order")
    legacy_id = node.get("legacyResourceId")
    if isinstance(legacy_id, str) and legacy_id.isascii() and legacy_id.isdigit():
        order_id = legacy_id
    else:
        order_id = _id_from_gid(_text(node, "id"), "id")
    customer = _optional_object(node, "customer")
    billing = _optional_object(node, "billingAddress")
    name = _join(customer.get("firstName"), customer.get("lastName")) or _clean(customer.get("displayName"))
    return Order(
        order_id=order_id,
        order_number=_text(node, "name"),
        placed_at=_time(node, "createdAt"),
        total=_graphql_money(node, "totalPriceSet"),
        payment_status=payment_status(node.get("displayFinancialStatus")),
        buyer=Buyer(
            name=name or _clean(billing.get("name")),
            email=_clean(node.get("email")) or _clean(customer.get("email")),
        ),
        line_items=tuple(_graphql_line_item(item) for item in _connection_nodes(node, "lineItems")),
        raw=node,
    )


def map_rest_order(payload: Mapping[str, Any]) -> Order:
    """Map a REST Admin order or an ``orders/create`` webhook body (with or without the ``{"order": …}`` envelope)."""
    order = _object(payload, "payload")
    if set(order) == {"order"}:
        order = _object(order["order"], "order")
    currency = order.get("currency")
    customer = _optional_object(order, "customer")
    billing = _optional_object(order, "billing_address")
    name = _join(customer.get("first_name"), customer.get("last_name"))
    billing_name = _clean(billing.get("name")) or _join(billing.get("first_name"), billing.get("last_name"))
    items = order.get("line_items", [])
    if not isinstance(items, list):
        raise PlatformBadResponse("Shopify order field 'line_items' is not a list")
    return Order(
        order_id=_rest_order_id(order),
        order_number=_text(order, "name"),
        placed_at=_time(order, "created_at"),
        total=_rest_money(order, "total_price", currency),
        payment_status=payment_status(order.get("financial_status")),
        buyer=Buyer(
            name=name or billing_name,
            email=_clean(order.get("email")) or _clean(order.get("contact_email")) or _clean(customer.get("email")),
        ),
        line_items=tuple(_rest_line_item(_object(item, "line_items[]"), currency) for item in items),
        raw=order,
    )


def _graphql_line_item(item: Any) -> LineItem:
    item = _object(item, "lineItems.nodes[]")
    total_field = "discountedTotalSet" if item.get("discountedTotalSet") is not None else "originalTotalSet"
    return LineItem(
        name=_text(item, "name"),
        sku=_clean(item.get("sku")),
        quantity=_quantity(item),
        unit_price=_graphql_money(item, "originalUnitPriceSet"),
        total=_graphql_money(item, total_field),
    )


def _rest_line_item(item: Mapping[str, Any], currency: Any) -> LineItem:
    """The total is price × quantity less the line's own discount, as GraphQL's ``discountedTotalSet``."""
    unit_price = _rest_money(item, "price", currency)
    quantity = _quantity(item)
    discount = (
        _rest_money(item, "total_discount", currency)
        if "total_discount" in item or "total_discount_set" in item
        else Money(Decimal(0), unit_price.currency)
    )
    if discount.currency != unit_price.currency:
        raise PlatformBadResponse("Shopify line item 'total_discount' is not in the currency of its 'price'")
    return LineItem(
        name=_clean(item.get("name")) or _text(item, "title"),
        sku=_clean(item.get("sku")),
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
    raise PlatformBadResponse("Shopify order has no usable 'admin_graphql_api_id' or 'id'")


def _id_from_gid(value: Any, field: str) -> str:
    match = _ORDER_GID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise PlatformBadResponse(f"Shopify order field {field!r} is not an order gid")
    return match.group(1)


def _graphql_money(obj: Mapping[str, Any], field: str) -> Money:
    money = _object(_object(obj.get(field), field).get("shopMoney"), f"{field}.shopMoney")
    return _money(money.get("amount"), money.get("currencyCode"), f"{field}.shopMoney")


def _rest_money(obj: Mapping[str, Any], field: str, currency: Any) -> Money:
    """``<field>_set.shop_money`` when present, else the ``<field>`` string in the order's ``currency``."""
    money_set = obj.get(f"{field}_set")
    if money_set is not None:
        money = _object(_object(money_set, f"{field}_set").get("shop_money"), f"{field}_set.shop_money")
        return _money(money.get("amount"), money.get("currency_code"), f"{field}_set.shop_money")
    return _money(obj.get(field), currency, field)


def _money(amount: Any, currency: Any, field: str) -> Money:
    if not isinstance(amount, (str, int)) or isinstance(amount, bool):
        raise PlatformBadResponse(f"Shopify field {field!r} has no decimal amount")
    try:
        return Money(Decimal(amount), currency)
    except (InvalidOperation, ValueError) as exc:
        raise PlatformBadResponse(f"Shopify field {field!r} is not a valid amount and currency") from exc


def _time(obj: Mapping[str, Any], field: str) -> datetime:
    value = obj.get(field)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise PlatformBadResponse(f"Shopify order field {field!r} is not a date-time with an offset")
    return parsed


def _quantity(item: Mapping[str, Any]) -> int:
    quantity = item.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise PlatformBadResponse("Shopify line item field 'quantity' is not an integer")
    return quantity


def _connection_nodes(obj: Mapping[str, Any], field: str) -> list[Any]:
    connection = _object(obj.get(field), field)
    if isinstance(connection.get("nodes"), list):
        return list(connection["nodes"])
    edges = connection.get("edges")
    if isinstance(edges, list):
        return [_object(edge, f"{field}.edges[]").get("node") for edge in edges]
    raise PlatformBadResponse(f"Shopify field {field!r} has neither 'nodes' nor 'edges'")


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlatformBadResponse(f"Shopify field {field!r} is missing or not an object")
    return value


def _optional_object(obj: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = obj.get(field)
    return {} if value is None else _object(value, field)


def _text(obj: Mapping[str, Any], field: str) -> str:
    value = _clean(obj.get(field))
    if value is None:
        raise PlatformBadResponse(f"Shopify field {field!r} is missing or empty")
    return value


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _join(*parts: Any) -> str | None:
    return " ".join(p for p in map(_clean, parts) if p) or None
