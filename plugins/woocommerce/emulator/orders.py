"""Orders as ``GET /wp-json/wc/v3/orders/{id}`` serves them, built from a spec with consistent totals.

The payload has the documented sample's shape: money as 2-decimal strings
(``taxes[]`` amounts unpadded), ``line_items[].price`` a JSON number (an
integer when the line total divides evenly), ``date_*`` in the site's time
zone and ``date_*_gmt`` in UTC, both ``YYYY-MM-DDTHH:MM:SS`` without offset.
Dates are kept as instants and rendered per time zone, so changing the
site's zone changes ``date_created`` but never ``date_created_gmt``.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["Address", "LineSpec", "OrderBuilder", "OrderSpec", "StoredOrder", "TaxRate", "render"]

CENT = Decimal("0.01")
WC_VERSION = "9.4.3"
PAID_STATUSES = frozenset({"processing", "completed", "refunded"})
_DATE_KEYS = ("date_created", "date_modified", "date_paid", "date_completed")
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class Address:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""

    def billing(self) -> dict[str, str]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company": self.company,
            "address_1": self.address_1,
            "address_2": self.address_2,
            "city": self.city,
            "state": self.state,
            "postcode": self.postcode,
            "country": self.country,
            "email": self.email,
            "phone": self.phone,
        }

    def shipping(self) -> dict[str, str]:
        fields = self.billing()
        del fields["email"], fields["phone"]
        return fields


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A tax rate (``rate`` as a fraction) as ``tax_lines`` and ``taxes[]`` name it."""

    rate_id: int
    code: str
    label: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class LineSpec:
    """A product line: unit price before tax, quantity, and the variation's attribute metadata."""

    name: str
    price: Decimal
    quantity: int = 1
    sku: str = ""
    product_id: int = 0
    variation_id: int = 0
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything an order is made of; ``paid`` defaults to the status (processing/completed/refunded)."""

    created_at: datetime
    lines: tuple[LineSpec, ...]
    status: str = "processing"
    currency: str = "USD"
    billing: Address = field(default_factory=Address)
    shipping_address: Address | None = None
    customer_id: int = 0
    shipping: Decimal = Decimal(0)
    shipping_method: tuple[str, str] | None = ("Flat rate", "flat_rate:1")
    tax: TaxRate | None = None
    payment: tuple[str, str] = ("stripe", "Credit Card (Stripe)")
    paid: bool | None = None
    refunded: Decimal = Decimal(0)
    number: str | None = None
    customer_note: str = ""
    created_via: str = "checkout"
    client: tuple[str, str] = ("", "")
    updated_after: timedelta = timedelta(seconds=5)
    completed_after: timedelta = timedelta(hours=3)


@dataclass(slots=True)
class StoredOrder:
    """An order's payload less its dates and links, plus the keys the store filters and sorts by."""

    id: int
    number: str
    status: str
    created: int
    modified: int
    total: Decimal
    currency: str
    body: dict[str, Any]
    dates: dict[str, int | None]
    haystack: tuple[str, ...]


def money(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _raw(amount: Decimal) -> str:
    """An amount as WooCommerce stores it, without padding: ``"0.9"``, ``"1"``."""
    text = format(amount.normalize(), "f")
    return text if text != "-0" else "0"


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("order times must be timezone-aware")
    return int(moment.timestamp())


def _format(epoch: int, zone: tzinfo) -> str:
    return datetime.fromtimestamp(epoch, zone).isoformat()[:19]


def render(order: StoredOrder, zone: tzinfo, origin: str) -> dict[str, Any]:
    """The REST payload: dates in ``zone`` (site) and UTC, links under ``origin`` (the site URL)."""
    payload = dict(order.body)
    for key in _DATE_KEYS:
        epoch = order.dates[key]
        payload[key] = None if epoch is None else _format(epoch, zone)
        payload[f"{key}_gmt"] = None if epoch is None else _format(epoch, UTC)
    base = f"{origin}/wp-json/wc/v3"
    links = {"self": [{"href": f"{base}/orders/{order.id}"}], "collection": [{"href": f"{base}/orders"}]}
    if order.body["customer_id"]:
        links["customer"] = [{"href": f"{base}/customers/{order.body['customer_id']}"}]
    payload["_links"] = links
    return payload


class OrderBuilder:
    """Turns specs into stored orders; order ids come from the site's shared post-id sequence."""

    def __init__(self, post_ids: Callable[[], int], seed: int = 0) -> None:
        self._post_ids = post_ids
        self._rng = random.Random(seed)
        self._item_id = 100
        self._meta_id = 5000

    def _next_item(self) -> int:
        self._item_id += 1
        return self._item_id

    def _meta(self, key: str, value: str) -> dict[str, Any]:
        self._meta_id += 1
        return {"id": self._meta_id, "key": key, "value": value}

    def _token(self, length: int, alphabet: str = _ALNUM) -> str:
        return "".join(self._rng.choices(alphabet, k=length))

    def build(self, spec: OrderSpec, order_id: int, number: str) -> StoredOrder:
        rate = spec.tax.rate if spec.tax else Decimal(0)
        lines = [self._line(line, rate, spec.tax) for line in spec.lines]
        line_total = sum((Decimal(line["total"]) for line in lines), Decimal(0))
        cart_tax = sum((Decimal(line["total_tax"]) for line in lines), Decimal(0))
        shipping = spec.shipping.quantize(CENT, rounding=ROUND_HALF_UP)
        total = line_total + shipping + cart_tax
        created = _epoch(spec.created_at)
        paid = spec.status in PAID_STATUSES if spec.paid is None else spec.paid
        refunded = total if spec.status == "refunded" and not spec.refunded else spec.refunded
        dates = self._dates(spec, created, paid)
        key = f"wc_order_{self._token(13)}"
        method, title = spec.payment
        body: dict[str, Any] = {
            "id": order_id,
            "parent_id": 0,
            "number": number,
            "order_key": key,
            "created_via": spec.created_via,
            "version": WC_VERSION,
            "status": spec.status,
            "currency": spec.currency,
            "date_created": None,
            "date_created_gmt": None,
            "date_modified": None,
            "date_modified_gmt": None,
            "discount_total": "0.00",
            "discount_tax": "0.00",
            "shipping_total": money(shipping),
            "shipping_tax": "0.00",
            "cart_tax": money(cart_tax),
            "total": money(total),
            "total_tax": money(cart_tax),
            "prices_include_tax": False,
            "customer_id": spec.customer_id,
            "customer_ip_address": spec.client[0],
            "customer_user_agent": spec.client[1],
            "customer_note": spec.customer_note,
            "billing": spec.billing.billing(),
            "shipping": (spec.shipping_address or spec.billing).shipping(),
            "payment_method": method,
            "payment_method_title": title,
            "transaction_id": self._transaction_id(method) if paid else "",
            "date_paid": None,
            "date_paid_gmt": None,
            "date_completed": None,
            "date_completed_gmt": None,
            "cart_hash": hashlib.md5(key.encode()).hexdigest() if spec.created_via in ("checkout", "store-api") else "",
            "meta_data": [self._meta("is_vat_exempt", "no")],
            "line_items": lines,
            "tax_lines": self._tax_lines(spec.tax, cart_tax),
            "shipping_lines": self._shipping_lines(spec, shipping),
            "fee_lines": [],
            "coupon_lines": [],
            "refunds": [{"id": self._post_ids(), "refund": "", "total": f"-{money(refunded)}"}] if refunded else [],
        }
        billing = spec.billing
        haystack = (
            " ".join(body["billing"].values()),
            " ".join(body["shipping"].values()),
            billing.last_name,
            billing.email,
            billing.phone,
            *(line.name for line in spec.lines),
        )
        return StoredOrder(
            id=order_id,
            number=number,
            status=spec.status,
            created=created,
            modified=dates["date_modified"] or created,
            total=total,
            currency=spec.currency,
            body=body,
            dates=dates,
            haystack=tuple(text.casefold() for text in haystack if text),
        )

    def _dates(self, spec: OrderSpec, created: int, paid: bool) -> dict[str, int | None]:
        paid_at = created + self._rng.randrange(2, 40) if paid else None
        completed = created + int(spec.completed_after.total_seconds()) if spec.status == "completed" else None
        modified = max(created + int(spec.updated_after.total_seconds()), paid_at or 0, completed or 0)
        return {"date_created": created, "date_modified": modified, "date_paid": paid_at, "date_completed": completed}

    def _line(self, line: LineSpec, rate: Decimal, tax: TaxRate | None) -> dict[str, Any]:
        total = (line.price * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        line_tax = (total * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        exact = total == total.to_integral_value() and int(total) % line.quantity == 0
        taxes = [{"id": tax.rate_id, "total": _raw(line_tax), "subtotal": _raw(line_tax)}] if tax else []
        return {
            "id": self._next_item(),
            "name": line.name,
            "product_id": line.product_id,
            "variation_id": line.variation_id,
            "quantity": line.quantity,
            "tax_class": "",
            "subtotal": money(total),
            "subtotal_tax": money(line_tax),
            "total": money(total),
            "total_tax": money(line_tax),
            "taxes": taxes,
            "meta_data": [self._meta(key, value) for key, value in line.attributes],
            "sku": line.sku,
            "price": int(total) // line.quantity if exact else float(total) / line.quantity,
        }

    def _tax_lines(self, tax: TaxRate | None, cart_tax: Decimal) -> list[dict[str, Any]]:
        if tax is None:
            return []
        return [
            {
                "id": self._next_item(),
                "rate_code": tax.code,
                "rate_id": tax.rate_id,
                "label": tax.label,
                "compound": False,
                "tax_total": money(cart_tax),
                "shipping_tax_total": "0.00",
                "meta_data": [],
            }
        ]

    def _shipping_lines(self, spec: OrderSpec, shipping: Decimal) -> list[dict[str, Any]]:
        if spec.shipping_method is None:
            return []
        title, method_id = spec.shipping_method
        items = ", ".join(f"{line.name} &times; {line.quantity}" for line in spec.lines)
        return [
            {
                "id": self._next_item(),
                "method_title": title,
                "method_id": method_id,
                "total": money(shipping),
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [self._meta("Items", items)],
            }
        ]

    def _transaction_id(self, method: str) -> str:
        if method == "stripe":
            return f"pi_{self._token(24)}"
        if method == "ppcp-gateway":
            return self._token(17, string.ascii_uppercase + string.digits)
        return ""
