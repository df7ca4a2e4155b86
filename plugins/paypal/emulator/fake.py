"""Realistic random checkout orders: varied buyers, 1-3 items from a small catalog, shipping and tax.

Every name and email (``example.com``/``.net``/``.org``) is fictional; streets are made up.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Chloé",
    "Diego",
    "Elif",
    "Farah",
    "Gustav",
    "Hana",
    "Ivan",
    "Jun",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomás",
    "Uma",
    "Wen",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Abara",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Li",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Walsh",
)
_DOMAINS = ("example.com", "example.net", "example.org")
# (city, state, country, postal code)
PLACES = (
    ("Portland", "OR", "US", "97205"),
    ("Austin", "TX", "US", "78701"),
    ("Chicago", "IL", "US", "60607"),
    ("Brooklyn", "NY", "US", "11201"),
    ("Denver", "CO", "US", "80202"),
    ("Toronto", "ON", "CA", "M5V 2T6"),
)
_STREETS = ("Alder St", "Maple Ave", "Harbor Rd", "Juniper Ln", "Cedar Ct", "Willow Way")
# (name, sku, unit price)
CATALOG = (
    ("Merino Beanie", "BEAN-01", "28.00"),
    ("Canvas Tote", "TOTE-02", "34.50"),
    ("Ceramic Pour-Over", "POUR-03", "42.00"),
    ("Trail Socks 3-Pack", "SOCK-04", "19.99"),
    ("Linen Apron", "APRN-05", "39.00"),
    ("Cold Brew Kit", "BREW-06", "24.95"),
    ("Enamel Mug", "MUG-07", "16.00"),
    ("Leather Card Wallet", "WALL-08", "55.00"),
    ("Wool Throw", "THRW-09", "129.00"),
)
_TAX_RATE = Decimal("0.08")
_SHIPPING = Decimal("6.95")
_FREE_SHIPPING_FROM = Decimal(75)


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))


def random_order(rng: random.Random) -> dict[str, Any]:
    """Keyword arguments for ``PayPalEmulator.add_order`` (all but ``created_at``): a paid order."""
    given, surname = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{given}.{surname}").encode("ascii", "ignore").decode().lower()
    city, state, country, postal = rng.choice(PLACES)
    items: list[dict[str, Any]] = []
    for name, sku, price in rng.sample(CATALOG, rng.choice((1, 1, 1, 2, 2, 3))):
        unit = Decimal(price)
        items.append(
            {
                "name": name,
                "price": unit,
                "quantity": rng.choice((1, 1, 1, 2, 3)),
                "sku": sku,
                "tax": (unit * _TAX_RATE).quantize(Decimal("0.01")),
            }
        )
    subtotal = sum((i["price"] * i["quantity"] for i in items), Decimal(0))
    return {
        "items": items,
        "shipping": Decimal(0) if subtotal >= _FREE_SHIPPING_FROM else _SHIPPING,
        "buyer": (given, surname),
        "email": f"{local}{rng.randrange(1, 99)}@{rng.choice(_DOMAINS)}",
        "address": (f"{rng.randrange(10, 9999)} {rng.choice(_STREETS)}", city, state, country, postal),
        "captured_after": timedelta(seconds=rng.randrange(2, 90)),
    }
