"""Realistic random WooCommerce orders: buyers in several countries, WooCommerce's sample catalog, US sales tax.

Every name, email (``example.com``/``.net``/``.org``), phone number (555-01xx) and
IP address (documentation ranges) is fictional.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal

from .orders import Address, LineSpec, OrderSpec, TaxRate

__all__ = ["draft_spec", "random_spec", "random_times"]

_FIRST_NAMES = (
    "Aiko", "Bruno", "Camila", "Dmitri", "Esra", "Felix", "Grace", "Hugo", "Isabela", "Jonas", "Keira", "Luca",
    "Mei", "Nadia", "Oscar", "Paula", "Rafael", "Sofia", "Theo", "Valentina", "Wanjiru", "Yara", "Zane",
)  # fmt: skip
_LAST_NAMES = (
    "Almeida", "Becker", "Chen", "Dlamini", "Evans", "Ferreira", "Gallagher", "Hoffmann", "Iyer", "Johansson",
    "Kim", "Lopez", "Mbeki", "Novak", "O'Brien", "Petrov", "Russo", "Silva", "Thompson", "Weber",
)  # fmt: skip
_DOMAINS = ("example.com", "example.net", "example.org")
_STREETS = ("Market St", "Oak Avenue", "High Street", "Rua Augusta", "Hauptstraße", "King St W", "Maple Drive")

# (country, state, city, postcode pattern, tax rate or None)
_PLACES = (
    ("US", "CA", "San Francisco", "941##", TaxRate(1, "US-CA-STATE TAX-1", "State Tax", Decimal("0.0725"))),
    ("US", "NY", "New York", "100##", TaxRate(2, "US-NY-SALES TAX-1", "Sales Tax", Decimal("0.08875"))),
    ("US", "TX", "Austin", "787##", TaxRate(3, "US-TX-STATE TAX-1", "State Tax", Decimal("0.0625"))),
    ("US", "WA", "Seattle", "981##", TaxRate(4, "US-WA-STATE TAX-1", "State Tax", Decimal("0.065"))),
    ("CA", "ON", "Toronto", "M5V #A#", None),
    ("GB", "", "London", "SW1A #AA", None),
    ("DE", "BE", "Berlin", "10###", None),
    ("BR", "RJ", "Rio de Janeiro", "20###-000", None),
    ("AU", "NSW", "Sydney", "20##", None),
)

# (name, sku, unit price, product id, variations: (label, variation id, attribute key, attribute value))
_CATALOG: tuple[tuple[str, str, str, int, tuple[tuple[str, int, str, str], ...]], ...] = (
    ("Hoodie with Logo", "woo-hoodie-with-logo", "45.00", 35, ()),
    (
        "V-Neck T-Shirt",
        "woo-vneck-tee",
        "18.00",
        12,
        (("Red", 27, "pa_color", "red"), ("Green", 28, "pa_color", "green"), ("Blue", 29, "pa_color", "blue")),
    ),
    ("Beanie", "woo-beanie", "18.00", 15, ()),
    ("Belt", "woo-belt", "55.00", 16, ()),
    ("Cap", "woo-cap", "16.00", 17, ()),
    ("Sunglasses", "woo-sunglasses", "90.00", 18, ()),
    ("Long Sleeve Tee", "woo-long-sleeve-tee", "25.00", 20, ()),
    ("Polo", "woo-polo", "20.00", 21, ()),
    ("Album", "woo-album", "15.00", 22, ()),
    ("Single", "woo-single", "2.00", 23, ()),
    ("T-Shirt with Logo", "Woo-tshirt-logo", "18.00", 36, ()),
    ("WordPress Pennant", "wp-pennant", "11.05", 39, ()),
    (
        "Hoodie",
        "woo-hoodie",
        "42.00",
        13,
        (("Blue, No", 31, "pa_color", "blue"), ("Green, Yes", 32, "pa_color", "green")),
    ),
)
_ONLINE_PAYMENTS = (("stripe", "Credit Card (Stripe)"), ("ppcp-gateway", "PayPal"))
_BANK_TRANSFER = ("bacs", "Direct bank transfer")
_CASH_ON_DELIVERY = ("cod", "Cash on delivery")
_STATUSES = {"processing": 55, "completed": 22, "on-hold": 7, "pending": 5, "cancelled": 4, "refunded": 3, "failed": 4}
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1"
    ),
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
)
_NOTES = ("Please leave the parcel with the neighbour.", "Gift, no prices on the packing slip please.")
_FREE_SHIPPING_FROM = Decimal(100)


def random_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` sorted whole-second instants in ``[start, end)``."""
    span = max(int((end - start).total_seconds()), 1)
    return sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))


def _digits(rng: random.Random, pattern: str) -> str:
    digits = iter(rng.choices("0123456789", k=pattern.count("#")))
    return "".join(next(digits) if c == "#" else c for c in pattern)


def _buyer(rng: random.Random) -> tuple[Address, TaxRate | None]:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
    country, state, city, postcode, tax = rng.choice(_PLACES)
    address = Address(
        first_name=first,
        last_name=last,
        company=rng.choice(("", "", "", "Northwind Traders", "Globex")),
        address_1=f"{rng.randrange(1, 999)} {rng.choice(_STREETS)}",
        address_2=rng.choice(("", "", f"Apt {rng.randrange(1, 40)}")),
        city=city,
        state=state,
        postcode=_digits(rng, postcode),
        country=country,
        email=f"{local.replace(chr(39), '')}{rng.randrange(1, 99)}@{rng.choice(_DOMAINS)}",
        phone=f"555-01{rng.randrange(100):02d}",
    )
    return address, tax


def _line(rng: random.Random) -> LineSpec:
    name, sku, price, product_id, variations = rng.choice(_CATALOG)
    quantity = rng.choice((1, 1, 1, 2, 3))
    if not variations:
        return LineSpec(name, Decimal(price), quantity, sku, product_id)
    label, variation_id, key, value = rng.choice(variations)
    return LineSpec(
        f"{name} - {label}", Decimal(price), quantity, f"{sku}-{value}", product_id, variation_id, ((key, value),)
    )


def random_spec(
    rng: random.Random,
    created_at: datetime,
    *,
    status: str | None = None,
    currency: str = "USD",
    as_of: datetime | None = None,
) -> OrderSpec:
    """One plausible checkout order placed at ``created_at``; ``status`` defaults to a realistic mix.

    Later changes (payment, completion) happen before ``as_of`` when it is given.
    """
    billing, tax = _buyer(rng)
    lines = tuple(_line(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))
    subtotal = sum((line.price * line.quantity for line in lines), Decimal(0))
    free = subtotal >= _FREE_SHIPPING_FROM
    chosen = status or rng.choices(list(_STATUSES), list(_STATUSES.values()))[0]
    if chosen == "on-hold":
        payment = _BANK_TRANSFER
    else:
        payment = rng.choice((*_ONLINE_PAYMENTS, _CASH_ON_DELIVERY) if chosen == "processing" else _ONLINE_PAYMENTS)
    room = int((as_of - created_at).total_seconds()) if as_of else 5 * 3600
    return OrderSpec(
        created_at=created_at,
        lines=lines,
        status=chosen,
        currency=currency,
        billing=billing,
        customer_id=0 if rng.random() < 0.35 else rng.randrange(2, 400),
        shipping=Decimal(0) if free else Decimal("10.00"),
        shipping_method=("Free shipping", "free_shipping:2") if free else ("Flat rate", "flat_rate:1"),
        tax=tax,
        payment=payment,
        refunded=Decimal("10.00") if chosen == "completed" and rng.random() < 0.1 else Decimal(0),
        customer_note=rng.choice(_NOTES) if rng.random() < 0.1 else "",
        client=(f"203.0.113.{rng.randrange(1, 255)}", rng.choice(_AGENTS)),
        updated_after=timedelta(seconds=rng.randrange(5, max(6, min(600, room)))),
        completed_after=timedelta(seconds=rng.randrange(60, max(61, room))),
    )


def draft_spec(rng: random.Random, created_at: datetime) -> OrderSpec:
    """A block checkout's ``checkout-draft``: the cart as an order, no payment, the buyer mostly unknown."""
    billing, tax = _buyer(rng)
    return OrderSpec(
        created_at=created_at,
        lines=(_line(rng),),
        status="checkout-draft",
        billing=Address(country=billing.country, state=billing.state, postcode=billing.postcode),
        shipping=Decimal("10.00"),
        tax=tax,
        payment=("", ""),
        created_via="store-api",
        client=(f"198.51.100.{rng.randrange(1, 255)}", rng.choice(_AGENTS)),
    )
