"""An axe-core scan of each screen of the console: no violation of impact "serious" or "critical".

axe comes from the console's own dev dependencies (console/node_modules/axe-core), put into the
page with ``page.evaluate`` (which the page's Content-Security-Policy does not govern).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo
from tests.databases import unavailable

AXE = Path(__file__).parents[2] / "console" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core is not installed ({AXE} is missing): `cd console && npm ci`")
    return AXE.read_text()


def violations(console: SellerConsole, axe_source: str) -> list[dict[str, Any]]:
    """What axe finds on the page as it is now, of impact serious or critical."""
    page = console.page
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    results = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:200] for n in v["nodes"][:5]],
        }
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def test_every_screen_passes_axe(consoles: Any, demo: Demo, axe_source: str) -> None:
    store = demo.stores["paypal"]
    demo.import_orders("paypal", hours=6)
    number = demo.acceptable("paypal")[0]["orderNumber"]
    seller: SellerConsole = consoles.open()
    found: dict[str, list[dict[str, Any]]] = {}

    seller.goto("/")
    expect(seller.token_field).to_be_visible()
    found["sign-in"] = violations(seller, axe_source)
    seller.sign_in_button.click()  # with its error shown
    expect(seller.token_field).to_have_attribute("aria-invalid", "true")
    found["sign-in with an error"] = violations(seller, axe_source)

    seller.sign_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)
    seller.import_by_time(6)
    expect(seller.pending_row(number)).to_contain_text("Pending")
    expect(seller.import_result).to_contain_text("already imported")
    found["Import Orders with rows"] = violations(seller, axe_source)
    seller.import_filters.get_by_text(re.compile(r"^Receipt: \d+ orders?$")).click()
    expect(seller.import_filters.get_by_role("table", name=re.compile(r"^Receipt: "))).to_be_visible()
    found["Import Orders with the receipt open"] = violations(seller, axe_source)

    seller.row_button(number, "View").click()
    dialog = seller.page.get_by_role("dialog", name=f"Order {number}")
    expect(dialog.get_by_role("table")).to_be_visible()
    found["View dialog"] = violations(seller, axe_source)
    seller.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    seller.row_button(number, "Mark as Cancel").click()
    expect(seller.page.get_by_role("dialog")).to_be_visible()
    found["Mark as Cancel dialog"] = violations(seller, axe_source)
    seller.page.keyboard.press("Escape")
    expect(seller.page.get_by_role("dialog")).to_be_hidden()

    seller.open_transaction_list()
    expect(seller.transaction_row(demo.transactions("paypal")[0]["orderNumber"])).to_have_count(1)
    found["Transaction List"] = violations(seller, axe_source)

    seller.link("Stores").click()
    expect(seller.heading("Stores")).to_be_visible()
    expect(seller.page.get_by_role("heading", name=store.name, exact=True)).to_be_visible()
    found["Stores"] = violations(seller, axe_source)

    failing = {screen: found for screen, found in found.items() if found}
    assert not failing, json.dumps(failing, indent=2)
