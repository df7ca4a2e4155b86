"""Notification API ``ORDER_CONFIRMATION`` deliveries, signed as eBay signs them, and the public key to check them.

eBay's asyncapi contract for the topic: the notification is sent when a buyer completes checkout,
**one per line item** of the order, and carries the ``orderId`` for the seller to look the order up
with getOrders. Every Notification API message is ``{"metadata": {topic, schemaVersion, deprecated},
"notification": {notificationId, eventDate, publishDate, publishAttemptCount, data}}`` sent as compact
JSON with ``Content-Type: application/json`` and an ``X-EBAY-SIGNATURE`` header: base64 of the JSON
``{"alg": "ecdsa", "kid": <public key id>, "signature": <base64 DER ECDSA signature>, "digest": "SHA1"}``.

What is signed is what eBay's event-notification SDKs verify: the message as compact JSON, its fields
in the order sent (``JSON.stringify(message)`` in the Node.js SDK's ``validator.js``, Jackson's
``writeValueAsString`` in the Java SDK's ``SignatureValidator``), with ECDSA over P-256 and the digest
the public key names (SHA1: the SDKs' test vector verifies with ``SHA1withECDSA`` and not with SHA256).
The body is sent in exactly that form, so its raw bytes are the signed bytes.

``GET /commerce/notification/v1/public_key/{public_key_id}`` (an application access token from the
client-credentials grant) answers ``{"key": "-----BEGIN PUBLIC KEY-----<base64 DER>-----END PUBLIC
KEY-----", "algorithm": "ECDSA", "digest": "SHA1"}``, the key on one line as in the SDKs' fixtures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .orders import StoredOrder, from_millis, timestamp

TOPIC = "ORDER_CONFIRMATION"
SCHEMA_VERSION = "1.0"
ALGORITHM, DIGEST = "ECDSA", "SHA1"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """One ORDER_CONFIRMATION: an order's line item whose checkout completed at ``at``."""

    order: StoredOrder
    line_item_id: str
    at: datetime


class NotificationSigner:
    """The emulated eBay's signing key pair (P-256) and its public key id."""

    def __init__(self, seed: int) -> None:
        self.kid = str(uuid.UUID(int=random.Random(f"ebay-notification-key/{seed}").getrandbits(128), version=4))
        self._key = ec.generate_private_key(ec.SECP256R1())

    def public_key(self) -> dict[str, str]:
        """The ``getPublicKey`` response body."""
        der = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        pem = f"-----BEGIN PUBLIC KEY-----{base64.b64encode(der).decode()}-----END PUBLIC KEY-----"
        return {"key": pem, "algorithm": ALGORITHM, "digest": DIGEST}

    def signature_header(self, body: bytes) -> str:
        """``X-EBAY-SIGNATURE`` for ``body``."""
        signature = self._key.sign(body, ec.ECDSA(hashes.SHA1()))
        header = {"alg": "ecdsa", "kid": self.kid, "signature": base64.b64encode(signature).decode(), "digest": DIGEST}
        return base64.b64encode(json.dumps(header, separators=(",", ":")).encode()).decode()


def message(confirmation: Confirmation, *, seller: str) -> dict[str, Any]:
    """The notification message for one confirmed line item (the same for the same line item)."""
    order = confirmation.order
    key = f"{seller}/{order.order_id}/{confirmation.line_item_id}/{TOPIC}"
    notification_id = f"{_uuid4(f'notification/{key}')}_{_uuid4(f'subscription/{seller}/{TOPIC}')}"
    published = confirmation.at + timedelta(milliseconds=150 + random.Random(key).randrange(850))
    return {
        "metadata": {"topic": TOPIC, "schemaVersion": SCHEMA_VERSION, "deprecated": False},
        "notification": {
            "notificationId": notification_id,
            "eventDate": timestamp(confirmation.at),
            "publishDate": timestamp(published),
            "publishAttemptCount": 1,
            "data": order_data(order),
        },
    }


def order_data(order: StoredOrder) -> dict[str, Any]:
    """``notification.data`` of an ORDER_CONFIRMATION: the order's id, which the seller then looks up.

    eBay's contract says the notification carries the ``orderId``; the layout (``data.order.orderId``)
    follows deliveries captured from eBay, as the asyncapi file's schema part could not be read."""
    return {"order": {"orderId": order.order_id}}


def delivery(confirmation: Confirmation, *, seller: str, signer: NotificationSigner) -> tuple[dict[str, str], bytes]:
    """Headers and raw body of the POST eBay makes to the subscribed endpoint."""
    body = json.dumps(message(confirmation, seller=seller), separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-EBAY-SIGNATURE": signer.signature_header(body)}
    return headers, body


def _uuid4(name: str) -> uuid.UUID:
    """A random-looking (version 4) UUID that is always the same for ``name``, like the two halves of
    eBay's notification ids (``49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d``)."""
    return uuid.UUID(bytes=hashlib.sha256(f"ebay:{name}".encode()).digest()[:16], version=4)


def confirmations(order: StoredOrder, confirmed_at: datetime | None) -> list[Confirmation]:
    """The order's ORDER_CONFIRMATIONs: one per line item, at checkout (its creation, unless completed later)."""
    at = confirmed_at or from_millis(order.created)
    return [Confirmation(order, str(line["lineItemId"]), at) for line in order.payload["lineItems"]]
