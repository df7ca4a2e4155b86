"""``PayPalConnector.verify_credentials``: a new OAuth token, never one kept from earlier."""

from __future__ import annotations

import pytest

from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from server.platforms import ConnectorState, HttpClient, PlatformAuthError
from tests.support import serve_app


async def test_wrong_app_credentials_are_refused_even_with_a_token_kept(http: HttpClient) -> None:
    merchant = PayPalEmulator()
    async with serve_app(merchant.app()) as url:
        state = ConnectorState()
        await PayPalConnector(credentials=merchant.credentials(), http=http, api_base_url=url, state=state).fetch_order(
            "5O190127TN364715T"
        )  # keeps a token in the state
        assert state.get("access_token")
        wrong = PayPalConnector(credentials=merchant.wrong_credentials(), http=http, api_base_url=url, state=state)
        with pytest.raises(PlatformAuthError):
            await wrong.verify_credentials()
