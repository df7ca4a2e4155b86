"""The payment guard in the console: an order whose payment is pending shows it as a badge, Accept Buyer asks
before releasing the goods unpaid, and Accept anyway accepts it."""

from __future__ import annotations

from typing import Any

from tests.browser.console import expect
from tests.browser.demo import Demo

GUARDED = """
query($store: ID) {
  pendingImports(store: $store, first: 200) {
    edges { node { id orderNumber paymentStatus testOrder canceledOnPlatform } }
  }
}
"""


def unpaid_orders(demo: Demo) -> list[dict[str, Any]]:
    """The Shopify store's pending orders whose payment is pending, neither test orders nor canceled on Shopify."""
    edges = demo.execute(GUARDED, {"store": demo.stores["shopify"].id})["pendingImports"]["edges"]
    orders = [edge["node"] for edge in edges]
    unpaid = [o for o in orders if o["paymentStatus"] == "PENDING" and not (o["testOrder"] or o["canceledOnPlatform"])]
    assert unpaid, f"the demo lost no Shopify order whose payment is pending: {orders}"
    return unpaid


def test_accept_anyway_after_the_confirmation_that_names_the_risk(consoles: Any, demo: Demo) -> None:
    store = demo.stores["shopify"]
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)
    payload = seller.import_by_time(6)
    assert demo.finished(payload["job"])["status"] == "SUCCEEDED", payload

    unpaid = unpaid_orders(demo)
    number = unpaid[0]["orderNumber"]
    row = seller.pending_row(number)
    expect(row.get_by_text("Payment pending", exact=True)).to_be_visible()

    accept = seller.row_button(number, "Accept Buyer")
    accept.click()
    dialog = seller.page.get_by_role("dialog", name=f"Accept order {number} anyway?")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_description(
        f"The payment for {number} is not captured (Payment pending). Accepting releases the goods without payment."
    )
    expect(dialog.get_by_role("button", name="Keep pending")).to_be_focused()
    assert demo.imported_order(unpaid[0]["id"])["status"] == "PENDING"

    # Keep pending first: nothing happens, focus goes back to the row's Accept Buyer.
    dialog.get_by_role("button", name="Keep pending").click()
    expect(dialog).to_be_hidden()
    expect(accept).to_be_focused()
    assert demo.imported_order(unpaid[0]["id"])["status"] == "PENDING"

    accept.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Accept anyway").click()
    expect(seller.pending_row(number)).to_have_count(0)
    expect(dialog).to_be_hidden()
    expect(seller.announcement).to_contain_text(f"Order {number} accepted anyway")
    accepted = demo.imported_order(unpaid[0]["id"])
    assert accepted["status"] == "ACCEPTED" and accepted["paymentStatus"] == "PENDING", accepted
    assert accepted["transaction"]["status"] == "SUCCEEDED"
