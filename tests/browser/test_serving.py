"""How the server serves the console: its security and caching headers, and deep links."""

from __future__ import annotations

import re
import urllib.request
from email.message import Message

from tests.browser.console import SellerConsole, expect
from tests.browser.demo import Demo

LEAVES_THE_DEMO_AS_IT_IS = True  # it shares a demo with other such modules (see conftest.py)


def get(demo: Demo, path: str) -> tuple[int, Message, str]:
    request = urllib.request.Request(demo.url(path), headers={"Accept": "text/html,*/*"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed.setdefault(name.lower(), values)
    return parsed


def max_age(cache_control: str) -> int:
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found.group(1)) if found else 0


def test_the_page_has_a_strict_csp_is_never_cached_and_its_hashed_assets_are_cached_for_long(demo: Demo) -> None:
    status, headers, html = get(demo, "/")
    assert status == 200
    assert headers.get_content_type() == "text/html"

    policy = directives(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"no script-src (nor default-src) in {headers.get('Content-Security-Policy')!r}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts, scripts
    assert not any(source.startswith(("http:", "https:")) for source in scripts), scripts
    assert headers.get("Content-Security-Policy-Report-Only") is None

    cache = headers.get("Cache-Control", "")
    assert "no-cache" in cache or "no-store" in cache or "max-age=0" in cache, cache

    assets = re.findall(r"""(?:src|href)=["'](/assets/[^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets), html
    for asset in assets:
        assert re.search(r"[-.][A-Za-z0-9_-]{8,}\.(js|css)$", asset), f"{asset} carries no content hash"
        status, asset_headers, _ = get(demo, asset)
        assert status == 200
        asset_cache = asset_headers.get("Cache-Control", "")
        assert max_age(asset_cache) >= 30 * 86400, (asset, asset_cache)


def test_a_deep_link_loads_the_app(console: SellerConsole, demo: Demo) -> None:
    status, headers, html = get(demo, "/transactions")
    assert status == 200 and headers.get_content_type() == "text/html"
    assert "Content-Security-Policy" in headers
    assert html == get(demo, "/")[2]

    console.goto("/transactions")
    expect(console.token_field).to_be_visible()  # not signed in yet
    console.token_field.fill(demo.token)
    console.sign_in_button.click()
    expect(console.heading("Transaction List")).to_be_visible()
    expect(console.page).to_have_url(re.compile(r"/transactions$"))
