"""Orders as the Sell Fulfillment API serves them, built field by field from eBay's ``Order`` schema.

No eBay-authored sample exists to copy, so the shape follows the documented schema
and the formats eBay is seen to use: money ``{"value": "75.28", "currency": "EUR"}``
with the value a decimal string that keeps at least one decimal (``"0.0"``,
``"4085.0"``); times ``2024-09-17T12:47:59.000Z``; ``orderId`` in the 2019 format
``NN-NNNNN-NNNNN`` with ``legacyOrderId`` equal to it; 14-digit ``lineItemId``;
12-digit ``legacyItemId``. ``pricingSummary.total`` leaves out eBay-collected
sales tax unless ``fieldGroups=TAX_BREAKDOWN`` asks for it (then ``total``,
``lineItems.total``, ``pricingSummary.tax`` and ``taxes[].taxType`` carry it).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PAYMENT_STATUSES = ("PAID", "PENDING", "FAILED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED")
FULFILLMENT_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "FULFILLED")
CANCEL_STATES = ("NONE_REQUESTED", "IN_PROGRESS", "CANCELED")
FEE_RATE, FEE_FIXED = Decimal("0.1325"), Decimal("0.30")
_CENT = Decimal("0.01")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ITEM_LOCATION = {"location": "San Jose, California", "countryCode": "US", "postalCode": "95125"}


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    country: str = "US"


@dataclass(frozen=True, slots=True)
class BuyerSpec:
    username: str
    full_name: str
    email: str
    address: Address
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line: ``price`` per unit; ``shipping`` and eBay-collected ``sales_tax`` for the whole line."""

    title: str
    price: Decimal
    quantity: int = 1
    sku: str | None = None
    shipping: Decimal = Decimal(0)
    sales_tax: Decimal = Decimal(0)
    variation: tuple[tuple[str, str], ...] = ()
    listing_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything that varies between orders; ids left ``None`` are generated."""

    created_at: datetime
    lines: tuple[LineSpec, ...]
    buyer: BuyerSpec
    currency: str = "USD"
    payment_status: str = "PAID"
    fulfillment_status: str = "NOT_STARTED"
    cancel_state: str = "NONE_REQUESTED"
    note: str | None = None
    order_id: str | None = None
    legacy_order_id: str | None = None
    sales_record_reference: str | None = None
    modified_after: timedelta = timedelta(minutes=2)

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValueError("an eBay order has at least one line item")
        for name, value, allowed in (
            ("payment_status", self.payment_status, PAYMENT_STATUSES),
            ("fulfillment_status", self.fulfillment_status, FULFILLMENT_STATUSES),
            ("cancel_state", self.cancel_state, CANCEL_STATES),
        ):
            if value not in allowed:
                raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")


@dataclass(slots=True)
class StoredOrder:
    """An order as served, with the keys lookups and listings use and its JSON cached per variant."""

    order_id: str
    aliases: tuple[str, ...]
    created: int
    modified: int
    fulfillment_status: str
    total: Decimal
    currency: str
    payload: dict[str, Any]
    _json: dict[tuple[bool, bool], str] = field(default_factory=dict)

    def changed(self) -> None:
        """Call after changing the payload (a refund, a cancellation): the cached JSON is stale."""
        self._json.clear()

    def json(self, *, listing: bool, tax_breakdown: bool) -> str:
        """The order's JSON: ``listing`` empties ``cancelRequests`` as getOrders does."""
        key = (listing and bool(self.payload["cancelStatus"]["cancelRequests"]), tax_breakdown)
        if key not in self._json:
            document = self.document(listing=key[0], tax_breakdown=tax_breakdown)
            self._json[key] = json.dumps(document, separators=(",", ":"))
        return self._json[key]

    def document(self, *, listing: bool, tax_breakdown: bool) -> dict[str, Any]:
        doc = self.payload
        if tax_breakdown:
            doc = copy.deepcopy(doc)
            _add_tax_breakdown(doc)
        if listing and doc["cancelStatus"]["cancelRequests"]:
            doc = {**doc, "cancelStatus": {**doc["cancelStatus"], "cancelRequests": []}}
        return doc


def millis(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime, truncated (eBay keeps times to the millisecond)."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_millis(value: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=value)


def timestamp(moment: datetime) -> str:
    """``2015-08-04T19:09:02.768Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def money_value(value: Decimal) -> str:
    """eBay's decimal string: cents, trailing zeros dropped but one decimal kept (``40.0``, ``11.5``)."""
    text = f"{value.quantize(_CENT, ROUND_HALF_UP).normalize():f}"
    return text if "." in text else f"{text}.0"


def amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"value": money_value(value), "currency": currency}


class OrderBuilder:
    """Turns ``OrderSpec``s into stored orders, drawing ids from a seeded generator."""

    def __init__(self, *, seller: str, seed: int, now: Callable[[], datetime]) -> None:
        self.seller = seller
        self.now = now
        self._rng = random.Random(seed)
        self._used_ids: set[str] = set()
        self._listings: dict[str, str] = {}
        self._next_line = 10084_000_000_000 + self._rng.randrange(10**9)
        self._next_record = 1001

    def build(self, spec: OrderSpec) -> StoredOrder:
        created = from_millis(millis(spec.created_at))
        order_id = spec.order_id or self._new_order_id()
        self._used_ids.add(order_id)
        record = spec.sales_record_reference or str(self._next_record)
        self._next_record += 1
        modified = max(created, min(created + spec.modified_after, self.now()))
        lines = [self._line(index, spec, created) for index in range(len(spec.lines))]
        payload = self._payload(spec, order_id, record, created, modified, lines)
        aliases = [spec.legacy_order_id] if spec.legacy_order_id else []
        if len(lines) == 1:  # an ItemID-TransactionID pair names a single-line order
            aliases.append(f"{lines[0]['legacyItemId']}-{lines[0]['lineItemId']}")
        return StoredOrder(
            order_id=order_id,
            aliases=tuple(aliases),
            created=millis(created),
            modified=millis(modified),
            fulfillment_status=spec.fulfillment_status,
            total=Decimal(payload["pricingSummary"]["total"]["value"]),
            currency=spec.currency,
            payload=payload,
        )

    def _new_order_id(self) -> str:
        while True:
            rng = self._rng
            candidate = f"{rng.randint(1, 27):02d}-{rng.randrange(10000, 100000):05d}-{rng.randrange(100000):05d}"
            if candidate not in self._used_ids:
                return candidate

    def _listing_id(self, line: LineSpec) -> str:
        if line.listing_id:
            return line.listing_id
        if line.title not in self._listings:
            self._listings[line.title] = str(self._rng.randrange(110_000_000_000, 400_000_000_000))
        return self._listings[line.title]

    def _line(self, index: int, spec: OrderSpec, created: datetime) -> dict[str, Any]:
        line = spec.lines[index]
        self._next_line += self._rng.randrange(100, 50_000)
        cost = line.price * line.quantity
        status = spec.fulfillment_status
        if status == "IN_PROGRESS" and len(spec.lines) > 1:
            status = "FULFILLED" if index == 0 else "NOT_STARTED"
        item: dict[str, Any] = {"lineItemId": str(self._next_line), "legacyItemId": self._listing_id(line)}
        if line.variation:
            item["legacyVariationId"] = str(self._rng.randrange(400_000_000_000, 700_000_000_000))
        if line.sku:
            item["sku"] = line.sku
        item |= {
            "title": line.title,
            "lineItemCost": amount(cost, spec.currency),
            "quantity": line.quantity,
            "soldFormat": "FIXED_PRICE",
            "listingMarketplaceId": "EBAY_US",
            "purchaseMarketplaceId": "EBAY_US",
            "lineItemFulfillmentStatus": status,
            "total": amount(cost + line.shipping, spec.currency),
            "deliveryCost": {"shippingCost": amount(line.shipping, spec.currency)},
            "appliedPromotions": [],
            "taxes": [],
        }
        if line.sales_tax:
            item["ebayCollectAndRemitTaxes"] = [
                {
                    "taxType": "STATE_SALES_TAX",
                    "amount": amount(line.sales_tax, spec.currency),
                    "collectionMethod": "NET",
                }
            ]
        if line.variation:
            item["variationAspects"] = [{"name": name, "value": value} for name, value in line.variation]
        item["properties"] = {"buyerProtection": True}
        refunded = cost if spec.payment_status == "FULLY_REFUNDED" else Decimal(0)
        if spec.payment_status == "PARTIALLY_REFUNDED" and index == 0:
            refunded = cost / 2
        if refunded:
            item["refunds"] = [
                {"refundDate": timestamp(created + timedelta(days=1)), "amount": amount(refunded, spec.currency)}
            ]
        item["lineItemFulfillmentInstructions"] = {**_delivery_window(created), "guaranteedDelivery": False}
        item["itemLocation"] = dict(ITEM_LOCATION)
        return item

    def _payload(
        self,
        spec: OrderSpec,
        order_id: str,
        record: str,
        created: datetime,
        modified: datetime,
        lines: list[dict[str, Any]],
    ) -> dict[str, Any]:
        currency = spec.currency
        subtotal = sum((line.price * line.quantity for line in spec.lines), Decimal(0))
        shipping = sum((line.shipping for line in spec.lines), Decimal(0))
        tax = sum((line.sales_tax for line in spec.lines), Decimal(0))
        total = subtotal + shipping
        fee = ((subtotal + shipping + tax) * FEE_RATE + FEE_FIXED).quantize(_CENT, ROUND_HALF_UP)
        payout = total - fee
        order: dict[str, Any] = {
            "orderId": order_id,
            "legacyOrderId": spec.legacy_order_id or order_id,
            "creationDate": timestamp(created),
            "lastModifiedDate": timestamp(modified),
            "orderFulfillmentStatus": spec.fulfillment_status,
            "orderPaymentStatus": spec.payment_status,
            "sellerId": self.seller,
            "buyer": _buyer(spec.buyer),
        }
        if spec.note:
            order["buyerCheckoutNotes"] = spec.note
        order["pricingSummary"] = {
            "priceSubtotal": amount(subtotal, currency),
            "deliveryCost": amount(shipping, currency),
            "total": amount(total, currency),
        }
        order["cancelStatus"] = self._cancel_status(spec, created)
        order["paymentSummary"] = self._payment_summary(spec, created, payout, lines)
        order["fulfillmentStartInstructions"] = [
            {
                "fulfillmentInstructionsType": "SHIP_TO",
                **_delivery_window(created, ship_by=False),
                "ebaySupportedFulfillment": False,
                "shippingStep": {
                    "shipTo": _contact(spec.buyer),
                    "shippingCarrierCode": "USPS",
                    "shippingServiceCode": "USPSPriority",
                },
            }
        ]
        order["fulfillmentHrefs"] = (
            []
            if spec.fulfillment_status == "NOT_STARTED"
            else [f"https://api.ebay.com/sell/fulfillment/v1/order/{order_id}/shipping_fulfillment/9400{record}0000"]
        )
        order["lineItems"] = lines
        if tax:
            order["ebayCollectAndRemitTax"] = True
        order["salesRecordReference"] = record
        order["totalFeeBasisAmount"] = amount(subtotal + shipping + tax, currency)
        order["totalMarketplaceFee"] = amount(fee, currency)
        return order

    def _cancel_status(self, spec: OrderSpec, created: datetime) -> dict[str, Any]:
        status: dict[str, Any] = {"cancelState": spec.cancel_state, "cancelRequests": []}
        if spec.cancel_state == "NONE_REQUESTED":
            return status
        requested = created + timedelta(minutes=30)
        request: dict[str, Any] = {
            "cancelInitiator": "BUYER",
            "cancelReason": "ORDER_MISTAKE",
            "cancelRequestId": str(self._rng.randrange(5_000_000_000, 5_400_000_000)),
            "cancelRequestState": "REQUESTED",
            "cancelRequestedDate": timestamp(requested),
        }
        if spec.cancel_state == "CANCELED":
            completed = requested + timedelta(hours=1)
            request |= {"cancelRequestState": "COMPLETED", "cancelCompletedDate": timestamp(completed)}
            status["cancelledDate"] = timestamp(completed)
        status["cancelRequests"] = [request]
        return status

    def _payment_summary(
        self, spec: OrderSpec, created: datetime, payout: Decimal, lines: list[dict[str, Any]]
    ) -> dict[str, Any]:
        currency = spec.currency
        payment: dict[str, Any] = {
            "paymentMethod": "EBAY",
            "paymentReferenceId": f"{self._rng.randrange(420000, 421000)}_S",
        }
        if spec.payment_status in ("PENDING", "FAILED"):
            payment |= {"amount": amount(payout, currency), "paymentStatus": spec.payment_status}
        else:
            paid_at = created + timedelta(milliseconds=self._rng.randrange(5_000, 20_000))
            payment |= {"paymentDate": timestamp(paid_at), "amount": amount(payout, currency), "paymentStatus": "PAID"}
        refunds = []
        refunded = sum((Decimal(r["amount"]["value"]) for line in lines for r in line.get("refunds", ())), Decimal(0))
        if spec.payment_status == "FULLY_REFUNDED":
            refunded = payout
        if refunded:
            refunded = min(refunded, payout)
            refunds.append(
                {
                    "refundDate": timestamp(created + timedelta(days=1)),
                    "amount": amount(refunded, currency),
                    "refundStatus": "REFUNDED",
                    "refundReferenceId": str(self._rng.randrange(5_300_000_000, 5_400_000_000)),
                }
            )
        return {"totalDueSeller": amount(payout - refunded, currency), "refunds": refunds, "payments": [payment]}


def _buyer(buyer: BuyerSpec) -> dict[str, Any]:
    address = buyer.address
    return {
        "username": buyer.username,
        "taxAddress": {
            "city": address.city,
            "stateOrProvince": address.state,
            "postalCode": address.postal_code,
            "countryCode": address.country,
        },
        "buyerRegistrationAddress": _contact(buyer),
    }


def _contact(buyer: BuyerSpec) -> dict[str, Any]:
    address = buyer.address
    contact: dict[str, Any] = {
        "fullName": buyer.full_name,
        "contactAddress": {
            "addressLine1": address.line1,
            "city": address.city,
            "stateOrProvince": address.state,
            "postalCode": address.postal_code,
            "countryCode": address.country,
        },
    }
    if buyer.phone:
        contact["primaryPhone"] = {"phoneNumber": buyer.phone}
    contact["email"] = buyer.email
    return contact


def _delivery_window(created: datetime, *, ship_by: bool = True) -> dict[str, str]:
    day = created.replace(hour=7, minute=0, second=0, microsecond=0)
    window = {
        "minEstimatedDeliveryDate": timestamp(day + timedelta(days=3)),
        "maxEstimatedDeliveryDate": timestamp(day + timedelta(days=5)),
    }
    if ship_by:
        window["shipByDate"] = timestamp(
            created.replace(hour=23, minute=59, second=59, microsecond=0) + timedelta(days=1)
        )
    return window


def _add_tax_breakdown(order: dict[str, Any]) -> None:
    """What ``fieldGroups=TAX_BREAKDOWN`` changes: collected tax typed and added into the totals."""
    summary = order["pricingSummary"]
    currency = summary["total"]["currency"]
    order_tax = Decimal(0)
    for line in order["lineItems"]:
        collected = line.get("ebayCollectAndRemitTaxes", [])
        line_tax = sum((Decimal(t["amount"]["value"]) for t in collected), Decimal(0))
        line["taxes"] = [{"amount": t["amount"], "taxType": t["taxType"]} for t in collected]
        line["total"] = amount(Decimal(line["total"]["value"]) + line_tax, currency)
        order_tax += line_tax
    if order_tax:
        summary["tax"] = amount(order_tax, currency)
        summary["total"] = amount(Decimal(summary["total"]["value"]) + order_tax, currency)
