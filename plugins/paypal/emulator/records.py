"""The emulated account's checkout orders, their captures and refunds (values, not JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .formats import quantize

ORDER_STATUSES = frozenset({"CREATED", "SAVED", "APPROVED", "VOIDED", "COMPLETED", "PAYER_ACTION_REQUIRED"})
"""Orders v2 ``status`` values."""
CAPTURE_STATUSES = frozenset({"COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "FAILED"})
"""Payments v2 capture ``status`` values."""

_FIXED_FEE = {"USD": "0.49", "EUR": "0.39", "GBP": "0.30", "CAD": "0.59", "AUD": "0.59", "JPY": "40"}
_FEE_RATE = Decimal("0.0349")


def paypal_fee(gross: Decimal, currency: str) -> Decimal:
    """PayPal's standard checkout fee: 3.49% plus a fixed amount per currency."""
    return quantize(gross * _FEE_RATE + Decimal(_FIXED_FEE.get(currency, "0.49")), currency)


def order_total(items: tuple[Item, ...], shipping: Decimal, currency: str) -> Decimal:
    """What the buyer pays: items, their tax, and shipping."""
    return quantize(
        sum((i.unit_price * i.quantity + i.tax * i.quantity for i in items), Decimal(0)) + shipping, currency
    )


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a purchase unit; ``tax`` is per unit."""

    name: str
    unit_price: Decimal
    quantity: int = 1
    sku: str | None = None
    tax: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Buyer:
    """The payer and where the goods ship to."""

    given_name: str
    surname: str
    email: str
    payer_id: str
    country_code: str = "US"
    line1: str = "2211 N First Street"
    city: str = "San Jose"
    state: str = "CA"
    postal_code: str = "95131"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}"


@dataclass(frozen=True, slots=True)
class Capture:
    """The captured payment: the transaction a seller sees in PayPal's activity."""

    id: str
    status: str
    amount: Decimal
    fee: Decimal
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: Decimal
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PayPalOrder:
    """A checkout order as stored; ``display_row`` adds a non-balance-affecting report row sharing the capture's id;
    ``webhook_lost``: PayPal's deliveries of its events never reached the listener (the events list still has them)."""

    id: str
    status: str
    intent: str
    created_at: datetime
    updated_at: datetime
    currency: str
    items: tuple[Item, ...]
    shipping: Decimal
    buyer: Buyer | None
    capture: Capture | None
    refunds: tuple[Refund, ...] = ()
    invoice_id: str | None = None
    custom_id: str | None = None
    description: str | None = None
    display_row: bool = False
    webhook_lost: bool = False

    @property
    def item_total(self) -> Decimal:
        return sum((i.unit_price * i.quantity for i in self.items), Decimal(0))

    @property
    def tax_total(self) -> Decimal:
        return sum((i.tax * i.quantity for i in self.items), Decimal(0))

    @property
    def total(self) -> Decimal:
        return order_total(self.items, self.shipping, self.currency)
