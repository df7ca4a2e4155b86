"""The emulator: routing, WordPress's REST answers, fault injection and the Python API for tests."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from server.platforms.testing import FaultQueueDouble, SeededOrder, latency_middleware, truncated_response

from . import changes, fake, webhooks
from .auth import ApiKey, Authenticator, AuthRequest
from .dates import bound_epoch
from .errors import WPError, no_route
from .hooks import MAX_FAILED_DELIVERIES, Hook, Hooks
from .limits import HostLimit, WindowLimit
from .orders import Address, LineSpec, OrderBuilder, OrderSpec, StoredOrder, render
from .params import ORDER_STATUSES, DateBound, ListQuery, parse_list_query
from .php import QueryValue, build_query, parse_query, urlencode
from .response import SECRET_HEADERS, SECRET_PARAMS, dumps, garbage, json_response, maintenance, throttled
from .store import OrderStore, View

__all__ = ["WooCommerceEmulator"]

_ORDERS = re.compile(r"/wc/v3/orders", re.IGNORECASE)
_ORDER = re.compile(r"/wc/v3/orders/(\d+)", re.IGNORECASE)
_WEBHOOKS = re.compile(r"/wc/v3/webhooks", re.IGNORECASE)
_WEBHOOK = re.compile(r"/wc/v3/webhooks/(\d+)", re.IGNORECASE)
_EDITABLE = ("POST", "PUT", "PATCH")
_NOT_FOUND = (
    "<!DOCTYPE html><html><head><title>Page not found</title></head>"
    "<body><h1>Oops! That page can’t be found.</h1></body></html>"
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DEFAULT_WEBHOOK_SECRET = "k]7F&q2Z!vR9@xL#m4T^w8N(pB3)yH6*cJ1%dS5$gE0-uA_Ye="  # wp_generate_password(50, true, true)


class WooCommerceEmulator(FaultQueueDouble):
    """One WooCommerce site's REST API v3 orders endpoints; see the package docstring."""

    page_size = 100
    throttle_retry_after = 1

    def __init__(
        self,
        *,
        site_url: str = "https://shop.example.com",
        consumer_key: str = "ck_0b5f2e3c7a9d41e68f2c5b7a9e1d3f5a7c9e1b3d",
        consumer_secret: str = "cs_4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f",
        currency: str = "USD",
        timezone: str = "UTC",
        tls: bool = False,
        strip_authorization_header: bool = False,
        number_format: str | None = None,
        number_searchable: bool = True,
        drafts_in_any: bool = True,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        first_id: int = 1000,
        seed: int = 0,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_id: int = 1,
        update_webhook_id: int | None = None,
        key_permissions: str = "read_write",
        rate_limit: HostLimit | None = None,
        clock: Callable[[], float] = time.monotonic,
        latency: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self._limit = None if rate_limit is None else WindowLimit(rate_limit, clock)
        self.latency = latency
        self.site_url = site_url.rstrip("/")
        self.webhook_id = webhook_id
        self.update_webhook_id = webhook_id + 1 if update_webhook_id is None else update_webhook_id
        self._webhook_secret = webhook_secret
        self._salt = hashlib.sha256(f"auth salt of {self.site_url}".encode()).hexdigest()
        self.currency = currency
        self.tls = tls
        self.strip_authorization_header = strip_authorization_header
        self.number_format = number_format
        self.number_searchable = number_searchable
        self.drafts_in_any = drafts_in_any
        self.now = now
        self.requests: list[dict[str, Any]] = []
        self._key = ApiKey(consumer_key, consumer_secret)
        self._auth = Authenticator(self._key, tls=tls, now=now)
        self._zone = ZoneInfo(timezone)
        self._store = OrderStore()
        self._ids = random.Random(seed)
        self._last_id = first_id - 1
        self._sequence = 0
        self._builder = OrderBuilder(self._next_post_id, seed)
        self._rng = random.Random(seed)
        self._encoded: dict[str, dict[int, bytes]] = {}
        self.key_permissions = key_permissions
        self._hooks = Hooks(next_id=max(webhook_id, self.update_webhook_id) + 1)
        self._updates: list[tuple[dict[str, Any], int]] = []  # order.updated: the order as delivered, and when

    # --- PlatformDouble ----------------------------------------------------------------------

    def credentials(self) -> Mapping[str, str]:
        """The site, the REST API key pair and the ``order.created`` webhook's secret as it was set."""
        return {
            "site_url": self.site_url,
            "consumer_key": self._key.consumer_key,
            "consumer_secret": self._key.consumer_secret,
            "webhook_secret": self._webhook_secret,
        }

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """Each order's ``order.created`` delivery, oldest first, sent the second the order was created.

        Block-checkout drafts (``checkout-draft``) get none: WooCommerce fires ``woocommerce_new_order``
        only when an order leaves the draft statuses. Trashed orders get none either: their delivery
        went out before they were trashed, and the emulator keeps no earlier state of an order. The
        body is the order as the REST API serves it now.
        """
        return self.order_webhooks_for(self.credentials())

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_webhooks()`` signed with ``credentials["webhook_secret"]``."""
        return [
            webhooks.delivery(
                render(order, self._zone, self.site_url),
                site_url=self.site_url,
                webhook_id=self.webhook_id,
                secret=credentials["webhook_secret"],
                salt=self._salt,
                delivered_at=order.created,
            )
            for order in self._store.oldest_first()
            if order.status not in ("checkout-draft", "trash")
        ]

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The ``order.updated`` delivery of every change so far (``set_status``, ``refund_order``), oldest first:
        each carries the order as it stood just after that change."""
        return self.order_change_webhooks_for(self.credentials())

    def order_change_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_change_webhooks()`` signed with ``credentials["webhook_secret"]``."""
        return [
            webhooks.delivery(
                order,
                site_url=self.site_url,
                webhook_id=self.update_webhook_id,
                secret=credentials["webhook_secret"],
                salt=self._salt,
                delivered_at=at,
                topic="order.updated",
            )
            for order, at in self._updates
        ]

    def ping_delivery(self, webhook_id: int | None = None) -> tuple[dict[str, str], bytes]:
        """The unsigned ``webhook_id=<id>`` form post WooCommerce sends when webhook ``webhook_id`` is saved."""
        return webhooks.ping(self.webhook_id if webhook_id is None else webhook_id)

    # --- webhooks (hooks) ---------------------------------------------------------------------

    def registered_webhooks(self) -> list[Hook]:
        """The site's webhooks (live records, with the secret and failure count the API never serves)."""
        return list(self._hooks.held)

    def add_webhook(self, topic: str, delivery_url: str, *, status: str = "active", secret: str = "") -> Hook:
        """A webhook saved earlier, in the admin or by another app."""
        return self._hooks.add(topic, delivery_url, secret=secret or self._webhook_secret, status=status)

    def fail_deliveries(self, hook_id: int, times: int = MAX_FAILED_DELIVERIES) -> None:
        """``times`` failed deliveries of webhook ``hook_id`` in a row; at 5 WooCommerce disables it."""
        self._hooks.fail_deliveries(self._hooks.get(hook_id), times)

    def wrong_credentials(self) -> Mapping[str, str]:
        secret = self._key.consumer_secret
        wrong = secret[:-4] + ("0000" if not secret.endswith("0000") else "1111")
        return {**self.credentials(), "consumer_secret": wrong}

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        spec = fake.random_spec(self._rng, placed_at, status="processing", currency=self.currency)
        order = self._add(spec)
        forms = [order.number, f"#{order.number}"] if self._number_findable(order) else []
        references = tuple(dict.fromkeys([*forms, str(order.id)]))
        return SeededOrder(
            order_id=str(order.id),
            order_number=order.number,
            references=references,
            placed_at=datetime.fromtimestamp(order.created, UTC),
            total=order.total,
            currency=order.currency,
        )

    def set_timezone(self, name: str) -> None:
        """The site's time zone setting (IANA): ``date_*`` fields and naive date filters follow it."""
        self._zone = ZoneInfo(name)
        self._encoded.clear()

    # --- changes after an order was placed ------------------------------------------------------

    def set_status(self, order_id: int, status: str) -> None:
        """Move an order to another status (``cancelled``, ``completed``...); WooCommerce sends ``order.updated``."""
        if status not in ORDER_STATUSES or status == "checkout-draft":
            raise ValueError(f"unknown order status {status!r}")
        order = self._changing(order_id)
        changes.set_status(order, status, at=self._epoch_now())
        self._changed(order)

    def refund_order(self, order_id: int, amount: Decimal | str | None = None, *, reason: str = "") -> None:
        """Refund ``amount`` of an order (all that remains by default, which makes it ``refunded``);
        WooCommerce sends ``order.updated``."""
        order = self._changing(order_id)
        value = None if amount is None else Decimal(str(amount))
        changes.refund(order, value, refund_id=self._next_post_id(), reason=reason, at=self._epoch_now())
        self._changed(order)

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full."""
        self.refund_order(int(order_id))

    def _changing(self, order_id: int) -> StoredOrder:
        order = self._store.get(order_id)
        if order is None:
            raise KeyError(f"no order {order_id}")
        return order

    def _changed(self, order: StoredOrder) -> None:
        for cache in self._encoded.values():
            cache.pop(order.id, None)
        self._store.changed()
        self._updates.append((render(order, self._zone, self.site_url), order.modified))

    def _epoch_now(self) -> int:
        return int(self.now().timestamp())

    # --- orders ------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime,
        status: str = "processing",
        total: Decimal | str | None = None,
        line_items: Sequence[Mapping[str, Any]] | None = None,
        currency: str | None = None,
        number: str | None = None,
        billing: Mapping[str, str] | None = None,
        customer_id: int = 0,
        payment_method: tuple[str, str] = ("stripe", "Credit Card (Stripe)"),
        paid: bool | None = None,
        shipping: Decimal | str = "0",
        refunded: Decimal | str = "0",
        created_via: str | None = None,
    ) -> dict[str, Any]:
        """Add one order and return it as the API serves it (links under ``site_url``).

        ``line_items`` are dicts with ``name``, ``price`` and optionally ``quantity``,
        ``sku``, ``product_id``, ``variation_id``; without them one line costs ``total``
        (default 25.00). ``status`` is any order status, ``checkout-draft`` or ``trash``.
        """
        if status not in (*ORDER_STATUSES, "trash"):
            raise ValueError(f"unknown order status {status!r}")
        draft = status == "checkout-draft"
        lines = tuple(
            LineSpec(
                name=item["name"],
                price=Decimal(str(item["price"])),
                quantity=int(item.get("quantity", 1)),
                sku=item.get("sku", ""),
                product_id=int(item.get("product_id", 0)),
                variation_id=int(item.get("variation_id", 0)),
            )
            for item in line_items or [{"name": "Store item", "price": total if total is not None else "25.00"}]
        )
        default_buyer = {} if draft else {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
        spec = OrderSpec(
            created_at=created_at,
            lines=lines,
            status=status,
            currency=currency or self.currency,
            billing=Address(**(default_buyer if billing is None else billing)),
            customer_id=customer_id,
            shipping=Decimal(str(shipping)),
            shipping_method=None if not Decimal(str(shipping)) else ("Flat rate", "flat_rate:1"),
            payment=("", "") if draft else payment_method,
            paid=paid,
            refunded=Decimal(str(refunded)),
            number=number,
            created_via=created_via or ("store-api" if draft else "checkout"),
        )
        return self.add_spec(spec)

    def add_spec(self, spec: OrderSpec) -> dict[str, Any]:
        """Add an order from a full ``OrderSpec`` (every field under the test's control); return it as served."""
        return render(self._add(spec), self._zone, self.site_url)

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[int]:
        """Add ``count`` realistic orders created in ``[start, end)``; return their ids, oldest first."""
        rng = random.Random(seed)
        times = fake.random_times(rng, count, start, end)
        return [self._add(fake.random_spec(rng, t, currency=self.currency)).id for t in times]

    def _add(self, spec: OrderSpec) -> StoredOrder:
        order_id = self._next_post_id()
        self._sequence += 1
        number = spec.number or self._number(order_id, spec.created_at)
        order = self._builder.build(spec, order_id, number)
        self._store.add(order)
        return order

    def _next_post_id(self) -> int:
        """WordPress post ids are shared with products, pages and refunds, so order ids have gaps."""
        self._last_id += self._ids.choice((1, 1, 1, 2, 3, 7))
        return self._last_id

    def _number(self, order_id: int, created_at: datetime) -> str:
        if self.number_format is None:
            return str(order_id)
        return self.number_format.format(seq=self._sequence, id=order_id, year=created_at.year)

    def _number_findable(self, order: StoredOrder) -> bool:
        return order.number == str(order.id) or self.number_searchable

    # --- HTTP --------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record, self._inject])
        if self.latency:
            app.middlewares.insert(0, latency_middleware(*self.latency))
        app.router.add_route("*", "/{tail:.*}", self._serve)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        query = {k: ("[redacted]" if k in SECRET_PARAMS else v) for k, v in request.query.items()}
        headers = {k: ("[redacted]" if k.lower() in SECRET_HEADERS else v) for k, v in request.headers.items()}
        self.requests.append({"method": request.method, "path": request.path, "query": query, "headers": headers})
        return await handler(request)

    @web.middleware
    async def _inject(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every request consumes one fault, before authentication: a fail is ``wp_die`` (nothing run), a
        throttle a host's or WAF's 429 (core has no limit), garbage PHP notices printed before the JSON."""
        fault = await self.take_fault()
        if fault is None:
            refused = self._limit.admit() if self._limit else None
            return throttled(refused) if refused else await handler(request)
        if fault.kind == "fail":
            return maintenance(fault.status, fault.retry_headers)
        if fault.kind == "throttle":
            return throttled(fault.retry_headers)
        response = await handler(request)
        assert isinstance(response, web.Response) and isinstance(response.body, bytes)
        return garbage(response.body) if fault.kind == "garbage" else await truncated_response(request, response)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.path != "/wp-json" and not request.path.startswith("/wp-json/"):
            return web.Response(status=404, text=_NOT_FOUND, content_type="text/html")
        origin = f"{request.scheme}://{request.host}"
        query = parse_query(request.rel_url.raw_query_string)
        authorization = "" if self.strip_authorization_header else request.headers.get("Authorization", "")
        route = request.path[len("/wp-json") :].rstrip("/")
        try:
            user = self._auth.authenticate(
                AuthRequest(request.method, f"{origin}{request.rel_url.raw_path}", query, authorization)
            )
            if user and request.method in _EDITABLE and "write" not in self.key_permissions:
                raise WPError(401, "woocommerce_rest_authentication_error", _NO_WRITE)
            if _WEBHOOKS.fullmatch(route) or _WEBHOOK.fullmatch(route):
                return await self._webhooks(request, route, user, origin, query)
            if request.method not in ("GET", "HEAD"):
                raise no_route()
            if _ORDERS.fullmatch(route):
                return self._list(query, user, origin)
            if match := _ORDER.fullmatch(route):
                return self._get(int(match[1]), user, origin)
            raise no_route()
        except WPError as error:
            return json_response(error.body(), origin, status=error.status)

    async def _webhooks(
        self, request: web.Request, route: str, user: bool, origin: str, query: dict[str, QueryValue]
    ) -> web.Response:
        """``/webhooks`` and ``/webhooks/{id}``; webhooks need a user who may manage WooCommerce."""
        reading = request.method in ("GET", "HEAD")
        match = _WEBHOOK.fullmatch(route)
        if not reading and request.method not in (_EDITABLE if match else ("POST",)):
            raise no_route()
        if not user and reading:
            raise WPError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        if not user:
            raise WPError(401, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.")
        if match:
            hook = self._hooks.get(int(match[1]))
            if not reading:
                hook = self._hooks.update(hook, await _json_body(request))
            return json_response(hook.served(origin), origin)
        if not reading:
            return json_response(self._hooks.create(await _json_body(request)).served(origin), origin, status=201)
        hooks, total, pages = self._hooks.listing(query)
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        return json_response(dumps([hook.served(origin) for hook in hooks]), origin, headers=headers)

    def _get(self, order_id: int, user: bool, origin: str) -> web.Response:
        if not user:
            raise WPError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")
        order = self._store.get(order_id)
        if order is None:
            raise WPError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return json_response(self._encode(order, origin), origin)

    def _list(self, query: dict[str, QueryValue], user: bool, origin: str) -> web.Response:
        params = parse_list_query(query)
        if not user:
            raise WPError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        orders = self._store.select(self._view(params))
        start = params.offset or (params.page - 1) * params.per_page
        page = orders[start : start + params.per_page]
        pages = math.ceil(len(orders) / params.per_page)
        links = []
        if params.page > 1:
            links.append(f'<{_page_link(origin, query, min(params.page - 1, pages))}>; rel="prev"')
        if pages > params.page:
            links.append(f'<{_page_link(origin, query, params.page + 1)}>; rel="next"')
        body = b"[" + b",".join(self._encode(order, origin) for order in page) + b"]"
        headers = {"X-WP-Total": str(len(orders)), "X-WP-TotalPages": str(pages)}
        if links:
            headers["Link"] = ", ".join(links)
        return json_response(body, origin, headers=headers)

    def _view(self, params: ListQuery) -> View:
        def epoch(bound: DateBound | None) -> int | None:
            return None if bound is None else bound_epoch(bound, gmt_column=params.dates_are_gmt, site_zone=self._zone)

        hidden = {"trash"} if self.drafts_in_any else {"trash", "checkout-draft"}
        return View(
            statuses=None if "any" in params.statuses else frozenset(params.statuses),
            hidden=frozenset(hidden),
            search=params.search,
            include=params.include,
            exclude=params.exclude,
            after=epoch(params.after),
            before=epoch(params.before),
            orderby=params.orderby,
            descending=params.order == "desc",
            number_searchable=self.number_searchable,
        )

    def _encode(self, order: StoredOrder, origin: str) -> bytes:
        cache = self._encoded.setdefault(origin, {})
        encoded = cache.get(order.id)
        if encoded is None:
            encoded = cache[order.id] = dumps(render(order, self._zone, origin))
        return encoded


_NO_WRITE = "The API key provided does not have write permissions."


async def _json_body(request: web.Request) -> dict[str, Any]:
    """The JSON body's parameters, as ``WP_REST_Request::get_json_params`` reads them."""
    text = await request.text()
    try:
        body = json.loads(text) if text.strip() else {}
    except ValueError:
        raise WPError(400, "rest_invalid_json", "Invalid JSON body passed.") from None
    return body if isinstance(body, dict) else {}


def _page_link(origin: str, query: dict[str, QueryValue], page: int) -> str:
    """``add_query_arg('page', n, add_query_arg($request->get_query_params(), rest_url(...)))``.

    The first call joins the decoded values unencoded; the second parses that
    string again (a ``+`` in a value becomes a space) and encodes every value.
    """
    reparsed = parse_query(build_query(query))
    encoded: dict[str, QueryValue] = {
        key: [urlencode(item) for item in value] if isinstance(value, list) else urlencode(value)
        for key, value in reparsed.items()
    }
    encoded["page"] = str(page)
    return f"{origin}/wp-json/wc/v3/orders?{build_query(encoded)}"
