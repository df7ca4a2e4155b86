"""What /graphql does with bodies it cannot take: too large (413) or malformed (400), never a 500."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from server.settings import Settings, SettingsError
from tests.conftest import new_token
from tests.support import running_server, settings


async def post_raw(server, token, body: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    response = await server.session.post(server.graphql_url, data=io.BytesIO(body), headers=headers)
    return response.status, await response.json()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"{not json", "not JSON"),
        (b"null", "JSON object"),
        (b'"str"', "JSON object"),
        (b"42", "JSON object"),
        (b'[{"query": "{ platforms { id } }"}]', "JSON object"),
        (b"{}", "no 'query'"),
        (b'{"query": 42}', "no 'query'"),
        (b'{"query": "{ platforms { id } }", "variables": [1]}', "'variables'"),
        (b'{"query": "{ platforms { id } }", "operationName": 1}', "'operationName'"),
    ],
)
async def test_a_malformed_body_is_a_400_that_says_why(server, token, body, problem):
    status, answer = await post_raw(server, token, body)
    assert status == 400
    [error] = answer["errors"]
    assert problem in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_body_over_the_limit_is_refused_before_it_is_read_whole(server, token):
    limit = server.runtime.settings.max_body_bytes
    padding = b" " * limit
    status, answer = await post_raw(server, token, b'{"query": "{ platforms { id } }"' + padding + b"}")
    assert status == 413
    assert answer["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.database
async def test_the_limit_is_a_setting():
    async with running_server(settings(max_body_bytes=64)) as server:
        token = await new_token("alice")
        ok = await post_raw(server, token, b'{"query": "{ platforms { id } }"}')
        assert ok[0] == 200
        refused = await post_raw(
            server, token, b'{"query": "{ platforms { id } }", "variables": {"x": "' + b"y" * 64 + b'"}}'
        )
        assert refused[0] == 413


async def test_a_body_within_the_limit_still_runs(server, token):
    status, answer = await post_raw(server, token, b'{"query": "{ platforms { id } }"}')
    assert (status, answer) == (200, {"data": {"platforms": [{"id": "shopify"}]}})


@pytest.mark.parametrize("value", ["0", "-1", "1MB", "1.5"])
def test_a_bad_body_limit_setting_is_refused(value):
    with pytest.raises(SettingsError, match="ORDER_IMPORT_MAX_BODY_BYTES"):
        Settings.from_env({"ORDER_IMPORT_MAX_BODY_BYTES": value, "ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"})


def test_the_body_limit_setting_is_read():
    env = {"ORDER_IMPORT_MAX_BODY_BYTES": "2048", "ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"}
    assert Settings.from_env(env).max_body_bytes == 2048
    assert Settings.from_env({"ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"}).max_body_bytes == 1024 * 1024


@pytest.mark.parametrize("path", ["/graphql", "/webhooks/shopify/00000000-0000-0000-0000-000000000000"])
async def test_a_client_gone_before_its_body_arrived_leaves_no_error(server, token, path, caplog):
    caplog.set_level(logging.INFO, logger="order_import.access")
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query": '.encode()
    )
    await writer.drain()
    writer.close()  # gone with 990 bytes unsent
    await writer.wait_closed()
    await asyncio.sleep(0.2)

    status, _ = await post_raw(server, token, b'{"query": "{ platforms { id } }"}')

    assert status == 200
    answered = [r.getMessage() for r in caplog.records if r.name == "order_import.access"]
    assert len(answered) == 2 and " 500 " not in answered[0], answered
