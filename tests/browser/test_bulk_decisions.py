"""Bulk decisions in the console: select two paid pending orders by their checkboxes, Accept selected, and both
rows leave with one summary line."""

from __future__ import annotations

from typing import Any

from tests.browser.console import expect
from tests.browser.demo import Demo


def test_accept_selected_accepts_both_rows_and_says_so(consoles: Any, demo: Demo) -> None:
    store = demo.stores["woocommerce"]
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)
    payload = seller.import_by_time(6)
    assert demo.finished(payload["job"])["status"] == "SUCCEEDED", payload

    paid = demo.acceptable("woocommerce")[:2]
    assert len(paid) == 2, f"the demo lost fewer than two paid WooCommerce orders: {paid}"
    numbers = [order["orderNumber"] for order in paid]

    section = seller.pending_section
    accept_selected = section.get_by_role("button", name="Accept selected", exact=True)
    expect(accept_selected).to_be_disabled()
    for number in numbers:
        section.get_by_role("checkbox", name=f"Select {number}", exact=True).check()
    expect(section.get_by_text("2 selected", exact=True)).to_be_visible()

    accept_selected.click()
    for number in numbers:
        expect(seller.pending_row(number)).to_have_count(0)
    expect(seller.announcement).to_have_text("2 accepted")
    expect(section.get_by_text("0 selected", exact=True)).to_be_visible()
    expect(accept_selected).to_be_disabled()
    for order in paid:
        accepted = demo.imported_order(order["id"])
        assert accepted["status"] == "ACCEPTED", accepted
        assert accepted["transaction"]["status"] == "SUCCEEDED", accepted
