"""``PayPalEmulator``: the Python API tests drive, and the aiohttp application serving PayPal's API."""

from __future__ import annotations

import inspect
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
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

from . import events, fake
from .auth import TokenService
from .errors import debug_id, not_found, rest_error
from .formats import quantize
from .ids import IdMaker
from .ledger import Ledger
from .limits import MinuteLimit
from .payloads import Merchant, capture_body, order_body
from .records import (
    CAPTURE_STATUSES,
    ORDER_STATUSES,
    Buyer,
    Capture,
    Item,
    PayPalOrder,
    Refund,
    order_total,
    paypal_fee,
)
from .registry import WebhookRegistry
from .rows import order_rows
from .search import MAX_PAGE_SIZE, SearchRefused, answer, parse_request, self_link
from .webhooks import WebhookSigner, completed, delivery, refunded_event, signed

TOKEN_LIFETIME = timedelta(seconds=32400)
DEFAULT_WEBHOOK_ID = "5GP028458E2496506"
_REDACTED = "[redacted]"
_HOOKS = "/v1/notifications/webhooks"
_GARBAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"

Handler = Callable[[web.Request], web.Response | Awaitable[web.Response]]


class PayPalEmulator(FaultQueueDouble):
    """One PayPal business account's REST API; see the package docstring for the API."""

    page_size = MAX_PAGE_SIZE

    def __init__(
        self,
        *,
        client_id: str = "AfEmu1atorC1ientIdForOrderImportTests-Sandbox-9Qk2",
        client_secret: str = "EKemu1atorSecretForOrderImportTests-Sandbox-7d3f",
        merchant_id: str = "XZXSPECPDZHZU",
        merchant_email: str = "sb-merchant@business.example.com",
        webhook_id: str = DEFAULT_WEBHOOK_ID,
        timezone: str = "UTC",
        reporting_lag: timedelta | None = None,
        reporting_refresh: timedelta | None = None,
        token_lifetime: timedelta = TOKEN_LIFETIME,
        transaction_search_enabled: bool = True,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed: int = 0,
        requests_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        latency: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self._limit = None if requests_per_minute is None else MinuteLimit(requests_per_minute, clock)
        self.latency = latency
        self.client_id, self._secret = client_id, client_secret
        self.merchant = Merchant(merchant_id=merchant_id, email=merchant_email)
        if reporting_refresh is not None and (
            reporting_refresh < timedelta(seconds=1) or reporting_refresh % timedelta(seconds=1)
        ):
            raise ValueError("reporting_refresh must be a whole number of seconds")
        self.reporting_lag = reporting_lag
        self.reporting_refresh = reporting_refresh
        self.now = now
        self.requests: list[dict[str, Any]] = []
        self._zone = ZoneInfo(timezone)
        self._rng = random.Random(seed)
        self._ids = IdMaker(seed)
        self._orders: dict[str, PayPalOrder] = {}
        self._by_capture: dict[str, PayPalOrder] = {}
        self._ledger = Ledger()
        self._events = events.EventLog()
        self._webhooks = WebhookSigner(webhook_id)
        self.listeners = WebhookRegistry()
        self.webhooks_permitted = True
        self._tokens = TokenService(
            client_id=client_id,
            secret=client_secret,
            lifetime=token_lifetime,
            search_enabled=transaction_search_enabled,
            now=now,
            ids=IdMaker(seed + 1),  # tokens draw from their own sequence: order ids do not depend on logins
        )

    @property
    def webhook_id(self) -> str:
        """The id of the webhook (listener URL) the emulator delivers to, as the developer portal shows it."""
        return self._webhooks.webhook_id

    @property
    def token_requests(self) -> int:
        """How many ``POST /v1/oauth2/token`` requests arrived (a well-behaved client caches its token)."""
        return self._tokens.requests

    def refreshed_at(self) -> datetime | None:
        """Up to when Transaction Search has data (its ``last_refreshed_datetime``); ``None``: no lag modelled.

        ``now - reporting_lag`` to the second; with ``reporting_refresh`` the data is refreshed in steps (UTC
        hours for one hour), each step ``reporting_lag - reporting_refresh`` after it ends, so the time ends in
        ``:59:59`` as PayPal's does and the lag varies between the two (2-3 h for a 3 h lag refreshed hourly).
        """
        if self.reporting_lag is None:
            return None
        moment = self.now() - self.reporting_lag
        if self.reporting_refresh is None:
            return moment.astimezone(UTC).replace(microsecond=0)
        step = int(self.reporting_refresh.total_seconds())
        ends = int((moment + self.reporting_refresh).timestamp()) // step * step
        return datetime.fromtimestamp(ends - 1, UTC)

    # --- PlatformDouble ----------------------------------------------------------------------

    def credentials(self) -> Mapping[str, str]:
        return {"client_id": self.client_id, "client_secret": self._secret, "webhook_id": self.webhook_id}

    def wrong_credentials(self) -> Mapping[str, str]:
        return {**self.credentials(), "client_secret": self._secret[:-6] + "WRONG0"}

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        """A paid order captured at ``placed_at``; a seller may type its order id or its transaction id."""
        spec = fake.random_order(self._rng) | {"captured_after": timedelta(0)}
        order = self.add_order(created_at=placed_at, **spec)
        assert order.capture is not None
        return SeededOrder(
            order_id=order.id,
            order_number=order.capture.id,
            references=(order.id, order.capture.id),
            placed_at=order.created_at,
            total=order.total,
            currency=order.currency,
        )

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """``PAYMENT.CAPTURE.COMPLETED`` for every order whose capture completed, in the order the captures
        completed; signed for ``webhook_id`` (check them with ``POST /v1/notifications/verify-webhook-signature``).

        A capture still ``PENDING`` (or declined) has had no such event; a refunded one had it before the refund.
        An order added with ``webhook_lost=True`` is left out: its delivery never arrived (the events list,
        ``GET /v1/notifications/webhooks-events``, still has the event).
        """
        return self.order_webhooks_for(self.credentials())

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_webhooks()`` as PayPal sends them to the webhook ``credentials["webhook_id"]``."""
        paid = [order for order in self._orders.values() if completed(order) and not order.webhook_lost]
        paid.sort(key=lambda order: order.capture.created_at if order.capture else order.created_at)
        webhook_id = credentials["webhook_id"]
        return [delivery(order, merchant=self.merchant, signer=self._webhooks, webhook_id=webhook_id) for order in paid]

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """``PAYMENT.CAPTURE.REFUNDED`` for every refund (those of ``refund_order`` and those an order was added
        with), in the order they were made; signed for ``webhook_id``. Orders added with ``webhook_lost=True``
        are left out, as in ``order_webhooks()``."""
        return self.order_change_webhooks_for(self.credentials())

    def order_change_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_change_webhooks()`` as PayPal sends them to the webhook ``credentials["webhook_id"]``."""
        refunds = [
            (r.created_at, n, r, o)
            for o in self._orders.values()
            if not o.webhook_lost
            for n, r in enumerate(o.refunds)
        ]
        refunds.sort(key=lambda entry: entry[:2])
        return [
            signed(
                refunded_event(order, refund, merchant=self.merchant),
                signer=self._webhooks,
                webhook_id=credentials["webhook_id"],
            )
            for _, _, refund, order in refunds
        ]

    def set_timezone(self, name: str) -> None:
        """The account's time zone: Transaction Search writes every date in it."""
        self._zone = ZoneInfo(name)
        self._ledger = Ledger(row for order in self._orders.values() for row in order_rows(order, self._zone))

    # --- orders ------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime,
        items: Sequence[Mapping[str, Any]] | None = None,
        total: Decimal | str | None = None,
        currency: str = "USD",
        shipping: Decimal | str = "0",
        status: str = "COMPLETED",
        capture_status: str | None = None,
        captured_after: timedelta = timedelta(0),
        refund: Decimal | str | None = None,
        refunded_after: timedelta = timedelta(hours=2),
        buyer: tuple[str, str] | None = ("John", "Doe"),
        email: str | None = None,
        address: tuple[str, str, str, str, str] | None = None,
        invoice_id: str | None = None,
        custom_id: str | None = None,
        description: str | None = None,
        order_id: str | None = None,
        capture_id: str | None = None,
        display_row: bool = False,
        webhook_lost: bool = False,
    ) -> PayPalOrder:
        """Add one checkout order; only a ``COMPLETED`` order has a capture (and so a reporting row).

        ``items`` are ``{"name", "price", "quantity"=1, "sku"=None, "tax"=0 (per unit)}``; without
        them one item makes up ``total`` (default 25.00). ``capture_status`` defaults to COMPLETED,
        or (PARTIALLY_)REFUNDED when ``refund`` is given. ``buyer`` is ``(given name, surname)`` or
        ``None`` for no payer details; ``address`` is ``(street, city, state, country, postal code)``.
        ``webhook_lost``: PayPal's webhook deliveries for the order never arrived (see ``order_webhooks``).
        """
        if created_at.utcoffset() is None:
            raise ValueError("created_at must be timezone-aware")
        if status not in ORDER_STATUSES:
            raise ValueError(f"unknown order status {status!r}; one of {sorted(ORDER_STATUSES)}")
        created = created_at.astimezone(UTC).replace(microsecond=0)
        freight = quantize(Decimal(str(shipping)), currency)
        lines = _items(items, total, currency, freight)
        oid = self._ids.claim(order_id) if order_id else self._ids.transaction()
        capture: Capture | None = None
        refunds: tuple[Refund, ...] = ()
        if status == "COMPLETED":
            amount = order_total(lines, freight, currency)
            capture, refunds = self._capture(
                amount, currency, created + captured_after, capture_status, capture_id, refund, refunded_after
            )
        elif capture_status or refund or capture_id:
            raise ValueError("only a COMPLETED order has a capture")
        order = PayPalOrder(
            id=oid,
            status=status,
            intent="CAPTURE",
            created_at=created,
            updated_at=capture.created_at if capture else created,
            currency=currency,
            items=lines,
            shipping=freight,
            buyer=self._buyer(buyer, email, address),
            capture=capture,
            refunds=refunds,
            invoice_id=invoice_id,
            custom_id=custom_id,
            description=description,
            display_row=display_row,
            webhook_lost=webhook_lost,
        )
        self._orders[oid] = order
        if capture is not None:
            self._by_capture[capture.id] = order
        self._ledger.add(order_rows(order, self._zone))
        self._events.add(events.order_events(order, self.merchant.merchant_id))
        return order

    def refund_order(self, order_id: str, amount: Decimal | str | None = None) -> Refund:
        """Refund ``amount`` of the order's capture (all that remains by default), now.

        The capture becomes REFUNDED, or PARTIALLY_REFUNDED while money remains; the refund gets its own
        transaction (a ``T1107`` row) and its ``PAYMENT.CAPTURE.REFUNDED`` event. Returns the refund.
        """
        order = self._orders.get(order_id)
        capture = order.capture if order else None
        if order is None or capture is None or capture.status not in ("COMPLETED", "PARTIALLY_REFUNDED"):
            raise ValueError(f"order {order_id} has no completed capture to refund")
        remaining = capture.amount - sum((r.amount for r in order.refunds), Decimal(0))
        value = remaining if amount is None else quantize(Decimal(str(amount)), order.currency)
        if not 0 < value <= remaining:
            raise ValueError(f"a refund must be more than 0 and at most {remaining}")
        at = max(self.now().astimezone(UTC).replace(microsecond=0), capture.created_at)
        refund = Refund(self._ids.transaction(), value, at)
        status = "REFUNDED" if value == remaining else "PARTIALLY_REFUNDED"
        changed = replace(
            order,
            capture=replace(capture, status=status, updated_at=at),
            refunds=(*order.refunds, refund),
            updated_at=at,
        )
        self._orders[order.id] = self._by_capture[capture.id] = changed
        self._ledger.replace([capture.id, *(r.id for r in order.refunds)], order_rows(changed, self._zone))
        self._events.replace(order.id, events.order_events(changed, self.merchant.merchant_id))
        return refund

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full."""
        self.refund_order(order_id)

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[PayPalOrder]:
        """``count`` realistic paid orders created in ``[start, end)``, oldest first."""
        rng = random.Random(seed)
        return [
            self.add_order(created_at=t, **fake.random_order(rng)) for t in fake.random_times(rng, count, start, end)
        ]

    def _capture(
        self,
        amount: Decimal,
        currency: str,
        at: datetime,
        status: str | None,
        capture_id: str | None,
        refund: Decimal | str | None,
        refunded_after: timedelta,
    ) -> tuple[Capture, tuple[Refund, ...]]:
        refunded = quantize(Decimal(str(refund)), currency) if refund is not None else Decimal(0)
        if not 0 <= refunded <= amount:
            raise ValueError(f"refund must be between 0 and the total {amount}")
        default = "REFUNDED" if refunded == amount else "PARTIALLY_REFUNDED" if refunded else "COMPLETED"
        status = status or default
        if status not in CAPTURE_STATUSES:
            raise ValueError(f"unknown capture status {status!r}; one of {sorted(CAPTURE_STATUSES)}")
        cid = self._ids.claim(capture_id) if capture_id else self._ids.transaction()
        refunds = (Refund(self._ids.transaction(), refunded, at + refunded_after),) if refunded else ()
        fee = Decimal(0) if status in ("DECLINED", "FAILED") else paypal_fee(amount, currency)
        updated = refunds[0].created_at if refunds else at
        return Capture(cid, status, amount, fee, at, updated), refunds

    def _buyer(
        self, name: tuple[str, str] | None, email: str | None, address: tuple[str, str, str, str, str] | None
    ) -> Buyer | None:
        if name is None:
            return None
        given, surname = name
        where = {}
        if address is not None:
            line1, city, state, country, postal = address
            where = {"line1": line1, "city": city, "state": state, "country_code": country, "postal_code": postal}
        mail = email or f"{given}.{surname}@example.com".lower()
        return Buyer(given_name=given, surname=surname, email=mail, payer_id=self._ids.payer(), **where)

    # --- HTTP --------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        if self.latency:
            app.middlewares.insert(0, latency_middleware(*self.latency))
        app.router.add_post("/v1/oauth2/token", self._token)
        app.router.add_get("/v2/checkout/orders/{id}", partial(self._api, self._get_order))
        app.router.add_get("/v2/payments/captures/{id}", partial(self._api, self._get_capture))
        app.router.add_get("/v1/reporting/transactions", partial(self._api, self._search))
        app.router.add_get(_HOOKS, partial(self._api, self._hooks_list))
        app.router.add_post(_HOOKS, partial(self._api, self._hooks_create))
        for method in ("GET", "PATCH", "DELETE"):
            app.router.add_route(method, _HOOKS + "/{id}", partial(self._api, self._hook))
        app.router.add_post("/v1/notifications/verify-webhook-signature", partial(self._api, self._verify_webhook))
        for path in (events.LIST_PATH, f"{events.LIST_PATH}/"):  # PayPal's own next links end in "/"
            app.router.add_get(path, partial(self._api, self._list_events))
        return app

    @web.middleware
    async def _record(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        form = dict(await request.post()) if request.method == "POST" else {}
        headers = {k: (_REDACTED if k.lower() == "authorization" else v) for k, v in request.headers.items()}
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": headers,
                "form": {k: (_REDACTED if "secret" in k.lower() else str(v)) for k, v in form.items()},
            }
        )
        return await handler(request)

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        status, body = self._tokens.issue(request.headers.get("Authorization"), form)
        return _json(status, body)

    async def _api(self, handler: Handler, request: web.Request) -> web.StreamResponse:
        """Every API request but the token endpoint's consumes one fault; a throttle is 429 RATE_LIMIT_REACHED."""
        fault = await self.take_fault()
        if fault and fault.kind in ("fail", "throttle"):
            return _json(fault.status, rest_error(fault.status), headers=fault.retry_headers)
        if fault and fault.kind == "garbage":
            return garbage_response(_GARBAGE)
        if self._limit and (wait := self._limit.admit()) is not None:
            return _json(429, rest_error(429), headers={"Retry-After": str(wait)})
        refusal = self._tokens.check(request.headers.get("Authorization"))
        if refusal:
            response = _json(*refusal)
        else:
            answered = handler(request)
            response = await answered if inspect.isawaitable(answered) else answered
        if fault and fault.kind == "truncate":
            return await truncated_response(request, response)
        return response

    def _hooks_list(self, request: web.Request) -> web.Response:
        return self._hooks_answer(self.listeners.list)

    async def _hooks_create(self, request: web.Request) -> web.Response:
        """A listener created through the API is the one deliveries go to from then on (signed with its id)."""
        body = await request.read()
        response = self._hooks_answer(lambda: self.listeners.create(body))
        if response.status == 201:
            self._webhooks.send_to(list(self.listeners.webhooks)[-1])
        return response

    async def _hook(self, request: web.Request) -> web.Response:
        webhook_id, body = request.match_info["id"], await request.read()
        if request.method == "PATCH":
            return self._hooks_answer(lambda: self.listeners.update(webhook_id, body))
        if request.method == "DELETE":
            return self._hooks_answer(lambda: self.listeners.remove(webhook_id))
        return self._hooks_answer(lambda: self.listeners.get(webhook_id))

    def _hooks_answer(self, act: Callable[[], tuple[int, dict[str, Any] | None]]) -> web.Response:
        """``act``'s answer, or 403 NOT_AUTHORIZED (nothing done) for an app not allowed to manage webhooks."""
        if not self.webhooks_permitted:
            return _json(403, rest_error(403))
        status, body = act()
        return web.Response(status=204) if body is None else _json(status, body)

    async def _verify_webhook(self, request: web.Request) -> web.Response:
        return _json(*self._webhooks.verify(await request.read()))

    def _list_events(self, request: web.Request) -> web.Response:
        try:
            query = events.parse_query(request.query)
        except SearchRefused as refused:
            return _json(refused.status, refused.body)
        body = events.answer(
            query,
            self._events.newest_first(),
            now=self.now(),
            merchant=self.merchant,
            query=request.query,
            origin=_origin(request),
        )
        return _json(200, body)

    def _get_order(self, request: web.Request) -> web.Response:
        order = self._orders.get(request.match_info["id"])
        if order is None:
            return _json(404, not_found("orders/v2"))
        return _json(200, order_body(order, origin=_origin(request), merchant=self.merchant))

    def _get_capture(self, request: web.Request) -> web.Response:
        capture_id = request.match_info["id"]
        order = self._by_capture.get(capture_id)
        if order is None:
            return _json(404, not_found("payments/v2", field="capture_id", value=capture_id))
        return _json(200, capture_body(order, origin=_origin(request), merchant=self.merchant))

    def _search(self, request: web.Request) -> web.Response:
        if not self._tokens.search_enabled:
            detail = {
                "issue": "PERMISSION_DENIED",
                "description": "You do not have permission to access or perform operations on this resource.",
            }
            return _json(403, rest_error(403, api="transaction-search/v1", details=[detail]))
        now = self.now()
        try:
            search = parse_request(request.query, now=now)
            text = answer(
                search,
                self._ledger,
                refreshed=self.refreshed_at(),
                now=now,
                zone=self._zone,
                account_number=self.merchant.merchant_id,
                self_link=self_link(_origin(request), request.query, search),
            )
        except SearchRefused as refused:
            return _json(refused.status, refused.body)
        return web.Response(text=text, content_type="application/json", headers={"Paypal-Debug-Id": debug_id()})


def _items(
    items: Sequence[Mapping[str, Any]] | None, total: Decimal | str | None, currency: str, shipping: Decimal
) -> tuple[Item, ...]:
    if items is None:
        amount = Decimal(str(total)) if total is not None else Decimal("25.00") + shipping
        return (Item(name="Store purchase", unit_price=quantize(amount - shipping, currency)),)
    lines = tuple(
        Item(
            name=str(i["name"]),
            unit_price=quantize(Decimal(str(i["price"])), currency),
            quantity=int(i.get("quantity", 1)),
            sku=i.get("sku"),
            tax=quantize(Decimal(str(i.get("tax", 0))), currency),
        )
        for i in items
    )
    if total is not None and order_total(lines, shipping, currency) != quantize(Decimal(str(total)), currency):
        raise ValueError(f"total {total} does not match the items, tax and shipping")
    return lines


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _json(status: int, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None) -> web.Response:
    headers = {"Paypal-Debug-Id": str(body.get("debug_id") or debug_id()), **(headers or {})}
    return web.Response(
        text=json.dumps(body, separators=(",", ":")), status=status, content_type="application/json", headers=headers
    )
