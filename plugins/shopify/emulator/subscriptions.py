"""The app's webhook subscriptions: ``webhookSubscriptions`` and ``webhookSubscriptionCreate``.

As https://shopify.dev/docs/api/admin-graphql/latest/objects/WebhookSubscription
describes them: an HTTPS subscription has a ``topic`` (``ORDERS_CREATE``), a ``uri``
(``callbackUrl`` before 2025-10, still served, deprecated) and a ``format``. The
same topic and address twice is a user error. Shopify has no "disabled" state: a
subscription the Admin API created is deleted after 8 consecutive failed
deliveries (``fail_deliveries``). Topics about orders need the ``read_orders``
access scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_FAILED_DELIVERIES = 8
ORDER_TOPICS = frozenset({"ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "REFUNDS_CREATE"})
_FIRST_ID = 1047205601


@dataclass(slots=True)
class Subscription:
    node: dict[str, Any]
    failures: int = 0


@dataclass(slots=True)
class Subscriptions:
    """What the store holds for this app, in creation order."""

    scopes: frozenset[str]
    held: list[Subscription] = field(default_factory=list)
    _next_id: int = _FIRST_ID

    def create(self, topic: str, subscription: dict[str, Any]) -> dict[str, Any]:
        """The ``WebhookSubscriptionCreatePayload``: the new subscription, or user errors and none."""
        uri = subscription.get("uri") or subscription.get("callbackUrl")
        name = topic.lower().replace("_", "/", 1)
        if topic in ORDER_TOPICS and "read_orders" not in self.scopes:
            message = f"You do not have permission to create or update webhooks with {name} topic."
            return _refused(["topic"], message)
        if not isinstance(uri, str) or not uri.strip():
            return _refused(["webhookSubscription", "uri"], "Address can't be blank")
        if any(s.node["topic"] == topic and s.node["uri"] == uri for s in self.held):
            return _refused(["webhookSubscription", "uri"], "Address for this topic has already been taken")
        return {"webhookSubscription": self.add(topic, uri, subscription.get("format") or "JSON"), "userErrors": []}

    def add(self, topic: str, uri: str, format: str = "JSON") -> dict[str, Any]:
        number, self._next_id = self._next_id, self._next_id + 1
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        node = {
            "id": f"gid://shopify/WebhookSubscription/{number}",
            "legacyResourceId": str(number),
            "topic": topic,
            "uri": uri,
            "callbackUrl": uri,
            "format": format,
            "createdAt": now,
            "updatedAt": now,
        }
        self.held.append(Subscription(node))
        return node

    def nodes(self, topics: list[str] | None, callback_url: str | None) -> list[dict[str, Any]]:
        return [
            s.node
            for s in self.held
            if (not topics or s.node["topic"] in topics) and (callback_url is None or s.node["uri"] == callback_url)
        ]

    def fail_deliveries(self, uri: str, topic: str, times: int) -> None:
        """``times`` failed deliveries in a row to ``uri``; the 8th deletes the subscription."""
        for subscription in [s for s in self.held if s.node["topic"] == topic and s.node["uri"] == uri]:
            subscription.failures += times
            if subscription.failures >= MAX_FAILED_DELIVERIES:
                self.held.remove(subscription)


def _refused(path: list[str], message: str) -> dict[str, Any]:
    return {"webhookSubscription": None, "userErrors": [{"field": path, "message": message}]}
