"""Outbound HTTP: the one client session, and the rule that keeps seller-chosen URLs public.

A seller may point a store at any ``apiBaseUrl`` (or a URL credential, such as
WooCommerce's site address), so the server could be made to call its own
network. By default such a URL must be ``https://`` and resolve only to public
addresses, checked when the store is connected; and every socket the session
opens is checked again against the address actually dialled, so a DNS answer
that changes later (rebinding) cannot reach a private address either: that
connection fails at once with ``AddressRefused``, which ``HttpClient`` reports as
``AddressNotAllowed``, never retried. ``ORDER_IMPORT_ALLOW_LOCAL_API=1`` lifts
both checks for the demo, tests and emulators.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

import aiohttp
from aiohappyeyeballs import AddrInfoType

from .errors import DisallowedAddress, InvalidInput
from .platforms.http import AddressRefused


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _public_socket(addr_info: AddrInfoType) -> socket.socket:
    family, type_, proto, _, address = addr_info
    if not is_public_address(str(address[0])):
        raise AddressRefused(str(address[0]))
    return socket.socket(family=family, type=type_, proto=proto)


def create_session(*, allow_local: bool) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=100, socket_factory=None if allow_local else _public_socket)
    return aiohttp.ClientSession(connector=connector, headers={"User-Agent": "order-import"})


async def check_api_base_url(url: str, *, allow_local: bool) -> str:
    """The normalized URL, or ``InvalidInput`` saying why it may not be used."""
    return await check_url(url, allow_local=allow_local, field="apiBaseUrl", name="apiBaseUrl")


async def check_url(url: str, *, allow_local: bool, field: str, name: str) -> str:
    """``url`` without a trailing ``/``, or ``InvalidInput`` naming ``field`` (``DisallowedAddress`` when the
    address rules refuse it); ``name`` is what the message calls the URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        hostname, _ = parts.hostname, parts.port
    except ValueError:
        raise InvalidInput(f"{name} must be an absolute https:// URL", field=field) from None
    if parts.scheme not in ("https", "http") or not hostname:
        raise InvalidInput(f"{name} must be an absolute https:// URL", field=field)
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput(f"{name} may not carry credentials, a query or a fragment", field=field)
    if len(url) > 2048:
        raise InvalidInput(f"{name} is longer than 2048 characters", field=field)
    if allow_local:
        return url.rstrip("/")
    if parts.scheme != "https":
        raise DisallowedAddress(f"{name} must use https://", field=field)
    try:
        infos = await _resolve(hostname, parts.port or 443)
    except OSError:
        raise InvalidInput(f"{name} host {hostname} cannot be resolved", field=field) from None
    if not infos or not all(is_public_address(str(info[4][0])) for info in infos):
        raise DisallowedAddress(f"{name} host {hostname} resolves to a non-public address", field=field)
    return url.rstrip("/")


async def _resolve(host: str, port: int) -> Sequence[AddrInfoType]:
    return await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
