"""The alerts bell: an alert raised by another server process shows on the bell at once, the panel lists it,
and "Mark all read" clears the count.

The demo of this module relays live events through PostgreSQL (``ORDER_IMPORT_BROADCAST_URL``), as
several server processes do; the test raises the alert with the alerts service in a process of its own
(this test's, on the demo's database), as a worker running a scheduled check would.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from server.db import close_database, open_database
from server.events import PostgresBroker
from server.models import AlertKind, Store
from server.runtime import Runtime
from server.services.alerts import raise_alert
from server.settings import derived_channel_prefix
from tests.browser.console import LIVE_MS, SellerConsole, expect
from tests.browser.demo import Demo, running_demo
from tests.browser.test_accessibility import axe_source, violations
from tests.databases import POSTGRES_SERVER, require_service

BROADCAST = f"{POSTGRES_SERVER}/postgres"
__all__ = ["axe_source"]  # a fixture of this module too


@pytest.fixture(scope="module")
def demo(built_console: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo of its own whose live events go through PostgreSQL, so that another process can raise alerts."""
    _run_elsewhere(lambda: require_service("PostgreSQL", POSTGRES_SERVER))
    with running_demo(tmp_path_factory.mktemp("demo"), {"ORDER_IMPORT_BROADCAST_URL": BROADCAST}) as running:
        yield running


def raise_elsewhere(demo: Demo, platform: str, message: str) -> None:
    """Raise an alert about the demo store of ``platform`` from this process, on the demo's database."""

    async def run() -> None:
        assert demo.database_url is not None
        await open_database(demo.database_url)
        broker = PostgresBroker(BROADCAST, derived_channel_prefix(demo.database_url))  # the demo's channel
        await broker.start()
        try:
            store = await Store.get(id=demo.stores[platform].id)
            runtime = cast(Runtime, _Elsewhere(broker))
            alert = await raise_alert(
                runtime,
                seller_id=store.seller_id,
                kind=AlertKind.IMPORT_FAILING,
                condition=f"browser-test:{message}",
                message=message,
                store_id=store.id,
            )
            assert alert is not None
        finally:
            await broker.close()
            await close_database()

    _run_elsewhere(run)


class _Elsewhere:
    """What ``raise_alert`` uses of a runtime: the broker."""

    def __init__(self, broker: PostgresBroker) -> None:
        self.broker = broker


def _run_elsewhere(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``work`` to its end in a thread of its own: Playwright's sync API keeps an event loop running in this
    one. What it raises (a skip included) is raised here."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(work())
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]


def unread(demo: Demo) -> int:
    count: int = demo.execute("{ unreadAlertCount }")["unreadAlertCount"]
    return count


def bell(console: SellerConsole) -> Any:
    return console.page.get_by_role("button", name=re.compile(r"^Alerts, "))


def test_an_alert_raised_elsewhere_rings_the_bell_live_and_is_marked_read(
    consoles: Any, demo: Demo, axe_source: str
) -> None:
    seller = consoles.signed_in()
    expect(seller.heading("Import Orders")).to_be_visible()
    before = unread(demo)
    expect(bell(seller)).to_have_accessible_name(f"Alerts, {before or 'none'} unread")

    raise_elsewhere(demo, "shopify", "Automatic checks of the Shopify store failed 3 times in a row")

    expect(bell(seller)).to_have_accessible_name(f"Alerts, {before + 1} unread", timeout=LIVE_MS)
    bell(seller).click()
    panel = seller.page.get_by_role("dialog", name="Alerts")
    entry = panel.get_by_role("listitem").filter(has_text="failed 3 times in a row")
    expect(entry).to_contain_text("Imports failing")
    expect(entry).to_contain_text("Unread")
    expect(entry).to_contain_text(demo.stores["shopify"].name)
    assert violations(seller, axe_source) == []

    panel.get_by_role("button", name="Mark all read").click()

    expect(bell(seller)).to_have_accessible_name("Alerts, none unread")
    expect(entry).to_contain_text("Read")
    assert unread(demo) == 0
    seller.page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(bell(seller)).to_be_focused()
