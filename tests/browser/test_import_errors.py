"""An Order ID the platform lacks, an empty one and one over 255 characters: the seller is told, in words,
next to the Order ID field or as the import's error, and nothing is imported."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

LEAVES_THE_DEMO_AS_IT_IS = True  # it shares a demo with other such modules (see conftest.py)


def test_an_order_id_the_platform_lacks_fails_the_import_in_words(consoles: Any, demo: Demo) -> None:
    store = demo.stores["ebay"]
    before = demo.pending("ebay")
    seller = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)

    payload = seller.import_by_order_id("99-99999-99999")
    job = demo.finished(payload["job"])
    assert (job["status"], job["errorCode"], job["imported"]) == ("FAILED", "ORDER_NOT_FOUND", 0), job
    expect(seller.import_result).to_contain_text("The import failed")
    expect(seller.import_result).to_contain_text(re.compile(r"no order with that id", re.I))
    assert demo.pending("ebay") == before


def test_an_empty_or_too_long_order_id_is_an_error_next_to_the_field(consoles: Any, demo: Demo) -> None:
    store = demo.stores["ecwid"]
    before = demo.pending("ecwid")
    seller: SellerConsole = consoles.signed_in()
    seller.open_import_orders()
    seller.choose_store(store)
    seller.radio("Order ID").check()
    field = seller.order_id_field
    imports: list[str] = []
    seller.page.on("request", lambda r: "importOrders" in (r.post_data or "") and imports.append(r.post_data or ""))

    field.fill("   ")
    seller.submit_button.click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"Enter an order ID", re.I))
    expect(field).to_be_focused()

    # A seller pastes 256 characters and submits: an error next to the field, not an import of a cut id.
    field.fill("S" * 256)
    assert len(field.input_value()) == 256, "the Order ID field silently cuts a pasted id to 255 characters (maxlength)"
    seller.submit_button.click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"at most 255 characters", re.I))
    assert imports == []
    assert demo.pending("ecwid") == before
