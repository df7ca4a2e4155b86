"""Realistic random orders: varied buyers, 1-4 products from a small catalog, consistent totals.

Every name, email (``example.com``/``.net``/``.org``), phone number (555-01xx) and IP address
(203.0.113.0/24) is fictional.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal

from .orders import LineSpec, OrderSpec

FIRST_NAMES = (
    "Amara", "Ben", "Chloé", "Diego", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kavya", "Liam",
    "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor", "Wen", "Ximena",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen",
    "Kowalski", "Li", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Zhang",
)  # fmt: skip
_DOMAINS = ("example.com", "example.net", "example.org")

# (name, sku, price, weight kg, option name, option values, digital)
CATALOG = (
    ("Sourdough Starter Kit", "SDK-01", "24.00", "0.6", None, (), False),
    ("Hand-thrown Mug", "MUG-02", "18.50", "0.4", "Glaze", ("Ash", "Celadon", "Tenmoku"), False),
    ("Beeswax Candle", "CND-03", "12.00", "0.3", "Scent", ("Unscented", "Pine"), False),
    ("Linen Tea Towel", "TWL-04", "9.90", "0.1", "Colour", ("Oat", "Rust"), False),
    ("Field Notebook", "NTB-05", "7.25", "0.2", None, (), False),
    ("Cast Iron Skillet", "SKL-06", "64.00", "2.4", "Size", ('8"', '10"', '12"'), False),
    ("Wool Blanket", "BLK-07", "129.00", "1.8", "Colour", ("Moss", "Slate"), False),
    ("Pottery Glazing Guide (PDF)", "PDF-08", "15.00", "0", None, (), True),
    ("Knife Sharpening Course", "VID-09", "39.00", "0", None, (), True),
    ("Gift Card", "GIFT-10", "50.00", "0", "Amount", ("50",), True),
)
_PAYMENT_METHODS = ("Credit or debit card", "Credit or debit card", "PayPal", "Pay by bank transfer")
_SHIPPING_METHODS = (("Standard shipping", "6.95"), ("Express", "14.50"), ("Local delivery", "4.00"))
_PAYMENT = {"PAID": 84, "AWAITING_PAYMENT": 7, "PARTIALLY_REFUNDED": 3, "REFUNDED": 3, "CANCELLED": 3}
_COMMENTS = ("Please gift wrap.", "Leave at the side door.", "Birthday present, no invoice please.")
_TAX_RATE = Decimal("0.08")
_FREE_SHIPPING_FROM = Decimal(75)


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))


def random_spec(rng: random.Random, created_at: datetime, *, as_of: datetime) -> OrderSpec:
    """One plausible order placed at ``created_at``, its state as seen at ``as_of``."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
    lines = tuple(_random_line(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))))
    subtotal = sum((line.price * line.quantity for line in lines), Decimal(0))
    physical = any(not line.digital for line in lines)
    method, rate = rng.choice(_SHIPPING_METHODS)
    status = rng.choices(list(_PAYMENT), list(_PAYMENT.values()))[0]
    return OrderSpec(
        created_at=created_at,
        lines=lines,
        payment_status=status,
        fulfillment_status=_fulfillment(rng, status, physical, as_of - created_at),
        email=f"{local}{rng.randrange(1, 99)}@{rng.choice(_DOMAINS)}",
        buyer=(first, last),
        registered=rng.random() < 0.7,
        phone=f"+1 555-01{rng.randrange(100):02d}" if rng.random() < 0.6 else "",
        shipping=Decimal(0) if not physical or subtotal >= _FREE_SHIPPING_FROM else Decimal(rate),
        shipping_method=method,
        tax_rate=_TAX_RATE,
        coupon=("WELCOME5", Decimal(5)) if subtotal > 20 and rng.random() < 0.1 else None,
        payment_method=rng.choice(_PAYMENT_METHODS),
        comments=rng.choice(_COMMENTS) if rng.random() < 0.1 else "",
        updated_after=timedelta(minutes=rng.randrange(1, 240)),
    )


def _fulfillment(rng: random.Random, status: str, physical: bool, age: timedelta) -> str:
    if status in ("CANCELLED", "REFUNDED"):
        return "WILL_NOT_DELIVER"
    if status != "PAID" or age < timedelta(hours=2):
        return "AWAITING_PROCESSING"
    if not physical:
        return "DELIVERED"
    return rng.choice(("AWAITING_PROCESSING", "PROCESSING", "SHIPPED", "SHIPPED", "DELIVERED"))


def _random_line(rng: random.Random) -> LineSpec:
    name, sku, price, weight, option, values, digital = rng.choice(CATALOG)
    chosen = rng.choice(values) if values else None
    return LineSpec(
        name=name,
        price=Decimal(price),
        quantity=1 if digital else rng.choice((1, 1, 1, 2, 3)),
        sku=sku,
        options=((option, chosen),) if option and chosen else (),
        weight=Decimal(weight),
        digital=digital,
    )
