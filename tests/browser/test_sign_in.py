"""Signing in and out: a wrong token is refused in words, a reload keeps the seller signed in, Sign out
forgets the token."""

from __future__ import annotations

import re

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

LEAVES_THE_DEMO_AS_IT_IS = True  # it shares a demo with other such modules (see conftest.py)

STORED = "() => JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage), document.cookie])"


def expect_sign_in_screen(console: SellerConsole) -> None:
    expect(console.heading("Sign in")).to_be_visible()
    expect(console.token_field).to_be_visible()
    expect(console.sign_in_button).to_be_visible()
    expect(console.sign_out_button).to_have_count(0)
    expect(console.link("Import Orders")).to_have_count(0)


def test_a_wrong_token_is_refused_and_the_seller_stays_on_the_sign_in_screen(console: SellerConsole) -> None:
    # Chromium logs the API's 401 answer to the check of the token as a console error.
    console.problems.allow_console_error(r"status of 401")
    console.goto("/")
    expect_sign_in_screen(console)

    console.sign_in_button.click()  # no token at all
    expect(console.token_field).to_have_attribute("aria-invalid", "true")
    expect(console.token_field).to_have_accessible_description(re.compile(r"token", re.I))

    console.token_field.fill("oi_this-is-not-a-token-of-anyone-000000")
    with console.page.expect_response(lambda r: r.url.endswith("/graphql")) as answered:
        console.sign_in_button.click()
    assert answered.value.status == 401
    expect(console.page.get_by_role("alert")).to_contain_text(re.compile(r"not accepted", re.I))
    expect(console.token_field).to_have_attribute("aria-invalid", "true")
    expect(console.token_field).to_have_accessible_description(re.compile(r"not accepted", re.I))
    expect(console.token_field).to_be_focused()
    expect_sign_in_screen(console)
    assert "oi_this-is-not" not in console.page.evaluate(STORED)


def test_a_reload_keeps_the_seller_signed_in_and_sign_out_forgets_the_token(console: SellerConsole, demo: Demo) -> None:
    console.sign_in()
    console.open_transaction_list()

    console.page.reload()
    expect(console.heading("Transaction List")).to_be_visible()
    expect(console.sign_out_button).to_be_visible()
    console.open_import_orders()

    console.sign_out_button.click()
    expect_sign_in_screen(console)
    assert demo.token not in console.page.evaluate(STORED)
    console.page.reload()
    expect_sign_in_screen(console)
    console.goto("/import")
    expect_sign_in_screen(console)
