"""The PayPal account ``order-import demo`` serves: ~40 orders over the eight hours before ``now``,
reporting that lags like PayPal's, and the states a seller meets besides paid orders."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from server.platforms import DemoEmulator

from . import fake
from .app import PayPalEmulator

DEMO_CREDENTIALS = {
    "client_id": "AdDemoPayPalStoreClientId-OrderImport-4mQ8vT2x",
    "client_secret": "EDemoPayPalStoreSecret-OrderImport-Zr7pK9w3",
    "webhook_id": "8TD43957HB0731222",
}
DEMO_REPORTING_LAG = timedelta(hours=2, minutes=50)
"""Transaction Search shows a transaction up to three hours after it happened."""


def demo_emulator() -> DemoEmulator:
    """What ``order-import demo`` starts for PayPal (the account is ``demo_account``)."""
    return DemoEmulator(
        platform_id="paypal",
        store_name="Demo PayPal store",
        credentials=dict(DEMO_CREDENTIALS),
        make_double=demo_account,
    )


def demo_account(now: datetime, seed: int) -> PayPalEmulator:
    """The demo account as of ``now`` (its clock then runs on in real time); the same for a seed."""
    started = time.monotonic()
    emulator = PayPalEmulator(
        client_id=DEMO_CREDENTIALS["client_id"],
        client_secret=DEMO_CREDENTIALS["client_secret"],
        merchant_id="DEMO7PAYPAL2S",
        merchant_email="sales@demo-store.example.com",
        webhook_id=DEMO_CREDENTIALS["webhook_id"],
        timezone="America/Los_Angeles",
        reporting_lag=DEMO_REPORTING_LAG,
        now=lambda: now + timedelta(seconds=time.monotonic() - started),
        seed=seed,
    )
    rng = random.Random(seed)
    for created_at in fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1)):
        emulator.add_order(created_at=created_at, **fake.random_order(rng))
    for index, created_at in enumerate(fake.random_times(rng, 36, now - timedelta(hours=8), now)):
        spec = fake.random_order(rng)
        emulator.add_order(created_at=created_at, **(spec | _special(index, spec, rng)))
    return emulator


def _special(index: int, spec: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Overrides that give every demo the unusual cases: unpaid, pending, refunded, other currencies."""
    total = sum((i["price"] * i["quantity"] + i["tax"] * i["quantity"] for i in spec["items"]), spec["shipping"])
    specials: dict[int, dict[str, Any]] = {
        2: {"status": "PAYER_ACTION_REQUIRED"},
        5: {"refund": total, "refunded_after": timedelta(minutes=rng.randrange(20, 90))},
        9: {"display_row": True},
        11: {"capture_status": "PENDING"},
        15: {"status": "APPROVED"},
        19: {"currency": "EUR", "invoice_id": f"INV-{rng.randrange(10_000, 99_999)}"},
        24: {"refund": (total / 2).quantize(Decimal("0.01")), "refunded_after": timedelta(minutes=15)},
        30: {"status": "VOIDED"},
        33: {
            "currency": "JPY",
            "items": [{"name": "Matcha Tin", "price": 2400, "quantity": 2, "sku": "MTCH-10"}],
            "shipping": 600,
        },
    }
    return specials.get(index, {})
