"""Webhook deliveries as Shopify sends them: the REST resource at the top level, HMAC-signed.

An order's body (``orders/create``, ``orders/updated``) follows Shopify's documented
webhook example (the ``webhook-orders-create`` sample): snake_case fields, money as
strings with ``*_set`` bags, times with an offset. The headers carry the topic, shop
domain, API version, a webhook id that stays the same on retries, when the event was
triggered, and the base64 HMAC-SHA256 of the raw body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

API_VERSION = "2025-10"


def _money(bag: dict[str, Any]) -> dict[str, Any]:
    shop = bag["shopMoney"]
    money = {"amount": shop["amount"], "currency_code": shop["currencyCode"]}
    return {"shop_money": money, "presentment_money": dict(money)}


def rest_time(graphql_time: str) -> str:
    """A GraphQL ``DateTime`` (``...Z``) as REST and webhook bodies write it (``...+00:00``)."""
    return graphql_time.replace("Z", "+00:00")


def rest_order(node: dict[str, Any]) -> dict[str, Any]:
    """The REST/webhook shape of a stored (GraphQL-shaped) order."""
    customer = node.get("customer")
    billing = node.get("billingAddress")
    digits = "".join(filter(str.isdigit, node["name"]))
    return {
        "id": int(node["legacyResourceId"]),
        "admin_graphql_api_id": node["id"],
        "name": node["name"],
        "order_number": int(digits) if digits else None,
        "email": node.get("email"),
        "contact_email": node.get("email"),
        "created_at": rest_time(node["createdAt"]),
        "updated_at": rest_time(node["updatedAt"]),
        "cancelled_at": rest_time(node["cancelledAt"]) if node.get("cancelledAt") else None,
        "cancel_reason": node["cancelReason"].lower() if node.get("cancelReason") else None,
        "test": node["test"],
        "currency": node["currencyCode"],
        "presentment_currency": node["presentmentCurrencyCode"],
        "financial_status": node["displayFinancialStatus"].lower(),
        "fulfillment_status": None,
        "total_price": node["totalPriceSet"]["shopMoney"]["amount"],
        "total_price_set": _money(node["totalPriceSet"]),
        "subtotal_price": node["subtotalPriceSet"]["shopMoney"]["amount"],
        "total_tax": node["totalTaxSet"]["shopMoney"]["amount"],
        "customer": (
            {
                "id": int(customer["id"].rsplit("/", 1)[1]),
                "email": customer.get("email"),
                "first_name": customer.get("firstName"),
                "last_name": customer.get("lastName"),
            }
            if customer
            else None
        ),
        "billing_address": (
            {"first_name": billing["firstName"], "last_name": billing["lastName"], "name": billing["name"]}
            if billing
            else None
        ),
        "line_items": [
            {
                "id": int(item["id"].rsplit("/", 1)[1]),
                "admin_graphql_api_id": item["id"],
                "title": item["title"],
                "name": item["name"],
                "sku": item.get("sku"),
                "quantity": item["quantity"],
                "price": item["originalUnitPriceSet"]["shopMoney"]["amount"],
                "price_set": _money(item["originalUnitPriceSet"]),
                "total_discount": "0.00",
            }
            for item in node["lineItems"]
        ],
    }


def delivery(node: dict[str, Any], *, shop_domain: str, secret: str) -> tuple[dict[str, str], bytes]:
    """The ``orders/create`` delivery of an order."""
    webhook_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{shop_domain}/orders/create/{node['id']}"))
    return signed(
        "orders/create",
        rest_order(node),
        webhook_id=webhook_id,
        triggered_at=node["createdAt"],
        shop_domain=shop_domain,
        secret=secret,
    )


def signed(
    topic: str, payload: dict[str, Any], *, webhook_id: str, triggered_at: str, shop_domain: str, secret: str
) -> tuple[dict[str, str], bytes]:
    """A delivery of ``topic`` with ``payload`` as its body, signed with ``secret``."""
    body = json.dumps(payload).encode()
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": digest,
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Triggered-At": triggered_at,
    }
    return headers, body
