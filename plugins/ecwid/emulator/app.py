"""The emulator's HTTP side and Python API: routing, auth, the rate limit and fault injection."""

from __future__ import annotations

import hmac
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from server.platforms import DemoEmulator
from server.platforms.testing import (
    FaultQueueDouble,
    SeededOrder,
    garbage_response,
    latency_middleware,
    truncated_response,
)

from . import changes, fake, webhooks
from .limits import RateLimiter
from .orders import LineSpec, OrderBuilder, OrderSpec
from .profile import store_profile
from .query import MAX_LIMIT, UNFINISHED, WrongParameter, parse_query
from .store import OrderStore, StoredOrder

STORE_ID_FIELD = "store_id"
TOKEN_FIELD = "access_token"
CLIENT_SECRET_FIELD = "client_secret"
DEFAULT_STORE_ID = 81_453_027
DEFAULT_TOKEN = "secret_4nKq8ZfE2wTgR7yVbX1cH9mJ3pLdS6aU"
DEFAULT_CLIENT_SECRET = "Xc7QmK2pZr9LwT4vNb6H"
REDACTED = "[redacted]"
_ERRORS = {  # documented errorCode and description per status (docs.ecwid.com "REST API error codes")
    400: ("WRONG_PARAMETER", "Wrong request parameter."),
    402: ("NOT_AVAILABLE_ON_CURRENT_PLAN", "Feature not available on current plan"),
    403: ("INVALID_API_TOKEN", "Invalid access token in the request."),
    404: ("ORDER_NOT_FOUND", "Order with specified ID was not found."),
    405: ("METHOD_NOT_ALLOWED", "HTTP request type is not supported for the specified endpoint."),
    408: ("TIMEOUT", "Request failed due to timeout."),
    429: (
        "RATE_LIMITED",
        "Too many requests, rate limit exceeded. Access token of the app will be temporarily blocked.",
    ),
    500: ("INTERNAL_ERROR", "Internal error."),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class EcwidEmulator(FaultQueueDouble):
    """One Ecwid store's REST API v3 for orders; see the package docstring for the API."""

    page_size = MAX_LIMIT
    throttle_retry_after = 1

    def __init__(
        self,
        *,
        store_id: int = DEFAULT_STORE_ID,
        token: str = DEFAULT_TOKEN,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        unfinished_webhooks: bool = True,
        store_name: str = "Demo Ecwid store",
        currency: str = "USD",
        order_prefix: str = "",
        order_suffix: str = "",
        timezone: str = "UTC",
        requests_per_minute: int = 600,
        accept_query_token: bool = False,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed: int = 0,
        latency: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self.latency = latency
        self.store_id = store_id
        self.store_name = store_name
        self.currency = currency
        self.order_prefix = order_prefix
        self.order_suffix = order_suffix
        self.timezone = str(ZoneInfo(timezone))
        self.accept_query_token = accept_query_token
        self.now = now
        self.requests: list[dict[str, Any]] = []
        self._token = token
        self._client_secret = client_secret
        self.unfinished_webhooks = unfinished_webhooks
        self._limiter = RateLimiter(requests_per_minute, clock)
        self._rng = random.Random(seed)
        self._store = OrderStore()
        self._builder = OrderBuilder(
            store_id=store_id, currency=currency, prefix=order_prefix, suffix=order_suffix, now=now, seed=seed
        )
        self._updates: list[changes.OrderUpdate] = []

    # --- PlatformDouble ------------------------------------------------------------------------

    def credentials(self) -> Mapping[str, str]:
        """The store id, the app's ``secret_*`` access token and the app's client secret (webhook signatures)."""
        return {
            STORE_ID_FIELD: str(self.store_id),
            TOKEN_FIELD: self._token,
            CLIENT_SECRET_FIELD: self._client_secret,
        }

    def wrong_credentials(self) -> Mapping[str, str]:
        return {**self.credentials(), TOKEN_FIELD: "secret_" + self._token[7:][::-1] + "x"}

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """Each order's creation event, oldest first: ``order.created``, or ``unfinished_order.created``
        for an unfinished (``INCOMPLETE``) order unless ``unfinished_webhooks`` is off."""
        return self.order_webhooks_for(self.credentials())

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_webhooks()`` signed with the app's client secret in ``credentials``."""
        return [
            webhooks.delivery(order, store_id=self.store_id, client_secret=credentials[CLIENT_SECRET_FIELD])
            for order in self._store.oldest_first()
            if self.unfinished_webhooks or order.payment_status != UNFINISHED
        ]

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The ``order.updated`` event of every change so far (``set_statuses``, ``refund_order``), oldest first."""
        return self.order_change_webhooks_for(self.credentials())

    def order_change_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_change_webhooks()`` signed with the app's client secret in ``credentials``."""
        secret = credentials[CLIENT_SECRET_FIELD]
        return [
            webhooks.event_delivery(
                changes.ORDER_UPDATED, u.event_id, u.created, u.internal_id, u.data, self.store_id, secret
            )
            for u in self._updates
        ]

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        """Add a paid order created at ``placed_at`` (to the second): findable by ``id`` and ``internalId``."""
        spec = fake.random_spec(self._rng, placed_at, as_of=self.now())
        spec = replace(spec, payment_status="PAID", fulfillment_status="AWAITING_PROCESSING")
        order = self._add(spec)
        return SeededOrder(
            order_id=str(order.internal_id),
            order_number=order.order_id,
            references=tuple(dict.fromkeys((order.order_id, str(order.internal_id), order.uid))),
            placed_at=datetime.fromtimestamp(order.created, UTC),
            total=Decimal(str(order.payload["total"])),
            currency=self.currency,
        )

    def set_timezone(self, name: str) -> None:
        """Set the profile's ``formatsAndUnits.timezone``; API times stay UTC (``+0000``) whatever it is."""
        self.timezone = str(ZoneInfo(name))

    # --- orders --------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime,
        total: Decimal | str | None = None,
        payment_status: str = "PAID",
        fulfillment_status: str = "AWAITING_PROCESSING",
        email: str = "",
        buyer: tuple[str, str] | None = None,
        lines: list[dict[str, Any]] | None = None,
        shipping: Decimal | str = "0",
        tax_rate: Decimal | str = "0",
        coupon: tuple[str, Decimal | str] | None = None,
        uid: str | None = None,
        internal_id: int | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
    ) -> dict[str, Any]:
        """Add one order and return it as the API serves it (read it, don't mutate it).

        ``lines``: dicts with ``name``, ``price`` and optional ``quantity``, ``sku``,
        ``digital``, ``options`` (``[(name, value)]``). ``payment_status="INCOMPLETE"`` adds an
        unfinished order. ``uid``/``prefix``/``suffix`` make a custom order id.
        """
        amount = None if total is None else Decimal(str(total))
        items = lines or [{"name": "Store item", "price": amount if amount is not None else "25.00"}]
        spec = OrderSpec(
            created_at=created_at,
            lines=tuple(
                LineSpec(
                    name=item["name"],
                    price=Decimal(str(item["price"])),
                    quantity=int(item.get("quantity", 1)),
                    sku=item.get("sku", ""),
                    options=tuple(item.get("options", ())),
                    digital=bool(item.get("digital", False)),
                )
                for item in items
            ),
            payment_status=payment_status,
            fulfillment_status=fulfillment_status,
            email=email,
            buyer=buyer,
            registered=buyer is not None,
            shipping=Decimal(str(shipping)),
            tax_rate=Decimal(str(tax_rate)),
            coupon=(coupon[0], Decimal(str(coupon[1]))) if coupon else None,
            total=amount,
            uid=uid,
            internal_id=internal_id,
            prefix=prefix,
            suffix=suffix,
        )
        return self._add(spec).payload

    def set_statuses(self, reference: str, *, payment: str | None = None, fulfillment: str | None = None) -> None:
        """Give a placed order a new ``paymentStatus`` (``CANCELLED``...) and/or ``fulfillmentStatus``; Ecwid
        sends ``order.updated``. ``reference`` is any form of the order's id."""
        order = self._changing(reference)
        self._changed(changes.set_statuses(order, payment=payment, fulfillment=fulfillment, **self._change_args()))

    def refund_order(self, reference: str, amount: Decimal | str | None = None, *, reason: str = "") -> None:
        """Refund ``amount`` of a paid order (all that remains by default: ``REFUNDED``); Ecwid sends
        ``order.updated``."""
        order = self._changing(reference)
        value = None if amount is None else Decimal(str(amount))
        self._changed(changes.refund(order, value, reason=reason, **self._change_args()))

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full."""
        self.refund_order(order_id)

    def _changing(self, reference: str) -> StoredOrder:
        order = self._store.find(str(reference))
        if order is None:
            raise KeyError(f"no order {reference}")
        return order

    def _change_args(self) -> dict[str, int]:
        return {"at": int(self.now().timestamp()), "store_id": self.store_id, "sequence": len(self._updates)}

    def _changed(self, update: changes.OrderUpdate) -> None:
        self._store.changed()
        self._updates.append(update)

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[dict[str, Any]]:
        """Add ``count`` realistic orders created in ``[start, end)``: mostly paid, a few refunded or unpaid."""
        rng = random.Random(seed)
        return [
            self._add(fake.random_spec(rng, t, as_of=end)).payload for t in fake.random_times(rng, count, start, end)
        ]

    def _add(self, spec: OrderSpec) -> StoredOrder:
        order = self._builder.build(spec)
        self._store.add(order)
        return order

    # --- HTTP ----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate])
        if self.latency:
            app.middlewares.insert(0, latency_middleware(*self.latency))
        app.router.add_get("/api/v3/{store_id}/orders", self._search)
        app.router.add_get("/api/v3/{store_id}/orders/{order_id}", self._order)
        app.router.add_get("/api/v3/{store_id}/profile", self._profile)
        return app

    @web.middleware
    async def _gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the request, then apply the next fault (every request consumes one; a throttle leaves the
        rate-limit count untouched), auth and the rate limit before the handler."""
        self._record(request)
        fault = await self.take_fault()
        if fault and fault.kind in ("fail", "throttle"):
            return _error(fault.status, retry_after=fault.retry_after)
        if fault and fault.kind == "garbage":
            return garbage_response()
        token = self._presented_token(request)
        if not hmac.compare_digest(token.encode(), self._token.encode()):
            return _error(403)
        if request.match_info.get("store_id", str(self.store_id)) != str(self.store_id):
            return _error(403)  # the token belongs to another store
        if (wait := self._limiter.admit(token)) is not None:
            return _error(429, retry_after=wait)
        response = await handler(request)
        if fault and fault.kind == "truncate" and isinstance(response, web.Response):
            return await truncated_response(request, response)
        return response

    def _presented_token(self, request: web.Request) -> str:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return request.query.get("token", "") if self.accept_query_token else ""

    def _record(self, request: web.Request) -> None:
        headers = {k: (REDACTED if k.lower() == "authorization" else v) for k, v in request.headers.items()}
        query = {k: (REDACTED if k == "token" else v) for k, v in request.query.items()}
        self.requests.append({"method": request.method, "path": request.path, "query": query, "headers": headers})

    async def _search(self, request: web.Request) -> web.Response:
        try:
            query = parse_query(request.query)
        except WrongParameter as exc:
            return _error(400, message=str(exc))
        result = self._store.search(query)
        head = f'{{"total":{result.total},"count":{len(result.items)},"offset":{query.offset},"limit":{query.limit},'
        body = b"".join((head.encode(), b'"items":[', b",".join(o.body for o in result.items), b"]}"))
        return _json_bytes(body)

    async def _order(self, request: web.Request) -> web.Response:
        order = self._store.find(request.match_info["order_id"])
        return _error(404) if order is None else _json_bytes(order.body)

    async def _profile(self, request: web.Request) -> web.Response:
        profile = store_profile(
            store_id=self.store_id,
            store_name=self.store_name,
            currency=self.currency,
            timezone=self.timezone,
            prefix=self.order_prefix,
            suffix=self.order_suffix,
        )
        return _json_bytes(json.dumps(profile, ensure_ascii=False).encode())


def _error(status: int, *, message: str | None = None, retry_after: float | None = None) -> web.Response:
    """Ecwid's error answer: ``{"errorMessage", "errorCode"}`` with the documented code for ``status``."""
    phrase = HTTPStatus(status).phrase
    code, description = _ERRORS.get(status, (phrase.upper().replace(" ", "_"), phrase))
    body = json.dumps({"errorMessage": message or description, "errorCode": code}).encode()
    response = _json_bytes(body, status=status)
    if retry_after is not None:
        response.headers["Retry-After"] = f"{retry_after:g}"
    return response


def _json_bytes(body: bytes, *, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


DEMO_STORE_ID = 92_741_355
DEMO_TOKEN = "secret_dEm0q7Rk2vNw8XbT5hLc3GzY9pJa6Fs4"
DEMO_CLIENT_SECRET = "dM3kQ9wRt7Yp2XcV5bNz"


def demo_emulator() -> DemoEmulator:
    """The Ecwid store ``order-import demo`` starts: ~40 orders, most in the 8 hours before ``now``."""
    return DemoEmulator(
        platform_id="ecwid",
        store_name="Demo Ecwid store",
        credentials={
            STORE_ID_FIELD: str(DEMO_STORE_ID),
            TOKEN_FIELD: DEMO_TOKEN,
            CLIENT_SECRET_FIELD: DEMO_CLIENT_SECRET,
        },
        make_double=demo_store,
    )


def demo_store(now: datetime, seed: int) -> EcwidEmulator:
    """The demo's store: 3 older orders, 36 in the last 8 hours, five of them in unusual states."""
    emulator = EcwidEmulator(
        store_id=DEMO_STORE_ID, token=DEMO_TOKEN, client_secret=DEMO_CLIENT_SECRET, now=lambda: now, seed=seed
    )
    rng = random.Random(seed)
    older = fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1))
    recent = fake.random_times(rng, 36, now - timedelta(hours=8), now)
    specials = {  # recent-order index -> (payment, fulfillment): every demo shows the unusual cases
        4: ("REFUNDED", "WILL_NOT_DELIVER"),
        11: ("AWAITING_PAYMENT", "AWAITING_PROCESSING"),
        17: ("CANCELLED", "WILL_NOT_DELIVER"),
        23: ("PARTIALLY_REFUNDED", "SHIPPED"),
        30: ("INCOMPLETE", "AWAITING_PROCESSING"),  # unfinished: only listed with paymentStatus=INCOMPLETE
    }
    for created_at in older:
        emulator._add(fake.random_spec(rng, created_at, as_of=now))
    for index, created_at in enumerate(recent):
        spec = fake.random_spec(rng, created_at, as_of=now)
        if index in specials:
            payment, fulfillment = specials[index]
            spec = replace(spec, payment_status=payment, fulfillment_status=fulfillment)
        emulator._add(spec)
    return emulator
