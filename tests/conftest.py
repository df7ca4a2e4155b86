"""Fixtures shared by every test module."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import aioresponses.core
import pytest

from plugins.shopify.emulator import ShopifyEmulator
from server import logs
from server.platforms import HttpClient, RetryPolicy
from server.services import accounts
from tests.databases import drop_database
from tests.support import Server, running_server, serve_app

SAMPLES = Path(__file__).parent / "samples"

logs.install()  # as every command and the app do: no secret in any log record, in the tests too

# aioresponses 0.7.9 predates aiohttp 3.14's required ``stream_writer`` argument
# (pnuckowski/aioresponses#289); hand it a response class that supplies one.
if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:

    class _CompatClientResponse(aiohttp.ClientResponse):
        def __init__(self, method, url, *, stream_writer=None, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(method, url, stream_writer=stream_writer or SimpleNamespace(output_size=0), **kwargs)

    aioresponses.core.ClientResponse = _CompatClientResponse  # type: ignore[misc]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the database carry the ``database`` marker: the PostgreSQL pass runs those."""
    for item in items:
        if "server" in getattr(item, "fixturenames", ()) or item.get_closest_marker("database"):
            item.add_marker(pytest.mark.database)


def pytest_sessionfinish(session: pytest.Session) -> None:
    drop_database()


FAST_RETRIES = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.05, timeout=2.0)


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def http(http_session: aiohttp.ClientSession) -> HttpClient:
    """A retrying client with millisecond backoff, for connector tests."""
    return HttpClient(http_session, FAST_RETRIES)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """The whole app under uvicorn on a loopback port, on a fresh in-memory database."""
    async with running_server() as running:
        yield running


@pytest.fixture
def shopify() -> ShopifyEmulator:
    """A Shopify store whose cost bucket never runs dry; throttling is injected where a test wants it."""
    return ShopifyEmulator(
        shop_domain="test-shop.myshopify.com", access_token="shpat_test_token", bucket_size=1e9, restore_rate=1e9
    )


@pytest.fixture
async def shopify_url(shopify: ShopifyEmulator) -> AsyncIterator[str]:
    async with serve_app(shopify.app()) as url:
        yield url


async def new_token(name: str) -> str:
    return await accounts.create_token(await accounts.get_or_create_seller(name))


@pytest.fixture
async def token(server: Server) -> str:
    return await new_token("alice")


@pytest.fixture
async def store_id(server: Server, token: str, shopify_url: str) -> str:
    """Alice's Shopify store, connected through the API to the emulator."""
    data = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Alice's shop",
            "credentials": {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"},
            "apiBaseUrl": shopify_url,
        },
        token=token,
    )
    assert data["connectStore"]["userErrors"] == []
    return data["connectStore"]["store"]["id"]


CONNECT_STORE = """
mutation($platform: String!, $name: String!, $credentials: JSON!, $apiBaseUrl: String) {
  connectStore(platform: $platform, name: $name, credentials: $credentials, apiBaseUrl: $apiBaseUrl) {
    store { id name apiBaseUrl platform { id } }
    userErrors { code message field }
  }
}
"""
