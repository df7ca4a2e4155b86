"""Building orders and their line items in the shape Orders v2 returns them (see the docs' examples)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .formats import CURRENCY_IDS, STATUSES, money, rate, rfc2822

API_ORIGIN = "https://api.bigcommerce.com"
_CENT = Decimal("0.01")
_ZERO = "0.0000"

# What ``payment_status`` says for an order in each status, unless the spec says otherwise.
PAYMENT_STATUS = {
    0: "", 1: "", 2: "captured", 3: "captured", 4: "refunded", 5: "void", 6: "declined", 7: "authorized",
    8: "captured", 9: "captured", 10: "captured", 11: "captured", 12: "held for review", 13: "captured",
    14: "partially refunded",
}  # fmt: skip
_SHIPPED = frozenset({2, 10})


@dataclass(frozen=True, slots=True)
class Buyer:
    """The billing address; ``customer_id`` 0 is a guest checkout."""

    first_name: str = "Jane"
    last_name: str = "Doe"
    email: str = "janedoe@example.com"
    phone: str = ""
    street: str = "455 Main Street"
    city: str = "Austin"
    state: str = "Texas"
    zip: str = "78751"
    country: str = "United States"
    country_iso2: str = "US"
    customer_id: int = 0


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One order product; ``price`` excludes tax."""

    name: str
    price: Decimal
    quantity: int = 1
    sku: str = ""
    product_id: int = 0
    variant_id: int = 0
    brand: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything needed to build one order.

    ``currency`` is the transactional currency (``default_currency_code``), ``display_currency``
    what the storefront showed (``currency_code``), ``store_currency`` the store's default
    (``store_default_currency_code``: empty unless it differs from the transactional one).
    """

    created_at: datetime
    lines: tuple[LineSpec, ...]
    buyer: Buyer = field(default_factory=Buyer)
    status_id: int = 11
    payment_status: str | None = None
    payment_method: str = "Credit Card"
    shipping: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    currency: str = "USD"
    display_currency: str | None = None
    store_currency: str = "USD"
    exchange_rate: Decimal = Decimal(1)
    is_deleted: bool = False
    order_id: int | None = None
    external_order_id: str | None = None
    external_source: str | None = None
    order_source: str = "www"
    channel_id: int = 1
    customer_message: str = ""
    staff_notes: str = ""
    modified_after: timedelta = timedelta(0)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _link(store_hash: str, path: str) -> dict[str, str]:
    return {"url": f"{API_ORIGIN}/stores/{store_hash}/v2{path}", "resource": path}


def build_products(spec: OrderSpec, order_id: int, first_product_id: int) -> list[dict[str, Any]]:
    """The ``/orders/{id}/products`` records, ids counting up from ``first_product_id``."""
    products = []
    for offset, line in enumerate(spec.lines):
        product_id = first_product_id + offset
        unit_tax = _cents(line.price * spec.tax_rate)
        total = line.price * line.quantity
        total_tax = unit_tax * line.quantity
        shipped = line.quantity if spec.status_id in _SHIPPED else 0
        options = [
            {
                "id": product_id * 10 + index,
                "option_id": 100 + index,
                "order_product_id": product_id,
                "product_option_id": 200 + index,
                "display_name": label,
                "display_name_customer": label,
                "display_name_merchant": label,
                "display_value": value,
                "display_value_customer": value,
                "display_value_merchant": value,
                "value": value,
                "type": "Multiple choice",
                "name": label,
                "display_style": "Rectangle",
            }
            for index, (label, value) in enumerate(line.options)
        ]
        products.append(
            {
                "id": product_id,
                "order_id": order_id,
                "product_id": line.product_id,
                "variant_id": line.variant_id,
                "order_address_id": order_id,
                "name": line.name,
                "name_customer": line.name,
                "name_merchant": line.name,
                "sku": line.sku,
                "upc": "",
                "type": "physical",
                "base_price": money(line.price),
                "price_ex_tax": money(line.price),
                "price_inc_tax": money(line.price + unit_tax),
                "price_tax": money(unit_tax),
                "base_total": money(total),
                "total_ex_tax": money(total),
                "total_inc_tax": money(total + total_tax),
                "total_tax": money(total_tax),
                "weight": "1.0000",
                "width": "1.0000",
                "height": "1.0000",
                "depth": "1.0000",
                "quantity": line.quantity,
                "base_cost_price": _ZERO,
                "cost_price_inc_tax": _ZERO,
                "cost_price_ex_tax": _ZERO,
                "cost_price_tax": _ZERO,
                "is_refunded": spec.status_id == 4,
                "quantity_refunded": line.quantity if spec.status_id == 4 else 0,
                "refund_amount": _ZERO,
                "return_id": 0,
                "wrapping_id": 0,
                "wrapping_name": "",
                "base_wrapping_cost": _ZERO,
                "wrapping_cost_ex_tax": _ZERO,
                "wrapping_cost_inc_tax": _ZERO,
                "wrapping_cost_tax": _ZERO,
                "wrapping_message": "",
                "quantity_shipped": shipped,
                "event_name": None,
                "event_date": None,
                "fixed_shipping_cost": _ZERO,
                "ebay_item_id": "",
                "ebay_transaction_id": "",
                "option_set_id": 10 if options else None,
                "parent_order_product_id": None,
                "is_bundled_product": False,
                "bin_picking_number": "",
                "external_id": None,
                "brand": line.brand,
                "applied_discounts": [],
                "product_options": options,
                "configurable_fields": [],
                "gift_certificate_id": None,
                "discounted_total_inc_tax": money(total + total_tax),
            }
        )
    return products


def build_order(spec: OrderSpec, order_id: int, store_hash: str, products: list[dict[str, Any]]) -> dict[str, Any]:
    """The order record as ``GET /v2/orders/{id}`` returns it (without ``fees``, which the caller adds)."""
    subtotal = sum((Decimal(p["total_ex_tax"]) for p in products), Decimal(0))
    subtotal_tax = sum((Decimal(p["total_tax"]) for p in products), Decimal(0))
    shipping_tax = _cents(spec.shipping * spec.tax_rate)
    total_ex = subtotal + spec.shipping - spec.discount
    total_tax = subtotal_tax + shipping_tax
    buyer = spec.buyer
    created = spec.created_at.replace(microsecond=0)
    display = spec.display_currency or spec.currency
    multi_currency = spec.currency != spec.store_currency
    status_name = STATUSES[spec.status_id][0]
    quantity = sum(line.quantity for line in spec.lines)
    return {
        "id": order_id,
        "customer_id": buyer.customer_id,
        "date_created": rfc2822(created),
        "date_modified": rfc2822(created + spec.modified_after),
        "date_shipped": rfc2822(created + spec.modified_after) if spec.status_id in _SHIPPED else "",
        "status_id": spec.status_id,
        "status": status_name,
        "subtotal_ex_tax": money(subtotal),
        "subtotal_inc_tax": money(subtotal + subtotal_tax),
        "subtotal_tax": money(subtotal_tax),
        "base_shipping_cost": money(spec.shipping),
        "shipping_cost_ex_tax": money(spec.shipping),
        "shipping_cost_inc_tax": money(spec.shipping + shipping_tax),
        "shipping_cost_tax": money(shipping_tax),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": _ZERO,
        "handling_cost_ex_tax": _ZERO,
        "handling_cost_inc_tax": _ZERO,
        "handling_cost_tax": _ZERO,
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": _ZERO,
        "wrapping_cost_ex_tax": _ZERO,
        "wrapping_cost_inc_tax": _ZERO,
        "wrapping_cost_tax": _ZERO,
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": money(total_ex),
        "total_inc_tax": money(total_ex + total_tax),
        "total_tax": money(total_tax),
        "is_tax_inclusive_pricing": False,
        "items_total": quantity,
        "items_shipped": quantity if spec.status_id in _SHIPPED else 0,
        "payment_method": spec.payment_method,
        "payment_provider_id": "",
        "payment_status": PAYMENT_STATUS[spec.status_id] if spec.payment_status is None else spec.payment_status,
        "refunded_amount": _ZERO,  # documented: "always returns 0"
        "order_is_digital": False,
        "store_credit_amount": _ZERO,
        "gift_certificate_amount": _ZERO,
        "ip_address": "" if spec.order_source == "manual" else "192.0.2.10",
        "ip_address_v6": "",
        "geoip_country": buyer.country,
        "geoip_country_iso2": buyer.country_iso2,
        "currency_id": CURRENCY_IDS.get(display, 9),
        "currency_code": display,
        "currency_exchange_rate": rate(Decimal(1) if display == spec.currency else spec.exchange_rate),
        "default_currency_id": CURRENCY_IDS.get(spec.currency, 9),
        "default_currency_code": spec.currency,
        "staff_notes": spec.staff_notes,
        "customer_message": spec.customer_message,
        "discount_amount": money(spec.discount),
        "coupon_discount": money(spec.discount),
        "shipping_address_count": 1,
        "is_deleted": spec.is_deleted,
        "ebay_order_id": "0",
        "cart_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{store_hash}/carts/{order_id}")),
        "billing_address": {
            "first_name": buyer.first_name,
            "last_name": buyer.last_name,
            "company": "",
            "street_1": buyer.street,
            "street_2": "",
            "city": buyer.city,
            "state": buyer.state,
            "zip": buyer.zip,
            "country": buyer.country,
            "country_iso2": buyer.country_iso2,
            "phone": buyer.phone,
            "email": buyer.email,
            "form_fields": [],
        },
        "is_email_opt_in": False,
        "credit_card_type": None,
        "order_source": spec.order_source,
        "channel_id": spec.channel_id,
        "external_source": spec.external_source,
        "products": _link(store_hash, f"/orders/{order_id}/products"),
        "shipping_addresses": _link(store_hash, f"/orders/{order_id}/shippingaddresses"),
        "coupons": _link(store_hash, f"/orders/{order_id}/coupons"),
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "store_default_currency_code": spec.store_currency if multi_currency else "",
        "store_default_to_transactional_exchange_rate": rate(spec.exchange_rate if multi_currency else Decimal(1)),
        "custom_status": status_name,
        "customer_locale": "en",
        "external_order_id": spec.external_order_id or "",
    }


def consignments(
    order: dict[str, Any], products: list[dict[str, Any]], store_hash: str, *, embed: bool
) -> dict[str, Any]:
    """``include=consignments`` with ``consignment_structure=object``: one shipping consignment.

    Its line items are links, or with ``embed`` (``consignments.line_items``) the records themselves:
    at most 50, and past that the consignment carries ``__warning__``.
    """
    order_id = order["id"]
    links = [_link(store_hash, f"/orders/{order_id}/products/{p['id']}") for p in products]
    shipping: dict[str, Any] = {
        "id": order_id,
        **order["billing_address"],
        "shipping_method": "Flat Rate",
        "line_items": products[:50] if embed else links,
        "items_total": order["items_total"],
        "items_shipped": order["items_shipped"],
        "base_cost": float(order["base_shipping_cost"]),
        "cost_ex_tax": float(order["shipping_cost_ex_tax"]),
        "cost_inc_tax": float(order["shipping_cost_inc_tax"]),
        "cost_tax": float(order["shipping_cost_tax"]),
        "cost_tax_class_id": 2,
        "base_handling_cost": 0.0,
        "handling_cost_ex_tax": 0.0,
        "handling_cost_inc_tax": 0.0,
        "handling_cost_tax": 0.0,
        "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": order["billing_address"]["country"],
        "shipping_quotes": _link(store_hash, f"/orders/{order_id}/consignments/shipping/{order_id}/shipping_quotes"),
    }
    if embed and len(products) > 50:
        shipping["__warning__"] = {
            "message": "Not all line items of this consignment are returned with this response, only 50 are "
            "included. Please use the `/v2/orders/{order_id}/products` endpoint to fetch all line items."
        }
    return {"pickups": [], "shipping": [shipping], "downloads": [], "email": {"gift_certificates": []}}
