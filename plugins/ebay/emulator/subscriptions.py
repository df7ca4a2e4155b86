"""The Notification API's destinations and subscriptions, as eBay's ``commerce_notification_v1`` contract has them.

- A **destination** is an app-wide endpoint: ``{destinationId, name, status, deliveryConfig: {endpoint,
  verificationToken}}``, managed with an Application access token. eBay creates one only once the endpoint
  answers its challenge (``GET endpoint?challenge_code=…`` -> ``{"challengeResponse": hex SHA-256(code +
  verificationToken + endpoint)}``), else 409 errorId 195020; a second one for the same endpoint is 409
  195021; without the app's alert ``/config`` 409 195003. ``status`` is ``ENABLED`` or ``DISABLED``;
  ``MARKED_DOWN`` is set by eBay alone, when deliveries to the endpoint keep failing.
- A **subscription** ties a topic to a destination: ``{subscriptionId, topicId, status, creationDate,
  destinationId, payload: {format, schemaVersion, deliveryProtocol}}``. ORDER_CONFIRMATION is a user
  topic: the seller's User access token with ``commerce.notification.subscription`` manages it (the
  ``.readonly`` scope may read). One subscription per topic and seller (409 195012); enabling one whose
  destination is not enabled is 409 195015.

Lists are ``{href, total, limit, next?, destinations|subscriptions}``, ``limit`` 10-100 (default 20, else
400 195004), paged with an opaque ``continuation_token`` (else 400 195005).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .errors import EbayError
from .orders import timestamp

NOTIFICATION = "API_NOTIFICATION"
SUBSCRIPTION_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription"
SUBSCRIPTION_READONLY_SCOPE = f"{SUBSCRIPTION_SCOPE}.readonly"
USER_TOPICS = frozenset({"ORDER_CONFIRMATION"})
SCHEMA_VERSIONS = {"ORDER_CONFIRMATION": "1.0"}


def notification_error(status: int, error_id: int, message: str) -> EbayError:
    return EbayError(status, error_id, message, domain=NOTIFICATION)


def challenge_response(code: str, verification_token: str, endpoint: str) -> str:
    """What an endpoint must answer to eBay's challenge."""
    return hashlib.sha256((code + verification_token + endpoint).encode()).hexdigest()


class Notifications:
    """The app's destinations and the seller's subscriptions."""

    def __init__(self, now: Callable[[], datetime], alert_email: str | None) -> None:
        self.now = now
        self.alert_email = alert_email
        self.destinations: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}

    # --- destinations --------------------------------------------------------------------------

    def check_destination(self, body: Any, *, replacing: str | None = None) -> dict[str, Any]:
        """A valid ``DestinationRequest`` (name, status ENABLED|DISABLED, endpoint and verification token)."""
        if not isinstance(body, dict):
            raise notification_error(400, 195017, "Invalid or missing endpoint.")
        name, status, config = body.get("name"), body.get("status"), body.get("deliveryConfig")
        if not isinstance(name, str) or not name or len(name) > 64 or "<" in name:
            raise notification_error(400, 195016, "Invalid name. Markups or lengths greater than 64 not supported")
        if status not in ("ENABLED", "DISABLED"):
            raise notification_error(
                400, 195018, "Invalid or missing destination status. Supported values:[ENABLED,DISABLED]"
            )
        endpoint = config.get("endpoint") if isinstance(config, dict) else None
        token = config.get("verificationToken") if isinstance(config, dict) else None
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            raise notification_error(400, 195017, "Invalid or missing endpoint.")
        if not isinstance(token, str) or not 32 <= len(token) <= 80:
            raise notification_error(400, 195019, "Invalid or missing verification token for this endpoint.")
        if self.alert_email is None:
            raise notification_error(
                409, 195003, "Please provide configurations required for notifications. Refer to /config"
            )
        if any(d["deliveryConfig"]["endpoint"] == endpoint for i, d in self.destinations.items() if i != replacing):
            raise notification_error(409, 195021, "Destination exists for this endpoint")
        return {"name": name, "status": status, "deliveryConfig": {"endpoint": endpoint, "verificationToken": token}}

    def add_destination(self, destination: dict[str, Any]) -> str:
        destination_id = uuid.uuid4().hex
        self.destinations[destination_id] = {"destinationId": destination_id, **destination}
        return destination_id

    def destination(self, destination_id: str) -> dict[str, Any]:
        if destination_id not in self.destinations:
            raise notification_error(404, 195022, "The destination id does not exist.")
        return self.destinations[destination_id]

    # --- subscriptions -------------------------------------------------------------------------

    def create_subscription(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise notification_error(400, 195027, "Invalid or missing topic id.")
        topic, status, destination_id = body.get("topicId"), body.get("status"), body.get("destinationId")
        given = body.get("payload")
        payload: dict[str, Any] = given if isinstance(given, dict) else {}
        if topic not in SCHEMA_VERSIONS:
            raise notification_error(400, 195027, "Invalid or missing topic id.")
        if status not in ("ENABLED", "DISABLED"):
            raise notification_error(400, 195006, "Invalid or missing subscription status.")
        if destination_id not in self.destinations:
            raise notification_error(400, 195007, "Invalid or missing destination id.")
        if payload.get("schemaVersion") != SCHEMA_VERSIONS[topic]:
            raise notification_error(
                400,
                195008,
                "Invalid or missing schema version. Please refer to /topic/{topic_id} for supported schema versions.",
            )
        if payload.get("format") != "JSON":
            raise notification_error(400, 195009, "Specified format is not supported for the topic.")
        if payload.get("deliveryProtocol") != "HTTPS":
            raise notification_error(400, 195010, "Invalid or missing protocol")
        if any(s["topicId"] == topic for s in self.subscriptions.values()):
            raise notification_error(409, 195012, "Subscription already exists")
        if status == "ENABLED":
            self._check_enabled(destination_id)
        subscription_id = uuid.uuid4().hex
        self.subscriptions[subscription_id] = {
            "subscriptionId": subscription_id,
            "topicId": topic,
            "status": status,
            "creationDate": timestamp(self.now()),
            "destinationId": destination_id,
            "payload": {"format": "JSON", "schemaVersion": payload["schemaVersion"], "deliveryProtocol": "HTTPS"},
        }
        return subscription_id

    def subscription(self, subscription_id: str) -> dict[str, Any]:
        if subscription_id not in self.subscriptions:
            raise notification_error(404, 195013, "The subscription id does not exist.")
        return self.subscriptions[subscription_id]

    def enable(self, subscription_id: str) -> None:
        subscription = self.subscription(subscription_id)
        self._check_enabled(subscription["destinationId"])
        subscription["status"] = "ENABLED"

    def _check_enabled(self, destination_id: str) -> None:
        if self.destinations[destination_id]["status"] != "ENABLED":
            raise notification_error(
                409, 195015, "The subscription cannot be enabled since the destination is not enabled."
            )


def page(items: list[dict[str, Any]], key: str, href: str, query: dict[str, str]) -> str:
    """One page of a destination or subscription listing."""
    try:
        limit = int(query.get("limit", "20"))
    except ValueError:
        limit = 0
    if not 10 <= limit <= 100:
        raise notification_error(400, 195004, "Invalid limit. Supported ranges 10 - 100.")
    offset = 0
    if "continuation_token" in query:
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(query["continuation_token"]))["offset"])
        except (binascii.Error, ValueError, TypeError, KeyError):
            raise notification_error(400, 195005, "Invalid continuation token.") from None
    body: dict[str, Any] = {"href": href, "total": len(items), "limit": limit}
    if offset + limit < len(items):
        token = base64.urlsafe_b64encode(json.dumps({"offset": offset + limit}).encode()).decode()
        body["next"] = f"{href.split('?')[0]}?limit={limit}&continuation_token={quote(token)}"
    body[key] = items[offset : offset + limit]
    return json.dumps(body, separators=(",", ":"))
