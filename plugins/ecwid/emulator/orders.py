"""Building orders in the shape Ecwid's REST API v3 returns them (see tests/samples/ecwid/).

Money is a JSON number (``10``, ``9.09``), times are ``"YYYY-MM-DD HH:MM:SS +0000"`` plus
unix-second timestamps, ``id`` is the seller-visible order id with the store's prefix and
suffix, ``internalId`` (equal to ``orderNumber``) is numeric. The order carries no currency;
the store profile does.
"""

from __future__ import annotations

import random
import string
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .store import StoredOrder

PAYMENT_STATUSES = frozenset(
    {
        "AWAITING_PAYMENT",
        "PAID",
        "CANCELLED",
        "REFUNDED",
        "PARTIALLY_REFUNDED",
        "INCOMPLETE",
        "CUSTOM_PAYMENT_STATUS_1",
        "CUSTOM_PAYMENT_STATUS_2",
        "CUSTOM_PAYMENT_STATUS_3",
    }
)
FULFILLMENT_STATUSES = frozenset(
    {
        "AWAITING_PROCESSING",
        "PROCESSING",
        "SHIPPED",
        "DELIVERED",
        "WILL_NOT_DELIVER",
        "RETURNED",
        "READY_FOR_PICKUP",
        "OUT_FOR_DELIVERY",
        "CUSTOM_FULFILLMENT_STATUS_1",
        "CUSTOM_FULFILLMENT_STATUS_2",
        "CUSTOM_FULFILLMENT_STATUS_3",
    }
)
USD_RATES = {  # what one unit of the store currency is worth in USD, for ``usdTotal``
    "USD": 1.0,
    "EUR": 1.0831463202,
    "GBP": 1.2694118441,
    "CAD": 0.7318840579,
    "AUD": 0.6602641056,
    "JPY": 0.0066737962,
    "INR": 0.0119846603,
    "NZD": 0.6021505376,
}
_CENT = Decimal("0.01")
_UID_ALPHABET = string.ascii_uppercase + string.digits
_CDN = "https://d2j6dbq0eux0bg.cloudfront.net/images"

# Fictional addresses (real places, made-up streets); picked per buyer so an order is reproducible.
ADDRESSES = (
    ("Portland", "US", "United States", "OR", "Oregon", "97205"),
    ("Austin", "US", "United States", "TX", "Texas", "78701"),
    ("Brooklyn", "US", "United States", "NY", "New York", "11201"),
    ("Toronto", "CA", "Canada", "ON", "Ontario", "M5V 2T6"),
    ("Manchester", "GB", "United Kingdom", "", "", "M1 1AE"),
    ("Lyon", "FR", "France", "ARA", "Auvergne-Rhône-Alpes", "69002"),
    ("Valencia", "ES", "Spain", "V", "Valencia", "46001"),
    ("Melbourne", "AU", "Australia", "VIC", "Victoria", "3000"),
)
_STREETS = ("Alder St", "Maple Ave", "Harbor Rd", "Juniper Ln", "Cedar Ct", "Willow Way", "Birch Blvd")


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One ordered product; ``digital`` items need no shipping and carry a download file."""

    name: str
    price: Decimal
    quantity: int = 1
    sku: str = ""
    options: tuple[tuple[str, str], ...] = ()
    weight: Decimal = Decimal(0)
    digital: bool = False


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything needed to build one order.

    ``total`` overrides the computed total (the gap becomes tax, or a discount when negative).
    ``uid`` is the order id without prefix/suffix (default: five random characters, like
    ``K8XTQ``); ``prefix``/``suffix`` default to the store's.
    """

    created_at: datetime
    lines: tuple[LineSpec, ...]
    payment_status: str = "PAID"
    fulfillment_status: str = "AWAITING_PROCESSING"
    email: str = ""
    buyer: tuple[str, str] | None = None
    registered: bool = True
    phone: str = ""
    shipping: Decimal = Decimal(0)
    shipping_method: str = "Standard shipping"
    tax_rate: Decimal = Decimal(0)
    coupon: tuple[str, Decimal] | None = None
    total: Decimal | None = None
    payment_method: str = "Credit or debit card"
    comments: str = ""
    uid: str | None = None
    internal_id: int | None = None
    prefix: str | None = None
    suffix: str | None = None
    updated_after: timedelta = timedelta(0)


def number(amount: Decimal) -> int | float:
    """A money value as Ecwid serializes it: whole amounts as integers, others as floats."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def format_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")


def person(first: str, last: str, phone: str) -> dict[str, Any]:
    """A ``billingPerson``/``shippingPerson`` with a fictional address."""
    seed = zlib.crc32(f"{first} {last}".encode())
    city, country_code, country, state_code, state, postal = ADDRESSES[seed % len(ADDRESSES)]
    return {
        "name": f"{first} {last}",
        "firstName": first,
        "lastName": last,
        "companyName": "",
        "street": f"{100 + seed % 9800} {_STREETS[seed % len(_STREETS)]}",
        "city": city,
        "countryCode": country_code,
        "countryName": country,
        "postalCode": postal,
        "stateOrProvinceCode": state_code,
        "stateOrProvinceName": state,
        "phone": phone,
    }


class OrderBuilder:
    """Allocates ids (unique per store) and turns ``OrderSpec``s into ``StoredOrder``s."""

    def __init__(
        self,
        *,
        store_id: int,
        currency: str,
        prefix: str,
        suffix: str,
        now: Callable[[], datetime],
        seed: int = 0,
    ) -> None:
        if currency not in USD_RATES:
            raise ValueError(f"unsupported currency {currency!r}; one of {', '.join(USD_RATES)}")
        self.store_id = store_id
        self.currency = currency
        self.prefix = prefix
        self.suffix = suffix
        self.now = now
        self._rng = random.Random(seed)
        self._uids: set[str] = set()
        self._next_internal = 514_270_031
        self._next_line = 1_828_115_520

    def build(self, spec: OrderSpec) -> StoredOrder:
        if spec.payment_status not in PAYMENT_STATUSES:
            raise ValueError(f"unknown payment status {spec.payment_status!r}")
        if spec.fulfillment_status not in FULFILLMENT_STATUSES:
            raise ValueError(f"unknown fulfillment status {spec.fulfillment_status!r}")
        if spec.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        if not spec.lines:
            raise ValueError("an order needs at least one line")
        uid = self._uid(spec.uid)
        internal_id = spec.internal_id if spec.internal_id is not None else self._internal_id()
        prefix = self.prefix if spec.prefix is None else spec.prefix
        suffix = self.suffix if spec.suffix is None else spec.suffix
        order_id = f"{prefix}{uid}{suffix}"
        created = spec.created_at.astimezone(UTC).replace(microsecond=0)
        updated = max(created, min(created + spec.updated_after, self.now().astimezone(UTC).replace(microsecond=0)))

        items, subtotal, item_tax = self._items(spec)
        coupon = spec.coupon[1] if spec.coupon else Decimal(0)
        shipping_tax = (spec.shipping * spec.tax_rate).quantize(_CENT, ROUND_HALF_UP)
        tax, discount = item_tax + shipping_tax, Decimal(0)
        if spec.total is not None:  # the gap to the requested total becomes tax, or a discount
            gap = spec.total - (subtotal + spec.shipping - coupon)
            tax, discount = (gap, Decimal(0)) if gap >= 0 else (Decimal(0), -gap)
            shipping_tax = Decimal(0)
        total = subtotal + spec.shipping + tax - coupon - discount
        refunded = self._refunded(spec.payment_status, total, items)
        physical = any(not line.digital for line in spec.lines)

        payload: dict[str, Any] = {
            "id": order_id,
            "internalId": internal_id,
            "refundedAmount": number(refunded),
            "subtotal": number(subtotal),
            "subtotalWithoutTax": number(subtotal),
            "total": number(total),
            "totalWithoutTax": number(total - tax),
            "giftCardRedemption": 0,
            "totalBeforeGiftCardRedemption": number(total),
            "giftCardDoubleSpending": False,
            "email": spec.email,
            "paymentMethod": spec.payment_method,
            "tax": number(tax),
            "customerTaxExempt": False,
            "customerTaxId": "",
            "customerTaxIdValid": False,
            "b2b_b2c": "b2c",
            "reversedTaxApplied": False,
            "customerRequestedInvoice": False,
            "customerFiscalCode": "",
            "electronicInvoicePecEmail": "",
            "electronicInvoiceSdiCode": "",
            "ipAddress": f"203.0.113.{internal_id % 250 + 1}",
            "couponDiscount": number(coupon),
            "paymentStatus": spec.payment_status,
            "fulfillmentStatus": spec.fulfillment_status,
            "orderNumber": internal_id,
            "vendorOrderNumber": order_id,
            "publicUid": uid,
            "refererUrl": f"https://store{self.store_id}.company.site/products/",
            "orderComments": spec.comments,
            "volumeDiscount": 0,
            "membershipBasedDiscount": 0,
            "totalAndMembershipBasedDiscount": 0,
            "customDiscount": [],
            "customSurcharges": [],
            "discount": number(discount),
            "usdTotal": float(total) * USD_RATES[self.currency],
            "globalReferer": "",
            "createDate": format_date(created),
            "updateDate": format_date(updated),
            "createTimestamp": int(created.timestamp()),
            "updateTimestamp": int(updated.timestamp()),
            "items": items,
            "refunds": self._refunds(refunded, updated),
        }
        if spec.registered and spec.buyer:
            payload["customerId"] = 270_000_000 + zlib.crc32(f"{spec.buyer}{spec.email}".encode()) % 9_000_000
        if spec.coupon:
            payload["discountCoupon"] = self._coupon(*spec.coupon, created)
        if spec.buyer:
            payload["billingPerson"] = person(*spec.buyer, spec.phone)
            if physical:
                payload["shippingPerson"] = person(*spec.buyer, spec.phone)
        if physical:
            payload["shippingOption"] = {
                "shippingMethodId": f"{zlib.crc32(spec.shipping_method.encode()) % 9000 + 1000}-1709547151586",
                "shippingMethodName": spec.shipping_method,
                "shippingRate": number(spec.shipping),
                "shippingRateWithoutTax": number(spec.shipping),
                "isPickup": False,
                "fulfillmentType": "SHIPPING",
                "isShippingLimit": False,
            }
        payload.update(
            {
                "predictedPackage": [],
                "shippingLabelAvailableForShipment": False,
                "shipments": [],
                "additionalInfo": {},
                "paymentParams": {},
                "extraFields": {},
                "ticket": -(zlib.crc32(order_id.encode()) % 900_000_000 + 100_000_000),
                "hidden": False,
                "taxesOnShipping": (
                    [{"name": "Sales tax", "value": number(spec.tax_rate * 100), "total": number(shipping_tax)}]
                    if shipping_tax
                    else []
                ),
                "disableAllCustomerNotifications": False,
                "externalFulfillment": False,
                "utmDataSets": [],
                "invoices": [],
                "pricesIncludeTax": False,
                "loyalty": {"customerEnabled": False, "earned": 0, "balance": 0},
                "customerUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
            }
        )
        return StoredOrder(
            payload=payload,
            order_id=order_id,
            uid=uid,
            internal_id=internal_id,
            created=int(created.timestamp()),
            updated=int(updated.timestamp()),
            payment_status=spec.payment_status,
            fulfillment_status=spec.fulfillment_status,
            email=spec.email.lower(),
        )

    def _uid(self, wanted: str | None) -> str:
        if wanted is not None:
            uid = wanted
        else:
            while (uid := "".join(self._rng.choices(_UID_ALPHABET, k=5))) in self._uids:
                pass
        self._uids.add(uid)
        return uid

    def _internal_id(self) -> int:
        internal_id = self._next_internal
        self._next_internal += 1 + self._rng.randrange(400)
        return internal_id

    def _items(self, spec: OrderSpec) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
        items, subtotal, tax = [], Decimal(0), Decimal(0)
        for line in spec.lines:
            if line.quantity < 1:
                raise ValueError("line item quantity must be at least 1")
            price = line.price.quantize(_CENT, ROUND_HALF_UP)
            line_total = price * line.quantity
            line_tax = (
                Decimal(0) if spec.total is not None else (line_total * spec.tax_rate).quantize(_CENT, ROUND_HALF_UP)
            )
            subtotal, tax = subtotal + line_total, tax + line_tax
            items.append(self._item(spec, line, price, line_tax))
        return items, subtotal, tax

    def _item(self, spec: OrderSpec, line: LineSpec, price: Decimal, tax: Decimal) -> dict[str, Any]:
        line_id = self._next_line
        self._next_line += 1 + self._rng.randrange(900)
        product_id = 692_000_000 + zlib.crc32(line.name.encode()) % 900_000
        image = 4_519_591_000 + zlib.crc32(line.name.encode()) % 900_000
        item: dict[str, Any] = {
            "id": line_id,
            "productId": product_id,
            "categoryId": 0,
            "price": number(price),
            "priceWithoutTax": number(price),
            "productPrice": number(price),
            "sku": line.sku,
            "quantity": line.quantity,
            "shortDescription": "",
            "shortDescriptionTranslated": {"en": ""},
            "tax": number(tax),
            "shipping": 0,
            "quantityInStock": 0,
            "name": line.name,
            "nameTranslated": {"en": line.name},
            "isShippingRequired": not line.digital,
            "weight": number(line.weight),
            "trackQuantity": False,
            "fixedShippingRateOnly": False,
            "imageUrl": f"{_CDN}/{self.store_id}/{image}.jpg",
            "smallThumbnailUrl": f"{_CDN}/{self.store_id}/{image + 1}.jpg",
            "hdThumbnailUrl": f"{_CDN}/{self.store_id}/{image + 2}.jpg",
            "fixedShippingRate": 0,
            "digital": line.digital,
            "productAvailable": True,
            "couponApplied": spec.coupon is not None,
            "files": [self._file(product_id, line_id, spec.created_at)] if line.digital else [],
            "taxes": [self._tax(spec.tax_rate, tax)] if tax else [],
            "dimensions": {"length": 0, "width": 0, "height": 0},
            "discounts": [],
            "discountsAllowed": True,
            "taxable": True,
            "giftCard": False,
            "recurringTaxIds": [],
            "isCustomerSetPrice": False,
            "attributes": [],
        }
        if line.options:
            item["selectedOptions"] = [
                {"name": name, "value": value, "valuesArray": [value], "type": "CHOICE"} for name, value in line.options
            ]
        return item

    def _file(self, product_id: int, line_id: int, created: datetime) -> dict[str, Any]:
        file_id = 96_178_000 + line_id % 900_000
        return {
            "productFileId": file_id,
            "maxDownloads": 0,
            "remainingDownloads": 0,
            "expire": format_date(created + timedelta(days=3)),
            "name": "download.pdf",
            "description": "",
            "size": 12006 + line_id % 50_000,
            "adminUrl": f"https://app.ecwid.com/api/v3/{self.store_id}/products/{product_id}/files/{file_id}",
            "customerUrl": f"https://app.ecwid.com/download/{self.store_id}/{line_id:032x}/download.pdf",
        }

    @staticmethod
    def _tax(rate: Decimal, total: Decimal) -> dict[str, Any]:
        return {
            "name": "Sales tax",
            "value": number(rate * 100),
            "total": number(total),
            "taxOnDiscountedSubtotal": number(total),
            "taxOnShipping": 0,
            "includeInPrice": False,
            "sourceTaxRateId": 947_976_181,
            "sourceTaxRateType": "MANUAL",
            "taxClassName": "Standard rate",
            "taxClassCode": "default",
        }

    def _coupon(self, code: str, amount: Decimal, created: datetime) -> dict[str, Any]:
        return {
            "id": 215_189_000 + zlib.crc32(code.encode()) % 900_000,
            "name": f"{code} coupon",
            "code": code,
            "discountType": "ABS",
            "status": "ACTIVE",
            "discount": number(amount),
            "launchDate": format_date(created - timedelta(days=30)),
            "usesLimit": "UNLIMITED",
            "repeatCustomerOnly": False,
            "applicationLimit": "UNLIMITED",
            "creationDate": format_date(created - timedelta(days=30)),
            "updateDate": format_date(created - timedelta(days=30)),
            "orderCount": 0,
        }

    @staticmethod
    def _refunded(status: str, total: Decimal, items: list[dict[str, Any]]) -> Decimal:
        if status == "REFUNDED":
            return total
        if status == "PARTIALLY_REFUNDED":
            first = Decimal(str(items[0]["price"]))
            return first if first < total else (total / 2).quantize(_CENT)
        return Decimal(0)

    @staticmethod
    def _refunds(amount: Decimal, when: datetime) -> list[dict[str, Any]]:
        if not amount:
            return []
        return [{"date": format_date(when), "source": "CP", "reason": "Customer request", "amount": number(amount)}]
