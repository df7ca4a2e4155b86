"""The Webhooks v3 API (``/stores/{store_hash}/v3/hooks``): a store's webhook subscriptions.

Shapes from BigCommerce's Webhooks v3 reference: a hook is ``{id, client_id, store_hash, scope,
destination, headers, is_active, created_at, updated_at}`` (unix seconds); answers wrap it as
``{"data": ..., "meta": {...}}``, a list with ``meta.pagination``. Hooks belong to the API account
(client id) that created them: the list shows only its own. ``destination`` must be an ``https``
URL on port 443; a bad body is 422 ``{status, title, type, errors}``. After about 48 hours of failed
deliveries BigCommerce sets ``is_active`` false (``deactivate``); ``PUT`` with ``is_active: true``
turns it back on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .wire import Answer

__all__ = ["HookStore", "v3_error"]

_FIRST_ID = 18048287
_DEFAULT_LIMIT = 50
_MAX_LIMIT = 250
_HOOK = re.compile(r"^hooks/(?P<id>\d+)$")
_STATUS_DOCS = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def v3_error(status: int, title: str, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The v3 error body: ``{status, title, type, errors}``."""
    return {"status": status, "title": title, "type": _STATUS_DOCS, "errors": dict(errors or {})}


@dataclass
class HookStore:
    """The hooks of one store, and the request handler for them."""

    store_hash: str
    client_id: str
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)

    def deactivate(self, destination: str) -> list[int]:
        """What BigCommerce does after ~48 h of failed deliveries: each hook to ``destination`` goes inactive."""
        gone = [hook_id for hook_id, hook in self.hooks.items() if hook["destination"] == destination]
        for hook_id in gone:
            self.hooks[hook_id]["is_active"] = False
        return gone

    def add(
        self, scope: str, destination: str, *, is_active: bool = True, now: int, client_id: str | None = None
    ) -> int:
        """A hook as if created through the API (``client_id``: by another API account)."""
        hook_id = max(self.hooks, default=_FIRST_ID - 1) + 1
        self.hooks[hook_id] = {
            "id": hook_id,
            "client_id": client_id or self.client_id,
            "store_hash": self.store_hash,
            "scope": scope,
            "destination": destination,
            "headers": None,
            "is_active": is_active,
            "created_at": now,
            "updated_at": now,
        }
        return hook_id

    def answer(self, method: str, rest: str, query: Mapping[str, str], body: bytes, now: int) -> Answer:
        """The answer to ``method`` on ``/v3/{rest}``."""
        if rest == "hooks" and method == "GET":
            return self._list(query)
        if rest == "hooks" and method == "POST":
            return self._create(body, now)
        match = _HOOK.match(rest)
        if match is None:
            return Answer(404, v3_error(404, "The requested resource was not found."))
        hook = self.hooks.get(int(match["id"]))
        if hook is None or hook["client_id"] != self.client_id:
            return Answer(404, v3_error(404, "Webhook not found."))
        if method == "GET":
            return Answer(body={"data": hook, "meta": {}})
        if method == "PUT":
            return self._update(hook, body, now)
        if method == "DELETE":
            del self.hooks[hook["id"]]
            return Answer(body={"data": hook, "meta": {}})
        return Answer(405, v3_error(405, "The requested method is not supported by this resource."))

    def _list(self, query: Mapping[str, str]) -> Answer:
        try:
            page = max(int(query.get("page", "1")), 1)
            limit = min(max(int(query.get("limit", str(_DEFAULT_LIMIT))), 1), _MAX_LIMIT)
        except ValueError:
            return Answer(422, v3_error(422, "page and limit must be integers"))
        chosen = [
            hook
            for hook in self.hooks.values()
            if hook["client_id"] == self.client_id
            and query.get("scope", hook["scope"]) == hook["scope"]
            and query.get("destination", hook["destination"]) == hook["destination"]
            and query.get("is_active", str(hook["is_active"]).lower()) == str(hook["is_active"]).lower()
        ]
        total_pages = max(-(-len(chosen) // limit), 1)
        data = chosen[(page - 1) * limit : page * limit]
        pagination = {
            "total": len(chosen),
            "count": len(data),
            "per_page": limit,
            "current_page": page,
            "total_pages": total_pages,
        }
        return Answer(body={"data": data, "meta": {"pagination": pagination}})

    def _create(self, body: bytes, now: int) -> Answer:
        fields = _fields(body)
        if fields is None:
            return Answer(400, v3_error(400, "The request body is not valid JSON."))
        errors = {name: f"{name} is required" for name in ("scope", "destination") if not fields.get(name)}
        if not errors and (problem := _destination_problem(fields["destination"])):
            errors["destination"] = problem
        if errors:
            return Answer(422, v3_error(422, "JSON data is missing or invalid", errors))
        hook_id = self.add(fields["scope"], fields["destination"], is_active=fields.get("is_active", True), now=now)
        if isinstance(fields.get("headers"), dict):
            self.hooks[hook_id]["headers"] = fields["headers"]
        return Answer(body={"data": self.hooks[hook_id], "meta": {}})

    def _update(self, hook: dict[str, Any], body: bytes, now: int) -> Answer:
        fields = _fields(body)
        if fields is None:
            return Answer(400, v3_error(400, "The request body is not valid JSON."))
        if "destination" in fields and (problem := _destination_problem(fields["destination"])):
            return Answer(422, v3_error(422, "JSON data is missing or invalid", {"destination": problem}))
        for name in ("scope", "destination", "is_active", "headers"):
            if name in fields:
                hook[name] = fields[name]
        hook["updated_at"] = now
        return Answer(body={"data": hook, "meta": {}})


def _fields(body: bytes) -> dict[str, Any] | None:
    try:
        fields = json.loads(body)
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def _destination_problem(destination: Any) -> str | None:
    """Why BigCommerce would refuse ``destination``: it must be https on port 443."""
    if not isinstance(destination, str):
        return "destination must be a URL"
    parts = urlsplit(destination)
    if parts.scheme != "https" or not parts.hostname:
        return "destination must be an https URL"
    if parts.port not in (None, 443):
        return "destination must be served on port 443"
    return None
