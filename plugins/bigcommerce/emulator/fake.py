"""Realistic random orders: varied buyers and statuses, 1-4 catalog products, consistent totals.

Every name, email (``example.com``/``.net``/``.org``), street and phone number (555-01xx) is fictional.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal

from .orders import Buyer, LineSpec, OrderSpec

FIRST_NAMES = (
    "Amara", "Ben", "Chloé", "Diego", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kavya", "Liam",
    "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor", "Wen", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen",
    "Kowalski", "Li", "Moreau", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Walsh", "Zhang",
)  # fmt: skip
_DOMAINS = ("example.com", "example.net", "example.org")
# (city, state, zip, country, ISO2); real places, made-up streets
_PLACES = (
    ("Austin", "Texas", "78701", "United States", "US"),
    ("Portland", "Oregon", "97205", "United States", "US"),
    ("Chicago", "Illinois", "60607", "United States", "US"),
    ("Brooklyn", "New York", "11201", "United States", "US"),
    ("Denver", "Colorado", "80202", "United States", "US"),
    ("Toronto", "Ontario", "M5V 2T6", "Canada", "CA"),
)
_STREETS = ("Alder St", "Maple Ave", "Harbor Rd", "Juniper Ln", "Cedar Ct", "Willow Way")

# (name, brand, sku stem, unit price, catalog product id, option label, option values)
CATALOG = (
    ("Fog Linen Chambray Towel", "Fog Linen", "TOWEL", "49.00", 77, "Color", ("Beige Stripe", "Navy")),
    ("Able Brewing System", "Able", "ABS", "225.00", 86, "", ()),
    ("Orbit Terrarium - Large", "Common Good", "OTL", "109.00", 80, "", ()),
    ("Canvas Laundry Cart", "Common Good", "CLC", "200.00", 81, "", ()),
    ("Chemex Coffeemaker 3 Cup", "Chemex", "CC3C", "49.50", 88, "", ()),
    ("Dustpan & Brush", "Iris Hantverk", "DPB", "34.95", 93, "", ()),
    ("Sodling Tee", "Sodling", "SDT", "28.00", 107, "Size", ("S", "M", "L", "XL")),
    ("Tiered Wire Basket", "OFS", "TWB", "119.95", 97, "", ()),
    ("Utility Caddy", "OFS", "OFSUC", "45.95", 104, "", ()),
    ("Smith Journal 13", "Smith", "SM13", "25.00", 111, "Cover", ("Black", "Natural")),
)
# status_id -> weight; shipped/completed statuses only for orders more than three hours old
_STATUSES = {11: 60, 7: 8, 9: 6, 1: 4, 12: 2, 14: 3, 4: 3, 5: 2, 6: 1}
_LATER_STATUSES = {2: 12, 10: 6}
_PAYMENT_METHODS = ("Credit Card", "Credit Card", "Credit Card", "PayPal", "Apple Pay")
_MESSAGES = ("Please gift wrap.", "Leave at the side door.", "Birthday present, no invoice please.")
_TAX_RATE = Decimal("0.0825")
_FREE_SHIPPING_FROM = Decimal(75)
_SHIPPING = Decimal("7.95")


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted((start + timedelta(seconds=rng.randrange(span))).replace(microsecond=0) for _ in range(count))


def random_spec(
    rng: random.Random,
    created_at: datetime,
    *,
    as_of: datetime,
    currency: str = "USD",
    display_currency: str | None = None,
) -> OrderSpec:
    """One plausible storefront order placed at ``created_at`` in a ``currency`` store, as seen at ``as_of``."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
    city, state, zip_code, country, iso2 = rng.choice(_PLACES)
    buyer = Buyer(
        first_name=first,
        last_name=last,
        email=f"{local}{rng.randrange(1, 99)}@{rng.choice(_DOMAINS)}",
        phone=f"555-01{rng.randrange(100):02d}" if rng.random() < 0.6 else "",
        street=f"{rng.randrange(10, 9999)} {rng.choice(_STREETS)}",
        city=city,
        state=state,
        zip=zip_code,
        country=country,
        country_iso2=iso2,
        customer_id=0 if rng.random() < 0.15 else rng.randrange(1, 5000),
    )
    lines = tuple(_random_line(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))))
    subtotal = sum((line.price * line.quantity for line in lines), Decimal(0))
    weights = dict(_STATUSES)
    if as_of - created_at > timedelta(hours=3):
        weights.update(_LATER_STATUSES)
    status_id = rng.choices(list(weights), list(weights.values()))[0]
    return OrderSpec(
        created_at=created_at,
        lines=lines,
        buyer=buyer,
        status_id=status_id,
        payment_method=rng.choice(_PAYMENT_METHODS),
        shipping=Decimal(0) if subtotal >= _FREE_SHIPPING_FROM else _SHIPPING,
        tax_rate=_TAX_RATE,
        discount=Decimal(5) if rng.random() < 0.1 else Decimal(0),
        customer_message=rng.choice(_MESSAGES) if rng.random() < 0.1 else "",
        currency=currency,
        display_currency=display_currency,
        store_currency=currency,
        modified_after=timedelta(minutes=rng.randrange(0, 120)),
    )


def _random_line(rng: random.Random) -> LineSpec:
    name, brand, sku, price, product_id, label, values = rng.choice(CATALOG)
    quantity = rng.choice((1, 1, 1, 2, 3))
    if not values:
        return LineSpec(name, Decimal(price), quantity, sku=sku, product_id=product_id, brand=brand)
    index = rng.randrange(len(values))
    return LineSpec(
        name=name,
        price=Decimal(price),
        quantity=quantity,
        sku=f"{sku}-{values[index][:3].upper()}",
        product_id=product_id,
        variant_id=product_id * 10 + index,
        brand=brand,
        options=((label, values[index]),),
    )
