"""An HTTP client that reaches every host name on 127.0.0.1, so an emulator can stand in for a sandbox host."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from server.platforms import HttpClient
from tests.conftest import FAST_RETRIES


class _Loopback(AbstractResolver):
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host, host="127.0.0.1", port=port, family=socket.AF_INET, proto=0, flags=socket.AI_NUMERICHOST
            )
        ]

    async def close(self) -> None:
        return None


@asynccontextmanager
async def loopback_http() -> AsyncIterator[HttpClient]:
    """A client whose every connection goes to 127.0.0.1, whatever host the URL names (port kept)."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=_Loopback())) as session:
        yield HttpClient(session, FAST_RETRIES)


def on_host(url: str, host: str) -> str:
    """``url`` (``http://127.0.0.1:port``) with ``host`` in place of the address."""
    return url.replace("127.0.0.1", host, 1)
