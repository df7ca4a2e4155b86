"""eBay Notification API deliveries: the ``X-EBAY-SIGNATURE`` check and the ``ORDER_CONFIRMATION`` topic.

The header is base64 of ``{"alg": "ecdsa", "kid": …, "signature": …, "digest": …}``.
``signature`` is a base64 DER ECDSA signature of the JSON payload, checked
with the public key that ``GET /commerce/notification/v1/public_key/{kid}``
returns (``{"key": "-----BEGIN PUBLIC KEY-----…", "algorithm": "ECDSA",
"digest": "SHA1"}``). eBay's SDKs verify the payload as re-serialized compact
JSON; the raw body is tried first, then that form.

The payload is ``{"metadata": {"topic", …}, "notification": {"notificationId",
"eventDate", "publishDate", "publishAttemptCount", "data"}}``; a retry keeps
its ``notificationId``. ``ORDER_CONFIRMATION`` (a completed checkout) is thin:
``data.order.orderId`` is fetched with ``getOrder``. No topic announces a
change to a placed order (see the connector), so no event is ``updated``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from server.platforms import PlatformBadResponse, WebhookEvent, WebhookMalformed, WebhookRejected

__all__ = [
    "ORDER_CONFIRMATION",
    "PUBLIC_KEY_PATH",
    "SIGNATURE_HEADER",
    "PublicKey",
    "Signature",
    "read_notification",
    "read_signature",
    "verify",
]

SIGNATURE_HEADER = "X-EBAY-SIGNATURE"
PUBLIC_KEY_PATH = "/commerce/notification/v1/public_key"
ORDER_CONFIRMATION = "ORDER_CONFIRMATION"

_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA1": hashes.SHA1,
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_PEM_MARKERS = re.compile(r"-----(?:BEGIN|END) PUBLIC KEY-----|\s")


@dataclass(frozen=True, slots=True)
class Signature:
    """What ``X-EBAY-SIGNATURE`` says: the key id and the DER signature bytes."""

    key_id: str
    value: bytes


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A key from ``getPublicKey``, as eBay sends it (kept in the store's state as JSON)."""

    key_id: str
    key: str
    digest: str

    @classmethod
    def from_answer(cls, key_id: str, answer: Any) -> PublicKey:
        """Check a ``getPublicKey`` body; ``PlatformBadResponse`` if it is no ECDSA key this module can use."""
        if not isinstance(answer, Mapping):
            raise PlatformBadResponse(f"eBay's public key {key_id!r} is not a JSON object")
        algorithm, digest, key = answer.get("algorithm"), answer.get("digest"), answer.get("key")
        if not isinstance(algorithm, str) or algorithm.upper() != "ECDSA":
            raise PlatformBadResponse(f"eBay's public key {key_id!r} is not an ECDSA key (algorithm {algorithm!r})")
        if not isinstance(digest, str) or digest.upper() not in _DIGESTS:
            raise PlatformBadResponse(f"eBay's public key {key_id!r} names an unknown digest {digest!r}")
        public_key = cls(key_id, key if isinstance(key, str) else "", digest.upper())
        public_key._ec_key()
        return public_key

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            self._ec_key().verify(signature, message, ec.ECDSA(_DIGESTS[self.digest]()))
        except InvalidSignature:
            return False
        return True

    def _ec_key(self) -> ec.EllipticCurvePublicKey:
        """The key in eBay's one-line PEM (or ordinary PEM), read as DER."""
        try:
            loaded = load_der_public_key(base64.b64decode(_PEM_MARKERS.sub("", self.key), validate=True))
        except (binascii.Error, ValueError):
            loaded = None
        if not isinstance(loaded, ec.EllipticCurvePublicKey):
            raise PlatformBadResponse(f"eBay's public key {self.key_id!r} is not a readable elliptic-curve key")
        return loaded


def read_signature(headers: Mapping[str, str]) -> Signature:
    """The ``X-EBAY-SIGNATURE`` header, or ``WebhookRejected``."""
    header = headers.get(SIGNATURE_HEADER)
    if not header:
        raise WebhookRejected(f"the delivery has no {SIGNATURE_HEADER} header")
    try:
        decoded = json.loads(base64.b64decode(header.strip(), validate=True))
        key_id, signature = decoded["kid"], decoded["signature"]
        value = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} is not eBay's base64 JSON signature") from None
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id) or not value:
        raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} has no usable key id and signature")
    return Signature(key_id, value)


def verify(body: bytes, signature: Signature, key: PublicKey) -> None:
    """``WebhookRejected`` unless ``signature`` signs the body (raw, or as eBay's SDKs re-serialize it)."""
    if key.verifies(signature.value, body):
        return
    compact = _compact(body)
    if compact is not None and compact != body and key.verifies(signature.value, compact):
        return
    raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} does not match its body")


def read_notification(body: bytes) -> WebhookEvent:
    """The event of a verified body: ``ORDER_CONFIRMATION`` names its order; other topics carry nothing for us."""
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookMalformed("the notification body is not JSON") from None
    topic, delivery_id = _at(payload, "metadata", "topic"), _at(payload, "notification", "notificationId")
    if not isinstance(topic, str) or not topic or not isinstance(delivery_id, str) or not delivery_id.strip():
        raise WebhookMalformed("the notification has no metadata.topic or notification.notificationId")
    if topic != ORDER_CONFIRMATION:
        return WebhookEvent(delivery_id=delivery_id, topic=topic)
    order_id = _at(payload, "notification", "data", "order", "orderId")
    if not isinstance(order_id, str) or not order_id.strip():
        raise WebhookMalformed(f"the {ORDER_CONFIRMATION} notification has no data.order.orderId")
    return WebhookEvent(delivery_id=delivery_id, topic=topic, order_reference=order_id.strip())


def _at(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]…``, or ``None`` where an object or key is missing."""
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _compact(body: bytes) -> bytes | None:
    """The body as ``JSON.stringify`` (eBay's Node SDK) or Jackson (its Java SDK) writes it back."""
    try:
        return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        return None
