"""``BigCommerceConnector.verify_credentials``: ``GET /v2/orders?limit=1`` of the store the hash names."""

from __future__ import annotations

import pytest

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from server.platforms import HttpClient, PlatformAuthError
from tests.support import serve_app


async def test_one_order_read_and_another_stores_hash_is_refused(http: HttpClient) -> None:
    store = BigCommerceEmulator()
    async with serve_app(store.app()) as url:
        await BigCommerceConnector(credentials=store.credentials(), http=http, api_base_url=url).verify_credentials()
        elsewhere = {**store.credentials(), "store_hash": "another1"}
        with pytest.raises(PlatformAuthError, match="check the store hash and access token"):
            await BigCommerceConnector(credentials=elsewhere, http=http, api_base_url=url).verify_credentials()

    assert [(r["method"], r["path"], r["query"]) for r in store.requests] == [
        ("GET", f"/stores/{store.store_hash}/v2/orders", {"limit": "1"}),
        ("GET", "/stores/another1/v2/orders", {"limit": "1"}),
    ]
