"""No secret in any log, answer, job error or database row in clear, whatever path it comes in by.

A unique canary goes in through every input: store credentials (to a platform that echoes the
request, headers included, in its error bodies), wrong-type variables (POST, GET, websocket), the
Authorization and Cookie headers, a websocket's connection_init, and a webhook body and headers with a
bad signature. It must then be absent from every log record (every logger at DEBUG, uvicorn's too),
every answer, every job error and webhookHealth field, and every database row, where the credentials
hold it only encrypted. The log filter itself is tested on its own below.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from graphql import GraphQLError, Source
from strawberry.utils.logging import StrawberryLogger
from tortoise.models import Model

import server.models as model_module
from server import logs
from server.models import Store
from server.schema.errors import MASKED_MESSAGE, present
from tests.conftest import CONNECT_STORE
from tests.graphql.queries import IMPORT_ORDERS
from tests.support import Server, serve_app

CANARY = "cAnArY7q3Zx9VwK2"
SECRET_TOKEN = f"shpat_{CANARY}_access"
SECRET_HOOK = f"shpss_{CANARY}_hook"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def echoing_platform(status: int) -> web.Application:
    """A platform that answers every request by echoing it, its headers first (the access token among them)."""

    async def echo(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", "replace")
        token = request.headers.get("X-Shopify-Access-Token")
        text = f"echo {token} {request.method} {request.path_qs} {dict(request.headers)} {body}"
        if status == 200:  # a GraphQL error whose message quotes the request
            return web.json_response({"errors": [{"message": text, "extensions": {"code": "BAD_REQUEST"}}]})
        return web.json_response({"error": text}, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of every logger at DEBUG, uvicorn's included (they do not propagate to the root)."""
    caplog.set_level(logging.DEBUG)
    saved = {}
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(caplog.handler)
    yield caplog
    for name in UVICORN_LOGGERS:
        logging.getLogger(name).removeHandler(caplog.handler)
        logging.getLogger(name).setLevel(saved[name])


class Answers:
    """Everything the server said, as text."""

    def __init__(self, server: Server, token: str) -> None:
        self.server, self.token, self.texts = server, token, []

    async def post(self, body: Any, headers: dict[str, str] | None = None, path: str = "/graphql") -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if headers is None else headers
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **headers}
        async with self.server.session.post(self.server.url + path, data=data, headers=headers) as response:
            text = await response.text()
        self.texts.append(f"{response.status} {dict(response.headers)} {text}")
        return response.status, json.loads(text) if text.startswith("{") else text

    async def get(self, query: str, variables: dict[str, Any]) -> int:
        params = urllib.parse.urlencode({"query": query, "variables": json.dumps(variables)})
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.server.session.get(f"{self.server.graphql_url}?{params}", headers=headers) as response:
            self.texts.append(f"{response.status} {dict(response.headers)} {await response.text()}")
            return response.status

    async def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        status, body = await self.post({"query": query, "variables": variables})
        assert status == 200 and not body.get("errors"), body
        return body["data"]


@pytest.fixture
async def echo_urls() -> AsyncIterator[dict[int, str]]:
    async with (
        serve_app(echoing_platform(200)) as graphql_error,
        serve_app(echoing_platform(400)) as bad_request,
        serve_app(echoing_platform(500)) as failing,
    ):
        yield {200: graphql_error, 400: bad_request, 500: failing}


JOB = "query($id: ID!) { importJob(id: $id) { status errorCode error } }"
HEALTH = "{ stores { id webhookHealth { lastDeliveryAt lastRejectedAt lastRejectedReason quiet message } } }"


async def finished(answers: Answers, job: dict[str, Any]) -> dict[str, Any]:
    async with asyncio.timeout(20):
        while job["status"] == "RUNNING":
            await asyncio.sleep(0.05)
            job = (await answers.execute(JOB, {"id": job["id"]}))["importJob"]
    return job


async def database_rows() -> str:
    models = [m for m in vars(model_module).values() if isinstance(m, type) and issubclass(m, Model)]
    rows = []
    for model in models:
        if model is Model or model._meta.abstract:
            continue
        rows.extend(str(row) for row in await model.all().values())
    return "\n".join(rows)


async def test_a_canary_sent_through_every_input_reaches_no_log_answer_job_or_clear_database_column(
    server, token, echo_urls, captured
):
    answers = Answers(server, token)
    stores = {}
    for status, url in echo_urls.items():
        data = await answers.execute(
            CONNECT_STORE,
            {
                "platform": "shopify",
                "name": f"Echo {status}",
                "credentials": {
                    "shop_domain": "echo-shop.myshopify.com",
                    "access_token": SECRET_TOKEN,
                    "webhook_secret": SECRET_HOOK,
                },
                "apiBaseUrl": url,
            },
        )
        assert data["connectStore"]["userErrors"] == []
        stores[status] = data["connectStore"]["store"]["id"]

    # Imports against platforms that echo the request (the access token header included) in their errors.
    jobs = []
    for store in stores.values():
        for how in ({"hours": 1}, {"orderId": "#1001"}):
            data = await answers.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store, **how})
            jobs.append(await finished(answers, data["importOrders"]["job"]))
    assert {job["status"] for job in jobs} == {"FAILED"}
    quoted = [job["error"] for job in jobs if job["errorCode"] == "PLATFORM_BAD_RESPONSE"]
    assert any(logs.REDACTED in error for error in quoted), jobs  # the echo reached the job, and was cleaned

    # Wrong-type variables, by POST, by GET and over a websocket.
    for variables in (
        {"platform": {"key": CANARY}, "store": stores[200], "hours": 1},
        {"platform": "shopify", "store": [CANARY], "hours": 1},
        {"platform": "shopify", "store": stores[200], "hours": CANARY},
        {"platform": "shopify", "store": stores[200], "orderId": {"secret": CANARY}},
    ):
        status, _ = await answers.post({"query": IMPORT_ORDERS, "variables": variables})
        assert status == 400
    assert await answers.get(IMPORT_ORDERS, {"platform": "shopify", "store": stores[200], "hours": CANARY}) == 400
    connect = {"platform": "shopify", "name": {"n": CANARY}, "credentials": {}, "apiBaseUrl": None}
    assert (await answers.post({"query": CONNECT_STORE, "variables": connect}))[0] == 400

    # Headers: a token that is not one, a bare value, a cookie.
    for headers in (
        {"Authorization": f"Bearer oi_{CANARY}"},
        {"Authorization": CANARY},
        {"Authorization": f"Basic {CANARY}=="},
        {"Authorization": f"Bearer {token}", "Cookie": f"session={CANARY}", "X-Api-Key": CANARY},
    ):
        await answers.post({"query": "{ platforms { id } }"}, headers=headers)

    # Websockets: a canary as the token, then as a variable of the wrong type.
    async with server.websocket(f"oi_{CANARY}") as ws:
        closed = await ws.ws.receive(timeout=5)
        answers.texts.append(f"{closed.type} {closed.data} {closed.extra} {ws.ws.close_code}")
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        query = "subscription($id: ID!) { importJob(id: $id) { id } }"
        await ws.ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": [CANARY]}}}
        )
        message = await ws.receive()
        answers.texts.append(json.dumps(message))
        assert message["type"] == "error"

    # A webhook with a bad signature, the canary in its body and headers.
    body = json.dumps({"id": 1, "note": CANARY, "email": f"{CANARY}@example.com"}).encode()
    headers = {"X-Shopify-Hmac-Sha256": CANARY, "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": CANARY}
    status, _ = await answers.post(body, headers=headers, path=f"/webhooks/shopify/{stores[200]}")
    assert status == 401
    health = await answers.execute(HEALTH, {})
    assert len(health["stores"]) == 3

    # Nothing anywhere, in any case.
    canary = CANARY.lower()
    records = captured.records
    assert any(r.name == "order_import.access" for r in records) and any(r.name.startswith("tortoise") for r in records)
    for record in records:
        text = f"{record.getMessage()} {record.exc_text or ''} {record.stack_info or ''}"
        assert canary not in text.lower(), f"{record.name}: {text[:500]}"
    assert canary not in captured.text.lower()
    for text in answers.texts:
        assert canary not in text.lower(), text[:500]
    dump = await database_rows()
    assert canary not in dump.lower()
    for store in stores.values():  # present only encrypted
        row = await Store.get(id=store)
        assert server.runtime.cipher.decrypt(row.credentials)["access_token"] == SECRET_TOKEN


# -- the log filter ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abcdefgh12345678",
        "{'authorization': 'Basic dXNlcjpwYXNzd29yZA=='}",
        "token oi_AbCdEf0123456789-_xyz reached",
        "Cookie: session=abcdefgh12345678; theme=dark",
        "set-cookie: id=abcdefgh12345678",
        "GET /api?client_secret=abcdefgh12345678&page=2",
        '{"access_token": "abcdefgh12345678", "shop_domain": "a.myshopify.com"}',
        "X-Shopify-Access-Token: abcdefgh12345678",
        "password=abcdefgh12345678",
        "scope={'headers': [(b'host', b'x'), (b'cookie', b'abcdefgh12345678'), (b'x-api-key', b'abcdefgh12345678')]}",
    ],
)
def test_credentials_tokens_and_secret_headers_are_redacted(text):
    cleaned = logs.redact(text)
    assert "abcdefgh12345678" not in cleaned and "dXNlcjpwYXNzd29yZA" not in cleaned and "AbCdEf0123" not in cleaned
    assert logs.REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "basic settings for the bearer of news",
        "GET /graphql 200 3.1ms token_id=7d9c1a52-3f0e-4b8e-9a57-2f1d0c6e4b11",
        "the revocation of API token 7d9c1a52-3f0e-4b8e-9a57-2f1d0c6e4b11 was not announced",
        "shop_domain=a.myshopify.com page=2",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert logs.redact(text) == text


def test_a_registered_secret_is_redacted_whole_and_cut_short():
    secret = "sk_live_registered_secret_value"
    logs.register_secrets([secret, "short"])

    assert logs.redact(f"key {secret}!") == f"key {logs.REDACTED}!"
    assert logs.redact(f"the platform said {secret[:12]}…") == f"the platform said {logs.REDACTED}…"
    assert logs.redact("a short word") == "a short word"  # too short to be registered


def test_every_record_of_every_logger_is_cleaned(caplog):
    caplog.set_level(logging.DEBUG)
    secret = "zz_registered_for_records_42"
    logs.register_secrets([secret])

    logging.getLogger("thirdparty.client").info("sending headers %s", {"Authorization": "Bearer abcdefgh12345678"})
    logging.getLogger("uvicorn.error").warning("%s %s", "client sent", secret)

    assert "abcdefgh12345678" not in caplog.text and secret not in caplog.text
    assert caplog.text.count(logs.REDACTED) == 2


def test_an_exception_is_logged_with_its_type_and_traceback_but_no_values(caplog):
    caplog.set_level(logging.DEBUG)
    local_value = "a-local-variable-value"  # noqa: F841 - must not show: tracebacks carry no locals

    def fail() -> None:
        try:
            {}["x"]
        except KeyError as exc:
            raise ValueError("v" * 5000) from exc

    try:
        fail()
    except ValueError:
        logging.getLogger("order_import.test").exception("it failed")

    [record] = caplog.records
    assert record.exc_info is None and record.exc_text
    assert "ValueError" in record.exc_text and "KeyError" in record.exc_text and "in fail" in record.exc_text
    assert "direct cause" in record.exc_text
    assert "a-local-variable-value" not in caplog.text
    assert len(record.exc_text) < 4000  # the 5000-character message is cut


def test_a_huge_message_is_cut(caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("order_import.test").info("got %s", "x" * 1_000_000)
    [record] = caplog.records
    assert len(record.getMessage()) < logs.MAX_MESSAGE + 100


def test_strawberry_execution_logger_never_prints_the_query(caplog):
    caplog.set_level(logging.DEBUG)
    error = GraphQLError("Boom", source=Source('mutation { connectStore(credentials: "query-text-1") }'), positions=[3])

    StrawberryLogger.error(error)

    assert "Boom" in caplog.text and "query-text-1" not in caplog.text


def test_an_unexpected_error_is_masked_and_logged_once_without_the_query(caplog):
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("it broke")
    except RuntimeError as exc:
        original = exc
    error = GraphQLError(
        "it broke", source=Source('{ stores(platform: "query-text-2") { id } }'), positions=[2], path=["stores"]
    )
    error.original_error = original

    present(error)
    present(error)

    assert (error.message, error.extensions["code"]) == (MASKED_MESSAGE, "INTERNAL_ERROR")
    [record] = caplog.records
    assert record.levelno == logging.ERROR and "stores" in record.getMessage() and "RuntimeError" in record.exc_text
    assert "query-text-2" not in caplog.text
