"""A phone-sized window (no sideways scroll, the flow still works) and the keyboard alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


def test_at_360_pixels_wide_nothing_scrolls_sideways_and_the_flow_works(consoles: Any, demo: Demo) -> None:
    store = demo.stores["ecwid"]
    seller: SellerConsole = consoles.open(width=360, height=740)
    seller.goto("/")
    expect(seller.token_field).to_be_visible()
    assert seller.sideways_overflow() == 0, "the sign-in screen scrolls sideways"
    seller.sign_in()

    seller.open_import_orders()
    assert seller.sideways_overflow() == 0, "Import Orders scrolls sideways"
    seller.choose_store(store)
    seller.filter_pending(store)
    payload = seller.import_by_time(6)
    assert payload["job"]["status"] == "SUCCEEDED", payload
    pending = demo.pending("ecwid")
    expect(seller.pending_rows).to_have_count(len(pending))
    assert seller.sideways_overflow() == 0, "Import Orders with pending rows scrolls sideways"

    number = demo.acceptable("ecwid")[0]["orderNumber"]
    seller.row_button(number, "View").click()
    dialog = seller.page.get_by_role("dialog", name=f"Order {number}")
    expect(dialog).to_be_visible()
    assert seller.sideways_overflow() == 0, "the View dialog scrolls the page sideways"
    assert dialog.evaluate("el => el.scrollWidth <= el.clientWidth"), "the View dialog scrolls sideways"
    seller.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    row = seller.pending_row(number)
    row.get_by_role("button", name="Accept Buyer").scroll_into_view_if_needed()
    seller.accept(number)
    expect(row).to_have_count(0)

    seller.open_transaction_list()
    assert seller.sideways_overflow() == 0, "the Transaction List scrolls sideways"
    found = seller.find_transaction(number)
    expect(found.get_by_role("cell", name="Succeeded", exact=True)).to_be_visible()
    assert seller.sideways_overflow() == 0, "the Transaction List with a search scrolls sideways"


def focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def press_until(page: Page, key: str, done: Any, limit: int = 40) -> None:
    """Press ``key`` until ``done()`` holds."""
    for _ in range(limit):
        if done():
            return
        page.keyboard.press(key)
    assert done(), f"{key} pressed {limit} times without getting there"


def test_sign_in_and_an_import_by_time_with_the_keyboard_alone(consoles: Any, demo: Demo) -> None:
    store = demo.stores["shopify"]
    seller: SellerConsole = consoles.open()
    page = seller.page
    seller.goto("/")
    expect(seller.token_field).to_be_visible()

    press_until(page, "Tab", lambda: focused(seller.token_field))
    page.keyboard.type(demo.token)
    page.keyboard.press("Enter")
    expect(seller.sign_out_button).to_be_visible()

    press_until(page, "Tab", lambda: focused(seller.link("Import Orders")))
    page.keyboard.press("Enter")
    expect(seller.heading("Import Filters")).to_be_visible()

    press_until(page, "Tab", lambda: focused(seller.platform_select))
    press_until(page, "ArrowDown", lambda: seller.platform_select.input_value() == store.platform, limit=12)
    press_until(page, "Tab", lambda: focused(seller.store_select))
    press_until(page, "ArrowDown", lambda: seller.store_select.input_value() == store.id, limit=5)

    press_until(page, "Tab", lambda: focused(seller.radio("Order ID")) or focused(seller.radio("Time")))
    press_until(page, "ArrowRight", lambda: seller.radio("Time").is_checked(), limit=3)
    expect(seller.radio("Time")).to_be_focused()
    page.keyboard.press("Tab")
    press_until(page, "ArrowRight", lambda: seller.radio("6h").is_checked(), limit=8)
    expect(seller.radio("6h")).to_be_focused()

    press_until(page, "Tab", lambda: focused(seller.submit_button), limit=5)
    with page.expect_response(lambda r: "importOrders" in (r.request.post_data or "")) as answered:
        page.keyboard.press("Enter")
    job = answered.value.json()["data"]["importOrders"]["job"]
    assert (job["status"], job["hours"]) == ("SUCCEEDED", 6), job
    assert job["imported"] > 0, job
    expect(seller.import_result).to_contain_text(f"{job['imported']} new order")
    expect(seller.pending_row(demo.pending("shopify")[0]["orderNumber"])).to_contain_text("Pending")

    # A decision by keyboard too: Space on the first row's Accept Buyer.
    number = demo.acceptable("shopify")[0]["orderNumber"]
    accept = seller.row_button(number, "Accept Buyer")
    press_until(page, "Tab", lambda: focused(accept), limit=200)
    page.keyboard.press("Space")
    expect(seller.pending_row(number)).to_have_count(0)
    expect(seller.announcement).to_contain_text(f"Order {number} accepted")
