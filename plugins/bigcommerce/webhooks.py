"""BigCommerce webhook deliveries, signed as Standard Webhooks.

Every delivery carries ``webhook-id``, ``webhook-timestamp`` (unix seconds of
the attempt) and ``webhook-signature``: space-separated ``v1,<base64>``
entries, each an HMAC-SHA256 of ``{webhook-id}.{webhook-timestamp}.{raw body}``;
one matching entry is enough. BigCommerce's examples key it with the app's
client secret, base64-encoded and handed to the Standard Webhooks library,
which decodes it again: the key is the secret's own bytes. A secret given in
the spec's ``whsec_<base64>`` form is decoded the way the library decodes it.
An attempt more than ``TOLERANCE`` away from now is refused (a replay).

The body is thin, ``{scope, store_id, data: {type, id}, hash, created_at,
producer}``: ``store/order/created`` names a new order (``data.id``), which the
core then fetches; ``store/order/statusUpdated`` (``data.status`` has the
previous and new status ids) and ``store/order/refund/created``
(``data.refund.refund_id``) name an order that changed (``updated``). ``hash``
is the SHA-1 of the event's data, which BigCommerce documents as the way to
detect duplicate events (a hook that fires twice for one event sends the same
hash); it is signed, so it is the delivery id (with the scope, as the data of
other scopes can hash alike), and ``webhook-id`` (the same on every retry, by
the spec) only when there is no hash. A status can go back and forth (the same
data twice), so a change's id also holds the event's ``created_at``. The app's
client secret signs for every store that installed the app, so an order
delivery whose ``producer`` (``stores/{store_hash}``) names another store is
refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from server.platforms import WebhookEvent, WebhookMalformed, WebhookRejected

__all__ = [
    "ORDER_CREATED",
    "ORDER_REFUND_CREATED",
    "ORDER_STATUS_UPDATED",
    "TOLERANCE",
    "read_webhook",
    "signature",
    "signing_key",
]

ORDER_CREATED = "store/order/created"
ORDER_STATUS_UPDATED = "store/order/statusUpdated"
ORDER_REFUND_CREATED = "store/order/refund/created"
_ORDER_SCOPES = (ORDER_CREATED, ORDER_STATUS_UPDATED, ORDER_REFUND_CREATED)
TOLERANCE = 5 * 60
"""Seconds a ``webhook-timestamp`` may be from now, either way (the Standard Webhooks libraries' tolerance)."""
SECRET_PREFIX = "whsec_"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_ORDER_ID = re.compile(r"[1-9][0-9]{0,17}")
_HASH_LIMIT = 128
_DIGEST_SIZE = hashlib.sha256().digest_size


def signing_key(secret: str) -> bytes:
    """The HMAC key for a client secret, or for a ``whsec_`` secret (base64 after the prefix).

    Raises ``ValueError`` when a ``whsec_`` secret is not base64.
    """
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError("not base64 after whsec_") from None
    if not key:
        raise ValueError("empty after whsec_")
    return key


def signature(webhook_id: str, timestamp: int | str, body: bytes, secret: str) -> str:
    """One ``webhook-signature`` entry, ``v1,<base64 HMAC-SHA256>``, as BigCommerce signs a delivery."""
    return f"v1,{base64.b64encode(_digest(signing_key(secret), webhook_id, str(timestamp), body)).decode()}"


def read_webhook(
    headers: Mapping[str, str],
    body: bytes,
    client_secret: str | None,
    store_hash: str,
    *,
    now: float | None = None,
) -> WebhookEvent:
    """Verify one delivery for the store ``store_hash`` and say which order it names, new or changed, if any."""
    webhook_id = _verify(headers, body, client_secret, time.time() if now is None else now)
    event = _event(body)
    scope = event["scope"]
    if scope not in _ORDER_SCOPES:
        return WebhookEvent(delivery_id=webhook_id, topic=scope)
    producer = event.get("producer")
    # The client secret is the app's, shared by every store that installed it: a delivery for another
    # store verifies too, and its order id would be looked up in this one.
    if isinstance(producer, str) and producer.strip().lower() != f"stores/{store_hash}":
        shown = producer.strip() if len(producer) <= 80 else producer.strip()[:79] + "…"
        raise WebhookRejected(f"the delivery is about {shown!r}, not this store (stores/{store_hash})")
    updated = scope != ORDER_CREATED
    digest = event.get("hash")
    if isinstance(digest, str) and digest.strip() and len(digest) <= _HASH_LIMIT:
        delivery_id = f"{scope}:{digest.strip()}"
        created_at = event.get("created_at")
        if updated and isinstance(created_at, int) and not isinstance(created_at, bool):
            delivery_id += f":{created_at}"
    else:
        delivery_id = webhook_id
    return WebhookEvent(delivery_id=delivery_id, topic=scope, order_reference=_order_id(event, scope), updated=updated)


def _verify(headers: Mapping[str, str], body: bytes, client_secret: str | None, now: float) -> str:
    """The delivery's ``webhook-id`` once its signature and timestamp are good."""
    if not client_secret:
        raise WebhookRejected("the store has no app client secret to verify BigCommerce deliveries with")
    webhook_id = (headers.get("webhook-id") or "").strip()
    sent_timestamp = (headers.get("webhook-timestamp") or "").strip()
    sent = (headers.get("webhook-signature") or "").strip()
    for name, value in (("webhook-id", webhook_id), ("webhook-timestamp", sent_timestamp), ("webhook-signature", sent)):
        if not value:
            raise WebhookRejected(f"the delivery has no {name} header")
    if not _TIMESTAMP.fullmatch(sent_timestamp):
        raise WebhookRejected("the delivery's webhook-timestamp is not unix seconds")
    signatures = _v1_signatures(sent)
    if not signatures:
        raise WebhookRejected("the delivery's webhook-signature holds no v1,<base64 HMAC-SHA256> entry")
    try:
        key = signing_key(client_secret)
    except ValueError:
        raise WebhookRejected("the store's client secret starts with whsec_ but is not base64 after it") from None
    expected = _digest(key, webhook_id, sent_timestamp, body)
    matched = False
    for candidate in signatures:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookRejected("no webhook-signature entry matches the delivery's id, timestamp and body")
    age = now - int(sent_timestamp)
    if abs(age) > TOLERANCE:
        when = f"{age / 60:.0f} minutes old" if age > 0 else f"{-age / 60:.0f} minutes in the future"
        raise WebhookRejected(
            f"the delivery's webhook-timestamp is {when} (more than {TOLERANCE // 60} minutes from now): "
            "a replay, or this server's clock is off"
        )
    return webhook_id


def _v1_signatures(header: str) -> list[bytes]:
    """The decoded ``v1`` entries of a ``webhook-signature``; other versions and garbled entries are skipped."""
    found = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(digest) == _DIGEST_SIZE:
            found.append(digest)
    return found


def _digest(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def _event(body: bytes) -> Mapping[str, Any]:
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookMalformed("the delivery body is not JSON") from None
    if not isinstance(event, dict):
        raise WebhookMalformed("the delivery body is not a JSON object")
    scope = event.get("scope")
    if not isinstance(scope, str) or not scope.strip():
        raise WebhookMalformed("the delivery has no scope")
    return event


def _order_id(event: Mapping[str, Any], scope: str) -> str:
    """``data.id`` of an order event, as the decimal id ``fetch_order`` takes."""
    data = event.get("data")
    if not isinstance(data, dict) or data.get("type", "order") != "order":
        raise WebhookMalformed(f"the {scope} delivery's data is not an order")
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not _ORDER_ID.fullmatch(str(value).strip()):
        raise WebhookMalformed(f"the {scope} delivery's data.id is not an order id")
    return str(value).strip()
