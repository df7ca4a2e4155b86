"""Webhooks Management v1 (``/v1/notifications/webhooks``): the app's webhook listeners.

Shapes from PayPal's ``notifications_webhooks_v1`` spec: a webhook is ``{id, url, event_types:
[{name, description, status}], links}``; the list is ``{"webhooks": [...]}``; create answers 201,
update (``PATCH`` with a JSON Patch ``replace`` of ``/url`` or ``/event_types``) 200, delete 204.
One webhook per URL (a second is 400 ``WEBHOOK_URL_ALREADY_EXISTS``), at most ten per app (400
``WEBHOOK_NUMBER_LIMIT_EXCEEDED``), an unknown id 404 ``INVALID_RESOURCE_ID``. PayPal never
disables a listener that keeps failing (it retries each event 25 times over 3 days, then drops
it); a listener is gone only when someone deletes it in the developer dashboard (``delete``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import not_found, rest_error

__all__ = ["WebhookRegistry"]

LIMIT = 10
_API = "webhooks/v1"
Answer = tuple[int, dict[str, Any] | None]


@dataclass
class WebhookRegistry:
    """The app's webhooks by id, and the handlers of the Webhooks Management endpoints."""

    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: int = 0

    def add(self, url: str, event_types: list[str]) -> str:
        """A webhook as if created in the dashboard; returns its id."""
        self.created += 1
        webhook_id = f"{self.created:04d}WH{1000000 + self.created:07d}K05T"  # 17 characters, like PayPal's ids
        self.webhooks[webhook_id] = {"id": webhook_id, "url": url, "event_types": _types(event_types)}
        return webhook_id

    def delete(self, webhook_id: str) -> None:
        """Someone deleted the listener in the developer dashboard."""
        del self.webhooks[webhook_id]

    def list(self) -> Answer:
        return 200, {"webhooks": [self._shown(w) for w in self.webhooks.values()]}

    def create(self, body: bytes) -> Answer:
        fields = _object(body)
        url, types = (fields or {}).get("url"), (fields or {}).get("event_types")
        if not isinstance(url, str) or not url.startswith("https://") or not _names(types):
            return 400, rest_error(400, name="VALIDATION_ERROR", api=_API, details=[{"issue": "INVALID_PARAMETER"}])
        if any(w["url"] == url for w in self.webhooks.values()):
            return 400, rest_error(400, name="WEBHOOK_URL_ALREADY_EXISTS", message="Webhook URL already exists.")
        if len(self.webhooks) >= LIMIT:
            return 400, rest_error(
                400, name="WEBHOOK_NUMBER_LIMIT_EXCEEDED", message="Maximum number of webhooks allowed is 10."
            )
        return 201, self._shown(self.webhooks[self.add(url, _names(types))])

    def get(self, webhook_id: str) -> Answer:
        webhook = self.webhooks.get(webhook_id)
        return (200, self._shown(webhook)) if webhook else (404, not_found(_API))

    def update(self, webhook_id: str, body: bytes) -> Answer:
        webhook = self.webhooks.get(webhook_id)
        if webhook is None:
            return 404, not_found(_API)
        try:
            patch = json.loads(body)
        except ValueError:
            patch = None
        if not isinstance(patch, list) or not patch:
            return 400, rest_error(400, name="VALIDATION_ERROR", api=_API)
        for op in patch:
            if not isinstance(op, dict) or op.get("op") != "replace":
                return 400, rest_error(400, name="VALIDATION_ERROR", api=_API)
            if op.get("path") == "/event_types" and _names(op.get("value")):
                webhook["event_types"] = _types(_names(op["value"]))
            elif op.get("path") == "/url" and isinstance(op.get("value"), str):
                webhook["url"] = op["value"]
            else:
                return 400, rest_error(400, name="VALIDATION_ERROR", api=_API)
        return 200, self._shown(webhook)

    def remove(self, webhook_id: str) -> Answer:
        if webhook_id not in self.webhooks:
            return 404, not_found(_API)
        self.delete(webhook_id)
        return 204, None

    @staticmethod
    def _shown(webhook: dict[str, Any]) -> dict[str, Any]:
        href = f"https://api-m.paypal.com/v1/notifications/webhooks/{webhook['id']}"
        links = [
            {"href": href, "rel": "self", "method": "GET"},
            {"href": href, "rel": "update", "method": "PATCH"},
            {"href": href, "rel": "delete", "method": "DELETE"},
        ]
        return {**webhook, "links": links}


def _object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _names(types: Any) -> list[str]:
    if not isinstance(types, list):
        return []
    return [t["name"] for t in types if isinstance(t, dict) and isinstance(t.get("name"), str)]


def _types(names: list[str]) -> list[dict[str, str]]:
    return [{"name": name, "description": f"{name} event", "status": "ENABLED"} for name in names]
