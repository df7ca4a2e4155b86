"""Alerts POSTed to the seller's URL: signed in the Standard Webhooks format, retried with backoff, sent once."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks import Webhook

from server.crypto import CredentialsCipher
from server.models import AlertDelivery, AlertEndpoint, AlertKind, Seller
from server.outbound import create_session
from server.services.alert_webhooks import BACKOFF, deliver_due, signed_headers
from server.services.alerts import raise_alert
from tests.conftest import new_token
from tests.graphql.queries import ALERT_WEBHOOK, ALERTS, SET_ALERT_WEBHOOK
from tests.support import Server, running_server, serve_app, settings


@dataclass
class Receiver:
    """A seller's endpoint: answers the statuses it is given, in turn (the last one from then on)."""

    statuses: list[int] = field(default_factory=lambda: [204])
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        async def hook(request: web.Request) -> web.Response:
            self.received.append((dict(request.headers), await request.read()))
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            return web.Response(status=status)

        app = web.Application()
        app.router.add_post("/hooks/alerts", hook)
        return app


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    async with serve_app(endpoint.app()) as url:
        endpoint.url = f"{url}/hooks/alerts"
        yield endpoint


async def _set_webhook(server: Server, token: str, url: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = (await server.execute(SET_ALERT_WEBHOOK, {"url": url}, token=token))["setAlertWebhook"]
    return payload


async def _raise(server: Server, condition: str = "c") -> str:
    seller = await Seller.get(name="alice")
    alert = await raise_alert(
        server.runtime, seller_id=seller.id, kind=AlertKind.ORDERS_RECOVERED, condition=condition, message="found 3"
    )
    assert alert is not None
    return str(alert.id)


async def _settled(alert_id: str, attempts: int) -> AlertDelivery:
    """The delivery once ``attempts`` attempts ended (whichever process made them)."""
    for _ in range(500):
        row = await AlertDelivery.get(alert_id=alert_id)
        claimed = row.next_attempt_at is not None and row.last_error is None and row.delivered_at is None
        if row.attempts >= attempts and not claimed:
            return row
        await asyncio.sleep(0.01)
    raise AssertionError(f"the delivery of alert {alert_id} did not settle after {attempts} attempts")


def test_signatures_match_the_specifications_test_vector():
    body = b'{"test": 2432232314}'
    moment = datetime.fromtimestamp(1614265330, UTC)
    headers = signed_headers("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", body, moment)
    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert (headers["webhook-id"], headers["webhook-timestamp"]) == ("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330")


async def test_an_alert_is_posted_signed_to_the_sellers_url(server, token, receiver):
    answer = await _set_webhook(server, token, receiver.url)
    secret = answer["secret"]
    assert answer["url"] == receiver.url and answer["userErrors"] == []
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    alert_id = await _raise(server)

    await deliver_due(server.runtime)
    row = await _settled(alert_id, 1)

    assert row.delivered_at is not None and row.next_attempt_at is None and row.last_error is None
    [(headers, body)] = receiver.received
    # As a receiver checks it, with the standard's own library (timestamp tolerance included)...
    message = Webhook(secret).verify(body, headers)
    # ... and by hand, from the specification's rule.
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert expected in headers["webhook-signature"].split(" ")
    assert headers["webhook-id"] == alert_id
    assert headers["Content-Type"] == "application/json"
    listed = (await server.execute(ALERTS, {}, token=token))["alerts"]["edges"][0]["node"]
    assert message == {
        "type": "alert.raised",
        "timestamp": listed["at"],
        "data": {
            "id": alert_id,
            "kind": "ORDERS_RECOVERED",
            "message": "found 3",
            "storeId": None,
            "jobId": None,
            "transactionId": None,
            "at": listed["at"],
        },
    }


async def test_failures_are_retried_with_backoff_until_delivered(server, token, receiver):
    receiver.statuses = [500, 503, 429, 204]
    await _set_webhook(server, token, receiver.url)
    alert_id = await _raise(server)

    before = datetime.now(UTC)
    await deliver_due(server.runtime)
    row = await _settled(alert_id, 1)
    assert row.last_error == "answered HTTP 500"
    assert before + BACKOFF[0] <= row.next_attempt_at <= datetime.now(UTC) + BACKOFF[0]
    for attempt, status in ((2, 503), (3, 429)):
        assert row.next_attempt_at is not None
        moment = row.next_attempt_at
        await deliver_due(server.runtime, now=moment - timedelta(seconds=1))  # not due yet
        assert (await AlertDelivery.get(id=row.id)).attempts == attempt - 1
        await deliver_due(server.runtime, now=moment)
        row = await _settled(alert_id, attempt)
        assert (row.last_error, row.next_attempt_at) == (f"answered HTTP {status}", moment + BACKOFF[attempt - 1])
    await deliver_due(server.runtime, now=row.next_attempt_at)
    row = await _settled(alert_id, 4)

    assert row.delivered_at is not None and row.next_attempt_at is None and row.last_error is None
    assert len(receiver.received) == 4
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1  # one message, sent four times
    assert len({body for _, body in receiver.received}) == 1


async def test_a_delivery_failing_past_the_last_backoff_is_given_up(server, token, receiver):
    receiver.statuses = [502]
    await _set_webhook(server, token, receiver.url)
    alert_id = await _raise(server)
    await deliver_due(server.runtime)
    row = await _settled(alert_id, 1)
    while row.next_attempt_at is not None:
        await deliver_due(server.runtime, now=row.next_attempt_at)
        row = await _settled(alert_id, row.attempts + 1)

    assert (row.attempts, row.delivered_at, row.last_error) == (len(BACKOFF) + 1, None, "answered HTTP 502")
    assert len(receiver.received) == len(BACKOFF) + 1


async def test_a_refusing_answer_gives_up_at_once(server, token, receiver):
    receiver.statuses = [410]
    await _set_webhook(server, token, receiver.url)
    alert_id = await _raise(server)
    await deliver_due(server.runtime)
    row = await _settled(alert_id, 1)
    assert (row.attempts, row.next_attempt_at, row.last_error) == (1, None, "answered HTTP 410")


async def test_processes_sending_at_once_send_each_alert_once(server, token, receiver):
    await _set_webhook(server, token, receiver.url)
    ids = [await _raise(server, f"c{n}") for n in range(3)]

    await asyncio.gather(*(deliver_due(server.runtime) for _ in range(4)))
    for alert_id in ids:
        await _settled(alert_id, 1)

    assert sorted(headers["webhook-id"] for headers, _ in receiver.received) == sorted(ids)


async def test_a_delivery_whose_url_was_removed_is_given_up(server, token, receiver):
    await _set_webhook(server, token, receiver.url)
    alert_id = await _raise(server)
    assert await _set_webhook(server, token, None) == {"url": None, "secret": None, "userErrors": []}
    assert (await server.execute(ALERT_WEBHOOK, token=token))["alertWebhook"] is None

    await deliver_due(server.runtime)
    row = await _settled(alert_id, 1)

    assert (row.next_attempt_at, row.delivered_at) == (None, None)
    assert row.last_error == "the alert webhook was removed or changed"
    assert receiver.received == []


@pytest.mark.parametrize("url", ["https://127.0.0.1/hooks", "https://10.1.2.3/hooks", "http://93.184.215.14/hooks"])
async def test_a_private_or_plain_http_url_is_refused(url):
    async with running_server(settings(allow_local_api=False)) as server:
        token = await new_token("alice")
        answer = await _set_webhook(server, token, url)
        assert (answer["url"], answer["secret"]) == (None, None)
        assert [(e["code"], e["field"]) for e in answer["userErrors"]] == [("ADDRESS_NOT_ALLOWED", ["url"])]
        assert await AlertEndpoint.all().count() == 0


async def test_an_address_refused_at_connection_is_retried(server, token, receiver):
    await _set_webhook(server, token, receiver.url)  # the test server allows local addresses; this process does not
    alert_id = await _raise(server)
    strict = create_session(allow_local=False)
    try:
        await deliver_due(replace(server.runtime, session=strict))
    finally:
        await strict.close()
    row = await _settled(alert_id, 1)
    assert row.last_error == "the address rules refused the URL's address"
    assert row.next_attempt_at is not None
    assert receiver.received == []


async def test_the_secret_is_shown_once_and_never_logged(server, token, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    receiver.statuses = [500]
    first = (await _set_webhook(server, token, receiver.url))["secret"]
    secret = (await _set_webhook(server, token, receiver.url))["secret"]  # setting it again issues a new one
    assert secret != first
    alert_id = await _raise(server)
    await deliver_due(server.runtime)
    await _settled(alert_id, 1)
    for attempt in (2, 3):
        row = await AlertDelivery.get(alert_id=alert_id)
        await deliver_due(server.runtime, now=row.next_attempt_at)
        await _settled(alert_id, attempt)

    answers = json.dumps([await server.execute(ALERT_WEBHOOK, token=token), await server.execute(ALERTS, token=token)])
    stored = await AlertEndpoint.get(seller__name="alice")
    assert json.loads(answers)[0]["alertWebhook"]["url"] == receiver.url
    for text in (answers, stored.secret, caplog.text, *(r.getMessage() for r in caplog.records)):
        for issued in (first, secret):
            assert issued.removeprefix("whsec_") not in text


async def test_a_secret_that_cannot_be_decrypted_gives_up_saying_what_to_do(server, token, receiver):
    await _set_webhook(server, token, receiver.url)
    alert_id = await _raise(server)
    await deliver_due(replace(server.runtime, cipher=CredentialsCipher("another-secret-key")))
    row = await _settled(alert_id, 1)
    assert row.next_attempt_at is None
    assert row.last_error is not None and "set the URL again" in row.last_error
    assert receiver.received == []
