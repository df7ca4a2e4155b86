"""Two signed-in consoles of one seller: live updates between them, the ALREADY_DECIDED race, and a
canceled order brought back by an import by its Order ID. Each test uses its own platform."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import LIVE_MS, SellerConsole, expect
from tests.browser.demo import Demo, DemoStore


def watching(console: SellerConsole, store: DemoStore) -> SellerConsole:
    """On Import Orders, the store chosen and its pending list shown, live updates on."""
    console.open_import_orders()
    console.choose_store(store)
    console.filter_pending(store)
    expect(console.pending_section).to_contain_text("Live updates: on")
    return console


def test_an_import_and_decisions_in_one_console_show_in_the_other_within_a_second(consoles: Any, demo: Demo) -> None:
    store = demo.stores["shopify"]
    a = watching(consoles.signed_in(name="a"), store)
    b = watching(consoles.signed_in(name="b"), store)
    expect(b.pending_rows).to_have_count(0)

    payload = a.import_by_time(6)
    assert payload["job"]["status"] == "SUCCEEDED", payload
    pending = demo.pending("shopify")
    assert pending
    expect(b.pending_rows).to_have_count(len(pending), timeout=LIVE_MS)
    expect(b.pending_row(pending[0]["orderNumber"])).to_contain_text("Pending")

    first, second = (order["orderNumber"] for order in demo.acceptable("shopify")[:2])
    a.accept(first)
    expect(a.pending_row(first)).to_have_count(0)  # A has its answer
    expect(b.pending_row(first)).to_have_count(0, timeout=LIVE_MS)

    b.cancel(second, reason="Paid by bank transfer instead")
    expect(b.pending_row(second)).to_have_count(0)
    expect(a.pending_row(second)).to_have_count(0, timeout=LIVE_MS)
    expect(a.pending_rows).to_have_count(len(pending) - 2)
    expect(b.pending_rows).to_have_count(len(pending) - 2)


def test_the_second_accept_of_an_order_says_it_was_already_decided(consoles: Any, demo: Demo) -> None:
    store = demo.stores["woocommerce"]
    demo.import_orders("woocommerce", hours=6)
    number = demo.acceptable("woocommerce")[0]["orderNumber"]

    a = watching(consoles.signed_in(name="a"), store)
    # B's websocket runs through a relay that can hold back what the server sends: B does not
    # hear that A decided, and still shows the row when its seller clicks.
    held = False

    def relay(websocket: Any) -> None:
        server = websocket.connect_to_server()
        server.on_message(lambda message: None if held else websocket.send(message))

    b = consoles.open(name="b")
    b.page.route_web_socket(re.compile(r"/graphql$"), relay)
    b.sign_in()
    watching(b, store)
    expect(a.pending_row(number)).to_have_count(1)
    expect(b.pending_row(number)).to_have_count(1)

    held = True
    a.accept(number)
    expect(a.pending_row(number)).to_have_count(0)
    expect(a.announcement).to_contain_text(f"Order {number} accepted")

    with b.page.expect_response(lambda r: "acceptImport" in (r.request.post_data or "")) as answered:
        b.accept(number)
    assert [e["code"] for e in answered.value.json()["data"]["acceptImport"]["userErrors"]] == ["ALREADY_DECIDED"]
    expect(b.announcement).to_contain_text("This order was already decided")
    expect(b.pending_row(number)).to_have_count(0)
    assert len(demo.transactions("woocommerce", search=number)) == 1


def test_a_canceled_order_comes_back_as_pending_when_imported_by_its_order_id(consoles: Any, demo: Demo) -> None:
    store = demo.stores["bigcommerce"]
    demo.import_orders("bigcommerce", hours=6)
    order = demo.pending("bigcommerce")[0]
    demo.cancel(order["id"], reason="Customer called to cancel")
    number = order["orderNumber"]

    seller = watching(consoles.signed_in(), store)
    expect(seller.pending_rows).to_have_count(len(demo.pending("bigcommerce")))
    expect(seller.pending_row(number)).to_have_count(0)

    payload = seller.import_by_order_id(number)
    assert (payload["job"]["status"], payload["job"]["imported"]) == ("SUCCEEDED", 1), payload
    expect(seller.import_result).to_contain_text("1 new order pending")
    expect(seller.pending_row(number)).to_contain_text("Pending")
    assert demo.imported_order(order["id"])["status"] == "PENDING"
