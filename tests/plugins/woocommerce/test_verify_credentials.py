"""``WooCommerceConnector.verify_credentials``: ``GET /orders?per_page=1`` with the REST API keys."""

from __future__ import annotations

import pytest

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms import HttpClient, PlatformAuthError, PlatformBadResponse
from tests.support import serve_app


async def test_refused_keys_are_an_auth_error_and_a_site_without_the_api_a_bad_response(http: HttpClient) -> None:
    shop = WooCommerceEmulator()
    async with serve_app(shop.app()) as url:
        await WooCommerceConnector(credentials=shop.credentials(), http=http, api_base_url=url).verify_credentials()
        with pytest.raises(PlatformAuthError):
            refused = WooCommerceConnector(credentials=shop.wrong_credentials(), http=http, api_base_url=url)
            await refused.verify_credentials()
        # Not a refusal of the keys: connecting goes on unchecked, and the first import says what is wrong.
        with pytest.raises(PlatformBadResponse, match="Checking the REST API keys: .* answered HTTP 404"):
            elsewhere = WooCommerceConnector(credentials=shop.credentials(), http=http, api_base_url=f"{url}/blog")
            await elsewhere.verify_credentials()
