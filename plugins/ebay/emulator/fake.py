"""Realistic random eBay orders: varied buyers, 1-3 lines from a small catalog, consistent totals.

Every buyer is fictional: invented names and user ids, relay e-mail addresses at
``members.ebay.com`` made of random hex, street names from a fixed list and
555-01xx phone numbers.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from .orders import Address, BuyerSpec, LineSpec, OrderSpec

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Diego", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kavya", "Liam",
    "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Viktor", "Wen", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Li", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Walsh",
)  # fmt: skip
AREA_CODES = ("217", "512", "503", "614", "813", "303", "919", "608")
STREETS = ("Maple Ave", "Oak St", "Cedar Ln", "Pine Rd", "Elm Ct", "Birch Way", "Willow Dr", "Harbor Blvd")
CITIES = (
    ("Springfield", "IL", "62704"), ("Austin", "TX", "78701"), ("Portland", "OR", "97205"),
    ("Columbus", "OH", "43215"), ("Tampa", "FL", "33602"), ("Denver", "CO", "80202"),
    ("Raleigh", "NC", "27601"), ("Madison", "WI", "53703"),
)  # fmt: skip
# (title, sku stem, unit price, variation name and values)
CATALOG = (
    ("Vintage Polaroid SX-70 Land Camera Tested Working", "CAM-SX70", "189.00", None),
    ("Mechanical Keyboard 87-Key Hot-Swap RGB", "KB-87", "64.99", ("Switch", ("Red", "Brown", "Blue"))),
    ("Cast Iron Skillet 10 inch Pre-Seasoned", "SKL-10", "24.95", None),
    ("Wool Blend Beanie Unisex Winter Hat", "BNE", "14.50", ("Color", ("Charcoal", "Rust", "Navy"))),
    ("USB-C Charging Cable 6ft Braided 2-Pack", "USBC-6", "9.99", None),
    ("LEGO Technic Off-Road Buggy 42124 Sealed", "LEGO-42124", "39.00", None),
    ("Trail Running Shoes Lightweight", "TRS", "72.00", ("US Shoe Size", ("8", "9", "10", "11"))),
    ("Stainless Steel Insulated Bottle 32oz", "BTL-32", "21.75", ("Color", ("Black", "Sage", "White"))),
    ("Graphic Novel Hardcover First Edition", "BOOK-GN1", "32.00", None),
    ("Replacement Remote Control for Smart TV", "RMT-TV", "11.49", None),
)
SALES_TAX_RATE = Decimal("0.0725")
FREE_SHIPPING_FROM = Decimal(50)
SHIPPING = (Decimal("4.95"), Decimal("6.50"), Decimal("8.25"))


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))


def random_buyer(rng: random.Random) -> BuyerSpec:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, state, postal = rng.choice(CITIES)
    return BuyerSpec(
        username=f"{first[0].lower()}{last.lower()}_{rng.randrange(10, 999)}",
        full_name=f"{first} {last}",
        email=f"{rng.getrandbits(80):020x}@members.ebay.com",
        address=Address(f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}", city, state, postal),
        phone=f"{rng.choice(AREA_CODES)}55501{rng.randrange(100):02d}" if rng.random() < 0.7 else None,
    )


def random_spec(rng: random.Random, created_at: datetime, *, currency: str = "USD") -> OrderSpec:
    """One plausible paid, not yet shipped order placed at ``created_at``."""
    lines = tuple(_random_line(rng) for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))))
    subtotal = sum((line.price * line.quantity for line in lines), Decimal(0))
    if subtotal < FREE_SHIPPING_FROM:
        lines = (replace(lines[0], shipping=rng.choice(SHIPPING)), *lines[1:])
    if rng.random() < 0.4:  # eBay collects state sales tax on many US orders
        lines = tuple(replace(line, sales_tax=_tax(line)) for line in lines)
    return OrderSpec(
        created_at=created_at,
        lines=lines,
        buyer=random_buyer(rng),
        currency=currency,
        note="Please ship in a plain box, it is a gift." if rng.random() < 0.08 else None,
        modified_after=timedelta(seconds=rng.randrange(20, 600)),
    )


def _random_line(rng: random.Random) -> LineSpec:
    title, sku, price, variation = rng.choice(CATALOG)
    aspects: tuple[tuple[str, str], ...] = ()
    if variation:
        name, values = variation
        value = rng.choice(values)
        aspects, sku = ((name, value),), f"{sku}-{value.upper()}"
    return LineSpec(
        title=title,
        price=Decimal(price),
        quantity=rng.choice((1, 1, 1, 1, 2, 3)),
        sku=sku if rng.random() < 0.9 else None,
        variation=aspects,
    )


def _tax(line: LineSpec) -> Decimal:
    return (line.price * line.quantity * SALES_TAX_RATE).quantize(Decimal("0.01"))
