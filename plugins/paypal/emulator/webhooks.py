"""``PAYMENT.CAPTURE.COMPLETED`` and ``PAYMENT.CAPTURE.REFUNDED`` deliveries as PayPal sends them, and the
postback check of ``POST /v1/notifications/verify-webhook-signature``.

The body is the event envelope of PayPal's webhook samples (``webhook-payment-capture-completed*.json``):
``{id, event_version, create_time, resource_type, resource_version, event_type, summary, resource, links}``
with the capture, as it stood when it completed, as ``resource`` (its order at
``supplementary_data.related_ids.order_id``). A refund's event (``resource_type`` ``refund``) carries the
refund, whose ``up`` link names its capture, with the summary "A <amount> capture payment was refunded".
It is sent as compact JSON.

PayPal signs ``<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>``
(the string PayPal's SDKs verify) with its RSA key (``SHA256withRSA``); the emulator signs the same
string with a key only it knows (HMAC-SHA256, stretched to the 256 bytes of an RSA-2048 signature), so
only the verify API can check a delivery, as a receiver without PayPal's certificate chain would.

The verify API computes the CRC32 over ``webhook_event`` exactly as it appears in the request's JSON
text: the received body must be passed through unchanged (PayPal's PHP SDK splices the raw body in for
this reason; re-encoding it, e.g. ``1.0`` becoming ``1`` or other spacing, makes PayPal answer
``FAILURE``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from .errors import rest_error
from .payloads import Merchant, capture_body, refund_body
from .records import PayPalOrder, Refund

EVENT_TYPE = "PAYMENT.CAPTURE.COMPLETED"
REFUNDED_EVENT_TYPE = "PAYMENT.CAPTURE.REFUNDED"
AUTH_ALGO = "SHA256withRSA"
CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-7a8abba8"
"""Where PayPal's signing certificate would be (the form of the ``PAYPAL-CERT-URL`` headers seen)."""
EVENT_HOST = "https://api.paypal.com"
"""The host of the links inside a delivered event (PayPal's own API host, not the emulator's)."""
USER_AGENT = "PayPal/AUHD-214.0-54377828"
COMPLETED_STATUSES = frozenset({"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"})
"""Capture statuses that passed through COMPLETED (a refund comes later, as its own event)."""
VERIFY_FIELDS = (
    "auth_algo",
    "cert_url",
    "transmission_id",
    "transmission_sig",
    "transmission_time",
    "webhook_id",
    "webhook_event",
)
_ID_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXY"
_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_UUID_EPOCH = datetime(1582, 10, 15, tzinfo=UTC)

Answer = tuple[int, dict[str, Any]]


class WebhookSigner:
    """Signs deliveries for the app's current webhook and answers the verify API for any of its webhooks."""

    def __init__(self, webhook_id: str, key: bytes | None = None) -> None:
        self.webhook_id = webhook_id
        self._known = {webhook_id}
        self._key = key or secrets.token_bytes(32)

    def send_to(self, webhook_id: str) -> None:
        """Deliveries go to the app's webhook ``webhook_id`` from now on; the earlier ones still verify."""
        self.webhook_id = webhook_id
        self._known.add(webhook_id)

    def signature(self, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes) -> str:
        """``PAYPAL-TRANSMISSION-SIG`` for a body sent to ``webhook_id``."""
        signed = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}".encode()
        blocks = (hmac.new(self._key, bytes([i]) + signed, hashlib.sha256).digest() for i in range(8))
        return base64.b64encode(b"".join(blocks)).decode()

    def verify(self, raw: bytes) -> Answer:
        """Answer ``POST /v1/notifications/verify-webhook-signature`` for the raw request body."""
        try:
            members = _members(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, _validation_error("/", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
        unknown = [name for name in members if name not in VERIFY_FIELDS]
        if unknown:
            return 400, _validation_error(f"/{unknown[0]}", "MALFORMED_REQUEST_JSON", "Unknown field in the request.")
        for name in VERIFY_FIELDS:
            value = members[name][0] if name in members else None
            if value is None or value == "":
                return 400, _validation_error(
                    f"/{name}", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."
                )
            if not isinstance(value, dict if name == "webhook_event" else str):
                return 400, _validation_error(
                    f"/{name}", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the schema."
                )
        value = {name: members[name][0] for name in VERIFY_FIELDS if name != "webhook_event"}
        event_text = members["webhook_event"][1].encode("utf-8")
        expected = self.signature(value["transmission_id"], value["transmission_time"], value["webhook_id"], event_text)
        genuine = (
            value["auth_algo"] == AUTH_ALGO
            and value["cert_url"] == CERT_URL
            and value["webhook_id"] in self._known
            and hmac.compare_digest(value["transmission_sig"].encode(), expected.encode())
        )
        return 200, {"verification_status": "SUCCESS" if genuine else "FAILURE"}


def completed(order: PayPalOrder) -> bool:
    """Whether PayPal sent ``PAYMENT.CAPTURE.COMPLETED`` for the order's capture."""
    return order.capture is not None and order.capture.status in COMPLETED_STATUSES


def delivery(
    order: PayPalOrder, *, merchant: Merchant, signer: WebhookSigner, webhook_id: str | None = None
) -> tuple[dict[str, str], bytes]:
    """The headers and raw body PayPal POSTs to the webhook listener for ``order``'s completed capture, signed for
    ``webhook_id`` (default: the signer's)."""
    return signed(capture_completed_event(order, merchant=merchant), signer=signer, webhook_id=webhook_id)


def signed(
    event: dict[str, Any], *, signer: WebhookSigner, webhook_id: str | None = None
) -> tuple[dict[str, str], bytes]:
    """The headers and raw body of a delivery of ``event``, signed for ``webhook_id`` (default: the signer's)."""
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    sent = datetime.fromisoformat(event["create_time"]).replace(microsecond=0) + timedelta(seconds=1)
    transmission_time = sent.strftime("%Y-%m-%dT%H:%M:%SZ")
    transmission_id = _time_uuid(sent, event["id"])
    headers = {
        "Content-Type": "application/json",
        "PAYPAL-AUTH-ALGO": AUTH_ALGO,
        "PAYPAL-AUTH-VERSION": "v2",
        "PAYPAL-CERT-URL": CERT_URL,
        "PAYPAL-TRANSMISSION-ID": transmission_id,
        "PAYPAL-TRANSMISSION-SIG": signer.signature(
            transmission_id, transmission_time, webhook_id or signer.webhook_id, body
        ),
        "PAYPAL-TRANSMISSION-TIME": transmission_time,
        "CORRELATION-ID": _digest(f"correlation/{event['id']}").hex()[:13],
        "User-Agent": USER_AGENT,
    }
    return headers, body


def capture_completed_event(order: PayPalOrder, *, merchant: Merchant) -> dict[str, Any]:
    """The ``PAYMENT.CAPTURE.COMPLETED`` event: the capture as it was when it completed."""
    capture = order.capture
    assert capture is not None
    resource = capture_body(order, origin=EVENT_HOST, merchant=merchant)
    resource["status"] = "COMPLETED"
    resource.pop("status_details", None)
    resource["update_time"] = resource["create_time"]
    event_id = event_id_for(merchant.merchant_id, capture.id)
    event_href = f"{EVENT_HOST}/v1/notifications/webhooks-events/{event_id}"
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": event_time(capture.created_at + event_delay(event_id)),
        "resource_type": "capture",
        "resource_version": "2.0",
        "event_type": EVENT_TYPE,
        "summary": money_summary("Payment completed for", capture.amount, order.currency),
        "resource": resource,
        "links": [
            {"href": event_href, "rel": "self", "method": "GET"},
            {"href": f"{event_href}/resend", "rel": "resend", "method": "POST"},
        ],
    }


def refunded_event(order: PayPalOrder, refund: Refund, *, merchant: Merchant) -> dict[str, Any]:
    """The ``PAYMENT.CAPTURE.REFUNDED`` event of one of the order's refunds."""
    event_id = event_id_for(merchant.merchant_id, refund.id, REFUNDED_EVENT_TYPE)
    event_href = f"{EVENT_HOST}/v1/notifications/webhooks-events/{event_id}"
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": event_time(refund.created_at + event_delay(event_id)),
        "resource_type": "refund",
        "resource_version": "2.0",
        "event_type": REFUNDED_EVENT_TYPE,
        "summary": money_summary("A", refund.amount, order.currency) + " capture payment was refunded",
        "resource": refund_body(order, refund, origin=EVENT_HOST),
        "links": [
            {"href": event_href, "rel": "self", "method": "GET"},
            {"href": f"{event_href}/resend", "rel": "resend", "method": "POST"},
        ],
    }


def event_id_for(merchant_id: str, resource_id: str, event_type: str = EVENT_TYPE) -> str:
    """``WH-`` and two 17-character ids, like ``WH-2CL46544TB770421K-5VB92446WP7345818``; the same for a
    resource (capture, order, refund) and event type."""
    digest = hashlib.sha512(f"{merchant_id}/{resource_id}/{event_type}".encode()).digest()
    chars = "".join(_ID_CHARS[b % len(_ID_CHARS)] for b in digest[:34])
    return f"WH-{chars[:17]}-{chars[17:]}"


def event_delay(event_id: str) -> timedelta:
    """How long after what it reports PayPal created the event: 2-8 s and some milliseconds, fixed per event."""
    offset = int.from_bytes(_digest(f"delay/{event_id}")[:4], "big")
    return timedelta(seconds=2 + offset % 7, milliseconds=offset % 1000)


def event_time(moment: datetime) -> str:
    """An event's ``create_time``: UTC to the millisecond with ``Z`` (``2023-04-06T20:28:58.184Z``)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def money_summary(text: str, amount: Decimal, currency: str) -> str:
    """``Payment completed for $ 100.0 USD``: PayPal's summary writes the amount as a float (``100.0``, ``21.12``)."""
    number = f"{amount.normalize():f}"
    number = number if "." in number else f"{number}.0"
    return f"{text} {_SYMBOLS.get(currency, currency)} {number} {currency}"


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _time_uuid(moment: datetime, salt: str) -> str:
    """A version-1 UUID for ``moment`` (PayPal's transmission ids are time-based, like
    ``69cd13f0-d67a-11e5-baa3-778b53f4ae55``), its clock sequence and node fixed by ``salt``."""
    ticks = (moment - _UUID_EPOCH) // timedelta(microseconds=1) * 10
    extra = _digest(f"transmission/{salt}")
    clock_seq = int.from_bytes(extra[:2], "big") & 0x3FFF
    node = int.from_bytes(extra[2:8], "big")
    fields = (
        ticks & 0xFFFFFFFF,
        (ticks >> 32) & 0xFFFF,
        ((ticks >> 48) & 0x0FFF) | 0x1000,
        (clock_seq >> 8) | 0x80,
        clock_seq & 0xFF,
        node,
    )
    return str(uuid.UUID(fields=fields))


def _validation_error(field: str, issue: str, description: str) -> dict[str, Any]:
    """The 400 PayPal's Webhooks API answers for an unusable request (``VALIDATION_ERROR``)."""
    detail = {"field": field, "location": "body", "issue": issue, "description": description}
    return rest_error(400, name="VALIDATION_ERROR", message="Invalid request - see details", details=[detail], links=[])


def _members(text: str) -> Mapping[str, tuple[Any, str]]:
    """The top-level members of a JSON object: each value parsed, and its exact text in ``text``."""
    json.loads(text)  # the whole document must be valid JSON: the walk below only finds the members
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    if text[index : index + 1] != "{":
        raise ValueError("not a JSON object")
    index = _skip(text, index + 1)
    members: dict[str, tuple[Any, str]] = {}
    if text[index] == "}":
        return members
    while True:
        name, index = decoder.raw_decode(text, index)  # the member's name, a JSON string
        index = _skip(text, _skip(text, index) + 1)  # past the ":"
        value, end = decoder.raw_decode(text, index)
        members[name] = (value, text[index:end])
        index = _skip(text, end)
        if text[index] == "}":
            return members
        index = _skip(text, index + 1)  # past the ","


def _skip(text: str, index: int) -> int:
    """The first index at or after ``index`` that is not JSON whitespace."""
    while index < len(text) and text[index] in " \t\n\r":
        index += 1
    return index
