"""GraphiQL from the demo: served from the package (nothing from a CDN), it asks for the API token and uses it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ROOT
from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo
from tests.databases import unavailable

GRAPHIQL_PAGE = ROOT / "server" / "console" / "graphiql" / "graphiql.html"


@pytest.fixture(scope="module", autouse=True)
def built_graphiql() -> Path:
    if not GRAPHIQL_PAGE.is_file():
        unavailable(
            f"GraphiQL is not built ({GRAPHIQL_PAGE.relative_to(ROOT)} is missing): "
            "run `make console` or `cd console && npm ci && npm run build`"
        )
    return GRAPHIQL_PAGE


def test_graphiql_asks_for_the_token_then_runs_a_query(console: SellerConsole, demo: Demo) -> None:
    page = console.page
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    sockets: list[str] = []
    page.on("websocket", lambda websocket: sockets.append(websocket.url))

    page.goto("/graphql")  # a browser's navigation: Accept text/html, no operation
    token_field = page.get_by_label("API token", exact=True)
    expect(token_field).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Enter an API token to run operations.")
    editor = page.get_by_role("region", name="Operation Editor").locator(".monaco-editor .view-lines")
    expect(editor).to_be_visible()
    run = page.get_by_role("button", name=re.compile(r"^Execute query"))
    result = page.get_by_role("region", name="Result Window")

    # Without a token nothing is sent: the answer says where the token goes.
    run.click()
    expect(result).to_contain_text("API token")
    assert [r.url for r in requests if r.url.endswith("/graphql") and r.method == "POST"] == []

    token_field.fill(demo.token)
    page.get_by_role("button", name="Use token", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Every request carries this token")
    assert page.evaluate("sessionStorage.getItem('order-import.token')") == demo.token

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text("{ platforms { id } }")  # typed keys would be auto-closed by the editor
    expect(editor).to_have_text(re.compile(r"^\{\s*platforms\s*\{\s*id\s*\}\s*\}$"))
    with page.expect_response(lambda r: r.url.endswith("/graphql") and "platforms" in (r.request.post_data or "")):
        run.click()
    expect(result).to_contain_text('"shopify"')

    posts = [r for r in requests if r.url.endswith("/graphql") and r.method == "POST"]
    assert posts, "GraphiQL sent no operation"
    assert {r.headers.get("authorization") for r in posts} == {f"Bearer {demo.token}"}
    assert any("IntrospectionQuery" in (r.post_data or "") for r in posts)  # the schema, fetched with the token
    loaded = [r.url for r in requests]
    assert all(url.startswith(demo.origin + "/") or url.startswith("data:") for url in loaded), loaded
    assert any("/graphiql/assets/" in url and ".worker" in url for url in loaded), "Monaco's workers, from the server"
    assert all(url.startswith(demo.origin.replace("http", "ws", 1)) for url in sockets), sockets
