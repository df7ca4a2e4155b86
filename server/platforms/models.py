"""Normalized order types every connector returns.

Construction validates: money is ``Decimal`` with an ISO-4217 code, times are
timezone-aware (stored in UTC), platform ids are non-empty strings. A connector
that maps a payload wrongly fails here, at the trust boundary, not later in the
database.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

__all__ = ["Buyer", "CredentialField", "LineItem", "Money", "Order", "PaymentStatus"]

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class PaymentStatus(enum.Enum):
    """Where the buyer's payment stands, in the platform-neutral vocabulary."""

    PAID = "PAID"
    PENDING = "PENDING"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"
    VOIDED = "VOIDED"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Floats are refused: convert with ``Decimal(str(x))``."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise ValueError(f"Money.amount must be a finite Decimal, got {self.amount!r}")
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise ValueError(f"Money.currency must be an ISO-4217 code, got {self.currency!r}")


@dataclass(frozen=True, slots=True)
class Buyer:
    """Who placed the order, as far as the platform tells."""

    name: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of an order: ``total`` is what the buyer pays for the line."""

    name: str
    quantity: int
    unit_price: Money
    total: Money
    sku: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool):
            raise ValueError(f"LineItem.quantity must be an int, got {self.quantity!r}")


@dataclass(frozen=True, slots=True)
class Order:
    """One order as the platform reports it, normalized.

    ``order_id`` is the platform's own stable id (the key for deduplication);
    ``order_number`` is what the seller sees ("#1001"), equal to ``order_id``
    where the platform has only one id. ``placed_at`` is the platform's creation
    time, converted to UTC. ``raw`` is the platform's payload, kept for View.

    What the payment guard reads (a seller's accept releases goods): ``payment_status``;
    ``platform_status``, the platform's own word for the order's state as it sent it
    ("paid", "processing", "COMPLETED" ...); ``canceled``, true once the platform
    canceled the order (whatever its payment); ``test_order``, true for an order the
    platform marks as a test or sandbox one.
    """

    order_id: str
    order_number: str
    placed_at: datetime
    total: Money
    payment_status: PaymentStatus = PaymentStatus.UNKNOWN
    buyer: Buyer = field(default_factory=Buyer)
    line_items: tuple[LineItem, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)
    platform_status: str | None = None
    canceled: bool = False
    test_order: bool = False

    def __post_init__(self) -> None:
        for name in ("order_id", "order_number"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Order.{name} must be a non-empty string, got {value!r}")
        if not isinstance(self.placed_at, datetime) or self.placed_at.utcoffset() is None:
            raise ValueError(f"Order.placed_at must be timezone-aware, got {self.placed_at!r}")
        object.__setattr__(self, "placed_at", self.placed_at.astimezone(UTC))
        object.__setattr__(self, "line_items", tuple(self.line_items))
        if not isinstance(self.payment_status, PaymentStatus):
            raise ValueError(f"Order.payment_status must be a PaymentStatus, got {self.payment_status!r}")
        if not self.raw:
            raise ValueError("Order.raw must hold the platform's payload")
        if self.platform_status is not None and not isinstance(self.platform_status, str):
            raise ValueError(f"Order.platform_status must be a string or None, got {self.platform_status!r}")
        for name in ("canceled", "test_order"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"Order.{name} must be a bool, got {getattr(self, name)!r}")


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One value a seller enters to connect a store (shop domain, API key, ...).

    ``url=True`` marks a URL the connector sends requests to (a self-hosted shop's
    address): the core holds it to the address rules of ``apiBaseUrl`` when a store
    is connected or updated (``https://``, public addresses only, unless the
    operator allows local ones), after ``check_credentials`` normalized it.
    """

    name: str
    label: str
    secret: bool = False
    required: bool = True
    url: bool = False
