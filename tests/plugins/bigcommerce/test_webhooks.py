"""BigCommerce webhook deliveries: Standard Webhooks signatures, timestamps, thin order events, dedupe."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from multidict import CIMultiDict

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.webhooks import TOLERANCE, read_webhook, signing_key
from server.platforms import (
    Capability,
    HttpClient,
    InvalidCredentials,
    WebhookEvent,
    WebhookMalformed,
    WebhookRejected,
)
from tests.conftest import SAMPLES

CLIENT_SECRET = "bc0client0secret0abcdef0123456789xyz"
OTHER_SECRET = "bc0client0secret0zzzzzz0000000000000"
TOKEN = "bc-access-token-0123456789-secret"
STORE_HASH = "abc123"
CREDENTIALS = {"store_hash": STORE_HASH, "access_token": TOKEN, "client_secret": CLIENT_SECRET}
SAMPLE = json.loads((SAMPLES / "bigcommerce" / "webhook-order-created.json").read_text())
NOW = 1_718_000_000
WEBHOOK_ID = "7f0e1d2c-3b4a-5968-7788-99aabbccddee"


def event(**changes: Any) -> dict[str, Any]:
    """The documented store/order/created callback, produced by this store."""
    return {**SAMPLE, "producer": f"stores/{STORE_HASH}", **changes}


def body_of(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def v1(body: bytes, *, webhook_id: str = WEBHOOK_ID, timestamp: int | str = NOW, key: bytes | None = None) -> str:
    """A Standard Webhooks v1 signature, computed here from the spec (not with the module under test)."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(CLIENT_SECRET.encode() if key is None else key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def delivery(body: bytes, **changes: str | None) -> CIMultiDict[str]:
    headers = {
        "Content-Type": "application/json",
        "webhook-id": WEBHOOK_ID,
        "webhook-timestamp": str(NOW),
        "webhook-signature": v1(body),
    }
    for name, value in changes.items():
        header = name.replace("_", "-")
        headers.pop(header, None)
        if value is not None:
            headers[header] = value
    return CIMultiDict(headers)


def read(
    headers: CIMultiDict[str], body: bytes, *, secret: str | None = CLIENT_SECRET, now: float = NOW
) -> WebhookEvent:
    return read_webhook(headers, body, secret, STORE_HASH, now=now)


def rejected(headers: CIMultiDict[str], body: bytes, *, secret: str | None = CLIENT_SECRET, now: float = NOW) -> str:
    with pytest.raises(WebhookRejected) as caught:
        read(headers, body, secret=secret, now=now)
    message = str(caught.value)
    for value in (CLIENT_SECRET, OTHER_SECRET, TOKEN):
        assert value not in message
    return message


def malformed(headers: CIMultiDict[str], body: bytes) -> str:
    with pytest.raises(WebhookMalformed) as caught:
        read(headers, body)
    assert CLIENT_SECRET not in str(caught.value)
    return str(caught.value)


# --- a signed store/order/created ----------------------------------------------------------------------


def test_order_created_names_the_order_to_fetch() -> None:
    body = body_of(event())

    received = read(delivery(body), body)

    assert received.topic == "store/order/created"
    assert received.order_reference == "250" and received.order is None
    assert received.delivery_id == "store/order/created:dd70c0976e06b67aaf671e73f49dcb79230ebf9d"


async def test_the_connector_verifies_with_the_client_secret(http: HttpClient) -> None:
    connector = BigCommerceConnector(credentials=CREDENTIALS, http=http)
    body = body_of(event())
    now = int(time.time())
    headers = delivery(body, webhook_timestamp=str(now), webhook_signature=v1(body, timestamp=now))

    received = await connector.parse_webhook(headers, body)

    assert Capability.WEBHOOKS in BigCommerceConnector.capabilities
    assert received.order_reference == "250"


async def test_a_store_without_a_client_secret_rejects_deliveries(http: HttpClient) -> None:
    connector = BigCommerceConnector(credentials={"store_hash": STORE_HASH, "access_token": TOKEN}, http=http)
    body = body_of(event())

    with pytest.raises(WebhookRejected, match="no app client secret"):
        await connector.parse_webhook(delivery(body), body)


def test_the_order_id_may_come_as_a_string() -> None:
    body = body_of(event(data={"type": "order", "id": "251"}))

    assert read(delivery(body), body).order_reference == "251"


def test_headers_are_read_whatever_their_case() -> None:
    body = body_of(event())
    headers = CIMultiDict((name.title(), value) for name, value in delivery(body).items())

    assert read(headers, body).order_reference == "250"


# --- the key -----------------------------------------------------------------------------------------------


def test_the_key_is_the_client_secret_as_bigcommerce_s_example_hands_it_to_the_library() -> None:
    """The docs base64-encode the client secret for the Standard Webhooks library, which decodes it again."""
    as_in_the_docs = "whsec_" + base64.b64encode(CLIENT_SECRET.encode()).decode()

    assert signing_key(CLIENT_SECRET) == CLIENT_SECRET.encode()
    assert signing_key(as_in_the_docs) == CLIENT_SECRET.encode()


def test_a_whsec_secret_is_base64_after_the_prefix_with_or_without_padding() -> None:
    key = bytes(range(24))
    encoded = base64.b64encode(key).decode()
    body = body_of(event())
    headers = delivery(body, webhook_signature=v1(body, key=key))

    assert read(headers, body, secret="whsec_" + encoded).order_reference == "250"
    assert signing_key("whsec_" + base64.b64encode(b"12345").decode().rstrip("=")) == b"12345"


def test_a_whsec_secret_that_is_not_base64_is_refused_when_connecting() -> None:
    with pytest.raises(InvalidCredentials) as caught:
        BigCommerceConnector.check_credentials({**CREDENTIALS, "client_secret": "whsec_not*base64!"})

    assert caught.value.field == "client_secret"
    assert "not*base64" not in caught.value.message


def test_the_client_secret_is_optional_and_secret() -> None:
    field = next(f for f in BigCommerceConnector.credential_fields if f.name == "client_secret")

    assert field.secret and not field.required
    assert "client_secret" not in BigCommerceConnector.check_credentials({"store_hash": "abc", "access_token": "t"})


# --- signatures that do not verify ------------------------------------------------------------------------


def test_a_signature_made_with_another_secret_is_rejected() -> None:
    body = body_of(event())

    assert "no webhook-signature entry matches" in rejected(delivery(body), body, secret=OTHER_SECRET)


def test_a_tampered_body_is_rejected() -> None:
    body = body_of(event())
    tampered = body_of(event(data={"type": "order", "id": 251}))

    rejected(delivery(body), tampered)


@pytest.mark.parametrize("header", ["webhook_id", "webhook_timestamp"])
def test_the_signature_covers_the_id_and_the_timestamp(header: str) -> None:
    body = body_of(event())
    changed = {"webhook_id": "another-id", "webhook_timestamp": str(NOW + 1)}[header]

    rejected(delivery(body, **{header: changed}), body)


@pytest.mark.parametrize("header", ["webhook_id", "webhook_timestamp", "webhook_signature"])
def test_a_missing_header_is_rejected(header: str) -> None:
    body = body_of(event())

    assert f"no {header.replace('_', '-')} header" in rejected(delivery(body, **{header: None}), body)
    assert f"no {header.replace('_', '-')} header" in rejected(delivery(body, **{header: " "}), body)


@pytest.mark.parametrize(
    "garbled",
    [
        "garbage",
        "v1,not-base64!!",
        "v1," + base64.b64encode(b"short").decode(),
        "v1",
        ",",
    ],
)
def test_a_garbled_signature_is_rejected(garbled: str) -> None:
    body = body_of(event())

    assert "no v1" in rejected(delivery(body, webhook_signature=garbled), body)


def test_a_good_digest_under_another_version_is_not_taken() -> None:
    body = body_of(event())
    digest = v1(body).removeprefix("v1,")

    rejected(delivery(body, webhook_signature=f"v1a,{digest} v2,{digest}"), body)


@pytest.mark.parametrize("timestamp", ["1718000000.5", "-1718000000", "soon", "1e9"])
def test_a_timestamp_that_is_not_unix_seconds_is_rejected(timestamp: str) -> None:
    body = body_of(event())

    assert "unix seconds" in rejected(delivery(body, webhook_timestamp=timestamp), body)


# --- several signatures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "{wrong} {good}",
        "{good} {wrong}",
        "v1a,aGVsbG8= {good}",
        "garbage {good}",
        "  {good}  ",
    ],
)
def test_one_matching_signature_among_several_is_enough(header: str) -> None:
    body = body_of(event())
    good, wrong = v1(body), v1(body, key=OTHER_SECRET.encode())

    received = read(delivery(body, webhook_signature=header.format(good=good, wrong=wrong)), body)

    assert received.order_reference == "250"


def test_several_wrong_signatures_are_rejected() -> None:
    body = body_of(event())
    wrong = [v1(body, key=OTHER_SECRET.encode()), v1(body, key=b"third-secret")]

    rejected(delivery(body, webhook_signature=" ".join(wrong)), body)


# --- timestamps ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-TOLERANCE, 0, TOLERANCE])
def test_a_timestamp_within_five_minutes_is_accepted(offset: int) -> None:
    body = body_of(event())

    assert read(delivery(body), body, now=NOW + offset).order_reference == "250"


def test_a_stale_timestamp_is_rejected() -> None:
    body = body_of(event())

    message = rejected(delivery(body), body, now=NOW + TOLERANCE + 1)

    assert "minutes old" in message


def test_a_timestamp_from_the_future_is_rejected() -> None:
    body = body_of(event())

    assert "in the future" in rejected(delivery(body), body, now=NOW - TOLERANCE - 1)


def test_a_stale_delivery_re_signed_with_a_fresh_timestamp_needs_the_secret() -> None:
    body = body_of(event())
    headers = delivery(body, webhook_timestamp=str(NOW + 3600))  # signature still for NOW

    rejected(headers, body, now=NOW + 3600)


# --- dedupe ---------------------------------------------------------------------------------------------------


def test_a_retry_keeps_the_delivery_id() -> None:
    """A retry is the same message (same webhook-id) signed again with the attempt's timestamp."""
    body = body_of(event())
    later = NOW + 180

    first = read(delivery(body), body)
    retry = read(
        delivery(body, webhook_timestamp=str(later), webhook_signature=v1(body, timestamp=later)), body, now=later
    )

    assert first.delivery_id == retry.delivery_id


def test_a_duplicate_event_under_a_new_webhook_id_keeps_the_delivery_id() -> None:
    """BigCommerce documents ``hash`` as the way to spot duplicate events, which may come as new messages."""
    body = body_of(event())
    again_id = "0a1b2c3d-0000-4000-8000-000000000001"

    first = read(delivery(body), body)
    duplicate = read(delivery(body, webhook_id=again_id, webhook_signature=v1(body, webhook_id=again_id)), body)

    assert first.delivery_id == duplicate.delivery_id


def test_different_orders_keep_apart() -> None:
    first_body = body_of(event())
    second_body = body_of(event(data={"type": "order", "id": 251}, hash="5b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"))

    first = read(delivery(first_body), first_body)
    second = read(delivery(second_body, webhook_signature=v1(second_body)), second_body)

    assert first.delivery_id != second.delivery_id


def test_without_a_hash_the_webhook_id_is_the_delivery_id() -> None:
    payload = event()
    del payload["hash"]
    body = body_of(payload)

    assert read(delivery(body), body).delivery_id == WEBHOOK_ID


# --- bodies that cannot be read -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"", "not JSON"),
        (body_of({"store_id": "1025646", "data": {"type": "order", "id": 250}}), "no scope"),
        (body_of(event(scope=7)), "no scope"),
        (body_of(event(data=None)), "data is not an order"),
        (body_of(event(data={"type": "cart", "id": 250})), "data is not an order"),
        (body_of(event(data={"type": "order"})), "data.id"),
        (body_of(event(data={"type": "order", "id": 0})), "data.id"),
        (body_of(event(data={"type": "order", "id": True})), "data.id"),
        (body_of(event(data={"type": "order", "id": "250; DROP"})), "data.id"),
        (body_of(event(data={"type": "order", "id": 2.5})), "data.id"),
    ],
)
def test_a_signed_body_that_cannot_be_read_is_malformed(body: bytes, says: str) -> None:
    assert says in malformed(delivery(body, webhook_signature=v1(body)), body)


def test_an_unsigned_malformed_body_is_rejected_not_malformed() -> None:
    body = b"{not json"

    rejected(delivery(body, webhook_signature=v1(body, key=OTHER_SECRET.encode())), body)


# --- other scopes, other stores -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope", ["store/order/updated", "store/order/message/created", "store/order/archived", "store/cart/created"]
)
def test_other_scopes_are_acknowledged_with_nothing_to_fetch(scope: str) -> None:
    body = body_of(event(scope=scope))

    received = read(delivery(body), body)

    assert (received.topic, received.order, received.order_reference) == (scope, None, None)
    assert received.delivery_id == WEBHOOK_ID


def test_other_scopes_still_need_the_signature() -> None:
    body = body_of(event(scope="store/order/updated"))

    rejected(delivery(body), body, secret=OTHER_SECRET)


def test_an_order_of_another_store_is_rejected() -> None:
    """The app's client secret signs for every store that installed the app."""
    body = body_of(event(producer="stores/zzz999"))

    assert "stores/zzz999" in rejected(delivery(body), body)


def test_the_producer_is_compared_without_case() -> None:
    body = body_of(event(producer=f"stores/{STORE_HASH.upper()}"))

    assert read(delivery(body), body).order_reference == "250"
