"""The WooCommerce store ``order-import demo`` serves: a New York shop with a busy last eight hours."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from server.platforms import DemoEmulator

from . import fake
from .app import WooCommerceEmulator

__all__ = ["DEMO_CONSUMER_KEY", "DEMO_CONSUMER_SECRET", "DEMO_SITE_URL", "DEMO_WEBHOOK_SECRET", "demo_emulator"]

DEMO_SITE_URL = "https://demo-store.example"
DEMO_CONSUMER_KEY = "ck_7e2a94c1d05b3f86e9a1c4d7b20f5e83a6c9d1f4"
DEMO_CONSUMER_SECRET = "cs_c3b8e1f60a4d2975b8e3c1a6f04d9b2e7a5c8f13"
DEMO_WEBHOOK_SECRET = "V4q!zR8@nT2#kW6$yP0%hB3^mX7&cJ5*sF9(dL1)gE4-uA8_wQ"
_UNUSUAL = {  # recent-order index -> status: every demo shows the states a seller must judge
    3: "on-hold",
    8: "pending",
    13: "failed",
    18: "cancelled",
    22: "refunded",
    27: "completed",
}


def demo_emulator() -> DemoEmulator:
    """~36 orders over the 8 hours before ``now`` (plus older ones, a checkout draft and a trashed order)."""
    credentials = {
        "site_url": DEMO_SITE_URL,
        "consumer_key": DEMO_CONSUMER_KEY,
        "consumer_secret": DEMO_CONSUMER_SECRET,
        "webhook_secret": DEMO_WEBHOOK_SECRET,
    }
    return DemoEmulator(
        platform_id="woocommerce",
        store_name="Demo WooCommerce store",
        credentials=credentials,
        make_double=demo_store,
    )


def demo_store(now: datetime, seed: int) -> WooCommerceEmulator:
    emulator = WooCommerceEmulator(
        site_url=DEMO_SITE_URL,
        consumer_key=DEMO_CONSUMER_KEY,
        consumer_secret=DEMO_CONSUMER_SECRET,
        webhook_secret=DEMO_WEBHOOK_SECRET,
        timezone="America/New_York",
        first_id=4100,
        seed=seed,
    )
    rng = random.Random(seed)
    for created_at in fake.random_times(rng, 4, now - timedelta(days=6), now - timedelta(days=1)):
        emulator.add_spec(fake.random_spec(rng, created_at, status="completed", as_of=now))
    recent = fake.random_times(rng, 34, now - timedelta(hours=8), now - timedelta(minutes=2))
    for index, created_at in enumerate(recent):
        emulator.add_spec(fake.random_spec(rng, created_at, status=_UNUSUAL.get(index, "processing"), as_of=now))
    emulator.add_spec(fake.draft_spec(rng, now - timedelta(minutes=40)))
    trashed = fake.random_spec(rng, now - timedelta(hours=5), status="trash", as_of=now)
    emulator.add_spec(replace(trashed, paid=True))
    return emulator
