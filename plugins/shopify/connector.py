"""The Shopify connector, over the GraphQL Admin API.

Every request is a POST of ``{"query", "variables"}`` to
``/admin/api/{version}/graphql.json`` with the ``X-Shopify-Access-Token``
header. Rate limiting is by calculated query cost: each answer's
``extensions.cost`` says what the bucket holds and how fast it refills, and the
next query waits until the bucket covers its requested cost (``pacing``) rather
than being THROTTLED; a THROTTLED answer (in a 200 or a 429) is still retried by
``HttpClient`` after the wait ``throttleStatus`` implies. Listing pages are as
large as the cost Shopify reports for them lets one query be (``queries``).

A window too large to page through within the cost limits is read with one bulk
query operation instead (``bulk``): after the first page, when ``ordersCount``
says the rest would make paging wait on the bucket for longer than
``bulk_after_wait`` seconds. A bulk operation that cannot start (the app already
runs as many as Shopify allows) or that fails leaves the listing to paging.

Order webhooks are registered with ``webhookSubscriptionCreate`` and checked with
``webhookSubscriptions``: ``ORDERS_CREATE`` for new orders, ``ORDERS_UPDATED`` and
``REFUNDS_CREATE`` for changes to them (all need the ``read_orders`` scope). A store
registered before it read changes gets the topics it lacks at the next check. Shopify
deletes a subscription after 8 failed deliveries in a row rather than disabling it,
so what it holds is always active, and one it deleted is created again.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, NoReturn

from server.platforms import (
    Capability,
    CredentialField,
    InvalidCredentials,
    Order,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformConnector,
    PlatformLimitExceeded,
    Response,
    WebhookEvent,
    WebhookRegistration,
    shorten,
)

from . import queries
from .bulk import BulkOperationStatus, BulkOrders, bulk_status, read_file, user_errors
from .mapping import map_graphql_order, order_gid, order_with_line_items, read
from .pacing import CostBudget, CostReport
from .webhooks import ORDER_CREATED, ORDER_UPDATED, REFUND_CREATED, read_webhook

__all__ = ["DEFAULT_API_VERSION", "ShopifyConnector"]

log = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2026-10"

# The store's myshopify.com host, given as "my-shop", "my-shop.myshopify.com" or its admin URL. Other hosts
# (a custom domain) are accepted too: Shopify itself then says whether it serves the Admin API there.
_SHOP_DOMAIN = re.compile(
    r"(?:https?://)?(?P<host>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)/?"
)
_API_VERSION = re.compile(r"[0-9]{4}-(?:01|04|07|10)")
_ORDER_ID = re.compile(r"[0-9]{1,20}")
_ORDER_GID = re.compile(r"gid://shopify/Order/[0-9]{1,20}")
_THROTTLE_FALLBACK_WAIT = 1.0  # Shopify's recommended backoff when the answer carries no cost data
_MESSAGE_LIMIT = 300
_WEBHOOK_TOPICS = {"ORDERS_CREATE": ORDER_CREATED, "ORDERS_UPDATED": ORDER_UPDATED, "REFUNDS_CREATE": REFUND_CREATED}
"""The ``WebhookSubscriptionTopic`` of each topic ``parse_webhook`` reads, and its name in deliveries."""
_URI_SINCE = "2025-10"
"""The first API version whose ``WebhookSubscription`` takes and serves ``uri`` (``callbackUrl`` before)."""
_WEBHOOK_SCOPE = "the read_orders access scope"
_BULK_PAGE = 250  # orders handed to the core at a time from a bulk operation's file
_POLL_FIRST, _POLL_MAX = 0.25, 5.0  # seconds between polls of a bulk operation: backoff, and its ceiling
_POLL_MIN = 0.05


@dataclass(frozen=True, slots=True)
class _Page:
    nodes: list[Mapping[str, Any]]
    more: bool


class ShopifyConnector(PlatformConnector):
    platform_id = "shopify"
    display_name = "Shopify"
    order_id_label = "Order number (#1001) or order ID"
    credential_fields = (
        CredentialField("shop_domain", "Shop domain"),
        CredentialField("access_token", "Admin API access token", secret=True),
        CredentialField("api_version", "API version", required=False),
        CredentialField(
            "webhook_secret", "Webhook signing secret (the app's client secret)", secret=True, required=False
        ),
    )
    capabilities = frozenset(
        {Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS, Capability.REGISTER_WEBHOOKS}
    )
    bulk_after_wait: ClassVar[float] = 5.0
    """Seconds of waiting on the cost bucket from which a listing switches to a bulk operation.

    A bulk operation costs three round trips at least (start, poll, file) plus Shopify's own run, a few
    seconds: paging that would wait longer for its points is slower. At a Standard store's limits (a
    2,000-point bucket refilled at 100 points/s) an order with up to 5 line items costs about 20 points
    paged, so the bucket pays for ~100 orders at once and each further order waits 0.2 s: windows above
    ~125 orders go to bulk. On Plus (10,000 points, 1,000/s) the same rule keeps up to ~750 orders paged.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.budget = CostBudget()

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also normalize the shop domain to a bare host (``my-shop`` becomes ``my-shop.myshopify.com``)."""
        cleaned = super().check_credentials(credentials)
        match = _SHOP_DOMAIN.fullmatch(cleaned["shop_domain"].lower().strip())
        if match is None:
            raise InvalidCredentials(
                "Shop domain must be the store's myshopify.com address, such as my-shop.myshopify.com",
                field="shop_domain",
            )
        host = match["host"]
        cleaned["shop_domain"] = host if "." in host else f"{host}.myshopify.com"
        version = cleaned.get("api_version")
        if version is not None and not _API_VERSION.fullmatch(version):
            raise InvalidCredentials(
                f"API version must be a quarterly release such as {DEFAULT_API_VERSION}", field="api_version"
            )
        return cleaned

    async def verify_credentials(self) -> None:
        """``{ shop { name } }``: the cheapest query there is; a refused token is HTTP 401."""
        data = await self._graphql(queries.SHOP_QUERY, {})
        read.obj(data.get("shop"), "shop")

    async def fetch_order(self, reference: str) -> Order | None:
        """Find an order by name (``#1001``, ``1001``, ``SO-1001``), numeric id or gid."""
        reference = reference.strip()
        if reference.startswith("gid://"):
            return await self._order_by_id(reference) if _ORDER_GID.fullmatch(reference) else None
        order = await self._order_by_name(reference)
        if order is None and _ORDER_ID.fullmatch(reference):
            order = await self._order_by_id(order_gid(reference))
        return order

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """One ``orders(query:)`` search for every reference: ``name:`` and ``id:`` terms joined by ``OR``.

        The orders search filters on ``name`` and on ``id`` (a gid is searched by
        its number), so one search, paged like a listing, covers every form
        ``fetch_order`` takes; ``nodes(ids:)`` takes ids only, and names would
        still need a search. Each reference gets the order ``fetch_order`` would
        give it: an exact name match first, then the id; near matches are dropped.
        """
        terms = [term for reference in references for term in _search_terms(reference.strip())]
        if not terms:
            return {}
        nodes: list[Mapping[str, Any]] = []
        async with aclosing(self._order_pages(" OR ".join(dict.fromkeys(terms)))) as pages:
            async for page in pages:
                nodes += page.nodes
        matches = {ref: index for ref in references if (index := _matching(ref.strip(), nodes)) is not None}
        orders = {index: map_graphql_order(await self._complete(nodes[index])) for index in set(matches.values())}
        return {ref: orders[index] for ref, index in matches.items()}

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Page by page; after the first page, the rest of a large window from a bulk operation (see
        ``bulk_after_wait``), its orders already listed left out."""
        search = f"created_at:>='{_search_time(start)}' created_at:<='{_search_time(end, round_up=True)}'"
        first = True
        async with aclosing(self._order_pages(search)) as pages:
            async for page in pages:
                orders = [map_graphql_order(await self._complete(node)) for node in page.nodes]
                yield orders
                count = await self._bulk_count(search, page) if first and page.more else None
                first = False
                if count is None or (listed := await self._bulk_listing(search, count)) is None:
                    continue
                seen = {order.order_id for order in orders}
                for start_at in range(0, len(listed), _BULK_PAGE):
                    yield [order for order in listed[start_at : start_at + _BULK_PAGE] if order.order_id not in seen]
                return

    async def _bulk_count(self, search: str, page: _Page) -> int | None:
        """The window's order count when the rest of it would wait on the cost bucket for longer than a bulk
        operation takes; ``None`` when paging pays.

        The first page's actual cost gives the points per order. ``ordersCount`` is asked only when the
        bucket could not pay for ``ORDERS_COUNT_LIMIT`` such orders at once.
        """
        report = self.budget.last
        available = self.budget.available()
        if report is None or report.actual is None or available is None or not page.nodes:
            return None
        per_order = report.actual / len(page.nodes)
        if available >= per_order * queries.ORDERS_COUNT_LIMIT:
            return None
        variables = {"query": search, "limit": queries.ORDERS_COUNT_LIMIT}
        data = await self._graphql(queries.ORDERS_COUNT_QUERY, variables, cost=1)
        count = read.integer(read.obj(data.get("ordersCount"), "ordersCount").get("count"), "ordersCount.count")
        waiting = self.budget.paging_wait(count - len(page.nodes), per_order)
        return count if waiting > self.bulk_after_wait else None

    async def _bulk_listing(self, search: str, expected: int) -> list[Order] | None:
        """The window's orders from a bulk operation, oldest first; ``None`` (logged) when Shopify runs no
        operation for it or the operation fails, for the caller to go on paging."""
        shop = self.credentials["shop_domain"]
        data = await self._graphql(queries.BULK_RUN_MUTATION, {"query": queries.bulk_orders_query(search)}, cost=10)
        payload = read.obj(data.get("bulkOperationRunQuery"), "bulkOperationRunQuery")
        if errors := user_errors(payload):
            message = shorten("; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors), _MESSAGE_LIMIT)
            if {e.get("code") for e in errors} & {"OPERATION_IN_PROGRESS", "LIMIT_REACHED"}:
                log.warning("Shopify runs no bulk operation for %s now (%s): listing page by page", shop, message)
                return None
            raise PlatformBadResponse(f"Shopify refused the bulk query of the window's orders ({message})")
        gid = read.text(read.obj(payload.get("bulkOperation"), "bulkOperation").get("id"), "bulkOperation.id")
        status = await self._bulk_finished(gid, expected)
        if status.status == "COMPLETED":
            if status.url is None:
                return []  # nothing matched: Shopify writes no file
            orders = await read_file(self.http, status.url, BulkOrders, self.budget.sleep)
            return [map_graphql_order(node) for node in orders.nodes()]
        if status.error_code == "ACCESS_DENIED":
            raise PlatformAuthError(f"Shopify's bulk operation {gid} was denied access: check the app's access scopes")
        log.warning(
            "Shopify's bulk operation %s for %s ended %s (errorCode %s) after %d objects: listing page by page",
            gid,
            shop,
            status.status,
            status.error_code,
            status.objects,
        )
        return None

    async def _bulk_finished(self, gid: str, expected: int) -> BulkOperationStatus:
        """Poll the operation until it ends: with backoff until it writes, a short poll then to see how fast
        its root objects come, and from then on at the moment they should reach the ``expected`` count."""
        wait: float = _POLL_FIRST
        seen: tuple[float, int] | None = None
        while True:
            await self.budget.sleep(wait)
            data = await self._graphql(queries.BULK_OPERATION_QUERY, {"id": gid}, cost=1)
            status = bulk_status(data.get("node"))
            if status.finished:
                return status
            now = self.budget.clock()
            if seen is not None and status.roots > seen[1]:
                rate = (status.roots - seen[1]) / max(now - seen[0], 1e-3)
                wait = (max(expected - status.roots, 1) / rate) * 1.02
            elif status.roots:
                wait = _POLL_FIRST
            else:
                wait *= 2
            wait = max(_POLL_MIN, min(_POLL_MAX, wait))
            if status.roots:
                seen = (now, status.roots)

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """``orders/create`` and ``orders/updated`` carry the whole order (REST shape), ``refunds/create`` names
        it (``webhooks``); other topics carry nothing for us."""
        return read_webhook(headers, body, self.credentials.get("webhook_secret"))

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """``webhookSubscriptionCreate`` for each topic the app has no subscription to ``url`` for."""
        held = await self.webhook_registrations(url)
        missing = [topic for topic, name in _WEBHOOK_TOPICS.items() if name not in {r.topic for r in held}]
        for topic in missing:
            variables = {"topic": topic, "webhookSubscription": {self._url_field: url, "format": "JSON"}}
            data = await self._webhook_graphql(queries.webhook_subscription_create(self._url_field), variables)
            payload = read.obj(data.get("webhookSubscriptionCreate"), "webhookSubscriptionCreate")
            _raise_user_errors(payload.get("userErrors"), _WEBHOOK_TOPICS[topic])
            held.append(self._registration(read.obj(payload.get("webhookSubscription"), "webhookSubscription")))
        return held

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The app's order subscriptions to exactly ``url``, one per topic (all active: Shopify deletes failing
        ones)."""
        found: list[WebhookRegistration] = []
        cursor: str | None = None
        while True:
            variables = {"first": queries.WEBHOOKS_PAGE_SIZE, "after": cursor, "topics": list(_WEBHOOK_TOPICS)}
            data = await self._webhook_graphql(queries.webhook_subscriptions_query(self._url_field), variables)
            connection = read.obj(data.get("webhookSubscriptions"), "webhookSubscriptions")
            for node in read.list(connection.get("nodes"), "webhookSubscriptions.nodes"):
                registration = self._registration(read.obj(node, "webhookSubscriptions.nodes[]"))
                if registration.url == url and registration.topic not in {r.topic for r in found}:
                    found.append(registration)
            cursor = _next_cursor(connection, "webhookSubscriptions", cursor)
            if cursor is None:
                return found

    def _registration(self, node: Mapping[str, Any]) -> WebhookRegistration:
        topic, url = node.get("topic"), node.get(self._url_field)
        if not isinstance(topic, str) or not isinstance(url, str):
            raise PlatformBadResponse(f"Shopify answered a webhook subscription without topic or {self._url_field}")
        return WebhookRegistration(topic=_WEBHOOK_TOPICS.get(topic, topic), url=url, active=True)

    async def _webhook_graphql(self, document: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        try:
            return await self._graphql(document, variables)
        except PlatformAuthError as exc:
            raise PlatformAuthError(f"Managing Shopify webhooks needs {_WEBHOOK_SCOPE}: {exc.message}") from None

    @property
    def _url_field(self) -> str:
        return "uri" if self.credentials.get("api_version", DEFAULT_API_VERSION) >= _URI_SINCE else "callbackUrl"

    async def _order_by_name(self, name: str) -> Order | None:
        """Search by name and keep only an exact match: Shopify's search can return near matches.

        Sellers often drop the "#": a name typed without it is also tried with it.
        """
        wanted = _name_key(name)
        spellings = [name] if name.startswith("#") else [name, f"#{name}"]
        for spelling in spellings:
            search = f"name:{_quoted(spelling)}"
            async with aclosing(self._order_pages(search, size=queries.NAME_MATCHES_PAGE_SIZE)) as pages:
                async for page in pages:
                    for node in page.nodes:
                        if isinstance(node.get("name"), str) and _name_key(node["name"]) == wanted:
                            return map_graphql_order(await self._complete(node))
        return None

    async def _order_by_id(self, gid: str) -> Order | None:
        variables = {"id": gid, "lineItems": queries.ORDER_LINE_ITEMS}
        data, _ = await self._query_sized(queries.ORDER_QUERY, variables, "lineItems", queries.order_cost)
        if "order" not in data:
            raise PlatformBadResponse("Shopify answered the order query without 'order'")
        node = data["order"]
        return None if node is None else map_graphql_order(await self._complete(node))

    async def _order_pages(self, search: str, *, size: int = queries.ORDERS_PAGE_SIZE) -> AsyncGenerator[_Page, None]:
        """Yield pages of the order nodes matching ``search``, oldest first.

        The first page has the size whose computed cost fits one query; each later page the size that
        the cost Shopify reported for the previous one per order lets fit (``_next_size``).
        """
        cursor: str | None = None
        adapt = size == queries.ORDERS_PAGE_SIZE
        while True:
            variables = {"first": size, "after": cursor, "query": search, "lineItems": queries.LINE_ITEMS_PER_ORDER}
            data, size = await self._query_sized(queries.ORDERS_QUERY, variables, "first", queries.orders_query_cost)
            report = self.budget.last  # this page's, before other queries come between
            connection = read.obj(data.get("orders"), "orders")
            nodes = [read.obj(node, "orders.nodes[]") for node in read.list(connection.get("nodes"), "orders.nodes")]
            cursor = _next_cursor(connection, "orders", cursor)
            yield _Page(nodes, more=cursor is not None)
            if cursor is None:
                return
            if adapt:
                size = self._next_size(size, report)

    def _next_size(self, size: int, report: CostReport | None) -> int:
        """The largest page, up to 250, whose requested cost, at the cost per order Shopify reported for a
        page of ``size``, stays within what one query may request."""
        if report is None or report.requested <= queries.ORDERS_QUERY_OVERHEAD:
            return size
        per_order = (report.requested - queries.ORDERS_QUERY_OVERHEAD) / size
        fitting = int((self.budget.query_limit - queries.ORDERS_QUERY_OVERHEAD) // per_order)
        return max(1, min(queries.MAX_PAGE_SIZE, fitting))

    async def _complete(self, node: Any) -> Mapping[str, Any]:
        """The order node with all its line items, fetching those beyond the first page."""
        order = read.obj(node, "order")
        connection = read.obj(order.get("lineItems"), "lineItems")
        cursor = _next_cursor(connection, "lineItems", None)
        if cursor is None:
            return order_with_line_items(order, list(read.list(connection.get("nodes"), "lineItems.nodes")))
        gid = order.get("id")
        if not isinstance(gid, str):
            raise PlatformBadResponse("Shopify answered an order without 'id'")
        items = list(read.list(connection.get("nodes"), "lineItems.nodes"))
        size = queries.LINE_ITEMS_PAGE_SIZE
        while cursor is not None:
            variables = {"id": gid, "first": size, "after": cursor}
            data, size = await self._query_sized(
                queries.LINE_ITEMS_QUERY, variables, "first", queries.line_items_query_cost
            )
            connection = read.obj(read.obj(data.get("order"), "order").get("lineItems"), "order.lineItems")
            items += read.list(connection.get("nodes"), "order.lineItems.nodes")
            cursor = _next_cursor(connection, "lineItems", cursor)
        return order_with_line_items(order, items)

    async def _query_sized(
        self, document: str, variables: Mapping[str, Any], size_key: str, cost: Callable[[int], int]
    ) -> tuple[Mapping[str, Any], int]:
        """Run ``document``, shrinking ``variables[size_key]`` while Shopify finds it too costly.

        ``cost(size)`` is the query's computed cost, for pacing. Returns the data and the size that was
        accepted, for the next page.
        """
        size: int = variables[size_key]
        while True:
            try:
                return await self._graphql(document, {**variables, size_key: size}, cost=cost(size)), size
            except _CostExceeded as exc:
                if size <= 1:
                    raise
                size = exc.smaller(size)

    async def _graphql(self, document: str, variables: Mapping[str, Any], *, cost: int = 1) -> Mapping[str, Any]:
        """One query, sent once the cost bucket covers ``cost`` (its requested cost, as computed here)."""
        await self.budget.afford(cost)
        response = await self.http.request(
            "POST",
            self._endpoint,
            headers={"X-Shopify-Access-Token": self.credentials["access_token"], "Accept": "application/json"},
            json_body={"query": document, "variables": dict(variables)},
            throttle=_throttle_wait,
            wait_header=_throttle_wait,
        )
        if response.status == 404:
            raise PlatformBadResponse(f"{response.where} answered HTTP 404: check the shop domain and API version")
        body = response.json()
        if not isinstance(body, dict):
            raise PlatformBadResponse(f"{response.where} answered with JSON that is not a GraphQL response")
        self.budget.observe(body.get("extensions"))
        if body.get("errors"):
            _raise_graphql_error(body["errors"], response.where)
        data = body.get("data")
        if not isinstance(data, dict):
            raise PlatformBadResponse(f"{response.where} answered without GraphQL 'data'")
        return data

    @property
    def _endpoint(self) -> str:
        shop = self.credentials["shop_domain"]
        if self.api_base_url is None and not shop.endswith(".myshopify.com"):
            # Shopify serves the Admin API on the myshopify.com host only; a store reached elsewhere sets apiBaseUrl.
            raise InvalidCredentials(
                "Shop domain must be the store's myshopify.com address unless the store has an apiBaseUrl",
                field="shop_domain",
            )
        base = self.api_base_url or f"https://{shop}"
        return f"{base}/admin/api/{self.credentials.get('api_version', DEFAULT_API_VERSION)}/graphql.json"


class _CostExceeded(PlatformLimitExceeded):
    """MAX_COST_EXCEEDED: the query asked for more than Shopify allows in one request."""

    def __init__(self, message: str, cost: Any, max_cost: Any) -> None:
        super().__init__(message)
        self.cost = cost
        self.max_cost = max_cost

    def smaller(self, size: int) -> int:
        """A page size below ``size``, scaled by how far the query went over when Shopify says."""
        if isinstance(self.cost, (int, float)) and isinstance(self.max_cost, (int, float)) and self.cost > 0:
            return max(1, min(size - 1, int(size * self.max_cost / self.cost)))
        return max(1, size // 2)


def _raise_graphql_error(errors: Any, where: str) -> NoReturn:
    """Turn GraphQL top-level ``errors`` into the contract's exceptions (THROTTLED never gets here)."""
    found = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    if not found:
        raise PlatformBadResponse(f"{where} returned a GraphQL error: {shorten(errors, _MESSAGE_LIMIT)}")
    if denied := _with_code(found, "ACCESS_DENIED"):
        message = shorten(denied.get("message"), _MESSAGE_LIMIT) or "no message"
        raise PlatformAuthError(f"{where} denied access (ACCESS_DENIED: {message}): check the app's access scopes")
    if too_costly := _with_code(found, "MAX_COST_EXCEEDED"):
        extensions = too_costly.get("extensions") or {}
        cost, max_cost = extensions.get("cost"), extensions.get("maxCost")
        message = f"{where} refused a query costing {cost} (MAX_COST_EXCEEDED, maximum {max_cost})"
        raise _CostExceeded(message, cost, max_cost)
    code = _error_code(found[0]) or "no code"
    message = shorten(found[0].get("message"), _MESSAGE_LIMIT) or "no message"
    raise PlatformBadResponse(f"{where} returned GraphQL error {code}: {message}")


def _raise_user_errors(errors: Any, topic: str) -> None:
    """``webhookSubscriptionCreate``'s user errors: a refused permission is an auth error, others bad answers."""
    found = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    if not found:
        return
    message = shorten("; ".join(str(e.get("message")) for e in found), _MESSAGE_LIMIT)
    if any(word in message.lower() for word in ("permission", "access", "approved", "scope")):
        raise PlatformAuthError(
            f"Shopify refused the {topic} webhook ({message}): the app needs {_WEBHOOK_SCOPE} "
            "and, for a public app, approval for protected customer data"
        )
    raise PlatformBadResponse(f"Shopify refused the {topic} webhook: {message}")


def _throttle_wait(response: Response) -> float | None:
    """Seconds until Shopify can afford the throttled query, or ``None`` when the answer is not THROTTLED.

    The wait is ``(requestedQueryCost - currentlyAvailable) / restoreRate`` from
    ``extensions.cost``.
    """
    if b"hrottled" not in response.body and b"THROTTLED" not in response.body:
        return None  # the common case, without parsing the body twice
    try:
        body = json.loads(response.body)
    except ValueError:
        return None
    if not isinstance(body, dict) or not _is_throttled(body.get("errors")):
        return None
    try:
        cost = body["extensions"]["cost"]
        status = cost["throttleStatus"]
        wait = (float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])) / float(status["restoreRate"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return _THROTTLE_FALLBACK_WAIT
    return wait if wait > 0 else _THROTTLE_FALLBACK_WAIT


def _is_throttled(errors: Any) -> bool:
    """THROTTLED, or the older ``{"message": "Throttled"}`` shape without a code."""
    return isinstance(errors, list) and any(
        isinstance(e, dict) and (_error_code(e) == "THROTTLED" or e.get("message") == "Throttled") for e in errors
    )


def _with_code(errors: list[dict[str, Any]], code: str) -> dict[str, Any] | None:
    return next((e for e in errors if _error_code(e) == code), None)


def _error_code(error: Mapping[str, Any]) -> str | None:
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return code if isinstance(code, str) else None


def _next_cursor(connection: Mapping[str, Any], field: str, previous: str | None) -> str | None:
    """The ``endCursor`` to continue from, or ``None`` on the last page."""
    page_info = read.obj(connection.get("pageInfo"), f"{field}.pageInfo")
    has_next = page_info.get("hasNextPage")
    if not isinstance(has_next, bool):
        raise PlatformBadResponse(f"Shopify answered without {field}.pageInfo.hasNextPage")
    if not has_next:
        return None
    cursor = page_info.get("endCursor")
    if not isinstance(cursor, str) or not cursor or cursor == previous:
        raise PlatformBadResponse(f"Shopify answered {field}.pageInfo.hasNextPage without a new endCursor")
    return cursor


def _search_time(moment: datetime, *, round_up: bool = False) -> str:
    """A UTC search value to the second; ``round_up`` keeps an inclusive upper bound inclusive."""
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _search_terms(reference: str) -> list[str]:
    """The search terms that find what ``fetch_order`` finds for ``reference`` (none for a malformed gid)."""
    if reference.startswith("gid://"):
        return [f"id:{reference.rsplit('/', 1)[1]}"] if _ORDER_GID.fullmatch(reference) else []
    spellings = [reference] if reference.startswith("#") else [reference, f"#{reference}"]
    terms = [f"name:{_quoted(spelling)}" for spelling in spellings]
    return [*terms, f"id:{reference}"] if _ORDER_ID.fullmatch(reference) else terms


def _matching(reference: str, nodes: list[Mapping[str, Any]]) -> int | None:
    """The index of the node ``fetch_order`` would return for ``reference``: by exact name, else by id."""
    if reference.startswith("gid://"):
        gid = reference if _ORDER_GID.fullmatch(reference) else None
    else:
        wanted = _name_key(reference)
        names = (node.get("name") for node in nodes)
        named = next((i for i, name in enumerate(names) if isinstance(name, str) and _name_key(name) == wanted), None)
        if named is not None:
            return named
        gid = order_gid(reference) if _ORDER_ID.fullmatch(reference) else None
    return None if gid is None else next((i for i, node in enumerate(nodes) if node.get("id") == gid), None)


def _quoted(value: str) -> str:
    """A search-syntax string value: double-quoted, with quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _name_key(name: str) -> str:
    return name.strip().removeprefix("#").casefold()
