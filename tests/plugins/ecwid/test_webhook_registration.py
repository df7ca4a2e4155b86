"""Ecwid has no API to register webhooks: an app's webhook URL is set in its settings by Ecwid's team."""

from __future__ import annotations

import pytest

from plugins.ecwid import EcwidConnector
from plugins.ecwid.emulator import EcwidEmulator
from server.platforms import Capability, HttpClient, UnsupportedOperation
from tests.support import serve_app


async def test_registration_is_unsupported_and_asks_nothing_of_ecwid(http: HttpClient) -> None:
    assert Capability.REGISTER_WEBHOOKS not in EcwidConnector.capabilities
    store = EcwidEmulator()
    async with serve_app(store.app()) as url:
        connector = EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url)
        with pytest.raises(UnsupportedOperation):
            await connector.register_webhooks("https://shop.example/webhooks/ecwid/1")
        with pytest.raises(UnsupportedOperation):
            await connector.webhook_registrations("https://shop.example/webhooks/ecwid/1")
    assert store.requests == []
