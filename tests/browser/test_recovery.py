"""Stores shows each store's automatic recovery. The demo's Shopify store, some of whose webhooks were lost, is
checked by its schedule within a minute of the start (and then turned off, so that the check stays its last):
its card says what the check found, with the receipt, and an ORDERS_RECOVERED alert says so too. The seller
changes how often another store is checked, then turns its checks off.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo, DemoStore, running_demo
from tests.browser.test_accessibility import axe_source, violations

RECOVERED_WITHIN = 90.0  # seconds: the demo checks its Shopify store 20 s after start, then every minute
RECOVERY = """
query { stores { id recovery { enabled intervalSeconds hours lastJob { id trigger status fetched imported } } } }
"""
__all__ = ["axe_source"]  # a fixture of this module too
ALERTS = "{ alerts { edges { node { kind message store { id } job { id } } } } }"
SET_RECOVERY = """
mutation($store: ID!, $enabled: Boolean!, $intervalSeconds: Int) {
  setStoreRecovery(store: $store, enabled: $enabled, intervalSeconds: $intervalSeconds) { userErrors { message } }
}
"""


@pytest.fixture(scope="module")
def demo(built_console: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo of its own with automatic recovery on, as `order-import demo` runs it."""
    with running_demo(tmp_path_factory.mktemp("demo"), recovery=True) as running:
        yield running


def recovery_of(demo: Demo, store: DemoStore) -> dict[str, Any]:
    [found] = [s["recovery"] for s in demo.execute(RECOVERY)["stores"] if s["id"] == store.id]
    return found  # type: ignore[no-any-return]


def first_check(demo: Demo, store: DemoStore) -> dict[str, Any]:
    """The store's first automatic check, once it has ended; then no more (the store's checks are turned off)."""
    deadline = time.monotonic() + RECOVERED_WITHIN
    while (job := recovery_of(demo, store)["lastJob"]) is None or job["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"no automatic check of {store.name} ended in {RECOVERED_WITHIN:.0f} s"
        time.sleep(0.5)
    variables = {"store": store.id, "enabled": False, "intervalSeconds": 60}
    assert demo.execute(SET_RECOVERY, variables)["setStoreRecovery"]["userErrors"] == []
    assert recovery_of(demo, store)["lastJob"] == job, "a second check ran before the first was looked at"
    return job  # type: ignore[no-any-return]


def open_stores(consoles: Any) -> SellerConsole:
    seller: SellerConsole = consoles.signed_in()
    seller.link("Stores").click()
    expect(seller.heading("Stores")).to_be_visible()
    return seller


def recovery_part(seller: SellerConsole, store: DemoStore) -> Any:
    card = seller.page.get_by_role("article", name=store.name, exact=True)
    return card.get_by_role("region", name="Automatic recovery", exact=True)


def test_the_schedule_finds_the_orders_whose_webhooks_were_lost(consoles: Any, demo: Demo, axe_source: str) -> None:
    store = demo.stores["shopify"]
    job = first_check(demo, store)
    assert (job["trigger"], job["status"]) == ("SCHEDULE", "SUCCEEDED"), job
    found = job["imported"]
    assert found > 0, f"the demo lost no Shopify order of the last 2 hours: {job}"
    orders = "1 order that webhooks missed was" if found == 1 else f"{found} orders that webhooks missed were"
    alerts = [edge["node"] for edge in demo.execute(ALERTS)["alerts"]["edges"]]
    recovered = [alert for alert in alerts if alert["kind"] == "ORDERS_RECOVERED"]
    assert [alert["message"] for alert in recovered] == [f"{orders} found on {store.name}"]
    assert len(demo.pending("shopify")) == found

    seller = open_stores(consoles)
    part = recovery_part(seller, store)
    expect(part.get_by_role("switch", name="Check for missed orders automatically")).not_to_be_checked()
    expect(part.get_by_label("Check every", exact=True)).to_have_value("60")
    expect(part.get_by_label("Look back", exact=True)).to_have_value("2")
    words = "1 order" if found == 1 else f"{found} orders"
    expect(part).to_contain_text(f"Found {words} that webhooks missed ({job['fetched']} fetched), now pending.")
    part.locator("summary").filter(has_text=re.compile(r"^Receipt: \d+ orders?$")).click()
    expect(part.get_by_role("row").filter(has_text="Imported, now pending")).to_have_count(found)
    assert violations(seller, axe_source) == []


def test_the_seller_sets_how_often_a_store_is_checked_and_turns_it_off(consoles: Any, demo: Demo) -> None:
    store = demo.stores["woocommerce"]
    seller = open_stores(consoles)
    part = recovery_part(seller, store)
    interval = part.get_by_label("Check every", exact=True)
    expect(interval).to_have_value("900")

    interval.select_option(label="Every 30 minutes")

    status = seller.page.get_by_role("status").filter(has_text="Automatic recovery of")
    expect(status).to_have_text(f"Automatic recovery of {store.name}: every 30 minutes, the last 2 hours.")
    assert recovery_of(demo, store)["intervalSeconds"] == 1800
    switch = part.get_by_role("switch", name="Check for missed orders automatically")

    switch.click()

    expect(status).to_have_text(f"Automatic recovery of {store.name} is off.")
    expect(switch).not_to_be_checked()
    expect(part).to_contain_text("Off: missed orders are found only when you import them.")
    assert recovery_of(demo, store)["enabled"] is False
