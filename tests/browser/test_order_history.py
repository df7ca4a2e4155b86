"""An order's history in View: accept one pending order and cancel another with a reason, then import both by
their Order IDs; the receipt's View of each shows who did what, oldest first, with the cancel's reason."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

TOKEN_NAMES = "{ apiTokens { name } }"


def view_from_receipt(seller: SellerConsole, number: str) -> tuple[Any, Any, Any]:
    """Click View on the receipt line of ``number``: the button, the dialog and its history entries."""
    table = seller.import_filters.get_by_role("table", name=re.compile(r"^Receipt: "))
    row = table.get_by_role("row").filter(has=seller.page.get_by_text(number, exact=True))
    view = row.get_by_role("button", name="View", exact=True)
    view.click()
    dialog = seller.page.get_by_role("dialog", name=f"Order {number}")
    expect(dialog).to_be_visible()
    return view, dialog, dialog.get_by_role("list", name="History", exact=True).get_by_role("listitem")


def test_view_shows_the_history_of_an_accepted_and_a_restored_order(consoles: Any, demo: Demo) -> None:
    platform = "woocommerce"
    store = demo.stores[platform]
    [token] = [t["name"] for t in demo.execute(TOKEN_NAMES)["apiTokens"]]
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)
    assert demo.finished(seller.import_by_time(6)["job"])["status"] == "SUCCEEDED"
    accepted, canceled = (order["orderNumber"] for order in demo.acceptable(platform)[:2])

    seller.accept(accepted)
    expect(seller.announcement).to_contain_text(f"Order {accepted} accepted")
    seller.cancel(canceled, reason="Paid by phone")
    expect(seller.pending_row(canceled)).to_have_count(0)

    job = demo.finished(seller.import_by_order_id(f"{accepted}\n{canceled}")["job"])
    assert (job["imported"], job["skipped"]) == (1, 1), job
    seller.import_filters.get_by_text("Receipt: 2 orders", exact=True).click()

    view, dialog, entries = view_from_receipt(seller, accepted)
    expect(entries).to_have_text(
        [re.compile(rf"Imported as pending by {token}$"), re.compile(rf"Accepted by {token}$")]
    )
    expect(dialog.get_by_role("definition").filter(has_text="Accepted")).to_have_text(f"Accepted by {token}")
    seller.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(view).to_be_focused()

    _, dialog, entries = view_from_receipt(seller, canceled)
    expect(entries).to_have_text(
        [
            re.compile(rf"Imported as pending by {token}$"),
            re.compile(rf"Marked as canceled by {token} Reason: “Paid by phone”$"),
            re.compile(rf"Pending again \(restored by an import\) by {token}$"),
        ]
    )
    dialog.get_by_role("button", name="Close", exact=True).click()
    expect(dialog).to_be_hidden()
