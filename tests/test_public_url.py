"""``ORDER_IMPORT_PUBLIC_URL``: the origin webhook URLs are built from, never a request's ``Host``.

``serve`` without it warns once and uses the address it listens on.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from server.settings import Settings, SettingsError
from tests.conftest import CONNECT_STORE
from tests.test_cli import running_demo, stop

CLI = [sys.executable, "-m", "server.cli"]
WARNING = re.compile(r"ORDER_IMPORT_PUBLIC_URL is not set: webhook URLs are given under (\S+),")


def from_env(value: str) -> Settings:
    return Settings.from_env({"ORDER_IMPORT_PUBLIC_URL": value, "ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"})


@pytest.mark.parametrize(
    ("value", "public_url"),
    [
        ("https://orders.example.com", "https://orders.example.com"),
        ("https://orders.example.com/", "https://orders.example.com"),
        (" http://10.0.0.5:8080/order-import/ ", "http://10.0.0.5:8080/order-import"),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
        ("", ""),
    ],
)
def test_the_public_url_is_read(value: str, public_url: str) -> None:
    assert from_env(value).public_url == public_url


@pytest.mark.parametrize(
    "value",
    [
        "orders.example.com",
        "ftp://orders.example.com",
        "https://",
        "https:///path",
        "https://orders.example.com:99999",
        "https://orders.example.com?x=1",
        "https://orders.example.com/?",
        "https://orders.example.com/#top",
        "https://user:pw@orders.example.com",
        "https://orders example.com",
    ],
)
def test_a_public_url_that_is_not_an_origin_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="ORDER_IMPORT_PUBLIC_URL"):
        from_env(value)


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDER_IMPORT_")}
    return env | {"ORDER_IMPORT_DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}"} | settings


@asynccontextmanager
async def serving(env: dict[str, str], port: int) -> AsyncIterator[tuple[asyncio.subprocess.Process, list[str]]]:
    """``order-import serve`` until it stops; yields the process and the stderr lines read so far (still growing)."""
    process = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--port", str(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    lines: list[str] = []

    async def read() -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            lines.append(line.decode())

    reader = asyncio.create_task(read())
    try:
        yield process, lines
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 15)
        await reader


def fresh_connections() -> aiohttp.ClientSession:
    """A session that opens a connection per request: between requests the test runs CLI commands that may
    outlast the server's keep-alive, and a connection the server closed meanwhile would fail the next one."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))


async def started(http: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        try:
            async with http.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        assert process.returncode is None, "serve stopped"
        await asyncio.sleep(0.05)
    raise AssertionError("serve did not start")


async def webhook_url(http: aiohttp.ClientSession, url: str, env: dict[str, str]) -> tuple[str, str]:
    """Connect a store through ``url`` with a forged Host header; its id and the webhookUrl the server gives."""
    token = subprocess.run(
        [*CLI, "token", "create", "--seller", "pat"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {token}", "Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    variables = {
        "platform": "shopify",
        "name": "Pat's shop",
        "credentials": {"shop_domain": "pat.myshopify.com", "access_token": "shpat_pat"},
    }
    async with http.post(
        f"{url}/graphql", json={"query": CONNECT_STORE, "variables": variables}, headers=headers
    ) as response:
        assert (await response.json())["data"]["connectStore"]["userErrors"] == []
    query = {"query": "{ stores { id webhookUrl } }"}
    async with http.post(f"{url}/graphql", json=query, headers=headers) as response:
        [store] = (await response.json())["data"]["stores"]
    return store["id"], store["webhookUrl"]


def _warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if "ORDER_IMPORT_PUBLIC_URL" in line]


async def test_serve_without_a_public_url_warns_once_and_uses_its_listening_address(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    async with serving(env, 0) as (process, lines), fresh_connections() as http:
        for _ in range(300):
            if _warnings(lines) or process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        [warning] = _warnings(lines)
        listening = WARNING.search(warning)
        assert warning.startswith("WARNING ") and listening is not None, warning
        url = listening[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+", url) and not url.endswith(":0")
        await started(http, url, process)
        store, given = await webhook_url(http, url, env)
        assert given == f"{url}/webhooks/shopify/{store}"
    assert len(_warnings(lines)) == 1
    assert "Traceback" not in "".join(lines)


async def test_serve_builds_webhook_urls_from_the_public_url(tmp_path: Path) -> None:
    env = _environment(tmp_path, ORDER_IMPORT_PUBLIC_URL="https://orders.example.com/shop-tools/")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with serving(env, port) as (process, lines), fresh_connections() as http:
        url = f"http://127.0.0.1:{port}"
        await started(http, url, process)
        store, given = await webhook_url(http, url, env)
        assert given == f"https://orders.example.com/shop-tools/webhooks/shopify/{store}"
    assert _warnings(lines) == []


def test_serve_refuses_a_public_url_that_is_not_an_origin(tmp_path: Path) -> None:
    env = _environment(tmp_path, ORDER_IMPORT_PUBLIC_URL="orders.example.com")
    done = subprocess.run([*CLI, "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "order-import: ORDER_IMPORT_PUBLIC_URL must be an http:// or https:// origin, such as https://orders.example.com"
    ]


async def test_the_demo_gives_webhook_urls_under_its_own_address(tmp_path: Path) -> None:
    async with running_demo(tmp_path, _environment(tmp_path)) as demo:
        base = demo.url.removesuffix("/graphql")
        headers = {"Authorization": f"Bearer {demo.token}", "Host": "evil.example"}
        query = {"query": "{ stores { id webhookUrl platform { id } } }"}
        async with aiohttp.ClientSession() as http, http.post(demo.url, json=query, headers=headers) as response:
            stores = (await response.json())["data"]["stores"]
        await stop(demo)
    assert stores
    assert [s["webhookUrl"] for s in stores] == [f"{base}/webhooks/{s['platform']['id']}/{s['id']}" for s in stores]
