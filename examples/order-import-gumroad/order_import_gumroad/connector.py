"""The Gumroad connector, over the REST API v2 (``https://api.gumroad.com/v2``).

- ``GET /v2/sales/{id}``: one sale by its id. An unknown id is answered HTTP 200
  with ``{"success": false, "message": "The sale was not found."}``.
- ``GET /v2/sales?order_id=N``: the sale with that numeric order id (or none).
- ``GET /v2/sales?after=YYYY-MM-DD&before=YYYY-MM-DD``: successful sales with
  ``after <= created_at < before``, newest first, ten a page; ``next_page_key``
  continues after the last sale of a page (keyset pagination: sales created
  during the listing cannot shift it).

Requests carry the access token as ``Authorization: Bearer``; a refused token
is HTTP 401. Throttling is HTTP 429, which ``HttpClient`` retries.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from server.platforms import (
    Capability,
    CredentialField,
    Order,
    PlatformBadResponse,
    PlatformConnector,
    Response,
)

from .mapping import map_sale

__all__ = ["DEFAULT_API_BASE_URL", "GumroadConnector"]

DEFAULT_API_BASE_URL = "https://api.gumroad.com"

_ORDER_NUMBER = re.compile(r"#?([0-9]{1,19})")
_SALE_ID = re.compile(r"[A-Za-z0-9_+/=-]{4,64}")
_DATE_MARGIN = timedelta(days=1)  # Gumroad's date filters name no time zone: ask for a day more on each side
_MESSAGE_LIMIT = 200


class GumroadConnector(PlatformConnector):
    platform_id = "gumroad"
    display_name = "Gumroad"
    order_id_label = "Sale ID or order number"
    credential_fields = (CredentialField("access_token", "Access token (view_sales scope)", secret=True),)
    capabilities = frozenset({Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED})

    async def fetch_order(self, reference: str) -> Order | None:
        """A numeric reference is an order number (``524459935``, ``#524459935``); anything else a sale id."""
        reference = reference.strip()
        if number := _ORDER_NUMBER.fullmatch(reference):
            order_id = str(int(number[1]))  # Gumroad refuses leading zeros
            body = await self._get("/v2/sales", {"order_id": order_id})
            found = [map_sale(sale) for sale in _sales(body)]
            return next((order for order in found if order.order_number == order_id), None)
        if not _SALE_ID.fullmatch(reference):
            return None
        body = await self._get(f"/v2/sales/{quote(reference, safe='=')}", None)
        if body is None or body.get("success") is False:
            return None  # "The sale was not found."
        order = map_sale(body.get("sale"))
        return order if order.order_id == reference else None

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Page through the days around the window, newest first, until a page reaches before ``start``."""
        window = {
            "after": (start.astimezone(UTC) - _DATE_MARGIN).date().isoformat(),
            "before": (end.astimezone(UTC) + 2 * _DATE_MARGIN).date().isoformat(),
        }
        seen: set[str] = set()
        page_key: str | None = None
        while True:
            body = await self._get("/v2/sales", window if page_key is None else {**window, "page_key": page_key})
            orders = [map_sale(sale) for sale in _sales(body)]
            yield [o for o in orders if start <= o.placed_at <= end and o.order_id not in seen]
            seen.update(o.order_id for o in orders)
            following = body.get("next_page_key")
            if not orders or not following or min(o.placed_at for o in orders) < start:
                return
            if not isinstance(following, str) or following == page_key:
                raise PlatformBadResponse("Gumroad answered GET /v2/sales with an unusable next_page_key")
            page_key = following

    async def _get(self, path: str, params: Mapping[str, str] | None) -> dict[str, Any] | None:
        """The JSON object Gumroad answered, or ``None`` for HTTP 404."""
        base = self.api_base_url or DEFAULT_API_BASE_URL
        headers = {"Authorization": f"Bearer {self.credentials['access_token']}", "Accept": "application/json"}
        response = await self.http.request("GET", f"{base}{path}", headers=headers, params=params)
        if response.status == 404:
            return None
        return _object(response)


def _object(response: Response) -> dict[str, Any]:
    body = response.json()
    if not isinstance(body, dict):
        raise PlatformBadResponse(f"{response.where} answered JSON that is not an object")
    return body


def _sales(body: dict[str, Any] | None) -> list[Any]:
    if body is None:
        raise PlatformBadResponse("GET /v2/sales answered HTTP 404: check the store's API base URL")
    if body.get("success") is not True or not isinstance(body.get("sales"), list):
        message = str(body.get("message") or body.get("error") or "no sales list")[:_MESSAGE_LIMIT]
        raise PlatformBadResponse(f"GET /v2/sales did not answer a list of sales: {message}")
    return body["sales"]
