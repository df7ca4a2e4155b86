"""``ShopifyConnector.verify_credentials``: one ``{ shop { name } }`` query; a custom domain needs an apiBaseUrl."""

from __future__ import annotations

import pytest

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from server.platforms import HttpClient, InvalidCredentials, PlatformAuthError
from tests.support import serve_app


async def test_the_right_token_passes_and_a_refused_one_is_an_auth_error(http: HttpClient) -> None:
    shop = ShopifyEmulator(shop_domain="verify-shop.myshopify.com", access_token="shpat_verify_token")
    async with serve_app(shop.app()) as url:
        await ShopifyConnector(credentials=shop.credentials(), http=http, api_base_url=url).verify_credentials()
        refused = ShopifyConnector(credentials=shop.wrong_credentials(), http=http, api_base_url=url)
        with pytest.raises(PlatformAuthError, match="HTTP 401"):
            await refused.verify_credentials()


async def test_a_custom_domain_without_an_api_base_url_names_the_shop_domain(http: HttpClient) -> None:
    connector = ShopifyConnector(credentials={"shop_domain": "shop.example.com", "access_token": "shpat_x"}, http=http)

    with pytest.raises(InvalidCredentials) as refused:
        await connector.verify_credentials()  # refused before any request: nothing listens here

    assert refused.value.field == "shop_domain"
