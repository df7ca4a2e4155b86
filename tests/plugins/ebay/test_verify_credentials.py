"""``EbayConnector.verify_credentials``: the seller's access token is minted, then one order is read with it."""

from __future__ import annotations

import pytest

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from server.platforms import HttpClient, PlatformAuthError
from tests.support import serve_app


async def test_a_token_and_one_order_and_a_revoked_refresh_token_is_refused(http: HttpClient) -> None:
    seller = EbayEmulator()
    async with serve_app(seller.app()) as url:
        await EbayConnector(credentials=seller.credentials(), http=http, api_base_url=url).verify_credentials()
        revoked = {**seller.credentials(), "refresh_token": "v^1.1#revoked"}
        with pytest.raises(PlatformAuthError, match="invalid_grant"):
            await EbayConnector(credentials=revoked, http=http, api_base_url=url).verify_credentials()

    assert [(r["method"], r["query"].get("limit")) for r in seller.requests[:2]] == [("POST", None), ("GET", "1")]
