"""The seller console as a seller uses it: controls found only by role and accessible name (the guide's words).

``SellerConsole`` wraps one Playwright page in its own browser context. It guards the page:
an uncaught error, a console error or a request that leaves the server's origin is
recorded in ``Problems``, which fails the test (see conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.demo import Demo, DemoStore

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Locator, Page, Response, Route, WebSocket, expect
except ImportError:  # the ``browser`` fixture skips (fails in CI) and says how to install it
    expect = None  # type: ignore[assignment]
    PlaywrightError = Exception  # type: ignore[assignment,misc]

TIMEOUT_MS = 5_000
"""How long a locator or an expectation waits by default."""
LIVE_MS = 1_000
"""What "within a second" means: live updates between consoles."""

if expect is not None:
    expect.set_options(timeout=TIMEOUT_MS)


class Problems:
    """What went wrong in a test's pages that the test itself did not look at."""

    def __init__(self, origin: str) -> None:
        self.netloc = urlsplit(origin).netloc
        self.found: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, text: str) -> None:
        self.found.append(text)

    def allow_console_error(self, pattern: str) -> None:
        """A console error the test causes on purpose (e.g. Chromium's line for a 401 answer)."""
        self.allowed.append(re.compile(pattern))

    def console_error(self, where: str, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.add(f"{where}: console error: {text}")

    def leaves_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and parts.netloc != self.netloc

    def text(self) -> str:
        return "".join(f"- {problem}\n" for problem in self.found)

    def check(self) -> None:
        if self.found:
            pytest.fail("the console misbehaved:\n" + self.text(), pytrace=False)


def _is_import(response: Response) -> bool:
    request = response.request
    return request.method == "POST" and request.url.endswith("/graphql") and "importOrders" in (request.post_data or "")


class SellerConsole:
    """One seller's console: a page in its own browser context."""

    def __init__(self, page: Page, demo: Demo, problems: Problems, name: str) -> None:
        self.page = page
        self.demo = demo
        self.problems = problems
        self.name = name
        page.context.route("**/*", self._guard)
        page.on("pageerror", lambda error: problems.add(f"{name}: uncaught error: {error}"))
        page.on("console", lambda message: message.type == "error" and problems.console_error(name, message.text))
        page.on("websocket", self._check_websocket)

    # -- guards -----------------------------------------------------------------------------------

    def _guard(self, route: Route) -> None:
        url = route.request.url
        if self.problems.leaves_origin(url):
            self.problems.add(f"{self.name}: a request left the server's origin: {route.request.method} {url}")
            route.abort("blockedbyclient")
        else:
            route.fallback()

    def _check_websocket(self, websocket: WebSocket) -> None:
        if self.problems.leaves_origin(websocket.url):
            self.problems.add(f"{self.name}: a websocket left the server's origin: {websocket.url}")

    def save_artifacts(self, folder: Path) -> None:
        if self.page.is_closed():
            return
        try:
            self.page.screenshot(path=folder / f"{self.name}.png", full_page=True, timeout=5_000)
            (folder / f"{self.name}.html").write_text(self.page.content())
        except PlaywrightError as exc:
            (folder / f"{self.name}.error.txt").write_text(str(exc))

    # -- the shell --------------------------------------------------------------------------------

    def goto(self, path: str = "/") -> None:
        self.page.goto(path)

    @property
    def token_field(self) -> Locator:
        return self.page.get_by_label("API token", exact=True)

    @property
    def sign_in_button(self) -> Locator:
        return self.page.get_by_role("button", name="Sign in", exact=True)

    @property
    def sign_out_button(self) -> Locator:
        return self.page.get_by_role("button", name="Sign out", exact=True)

    def sign_in(self, token: str | None = None) -> None:
        """Open the console and sign in with the demo seller's token (or ``token``)."""
        self.goto("/")
        self.token_field.fill(token or self.demo.token)
        self.sign_in_button.click()
        expect(self.sign_out_button).to_be_visible()

    def link(self, name: str) -> Locator:
        return self.page.get_by_role("link", name=name, exact=True)

    def heading(self, name: str) -> Locator:
        return self.page.get_by_role("heading", name=name, exact=True)

    def open_import_orders(self) -> None:
        self.link("Import Orders").click()
        expect(self.heading("Import Filters")).to_be_visible()

    def open_transaction_list(self) -> None:
        self.link("Transaction List").click()
        expect(self.heading("Transaction List")).to_be_visible()

    # -- Import Filters ---------------------------------------------------------------------------

    @property
    def platform_select(self) -> Locator:
        return self.page.get_by_label("Platform", exact=True)

    @property
    def store_select(self) -> Locator:
        return self.page.get_by_label("Store", exact=True)

    def radio(self, name: str) -> Locator:
        return self.page.get_by_role("radio", name=name, exact=True)

    @property
    def order_id_field(self) -> Locator:
        return self.page.get_by_role("textbox", name="Order IDs", exact=True)

    @property
    def submit_button(self) -> Locator:
        return self.page.get_by_role("button", name="Submit", exact=True)

    def choose_store(self, store: DemoStore) -> None:
        self.platform_select.select_option(label=store.platform_name)
        self.store_select.select_option(label=store.name)

    def submit(self) -> dict[str, Any]:
        """Click Submit; the ``importOrders`` payload the server answered."""
        with self.page.expect_response(_is_import) as answered:
            self.submit_button.click()
        return answered.value.json()["data"]["importOrders"]

    def import_by_time(self, hours: int) -> dict[str, Any]:
        self.radio("Time").check()
        self.radio(f"{hours}h").check()
        return self.submit()

    def import_by_order_id(self, order_id: str) -> dict[str, Any]:
        self.radio("Order ID").check()
        self.order_id_field.fill(order_id)
        return self.submit()

    @property
    def import_filters(self) -> Locator:
        return self.page.get_by_role("region", name="Import Filters", exact=True)

    @property
    def import_result(self) -> Locator:
        """The live region (role status) under Import Filters that says what the import did."""
        return self.import_filters.get_by_role("status")

    # -- Import Transaction List ------------------------------------------------------------------

    @property
    def pending_section(self) -> Locator:
        return self.page.get_by_role("region", name="Import Transaction List", exact=True)

    @property
    def pending_rows(self) -> Locator:
        """The rows of pending orders (not the header row: that one has no cell)."""
        return self.pending_section.get_by_role("row").filter(has=self.page.get_by_role("cell"))

    def pending_row(self, order_number: str) -> Locator:
        return self.pending_rows.filter(has=self.page.get_by_text(order_number, exact=True))

    def row_button(self, order_number: str, name: str) -> Locator:
        return self.pending_row(order_number).get_by_role("button", name=name, exact=True)

    def filter_pending(self, store: DemoStore) -> None:
        """Show only the store's pending orders (the list holds every platform's)."""
        self.pending_section.get_by_label("Filter by platform", exact=True).select_option(label=store.platform_name)
        self.pending_section.get_by_label("Filter by store", exact=True).select_option(label=store.name)

    @property
    def announcement(self) -> Locator:
        """The live region of the Import Transaction List: what a decision did."""
        return self.pending_section.get_by_role("status")

    def accept(self, order_number: str) -> None:
        self.row_button(order_number, "Accept Buyer").click()

    def cancel(self, order_number: str, reason: str) -> None:
        self.row_button(order_number, "Mark as Cancel").click()
        dialog = self.page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Reason").fill(reason)
        dialog.get_by_role("button", name="Mark as Cancel", exact=True).click()
        expect(dialog).to_be_hidden()

    # -- Transaction List -------------------------------------------------------------------------

    @property
    def search_field(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Search", exact=True)

    def transaction_row(self, order_number: str) -> Locator:
        rows = self.page.get_by_role("main").get_by_role("row").filter(has=self.page.get_by_role("cell"))
        return rows.filter(has=self.page.get_by_text(order_number, exact=True))

    def find_transaction(self, order_number: str) -> Locator:
        """Search the Transaction List for an order; its row."""
        self.search_field.fill(order_number)
        row = self.transaction_row(order_number)
        expect(self.page.get_by_role("main").get_by_role("status")).to_contain_text(order_number)
        return row

    # -- layout -----------------------------------------------------------------------------------

    def sideways_overflow(self) -> int:
        """How many pixels the page scrolls sideways (0: none)."""
        return self.page.evaluate("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
