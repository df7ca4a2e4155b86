"""Stores shows what each platform holds for the store's Webhook URL, as the demo registered it at connection.

The demo's Shopify emulator took the registration: its ORDERS topic is Active. Ecwid has no API for
webhooks, so its store says to copy the Webhook URL into Ecwid by hand.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

LEAVES_THE_DEMO_AS_IT_IS = True


def open_stores(consoles: Any) -> SellerConsole:
    seller: SellerConsole = consoles.signed_in()
    seller.link("Stores").click()
    expect(seller.heading("Stores")).to_be_visible()
    return seller


def test_the_shopify_store_shows_its_orders_webhook_active(consoles: Any, demo: Demo) -> None:
    store = demo.stores["shopify"]
    seller = open_stores(consoles)
    card = seller.page.get_by_role("article", name=store.name, exact=True)
    part = card.get_by_role("group", name="Webhooks at Shopify", exact=True)
    topic = part.get_by_role("listitem").filter(has_text="orders/create")
    expect(topic).to_have_text(re.compile(r"^orders/create\s+Active$"))
    expect(part).to_contain_text("Registered by this app")
    expect(part.locator(".notice")).to_have_count(0)


def test_the_ecwid_store_says_to_register_the_webhook_url_by_hand(consoles: Any, demo: Demo) -> None:
    store = demo.stores["ecwid"]
    seller = open_stores(consoles)
    card = seller.page.get_by_role("article", name=store.name, exact=True)
    part = card.get_by_role("group", name="Webhooks at Ecwid", exact=True)
    expect(part).to_contain_text("Copy the Webhook URL into Ecwid's webhook settings by hand.")
    expect(part.get_by_role("listitem")).to_have_count(0)
    expect(part).not_to_contain_text("Registered by this app")
