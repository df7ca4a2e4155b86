"""GraphQL Admin API response bodies built for the Shopify tests.

These are NOT captured from Shopify. shopify.dev's ``orders`` examples select
few fields (no ``customer``, no line-item prices), so these bodies follow the
documented schema (``Order``, ``LineItem``, ``MoneyBag``, ``PageInfo``, the
``extensions.cost`` block) as selected by ``plugins.shopify.queries``, with the
values of the REST sample ``samples/shopify/order.json`` (order #1001, id
450789469, created 2008-01-10T11:00:00-05:00 = 16:00:00Z).
"""

from __future__ import annotations

import copy
from typing import Any

from plugins.shopify.queries import ORDERS_PAGE_SIZE, ORDERS_QUERY_OVERHEAD, orders_query_cost

ORDER_1001_ID = "450789469"
ORDER_1001_GID = f"gid://shopify/Order/{ORDER_1001_ID}"


def money(amount: str, currency: str = "USD") -> dict[str, Any]:
    """A ``MoneyBag`` with its ``shopMoney`` selected."""
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


def line_item(name: str, sku: str | None, quantity: int, unit: str, total: str) -> dict[str, Any]:
    return {
        "name": name,
        "sku": sku,
        "quantity": quantity,
        "originalUnitPriceSet": money(unit),
        "discountedTotalSet": money(total),
    }


ORDER_1001_LINE_ITEMS = [
    line_item("IPod Nano - 8gb - green", "IPOD2008GREEN", 1, "199.00", "199.00"),
    line_item("IPod Nano - 8gb - red", "IPOD2008RED", 1, "199.00", "199.00"),
    line_item("IPod Nano - 8gb - black", "IPOD2008BLACK", 1, "199.00", "199.00"),
]

ORDER_1001: dict[str, Any] = {
    "id": ORDER_1001_GID,
    "legacyResourceId": ORDER_1001_ID,
    "name": "#1001",
    "createdAt": "2008-01-10T16:00:00Z",
    "cancelledAt": None,
    "email": "bob.norman@mail.example.com",
    "displayFinancialStatus": "PARTIALLY_REFUNDED",
    "currencyCode": "USD",
    "totalPriceSet": money("598.94"),
    "customer": {
        "firstName": "Bob",
        "lastName": "Norman",
        "displayName": "Bob Norman",
        "email": "bob.norman@mail.example.com",
    },
    "billingAddress": {"name": "Bob Norman"},
    "lineItems": {"nodes": ORDER_1001_LINE_ITEMS, "pageInfo": {"hasNextPage": False, "endCursor": "li-3"}},
}


def order_node(
    order_id: int,
    *,
    name: str | None = None,
    created_at: str = "2008-01-10T16:00:00Z",
    line_items: list[dict[str, Any]] | None = None,
    more_line_items_after: str | None = None,
) -> dict[str, Any]:
    """``ORDER_1001`` under another id, name and creation time; ``more_line_items_after`` marks a truncated list."""
    node = copy.deepcopy(ORDER_1001)
    node.update(
        id=f"gid://shopify/Order/{order_id}",
        legacyResourceId=str(order_id),
        name=name or f"#{order_id}",
        createdAt=created_at,
    )
    if line_items is not None:
        node["lineItems"]["nodes"] = line_items
    node["lineItems"]["pageInfo"] = {
        "hasNextPage": more_line_items_after is not None,
        "endCursor": more_line_items_after or "li-end",
    }
    return node


BUCKET = 1e9
"""The mocked answers' cost bucket, which never runs dry: pacing and bulk listing are tested against the emulator."""


def cost(
    requested: int = 100, actual: int | None = None, available: float = BUCKET, restore: float = 100.0
) -> dict[str, Any]:
    """The ``extensions`` of a GraphQL Admin answer."""
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": requested if actual is None else actual,
            "throttleStatus": {"maximumAvailable": BUCKET, "currentlyAvailable": available, "restoreRate": restore},
        }
    }


def orders_response(
    nodes: list[dict[str, Any]], *, next_cursor: str | None = None, requested: int | None = None
) -> dict[str, Any]:
    """A page of ``ORDERS_QUERY``: requested as a full page costs (unless given), actual as its nodes cost."""
    page_info = {"hasNextPage": next_cursor is not None, "endCursor": next_cursor or ("last" if nodes else None)}
    actual = ORDERS_QUERY_OVERHEAD + sum(8 + 5 * len(node["lineItems"]["nodes"]) for node in nodes)
    extensions = cost(orders_query_cost(ORDERS_PAGE_SIZE) if requested is None else requested, actual)
    return {"data": {"orders": {"nodes": nodes, "pageInfo": page_info}}, "extensions": extensions}


def order_response(node: dict[str, Any] | None) -> dict[str, Any]:
    return {"data": {"order": node}, "extensions": cost()}


def line_items_response(items: list[dict[str, Any]], *, next_cursor: str | None = None) -> dict[str, Any]:
    page_info = {"hasNextPage": next_cursor is not None, "endCursor": next_cursor or "li-last"}
    return {"data": {"order": {"lineItems": {"nodes": items, "pageInfo": page_info}}}, "extensions": cost()}
