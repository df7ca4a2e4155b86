"""The PayPal account ``order-import demo`` serves: ~40 orders over the eight hours before ``now``,
reporting that lags like PayPal's, and the states a seller meets besides paid orders.

Transaction Search is refreshed hourly and each hour shows up three hours after it began, so
``last_refreshed_datetime`` is 2-3 hours old: an import of the last one or two hours has to read the
webhook events list (``GET /v1/notifications/webhooks-events``), which has every order at once. Some
orders of the last two hours had their webhook lost (``LOST_RECENTLY``, and PayPal's documented order
``5O190127TN364715T`` with its capture ``3C679366HH908993F``, the id a seller can type): the demo never
delivers those, so only an import finds them. The demo loses about half of the other deliveries itself.
"""

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
DEMO_REPORTING_LAG = timedelta(hours=3)
"""Transaction Search shows a transaction up to three hours after it happened..."""
DEMO_REPORTING_REFRESH = timedelta(hours=1)
"""...refreshing its data hourly: ``last_refreshed_datetime`` ends in ``:59:59`` and is 2-3 hours old."""
LOST_RECENTLY = (timedelta(minutes=9), timedelta(minutes=41), timedelta(minutes=73), timedelta(minutes=106))
"""How long before ``now`` the orders whose webhook was lost were created (paid ones, within the last 2 hours)."""
DOCUMENTED_ORDER = ("5O190127TN364715T", "3C679366HH908993F", timedelta(minutes=27))
"""PayPal's sample order id and capture id, created that long before ``now``; its webhook was lost too."""


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
        reporting_refresh=DEMO_REPORTING_REFRESH,
        now=lambda: now + timedelta(seconds=time.monotonic() - started),
        seed=seed,
    )
    rng = random.Random(seed)
    for created_at in fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1)):
        emulator.add_order(created_at=created_at, **fake.random_order(rng))
    for index, created_at in enumerate(fake.random_times(rng, 36, now - timedelta(hours=8), now)):
        spec = fake.random_order(rng)
        emulator.add_order(created_at=created_at, **(spec | _special(index, spec, rng)))
    for ago in LOST_RECENTLY:
        emulator.add_order(created_at=now - ago, webhook_lost=True, **fake.random_order(rng))
    order_id, capture_id, ago = DOCUMENTED_ORDER
    emulator.add_order(
        created_at=now - ago,
        order_id=order_id,
        capture_id=capture_id,
        webhook_lost=True,
        **fake.random_order(rng),
    )
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
