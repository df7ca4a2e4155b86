"""eBay API bodies for the connector tests.

BUILT FROM THE DOCUMENTED SCHEMA, NOT CAPTURED FROM EBAY (no eBay sample is
saved: a real getOrders answer holds real buyers' data). The shapes follow the
Sell Fulfillment API v1.20 ``Order`` / ``OrderSearchPagedCollection`` /
``ErrorDetailV3`` types, eBay's OAuth token responses, and the Notification API
envelope (``metadata`` + ``notification``) with the ``ORDER_CONFIRMATION``
data (``data.order.orderId``, ``orderLineItems``). Every value (ids, names,
amounts, the ``members.ebay.com`` relay address) is invented.

The one exception is ``SDK_NOTIFICATION``/``SDK_SIGNATURE``/``SDK_PUBLIC_KEY``:
eBay's own signed test vector from eBay/event-notification-java-sdk
(``src/test/java/com/ebay/commerce/notification/data/``: ``message.json``,
``public_key_response.json`` and ``DataProvider.SIGNATURE_HEADER``; Apache-2.0,
commit 88a40d7641bc95e9fef48c674f73369538af40c8), a MARKETPLACE_ACCOUNT_DELETION
notification for the test user ``test_user``.
"""

from __future__ import annotations

import copy
from typing import Any

ORDER_ID = "12-34567-89012"
LEGACY_ORDER_ID = "110456789012-2812345678001"
ITEM_ID = "110456789012"


def amount(value: str, currency: str = "USD") -> dict[str, str]:
    return {"value": value, "currency": currency}


ORDER: dict[str, Any] = {
    "orderId": ORDER_ID,
    "legacyOrderId": LEGACY_ORDER_ID,
    "creationDate": "2024-05-01T12:30:05.120Z",
    "lastModifiedDate": "2024-05-01T12:31:40.000Z",
    "orderFulfillmentStatus": "NOT_STARTED",
    "orderPaymentStatus": "PAID",
    "sellerId": "example_seller",
    "buyer": {
        "username": "jdoe_buys",
        "taxAddress": {"stateOrProvince": "CA", "postalCode": "95125", "countryCode": "US"},
        "buyerRegistrationAddress": {
            "fullName": "John Doe",
            "contactAddress": {
                "addressLine1": "2145 Example Ave",
                "city": "San Jose",
                "stateOrProvince": "CA",
                "postalCode": "95125",
                "countryCode": "US",
            },
            "primaryPhone": {"phoneNumber": "4085550100"},
            "email": "0a1b2c3d4e5f6a7b@members.ebay.com",
        },
    },
    "pricingSummary": {
        "priceSubtotal": amount("59.97"),
        "deliveryCost": amount("5.99"),
        "total": amount("65.96"),
    },
    "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
    "paymentSummary": {
        "totalDueSeller": amount("58.31"),
        "refunds": [],
        "payments": [
            {
                "paymentMethod": "EBAY",
                "paymentReferenceId": "5A1B2C3D4E5F6071",
                "paymentDate": "2024-05-01T12:30:06.000Z",
                "amount": amount("65.96"),
                "paymentStatus": "PAID",
            }
        ],
    },
    "fulfillmentStartInstructions": [
        {
            "fulfillmentInstructionsType": "SHIP_TO",
            "minEstimatedDeliveryDate": "2024-05-06T07:00:00.000Z",
            "maxEstimatedDeliveryDate": "2024-05-09T07:00:00.000Z",
            "ebaySupportedFulfillment": False,
            "shippingStep": {
                "shipTo": {
                    "fullName": "John Doe",
                    "contactAddress": {
                        "addressLine1": "2145 Example Ave",
                        "city": "San Jose",
                        "stateOrProvince": "CA",
                        "postalCode": "95125",
                        "countryCode": "US",
                    },
                    "primaryPhone": {"phoneNumber": "4085550100"},
                    "email": "0a1b2c3d4e5f6a7b@members.ebay.com",
                },
                "shippingCarrierCode": "USPS",
                "shippingServiceCode": "USPSPriority",
            },
        }
    ],
    "fulfillmentHrefs": [],
    "lineItems": [
        {
            "lineItemId": "10012345678901",
            "legacyItemId": ITEM_ID,
            "sku": "MUG-BLUE-12OZ",
            "title": "Blue ceramic mug, 12 oz",
            "lineItemCost": amount("39.98"),
            "quantity": 2,
            "soldFormat": "FIXED_PRICE",
            "listingMarketplaceId": "EBAY_US",
            "purchaseMarketplaceId": "EBAY_US",
            "lineItemFulfillmentStatus": "NOT_STARTED",
            "total": amount("45.97"),
            "deliveryCost": {"shippingCost": amount("5.99")},
            "appliedPromotions": [],
            "taxes": [],
            "properties": {"buyerProtection": True},
        },
        {
            "lineItemId": "10012345678902",
            "legacyItemId": "110456789013",
            "title": "Cork coaster set",
            "lineItemCost": amount("19.99"),
            "quantity": 1,
            "soldFormat": "FIXED_PRICE",
            "listingMarketplaceId": "EBAY_US",
            "purchaseMarketplaceId": "EBAY_US",
            "lineItemFulfillmentStatus": "NOT_STARTED",
            "total": amount("19.99"),
            "deliveryCost": {"shippingCost": amount("0.0")},
            "appliedPromotions": [],
            "taxes": [],
            "properties": {"buyerProtection": True},
        },
    ],
    "salesRecordReference": "1042",
    "totalFeeBasisAmount": amount("65.96"),
    "totalMarketplaceFee": amount("7.65"),
}


def order(order_id: str = ORDER_ID, created: str = "2024-05-01T12:30:05.120Z", **changes: Any) -> dict[str, Any]:
    """``ORDER`` with another id and creation time (and any top-level field changed)."""
    return {**copy.deepcopy(ORDER), "orderId": order_id, "creationDate": created, **changes}


def listed_order(order_id: str, created: str) -> dict[str, Any]:
    """A small order (the fields the mapping reads), for pages of 200 that aioresponses can carry."""
    return {
        "orderId": order_id,
        "creationDate": created,
        "orderPaymentStatus": "PAID",
        "pricingSummary": {"total": amount("9.99")},
        "lineItems": [{"title": "Mug", "quantity": 1, "lineItemCost": amount("9.99"), "total": amount("9.99")}],
    }


def orders_page(orders: list[dict[str, Any]], *, total: int, offset: int = 0, limit: int = 200) -> dict[str, Any]:
    """An ``OrderSearchPagedCollection`` page (``next`` only when more orders follow)."""
    base = "https://api.ebay.com/sell/fulfillment/v1/order"
    page: dict[str, Any] = {
        "href": f"{base}?limit={limit}&offset={offset}",
        "total": total,
        "limit": limit,
        "offset": offset,
        "orders": orders,
    }
    if offset + limit < total:
        page["next"] = f"{base}?limit={limit}&offset={offset + limit}"
    return page


def error(
    error_id: int, message: str, long_message: str | None = None, *, domain: str = "API_FULFILLMENT"
) -> dict[str, Any]:
    """An eBay REST error body (``ErrorDetailV3``)."""
    entry: dict[str, Any] = {"errorId": error_id, "domain": domain, "category": "REQUEST", "message": message}
    if long_message is not None:
        entry["longMessage"] = long_message
    return {"errors": [entry]}


INVALID_ORDER_ID = error(32100, "Invalid order ID: 99-99999-99999")
RANGE_LIMIT = error(30830, "Time range between start date and end date must be within '2' years.")
DATES_IN_FUTURE = error(30850, "Start and end dates can't be in the future")
RATE_LIMITED = error(
    2001, "Too many requests.", "The request limit has been reached for the resource.", domain="ACCESS"
)
INVALID_TOKEN = error(
    1001,
    "Invalid access token",
    "Invalid access token. Check the value of the Authorization HTTP request header.",
    domain="OAuth",
)
SYSTEM_ERROR = error(30500, "System error")

ACCESS_TOKEN = "v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sIAAAAAAAAAOVXa2wUVRTefmwAccessToken"
APP_TOKEN = "v^1.1#i^1#r^0#p^1#I^3#f^0#t^H4sIAAAAAAAAAOVYbWwApplicationToken"


def token_response(token: str = ACCESS_TOKEN, expires_in: int = 7200) -> dict[str, Any]:
    """``POST /identity/v1/oauth2/token`` answering a refresh-token (or client-credentials) grant."""
    return {"access_token": token, "expires_in": expires_in, "token_type": "User Access Token"}


INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "the provided authorization refresh token is invalid or was issued to another client",
}
INVALID_SCOPE = {
    "error": "invalid_scope",
    "error_description": (
        "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client"
    ),
}
INVALID_CLIENT = {"error": "invalid_client", "error_description": "client authentication failed"}


def order_confirmation(
    order_id: str = ORDER_ID,
    *,
    notification_id: str = "5d3e1f0a-7c2b-4e8d-9f10-2a3b4c5d6e7f_0b1c2d3e",
    attempt: int = 1,
) -> dict[str, Any]:
    """An ``ORDER_CONFIRMATION`` notification (one is sent per line item of the order)."""
    return {
        "metadata": {"topic": "ORDER_CONFIRMATION", "schemaVersion": "1.0", "deprecated": False},
        "notification": {
            "notificationId": notification_id,
            "eventDate": "2024-05-01T12:30:06.211Z",
            "publishDate": "2024-05-01T12:30:06.530Z",
            "publishAttemptCount": attempt,
            "data": {
                "user": {"userId": "aB3cD4eF5gH", "username": "example_seller"},
                "order": {
                    "orderId": order_id,
                    "orderLineItems": [{"orderLineItemId": "10012345678901", "listingId": ITEM_ID, "quantity": 2}],
                },
            },
        },
    }


SDK_KEY_ID = "9936261a-7d7b-4621-a0f1-96ccb428af49"
SDK_NOTIFICATION: dict[str, Any] = {
    "metadata": {"topic": "MARKETPLACE_ACCOUNT_DELETION", "schemaVersion": "1.0", "deprecated": False},
    "notification": {
        "notificationId": "49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d",
        "eventDate": "2021-03-19T20:43:59.462Z",
        "publishDate": "2021-03-19T20:43:59.679Z",
        "publishAttemptCount": 1,
        "data": {
            "username": "test_user",
            "userId": "ma8vp1jySJC",
            "eiasToken": "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ==",
        },
    },
}
SDK_SIGNATURE = (
    "eyJhbGciOiJlY2RzYSIsImtpZCI6Ijk5MzYyNjFhLTdkN2ItNDYyMS1hMGYxLTk2Y2NiNDI4YWY0OSIsInNpZ25hdHVyZSI6Ik1FWUNJUUNmeGZJV3"
    "V4bVdjSUJRSjljNS9YN2lHREpxczJSQ0dzQkVhQWppbnlycmZBSWhBSVY2d0djVGlCdVY1S0pVaWYyaG9reXJMK1E5c3NIa2FkK214Mm5FRTI1dyIs"
    "ImRpZ2VzdCI6IlNIQTEifQ=="
)
SDK_PUBLIC_KEY = {
    "key": "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZhhxXKtR+TOvtDbgTPCkSof02qgBB7IsYOyf76il"
    "ExJ/upAa/vKIKheOoCyOpcLmi4t0b4uepb7LLjmMr90FUg==-----END PUBLIC KEY-----",
    "algorithm": "ECDSA",
    "digest": "SHA1",
}
