"""The BigCommerce connector, over the REST Management API's Orders V2.

Requests go to ``https://api.bigcommerce.com/stores/{store_hash}/v2/...`` with
the ``X-Auth-Token`` header, plus ``X-Auth-Client`` when a client id is given
(as the official Python SDK sends it; BigCommerce no longer requires it).
Collections are paged with ``page`` and ``limit``; an empty page is ``204 No
Content`` with no body. The orders listing carries no total, so a window is
counted first (``GET /orders/count``, same filters) and its pages then read
``page_concurrency`` at a time. Orders are read with ``include=consignments.line_items``
and ``consignment_structure=object`` (accepted by Get an Order and Get All
Orders), which embeds each order's ``/products`` records in its consignments, so
a listed page of 250 orders costs one request; ``GET /orders/{id}/products`` is
asked only for an order whose consignments do not hold all its items
(BigCommerce embeds at most 50 per consignment, flagging the rest with
``__warning__``). Requests are paced by the quota the ``X-Rate-Limit-*``
headers report (``QuotaPacer``: the store's quota is shared by every app); a
429 is retried by ``HttpClient`` after ``X-Rate-Limit-Time-Reset-Ms``, and a
429 without that header means platform load and gets the ordinary backoff.

Order webhooks are registered through Webhooks v3 (``/stores/{store_hash}/v3/hooks``): a hook
per scope and destination (``store/order/created`` for new orders, ``store/order/statusUpdated``
and ``store/order/refund/created`` for changes to them; a store registered before it read changes
gets the missing ones at the next check), which BigCommerce sets ``is_active: false`` after about 48 hours of
failed deliveries and which a ``PUT`` with ``is_active: true`` turns back on. The list shows only
the hooks of the API account (client id) asking, and managing order hooks takes the same Orders
scope as reading orders.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeGuard

from server.platforms import (
    Capability,
    ConnectorState,
    CredentialField,
    HttpClient,
    InvalidCredentials,
    Order,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformConnector,
    PlatformError,
    PlatformLimitExceeded,
    PlatformUnavailable,
    Response,
    WebhookEvent,
    WebhookRegistration,
    pages_ahead,
    shorten,
)

from .mapping import embedded_line_items, is_incomplete, map_order, order_id
from .quota import QuotaPacer
from .webhooks import (
    ORDER_CREATED,
    ORDER_REFUND_CREATED,
    ORDER_STATUS_UPDATED,
    SECRET_PREFIX,
    read_webhook,
    signing_key,
)

__all__ = ["API_ORIGIN", "LINE_ITEMS_INCLUDED", "LINE_ITEM_FETCHES", "MAX_PASSES", "PAGE_SIZE", "BigCommerceConnector"]

API_ORIGIN = "https://api.bigcommerce.com"
PAGE_SIZE = 250
"""``limit`` sent on every collection: the most a V2 page holds."""
LINE_ITEM_FETCHES = 8
"""How many orders of one listed page have their products fetched at once (those whose consignments fall short)."""
LINE_ITEMS_INCLUDED = {"include": "consignments.line_items", "consignment_structure": "object"}
"""Sent with every order read: the line items embedded in the order's consignments (the object structure)."""
MAX_PASSES = 3
"""Passes through a window's pages before a listing whose orders keep changing is given up."""

# Without ``limit`` a page holds 50 ("by default ... only 50 orders"), so no page
# is ever cut shorter than that: a shorter page is the last one.
_DEFAULT_PAGE_SIZE = 50
# The API's dates have one-second resolution and the reference does not say
# whether min/max_date_created are inclusive: widen the window by a second.
_DATE_SLACK = timedelta(seconds=1)
_ANSWERED = range(200, 500)  # HttpClient retries 429; every other answer is read here, with its message
_INCOMPLETE = 0  # the status id of an Incomplete order, which the count counts and the listing leaves out

_HASH = r"(?P<hash>[a-z0-9]{1,40})"
_STORE_HASH_FORMS = (
    re.compile(_HASH),
    re.compile(rf"(?:(?:https?://)?api\.bigcommerce\.com/|/)?stores/{_HASH}(?:/v[23])?/?"),
    re.compile(rf"(?:https?://)?store-{_HASH}\.mybigcommerce\.com(?:/\S*)?"),
)
_ORDER_REFERENCE = re.compile(r"#?\s*0*(?P<id>[1-9][0-9]{0,17})")
_HOOK_SCOPES = (ORDER_CREATED, ORDER_STATUS_UPDATED, ORDER_REFUND_CREATED)  # what parse_webhook reads
_HOOKS_PAGE = 250
_DEACTIVATED = "BigCommerce deactivated it after its deliveries failed for about 48 hours"
_ORDERS_SCOPE = "the API account needs the Orders scope (read-only or modify) to manage order webhooks"


class BigCommerceConnector(PlatformConnector):
    platform_id = "bigcommerce"
    display_name = "BigCommerce"
    order_id_label = "Order ID (218 or #218)"
    credential_fields = (
        CredentialField("store_hash", "Store hash"),
        CredentialField("access_token", "API account access token", secret=True),
        CredentialField("client_id", "API account client ID", required=False),
        CredentialField(
            "client_secret", "App or API account client secret (verifies webhooks)", secret=True, required=False
        ),
    )
    capabilities = frozenset(
        {Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS, Capability.REGISTER_WEBHOOKS}
    )
    # The window's count says how many pages there are; reading them at once costs no more of the quota
    # (150 requests per 30 s on Standard and Plus, shared by every app on the store), which QuotaPacer
    # spends only down to a reserve. 10 pages are 2,500 orders, each page a heavy request for BigCommerce.
    page_concurrency = 10

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        http: HttpClient,
        api_base_url: str | None = None,
        state: ConnectorState | None = None,
    ) -> None:
        super().__init__(credentials=credentials, http=http, api_base_url=api_base_url, state=state)
        self.quota = QuotaPacer()
        """Paces every request by the store's quota; replaceable (a fake clock in tests)."""

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also reduce the store hash to its bare form.

        Accepted as the control panel shows it: the bare hash, the API path of an
        API account (``https://api.bigcommerce.com/stores/abc123/v3/``) or the
        control panel address (``https://store-abc123.mybigcommerce.com/manage``).
        """
        cleaned = super().check_credentials(credentials)
        if cleaned.get("client_secret", "").startswith(SECRET_PREFIX):
            try:
                signing_key(cleaned["client_secret"])
            except ValueError:
                raise InvalidCredentials(
                    f"Client secret must be the client secret BigCommerce shows, or {SECRET_PREFIX} and base64",
                    field="client_secret",
                ) from None
        typed = cleaned["store_hash"].lower()
        for form in _STORE_HASH_FORMS:
            if match := form.fullmatch(typed):
                cleaned["store_hash"] = match["hash"]
                return cleaned
        raise InvalidCredentials(
            "Store hash must be the letters and digits after /stores/ in the API path, such as abc123",
            field="store_hash",
        )

    async def verify_credentials(self) -> None:
        """``GET /v2/orders?limit=1``: the token must be allowed to read this store's orders (401/403 if not)."""
        _body(await self._get("/orders", {"limit": "1"}))

    async def fetch_order(self, reference: str) -> Order | None:
        """Find an order by its id (``218`` or ``#218``); an incomplete checkout is no order."""
        match = _ORDER_REFERENCE.fullmatch(reference.strip())
        if match is None:
            return None
        wanted = match["id"]
        response = await self._get(f"/orders/{wanted}", LINE_ITEMS_INCLUDED)
        if response.status == 404:
            return None
        order = _body(response)
        if order_id(order) != wanted:
            raise PlatformBadResponse(f"GET {response.where} answered with another order than {wanted}")
        if is_incomplete(order):
            return None
        (mapped,) = await self._with_products({wanted: order})
        return mapped

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """Ids close to each other listed together by ``min_id``/``max_id``; an id far from the others alone.

        Orders V2 filters by an id range, not by a list of ids. A range of
        fewer than ``PAGE_SIZE`` ids holds one page of orders at most, so ids
        within that distance of each other take one listing request instead of
        one ``GET /orders/{id}`` each; an id with no other that close gains
        nothing from a range and is fetched as ``fetch_order`` does. Line
        items come embedded in the listing, as in ``orders_created``.
        """
        refs_by_id: dict[int, list[str]] = {}
        for ref in references:
            if match := _ORDER_REFERENCE.fullmatch(ref.strip()):
                refs_by_id.setdefault(int(match["id"]), []).append(ref)
        listed: dict[str, Mapping[str, Any]] = {}
        alone: list[str] = []
        for ids in _runs(sorted(refs_by_id)):
            if len(ids) == 1:
                alone += refs_by_id[ids[0]]
            else:
                listed |= await self._orders_in_range(ids)
        orders = {order.order_id: order for order in await self._with_products(listed)}
        found = {ref: orders[str(oid)] for oid, refs in refs_by_id.items() if str(oid) in orders for ref in refs}
        return found | await super().fetch_orders(alone)

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Count the window, then read its pages by ascending id, each order once, with its embedded line items.

        Pages are offsets into a list that can change while it is read, so the
        sort must be total and put new orders last: ``id`` is unique and given
        at creation, while ``date_created`` has one-second resolution and no
        documented order among orders of the same second, which could swap
        across a page boundary between two requests. New orders still shift
        nothing, but an Incomplete order completing joins the list among the
        others and an archived one leaves it, shifting the orders after it
        across the boundaries of pages read at other moments. A pass that
        lists fewer distinct orders than its count said, or than the list held
        by its last page, is started over, yielding only orders not yet seen;
        so is a second, unless it lists exactly what the first did (then the
        count counts orders the list leaves out, and the list itself held still).
        """
        window = {"min_date_created": _rfc2822(start - _DATE_SLACK), "max_date_created": _rfc2822(end + _DATE_SLACK)}
        listing = {**window, "sort": "id:asc", **LINE_ITEMS_INCLUDED, "limit": str(PAGE_SIZE)}
        seen: set[str] = set()
        previous: tuple[int, set[str]] | None = None
        for _ in range(MAX_PASSES):
            expected = await self._listed_count(window)
            listed: set[str] = set()
            held = 0  # how many orders the list held when its last page was read
            if expected:
                async with aclosing(self._pass(listing, expected)) as pages:
                    async for number, page in pages:
                        fresh: dict[str, Mapping[str, Any]] = {}
                        for order in page:
                            oid = order_id(order)
                            listed.add(oid)
                            if oid not in seen and not is_incomplete(order):
                                fresh[oid] = order
                        seen.update(fresh)
                        held = (number - 1) * PAGE_SIZE + len(page)
                        if fresh:
                            yield await self._with_products(fresh)
            if len(listed) >= max(expected, held) or previous == (expected, listed):
                return
            previous = (expected, listed)
        raise PlatformUnavailable(
            f"Listing orders: the orders kept changing while they were paged ({MAX_PASSES} passes); try again later"
        )

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """``store/order/created`` names a new order (``data.id``), ``store/order/statusUpdated`` and
        ``store/order/refund/created`` one that changed; other scopes carry nothing for us."""
        return read_webhook(headers, body, self.credentials.get("client_secret"), self.credentials["store_hash"])

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """Create each order hook ``url`` lacks, or turn one back on (``PUT is_active: true``)."""
        held = await self._hooks(url)
        for scope in _HOOK_SCOPES:
            hook = held.get(scope)
            if hook is None:
                held[scope] = await self._write_hook(
                    "POST", "/hooks", {"scope": scope, "destination": url, "is_active": True}
                )
            elif hook.get("is_active") is not True:
                held[scope] = await self._write_hook("PUT", f"/hooks/{hook['id']}", {"is_active": True})
        return [_registration(hook) for hook in held.values()]

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The API account's order hooks to ``url`` (``GET /v3/hooks?destination=``), an active one first."""
        return [_registration(hook) for hook in (await self._hooks(url)).values()]

    async def _hooks(self, url: str) -> dict[str, Mapping[str, Any]]:
        """The order hook to exactly ``url`` for each scope held, an active one preferred among several."""
        found: dict[str, Mapping[str, Any]] = {}
        page, pages = 1, 1
        while page <= pages:
            params = {"destination": url, "limit": str(_HOOKS_PAGE), "page": str(page)}
            body = _v3_body(await self._v3("GET", "/hooks", params=params), "GET")
            hooks, meta = body.get("data"), body.get("meta")
            if not isinstance(hooks, list):
                raise PlatformBadResponse("GET /v3/hooks answered without a list of hooks in 'data'")
            for hook in hooks:
                if (
                    not isinstance(hook, dict)
                    or hook.get("destination") != url
                    or hook.get("scope") not in _HOOK_SCOPES
                ):
                    continue
                if hook["scope"] not in found or (
                    hook.get("is_active") is True and not found[hook["scope"]].get("is_active")
                ):
                    found[hook["scope"]] = hook
            pagination = meta.get("pagination") if isinstance(meta, dict) else None
            total = pagination.get("total_pages") if isinstance(pagination, dict) else None
            pages = total if isinstance(total, int) and not isinstance(total, bool) else page
            page += 1
        return found

    async def _write_hook(self, method: str, path: str, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        hook = _v3_body(await self._v3(method, path, body=json.dumps(fields).encode()), method).get("data")
        if not isinstance(hook, dict) or not isinstance(hook.get("scope"), str):
            raise PlatformBadResponse(f"{method} /v3{path} answered without the hook")
        return hook

    async def _v3(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: bytes | None = None
    ) -> Response:
        headers = self._headers
        if body is not None:
            headers["Content-Type"] = "application/json"
        await self.quota.admit()
        try:
            response = await self.http.request(
                method,
                f"{self.api_base_url or API_ORIGIN}/stores/{self.credentials['store_hash']}/v3{path}",
                headers=headers,
                params=params,
                data=body,
                ok=_ANSWERED,
                wait_header=_quota_reset_wait,
            )
        except BaseException:
            self.quota.abandon()
            raise
        self.quota.note(response)
        return response

    async def _with_products(self, orders: Mapping[str, Mapping[str, Any]]) -> list[Order]:
        """Map ``orders`` (by id) with their embedded line items; an order whose consignments fall short
        has its products fetched, ``LINE_ITEM_FETCHES`` at a time (the first failure is raised, as the core
        expects one error)."""
        slots = asyncio.Semaphore(LINE_ITEM_FETCHES)
        mapped: dict[str, Order] = {}
        short: list[str] = []
        for oid, order in orders.items():
            products = embedded_line_items(order)
            if products is None:
                short.append(oid)
            else:
                mapped[oid] = map_order(_without_consignments(order), products)

        async def complete(oid: str) -> None:
            async with slots:
                products = await self._products(oid)
            mapped[oid] = map_order(_without_consignments(orders[oid]), products)

        if short:
            try:
                async with asyncio.TaskGroup() as group:
                    for oid in short:
                        group.create_task(complete(oid))
            except ExceptionGroup as failed:
                raise failed.exceptions[0] from None
        return [mapped[oid] for oid in orders]

    async def _listed_count(self, window: Mapping[str, str]) -> int:
        """How many orders the listing holds for ``window``: ``GET /orders/count``'s ``count`` less the
        Incomplete ones (its ``statuses``), which the listing leaves out."""
        response = await self._get("/orders/count", window)
        body = _body(response)
        statuses = body.get("statuses") if isinstance(body, dict) else None
        count = body.get("count") if isinstance(body, dict) else None
        if not _is_count(count) or not isinstance(statuses, list):
            raise PlatformBadResponse(f"GET {response.where} answered without a count and its statuses")
        if not all(isinstance(status, dict) for status in statuses):
            raise PlatformBadResponse(f"GET {response.where} answered with statuses that are not objects")
        incomplete = next((s.get("count") for s in statuses if _is_count(s.get("id")) and s["id"] == _INCOMPLETE), 0)
        if not _is_count(incomplete) or incomplete > count:
            raise PlatformBadResponse(f"GET {response.where} answered with an Incomplete count that is not one")
        return count - incomplete

    async def _pass(self, listing: Mapping[str, str], expected: int) -> AsyncGenerator[tuple[int, list[Any]], None]:
        """One pass through the listing: each page's number and orders, in order.

        The pages ``expected`` orders fill are read ``page_concurrency`` at a
        time; the page where they end (empty when they fill their last page)
        only once all those have arrived, so that it tells how many orders
        the list held by then; then each next page while the last one is full.
        """
        last = expected // PAGE_SIZE + 1
        waiting = last - 1
        arrived = asyncio.Event()
        if not waiting:
            arrived.set()

        async def read(number: int) -> list[Any]:
            nonlocal waiting
            if number == last:
                await arrived.wait()
            page = await self._listing_page(listing, number)
            if number < last:
                waiting -= 1
                if not waiting:
                    arrived.set()
            return page

        number, page, previous = 0, [], None
        async with aclosing(pages_ahead(read, 1, last, concurrency=self.page_concurrency)) as ahead:
            async for page in ahead:
                number += 1
                _check_turned(page, previous, number)
                yield number, page
                previous = page
        while len(page) >= PAGE_SIZE:  # orders added since the count
            number += 1
            page = await self._listing_page(listing, number)
            _check_turned(page, previous, number)
            yield number, page
            previous = page

    async def _listing_page(self, listing: Mapping[str, str], number: int) -> list[Any]:
        response = await self._get("/orders", {**listing, "page": str(number)})
        page = _body(response)
        if not isinstance(page, list):
            raise PlatformBadResponse(f"GET {response.where} answered page {number} with JSON that is not a list")
        return page

    async def _orders_in_range(self, ids: list[int]) -> dict[str, Mapping[str, Any]]:
        """The orders among ``ids`` (ascending, fewer than ``PAGE_SIZE`` apart), by id; never an Incomplete one.

        The listing leaves archived orders out while ``GET /orders/{id}`` finds
        them, so ids it does not return are listed again with ``is_deleted=true``.
        """
        found: dict[str, Mapping[str, Any]] = {}
        for archived in ("false", "true"):
            wanted = [oid for oid in ids if str(oid) not in found]
            if not wanted:
                break
            params = {"min_id": str(wanted[0]), "max_id": str(wanted[-1]), "is_deleted": archived}
            response = await self._get("/orders", {**params, **LINE_ITEMS_INCLUDED, "limit": str(PAGE_SIZE)})
            page = _body(response)
            if not isinstance(page, list):
                raise PlatformBadResponse(f"GET {response.where} answered with JSON that is not a list")
            for order in page:
                oid = order_id(order)
                if int(oid) in wanted and not is_incomplete(order):
                    found[oid] = order
        return found

    async def _products(self, oid: str) -> list[Any]:
        products: list[Any] = []
        async with aclosing(self._pages(f"/orders/{oid}/products", {})) as pages:
            async for page in pages:
                products += page
        return products

    async def _pages(self, path: str, params: Mapping[str, str]) -> AsyncGenerator[list[Any], None]:
        """Yield the non-empty pages of the collection at ``path``, in order, until it ends."""
        previous: list[Any] | None = None
        page = 1
        while True:
            response = await self._get(path, {**params, "limit": str(PAGE_SIZE), "page": str(page)})
            items = _body(response)
            if not isinstance(items, list):
                raise PlatformBadResponse(f"GET {response.where} answered page {page} with JSON that is not a list")
            if items and items == previous:
                raise PlatformBadResponse(f"GET {response.where} answered page {page} with page {page - 1} again")
            if items:
                yield items
            if len(items) < _DEFAULT_PAGE_SIZE:
                return
            previous = items
            page += 1

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> Response:
        await self.quota.admit()
        try:
            response = await self.http.request(
                "GET",
                f"{self.api_base_url or API_ORIGIN}/stores/{self.credentials['store_hash']}/v2{path}",
                headers=self._headers,
                params=params,
                ok=_ANSWERED,
                wait_header=_quota_reset_wait,
            )
        except BaseException:
            self.quota.abandon()
            raise
        self.quota.note(response)
        return response

    @property
    def _headers(self) -> dict[str, str]:
        headers = {"X-Auth-Token": self.credentials["access_token"], "Accept": "application/json"}
        if "client_id" in self.credentials:
            headers["X-Auth-Client"] = self.credentials["client_id"]
        return headers


def _runs(ids: list[int]) -> list[list[int]]:
    """Ascending ``ids`` cut into runs of ids fewer than ``PAGE_SIZE`` apart: one page holds a run's orders."""
    runs: list[list[int]] = []
    for oid in ids:
        if runs and oid - runs[-1][0] < PAGE_SIZE:
            runs[-1].append(oid)
        else:
            runs.append([oid])
    return runs


def _without_consignments(order: Mapping[str, Any]) -> dict[str, Any]:
    """The order without its ``consignments``, whose line items ``map_order`` is given as its products."""
    copied = dict(order)
    copied.pop("consignments", None)
    return copied


def _check_turned(page: list[Any], previous: list[Any] | None, number: int) -> None:
    """Refuse a listing that answers a page with the one before it (it ignores ``page``: it would never end)."""
    if page and page == previous:
        raise PlatformBadResponse(f"GET /orders answered page {number} with page {number - 1} again")


def _is_count(value: Any) -> TypeGuard[int]:
    """A JSON count: a whole number, not negative (and not a boolean, which Python counts as one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _body(response: Response) -> Any:
    """The JSON of a 200; ``[]`` for 204, BigCommerce's empty collection (no body to parse)."""
    if response.status == 200:
        return response.json()
    if response.status == 204:
        return []
    raise _refusal(response)


def _v3_body(response: Response, method: str) -> Mapping[str, Any]:
    """The JSON object of a v3 answer, or the error BigCommerce's refusal amounts to."""
    shown = f"{method} {response.where} answered HTTP {response.status} ({_error_message(response)})"
    if response.status in (401, 403):
        raise PlatformAuthError(f"{shown}: check the store hash and access token; {_ORDERS_SCOPE}")
    if response.status == 429:
        raise PlatformLimitExceeded(shown)
    if response.status != 200:
        raise PlatformBadResponse(shown + _field_errors(response))
    body = response.json()
    if not isinstance(body, dict):
        raise PlatformBadResponse(f"{method} {response.where} answered with JSON that is not an object")
    return body


def _field_errors(response: Response) -> str:
    """A v3 refusal's ``errors`` (field: problem), as ``: destination must be ...``; empty without them."""
    try:
        errors = json.loads(response.body).get("errors")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(errors, dict):
        return ""
    return "".join(f": {shorten(str(problem))}" for problem in errors.values())


def _registration(hook: Mapping[str, Any]) -> WebhookRegistration:
    active = hook.get("is_active") is True
    return WebhookRegistration(
        topic=hook["scope"], url=hook["destination"], active=active, problem=None if active else _DEACTIVATED
    )


def _refusal(response: Response) -> PlatformError:
    """The error for a status BigCommerce answered instead of the resource, with its message."""
    shown = f"GET {response.where} answered HTTP {response.status} ({_error_message(response)})"
    if response.status in (401, 403):
        return PlatformAuthError(f"{shown}: check the store hash and access token")
    if response.status == 413:
        return PlatformLimitExceeded(f"{shown}: the request asked for too many objects")
    return PlatformBadResponse(shown)


def _error_message(response: Response) -> str:
    """The ``message`` (V2: ``[{"status", "message"}]``) or ``title`` (V3) of an error body."""
    try:
        body = json.loads(response.body)
    except ValueError:
        body = None
    error = body[0] if isinstance(body, list) and body else body
    message = next((error[k] for k in ("message", "title") if isinstance(error, dict) and error.get(k)), None)
    return shorten(message) or "no error message"


def _quota_reset_wait(response: Response) -> float | None:
    """Seconds until the store's quota refills, from a 429's ``X-Rate-Limit-Time-Reset-Ms``; ``None`` to back off.

    BigCommerce sends the rate-limit headers on every answer: on a 5xx they say
    nothing about when to retry.
    """
    if response.status != 429:
        return None
    try:
        milliseconds = float(response.headers.get("X-Rate-Limit-Time-Reset-Ms", ""))
    except ValueError:
        return None
    return milliseconds / 1000 if 0 <= milliseconds < float("inf") else None


def _rfc2822(moment: datetime) -> str:
    """A filter date as the API writes dates: ``Tue, 05 Mar 2019 21:40:11 +0000`` (UTC, whole seconds)."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0))
