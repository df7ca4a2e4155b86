"""Transaction Search rows (``transaction_details[]``) for an order, shaped like ``transactions-page.json``.

A captured order yields its capture as a ``T0006`` (PayPal Checkout APIs) row;
each refund is a ``T1107`` row with its own id pointing back at the capture
(``paypal_reference_id``); ``display_row`` adds a non-balance-affecting
``T9800`` (display only) row that shares the capture's transaction id. A row's
JSON is built the first time it is served, then reused as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from typing import Any

from .formats import money, report_time
from .records import Buyer, PayPalOrder, Refund

SECTIONS = (
    "transaction_info",
    "payer_info",
    "shipping_info",
    "cart_info",
    "store_info",
    "auction_info",
    "incentive_info",
)
"""Every ``fields`` section, in the order PayPal lists them in a row."""

_STATUS_CODES = {
    "COMPLETED": "S",
    "PARTIALLY_REFUNDED": "S",
    "PENDING": "P",
    "DECLINED": "D",
    "FAILED": "D",
    "REFUNDED": "V",
}

Sections = dict[str, dict[str, Any]]


@dataclass(slots=True)
class Row:
    """One reporting row: what searching needs, and how to build its sections; ``at`` is epoch seconds."""

    at: int
    transaction_id: str
    event_code: str
    status: str
    currency: str
    balance_affecting: bool
    build: Callable[[], Sections]
    _encoded: dict[tuple[str, ...], str] = field(default_factory=dict)

    def encoded(self, fields: tuple[str, ...]) -> str:
        """The row's JSON with only ``fields``, encoded once per field set (only the text is kept)."""
        text = self._encoded.get(fields)
        if text is None:
            sections = self.build()
            text = self._encoded[fields] = json.dumps({f: sections[f] for f in fields}, separators=(",", ":"))
        return text


def order_rows(order: PayPalOrder, zone: tzinfo) -> list[Row]:
    """The rows an order leaves in the account's activity (none until it is captured)."""
    capture = order.capture
    if capture is None:
        return []
    at = int(capture.created_at.timestamp())
    status = _STATUS_CODES[capture.status]
    rows = [Row(at, capture.id, "T0006", status, order.currency, True, partial(_capture_sections, order, zone))]
    rows += [
        Row(
            int(r.created_at.timestamp()),
            r.id,
            "T1107",
            "S",
            order.currency,
            True,
            partial(_refund_sections, order, r, zone),
        )
        for r in order.refunds
    ]
    if order.display_row:
        rows.append(Row(at, capture.id, "T9800", "S", order.currency, False, partial(_display_sections, order, zone)))
    return rows


def _capture_sections(order: PayPalOrder, zone: tzinfo) -> Sections:
    capture = order.capture
    assert capture is not None
    cur = order.currency
    info: dict[str, Any] = {
        **_counterparty(order),
        "transaction_id": capture.id,
        "transaction_event_code": "T0006",
        "transaction_initiation_date": report_time(capture.created_at, zone),
        "transaction_updated_date": report_time(capture.updated_at, zone),
        "transaction_amount": money(capture.amount, cur),
    }
    if capture.fee:
        info["fee_amount"] = money(-capture.fee, cur)
    if order.shipping:
        info["shipping_amount"] = money(order.shipping, cur)
    if order.tax_total:
        info["sales_tax_amount"] = money(order.tax_total, cur)
    info["transaction_status"] = _STATUS_CODES[capture.status]
    if order.description:
        info["transaction_subject"] = order.description
    if order.invoice_id:
        info["invoice_id"] = order.invoice_id
    if order.custom_id:
        info["custom_field"] = order.custom_id
    info |= {"protection_eligibility": "01", "instrument_type": "PayPal", "instrument_sub_type": "PayPal Wallet"}
    shipping: dict[str, Any] = {}
    if order.buyer is not None:
        b = order.buyer
        address = {
            "line1": b.line1,
            "city": b.city,
            "state": b.state,
            "country_code": b.country_code,
            "postal_code": b.postal_code,
        }
        shipping = {"name": f"{b.given_name}, {b.surname}", "address": address}
    cart = {"item_details": [_item_detail(order, i) for i in range(len(order.items))]}
    return _sections(info, _payer_info(order.buyer), shipping, cart)


def _refund_sections(order: PayPalOrder, refund: Refund, zone: tzinfo) -> Sections:
    capture = order.capture
    assert capture is not None
    info = {
        **_counterparty(order),
        "transaction_id": refund.id,
        "paypal_reference_id": capture.id,
        "paypal_reference_id_type": "TXN",
        "transaction_event_code": "T1107",
        "transaction_initiation_date": report_time(refund.created_at, zone),
        "transaction_updated_date": report_time(refund.created_at, zone),
        "transaction_amount": money(-refund.amount, order.currency),
        "transaction_status": "S",
        **({"invoice_id": order.invoice_id} if order.invoice_id else {}),
        "protection_eligibility": "01",
    }
    return _sections(info, _payer_info(order.buyer), {}, {})


def _display_sections(order: PayPalOrder, zone: tzinfo) -> Sections:
    sections = _capture_sections(order, zone)
    info = {k: v for k, v in sections["transaction_info"].items() if k != "fee_amount"}
    sections["transaction_info"] = info | {"transaction_event_code": "T9800", "transaction_status": "S"}
    return sections


def _counterparty(order: PayPalOrder) -> dict[str, str]:
    return {"paypal_account_id": order.buyer.payer_id} if order.buyer else {}


def _item_detail(order: PayPalOrder, index: int) -> dict[str, Any]:
    item, cur = order.items[index], order.currency
    amount = item.unit_price * item.quantity
    detail: dict[str, Any] = {"item_code": item.sku} if item.sku else {}
    detail |= {
        "item_name": item.name,
        "item_quantity": str(item.quantity),
        "item_unit_price": money(item.unit_price, cur),
        "item_amount": money(amount, cur),
    }
    if item.tax:
        detail["tax_amounts"] = [{"tax_amount": money(item.tax * item.quantity, cur)}]
    detail["total_item_amount"] = money(amount + item.tax * item.quantity, cur)
    if order.invoice_id:
        detail["invoice_number"] = order.invoice_id
    return detail


def _payer_info(buyer: Buyer | None) -> dict[str, Any]:
    if buyer is None:
        return {"address_status": "N", "payer_name": {}}
    return {
        "account_id": buyer.payer_id,
        "email_address": buyer.email,
        "address_status": "Y",
        "payer_status": "Y",
        "payer_name": {
            "given_name": buyer.given_name,
            "surname": buyer.surname,
            "alternate_full_name": buyer.full_name,
        },
        "country_code": buyer.country_code,
    }


def _sections(info: dict[str, Any], payer: dict[str, Any], shipping: dict[str, Any], cart: dict[str, Any]) -> Sections:
    return {
        "transaction_info": info,
        "payer_info": payer,
        "shipping_info": shipping,
        "cart_info": cart,
        "store_info": {},
        "auction_info": {},
        "incentive_info": {},
    }
