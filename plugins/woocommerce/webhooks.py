"""WooCommerce webhook deliveries, as ``WC_Webhook`` sends them.

``X-WC-Webhook-Signature`` is base64(HMAC-SHA256(body, key)) over the exact
bytes sent (``trim(wp_json_encode(payload))``), where the key is the webhook's
secret passed through ``wp_specialchars_decode(secret, ENT_QUOTES)``: the
admin form stores a typed ``<`` as ``&lt;`` (``sanitize_text_field``) and the
decode undoes that, so the secret is decoded the same way here and it does
not matter whether the seller copies it as typed or as the admin shows it.
The other headers are ``X-WC-Webhook-Topic`` (``order.created``,
``order.updated``), ``-Resource``, ``-Event``, ``-ID`` (the webhook),
``-Delivery-ID`` and ``-Source`` (the site URL); none of them is signed.

Both order topics carry the REST order. ``order.updated`` is sent on every
save of an existing order (a status change, a refund, an edit): it is a change
(``updated``).

Dedupe: ``X-WC-Webhook-Delivery-ID`` is ``wp_hash(webhook id . current unix
second)``, made afresh on every attempt, so a re-run delivery gets a new one,
and two deliveries of one webhook in the same second (a queue batch) share
one. What stays the same across re-deliveries of an ``order.created`` is the
order, so its delivery id is ``order.created:{order id}``, read from the
signed body (an unsigned header cannot make a replay look new). A re-run of an
``order.updated`` resends the same body while the order is unchanged, so its
id is ``order.updated:{order id}:{digest of the body}``: each change differs in
its body (its ``date_modified`` at least), a replay does not.

When a webhook is saved active for the first time WooCommerce POSTs a ping,
the form body ``webhook_id={id}`` with no ``X-WC-Webhook-*`` header and no
signature, and reports an error to the seller unless it is answered 200. Only
exactly that shape is acknowledged unsigned, and it yields nothing to process.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from server.platforms import Order, PlatformBadResponse, WebhookEvent, WebhookMalformed, WebhookRejected

from .mapping import is_draft, map_order

__all__ = ["ORDER_CREATED", "ORDER_UPDATED", "PING_TOPIC", "read_webhook", "signature", "signing_key"]

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
PING_TOPIC = "ping"
SIGNATURE_HEADER = "X-WC-Webhook-Signature"
TOPIC_HEADER = "X-WC-Webhook-Topic"
DELIVERY_ID_HEADER = "X-WC-Webhook-Delivery-ID"
_WC_HEADERS = tuple(
    f"X-WC-Webhook-{name}" for name in ("Signature", "Topic", "Resource", "Event", "ID", "Delivery-ID", "Source")
)
_PING_BODY = re.compile(rb"webhook_id=(?P<id>[1-9][0-9]{0,18})")
_DIGEST_SIZE = hashlib.sha256().digest_size

# wp_specialchars_decode( $text, ENT_QUOTES ): zero-padded numeric forms are normalized, then strtr()
# replaces the listed entities in one pass, longest first; nothing else is decoded.
_ENTITY_PADDING = (
    (re.compile(r"&#0*39;"), "&#039;"),
    (re.compile(r"&#x0*27;", re.IGNORECASE), "&#x27;"),
    (re.compile(r"&#0*34;"), "&#034;"),
    (re.compile(r"&#x0*22;", re.IGNORECASE), "&#x22;"),
    (re.compile(r"&#0*60;"), "&#060;"),
    (re.compile(r"&#0*62;"), "&#062;"),
    (re.compile(r"&#0*38;"), "&#038;"),
    (re.compile(r"&#x0*26;", re.IGNORECASE), "&#x26;"),
)
_ENTITIES = {
    "&#039;": "'",
    "&#x27;": "'",
    "&quot;": '"',
    "&#034;": '"',
    "&#x22;": '"',
    "&lt;": "<",
    "&#060;": "<",
    "&gt;": ">",
    "&#062;": ">",
    "&amp;": "&",
    "&#038;": "&",
    "&#x26;": "&",
}
_ENTITY = re.compile("|".join(re.escape(e) for e in sorted(_ENTITIES, key=len, reverse=True)))


def signing_key(secret: str) -> bytes:
    """The HMAC key WooCommerce signs with for a webhook whose stored secret is ``secret``."""
    if "&" in secret:
        for pattern, replacement in _ENTITY_PADDING:
            secret = pattern.sub(replacement, secret)
        secret = _ENTITY.sub(lambda m: _ENTITIES[m[0]], secret)
    return secret.encode()


def signature(body: bytes, secret: str) -> str:
    """The ``X-WC-Webhook-Signature`` WooCommerce sends with ``body`` for a webhook with ``secret``."""
    return base64.b64encode(hmac.new(signing_key(secret), body, hashlib.sha256).digest()).decode()


def read_webhook(headers: Mapping[str, str], body: bytes, secret: str | None) -> WebhookEvent:
    """Verify one delivery (or recognize the creation ping) and read it."""
    ping = _ping_id(headers, body)
    if ping is not None:
        return WebhookEvent(delivery_id=f"ping:{ping}", topic=PING_TOPIC)
    _verify(headers, body, secret)
    topic = (headers.get(TOPIC_HEADER) or "").strip()
    if not topic:
        raise WebhookMalformed(f"the delivery has no {TOPIC_HEADER} header")
    if topic not in (ORDER_CREATED, ORDER_UPDATED):
        return WebhookEvent(delivery_id=_attempt_id(headers, body, topic), topic=topic)
    payload = _order_payload(body, topic)
    if is_draft(payload):  # the block checkout's order in progress, not an order yet
        return WebhookEvent(delivery_id=_attempt_id(headers, body, topic), topic=topic)
    order = _order(payload, topic)
    if topic == ORDER_CREATED:
        return WebhookEvent(delivery_id=f"{ORDER_CREATED}:{order.order_id}", topic=topic, order=order)
    delivery_id = f"{ORDER_UPDATED}:{order.order_id}:{hashlib.sha256(body).hexdigest()[:32]}"
    return WebhookEvent(delivery_id=delivery_id, topic=topic, order=order, updated=True)


def _ping_id(headers: Mapping[str, str], body: bytes) -> str | None:
    """The webhook id of a creation ping: exactly ``webhook_id={id}`` and none of the delivery headers."""
    match = _PING_BODY.fullmatch(body)
    if match is None or any(headers.get(name) is not None for name in _WC_HEADERS):
        return None
    return match["id"].decode()


def _verify(headers: Mapping[str, str], body: bytes, secret: str | None) -> None:
    if not secret:
        raise WebhookRejected("the store has no webhook secret to verify WooCommerce deliveries with")
    sent = headers.get(SIGNATURE_HEADER)
    if not sent or not sent.strip():
        raise WebhookRejected(f"the delivery has no {SIGNATURE_HEADER} header")
    try:
        digest = base64.b64decode(sent.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != _DIGEST_SIZE:
        raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} is not a base64 HMAC-SHA256")
    # A generated secret (wp_generate_password with extra special characters) can start or end with a
    # space: the credential keeps them, and the trimmed form covers a paste that picked up stray blanks.
    candidates = {secret, secret.strip()}
    matched = False
    for candidate in candidates:
        expected = hmac.new(signing_key(candidate), body, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, digest)
    if not matched:
        raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} does not match its body")


def _attempt_id(headers: Mapping[str, str], body: bytes, topic: str) -> str:
    """An id for a delivery that is acknowledged and not kept: WooCommerce's, else one from the body."""
    sent = (headers.get(DELIVERY_ID_HEADER) or "").strip()
    return sent or f"{topic}:{hashlib.sha256(body).hexdigest()[:32]}"


def _order_payload(body: bytes, topic: str) -> Mapping[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookMalformed(f"the {topic} body is not JSON") from None
    if not isinstance(payload, dict):
        raise WebhookMalformed(f"the {topic} body is not a JSON object")
    if set(payload) == {"order"} and isinstance(payload["order"], dict):
        raise WebhookMalformed(
            f"the {topic} body is in the Legacy REST API format: "
            "set the webhook's API version to WP REST API Integration v3"
        )
    return payload


def _order(payload: Mapping[str, Any], topic: str) -> Order:
    try:
        return map_order(payload)
    except PlatformBadResponse as exc:
        raise WebhookMalformed(f"the {topic} body cannot be read as a REST API v3 order: {exc.message}") from None
