"""The Ecwid connector, over the REST API v3.

Requests go to ``{origin}/api/v3/{store_id}/...`` (origin ``https://app.ecwid.com``,
or the store's ``apiBaseUrl``) with ``Authorization: Bearer <secret_ token>``.
Ecwid allows 600 requests a minute per token and answers 429 with
``Retry-After`` beyond that (honoured by ``HttpClient``). Errors are JSON
``{"errorMessage", "errorCode"}`` bodies with the HTTP status.

Orders carry no currency: the store's is read once from ``GET /profile`` and
kept in the connector state. A list of ids is one search, ``GET /orders?ids=``
(any id form, 100 a search). Unfinished orders (payment status
``INCOMPLETE``: checkouts abandoned at the payment step) are not orders yet:
Ecwid leaves them out of searches, and this connector never returns them.

Webhooks are not registered by this connector (no ``REGISTER_WEBHOOKS``): Ecwid
has no API for them. An app has one webhook URL and one list of events for every
store that installs it, set in the app's settings by Ecwid's team when the app's
developer asks; a store's token only decides which of those events it gets
(``read_orders`` for orders). The app's list should hold ``order.created`` (new
orders) and ``order.updated`` (changes to them); both are read (``webhooks``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import quote

from yarl import URL

from server.platforms import (
    Capability,
    CredentialField,
    InvalidCredentials,
    Order,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformConnector,
    PlatformError,
    PlatformUnavailable,
    Response,
    WebhookEvent,
    pages_ahead,
    shorten,
)

from .mapping import is_unfinished, map_order, order_keys, store_currency
from .webhooks import read_webhook

__all__ = ["DEFAULT_ORIGIN", "MAX_PASSES", "PAGE_SIZE", "RATE_LIMIT_WAIT", "EcwidConnector"]

DEFAULT_ORIGIN = "https://app.ecwid.com"
PAGE_SIZE = 100
"""The largest (and default) ``limit`` of ``GET /orders``."""
MAX_PASSES = 3
"""How many times a window listing pages through the results before giving up on a result set that keeps changing."""
RATE_LIMIT_WAIT = 10.0
"""Seconds to wait after a 429 without ``Retry-After`` (the default of Ecwid's own Java client)."""

_ANSWERS = (200, 400, 402, 405, 408, 409, 422)
_ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
_STORE_NOT_FOUND = "STORE_NOT_FOUND"
_TIMEOUT_WAIT = 1.0
_TOKEN_HINT = "use the store's secret_ access token, with the read_orders scope"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class EcwidConnector(PlatformConnector):
    platform_id = "ecwid"
    display_name = "Ecwid"
    order_id_label = "Order ID as shown in Ecwid (SALE-G01ZG, #K8XTQ) or internal order number"
    credential_fields = (
        CredentialField("store_id", "Store ID (the number at the bottom of the Ecwid admin)"),
        CredentialField("access_token", "Secret access token (secret_…) of a custom app", secret=True),
        CredentialField(
            "client_secret",
            "App client secret, to verify webhooks (not the secret_ token)",
            secret=True,
            required=False,
        ),
    )
    capabilities = frozenset({Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS})
    # Ecwid allows 600 requests a minute per token, shared with the store's order lookups: 3 pages of 100
    # orders at once stay under it unless each answers within 0.3 s (and a 429 is waited out as Ecwid says).
    page_concurrency = 3

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also check that the store ID is a number and that the token is not the read-only ``public_`` one."""
        cleaned = super().check_credentials(credentials)
        if not (cleaned["store_id"].isascii() and cleaned["store_id"].isdigit()):
            raise InvalidCredentials("Store ID must be the store's number, such as 1003", field="store_id")
        token = cleaned["access_token"]
        if token.startswith("public_"):
            raise InvalidCredentials(
                "Access token is the public token, which cannot read orders: use the secret token (secret_…)",
                field="access_token",
            )
        if not token.isascii() or not token.isprintable() or " " in token:
            raise InvalidCredentials("Access token must be the token Ecwid shows, without spaces", field="access_token")
        return cleaned

    async def verify_credentials(self) -> None:
        """``GET /profile``: refused for a wrong token (403) or an unknown store id (404 ``STORE_NOT_FOUND``)."""
        operation = "Checking the credentials"
        response = await self._get("profile", None, operation)
        if response.status == 404:
            self._raise(response, operation)

    async def fetch_order(self, reference: str) -> Order | None:
        """Find an order by its ID as shown (``SALE-G01ZG``, ``#K8XTQ``, any case) or its internal number.

        ``GET /orders/{orderId}`` takes both; the answer is kept only if it is
        that order (never a near match), and not an unfinished one.
        """
        typed = _typed(reference)
        if not typed:
            return None
        for candidate in _spellings(typed):
            payload = await self._order_payload(candidate)
            if payload is not None and typed.casefold() in order_keys(payload):
                return None if is_unfinished(payload) else map_order(payload, await self._currency())
        return None

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """Search ``GET /orders?ids=`` with each reference spelled as ``fetch_order`` tries it.

        ``PAGE_SIZE`` ids a search, so that (each id naming one order at most)
        a page holds them all. An order found is kept for each reference that
        is one of its ids (as ``fetch_order`` checks), never for another;
        unfinished ones are left out.
        """
        wanted: dict[str, list[str]] = {}
        spellings: list[str] = []
        for reference in references:
            typed = _typed(reference)
            if typed and "," not in typed:  # no order id holds a comma
                wanted.setdefault(typed.casefold(), []).append(reference)
                spellings += _spellings(typed)
        ids = list(dict.fromkeys(spellings))
        found: dict[str, Order] = {}
        for start in range(0, len(ids), PAGE_SIZE):
            async for item in self._search_ids(ids[start : start + PAGE_SIZE]):
                order = map_order(item, await self._currency())
                if not is_unfinished(order.raw):
                    found |= {ref: order for key in order_keys(order.raw) for ref in wanted.get(key, ())}
        return found

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Page through ``GET /orders`` filtered by creation time, each order yielded once.

        The bounds are unix seconds (Ecwid reads a date string in an unstated
        time zone) widened by a second on each side, since Ecwid does not say
        whether they are inclusive. Ecwid documents no sort order for this
        search, so offset pages may shift while orders change: a pass whose
        ``total`` changes between pages, or whose distinct orders fall short
        of it, is started over, yielding only orders not yet seen.
        """
        lower, upper = _unix_seconds(start, round_up=True) - 1, _unix_seconds(end) + 1
        query = {"createdFrom": str(lower), "createdTo": str(upper), "limit": str(PAGE_SIZE)}
        seen: set[str] = set()
        for _ in range(MAX_PASSES):
            listed: set[str] = set()
            totals: list[int] = []
            async with aclosing(self._pass(query)) as pages:
                async for items, total in pages:
                    totals.append(total)
                    orders = [map_order(item, await self._currency()) for item in items]
                    listed.update(o.order_id for o in orders)
                    fresh = [o for o in orders if o.order_id not in seen and not is_unfinished(o.raw)]
                    seen.update(o.order_id for o in fresh)
                    yield fresh
            if totals[-1] == totals[0] and len(listed) >= totals[0]:
                return
        raise PlatformUnavailable(
            f"Listing orders: the results kept changing over {MAX_PASSES} passes through the pages; try again later"
        )

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Events are thin: ``order.created`` (new) and ``order.updated`` (changed) give the order's ID for
        ``fetch_order``."""
        return read_webhook(headers, body, self.credentials.get("client_secret"), self.credentials["store_id"])

    async def _order_payload(self, order_id: str) -> Mapping[str, Any] | None:
        """``GET /orders/{orderId}``, or ``None`` when Ecwid has no such order."""
        operation = f"Fetching order {order_id!r}"
        response = await self._get(f"orders/{quote(order_id, safe='')}", None, operation)
        if response.status == 404:
            code, _ = self._error(response)
            if code not in (None, _ORDER_NOT_FOUND):
                self._raise(response, operation)
            return None
        payload = response.json()
        if not isinstance(payload, dict):
            raise PlatformBadResponse(f"{operation}: {response.where} answered without an order object")
        return payload

    async def _search_ids(self, ids: Sequence[str]) -> AsyncGenerator[Any, None]:
        """Every order ``GET /orders?ids=`` finds for ``ids``, page after page."""
        offset = 0
        while True:
            query = {"ids": ",".join(ids), "limit": str(PAGE_SIZE), "offset": str(offset)}
            items, total = await self._orders_page(query)
            for item in items:
                yield item
            offset += len(items)
            if not items or offset >= total:
                return

    async def _pass(self, query: Mapping[str, str]) -> AsyncGenerator[tuple[list[Any], int], None]:
        """One pass through the results: each page's ``items`` and ``total``, in order.

        The first page, read alone, gives the ``total`` and the page size
        (``limit``, or less if Ecwid caps it); the other offsets are then read
        ``page_concurrency`` at a time. The pass ends at an empty page or at
        the first page whose ``total`` differs from the first page's.
        """
        items, total = await self._orders_page({**query, "offset": "0"})
        yield items, total
        step = len(items)
        if not step:
            return

        def page(number: int) -> Awaitable[tuple[list[Any], int]]:
            return self._orders_page({**query, "offset": str(number * step)})

        last = (total - 1) // step  # the page holding the total-th order
        later = pages_ahead(page, 1, last, concurrency=self.page_concurrency)
        async with aclosing(later):
            async for items, now in later:
                yield items, now
                if now != total or not items:
                    return

    async def _orders_page(self, query: Mapping[str, str]) -> tuple[list[Any], int]:
        """One ``GET /orders`` page: its ``items`` and the ``total`` of the whole result set."""
        operation = "Listing orders"
        response = await self._get("orders", query, operation)
        if response.status == 404:
            self._raise(response, operation)
        page = response.json()
        items = page.get("items") if isinstance(page, dict) else None
        total = page.get("total") if isinstance(page, dict) else None
        if not isinstance(items, list) or not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise PlatformBadResponse(f"{operation}: {response.where} answered without 'items' and 'total'")
        return items, total

    async def _currency(self) -> str:
        """The store's currency, from the connector state or else from ``GET /profile`` (then kept)."""
        if cached := self.state.get("currency"):
            return cached
        operation = "Reading the store currency"
        response = await self._get("profile", None, operation)
        if response.status == 404:
            self._raise(response, operation)
        currency = store_currency(response.json())
        await self.state.set(currency=currency)
        return currency

    async def _get(self, path: str, params: Mapping[str, str] | None, operation: str) -> Response:
        """GET an API path; an answer with status 200 or 404, anything else as the contract's errors."""
        url = URL(f"{self.api_base_url or DEFAULT_ORIGIN}/api/v3/{self.credentials['store_id']}/{path}", encoded=True)
        headers = {"Authorization": f"Bearer {self.credentials['access_token']}", "Accept": "application/json"}
        try:
            response = await self.http.request(
                "GET", url, headers=headers, params=params, ok=_ANSWERS, throttle=_timeout_wait, wait_header=_rate_wait
            )
        except PlatformAuthError as exc:
            raise PlatformAuthError(f"{operation}: {exc.message} ({_TOKEN_HINT})") from None
        except PlatformError as exc:
            raise type(exc)(f"{operation}: {exc.message}") from None
        if response.status not in (200, 404):
            self._raise(response, operation)
        return response

    def _raise(self, response: Response, operation: str) -> NoReturn:
        """Ecwid's error answer as the contract's exception, naming the operation, path, status and error code."""
        code, message = self._error(response)
        detail = f"HTTP {response.status}, {code or 'no error code'}" + (f": {message}" if message else "")
        where = f"{operation}: {response.where} answered {detail}"
        if code == _STORE_NOT_FOUND:
            raise PlatformAuthError(f"{where} (check the store ID)")
        if response.status == 402:
            raise PlatformAuthError(f"{where} (the store's Ecwid plan has no API access, or the store is suspended)")
        raise PlatformBadResponse(where)

    def _error(self, response: Response) -> tuple[str | None, str]:
        """``errorCode`` and ``errorMessage`` of an Ecwid error body, the message shortened and free of the token."""
        try:
            body = response.json()
        except PlatformBadResponse:
            return None, ""
        if not isinstance(body, dict):
            return None, ""
        code, message = body.get("errorCode"), body.get("errorMessage")
        text = message.replace(self.credentials["access_token"], "***") if isinstance(message, str) else ""
        return code if isinstance(code, str) else None, shorten(text)


def _typed(reference: str) -> str:
    """What the seller typed, without a leading ``#``."""
    return reference.strip().removeprefix("#").strip()


def _spellings(typed: str) -> list[str]:
    """``typed`` as typed, then upper case: order IDs are upper case, a store's prefix may not be."""
    return list(dict.fromkeys((typed, typed.upper())))


def _rate_wait(response: Response) -> float | None:
    """The wait after a 429 that carries no ``Retry-After``; other faults use the client's backoff."""
    return RATE_LIMIT_WAIT if response.status == 429 else None


def _timeout_wait(response: Response) -> float | None:
    """Ecwid's 408 ``TIMEOUT`` ("request failed due to timeout") is transient: retry it."""
    return _TIMEOUT_WAIT if response.status == 408 else None


def _unix_seconds(moment: datetime, *, round_up: bool = False) -> int:
    """Whole unix seconds of an aware time, rounded down (or up), computed without floats."""
    seconds, rest = divmod(moment - _EPOCH, timedelta(seconds=1))
    return seconds + 1 if round_up and rest else seconds
