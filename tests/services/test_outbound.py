"""Seller-chosen API URLs cannot reach the server's own network unless the operator allows it."""

from __future__ import annotations

import socket

import aiohappyeyeballs
import aiohttp
import pytest
from aiohttp import web

from server.errors import DisallowedAddress, InvalidInput
from server.outbound import _public_socket, check_api_base_url, check_url, create_session, is_public_address
from server.platforms import AddressNotAllowed, HttpClient, RetryPolicy
from server.platforms.http import AddressRefused
from tests.support import serve_app


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",  # not https
        "https://127.0.0.1:8443",
        "https://10.0.0.5",
        "https://[::1]/",
        "https://169.254.169.254/latest",
        "https://localhost",
        "ftp://example.com",
        "https://user:secret@example.com",
        "https://example.com/?token=x",
    ],
)
async def test_urls_refused_by_default(url):
    with pytest.raises(InvalidInput) as refused:
        await check_api_base_url(url, allow_local=False)
    assert refused.value.field == "apiBaseUrl"
    assert "secret" not in refused.value.message


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://example.com", DisallowedAddress),
        ("https://127.0.0.1:8443", DisallowedAddress),
        ("https://localhost", DisallowedAddress),
        ("ftp://example.com", InvalidInput),
        ("https://example.com:99999", InvalidInput),  # not a port
        ("https://[::1", InvalidInput),  # not a URL
    ],
)
async def test_the_address_rules_name_the_field_they_check(url, refusal):
    with pytest.raises(InvalidInput) as refused:
        await check_url(url, allow_local=False, field="credentials.site_url", name="Store URL")
    assert type(refused.value) is refusal
    assert refused.value.field == "credentials.site_url"
    assert refused.value.message.startswith("Store URL ")


async def test_local_urls_allowed_when_the_operator_says_so():
    assert await check_api_base_url("http://127.0.0.1:9000/base/", allow_local=True) == "http://127.0.0.1:9000/base"


async def test_the_session_refuses_private_addresses_when_it_connects():
    async def inside(request: web.Request) -> web.Response:
        return web.Response(text="inside")

    app = web.Application()
    app.router.add_get("/", inside)
    async with serve_app(app) as url:
        guarded = create_session(allow_local=False)
        open_ = create_session(allow_local=True)
        try:
            with pytest.raises(aiohttp.ClientConnectorError):
                await guarded.get(url)
            async with open_.get(url) as response:
                assert await response.text() == "inside"
        finally:
            await guarded.close()
            await open_.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_refused_address_is_not_retried(host):
    async def inside(request: web.Request) -> web.Response:
        return web.Response(text="inside")

    app = web.Application()
    app.router.add_get("/", inside)
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)

    async with serve_app(app) as url:
        guarded = create_session(allow_local=False)
        try:
            http = HttpClient(guarded, RetryPolicy(attempts=5), sleep=sleep)
            with pytest.raises(AddressNotAllowed) as refused:
                await http.request("GET", url.replace("127.0.0.1", host) + "/orders?token=secret")
        finally:
            await guarded.close()
    assert slept == []
    assert refused.value.code == "ADDRESS_NOT_ALLOWED"
    assert f"GET {url.replace('127.0.0.1', host)}/orders was not sent" in refused.value.message
    assert "secret" not in refused.value.message


async def test_a_host_with_several_refused_addresses_is_refused_as_one():
    """Happy eyeballs tries each address; when every one is refused, the refusal itself comes out, not a mix."""
    addresses = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 9, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 9)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 9)),
    ]
    with pytest.raises(AddressRefused):
        await aiohappyeyeballs.start_connection(addresses, happy_eyeballs_delay=0.25, socket_factory=_public_socket)
