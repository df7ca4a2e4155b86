"""Transaction Search rows (``transaction_details[]``) for an order, shaped like ``transactions-page.json``.

A captured order yields its capture as a ``T0006`` (PayPal Checkout APIs) row;
each refund is a ``T1107`` row with its own id pointing back at the capture
(``paypal_reference_id``); ``display_row`` adds a non-balance-affecting
``T9800`` (display only) row that shares the capture's transaction id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from .formats import money, report_time
from .records import Buyer, Capture, PayPalOrder

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

_STATUS_CODES = {"COMPLETED": "S", "PARTIALLY_REFUNDED": "S", "PENDING": "P", "DECLINED": "D", "FAILED": "D",
                 "REFUNDED": "V"}  # fmt: skip


@dataclass(slots=True)
class Row:
    """One reporting row; ``at`` is its initiation time in epoch seconds."""

    at: int
    transaction_id: str
    event_code: str
    status: str
    currency: str
    balance_affecting: bool
    sections: dict[str, dict[str, Any]]
    _encoded: dict[tuple[str, ...], str] = field(default_factory=dict)

    def encoded(self, fields: tuple[str, ...]) -> str:
        """The row's JSON with only ``fields``, encoded once per field set."""
        text = self._encoded.get(fields)
        if text is None:
            text = self._encoded[fields] = json.dumps({f: self.sections[f] for f in fields}, separators=(",", ":"))
        return text


def order_rows(order: PayPalOrder, zone: tzinfo) -> list[Row]:
    """The rows an order leaves in the account's activity (none until it is captured)."""
    capture = order.capture
    if capture is None:
        return []
    payer = _payer_info(order.buyer)
    capture_row = _capture_row(order, capture, payer, zone)
    rows = [capture_row]
    for refund in order.refunds:
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
        rows.append(_row(refund.created_at.timestamp(), info, payer, {}, {}, order, balance_affecting=True))
    if order.display_row:
        sections = capture_row.sections
        info = {k: v for k, v in sections["transaction_info"].items() if k != "fee_amount"}
        info |= {"transaction_event_code": "T9800", "transaction_status": "S"}
        rows.append(
            _row(capture.created_at.timestamp(), info, payer, sections["shipping_info"], sections["cart_info"], order,
                 balance_affecting=False)  # fmt: skip
        )
    return rows


def _counterparty(order: PayPalOrder) -> dict[str, str]:
    return {"paypal_account_id": order.buyer.payer_id} if order.buyer else {}


def _capture_row(order: PayPalOrder, capture: Capture, payer: dict[str, Any], zone: tzinfo) -> Row:
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
        address = {"line1": b.line1, "city": b.city, "state": b.state, "country_code": b.country_code,
                   "postal_code": b.postal_code}  # fmt: skip
        shipping = {"name": f"{b.given_name}, {b.surname}", "address": address}
    items = [_item_detail(order, i) for i in range(len(order.items))]
    return _row(capture.created_at.timestamp(), info, payer, shipping, {"item_details": items}, order,
                balance_affecting=True)  # fmt: skip


def _item_detail(order: PayPalOrder, index: int) -> dict[str, Any]:
    item, cur = order.items[index], order.currency
    amount = item.unit_price * item.quantity
    detail: dict[str, Any] = {}
    if item.sku:
        detail["item_code"] = item.sku
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
        "payer_name": {"given_name": buyer.given_name, "surname": buyer.surname, "alternate_full_name": buyer.full_name},
        "country_code": buyer.country_code,
    }


def _row(
    at: float,
    info: dict[str, Any],
    payer: dict[str, Any],
    shipping: dict[str, Any],
    cart: dict[str, Any],
    order: PayPalOrder,
    *,
    balance_affecting: bool,
) -> Row:
    sections = {
        "transaction_info": info,
        "payer_info": payer,
        "shipping_info": shipping,
        "cart_info": cart,
        "store_info": {},
        "auction_info": {},
        "incentive_info": {},
    }
    return Row(
        at=int(at),
        transaction_id=info["transaction_id"],
        event_code=info["transaction_event_code"],
        status=info["transaction_status"],
        currency=order.currency,
        balance_affecting=balance_affecting,
        sections=sections,
    )
