"""Fixtures shared by every test module."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import aioresponses.core
import pytest

from server.platforms import HttpClient, RetryPolicy

SAMPLES = Path(__file__).parent / "samples"

# aioresponses 0.7.9 predates aiohttp 3.14's required ``stream_writer`` argument
# (pnuckowski/aioresponses#289); hand it a response class that supplies one.
if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:

    class _CompatClientResponse(aiohttp.ClientResponse):
        def __init__(self, method, url, *, stream_writer=None, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(method, url, stream_writer=stream_writer or SimpleNamespace(output_size=0), **kwargs)

    aioresponses.core.ClientResponse = _CompatClientResponse  # type: ignore[misc]


FAST_RETRIES = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.05, timeout=2.0)


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def http(http_session: aiohttp.ClientSession) -> HttpClient:
    """A retrying client with millisecond backoff, for connector tests."""
    return HttpClient(http_session, FAST_RETRIES)
