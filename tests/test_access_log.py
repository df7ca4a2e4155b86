"""The access log: one line per request (method, path, status, duration, token id), never the token,
never a query string; uvicorn's own access log is off in ``serve`` and ``demo``."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import socket
import subprocess
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from server.services.accounts import authenticate_token
from tests.test_cli import COMMAND, environment, order_import, running_demo, stop

LINE = re.compile(r"(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}|-) (?P<ms>\d+\.\d)ms token_id=(?P<token>\S+)")
QUERY = urllib.parse.urlencode(
    {"query": "query($n: Int) { importJobs(first: $n) { totalCount } }", "variables": '{"n": 2}'}
)


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="order_import.access")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "order_import.access"]

    return lines


async def test_one_line_per_request_with_the_token_id_and_never_the_token(server, token, access_lines):
    token_id = str((await authenticate_token(f"Bearer {token}")).id)
    bearer = {"Authorization": f"Bearer {token}"}
    session = server.session
    requests = [
        (
            "POST",
            "/graphql",
            200,
            token_id,
            session.post(server.graphql_url, json={"query": "{ platforms { id } }"}, headers=bearer),
        ),
        ("GET", "/graphql", 200, token_id, session.get(f"{server.graphql_url}?{QUERY}", headers=bearer)),
        ("POST", "/graphql", 401, "-", session.post(server.graphql_url, json={"query": "{ platforms { id } }"})),
        ("POST", "/graphql", 400, token_id, session.post(server.graphql_url, json={"query": "{"}, headers=bearer)),
        ("GET", "/healthz", 200, "-", session.get(f"{server.url}/healthz?probe=1")),
        ("POST", "/webhooks/shopify/nope", 404, "-", session.post(f"{server.url}/webhooks/shopify/nope", data=b"{}")),
    ]
    for *_, request in requests:
        async with request as response:
            await response.read()

    lines = access_lines()
    assert len(lines) == len(requests), lines
    for line, (method, path, status, who, _) in zip(lines, requests):
        found = LINE.fullmatch(line)
        assert found, line
        assert (found["method"], found["path"], found["status"], found["token"]) == (method, path, str(status), who)
        assert "?" not in line and token not in line


async def test_a_websocket_is_one_line_when_it_closes(server, token, access_lines):
    token_id = str((await authenticate_token(f"Bearer {token}")).id)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
    async with server.websocket("oi_not_a_token") as refused:
        await refused.ws.receive(timeout=5)

    for _ in range(100):  # the line is written once the server side of the socket is done
        if len(access_lines()) == 2:
            break
        await asyncio.sleep(0.02)
    accepted, rejected = access_lines()
    assert re.fullmatch(rf"GET /graphql 101 \d+\.\dms token_id={token_id} websocket_close=1000", accepted), accepted
    assert re.fullmatch(r"GET /graphql 101 \d+\.\dms token_id=- websocket_close=4403", rejected), rejected
    assert token not in accepted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def serving(tmp_path: Path, **settings: str) -> AsyncIterator[tuple[str, list[str]]]:
    """``order-import serve`` on a fresh SQLite database; yields its URL and, once stopped, its stderr lines."""
    env = environment(ORDER_IMPORT_DATABASE_URL=f"sqlite://{tmp_path / 'served.sqlite3'}", **settings)
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        *COMMAND, "serve", "--port", str(port), env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url, lines = f"http://127.0.0.1:{port}", []
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert process.returncode is None, (await process.stderr.read()).decode()
                await asyncio.sleep(0.05)
        yield url, lines
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        stderr = (await asyncio.wait_for(process.communicate(), 15))[1].decode()
        lines.extend(stderr.splitlines())


async def test_serve_writes_our_access_lines_and_not_uvicorns(tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'served.sqlite3'}"
    made = order_import(
        "token", "create", "--seller", "ann", env=environment(ORDER_IMPORT_DATABASE_URL=database), cwd=tmp_path
    )
    token = made.stdout.strip()
    secret = "zz-variable-value-in-a-query-string"
    async with serving(tmp_path, ORDER_IMPORT_MAX_BODY_BYTES="4096") as (url, stderr):
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            query = urllib.parse.urlencode(
                {
                    "query": "query($h: Int) { importJobs(first: $h) { totalCount } }",
                    "variables": json.dumps({"h": secret}),
                }
            )
            async with http.get(f"{url}/graphql?{query}") as response:
                assert response.status == 400
            # A websocket message is held to the body limit, as a POST body is.
            async with http.ws_connect(f"{url}/graphql", protocols=("graphql-transport-ws",)) as ws:
                await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
                assert (await ws.receive_json())["type"] == "connection_ack"
                await ws.send_str(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": " " * 5000}}))
                closed = await ws.receive(timeout=5)
                assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closed
                assert ws.close_code == 1009

    access = [line for line in stderr if " order_import.access: " in line]
    assert any(
        re.search(r"INFO order_import.access: GET /graphql 400 \S+ms token_id=[0-9a-f-]{36}$", a) for a in access
    ), stderr
    assert any(" GET /graphql 101 " in a and "websocket_close=" in a for a in access), stderr
    assert not [line for line in stderr if "HTTP/1.1" in line], stderr  # uvicorn's access line format
    assert secret not in "\n".join(stderr) and token not in "\n".join(stderr)


async def test_the_demo_writes_our_access_lines_and_not_uvicorns(tmp_path: Path) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=f"sqlite://{tmp_path / 'demo.sqlite3'}")
    async with running_demo(tmp_path, env) as demo:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {demo.token}"}) as http:
            async with http.get(f"{demo.url}?{QUERY}") as response:
                assert response.status == 200
            async with http.ws_connect(demo.url, protocols=("graphql-transport-ws",)) as ws:  # held to the body limit
                await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {demo.token}"}})
                assert (await ws.receive_json())["type"] == "connection_ack"
                await ws.send_str(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": " " * 1_100_000}}))
                await ws.receive(timeout=5)
                assert ws.close_code == 1009
        await stop(demo)
    log = demo.log.read_text()
    assert re.search(r"INFO order_import.access: GET /graphql 200 \S+ms token_id=[0-9a-f-]{36}\n", log), log
    assert "HTTP/1.1" not in log and "importJobs" not in log and demo.token not in log
