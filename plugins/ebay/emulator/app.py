"""The emulator's HTTP side: routes, bearer check, fault injection, request log and the Python API."""

from __future__ import annotations

import copy
import json
import random
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from server.platforms import DemoEmulator
from server.platforms.testing import (
    Fault,
    FaultQueueDouble,
    SeededOrder,
    garbage_response,
    latency_middleware,
    truncated_response,
)

from . import changes, fake
from .auth import DEFAULT_SCOPES, OAuthServer
from .errors import PUBLIC_KEY_NOT_FOUND, TOO_MANY_REQUESTS, EbayError, error_for_status, request_error
from .limits import DailyQuota
from .notifications import NotificationSigner, confirmations, delivery
from .orders import BuyerSpec, LineSpec, OrderBuilder, OrderSpec, StoredOrder, from_millis, millis
from .query import DEFAULT_LIMIT, MAX_LIMIT, ListQuery, parse_list_query, parse_order_ids, tax_breakdown
from .store import OrderStore
from .subscriptions import USER_TOPICS, Notifications, challenge_response, notification_error, page

TOKEN_PATH = "/identity/v1/oauth2/token"
ORDERS_PATH = "/sell/fulfillment/v1/order"
PUBLIC_KEY_PATH = "/commerce/notification/v1/public_key"
DESTINATION_PATH = "/commerce/notification/v1/destination"
SUBSCRIPTION_PATH = "/commerce/notification/v1/subscription"
_ORDER_ID = re.compile(r"\d{2}-\d{5}-\d{5}|\d+-\d+|\d+(?:!\d+)?")
_SECRET_FIELDS = frozenset({"refresh_token", "client_secret", "code", "access_token"})
_GARBAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


class EbayEmulator(FaultQueueDouble):
    """One eBay seller's Sell Fulfillment API and OAuth token endpoint; see the package docstring."""

    page_size = MAX_LIMIT

    def __init__(
        self,
        *,
        seller_username: str = "emulated_seller",
        client_id: str = "EmulSell-OrderImp-PRD-5e6f7a8b9-1c2d3e4f",
        client_secret: str = "PRD-5e6f7a8b9c0d-1e2f-3a4b-5c6d-7e8f",
        refresh_token: str = "v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4xMF8xOkVNVUxBVE9SX1JFRlJFU0hfVE9LRU4=",
        scopes: Sequence[str] = DEFAULT_SCOPES,
        currency: str = "USD",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        token_lifetime: int = 7200,
        history_years: int = 2,
        newest_first: bool = True,
        seed: int = 0,
        alert_email: str | None = "alerts@example.com",
        verify_endpoints: bool = True,
        daily_calls: int | None = None,
        latency: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self._quota = None if daily_calls is None else DailyQuota(daily_calls, now)
        self.latency = latency
        self.currency = currency
        self.now = now
        self.history = timedelta(days=365 * history_years)
        self.newest_first = newest_first
        self.requests: list[dict[str, Any]] = []
        self._oauth = OAuthServer(
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            scopes=frozenset(scopes),
            now=now,
            lifetime=token_lifetime,
        )
        self._store = OrderStore()
        self._builder = OrderBuilder(seller=seller_username, seed=seed, now=now)
        self._rng = random.Random(seed)
        self._signer = NotificationSigner(seed)
        self._confirmed_at: dict[str, datetime] = {}
        self._deliveries: dict[tuple[str, str, datetime], tuple[dict[str, str], bytes]] = {}
        self._notifications = Notifications(now, alert_email)
        self.verify_endpoints = verify_endpoints

    @property
    def token_requests(self) -> int:
        """How many requests reached the token endpoint (refused ones included)."""
        return self._oauth.requests

    # --- orders --------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        created_at: datetime,
        line_items: Sequence[Mapping[str, Any]] | None = None,
        currency: str | None = None,
        payment_status: str = "PAID",
        fulfillment_status: str = "NOT_STARTED",
        cancel_state: str = "NONE_REQUESTED",
        buyer: Mapping[str, str] | None = None,
        note: str | None = None,
        order_id: str | None = None,
        legacy_order_id: str | None = None,
        sales_record_reference: str | None = None,
        checkout_complete: bool = True,
    ) -> dict[str, Any]:
        """Add one order and return it as ``getOrder`` serves it (a copy).

        ``line_items``: dicts with ``title``, ``price`` (per unit) and optional ``quantity``,
        ``sku``, ``shipping``, ``sales_tax`` (eBay-collected), ``variation`` (aspect name to
        value), ``listing_id``. ``buyer``: optional ``username``, ``full_name``, ``email``.
        ``checkout_complete=False`` holds the order back from every endpoint until
        ``complete_checkout``.
        """
        lines = tuple(_line_spec(item) for item in (line_items or [{"title": "Store item", "price": "25.00"}]))
        spec = OrderSpec(
            created_at=created_at,
            lines=lines,
            buyer=self._buyer(buyer or {}),
            currency=currency or self.currency,
            payment_status=payment_status,
            fulfillment_status=fulfillment_status,
            cancel_state=cancel_state,
            note=note,
            order_id=order_id,
            legacy_order_id=legacy_order_id,
            sales_record_reference=sales_record_reference,
        )
        return copy.deepcopy(self._add(spec, visible=checkout_complete).payload)

    def add_random_orders(self, count: int, *, start: datetime, end: datetime, seed: int = 0) -> list[str]:
        """Add ``count`` realistic paid orders created in ``[start, end)``; return their ids, oldest first."""
        rng = random.Random(seed)
        times = fake.random_times(rng, count, start, end)
        return [self._add(fake.random_spec(rng, moment, currency=self.currency)).order_id for moment in times]

    def complete_checkout(self, order_id: str) -> dict[str, Any]:
        """Let a held-back order appear (keeping its ``creationDate``); return it as served.

        Its ORDER_CONFIRMATION notifications are dated now, when the checkout completed."""
        order = self._store.reveal(order_id)
        self._confirmed_at[order.order_id] = self.now()
        return copy.deepcopy(order.payload)

    def refund_order(self, order_id: str, amount: Decimal | str | None = None) -> None:
        """Refund ``amount`` of what the order still owes the seller (all of it by default: FULLY_REFUNDED).

        eBay sends no notification about it (``changes``): it is seen by reading the order."""
        value = None if amount is None else Decimal(str(amount))
        reference = str(self._rng.randrange(5_300_000_000, 5_400_000_000))
        changes.refund(self._changing(order_id), value, at=self.now(), reference=reference)

    def cancel_order(self, order_id: str) -> None:
        """The seller cancels the order (``cancelState`` CANCELED); eBay sends no notification about it."""
        request_id = str(self._rng.randrange(5_000_000_000, 5_400_000_000))
        changes.cancel(self._changing(order_id), at=self.now(), request_id=request_id)

    def change_order(self, order_id: str) -> None:
        """``PlatformDouble``: refund the order in full (``order_change_webhooks()`` stays empty)."""
        self.refund_order(order_id)

    def _changing(self, order_id: str) -> StoredOrder:
        order = self._store.get(order_id)
        if order is None:
            raise KeyError(f"no order {order_id}")
        return order

    def revoke_consent(self) -> None:
        """The seller withdrew the app's access: refresh and access tokens stop working."""
        self._oauth.revoke()

    def _add(self, spec: OrderSpec, *, visible: bool = True) -> StoredOrder:
        order = self._builder.build(spec)
        self._store.add(order, visible=visible)
        return order

    def _buyer(self, given: Mapping[str, str]) -> BuyerSpec:
        generated = fake.random_buyer(self._rng)
        return BuyerSpec(
            username=given.get("username", generated.username),
            full_name=given.get("full_name", generated.full_name),
            email=given.get("email", generated.email),
            address=generated.address,
            phone=generated.phone,
        )

    # --- PlatformDouble ------------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {
            "client_id": self._oauth.client_id,
            "client_secret": self._oauth.client_secret,
            "refresh_token": self._oauth.refresh_token,
        }

    def wrong_credentials(self) -> dict[str, str]:
        return {**self.credentials(), "client_secret": "PRD-0000000000ff-0000-0000-0000-000000000000"}

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        title, sku, price, _ = self._rng.choice(fake.CATALOG)
        line = LineSpec(title=title, price=Decimal(price), sku=sku, shipping=Decimal("5.95"))
        spec = OrderSpec(
            created_at=placed_at, lines=(line,), buyer=fake.random_buyer(self._rng), currency=self.currency
        )
        order = self._add(spec)
        return SeededOrder(
            order_id=order.order_id,
            order_number=order.order_id,
            references=(order.order_id, *order.aliases),
            placed_at=from_millis(order.created),
            total=order.total,
            currency=order.currency,
        )

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The Notification API's ORDER_CONFIRMATION deliveries (headers, raw body) for every order whose
        checkout is complete: one per line item, as eBay sends them, oldest first; each signed with the
        emulator's ECDSA key (``GET /commerce/notification/v1/public_key/{kid}`` serves the public key).
        The same line item always gives the same delivery."""
        pending = [
            (confirmation.at, order.created, index, confirmation)
            for order in self._store.visible()
            for index, confirmation in enumerate(confirmations(order, self._confirmed_at.get(order.order_id)))
        ]
        pending.sort(key=lambda entry: entry[:3])
        deliveries = []
        for _, _, _, confirmation in pending:
            key = (confirmation.order.order_id, confirmation.line_item_id, confirmation.at)
            if key not in self._deliveries:
                self._deliveries[key] = delivery(confirmation, seller=self._builder.seller, signer=self._signer)
            deliveries.append(self._deliveries[key])
        return deliveries

    # --- Notification API destinations and subscriptions ----------------------------------------

    @property
    def destinations(self) -> list[dict[str, Any]]:
        """The app's destinations, as ``getDestinations`` lists them (copies)."""
        return copy.deepcopy(list(self._notifications.destinations.values()))

    @property
    def subscriptions(self) -> list[dict[str, Any]]:
        """The seller's subscriptions, as ``getSubscriptions`` lists them (copies)."""
        return copy.deepcopy(list(self._notifications.subscriptions.values()))

    def add_destination(self, endpoint: str, *, verification_token: str, status: str = "ENABLED") -> str:
        """A destination made earlier (by another app install, or by hand); returns its id."""
        config = {"endpoint": endpoint, "verificationToken": verification_token}
        return self._notifications.add_destination({"name": "Existing", "status": status, "deliveryConfig": config})

    def add_subscription(
        self, destination_id: str, *, topic: str = "ORDER_CONFIRMATION", status: str = "ENABLED"
    ) -> str:
        """A subscription made earlier; returns its id."""
        payload = {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}
        body = {"topicId": topic, "status": status, "destinationId": destination_id, "payload": payload}
        return self._notifications.create_subscription(body)

    def mark_down(self, endpoint: str) -> None:
        """What eBay does when deliveries to ``endpoint`` keep failing: its destination becomes MARKED_DOWN."""
        for destination in self._notifications.destinations.values():
            if destination["deliveryConfig"]["endpoint"] == endpoint:
                destination["status"] = "MARKED_DOWN"

    def disable_subscription(self, subscription_id: str) -> None:
        self._notifications.subscription(subscription_id)["status"] = "DISABLED"

    def delete_subscription(self, subscription_id: str) -> None:
        del self._notifications.subscriptions[subscription_id]

    @property
    def notification_writes(self) -> list[dict[str, Any]]:
        """The logged POST/PUT requests to the Notification API's destinations and subscriptions."""
        paths = (DESTINATION_PATH, SUBSCRIPTION_PATH)
        return [r for r in self.requests if r["method"] in ("POST", "PUT") and r["path"].startswith(paths)]

    @property
    def public_key_id(self) -> str:
        """The ``kid`` of every ``X-EBAY-SIGNATURE`` this emulator sends."""
        return self._signer.kid

    # --- HTTP ----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        if self.latency:
            app.middlewares.insert(0, latency_middleware(*self.latency))
        app.router.add_post(TOKEN_PATH, self._token)
        app.router.add_get(ORDERS_PATH, self._get_orders)
        app.router.add_get(ORDERS_PATH + "/{orderId}", self._get_order)
        app.router.add_get(PUBLIC_KEY_PATH + "/{public_key_id}", self._get_public_key)
        app.router.add_get(DESTINATION_PATH, self._get_destinations)
        app.router.add_post(DESTINATION_PATH, self._create_destination)
        app.router.add_get(DESTINATION_PATH + "/{destination_id}", self._get_destination)
        app.router.add_put(DESTINATION_PATH + "/{destination_id}", self._update_destination)
        app.router.add_get(SUBSCRIPTION_PATH, self._get_subscriptions)
        app.router.add_post(SUBSCRIPTION_PATH, self._create_subscription)
        app.router.add_get(SUBSCRIPTION_PATH + "/{subscription_id}", self._get_subscription)
        app.router.add_post(SUBSCRIPTION_PATH + "/{subscription_id}/enable", self._enable_subscription)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        headers = {k: ("[redacted]" if k.lower() == "authorization" else v) for k, v in request.headers.items()}
        entry: dict[str, Any] = {"method": request.method, "path": request.path, "query": dict(request.query)}
        entry["headers"] = headers
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            entry["form"] = {k: ("[redacted]" if k in _SECRET_FIELDS else str(v)) for k, v in form.items()}
        if request.method in ("POST", "PUT") and request.content_type == "application/json":
            try:
                entry["json"] = _redacted(await request.json())
            except ValueError:
                entry["json"] = None
        self.requests.append(entry)
        response: web.StreamResponse = await handler(request)
        return response

    async def _token(self, request: web.Request) -> web.Response:
        form = None
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: str(v) for k, v in (await request.post()).items()}
        status, body = self._oauth.grant(request.headers.get("Authorization"), form)
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def _get_orders(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._orders_page)

    async def _get_order(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._one_order)

    async def _get_public_key(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._public_key, refusal=self._oauth.application_refusal)

    async def _serve(
        self,
        request: web.Request,
        answer: Callable[[web.Request], str],
        *,
        refusal: Callable[[str | None], EbayError | None] | None = None,
    ) -> web.StreamResponse:
        """Apply the next fault (every API request but the token endpoint's consumes one), check the bearer
        token (by default: a user token with a fulfillment scope), then answer (eBay's error body on refusal)."""
        fault = await self.take_fault()
        if (failed := _failed(fault)) is not None:
            return failed
        if self._quota and not self._quota.take():
            return _error(TOO_MANY_REQUESTS)
        refused = (refusal or self._oauth.refusal)(request.headers.get("Authorization"))
        if refused is not None:
            response = _error(refused)
        else:
            try:
                response = _json(answer(request))
            except EbayError as error:
                response = _error(error)
        if fault and fault.kind == "truncate":
            return await truncated_response(request, response, headers={"Content-Type": "application/json"})
        return response

    async def _notification(
        self,
        request: web.Request,
        answer: Callable[[web.Request], Awaitable[web.Response]],
        refusal: Callable[[str | None], EbayError | None],
    ) -> web.StreamResponse:
        """Faults, then the bearer check, then ``answer`` (eBay's error body on refusal)."""
        fault = await self.take_fault()
        if (failed := _failed(fault)) is not None:
            return failed
        refused = refusal(request.headers.get("Authorization"))
        if refused is not None:
            return _error(refused)
        try:
            return await answer(request)
        except EbayError as error:
            return _error(error)

    async def _get_destinations(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            items = list(self._notifications.destinations.values())
            return _json(page(items, "destinations", str(request.url), dict(request.query)))

        return await self._notification(request, answer, self._oauth.application_refusal)

    async def _get_destination(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            destination = self._notifications.destination(request.match_info["destination_id"])
            return _json(json.dumps(destination))

        return await self._notification(request, answer, self._oauth.application_refusal)

    async def _create_destination(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            destination = self._notifications.check_destination(await _body(request))
            await self._challenge(destination["deliveryConfig"])
            destination_id = self._notifications.add_destination(destination)
            location = f"{request.scheme}://{request.host}{DESTINATION_PATH}/{destination_id}"
            return _json("{}", status=201, headers={"Location": location})

        return await self._notification(request, answer, self._oauth.application_refusal)

    async def _update_destination(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            current = self._notifications.destination(request.match_info["destination_id"])
            destination = self._notifications.check_destination(
                await _body(request), replacing=current["destinationId"]
            )
            await self._challenge(destination["deliveryConfig"])
            current.update(destination)
            return web.Response(status=204)

        return await self._notification(request, answer, self._oauth.application_refusal)

    async def _get_subscriptions(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            app = self._oauth.is_application(request.headers.get("Authorization"))
            items = [
                s for s in self._notifications.subscriptions.values() if not app or s["topicId"] not in USER_TOPICS
            ]
            return _json(page(items, "subscriptions", str(request.url), dict(request.query)))

        return await self._notification(request, answer, self._subscription_refusal(write=False))

    async def _get_subscription(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            return _json(json.dumps(self._notifications.subscription(request.match_info["subscription_id"])))

        return await self._notification(request, answer, self._subscription_refusal(write=False))

    async def _create_subscription(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            body = await _body(request)
            topic = body.get("topicId") if isinstance(body, dict) else None
            if topic in USER_TOPICS and self._oauth.is_application(request.headers.get("Authorization")):
                raise notification_error(403, 195011, "Not authorized for this topic.")
            subscription_id = self._notifications.create_subscription(body)
            location = f"{request.scheme}://{request.host}{SUBSCRIPTION_PATH}/{subscription_id}"
            return _json("{}", status=201, headers={"Location": location})

        return await self._notification(request, answer, self._subscription_refusal(write=True))

    async def _enable_subscription(self, request: web.Request) -> web.StreamResponse:
        async def answer(request: web.Request) -> web.Response:
            self._notifications.enable(request.match_info["subscription_id"])
            return web.Response(status=204)

        return await self._notification(request, answer, self._subscription_refusal(write=True))

    def _subscription_refusal(self, *, write: bool) -> Callable[[str | None], EbayError | None]:
        return lambda authorization: self._oauth.subscription_refusal(authorization, write=write)

    async def _challenge(self, config: Mapping[str, str]) -> None:
        """eBay's check that the endpoint is ready: 409 195020 unless it answers the challenge."""
        if not self.verify_endpoints:
            return
        endpoint, code = config["endpoint"], uuid.uuid4().hex
        expected = challenge_response(code, config["verificationToken"], endpoint)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(
                    endpoint, params={"challenge_code": code}, timeout=aiohttp.ClientTimeout(total=5)
                ) as response,
            ):
                answer = await response.json(content_type=None) if response.status == 200 else None
        except (aiohttp.ClientError, TimeoutError, ValueError):
            answer = None
        if not isinstance(answer, dict) or answer.get("challengeResponse") != expected:
            raise notification_error(409, 195020, "Challenge verification failed for requested endpoint")

    def _public_key(self, request: web.Request) -> str:
        if request.match_info["public_key_id"] != self._signer.kid:
            raise PUBLIC_KEY_NOT_FOUND
        return json.dumps(self._signer.public_key(), separators=(",", ":"))

    def _one_order(self, request: web.Request) -> str:
        reference = request.match_info["orderId"]
        breakdown = tax_breakdown(request.query.get("fieldGroups"))
        if not _ORDER_ID.fullmatch(reference):
            raise request_error(32100, f"Invalid order ID: {reference}")
        order = self._lookup(reference)
        if order is None:
            raise request_error(32100, f"Invalid order ID: {reference}", status=404)
        return order.json(listing=False, tax_breakdown=breakdown)

    def _orders_page(self, request: web.Request) -> str:
        params = request.query
        if "orderIds" in params:  # every other parameter is then ignored
            found: dict[str, StoredOrder] = {}
            for reference in parse_order_ids(params["orderIds"]):
                if not _ORDER_ID.fullmatch(reference):  # refused as getOrder refuses it (not confirmed for getOrders)
                    raise request_error(32100, f"Invalid order ID: {reference}")
                if (order := self._lookup(reference)) is not None:
                    found.setdefault(order.order_id, order)
            head = {"href": _href(request, {"orderIds": params["orderIds"]}), "total": len(found)}
            head |= {"limit": DEFAULT_LIMIT, "offset": 0}
            return _envelope(head, found.values(), breakdown=False)
        breakdown = tax_breakdown(params.get("fieldGroups"))
        query = parse_list_query(params, _raw_param(request, "filter"), now=self.now(), history=self.history)
        total, page = self._page(query)
        kept = {k: params[k] for k in ("filter", "fieldGroups") if k in params}
        head = {"href": _href(request, kept | {"limit": query.limit, "offset": query.offset}), "total": total}
        if query.offset + query.limit < total:
            head["next"] = _href(request, kept | {"limit": query.limit, "offset": query.offset + query.limit})
        if query.offset > 0:
            head["prev"] = _href(request, kept | {"limit": query.limit, "offset": max(query.offset - query.limit, 0)})
        head |= {"limit": query.limit, "offset": query.offset}
        return _envelope(head, page, breakdown=breakdown)

    def _page(self, query: ListQuery) -> tuple[int, list[StoredOrder]]:
        """The number of matching orders and the requested page of them, in the listing's order."""
        if query.statuses is None and query.modified is None:  # the common case: two bisects and a slice
            first, stop = self._store.window(query.start, query.end)
            total = stop - first

            def pick(lo: int, hi: int) -> list[StoredOrder]:
                return self._store.between(first + lo, first + hi)

        else:
            matches = self._store.select(query.start, query.end, lambda order: _keeps(query, order))
            total = len(matches)

            def pick(lo: int, hi: int) -> list[StoredOrder]:
                return matches[lo:hi]

        if self.newest_first:
            return total, pick(max(total - query.offset - query.limit, 0), max(total - query.offset, 0))[::-1]
        return total, pick(min(query.offset, total), min(query.offset + query.limit, total))

    def _lookup(self, reference: str) -> StoredOrder | None:
        """The order ``reference`` names, if it is within the two years eBay serves."""
        order = self._store.get(reference)
        if order is None or order.created < millis(self.now() - self.history):
            return None
        return order


async def _body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def _redacted(value: Any) -> Any:
    """A logged JSON body without the destination's verification token."""
    if isinstance(value, dict):
        return {k: ("[redacted]" if k == "verificationToken" else _redacted(v)) for k, v in value.items()}
    return value


def _keeps(query: ListQuery, order: StoredOrder) -> bool:
    if query.statuses is not None and order.fulfillment_status not in query.statuses:
        return False
    return query.modified is None or query.modified[0] <= order.modified <= query.modified[1]


def _line_spec(item: Mapping[str, Any]) -> LineSpec:
    variation = item.get("variation") or {}
    return LineSpec(
        title=item["title"],
        price=Decimal(str(item["price"])),
        quantity=int(item.get("quantity", 1)),
        sku=item.get("sku"),
        shipping=Decimal(str(item.get("shipping", 0))),
        sales_tax=Decimal(str(item.get("sales_tax", 0))),
        variation=tuple(variation.items()),
        listing_id=item.get("listing_id"),
    )


def _raw_param(request: web.Request, name: str) -> str | None:
    """A query parameter as it arrived on the wire, before percent-decoding."""
    for part in request.rel_url.raw_query_string.split("&"):
        key, _, value = part.partition("=")
        if key == name:
            return value
    return None


def _href(request: web.Request, params: Mapping[str, Any]) -> str:
    """A getOrders URI on this host; ``[ ] { } |`` percent-encoded, ``:`` and ``,`` left as eBay leaves them."""
    query = "&".join(f"{key}={quote(str(value), safe=':,.-')}" for key, value in params.items())
    return f"{request.scheme}://{request.host}{ORDERS_PATH}?{query}"


def _envelope(head: dict[str, Any], orders: Iterable[StoredOrder], *, breakdown: bool) -> str:
    """The ``OrderSearchPagedCollection`` JSON, splicing in each order's cached JSON."""
    encoded = ",".join(order.json(listing=True, tax_breakdown=breakdown) for order in orders)
    return json.dumps(head, separators=(",", ":"))[:-1] + ',"orders":[' + encoded + "]}"


def _json(text: str, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=text, status=status, content_type="application/json", headers=headers)


def _error(error: EbayError, *, status: int | None = None, headers: dict[str, str] | None = None) -> web.Response:
    return _json(json.dumps(error.body(), separators=(",", ":")), status=status or error.status, headers=headers)


def _failed(fault: Fault | None) -> web.StreamResponse | None:
    """The answer of a request the fault fails, throttles or garbles before it is read; ``None`` otherwise."""
    if fault and fault.kind in ("fail", "throttle"):
        error = TOO_MANY_REQUESTS if fault.kind == "throttle" else error_for_status(fault.status)
        return _error(error, status=fault.status, headers=fault.retry_headers)
    if fault and fault.kind == "garbage":
        return garbage_response(_GARBAGE)
    return None


DEMO_CREDENTIALS = {
    "client_id": "DemoStor-OrderImp-PRD-8a1b2c3d4-5e6f7a8b",
    "client_secret": "PRD-8a1b2c3d4e5f-6a7b-4c8d-9e0f-1a2b",
    "refresh_token": "v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4xMF8wOkRFTU9fU1RPUkVfUkVGUkVTSF9UT0tFTg==",
    "verification_token": "demo-store-notification-endpoint-verification-0001",
}


def demo_emulator() -> DemoEmulator:
    """The eBay store ``order-import demo`` starts: ~36 orders over the 8 hours before ``now``."""
    return DemoEmulator(
        platform_id="ebay",
        store_name="Demo eBay store",
        credentials=DEMO_CREDENTIALS,
        make_double=demo_store,
    )


def demo_store(now: datetime, seed: int) -> EbayEmulator:
    """The demo seller's orders: 36 recent ones (a few in unusual states), 3 older, 2 unfinished checkouts."""
    emulator = EbayEmulator(
        seller_username="demo_vintage_finds",
        client_id=DEMO_CREDENTIALS["client_id"],
        client_secret=DEMO_CREDENTIALS["client_secret"],
        refresh_token=DEMO_CREDENTIALS["refresh_token"],
        seed=seed,
    )
    rng = random.Random(seed)
    for moment in fake.random_times(rng, 3, now - timedelta(days=6), now - timedelta(days=1)):
        emulator._add(replace(fake.random_spec(rng, moment), fulfillment_status="FULFILLED"))
    specials = {  # recent-order index -> (payment status, fulfillment status, cancel state)
        3: ("FULLY_REFUNDED", "NOT_STARTED", "CANCELED"),
        8: ("PAID", "NOT_STARTED", "IN_PROGRESS"),
        12: ("PARTIALLY_REFUNDED", "FULFILLED", "NONE_REQUESTED"),
        17: ("PENDING", "NOT_STARTED", "NONE_REQUESTED"),
        21: ("PAID", "IN_PROGRESS", "NONE_REQUESTED"),
        27: ("PAID", "FULFILLED", "NONE_REQUESTED"),
    }
    unfinished = {14, 31}  # buyers who have not completed checkout: served by no endpoint
    for index, moment in enumerate(fake.random_times(rng, 38, now - timedelta(hours=8), now)):
        spec = fake.random_spec(rng, moment)
        if index in specials:
            payment, fulfillment, cancel = specials[index]
            spec = replace(spec, payment_status=payment, fulfillment_status=fulfillment, cancel_state=cancel)
        emulator._add(spec, visible=index not in unfinished)
    return emulator
