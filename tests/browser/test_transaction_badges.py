"""Payment badges in the Transaction List: an order accepted anyway while its payment was pending shows "Payment
pending" and who accepted it; a row a webhook listed shows its payment and no one."""

from __future__ import annotations

from typing import Any

from tests.browser.console import expect
from tests.browser.demo import Demo

ACCEPT = """
mutation($id: ID!) {
  acceptImport(id: $id, force: true) { transaction { id } userErrors { code message } }
}
"""
LISTED = """
query($store: ID) {
  transactions(store: $store, first: 200) {
    edges { node { orderNumber source paymentStatus testOrder acceptedBy platformChanges { summary } } }
  }
}
"""
TOKEN_NAMES = "{ apiTokens { name } }"


def test_a_transaction_row_shows_its_payment_badge_and_who_accepted_it(consoles: Any, demo: Demo) -> None:
    platform = "shopify"
    [token] = [t["name"] for t in demo.execute(TOKEN_NAMES)["apiTokens"]]
    assert demo.finished(demo.import_orders(platform, hours=6))["status"] == "SUCCEEDED"
    unpaid = [o for o in demo.pending(platform) if o["paymentStatus"] == "PENDING" and not o.get("testOrder")]
    assert unpaid, f"the demo lost no {platform} order whose payment is pending"
    accepted = unpaid[0]["orderNumber"]
    payload = demo.execute(ACCEPT, {"id": unpaid[0]["id"]})["acceptImport"]
    assert payload["userErrors"] == [] and payload["transaction"], payload
    rows = demo.execute(LISTED, {"store": demo.stores[platform].id})["transactions"]["edges"]
    listed = [e["node"] for e in rows if e["node"]["source"] == "WEBHOOK" and e["node"]["paymentStatus"] == "PAID"]
    webhook = next(n for n in listed if not n["platformChanges"])  # the demo refunds one: its payment cell says so

    seller = consoles.signed_in()
    seller.open_transaction_list()
    row = seller.find_transaction(accepted)
    expect(row.get_by_role("cell", name="Payment pending", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name=f"Import accepted by {token}", exact=True)).to_be_visible()

    row = seller.find_transaction(webhook["orderNumber"])
    expect(row.get_by_role("cell", name="Paid", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="Webhook", exact=True)).to_be_visible()
    expect(row).not_to_contain_text(token)
