"""The site's webhooks as ``/wp-json/wc/v3/webhooks`` manages them (``WC_REST_Webhooks_Controller``).

``GET /webhooks`` (``status`` all|active|paused|disabled, ``page``, ``per_page`` up to 100,
with ``X-WP-Total``/``X-WP-TotalPages``), ``POST /webhooks`` (``name``, ``topic``,
``delivery_url``, ``secret``, ``status``; 201), ``GET``/``PUT``/``POST``/``PATCH
/webhooks/{id}``. The ``secret`` is written, never served. A delivery that fails adds
to ``failure_count``; after 5 in a row WooCommerce sets the webhook ``disabled``, and
only an edit through the API (``status: active``) turns it on again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import WPError, invalid_params
from .php import QueryValue, absint

__all__ = ["MAX_FAILED_DELIVERIES", "Hook", "Hooks"]

MAX_FAILED_DELIVERIES = 5
STATUSES = ("active", "paused", "disabled")
TOPICS = frozenset(
    f"{resource}.{event}"
    for resource in ("coupon", "customer", "order", "product")
    for event in ("created", "updated", "deleted", "restored")
)
_HOOKS = {"created": "woocommerce_new_{}", "updated": "woocommerce_update_{}", "deleted": "woocommerce_delete_{}"}
_INVALID = "woocommerce_rest_shop_webhook_invalid"


@dataclass(slots=True)
class Hook:
    id: int
    name: str
    topic: str
    delivery_url: str
    secret: str
    status: str
    created: datetime
    modified: datetime | None = None
    failure_count: int = 0

    def served(self, origin: str) -> dict[str, Any]:
        resource, event = self.topic.split(".")
        created, modified = _dates(self.created), _dates(self.modified)
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "topic": self.topic,
            "resource": resource,
            "event": event,
            "hooks": [_HOOKS.get(event, "woocommerce_{}_" + event).format(resource)],
            "delivery_url": self.delivery_url,
            "date_created": created[0],
            "date_created_gmt": created[1],
            "date_modified": modified[0],
            "date_modified_gmt": modified[1],
            "_links": {
                "self": [{"href": f"{origin}/wp-json/wc/v3/webhooks/{self.id}"}],
                "collection": [{"href": f"{origin}/wp-json/wc/v3/webhooks"}],
            },
        }


@dataclass(slots=True)
class Hooks:
    held: list[Hook] = field(default_factory=list)
    next_id: int = 1

    def add(self, topic: str, delivery_url: str, *, secret: str, status: str = "active", name: str = "") -> Hook:
        now = datetime.now(UTC).replace(microsecond=0)
        hook = Hook(self.next_id, name or _default_name(now), topic, delivery_url, secret, status, now)
        self.next_id += 1
        self.held.append(hook)
        return hook

    def get(self, hook_id: int) -> Hook:
        hook = next((h for h in self.held if h.id == hook_id), None)
        if hook is None:
            raise WPError(404, f"{_INVALID}_id", "Invalid ID.")
        return hook

    def listing(self, query: dict[str, QueryValue]) -> tuple[list[Hook], int, int]:
        """The page asked for, the total and the number of pages."""
        status = query.get("status", "all")
        per_page, page = absint(_text(query.get("per_page", "10"))), absint(_text(query.get("page", "1")))
        problems: dict[str, dict[str, Any]] = {}
        if status not in ("all", *STATUSES):
            problems["status"] = _invalid("status", "status is not one of all, active, paused, and disabled.")
        if not 1 <= per_page <= 100:
            problems["per_page"] = _invalid("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)")
        if page < 1:
            problems["page"] = _invalid("page", "page must be greater than or equal to 1")
        if problems:
            raise invalid_params(problems)
        matching = [h for h in self.held if status == "all" or h.status == status]
        start = (page - 1) * per_page
        return matching[start : start + per_page], len(matching), math.ceil(len(matching) / per_page)

    def create(self, body: dict[str, Any]) -> Hook:
        topic, url, status = body.get("topic"), body.get("delivery_url"), body.get("status", "active")
        if topic not in TOPICS:
            raise WPError(400, f"{_INVALID}_topic", "Webhook topic is required and must be valid.")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            message = "Webhook delivery URL must be a valid URL starting with http:// or https://."
            raise WPError(400, f"{_INVALID}_delivery_url", message)
        _check_status(status)
        secret = body.get("secret")
        name = body.get("name")
        return self.add(
            topic,
            url,
            secret=secret if isinstance(secret, str) and secret else "generated-by-wordpress",
            status=status,
            name=name if isinstance(name, str) else "",
        )

    def update(self, hook: Hook, body: dict[str, Any]) -> Hook:
        status = body.get("status", hook.status)
        _check_status(status)
        if "topic" in body:
            if body["topic"] not in TOPICS:
                raise WPError(400, f"{_INVALID}_topic", "Webhook topic must be valid.")
            hook.topic = body["topic"]
        if isinstance(body.get("delivery_url"), str):
            hook.delivery_url = body["delivery_url"]
        if isinstance(body.get("secret"), str) and body["secret"]:
            hook.secret = body["secret"]
        if isinstance(body.get("name"), str):
            hook.name = body["name"]
        if status == "active" and hook.status != "active":
            hook.failure_count = 0
        hook.status = status
        hook.modified = datetime.now(UTC).replace(microsecond=0)
        return hook

    def fail_deliveries(self, hook: Hook, times: int) -> None:
        for _ in range(times):
            if hook.status != "active":
                return
            hook.failure_count += 1
            if hook.failure_count >= MAX_FAILED_DELIVERIES:
                hook.status = "disabled"


def _check_status(status: Any) -> None:
    if status not in STATUSES:
        raise invalid_params({"status": _invalid("status", "status is not one of active, paused, and disabled.")})


def _invalid(name: str, message: str) -> dict[str, Any]:
    return {"code": "rest_not_in_enum" if name == "status" else "rest_out_of_bounds", "message": message}


def _text(value: QueryValue | None) -> str:
    return value if isinstance(value, str) else ""


def _dates(moment: datetime | None) -> tuple[str | None, str | None]:
    """Site-local and GMT, both without an offset, as WordPress serves them (the site runs on UTC here)."""
    text = None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text, text


def _default_name(now: datetime) -> str:
    """WooCommerce's name for a webhook saved without one."""
    return f"Webhook created on {now.strftime('%b %d, %Y @ %I:%M %p')}"
