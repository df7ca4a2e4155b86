"""``EcwidConnector.verify_credentials``: ``GET /profile``; a token used for another store id is refused."""

from __future__ import annotations

import pytest

from plugins.ecwid import EcwidConnector
from plugins.ecwid.emulator import EcwidEmulator
from server.platforms import HttpClient, PlatformAuthError
from tests.support import serve_app


async def test_the_profile_is_read_and_an_unknown_store_id_is_refused(http: HttpClient) -> None:
    store = EcwidEmulator()
    async with serve_app(store.app()) as url:
        await EcwidConnector(credentials=store.credentials(), http=http, api_base_url=url).verify_credentials()
        unknown = {**store.credentials(), "store_id": str(store.store_id + 1)}
        with pytest.raises(PlatformAuthError, match="refused with HTTP 403"):  # a token is one store's
            await EcwidConnector(credentials=unknown, http=http, api_base_url=url).verify_credentials()
