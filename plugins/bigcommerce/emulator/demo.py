"""The store ``order-import demo`` serves: ~40 orders over the eight hours before ``now``, some in unusual states."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from server.platforms import DemoEmulator

from . import fake
from .app import BigCommerceEmulator

DEMO_STORE_HASH = "demo4bc7x2"
DEMO_TOKEN = "demo_bc_token_7f3a9c2e51d84b06a1e9c3f2d7b8a405"
DEMO_CLIENT_ID = "demo_bc_client_4d2e8f1a9b3c"
DEMO_CLIENT_SECRET = "demo_bc_secret_9e6b1f4c7a2d8e05b3c1f6a9d4e7b2c8"
DEMO_STORE_ID = "1001847263"

# recent-order index -> changes: every demo shows the unusual cases
_SPECIALS: dict[int, dict[str, Any]] = {
    3: {"status_id": 0},  # Incomplete: the shopper left at the payment page
    8: {"status_id": 7},  # Awaiting Payment
    13: {"status_id": 4},  # Refunded
    17: {"is_deleted": True},  # archived
    21: {"status_id": 5},  # Cancelled
    25: {"currency": "CAD", "exchange_rate": Decimal("1.3600")},  # paid in another currency
    29: {"display_currency": "EUR", "exchange_rate": Decimal("0.9200")},  # shown in euros, paid in dollars
    32: {"status_id": 6},  # Declined
}


def demo_emulator() -> DemoEmulator:
    """The ``DemoEmulator`` for BigCommerce, with the credentials a seller enters for the demo store."""
    credentials = {
        "store_hash": DEMO_STORE_HASH,
        "access_token": DEMO_TOKEN,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
    }
    return DemoEmulator(
        platform_id="bigcommerce",
        store_name="Demo BigCommerce store",
        credentials=credentials,
        make_double=demo_store,
    )


def demo_store(now: datetime, seed: int) -> BigCommerceEmulator:
    """3 orders from the past week and 35 from the last eight hours, deterministic for ``seed``."""
    # The Pro plan's quota (450 per 30 s): the demo shows the product, not the throttle.
    emulator = BigCommerceEmulator(
        store_hash=DEMO_STORE_HASH,
        access_token=DEMO_TOKEN,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        store_id=DEMO_STORE_ID,
        quota=450,
        now=lambda: now,
    )
    rng = random.Random(seed)
    older = fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1))
    recent = fake.random_times(rng, 35, now - timedelta(hours=8), now)
    for created_at in older:
        emulator.add_spec(fake.random_spec(rng, created_at, as_of=now))
    for index, created_at in enumerate(recent):
        emulator.add_spec(replace(fake.random_spec(rng, created_at, as_of=now), **_SPECIALS.get(index, {})))
    return emulator
