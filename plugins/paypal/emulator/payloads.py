"""Orders v2 and Payments v2 bodies, shaped like PayPal's documented samples (``order.json``,
``order-captured.json`` and the capture resource of ``PAYMENT.CAPTURE.COMPLETED``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .formats import money, zulu
from .records import Buyer, Capture, PayPalOrder, Refund


@dataclass(frozen=True, slots=True)
class Merchant:
    """The account receiving the payments (the payee)."""

    merchant_id: str
    email: str


def _link(href: str, rel: str, method: str = "GET") -> dict[str, str]:
    return {"href": href, "rel": rel, "method": method}


def order_body(order: PayPalOrder, *, origin: str, merchant: Merchant) -> dict[str, Any]:
    """``GET /v2/checkout/orders/{id}``: the full order representation."""
    body: dict[str, Any] = {"id": order.id, "intent": order.intent, "status": order.status}
    if order.buyer is not None and order.status != "CREATED":
        body["payment_source"] = {"paypal": _wallet(order.buyer)}
    body["purchase_units"] = [_purchase_unit(order, origin, merchant)]
    if order.buyer is not None and order.status in ("APPROVED", "COMPLETED"):
        body["payer"] = _payer(order.buyer)
    body["create_time"] = zulu(order.created_at)
    if order.updated_at != order.created_at:
        body["update_time"] = zulu(order.updated_at)
    body["links"] = _order_links(order, origin)
    return body


def capture_body(order: PayPalOrder, *, origin: str, merchant: Merchant) -> dict[str, Any]:
    """``GET /v2/payments/captures/{id}``: the capture with its order under ``supplementary_data``."""
    assert order.capture is not None
    body = _capture(order, order.capture, origin)
    body["supplementary_data"] = {"related_ids": {"order_id": order.id}}
    body["payee"] = {"email_address": merchant.email, "merchant_id": merchant.merchant_id}
    return body


def refund_body(order: PayPalOrder, refund: Refund, *, origin: str) -> dict[str, Any]:
    """A Payments v2 refund, as ``purchase_units[].payments.refunds[]`` shows it."""
    return _refund(refund, order, origin)


def _purchase_unit(order: PayPalOrder, origin: str, merchant: Merchant) -> dict[str, Any]:
    cur = order.currency
    breakdown = {"item_total": money(order.item_total, cur)}
    if order.shipping:
        breakdown["shipping"] = money(order.shipping, cur)
    if order.tax_total:
        breakdown["tax_total"] = money(order.tax_total, cur)
    unit: dict[str, Any] = {
        "reference_id": "default",
        "amount": {**money(order.total, cur), "breakdown": breakdown},
        "payee": {"email_address": merchant.email, "merchant_id": merchant.merchant_id},
    }
    if order.description:
        unit["description"] = order.description
    if order.custom_id:
        unit["custom_id"] = order.custom_id
    if order.invoice_id:
        unit["invoice_id"] = order.invoice_id
    unit["items"] = [
        {
            "name": item.name,
            "unit_amount": money(item.unit_price, cur),
            **({"tax": money(item.tax, cur)} if item.tax else {}),
            "quantity": str(item.quantity),
            **({"sku": item.sku} if item.sku else {}),
        }
        for item in order.items
    ]
    if order.buyer is not None:
        unit["shipping"] = {"name": {"full_name": order.buyer.full_name}, "address": _address(order.buyer)}
    if order.capture is not None:
        payments: dict[str, Any] = {"captures": [_capture(order, order.capture, origin)]}
        if order.refunds:
            payments["refunds"] = [_refund(r, order, origin) for r in order.refunds]
        unit["payments"] = payments
    return unit


def _capture(order: PayPalOrder, capture: Capture, origin: str) -> dict[str, Any]:
    cur = order.currency
    body: dict[str, Any] = {"id": capture.id, "status": capture.status}
    if capture.status == "PENDING":
        body["status_details"] = {"reason": "PENDING_REVIEW"}
    body["amount"] = money(capture.amount, cur)
    if order.invoice_id:
        body["invoice_id"] = order.invoice_id
    if order.custom_id:
        body["custom_id"] = order.custom_id
    body["seller_protection"] = {
        "status": "ELIGIBLE",
        "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
    }
    body["final_capture"] = True
    body["disbursement_mode"] = "INSTANT"
    body["seller_receivable_breakdown"] = {
        "gross_amount": money(capture.amount, cur),
        "paypal_fee": money(capture.fee, cur),
        "net_amount": money(capture.amount - capture.fee, cur),
    }
    body["create_time"] = zulu(capture.created_at)
    body["update_time"] = zulu(capture.updated_at)
    href = f"{origin}/v2/payments/captures/{capture.id}"
    body["links"] = [
        _link(href, "self"),
        _link(f"{href}/refund", "refund", "POST"),
        _link(f"{origin}/v2/checkout/orders/{order.id}", "up"),
    ]
    return body


def _refund(refund: Refund, order: PayPalOrder, origin: str) -> dict[str, Any]:
    assert order.capture is not None
    return {
        "id": refund.id,
        "amount": money(refund.amount, order.currency),
        "status": "COMPLETED",
        "create_time": zulu(refund.created_at),
        "update_time": zulu(refund.created_at),
        "links": [
            _link(f"{origin}/v2/payments/refunds/{refund.id}", "self"),
            _link(f"{origin}/v2/payments/captures/{order.capture.id}", "up"),
        ],
    }


def _wallet(buyer: Buyer) -> dict[str, Any]:
    return {
        "email_address": buyer.email,
        "account_id": buyer.payer_id,
        "account_status": "VERIFIED",
        "name": {"given_name": buyer.given_name, "surname": buyer.surname},
        "address": {"country_code": buyer.country_code},
    }


def _payer(buyer: Buyer) -> dict[str, Any]:
    return {
        "name": {"given_name": buyer.given_name, "surname": buyer.surname},
        "email_address": buyer.email,
        "payer_id": buyer.payer_id,
        "address": {"country_code": buyer.country_code},
    }


def _address(buyer: Buyer) -> dict[str, str]:
    return {
        "address_line_1": buyer.line1,
        "admin_area_2": buyer.city,
        "admin_area_1": buyer.state,
        "postal_code": buyer.postal_code,
        "country_code": buyer.country_code,
    }


def _order_links(order: PayPalOrder, origin: str) -> list[dict[str, str]]:
    href = f"{origin}/v2/checkout/orders/{order.id}"
    checkout = f"https://www.paypal.com/checkoutnow?token={order.id}"
    if order.status == "CREATED":
        return [
            _link(href, "self"),
            _link(checkout, "approve"),
            _link(href, "update", "PATCH"),
            _link(f"{href}/capture", "capture", "POST"),
        ]
    if order.status == "PAYER_ACTION_REQUIRED":
        return [_link(checkout, "payer-action"), _link(href, "self")]
    if order.status == "APPROVED":
        return [_link(href, "self"), _link(href, "update", "PATCH"), _link(f"{href}/capture", "capture", "POST")]
    return [_link(href, "self")]
