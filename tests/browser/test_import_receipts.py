"""Receipts, lists of ids and Preview in the console: a list of three Order IDs (one the platform lacks) imports in
one job and its receipt says what happened to each; Preview says what an import would do and imports nothing, and
Submit right after does it."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

DRY_RUN = """
mutation($platform: String!, $store: ID!) {
  importOrders(platform: $platform, store: $store, hours: 6, dryRun: true) {
    job { id status fetched imported skipped errorCode error warning }
    userErrors { code message field }
  }
}
"""
RECEIPT = """
query($id: ID!) {
  importJob(id: $id) { receipt(first: 200) { edges { node { orderId orderNumber outcome } } } }
}
"""


def lost_orders(demo: Demo, platform: str) -> list[dict[str, Any]]:
    """The platform's orders of the last 6 hours that an import would make pending (their webhooks were lost),
    found by a dry run, which imports nothing."""
    store = demo.stores[platform]
    payload = demo.execute(DRY_RUN, {"platform": platform, "store": store.id})["importOrders"]
    assert payload["userErrors"] == [], payload
    job = demo.finished(payload["job"])
    edges = demo.execute(RECEIPT, {"id": job["id"]})["importJob"]["receipt"]["edges"]
    lost = [edge["node"] for edge in edges if edge["node"]["outcome"] == "IMPORTED"]
    assert lost, f"the demo lost no {platform} order in the last 6 hours: {edges}"
    return lost


def receipt_rows(seller: SellerConsole, title: str) -> Any:
    table = seller.import_filters.get_by_role("table", name=title, exact=True)
    return table.get_by_role("row").filter(has=seller.page.get_by_role("cell"))


def test_a_list_of_three_ids_one_missing_has_three_receipt_lines(consoles: Any, demo: Demo) -> None:
    platform = "bigcommerce"
    store = demo.stores[platform]
    lost = lost_orders(demo, platform)[0]["orderNumber"]
    listed = demo.transactions(platform)[0]["orderNumber"]
    missing = "999999"
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)

    seller.radio("Order ID").check()
    field = seller.order_id_field
    field.fill(f"{lost}\n\n{listed}, {missing}\n{lost}")
    expect(field).to_have_value(f"{lost}\n\n{listed}, {missing}\n{lost}")  # Enter in the field is a new line
    with seller.page.expect_response(lambda r: "importOrders" in (r.request.post_data or "")) as answered:
        field.press("Control+Enter")
    request = answered.value.request.post_data_json
    assert request["variables"]["orderIds"] == [lost, listed, missing], request
    job = demo.finished(answered.value.json()["data"]["importOrders"]["job"])
    assert (job["status"], job["imported"], job["skipped"]) == ("SUCCEEDED", 1, 1), job
    expect(seller.import_result).to_contain_text(f"Order IDs {lost}, {listed}, {missing}")
    expect(seller.import_result).to_contain_text(
        "1 new order pending, 1 already imported (1 in the Transaction List), 1 not found."
    )

    # Collapsed until the seller opens it.
    table = seller.import_filters.get_by_role("table", name="Receipt: 3 orders", exact=True, include_hidden=True)
    expect(table).to_be_attached()
    expect(table).to_be_hidden()
    seller.import_filters.get_by_text("Receipt: 3 orders", exact=True).click()
    expect(receipt_rows(seller, "Receipt: 3 orders")).to_have_text(
        [
            re.compile(rf"^Order{re.escape(lost)}.*Imported, now pending"),
            re.compile(rf"^Order{re.escape(listed)}.*Already in the Transaction List"),
            re.compile(rf"^Order{missing}.*The platform has no such order"),
        ]
    )
    expect(seller.pending_row(lost)).to_contain_text("Pending")
    assert [order["orderNumber"] for order in demo.pending(platform)] == [lost]


def test_preview_imports_nothing_and_submit_right_after_imports(consoles: Any, demo: Demo) -> None:
    platform = "ecwid"
    store = demo.stores[platform]
    lost = lost_orders(demo, platform)[0]["orderNumber"]
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.filter_pending(store)
    seller.radio("Order ID").check()
    seller.order_id_field.fill(lost)

    with seller.page.expect_response(lambda r: "importOrders" in (r.request.post_data or "")) as answered:
        seller.page.get_by_role("button", name="Preview", exact=True).click()
    assert answered.value.request.post_data_json["variables"]["dryRun"] is True
    job = demo.finished(answered.value.json()["data"]["importOrders"]["job"])
    assert (job["status"], job["imported"]) == ("SUCCEEDED", 1), job
    expect(seller.import_result).to_contain_text("Preview: 1 new order would be pending. Nothing was imported.")
    preview = receipt_rows(seller, "Preview receipt: 1 order")
    expect(preview).to_have_text([re.compile(rf"^Order{re.escape(lost)}.*Would be imported as pending")])
    expect(seller.pending_section).to_contain_text("No pending orders")
    assert demo.pending(platform) == []

    job = demo.finished(seller.submit()["job"])
    assert (job["status"], job["imported"]) == ("SUCCEEDED", 1), job
    expect(seller.import_result).to_contain_text("1 new order pending.")
    expect(seller.import_result).not_to_contain_text("Nothing was imported")
    seller.import_filters.get_by_text("Receipt: 1 order", exact=True).click()
    expect(receipt_rows(seller, "Receipt: 1 order")).to_have_text(
        [re.compile(rf"^Order{re.escape(lost)}.*Imported, now pending")]
    )
    expect(seller.pending_row(lost)).to_contain_text("Pending")
    assert [order["orderNumber"] for order in demo.pending(platform)] == [lost]
