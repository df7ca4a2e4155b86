"""Every URL a seller types follows the address rules: a credential marked ``url`` (WooCommerce's site URL) is
checked like ``apiBaseUrl`` when a store is connected or updated, and an address refused when a job connects
fails that job at once with its own code."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

import plugins.shopify
import plugins.woocommerce
from server import outbound
from server.models import ImportJob, Store
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import IMPORT_ORDERS, UPDATE_STORE
from tests.support import Server, running_server, settings

pytestmark = pytest.mark.database

LOCAL_REFUSED = settings(extra_plugins=(plugins.shopify, plugins.woocommerce), allow_local_api=False)
KEYS = {"consumer_key": "ck_0123456789", "consumer_secret": "cs_0123456789"}


async def connect(server: Server, token: str, site_url: str) -> dict[str, Any]:
    variables = {"platform": "woocommerce", "name": "Woo", "credentials": {"site_url": site_url} | KEYS}
    return (await server.execute(CONNECT_STORE, variables, token=token))["connectStore"]


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


REFUSED = [
    "http://169.254.169.254",  # the cloud metadata address, over http
    "http://127.0.0.1:8080",
    "https://169.254.169.254/latest",
    "https://127.0.0.1:8443",
    "https://[::1]/shop",
    "https://localhost",
    "https://10.1.2.3/shop",
    "http://shop.example.com",  # public or not, http:// is refused
]


async def public(host: str, port: int) -> list[Any]:
    """What the resolver says of a site's host that is public (today)."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]


async def test_a_url_credential_is_held_to_the_address_rules_when_connecting_and_updating(monkeypatch):
    async with running_server(LOCAL_REFUSED) as server:
        token = await new_token("wanda")
        for url in REFUSED:
            payload = await connect(server, token, url)
            assert (payload["store"], codes(payload)) == (None, [("ADDRESS_NOT_ALLOWED", ["credentials", "site_url"])])
            assert "cs_0123456789" not in payload["userErrors"][0]["message"]
        assert await Store.all().count() == 0

        with monkeypatch.context() as patched:
            patched.setattr(outbound, "_resolve", public)
            store = (await connect(server, token, "https://shop.example.com"))["store"]["id"]
        for url in REFUSED:
            variables = {"id": store, "credentials": {"site_url": url} | KEYS}
            payload = (await server.execute(UPDATE_STORE, variables, token=token))["updateStore"]
            assert codes(payload) == [("ADDRESS_NOT_ALLOWED", ["credentials", "site_url"])], url
        row = await Store.get(id=store)
        assert server.runtime.cipher.decrypt(row.credentials)["site_url"] == "https://shop.example.com"


async def test_local_site_urls_are_allowed_when_the_operator_says_so():
    async with running_server(settings(extra_plugins=(plugins.shopify, plugins.woocommerce))) as server:
        payload = await connect(server, await new_token("wanda"), "http://127.0.0.1:8080")
        assert payload["userErrors"] == []


async def test_an_address_refused_when_the_job_connects_fails_the_job_at_once(monkeypatch):
    """The site's name resolved to a public address when the store was connected, and to a private one now."""
    monkeypatch.setattr(outbound, "_resolve", public)
    # Retries that would take seconds: a refusal must not wait for them.
    slow_retries = settings(
        extra_plugins=(plugins.shopify, plugins.woocommerce),
        allow_local_api=False,
        retry_attempts=4,
        retry_base_delay=2.0,
    )
    async with running_server(slow_retries) as server:
        token = await new_token("wanda")
        connected = await connect(server, token, "https://127.0.0.1:9/shop")
        assert connected["userErrors"] == []
        store = connected["store"]["id"]

        started = time.monotonic()
        for variables in ({"orderId": "1001"}, {"hours": 1}):
            payload = await server.execute(
                IMPORT_ORDERS, {"platform": "woocommerce", "store": store} | variables, token=token
            )
            job = payload["importOrders"]["job"]
            assert (job["status"], job["errorCode"]) == ("FAILED", "ADDRESS_NOT_ALLOWED"), job
            assert "non-public address" in job["error"] and job["finishedAt"] is not None
        assert time.monotonic() - started < 3


async def test_a_url_credential_is_checked_again_before_an_import(monkeypatch):
    """Its host now resolves to a private address: the import is refused before any job, and so are webhooks."""
    async with running_server(LOCAL_REFUSED) as server:
        token = await new_token("wanda")
        with monkeypatch.context() as patched:
            patched.setattr(outbound, "_resolve", public)
            store = (await connect(server, token, "https://127.0.0.1:9/shop"))["store"]["id"]

        payload = await server.execute(
            IMPORT_ORDERS, {"platform": "woocommerce", "store": store, "orderId": "1001"}, token=token
        )
        response = await server.session.post(f"{server.url}/webhooks/woocommerce/{store}", data=b"{}")

        assert payload["importOrders"]["job"] is None
        assert codes(payload["importOrders"]) == [("ADDRESS_NOT_ALLOWED", ["credentials", "site_url"])]
        assert await ImportJob.all().count() == 0
        assert response.status == 503
