"""The user guide's whole flow, in the console, on each of the six platforms of the demo.

Sign in; Import Orders; Platform and Store; Import By Time (every choice 1h..6h appears on
some platform; PayPal's 1h and 2h succeed and show its reporting-lag warning); the result
line and the new Pending rows; Import By Order ID of orders the system already knows;
View; Accept Buyer (the order shows in the Transaction List as Succeeded, source Import);
Mark as Cancel with a reason. Each test uses its own platform of the module's demo.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

# The time windows tried before the 6h import, spread so that every choice appears.
FIRST_WINDOWS = {
    "shopify": (3,),
    "woocommerce": (4,),
    "bigcommerce": (5,),
    "ebay": (1,),
    "ecwid": (2,),
    "paypal": (1, 2),
}


def grouped(amount: str) -> str:
    """The digits of an amount as the console shows them in en-US: "1234.50" → "1,234.50"."""
    whole, _, fraction = amount.lstrip("-").partition(".")
    text = f"{int(whole):,}"
    return f"{text}.{fraction}" if fraction else text


def finished(demo: Demo, payload: dict[str, Any]) -> dict[str, Any]:
    """The job an importOrders answer started, once it finished."""
    assert payload["userErrors"] == [], payload
    return demo.finished(payload["job"])


def expect_result(console: SellerConsole, job: dict[str, Any]) -> None:
    """The result line names the import and says what it did, in the numbers the server answered."""
    result = console.import_result
    if job["hours"]:
        expect(result).to_contain_text(re.compile(rf"Last {job['hours']} hours?\b"))
    else:
        expect(result).to_contain_text(f"Order ID {job['orderId']}")
    if job["imported"] == 0 and job["skipped"] == 0:
        expect(result).to_contain_text(re.compile(r"No orders", re.I))
        return
    expect(result).to_contain_text(re.compile(rf"(?<!\d){job['imported']} new orders? pending"))
    if job["skipped"]:
        expect(result).to_contain_text(re.compile(rf"(?<!\d){job['skipped']} already imported"))


@pytest.mark.parametrize("platform", list(FIRST_WINDOWS))
def test_the_guides_flow(consoles: Any, demo: Demo, platform: str) -> None:
    store = demo.stores[platform]
    seller = consoles.signed_in()
    # The sidebar entry Transaction, with Transaction List and Import Orders under it.
    transaction = seller.page.get_by_role("navigation").get_by_role("list", name="Transaction", exact=True)
    expect(transaction.get_by_role("link")).to_have_text(["Transaction List", "Import Orders"])
    seller.open_import_orders()
    import_by = seller.import_filters.get_by_role("group", name="Import By", exact=True)
    expect(import_by.get_by_role("radio", name="Order ID", exact=True)).to_be_visible()
    expect(import_by.get_by_role("radio", name="Time", exact=True)).to_be_visible()
    seller.choose_store(store)
    # The Store select lists only that platform's stores.
    expect(seller.store_select.get_by_role("option")).to_have_text(["Choose a store", store.name])
    seller.filter_pending(store)
    expect(seller.pending_section).to_contain_text("No pending orders")

    seller.radio("Time").check()
    expect(seller.import_filters.get_by_role("radio", name=re.compile(r"^\dh$"))).to_have_count(6)
    imported = 0
    for hours in (*FIRST_WINDOWS[platform], 6):
        job = finished(demo, seller.import_by_time(hours))
        assert job["status"] == "SUCCEEDED", job
        expect_result(seller, job)
        if platform == "paypal":
            assert job["warning"] and "lag" in job["warning"], job
            expect(seller.import_result).to_contain_text(job["warning"])
        imported += job["imported"]
    assert job["skipped"] > 0, f"the 6h import did not see the orders webhooks delivered on {platform}: {job}"
    assert imported >= 2, f"the demo lost fewer than two {platform} orders in the last 6 hours: nothing to decide"

    # The new orders appear as Pending rows.
    pending = demo.pending(platform)
    assert len(pending) == imported
    expect(seller.pending_rows).to_have_count(imported)
    for order in pending:
        expect(seller.pending_row(order["orderNumber"])).to_contain_text("Pending")

    # By Order ID, what the seller sees: an order already pending, and one already in the Transaction List.
    listed = demo.transactions(platform)[0]
    for known in (pending[-1], listed):
        job = finished(demo, seller.import_by_order_id(known["orderNumber"]))
        assert (job["status"], job["imported"], job["skipped"]) == ("SUCCEEDED", 0, 1), (known, job)
        expect_result(seller, job)
        expect(seller.import_result).to_contain_text("already imported")
    expect(seller.pending_rows).to_have_count(imported)

    acceptable = demo.acceptable(platform)
    assert len(acceptable) >= 2, [(o["orderNumber"], o["paymentStatus"]) for o in pending]
    to_accept, to_cancel = acceptable[:2]

    # View: a dialog with the number, the line items, the total, and the raw payload collapsed.
    number = to_accept["orderNumber"]
    view = seller.row_button(number, "View")
    view.click()
    dialog = seller.page.get_by_role("dialog", name=f"Order {number}")
    expect(dialog).to_be_visible()
    for item in to_accept["lineItems"]:
        expect(dialog).to_contain_text(item["name"])
    expect(dialog).to_contain_text(grouped(to_accept["total"]["amount"]))
    raw = dialog.get_by_role("region", name="Raw payload", include_hidden=True)
    expect(raw).to_be_attached()
    expect(raw).to_be_hidden()
    dialog.get_by_text("Raw payload", exact=True).click()  # the <summary>: no ARIA role of its own
    expect(raw).to_be_visible()
    seller.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(view).to_be_focused()

    # Accept Buyer: the row leaves, the order is in the Transaction List as Succeeded, source Import.
    seller.accept(number)
    expect(seller.pending_row(number)).to_have_count(0)
    expect(seller.announcement).to_contain_text(f"Order {number} accepted")
    accepted = demo.imported_order(to_accept["id"])
    assert accepted["status"] == "ACCEPTED"
    assert accepted["transaction"]["source"] == "IMPORT" and accepted["transaction"]["status"] == "SUCCEEDED"

    # Mark as Cancel, with a reason: the row leaves.
    seller.cancel(to_cancel["orderNumber"], reason="Duplicate of a phone order")
    expect(seller.pending_row(to_cancel["orderNumber"])).to_have_count(0)
    expect(seller.pending_rows).to_have_count(imported - 2)
    canceled = demo.imported_order(to_cancel["id"])
    assert (canceled["status"], canceled["cancelReason"]) == ("CANCELED", "Duplicate of a phone order")
    assert canceled["transaction"] is None

    seller.open_transaction_list()
    row = seller.find_transaction(number)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="Succeeded", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name=re.compile(r"^Import accepted by \S+$"))).to_be_visible()
    expect(seller.find_transaction(to_cancel["orderNumber"])).to_have_count(0)
