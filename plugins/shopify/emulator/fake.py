"""Realistic random orders: varied buyers, 1-4 line items from a small catalog, consistent totals.

Every name, email (``example.com``/``.net``/``.org``) and phone number (555-01xx) is fictional.
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
    "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen",
    "Kowalski", "Li", "Moreau", "Nakamura", "Okafor", "Patel", "Quintero", "Rossi", "Schmidt", "Tanaka",
    "Ueda", "Varga", "Walsh", "Yilmaz", "Zhang",
)  # fmt: skip
_DOMAINS = ("example.com", "example.net", "example.org")

# (title, vendor, sku stem, unit price, variant titles)
CATALOG = (
    ("Merino Beanie", "North Loom", "BEAN", "28.00", ("Charcoal", "Rust", "Sage")),
    ("Canvas Tote", "Field & Co", "TOTE", "34.50", (None,)),
    ("Ceramic Pour-Over", "Kiln House", "POUR", "42.00", ("White", "Speckled")),
    ("Trail Socks 3-Pack", "North Loom", "SOCK", "19.99", ("S", "M", "L")),
    ("Linen Apron", "Field & Co", "APRN", "39.00", ("Natural", "Indigo")),
    ("Cold Brew Kit", "Kiln House", "BREW", "24.95", (None,)),
    ("Waxed Jacket", "Harbor Outfitters", "JACK", "189.00", ("S", "M", "L", "XL")),
    ("Enamel Mug", "Kiln House", "MUG", "16.00", ("Blue", "Cream")),
    ("Leather Card Wallet", "Harbor Outfitters", "WALL", "55.00", ("Tan", "Black")),
    ("Gift Card", "Demo Shop", "GIFT", "50.00", ("$50",)),
    ("Hand Cream", "Meadow Apothecary", "HCRM", "12.50", ("Lavender", "Unscented")),
    ("Wool Throw", "North Loom", "THRW", "129.00", ("Oat", "Slate")),
)
_NOTES = ("Please gift wrap.", "Leave at the side door.", "Birthday present, no invoice please.")
_FINANCIAL = {
    "PAID": 80,
    "PENDING": 6,
    "AUTHORIZED": 5,
    "PARTIALLY_REFUNDED": 3,
    "REFUNDED": 3,
    "PARTIALLY_PAID": 1,
    "EXPIRED": 1,
    "VOIDED": 1,
}
LINE_COUNTS = (1, 1, 1, 2, 2, 3, 4)
"""How many line items a random order has: one of these, uniformly (two on average)."""
_TAX_RATE = Decimal("0.08")
_FREE_SHIPPING_FROM = Decimal(75)
_SHIPPING = Decimal("6.95")


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))


def random_spec(rng: random.Random, created_at: datetime, *, as_of: datetime) -> OrderSpec:
    """One plausible order placed at ``created_at``, its state as seen at ``as_of``."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
    email = f"{local}{rng.randrange(1, 99)}@{rng.choice(_DOMAINS)}"
    lines = tuple(_random_line(rng) for _ in range(rng.choice(LINE_COUNTS)))
    subtotal = sum((line.price * line.quantity for line in lines), Decimal(0))
    status = rng.choices(list(_FINANCIAL), list(_FINANCIAL.values()))[0]
    cancelled = rng.random() < 0.04
    if cancelled:
        status = rng.choice(("VOIDED", "REFUNDED"))
    age = as_of - created_at
    fulfillment = "UNFULFILLED"
    if not cancelled and status in ("PAID", "PARTIALLY_REFUNDED") and age > timedelta(hours=3):
        fulfillment = rng.choice(("FULFILLED", "FULFILLED", "PARTIALLY_FULFILLED", "UNFULFILLED"))
    guest = rng.random() < 0.08
    return OrderSpec(
        created_at=created_at,
        lines=lines,
        financial_status=status,
        fulfillment_status=fulfillment,
        email=email,
        phone=f"+1 555-01{rng.randrange(100):02d}" if rng.random() < 0.3 else None,
        customer=None if guest else (first, last),
        buyer_name=(first, last),
        shipping=Decimal(0) if subtotal >= _FREE_SHIPPING_FROM else _SHIPPING,
        tax_rate=_TAX_RATE,
        cancelled=cancelled,
        closed=fulfillment == "FULFILLED" and rng.random() < 0.5,
        note=rng.choice(_NOTES) if rng.random() < 0.1 else None,
        tags=("wholesale",) if rng.random() < 0.05 else (),
        updated_after=timedelta(minutes=rng.randrange(1, 240)),
    )


def _random_line(rng: random.Random) -> LineSpec:
    title, vendor, sku, price, variants = rng.choice(CATALOG)
    variant = rng.choice(variants)
    suffix = f"-{variant.upper().replace('$', '')}" if variant else ""
    return LineSpec(
        title=title,
        price=Decimal(price),
        quantity=rng.choice((1, 1, 1, 2, 3)),
        sku=f"{sku}{suffix}",
        variant_title=variant,
        vendor=vendor,
    )
