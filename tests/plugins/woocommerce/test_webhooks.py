"""WooCommerce webhook deliveries: signature, topics, dedupe, the creation ping."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from multidict import CIMultiDict

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.webhooks import read_webhook, signing_key
from server.platforms import (
    Capability,
    HttpClient,
    InvalidCredentials,
    PaymentStatus,
    WebhookEvent,
    WebhookMalformed,
    WebhookRejected,
)
from tests.conftest import SAMPLES

SECRET = "wc-webhook-secret-9f8e7d6c5b4a"
OTHER_SECRET = "wc-webhook-secret-0000000000"
SAMPLE = json.loads((SAMPLES / "woocommerce" / "order.json").read_text())
CREDENTIALS = {
    "site_url": "https://shop.example.com",
    "consumer_key": "ck_0123456789abcdef0123456789abcdef01234567",
    "consumer_secret": "cs_fedcba9876543210fedcba9876543210fedcba98",
}


def body_of(payload: Any) -> bytes:
    """As WooCommerce sends it: ``trim(wp_json_encode($payload))`` (compact, slashes escaped)."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def order(order_id: int = 727, **changes: Any) -> dict[str, Any]:
    return {**SAMPLE, "id": order_id, "number": str(order_id), **changes}


def sign(body: bytes, key: bytes | str = SECRET) -> str:
    key = key.encode() if isinstance(key, str) else key
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def delivery(
    body: bytes,
    *,
    topic: str = "order.created",
    secret: bytes | str = SECRET,
    delivery_id: str = "2f1d5a33c8e94c0a8b7e6d5c4b3a2910",
    **changes: str | None,
) -> CIMultiDict[str]:
    """The headers ``WC_Webhook::deliver`` sends (header names arrive in any case)."""
    resource, _, event = topic.partition(".")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "WooCommerce/9.9.3 Hookshot (WordPress/6.8.1)",
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(body, secret),
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    for name, value in changes.items():
        header = "X-WC-Webhook-" + name.replace("_", "-")
        headers.pop(header, None)
        if value is not None:
            headers[header] = value
    return CIMultiDict(headers)


def read(headers: CIMultiDict[str], body: bytes, secret: str | None = SECRET) -> WebhookEvent:
    return read_webhook(headers, body, secret)


def rejected(headers: CIMultiDict[str], body: bytes, secret: str | None = SECRET) -> str:
    with pytest.raises(WebhookRejected) as caught:
        read(headers, body, secret)
    message = str(caught.value)
    for value in (SECRET, OTHER_SECRET, *CREDENTIALS.values()):
        assert value not in message
    return message


def malformed(headers: CIMultiDict[str], body: bytes) -> str:
    with pytest.raises(WebhookMalformed) as caught:
        read(headers, body)
    assert SECRET not in str(caught.value)
    return str(caught.value)


# --- a signed order.created -------------------------------------------------------------------------


def test_order_created_carries_the_mapped_order() -> None:
    body = body_of(order())

    event = read(delivery(body), body)

    assert event.topic == "order.created"
    assert event.order is not None and event.order_reference is None
    assert (event.order.order_id, event.order.order_number) == ("727", "727")
    assert event.order.payment_status is PaymentStatus.PAID
    assert str(event.order.total.amount) == SAMPLE["total"]
    assert event.delivery_id == "order.created:727"


async def test_the_connector_verifies_with_its_webhook_secret(http: HttpClient) -> None:
    connector = WooCommerceConnector(credentials={**CREDENTIALS, "webhook_secret": SECRET}, http=http)
    body = body_of(order())

    event = await connector.parse_webhook(delivery(body), body)

    assert Capability.WEBHOOKS in WooCommerceConnector.capabilities
    assert event.order is not None and event.order.order_id == "727"


async def test_a_store_without_a_webhook_secret_rejects_signed_deliveries(http: HttpClient) -> None:
    connector = WooCommerceConnector(credentials=CREDENTIALS, http=http)
    body = body_of(order())

    with pytest.raises(WebhookRejected, match="no webhook secret"):
        await connector.parse_webhook(delivery(body), body)


def test_headers_are_read_whatever_their_case() -> None:
    body = body_of(order())
    lowered = CIMultiDict((name.lower(), value) for name, value in delivery(body).items())

    assert read(lowered, body).order is not None


# --- signatures that do not verify --------------------------------------------------------------------


def test_a_signature_made_with_another_secret_is_rejected() -> None:
    body = body_of(order())

    assert "does not match" in rejected(delivery(body, secret=OTHER_SECRET), body)


def test_a_tampered_body_is_rejected() -> None:
    body = body_of(order())
    tampered = body_of(order(total="0.01"))

    assert "does not match" in rejected(delivery(body), tampered)


def test_a_body_re_encoded_after_signing_is_rejected() -> None:
    """The signature covers the exact bytes sent: parsing and re-serializing breaks it."""
    body = body_of(order())
    reencoded = json.dumps(json.loads(body)).encode()

    assert "does not match" in rejected(delivery(body), reencoded)


def test_a_missing_signature_is_rejected() -> None:
    body = body_of(order())

    assert "no X-WC-Webhook-Signature" in rejected(delivery(body, Signature=None), body)
    assert "no X-WC-Webhook-Signature" in rejected(delivery(body, Signature="  "), body)


@pytest.mark.parametrize(
    "garbled",
    [
        "not base64 at all!",
        base64.b64encode(b"short").decode(),  # base64, but not a SHA-256 digest
        "sha256=" + hashlib.sha256(b"x").hexdigest(),  # another platform's format
    ],
)
def test_a_garbled_signature_is_rejected(garbled: str) -> None:
    body = body_of(order())

    assert "X-WC-Webhook-Signature" in rejected(delivery(body, Signature=garbled), body)


def test_a_hex_signature_of_the_right_hmac_is_rejected() -> None:
    body = body_of(order())
    hex_digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    rejected(delivery(body, Signature=hex_digest), body)


def test_topic_headers_do_not_get_around_the_signature() -> None:
    """The topic header is not signed, but nothing is read before the body is verified."""
    body = body_of(order())

    rejected(delivery(body, secret=OTHER_SECRET, Topic="order.updated"), body)
    rejected(delivery(body, secret=OTHER_SECRET, Topic=None), body)


# --- the secret as WooCommerce uses it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "key"),
    [
        ("plain-secret", "plain-secret"),
        ("a&lt;b&gt;c", "a<b>c"),  # sanitize_text_field stores a typed "<" as "&lt;"
        ("a&amp;b", "a&b"),
        ("&quot;q&quot; &#039;s&#039;", "\"q\" 's'"),
        ("&#0039;&#x0027;&#X27;&#34;&#x22;&#60;&#062;&#38;&#x26;", "'''\"\"<>&&"),
        ("&amp;lt;", "&lt;"),  # one pass, as strtr() does
        ("&nbsp;&eacute;&#65;", "&nbsp;&eacute;&#65;"),  # only the special characters are decoded
        ("a&b", "a&b"),
        ("clé", "clé"),
    ],
)
def test_the_key_is_the_secret_after_wp_specialchars_decode(stored: str, key: str) -> None:
    assert signing_key(stored) == key.encode()


def test_a_secret_with_an_entity_verifies_as_stored_or_as_typed() -> None:
    """WooCommerce signs with the decoded secret; the seller may copy either form."""
    body = body_of(order())
    headers = delivery(body, secret="s3cr&t<with>chars")

    assert read(headers, body, secret="s3cr&amp;t&lt;with&gt;chars").order is not None
    assert read(headers, body, secret="s3cr&t<with>chars").order is not None


def test_a_generated_secret_keeps_its_spaces() -> None:
    """wp_generate_password( 50, true, true ) draws from a set with a space in it."""
    secret = " gen3rated]{secret with spaces} "
    cleaned = WooCommerceConnector.check_credentials({**CREDENTIALS, "webhook_secret": secret})
    body = body_of(order())

    assert cleaned["webhook_secret"] == secret
    assert read(delivery(body, secret=secret), body, secret=cleaned["webhook_secret"]).order is not None
    # a paste that picked up a newline still verifies
    assert read(delivery(body, secret="trimmed"), body, secret="trimmed\n").order is not None


def test_the_webhook_secret_is_optional_and_secret() -> None:
    field = next(f for f in WooCommerceConnector.credential_fields if f.name == "webhook_secret")

    assert field.secret and not field.required
    assert "webhook_secret" not in WooCommerceConnector.check_credentials(CREDENTIALS)
    assert "webhook_secret" not in WooCommerceConnector.check_credentials({**CREDENTIALS, "webhook_secret": "  "})
    with pytest.raises(InvalidCredentials):
        WooCommerceConnector.check_credentials({**CREDENTIALS, "webhook_secret": 42})  # type: ignore[dict-item]


# --- dedupe --------------------------------------------------------------------------------------------


def test_a_re_delivery_keeps_the_delivery_id() -> None:
    """Every attempt gets a new X-WC-Webhook-Delivery-ID and a rebuilt body; the order stays the same."""
    first_body = body_of(order())
    again_body = body_of(order(date_modified_gmt="2017-03-23T10:00:00"))

    first = read(delivery(first_body, delivery_id="11111111111111111111111111111111"), first_body)
    again = read(delivery(again_body, delivery_id="22222222222222222222222222222222"), again_body)

    assert first.delivery_id == again.delivery_id == "order.created:727"


def test_two_orders_delivered_in_the_same_second_keep_apart() -> None:
    """The delivery id header is wp_hash( webhook id . unix second ): two deliveries in one second share it."""
    same_second = "d41d8cd98f00b204e9800998ecf8427e"
    first_body, second_body = body_of(order(727)), body_of(order(728))

    first = read(delivery(first_body, delivery_id=same_second), first_body)
    second = read(delivery(second_body, delivery_id=same_second), second_body)

    assert first.delivery_id != second.delivery_id


def test_an_unsigned_header_cannot_make_a_replay_look_new() -> None:
    body = body_of(order())

    first = read(delivery(body, ID="12", delivery_id="a" * 32), body)
    replayed = read(delivery(body, ID="99", delivery_id="b" * 32), body)

    assert first.delivery_id == replayed.delivery_id


# --- bodies that cannot be read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'"webhook_id=12"', b"null", b""],
    ids=["truncated", "not-utf8", "array", "string", "null", "empty"],
)
def test_a_signed_body_that_is_not_an_order_object_is_malformed(body: bytes) -> None:
    assert "order.created" in malformed(delivery(body), body)


def test_a_signed_order_that_cannot_be_mapped_is_malformed() -> None:
    broken = {key: value for key, value in order().items() if key != "date_created_gmt"}
    body = body_of(broken)

    assert "date_created_gmt" in malformed(delivery(body), body)


def test_a_legacy_rest_api_payload_says_which_api_version_to_pick() -> None:
    body = body_of({"order": {"id": 727, "order_number": "727", "total": "29.35"}})

    assert "WP REST API Integration v3" in malformed(delivery(body), body)


def test_a_signed_delivery_without_a_topic_is_malformed() -> None:
    body = body_of(order())

    assert "X-WC-Webhook-Topic" in malformed(delivery(body, Topic=None), body)


# --- other topics, drafts ------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", ["order.deleted", "order.restored", "product.created", "action.woocommerce_x"])
def test_other_topics_are_acknowledged_with_nothing_to_list(topic: str) -> None:
    body = body_of(order()) if topic.startswith("order.") else body_of({"id": 5})

    event = read(delivery(body, topic=topic, delivery_id="c" * 32), body)

    assert (event.topic, event.order, event.order_reference) == (topic, None, None)
    assert event.delivery_id == "c" * 32


def test_other_topics_still_need_the_signature() -> None:
    body = body_of({"id": 5})

    rejected(delivery(body, topic="product.created", secret=OTHER_SECRET), body)


def test_a_block_checkout_draft_is_not_an_order() -> None:
    body = body_of(order(status="checkout-draft"))

    event = read(delivery(body), body)

    assert (event.order, event.order_reference) == (None, None)


def test_a_draft_body_is_still_verified() -> None:
    body = body_of(order(status="checkout-draft"))

    rejected(delivery(body, secret=OTHER_SECRET), body)


# --- the creation ping ---------------------------------------------------------------------------------


def ping_headers(**extra: str) -> CIMultiDict[str]:
    """What ``WC_Webhook::deliver_ping`` sends: a form body, its user agent, no X-WC-Webhook-* header."""
    return CIMultiDict(
        {
            "User-Agent": "WooCommerce/9.9.3 Hookshot (WordPress/6.8.1)",
            "Content-Type": "application/x-www-form-urlencoded",
            **extra,
        }
    )


@pytest.mark.parametrize("secret", [SECRET, None])
def test_the_creation_ping_is_acknowledged_unsigned(secret: str | None) -> None:
    """Sent before the seller may have entered the secret here; WooCommerce wants a 200."""
    event = read(ping_headers(), b"webhook_id=12", secret=secret)

    assert (event.topic, event.order, event.order_reference) == ("ping", None, None)
    assert event.delivery_id == "ping:12"


async def test_the_connector_acknowledges_the_ping(http: HttpClient) -> None:
    connector = WooCommerceConnector(credentials=CREDENTIALS, http=http)

    event = await connector.parse_webhook(CIMultiDict(), b"webhook_id=3")

    assert (event.order, event.order_reference) == (None, None)


@pytest.mark.parametrize(
    "body",
    [
        b"webhook_id=12&topic=order.created",
        b"webhook_id=12\n",
        b" webhook_id=12",
        b"webhook_id=012",
        b"webhook_id=0",
        b"webhook_id=",
        b"webhook_id=12x",
        b"Webhook_id=12",
        b"webhook_id=" + b"9" * 20,
        b"webhook_id=\xd9\xa1\xd9\xa2",  # Arabic-Indic digits
    ],
)
def test_only_the_exact_ping_body_is_taken_unsigned(body: bytes) -> None:
    rejected(ping_headers(), body)


@pytest.mark.parametrize("header", ["Topic", "Signature", "Resource", "Event", "ID", "Delivery-ID", "Source"])
def test_a_ping_body_with_delivery_headers_is_verified_as_a_delivery(header: str) -> None:
    headers = ping_headers(**{f"X-WC-Webhook-{header}": "order.created" if header == "Topic" else "x"})

    rejected(headers, b"webhook_id=12")


def test_a_ping_body_signed_as_an_order_is_malformed_not_acknowledged() -> None:
    body = b"webhook_id=12"

    malformed(delivery(body), body)
