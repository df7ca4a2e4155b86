"""The emulator's HTTP side: routing, auth, the request quota, fault injection and the Python API."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from server.platforms.testing import (
    FaultQueueDouble,
    SeededOrder,
    garbage_response,
    latency_middleware,
    truncated_response,
)

from . import fake, webhooks
from .formats import NOT_FOUND, STATUS_DESCRIPTIONS, STATUSES, error_body, rfc2822
from .hooks import HookStore, v3_error
from .orders import PAYMENT_STATUS, Buyer, LineSpec, OrderSpec, build_order, build_products, consignments
from .params import MAX_LIMIT, BadParameter, read_filter, read_page, read_sort
from .ratelimit import RequestQuota
from .store import OrderStore, StoredOrder
from .wire import Answer, encode, wants_json

TOKEN_HEADER = "X-Auth-Token"
_PATH = re.compile(r"^/stores/(?P<hash>[^/]+)/(?P<version>v[23])/(?P<rest>.*?)/?$")
_ORDER = re.compile(r"^orders/(?P<id>\d+)(?P<products>/products)?$")
_UNAUTHORIZED = error_body(401, "You are not authorized to access this resource. Check the X-Auth-Token header.")
_THROTTLED = error_body(429, "Too many requests. Retry after the time in X-Rate-Limit-Time-Reset-Ms.")
_FIRST_ORDER_ID = 100
_NO_SCOPE = v3_error(403, "You don't have a required scope to access the endpoint")


class BigCommerceEmulator(FaultQueueDouble):
    """One BigCommerce store's Orders v2 API; see the package docstring for the API."""

    page_size = MAX_LIMIT

    def __init__(
        self,
        *,
        store_hash: str = "s7k3m9q2xw",
        access_token: str = "bc_emulator_access_token",
        client_id: str = "bc_emulator_client_id",
        client_secret: str = "bc_emulator_client_secret_7d1e4a9c2b",
        store_id: str | None = None,
        currency: str = "USD",
        display_currency: str | None = None,
        quota: int = 150,
        window: float = 30.0,
        throttle_reset_ms: int = 100,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timezone: str = "UTC",
        latency: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self.latency = latency
        self.store_hash = store_hash
        self.currency = currency
        self.display_currency = display_currency
        self.now = now
        self.store_tz = ZoneInfo(timezone)
        self.requests: list[dict[str, Any]] = []
        self._token = access_token
        self._client_id = client_id
        self._client_secret = client_secret
        self.store_id = store_id or _store_id(store_hash)
        self._throttle_reset_ms = throttle_reset_ms
        self._quota = RequestQuota(quota, window, clock)
        self._store = OrderStore()
        self._next_product_id = 1
        self.hooks = HookStore(store_hash, client_id)
        self.orders_scope = True
        self._changes: list[_Change] = []
        self._refunded: dict[int, Decimal] = {}

    # --- PlatformDouble ------------------------------------------------------------------------

    def credentials(self) -> Mapping[str, str]:
        """The store hash, the API account's token and the app's client id and client secret."""
        return {
            "store_hash": self.store_hash,
            "access_token": self._token,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """Each order's ``store/order/created`` callback, oldest first, as attempted now.

        The body's ``created_at`` is the order's creation; ``webhook-timestamp`` is the attempt, this
        call (``now()``, never before the order's creation), as Standard Webhooks defines it, so a
        receiver's replay tolerance sees a fresh delivery. Incomplete (status 0) and archived orders
        have one too: the event fires for every order created.
        """
        return self.order_webhooks_for(self.credentials())

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_webhooks()`` signed with ``credentials["client_secret"]``."""
        attempt = int(self.now().timestamp())
        return [
            webhooks.delivery(
                order.id,
                order.created,
                sent=max(attempt, order.created),
                store_hash=self.store_hash,
                store_id=self.store_id,
                client_secret=credentials["client_secret"],
            )
            for order in self._store.oldest_first()
        ]

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The ``store/order/statusUpdated`` and ``store/order/refund/created`` callbacks of every change so far
        (``set_status``, ``refund_order``), oldest first, as attempted now (``order_webhooks()`` explains the times)."""
        return self.order_change_webhooks_for(self.credentials())

    def order_change_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_change_webhooks()`` signed with ``credentials["client_secret"]``."""
        attempt = int(self.now().timestamp())
        return [
            webhooks.delivery(
                change.order_id,
                change.at,
                sent=max(attempt, change.at),
                store_hash=self.store_hash,
                store_id=self.store_id,
                client_secret=credentials["client_secret"],
                scope=change.scope,
                details=change.details,
                sequence=sequence,
            )
            for sequence, change in enumerate(self._changes, 1)
        ]

    def wrong_credentials(self) -> Mapping[str, str]:
        return {**self.credentials(), "access_token": self._token[::-1] + "x"}

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        order = self.add_order(
            created_at=placed_at,
            lines=[
                {"name": "Chemex Coffeemaker 3 Cup", "price": "49.50", "quantity": 2, "sku": "CC3C", "product_id": 88}
            ],
            buyer=Buyer(phone="555-0100", customer_id=11),
            shipping="7.95",
            tax_rate="0.0825",
        )
        number = str(order["id"])
        return SeededOrder(
            order_id=number,
            order_number=number,
            references=(number, f"#{number}"),
            placed_at=placed_at.replace(microsecond=0),
            total=Decimal(order["total_inc_tax"]),
            currency=order["default_currency_code"],
        )

    def set_timezone(self, name: str) -> None:
        """The store's time zone: date filters without an offset are read in it (responses stay in UTC)."""
        self.store_tz = ZoneInfo(name)

    # --- orders --------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime | None = None,
        lines: list[dict[str, Any]] | None = None,
        buyer: Buyer | None = None,
        status_id: int = 11,
        payment_status: str | None = None,
        payment_method: str = "Credit Card",
        shipping: Decimal | str = "0",
        tax_rate: Decimal | str = "0",
        discount: Decimal | str = "0",
        currency: str | None = None,
        display_currency: str | None = None,
        exchange_rate: Decimal | str = "1",
        is_deleted: bool = False,
        order_id: int | None = None,
        external_order_id: str | None = None,
        external_source: str | None = None,
        order_source: str = "www",
        customer_message: str = "",
    ) -> dict[str, Any]:
        """Add one order and return it as the API serves it (a live record: read, don't mutate).

        ``lines`` items: ``{"name", "price" (ex tax), "quantity", "sku", "product_id", "variant_id",
        "brand", "options": [(label, value)]}``. ``currency`` is the transactional currency (default:
        the store's); ``display_currency`` what the shopper saw; ``exchange_rate`` converts the store's
        currency into whichever other one the order uses. Status 0 is an Incomplete order.
        """
        if status_id not in STATUSES:
            raise ValueError(f"unknown status_id {status_id}; one of {sorted(STATUSES)}")
        items = lines or [{"name": "Store item", "price": "25.00"}]
        spec = OrderSpec(
            created_at=self.now() if created_at is None else created_at,
            lines=tuple(_line(item) for item in items),
            buyer=buyer or Buyer(),
            status_id=status_id,
            payment_status=payment_status,
            payment_method=payment_method,
            shipping=Decimal(str(shipping)),
            tax_rate=Decimal(str(tax_rate)),
            discount=Decimal(str(discount)),
            currency=currency or self.currency,
            display_currency=display_currency or self.display_currency,
            store_currency=self.currency,
            exchange_rate=Decimal(str(exchange_rate)),
            is_deleted=is_deleted,
            order_id=order_id,
            external_order_id=external_order_id,
            external_source=external_source,
            order_source=order_source,
            customer_message=customer_message,
        )
        return self.add_spec(spec)

    def add_spec(self, spec: OrderSpec) -> dict[str, Any]:
        """Add the order ``spec`` describes, as it is (``add_order`` fills one in from the store's defaults)."""
        order_id = spec.order_id or max(self._store.max_id() + 1, _FIRST_ORDER_ID)
        products = build_products(spec, order_id, self._next_product_id)
        payload = build_order(spec, order_id, self.store_hash, products)
        created = int(spec.created_at.replace(microsecond=0).timestamp())
        stored = StoredOrder(payload, products, created, created + int(spec.modified_after.total_seconds()))
        self._store.add(stored)
        self._next_product_id += len(products)
        return payload

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[dict[str, Any]]:
        """Add ``count`` realistic orders created in ``[start, end)``, ids ascending with creation time."""
        rng = random.Random(seed)
        return [
            self.add_spec(
                fake.random_spec(rng, t, as_of=end, currency=self.currency, display_currency=self.display_currency)
            )
            for t in fake.random_times(rng, count, start, end)
        ]

    def products_of(self, order_id: int) -> list[dict[str, Any]]:
        """The order's line items as ``GET /orders/{id}/products`` serves them (all pages)."""
        order = self._store.get(order_id)
        if order is None:
            raise KeyError(order_id)
        return order.products

    def archive_order(self, order_id: int) -> None:
        """Archive an order (``DELETE /v2/orders/{id}``): it leaves the default listing, ``is_deleted`` true."""
        self._update(order_id, is_deleted=True)

    def set_status(self, order_id: int, status_id: int) -> None:
        """Move an order to another status; its name, payment status and ``date_modified`` follow, and
        BigCommerce sends ``store/order/statusUpdated`` (when the status changed)."""
        if status_id not in STATUSES:
            raise ValueError(f"unknown status_id {status_id}")
        order = self._store.get(order_id)
        previous = None if order is None else order.payload["status_id"]
        name = STATUSES[status_id][0]
        payment = PAYMENT_STATUS[status_id]
        self._update(order_id, status_id=status_id, status=name, custom_status=name, payment_status=payment)
        if previous != status_id:
            status = {"previous_status_id": previous, "new_status_id": status_id}
            self._change(order_id, webhooks.STATUS_UPDATED, {"status": status})

    def refund_order(self, order_id: int, amount: Decimal | str | None = None) -> int:
        """Refund ``amount`` of a paid order (all that remains by default) and return the refund's id.

        As a refund through the control panel or the payment actions API does: BigCommerce sends
        ``store/order/refund/created``, and the order moves to Refunded (4), or Partially Refunded (14)
        while money remains, with its ``store/order/statusUpdated``. V2's ``refunded_amount`` stays 0,
        as documented.
        """
        order = self._store.get(order_id)
        if order is None:
            raise KeyError(order_id)
        total = Decimal(order.payload["total_inc_tax"])
        remaining = total - self._refunded.get(order_id, Decimal(0))
        if order.payload["payment_status"] not in ("captured", "partially refunded") or remaining <= 0:
            raise ValueError(f"order {order_id} holds no captured money to refund")
        value = remaining if amount is None else Decimal(str(amount))
        if not 0 < value <= remaining:
            raise ValueError(f"a refund must be more than 0 and at most {remaining}")
        self._refunded[order_id] = self._refunded.get(order_id, Decimal(0)) + value
        refund_id = 1 + sum(1 for change in self._changes if change.scope == webhooks.REFUND_CREATED)
        self._change(order_id, webhooks.REFUND_CREATED, {"refund": {"refund_id": refund_id}})
        self.set_status(order_id, 4 if value == remaining else 14)
        return refund_id

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full."""
        self.refund_order(int(order_id))

    def _change(self, order_id: int, scope: str, details: dict[str, Any]) -> None:
        order = self._store.get(order_id)
        assert order is not None
        at = max(int(self.now().timestamp()), order.created)
        self._changes.append(_Change(scope, order_id, at, details))

    def _update(self, order_id: int, **fields: Any) -> None:
        order = self._store.get(order_id)
        if order is None:
            raise KeyError(order_id)
        order.payload.update(fields)
        modified = max(self.now().replace(microsecond=0), datetime.fromtimestamp(order.created, UTC))
        order.payload["date_modified"] = rfc2822(modified)
        order.modified = int(modified.timestamp())
        self._store.changed(order)

    # --- HTTP ----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        if self.latency:
            app.middlewares.append(latency_middleware(*self.latency))
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        headers = {k: ("[redacted]" if k.lower() == TOKEN_HEADER.lower() else v) for k, v in request.headers.items()}
        self.requests.append(
            {"method": request.method, "path": request.path, "query": dict(request.query), "headers": headers}
        )
        fault = await self.take_fault()  # every request consumes one
        if fault and fault.kind == "fail":
            answer = Answer(fault.status, error_body(fault.status, HTTPStatus(fault.status).phrase))
            return self._send(request, answer, self._quota.headers() | fault.retry_headers)
        if fault and fault.kind == "throttle":  # nothing left, the window resetting in ``throttle_reset_ms``
            quota = self._quota.headers(reset_ms=self._throttle_reset_ms, left=0)
            return self._send(request, Answer(429, _THROTTLED), quota | fault.retry_headers)
        if fault and fault.kind == "garbage":
            return garbage_response(headers=self._quota.headers())
        response = self._send(request, self._answer(request, await request.read()))
        if fault and fault.kind == "truncate":
            return await truncated_response(request, response)
        return response

    def _answer(self, request: web.Request, body: bytes) -> Answer:
        match = _PATH.match(request.path)
        if match is None:
            return Answer(404, NOT_FOUND)
        token = request.headers.get(TOKEN_HEADER, "").encode()
        if match["hash"] != self.store_hash or not hmac.compare_digest(token, self._token.encode()):
            return Answer(401, _UNAUTHORIZED)
        if not self._quota.take():
            return Answer(429, _THROTTLED)
        if not self.orders_scope:  # the API account lacks the Orders scope: no orders, no order webhooks
            return Answer(403, _NO_SCOPE if match["version"] == "v3" else error_body(403, _NO_SCOPE["title"]))
        if match["version"] == "v3":
            now = int(self.now().timestamp())
            return self.hooks.answer(request.method, match["rest"], request.query, body, now)
        if request.method != "GET":
            return Answer(405, error_body(405, "The requested method is not supported by this resource."))
        rest = match["rest"]
        try:
            if rest == "orders":
                return self._list(request.query)
            if rest == "orders/count":
                return self._count(request.query)
            if order := _ORDER.match(rest):
                if order["products"]:
                    return self._products(int(order["id"]), request.query)
                return self._order(int(order["id"]), request.query)
        except BadParameter as exc:
            return Answer(exc.status, error_body(exc.status, str(exc)))
        return Answer(404, NOT_FOUND)

    def _list(self, query: Mapping[str, str]) -> Answer:
        where, page, (sort, descending) = read_filter(query, self.store_tz), read_page(query), read_sort(query)
        orders = self._store.select(where, sort, descending)
        chunk = orders[page.slice(len(orders))]
        if not chunk:
            return Answer(204)
        if "include" not in query:
            return Answer(raw=b"[" + b",".join(o.encoded() for o in chunk) + b"]", root="orders")
        embeds = _Embeds.asked(query, fees=False)
        encoded = (o.encoded_as(embeds, partial(self._expanded, o, embeds)) for o in chunk)
        return Answer(raw=b"[" + b",".join(encoded) + b"]", root="orders")

    def _order(self, order_id: int, query: Mapping[str, str]) -> Answer:
        order = self._store.get(order_id)
        if order is None:
            return Answer(404, NOT_FOUND)
        return Answer(body=self._expanded(order, _Embeds.asked(query, fees=True)), root="order")

    def _expanded(self, order: StoredOrder, embeds: _Embeds) -> dict[str, Any]:
        """The order with what ``include`` asks for (``fees``, ``consignments[.line_items]``)."""
        body = dict(order.payload)
        if embeds.fees:
            body["fees"] = []
        if embeds.consignments:
            structure = consignments(order.payload, order.products, self.store_hash, embed=embeds.line_items)
            body["consignments"] = structure if embeds.as_object else [structure]
        return body

    def _products(self, order_id: int, query: Mapping[str, str]) -> Answer:
        order = self._store.get(order_id)
        if order is None:
            return Answer(404, NOT_FOUND)
        chunk = order.products[read_page(query).slice(len(order.products))]
        return Answer(body=chunk, root="products") if chunk else Answer(204)

    def _count(self, query: Mapping[str, str]) -> Answer:
        counts = self._store.count_by_status(read_filter(query, self.store_tz))
        statuses = [
            {
                "id": status_id,
                "name": name,
                "system_label": name,
                "custom_label": name,
                "system_description": STATUS_DESCRIPTIONS[status_id],
                "count": counts.get(status_id, 0),
                "sort_order": sort_order,
            }
            for status_id, (name, sort_order) in sorted(STATUSES.items(), key=lambda item: item[1][1])
        ]
        return Answer(body={"statuses": statuses, "count": sum(counts.values())}, root="orders")

    def _send(self, request: web.Request, answer: Answer, quota: dict[str, str] | None = None) -> web.Response:
        headers = quota or self._quota.headers()
        if answer.empty:
            return web.Response(status=204, headers=headers)
        v3 = "/v3/" in request.path  # the v3 API answers JSON only
        body, content_type = encode(answer, v3 or wants_json(request.headers.get("Accept", "")))
        return web.Response(status=answer.status, body=body, content_type=content_type, headers=headers)


@dataclass(frozen=True, slots=True)
class _Embeds:
    """What an order read embeds: ``fees``, ``consignments`` (their ``line_items`` too), as an object or an array."""

    fees: bool
    consignments: bool
    line_items: bool
    as_object: bool

    @classmethod
    def asked(cls, query: Mapping[str, str], *, fees: bool) -> _Embeds:
        """What ``include`` and ``consignment_structure`` ask for; ``fees``: embedded whatever they say."""
        include = {part.strip() for part in query.get("include", "").split(",")}
        line_items = "consignments.line_items" in include
        return cls(
            fees=fees or "fees" in include,
            consignments=line_items or "consignments" in include,
            line_items=line_items,
            as_object=query.get("consignment_structure") == "object",
        )


@dataclass(frozen=True, slots=True)
class _Change:
    """A change BigCommerce sends a callback about: its scope, the order, when (unix seconds), ``data``'s details."""

    scope: str
    order_id: int
    at: int
    details: dict[str, Any]


def _store_id(store_hash: str) -> str:
    """A stable numeric store id for ``store_hash`` (webhooks carry both; the API paths only the hash)."""
    return str(1_000_000_000 + int(hashlib.sha1(store_hash.encode()).hexdigest()[:8], 16) % 100_000_000)


def _line(item: Mapping[str, Any]) -> LineSpec:
    return LineSpec(
        name=item["name"],
        price=Decimal(str(item["price"])),
        quantity=int(item.get("quantity", 1)),
        sku=item.get("sku", ""),
        product_id=int(item.get("product_id", 0)),
        variant_id=int(item.get("variant_id", 0)),
        brand=item.get("brand", ""),
        options=tuple(item.get("options", ())),
    )
