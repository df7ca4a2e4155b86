"""Building stored orders in the shape Shopify's GraphQL Admin API returns them."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .search import micros
from .store import StoredOrder

FINANCIAL_STATUSES = frozenset(
    {"AUTHORIZED", "EXPIRED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED"}
)
_CENT = Decimal("0.01")

# Fictional addresses (real cities, made-up streets); picked per buyer name so an order is reproducible.
ADDRESSES = [
    ("Portland", "Oregon", "OR", "United States", "US", "97205"),
    ("Austin", "Texas", "TX", "United States", "US", "78701"),
    ("Chicago", "Illinois", "IL", "United States", "US", "60607"),
    ("Brooklyn", "New York", "NY", "United States", "US", "11201"),
    ("Denver", "Colorado", "CO", "United States", "US", "80202"),
    ("Raleigh", "North Carolina", "NC", "United States", "US", "27601"),
    ("Toronto", "Ontario", "ON", "Canada", "CA", "M5V 2T6"),
    ("Manchester", "England", "ENG", "United Kingdom", "GB", "M1 1AE"),
]
_STREETS = ["Alder St", "Maple Ave", "Harbor Rd", "Juniper Ln", "Cedar Ct", "Willow Way", "Birch Blvd"]


@dataclass(frozen=True, slots=True)
class LineSpec:
    title: str
    price: Decimal
    quantity: int = 1
    sku: str | None = None
    variant_title: str | None = None
    vendor: str | None = None


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything needed to build one order; ``total`` overrides the computed total (tax absorbs the gap)."""

    created_at: datetime
    lines: tuple[LineSpec, ...]
    financial_status: str = "PAID"
    fulfillment_status: str = "UNFULFILLED"
    email: str | None = None
    phone: str | None = None
    customer: tuple[str, str] | None = None
    buyer_name: tuple[str, str] | None = None  # for addresses on guest checkouts
    shipping: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)
    total: Decimal | None = None
    cancelled: bool = False
    closed: bool = False
    test: bool = False
    name: str | None = None
    note: str | None = None
    tags: tuple[str, ...] = ()
    updated_after: timedelta = timedelta(0)


def format_decimal(amount: Decimal) -> str:
    """Shopify's ``Decimal`` scalar: no trailing zeros but at least one decimal ("2000.0", "11.5", "19.99")."""
    text = format(amount.normalize(), "f")
    return text if "." in text else f"{text}.0"


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    money = {"amount": format_decimal(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def address(first: str, last: str, numeric_id: int, phone: str | None) -> dict[str, Any]:
    seed = zlib.crc32(f"{first} {last}".encode())
    city, province, province_code, country, country_code, zip_code = ADDRESSES[seed % len(ADDRESSES)]
    return {
        "id": f"gid://shopify/MailingAddress/{numeric_id}?model_name=Address",
        "name": f"{first} {last}",
        "firstName": first,
        "lastName": last,
        "company": None,
        "address1": f"{100 + seed % 9800} {_STREETS[seed % len(_STREETS)]}",
        "address2": None,
        "city": city,
        "province": province,
        "provinceCode": province_code,
        "country": country,
        "countryCodeV2": country_code,
        "zip": zip_code,
        "phone": phone,
    }


class OrderBuilder:
    """Allocates realistic ids and order numbers and turns specs into ``StoredOrder``s."""

    def __init__(self, *, currency: str, name_prefix: str, now: Callable[[], datetime]) -> None:
        self.currency = currency
        self.name_prefix = name_prefix
        self.now = now
        self._next_order_id = 5_829_163_401_237
        self._next_line_id = 14_806_227_518_001
        self._next_number = 1001
        self._customers: dict[tuple[str, str, str | None], int] = {}

    def build(self, spec: OrderSpec) -> StoredOrder:
        if spec.financial_status not in FINANCIAL_STATUSES:
            raise ValueError(f"unknown financial status {spec.financial_status!r}")
        if spec.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        numeric_id = self._next_order_id
        self._next_order_id += 1_000 + zlib.crc32(str(numeric_id).encode()) % 90_000
        name = spec.name or f"{self.name_prefix}{self._next_number}"
        self._next_number += 1

        created = spec.created_at.astimezone(UTC).replace(microsecond=0)
        cancelled_at = min(created + timedelta(minutes=42), max(created, self.now())) if spec.cancelled else None
        updated = max(cancelled_at or created, min(created + spec.updated_after, max(created, self.now())))
        currency = self.currency

        line_nodes, subtotal = self._lines(spec.lines)
        tax = (subtotal * spec.tax_rate).quantize(_CENT, ROUND_HALF_UP)
        total = spec.total if spec.total is not None else subtotal + spec.shipping + tax
        gap = total - subtotal - spec.shipping
        tax, discounts = (gap, Decimal(0)) if gap >= 0 else (Decimal(0), -gap)
        current = total
        if spec.cancelled or spec.financial_status in ("REFUNDED", "VOIDED"):
            current = Decimal(0)
        elif spec.financial_status == "PARTIALLY_REFUNDED":
            current = max(total - Decimal(line_nodes[0]["discountedTotalSet"]["shopMoney"]["amount"]), Decimal(0))

        buyer = spec.customer or spec.buyer_name
        node: dict[str, Any] = {
            "id": f"gid://shopify/Order/{numeric_id}",
            "legacyResourceId": str(numeric_id),
            "name": name,
            "createdAt": format_time(created),
            "processedAt": format_time(created),
            "updatedAt": format_time(updated),
            "cancelledAt": format_time(cancelled_at) if cancelled_at else None,
            "cancelReason": "CUSTOMER" if spec.cancelled else None,
            "closed": spec.closed or spec.cancelled,
            "closedAt": format_time(updated) if spec.closed or spec.cancelled else None,
            "confirmed": True,
            "test": spec.test,
            "email": spec.email,
            "phone": spec.phone,
            "note": spec.note,
            "tags": list(spec.tags),
            "currencyCode": currency,
            "presentmentCurrencyCode": currency,
            "displayFinancialStatus": spec.financial_status,
            "displayFulfillmentStatus": spec.fulfillment_status,
            "totalPriceSet": money_bag(total, currency),
            "subtotalPriceSet": money_bag(subtotal, currency),
            "currentTotalPriceSet": money_bag(current, currency),
            "totalTaxSet": money_bag(tax, currency),
            "totalShippingPriceSet": money_bag(spec.shipping, currency),
            "totalDiscountsSet": money_bag(discounts, currency),
            "customer": self._customer(spec) if spec.customer else None,
            "billingAddress": address(*buyer, numeric_id + 1, spec.phone) if buyer else None,
            "shippingAddress": address(*buyer, numeric_id + 2, spec.phone) if buyer else None,
            "lineItems": line_nodes,  # served as a connection by the lineItems resolver
        }
        return StoredOrder(
            numeric_id=numeric_id,
            node=node,
            created=micros(created),
            processed=micros(created),
            updated=micros(updated),
            financial_status=spec.financial_status,
            fulfillment_status=spec.fulfillment_status,
            closed=node["closed"],
            cancelled=spec.cancelled,
            total_cents=int(total * 100),
        )

    def _lines(self, lines: tuple[LineSpec, ...]) -> tuple[list[dict[str, Any]], Decimal]:
        nodes, subtotal = [], Decimal(0)
        for line in lines:
            if line.quantity < 1:
                raise ValueError("line item quantity must be at least 1")
            line_id = self._next_line_id
            self._next_line_id += 1 + zlib.crc32(str(line_id).encode()) % 700
            price = line.price.quantize(_CENT, ROUND_HALF_UP)
            line_total = price * line.quantity
            subtotal += line_total
            nodes.append(
                {
                    "id": f"gid://shopify/LineItem/{line_id}",
                    "name": f"{line.title} - {line.variant_title}" if line.variant_title else line.title,
                    "title": line.title,
                    "quantity": line.quantity,
                    "sku": line.sku,
                    "variantTitle": line.variant_title,
                    "vendor": line.vendor,
                    "originalUnitPriceSet": money_bag(price, self.currency),
                    "discountedUnitPriceSet": money_bag(price, self.currency),
                    "originalTotalSet": money_bag(line_total, self.currency),
                    "discountedTotalSet": money_bag(line_total, self.currency),
                }
            )
        return nodes, subtotal

    def _customer(self, spec: OrderSpec) -> dict[str, Any]:
        assert spec.customer is not None
        first, last = spec.customer
        key = (first, last, spec.email)
        customer_id = self._customers.setdefault(key, 7_412_300_000_000 + zlib.crc32(repr(key).encode()))
        return {
            "id": f"gid://shopify/Customer/{customer_id}",
            "legacyResourceId": str(customer_id),
            "firstName": first,
            "lastName": last,
            "displayName": f"{first} {last}",
            "email": spec.email,
            "phone": spec.phone,
        }
