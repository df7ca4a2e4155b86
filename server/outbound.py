"""Outbound HTTP: the one client session, and the rule that keeps seller-chosen URLs public.

A seller may point a store at any ``apiBaseUrl``, so the server could be made to
call its own network. By default that URL must be ``https://`` and resolve only
to public addresses, checked when the store is connected; and every socket the
session opens is checked again against the address actually dialled, so a DNS
answer that changes later (rebinding) cannot reach a private address either.
``ORDER_IMPORT_ALLOW_LOCAL_API=1`` lifts both checks for the demo, tests and
emulators.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import aiohttp
from aiohappyeyeballs import AddrInfoType

from .errors import InvalidInput


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _public_socket(addr_info: AddrInfoType) -> socket.socket:
    family, type_, proto, _, address = addr_info
    if not is_public_address(str(address[0])):
        raise OSError(f"refusing to connect to non-public address {address[0]}")
    return socket.socket(family=family, type=type_, proto=proto)


def create_session(*, allow_local: bool) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=100, socket_factory=None if allow_local else _public_socket)
    return aiohttp.ClientSession(connector=connector, headers={"User-Agent": "order-import"})


async def check_api_base_url(url: str, *, allow_local: bool) -> str:
    """The normalized URL, or ``InvalidInput`` saying why it may not be used."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput("apiBaseUrl must be an absolute https:// URL", field="apiBaseUrl")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput("apiBaseUrl may not carry credentials, a query or a fragment", field="apiBaseUrl")
    if len(url) > 2048:
        raise InvalidInput("apiBaseUrl is longer than 2048 characters", field="apiBaseUrl")
    if allow_local:
        return url.rstrip("/")
    if parts.scheme != "https":
        raise InvalidInput("apiBaseUrl must use https://", field="apiBaseUrl")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        raise InvalidInput(f"apiBaseUrl host {parts.hostname} cannot be resolved", field="apiBaseUrl") from None
    if not infos or not all(is_public_address(str(info[4][0])) for info in infos):
        raise InvalidInput(f"apiBaseUrl host {parts.hostname} resolves to a non-public address", field="apiBaseUrl")
    return url.rstrip("/")
