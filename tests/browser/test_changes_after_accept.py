"""Changes after accept in the Transaction List: the demo refunds an order on its platform after the order's webhook
listed it; its row stays as accepted (Succeeded, paid) and wears "Refunded after accept", with the change itself
under a disclosure."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import expect
from tests.browser.demo import Demo

LEAVES_THE_DEMO_AS_IT_IS = True

CHANGED = """
query($store: ID) {
  transactions(store: $store, first: 200) {
    edges { node { orderNumber paymentStatus platformChanges { paymentStatus summary source } } }
  }
}
"""


def test_a_row_refunded_after_accept_wears_a_badge_and_lists_the_change(consoles: Any, demo: Demo) -> None:
    store = demo.stores["shopify"]
    rows = demo.execute(CHANGED, {"store": store.id})["transactions"]["edges"]
    [changed] = [e["node"] for e in rows if e["node"]["platformChanges"]]
    [change] = changed["platformChanges"]
    assert (changed["paymentStatus"], change["paymentStatus"], change["source"]) == (
        "PAID",
        "REFUNDED",
        "webhook:shopify",
    )
    untouched = next(e["node"]["orderNumber"] for e in rows if not e["node"]["platformChanges"])

    seller = consoles.signed_in()
    seller.open_transaction_list()
    row = seller.find_transaction(changed["orderNumber"])
    expect(row.get_by_role("cell").filter(has_text="Succeeded")).not_to_contain_text("after accept")  # as accepted
    payment = row.get_by_role("cell").filter(has_text="Refunded after accept")
    expect(payment.get_by_text("Paid", exact=True)).to_be_visible()  # the payment as the row recorded it
    disclosure = payment.locator("summary")
    expect(disclosure).to_have_text(re.compile(r"^1 change after accept"))
    entry = payment.get_by_role("listitem")
    expect(entry).to_be_hidden()
    disclosure.click()
    expect(entry).to_contain_text(change["summary"])
    expect(entry).to_contain_text(f"seen by {store.platform_name} webhook")

    row = seller.find_transaction(untouched)
    expect(row).not_to_contain_text("after accept")
