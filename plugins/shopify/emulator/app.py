"""The emulator's HTTP side: routing, auth, the cost bucket, fault injection and the Python API."""

from __future__ import annotations

import hmac
import json
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from graphql import DocumentNode, execute_sync

from server.platforms import DemoEmulator
from server.platforms.testing import (
    Fault,
    FaultQueueDouble,
    SeededOrder,
    garbage_response,
    latency_middleware,
    truncated_response,
)

from . import changes, fake, webhooks
from .bulk import RESULTS_PATH, BulkFailure, BulkModel, BulkOperations
from .cost import actual_cost, requested_cost
from .orders import LineSpec, OrderBuilder, OrderSpec, format_time
from .schema import CURRENCIES, SCHEMA, Context, format_error, parse_and_validate
from .store import MAX_PAGE_SIZE, OrderStore, StoredOrder
from .subscriptions import MAX_FAILED_DELIVERIES, Subscriptions

MAX_QUERY_COST = 1000
STANDARD_BUCKET = 2000.0
STANDARD_RESTORE_RATE = 100.0
"""A Standard plan's cost bucket: 100 points/second (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits)
and ``maximumAvailable`` 2,000, as Standard stores report it in ``throttleStatus`` (the page states no bucket size)."""
TOKEN_HEADER = "X-Shopify-Access-Token"
DOCS = "https://shopify.dev/api/usage/rate-limits"
_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")
_INVALID_TOKEN = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
_BAD_REQUEST = {"errors": {"query": "Required parameter missing or invalid"}}
_ERROR_BODIES = {  # documented bodies for the 4xx/5xx statuses; others use the reason phrase
    402: "This shop's plan does not have access to this feature",
    403: "Unavailable Shop",
    404: "Not Found",
    423: "This shop is unavailable",
    500: "An unexpected error occurred",
}


class _Bucket:
    """Shopify's leaky bucket of query-cost points, refilled continuously at ``rate`` per second."""

    def __init__(self, size: float, rate: float, clock: Callable[[], float]) -> None:
        self.size, self.rate, self.clock = size, rate, clock
        self._available, self._stamp = size, clock()

    def available(self) -> float:
        now = self.clock()
        self._available = min(self.size, self._available + (now - self._stamp) * self.rate)
        self._stamp = now
        return self._available

    def spend(self, points: float) -> None:
        self._available = self.available() - points

    def status(self, available: float | None = None) -> dict[str, float]:
        current = self.available() if available is None else available
        return {"maximumAvailable": self.size, "currentlyAvailable": round(current, 1), "restoreRate": self.rate}


class ShopifyEmulator(FaultQueueDouble):
    """One Shopify store's GraphQL Admin API; see the package docstring for the API."""

    page_size = MAX_PAGE_SIZE

    def __init__(
        self,
        *,
        shop_domain: str = "demo-shop.myshopify.com",
        access_token: str = "shpat_emulator",
        currency: str = "USD",
        name_prefix: str = "#",
        bucket_size: float = STANDARD_BUCKET,
        restore_rate: float = STANDARD_RESTORE_RATE,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timezone: str = "UTC",
        webhook_secret: str = "shpss_emulator_webhook_secret",
        access_scopes: frozenset[str] = frozenset({"read_orders"}),
        bulk_startup: float = 1.0,
        bulk_objects_per_second: float = 2_000.0,
        latency: tuple[float, float] | None = None,
    ) -> None:
        if currency not in CURRENCIES:
            raise ValueError(f"unsupported currency {currency!r}; one of {', '.join(CURRENCIES)}")
        super().__init__()
        self.shop_domain = shop_domain
        self._token = access_token
        self._webhook_secret = webhook_secret
        self.now = now
        self.requests: list[dict[str, Any]] = []
        self._bucket = _Bucket(bucket_size, restore_rate, clock)
        self._latency = latency
        self._bulk = BulkOperations(schema=SCHEMA, roots=self._bulk_roots, clock=clock)
        self._bulk.model = BulkModel(startup=bulk_startup, objects_per_second=bulk_objects_per_second)
        self.throttled = 0
        self._store = OrderStore(shop_tz=ZoneInfo(timezone), now=now)
        self._builder = OrderBuilder(currency=currency, name_prefix=name_prefix, now=now)
        handle = shop_domain.split(".", 1)[0]
        self._shop = {
            "id": "gid://shopify/Shop/68817551431",
            "name": handle.replace("-", " ").title(),
            "myshopifyDomain": shop_domain,
            "currencyCode": currency,
            "ianaTimezone": timezone,
        }
        self._subscriptions = Subscriptions(scopes=access_scopes)
        self._seeded = 0
        self._changes: list[changes.ChangeEvent] = []
        self._next_refund_id = 890_088_186_047

    # --- the store -----------------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        """The shop domain, Admin API access token and webhook secret a seller enters to connect this store."""
        return {"shop_domain": self.shop_domain, "access_token": self._token, "webhook_secret": self._webhook_secret}

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """Each order's signed ``orders/create`` delivery, oldest first."""
        return self.order_webhooks_for(self.credentials())

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """Each order's ``orders/create`` delivery, oldest first, signed with ``credentials["webhook_secret"]``."""
        nodes = sorted((o.node for o in self._store.orders), key=lambda n: (n["createdAt"], n["id"]))
        secret = credentials["webhook_secret"]
        return [webhooks.delivery(n, shop_domain=self.shop_domain, secret=secret) for n in nodes]

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The ``refunds/create`` and ``orders/updated`` deliveries of every change so far, oldest first."""
        return self.order_change_webhooks_for(self.credentials())

    def order_change_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_change_webhooks()`` signed with ``credentials["webhook_secret"]``."""
        return [
            webhooks.signed(
                event.topic,
                event.payload,
                webhook_id=event.event_id,
                triggered_at=format_time(event.at),
                shop_domain=self.shop_domain,
                secret=credentials["webhook_secret"],
            )
            for event in self._changes
        ]

    # --- changes after an order was placed ------------------------------------------------------

    def refund_order(
        self, order_id: str, amount: Decimal | str | None = None, *, note: str | None = None
    ) -> dict[str, Any]:
        """Refund ``amount`` of the order with this ``legacyResourceId`` (all that remains by default).

        Its financial status becomes REFUNDED, or PARTIALLY_REFUNDED while money remains; Shopify
        sends ``refunds/create`` and ``orders/updated``. Returns the refund as ``refunds/create`` carries it.
        """
        order, at = self._changing(order_id)
        refund_id, self._next_refund_id = self._next_refund_id, self._next_refund_id + 2
        value = None if amount is None else Decimal(str(amount))
        refund = changes.refund(order, value, at=at, refund_id=refund_id, note=note)
        self._changed(order, at, refund)
        return refund

    def cancel_order(self, order_id: str) -> None:
        """Cancel the order with this ``legacyResourceId`` (reason CUSTOMER); Shopify sends ``orders/updated``."""
        order, at = self._changing(order_id)
        changes.cancel(order, at=at)
        self._changed(order, at)

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full."""
        self.refund_order(order_id)

    def _changing(self, order_id: str) -> tuple[StoredOrder, datetime]:
        order = self._store.get(int(order_id)) if str(order_id).isdigit() else None
        if order is None:
            raise KeyError(f"no order {order_id}")
        created = datetime.fromisoformat(order.node["createdAt"])
        return order, max(self.now().astimezone(UTC).replace(microsecond=0), created)

    def _changed(self, order: StoredOrder, at: datetime, refund: dict[str, Any] | None = None) -> None:
        self._store.changed()
        self._changes += changes.events(self.shop_domain, order, at, len(self._changes), refund)

    # --- webhook subscriptions ---------------------------------------------------------------

    def webhook_subscriptions(self) -> list[dict[str, Any]]:
        """The app's webhook subscriptions as ``webhookSubscriptions`` serves them, oldest first."""
        return self._subscriptions.nodes(None, None)

    def add_webhook_subscription(self, topic: str, uri: str) -> dict[str, Any]:
        """A subscription made earlier (by this app for another address, say)."""
        return self._subscriptions.add(topic, uri)

    def fail_deliveries(self, uri: str, *, topic: str = "ORDERS_CREATE", times: int = MAX_FAILED_DELIVERIES) -> None:
        """Deliveries of ``topic`` to ``uri`` fail ``times`` times in a row; Shopify deletes the subscription at 8."""
        self._subscriptions.fail_deliveries(uri, topic, times)

    def wrong_credentials(self) -> dict[str, str]:
        """This store's domain with an access token it refuses."""
        return {"shop_domain": self.shop_domain, "access_token": f"shpat_wrong_{self._token[::-1]}"}

    def rotate_token(self, access_token: str) -> None:
        """The app's access token is replaced on Shopify: the old one is refused from now on."""
        self._token = access_token

    def set_timezone(self, name: str) -> None:
        """Make ``name`` the shop's ``ianaTimezone``: bare dates in searches become days there."""
        self._store.set_timezone(ZoneInfo(name))
        self._shop["ianaTimezone"] = name

    # --- orders ------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime,
        total: Decimal | str | None = None,
        financial_status: str = "PAID",
        email: str | None = None,
        customer: tuple[str, str] | None = None,
        line_items: list[dict[str, Any]] | None = None,
        cancelled: bool = False,
        closed: bool = False,
        test: bool = False,
        name: str | None = None,
    ) -> dict[str, Any]:
        """Add one order and return it as the API serves it (a live record: read, don't mutate)."""
        amount = None if total is None else Decimal(str(total))
        items = line_items or [{"title": "Store item", "price": amount if amount is not None else "25.00"}]
        lines = tuple(
            LineSpec(
                title=item["title"],
                price=Decimal(str(item["price"])),
                quantity=int(item.get("quantity", 1)),
                sku=item.get("sku"),
                variant_title=item.get("variant_title"),
                vendor=item.get("vendor"),
            )
            for item in items
        )
        spec = OrderSpec(
            created_at=created_at,
            lines=lines,
            financial_status=financial_status,
            email=email,
            customer=customer,
            buyer_name=customer,
            total=amount,
            cancelled=cancelled,
            closed=closed,
            test=test,
            name=name,
        )
        return self._add(spec)

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        """A paid order with two lines and a customer; a seller may type its name (with or without
        the prefix's ``#``), its numeric id (from the admin URL) or its gid."""
        self._seeded += 1
        n = self._seeded
        node = self.add_order(
            created_at=placed_at,
            email=f"buyer{n}@example.com",
            customer=("Kit", f"Buyer {n}"),
            line_items=[
                {"title": "Stoneware mug", "price": f"{12 + n % 17}.50", "quantity": 1 + n % 3, "sku": f"MUG-{n}"},
                {"title": "Tote bag", "price": "9.99", "quantity": 1, "sku": "TOTE-1"},
            ],
        )
        name: str = node["name"]
        references = [name, name.removeprefix("#"), node["legacyResourceId"], node["id"]]
        money = node["totalPriceSet"]["shopMoney"]
        return SeededOrder(
            order_id=node["legacyResourceId"],
            order_number=name,
            references=tuple(dict.fromkeys(references)),
            placed_at=datetime.fromisoformat(node["createdAt"]),
            total=Decimal(money["amount"]),
            currency=money["currencyCode"],
        )

    def order_nodes(self) -> list[dict[str, Any]]:
        """Every order as stored (``lineItems`` a plain list), oldest first: live records, read, don't mutate."""
        return [o.node for o in sorted(self._store.orders, key=lambda o: (o.created, o.numeric_id))]

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[dict[str, Any]]:
        """Add ``count`` realistic orders created in ``[start, end)``, in creation order (names ascend)."""
        rng = random.Random(seed)
        return [self._add(fake.random_spec(rng, t, as_of=end)) for t in fake.random_times(rng, count, start, end)]

    def _add(self, spec: OrderSpec) -> dict[str, Any]:
        order = self._builder.build(spec)
        self._store.add(order)
        return order.node

    # --- bulk operations ---------------------------------------------------------------------

    def bulk_operations(self) -> list[dict[str, Any]]:
        """Every bulk query operation of the app, oldest first, as ``node(id:)`` serves it (URLs relative)."""
        return [self._bulk.node(operation, "") for operation in self._bulk.held]

    def add_running_bulk_operation(self, query: str = "{ products { edges { node { id } } } }") -> str:
        """A bulk query the app started elsewhere (another import, a worker that died) that keeps running until
        ``finish_bulk_operations``; its gid."""
        return self._bulk.add_running(query).gid

    def finish_bulk_operations(self) -> None:
        """End every bulk operation still running, now."""
        self._bulk.finish_all()

    def fail_next_bulk_operation(self, error_code: str = "INTERNAL_SERVER_ERROR", *, partial: float = 0.0) -> None:
        """The next bulk query started ends FAILED with ``error_code`` (``ACCESS_DENIED``, ``INTERNAL_SERVER_ERROR``,
        ``TIMEOUT``) after its run; ``partial`` (0 to 1) of its lines are then served at ``partialDataUrl``."""
        self._bulk.fail_next(BulkFailure(error_code, partial))

    def _bulk_roots(self, field: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        """Every order a bulk query's ``orders`` field matches; the emulator bulk-queries orders only."""
        if field != "orders":
            raise ValueError("The emulator runs bulk queries of orders only")
        return self._store.view(arguments.get("query"), arguments["sortKey"], arguments["reverse"]).nodes

    async def _bulk_results(self, request: web.Request) -> web.StreamResponse:
        """A bulk operation's JSONL file (or what a failed one wrote), streamed; no authentication, as Shopify's
        signed storage URLs."""
        found = self._bulk.by_token(request.match_info["token"])
        if found is None:
            return web.Response(status=404, text="NoSuchKey")
        operation, _ = found
        lines = operation.lines[: operation.written(self._bulk.clock())]
        response = web.StreamResponse(headers={"Content-Type": "application/jsonl"})
        response.content_length = sum(len(line) for line in lines)
        await response.prepare(request)
        for start in range(0, len(lines), 500):
            await response.write(b"".join(lines[start : start + 500]))
        await response.write_eof()
        return response

    # --- HTTP --------------------------------------------------------------------------------

    def app(self) -> web.Application:
        late = [latency_middleware(*self._latency)] if self._latency else []
        app = web.Application(middlewares=[*late, self._record])
        app.router.add_post("/admin/api/{version}/graphql.json", self._graphql)
        app.router.add_get(f"{RESULTS_PATH}/{{token}}", self._bulk_results)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        body = await request.read()
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        headers = {k: ("[redacted]" if k.lower() == TOKEN_HEADER.lower() else v) for k, v in request.headers.items()}
        self.requests.append({"method": request.method, "path": request.path, "headers": headers, "json": payload})
        response: web.StreamResponse = await handler(request)
        return response

    async def _graphql(self, request: web.Request) -> web.StreamResponse:
        """Each GraphQL request consumes one fault; a throttle answers THROTTLED with the bucket untouched."""
        fault = await self.take_fault()
        if fault and fault.kind == "fail":
            return _fail(fault)
        if fault and fault.kind == "garbage":
            return garbage_response()
        if not _VERSION.match(request.match_info["version"]):
            return _json({"errors": "Not Found"}, status=404)
        if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, "").encode(), self._token.encode()):
            return _json(_INVALID_TOKEN, status=401)
        request_body = await _read_request(request)
        if request_body is None:
            return _json(_BAD_REQUEST, status=400)
        version, base_url = request.match_info["version"], str(request.url.origin())
        answer = self._answer(
            *request_body, force_throttle=bool(fault and fault.kind == "throttle"), version=version, base_url=base_url
        )
        if fault and fault.kind == "truncate":
            full = web.Response(body=_dumps(answer).encode(), content_type="application/json")
            return await truncated_response(request, full)
        return _json(answer, headers=fault.retry_headers if fault else None)

    def _answer(
        self,
        query: str,
        variables: dict[str, Any],
        operation: str | None,
        *,
        force_throttle: bool,
        version: str,
        base_url: str,
    ) -> dict[str, Any]:
        """The GraphQL response body: cost checks, then execution against the store."""
        document, errors = parse_and_validate(query)
        requested = requested_cost(document, variables, operation) if document and not errors else 0
        if force_throttle:
            low = min(self._bucket.available(), max(requested - 10, 0))
            return self._refusal("Throttled", "THROTTLED", requested, available=low)
        if requested > MAX_QUERY_COST:
            message = (
                f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST}).\n\n"
                "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                "cost of a query is calculated.\n\n"
                "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                "See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n"
            )
            return self._refusal(message, "MAX_COST_EXCEEDED", requested, cost=requested, maxCost=MAX_QUERY_COST)
        if requested > self._bucket.available():
            self.throttled += 1
            return self._refusal("Throttled", "THROTTLED", requested)
        if document is None or errors:
            return {"errors": [format_error(e) for e in errors], "extensions": self._cost(0, 0)}
        context = Context(
            store=self._store,
            shop=self._shop,
            subscriptions=self._subscriptions,
            bulk=self._bulk,
            version=version,
            base_url=base_url,
        )
        return self._execute(document, variables, operation, requested, context)

    def _execute(
        self,
        document: DocumentNode,
        variables: dict[str, Any],
        operation: str | None,
        requested: int,
        context: Context,
    ) -> dict[str, Any]:
        self._bucket.spend(requested)
        result = execute_sync(
            SCHEMA, document, context_value=context, variable_values=variables, operation_name=operation
        )
        # a null ``data`` (a failed non-null root field) is charged as requested
        actual = requested if result.data is None else actual_cost(document, variables, operation, result.data)
        self._bucket.spend(actual - requested)  # refund what was not used
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        body["data"] = result.data
        body["extensions"] = self._cost(requested, actual)
        if context.search:
            body["extensions"]["search"] = context.search
        return body

    def _cost(self, requested: int, actual: int | None, available: float | None = None) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": self._bucket.status(available),
            }
        }

    def _refusal(
        self, message: str, code: str, requested: int, *, available: float | None = None, **details: Any
    ) -> dict[str, Any]:
        """A cost refusal: nothing executed, ``actualQueryCost`` null."""
        extensions = {"code": code, **details, "documentation": DOCS}
        return {
            "errors": [{"message": message, "extensions": extensions}],
            "extensions": self._cost(requested, None, available),
        }


async def _read_request(request: web.Request) -> tuple[str, dict[str, Any], str | None] | None:
    """``(query, variables, operationName)`` from a JSON or ``application/graphql`` body; ``None`` if unusable."""
    text = await request.text()
    if request.content_type == "application/graphql":
        return (text, {}, None) if text.strip() else None
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    query, variables, operation = body.get("query"), body.get("variables") or {}, body.get("operationName")
    if not isinstance(query, str) or not query.strip() or not isinstance(variables, dict):
        return None
    return query, variables, operation if isinstance(operation, str) else None


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    headers = {"X-Request-Id": str(uuid.uuid4()), **(headers or {})}
    return web.json_response(body, status=status, dumps=_dumps, headers=headers)


def _dumps(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def _fail(fault: Fault) -> web.Response:
    reason = _ERROR_BODIES.get(fault.status) or HTTPStatus(fault.status).phrase
    return _json({"errors": reason}, status=fault.status, headers=fault.retry_headers)


DEMO_TOKEN = "shpat_demo_0c3f9d2b7a6e4f18b5d1e2a9c4b7f603"
DEMO_WEBHOOK_SECRET = "shpss_demo_5e1b7c2d9a4f4e08b3c6d7a1f2e9b480"


def demo_emulator() -> DemoEmulator:
    """The Shopify store ``order-import demo`` starts: ~40 orders over the 8 hours before ``now``."""
    credentials = {
        "shop_domain": "demo-shop.myshopify.com",
        "access_token": DEMO_TOKEN,
        "webhook_secret": DEMO_WEBHOOK_SECRET,
    }
    return DemoEmulator(
        platform_id="shopify",
        store_name="Demo Shopify store",
        credentials=credentials,
        make_double=_demo_store,
    )


def _demo_store(now: datetime, seed: int) -> ShopifyEmulator:
    # Shopify Plus limits (bucket 10,000, 1,000 points/s): the demo shows the product, not the throttle.
    emulator = ShopifyEmulator(
        shop_domain="demo-shop.myshopify.com",
        access_token=DEMO_TOKEN,
        webhook_secret=DEMO_WEBHOOK_SECRET,
        bucket_size=10_000.0,
        restore_rate=1_000.0,
    )
    rng = random.Random(seed)
    older = fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1))
    recent = fake.random_times(rng, 37, now - timedelta(hours=8), now)
    specials = {  # recent-order index -> (financial status, cancelled): every demo shows the unusual cases
        4: ("REFUNDED", True),
        11: ("PENDING", False),
        17: ("VOIDED", True),
        23: ("PARTIALLY_REFUNDED", False),
        30: ("REFUNDED", False),
        34: ("AUTHORIZED", False),
    }
    for created_at in older:
        emulator._add(fake.random_spec(rng, created_at, as_of=now))
    for index, created_at in enumerate(recent):
        spec = fake.random_spec(rng, created_at, as_of=now)
        if index in specials:
            status, cancelled = specials[index]
            spec = replace(
                spec, financial_status=status, cancelled=cancelled, fulfillment_status="UNFULFILLED", closed=False
            )
        emulator._add(spec)
    return emulator
