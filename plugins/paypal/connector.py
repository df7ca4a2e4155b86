"""The PayPal connector, over Orders v2, Payments v2 captures, Transaction Search v1 and the webhook event list.

Every call carries ``Authorization: Bearer <token>``; the token comes from
``POST /v1/oauth2/token`` (client credentials, HTTP Basic) and is kept in the
store's ``ConnectorState`` until five minutes before it expires: PayPal treats
fetching a token per call as abuse. A call refused with a kept token (expired
or revoked early, or issued before the app gained a permission) gets a new
token and one more try. PayPal's throttle signal is HTTP 429
``RATE_LIMIT_REACHED``, with ``Retry-After`` when it says how long to wait:
``HttpClient`` retries it like a 5xx, so no ``throttle`` or ``wait_header``
callback is needed.

Orders v2 has no batch lookup: a list of ids is looked up ``LOOKUPS`` at a
time, as a listed page's orders are. A store whose API base URL is PayPal's
sandbox (``api-m.sandbox.paypal.com``) gets its orders marked ``test_order``:
the orders carry no such flag themselves.

Webhooks are the app's, not the store's: Webhooks Management v1 (``/v1/notifications/webhooks``)
holds one listener per URL with the events it wants. ``register_webhooks`` creates the listener
for the store's URL, or adds the events it lacks (``PATCH`` of ``/event_types``): those announcing
orders and ``PAYMENT.CAPTURE.REFUNDED``/``REVERSED`` for changes to them (``webhooks``). It keeps
its id in the store's state: deliveries to that URL are verified with it. PayPal never disables a
failing listener (it retries each event for 3 days, then drops it); one deleted in the dashboard
is created again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

import aiohttp
from yarl import URL

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
    Response,
    WebhookEvent,
    WebhookRegistration,
    WebhookRejected,
    pages_ahead,
)

from .events import EVENTS_PATH, event_order, events_params, read_events
from .mapping import ORDER_ID, capture_order_id, map_order
from .reporting import checkout_payment_id, not_reported_yet, ranges, read_page, refreshed_at, search_params
from .webhooks import WEBHOOK_TOPICS, read_event, verification_request

__all__ = ["API_ORIGIN", "LOOKUPS", "REPORTING_LAG", "SANDBOX_HOSTS", "PayPalConnector"]

_T = TypeVar("_T")
log = logging.getLogger(__name__)

API_ORIGIN = "https://api-m.paypal.com"
"""Live; the sandbox (``https://api-m.sandbox.paypal.com``) is reached by setting the store's apiBaseUrl."""
SANDBOX_HOSTS = frozenset({"api-m.sandbox.paypal.com", "api.sandbox.paypal.com"})
"""The sandbox's API hosts, current and former: a store on them holds test orders."""
REPORTING_LAG = timedelta(hours=3)
"""How long a transaction can take to appear in Transaction Search."""
LOOKUPS = 8
"""How many captures or orders of one listed page are looked up at once."""

_TOKEN_PATH = "/v1/oauth2/token"
_ORDER_PATH = "/v2/checkout/orders/{}"
_CAPTURE_PATH = "/v2/payments/captures/{}"
_SEARCH_PATH = "/v1/reporting/transactions"
_VERIFY_PATH = "/v1/notifications/verify-webhook-signature"
_WEBHOOKS_PATH = "/v1/notifications/webhooks"
_WEBHOOKS_PERMISSION = (
    "the REST app must be allowed to manage its webhooks (https://uri.paypal.com/services/applications/webhooks)"
)
_EVERY_EVENT = "*"
_TOKEN_MARGIN = timedelta(minutes=5)
# An order's payment is captured after the buyer approves it, by default within
# three hours (PayPal reverses an approval left uncaptured longer): the payment's
# transaction can come that long after the order.
_CAPTURE_DELAY = timedelta(hours=3)
_PASSES = 3  # readings of a listing that spans several pages, while each finds rows the others missed
# The event list is read from a little before the time Transaction Search reports up to: rows and events
# come from different PayPal systems, and an order found by both is yielded once anyway.
_EVENTS_OVERLAP = timedelta(minutes=5)
_SMALLEST_SPLIT = timedelta(minutes=1)
_ANSWERED = (200, 201, 400, 401, 403, 422)  # answers whose error body names the problem; 404/429/5xx are HttpClient's
_CODE_LIMIT = 80


class PayPalConnector(PlatformConnector):
    platform_id = "paypal"
    display_name = "PayPal"
    order_id_label = "PayPal order ID or transaction ID (5O190127TN364715T)"
    credential_fields = (
        CredentialField("client_id", "REST API app client ID"),
        CredentialField("client_secret", "REST API app secret", secret=True),
        CredentialField("webhook_id", "Webhook ID (to verify webhook deliveries)", secret=True, required=False),
    )
    capabilities = frozenset(
        {Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS, Capability.REGISTER_WEBHOOKS}
    )
    # PayPal publishes no rate limits (only its 429 RATE_LIMIT_REACHED) and each page's rows already cost
    # LOOKUPS calls at a time: conservatively, the next search page comes while a page's rows are looked up.
    page_concurrency = 2
    # Orders v2 has no batch lookup and PayPal publishes no rate limit: a list of ids is looked up in
    # the same bursts as a listed page's orders (a 429 RATE_LIMIT_REACHED is waited out and retried).
    lookups_in_flight = LOOKUPS

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        http: HttpClient,
        api_base_url: str | None = None,
        state: ConnectorState | None = None,
    ) -> None:
        super().__init__(credentials=credentials, http=http, api_base_url=api_base_url, state=state)
        self._token_lock = asyncio.Lock()

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also check that the client ID can be sent as an HTTP Basic user name."""
        cleaned = super().check_credentials(credentials)
        client_id = cleaned["client_id"]
        if not client_id.isascii() or not client_id.isprintable() or ":" in client_id or " " in client_id:
            raise InvalidCredentials(
                "Client ID must be the app's client ID as PayPal shows it, without spaces or colons", field="client_id"
            )
        return cleaned

    async def verify_credentials(self) -> None:
        """A new token from ``POST /v1/oauth2/token`` (not a kept one): wrong app credentials are a 401."""
        await self._new_token()

    async def fetch_order(self, reference: str) -> Order | None:
        """Find an order by its id, or by the transaction id of a payment captured for it."""
        wanted = reference.strip().upper()
        if not ORDER_ID.fullmatch(wanted):
            return None
        order = await self._order(wanted)
        if order is None and (order_id := await self._capture_order_id(wanted)) is not None:
            order = await self._order(order_id)
        return None if order is None else self._marked(order)

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Yield the orders placed in ``[start, end]``: those Transaction Search reports, then the newer ones.

        The search covers the window and up to ``_CAPTURE_DELAY`` after it
        (never past now), since an order's payment follows its creation. Each
        payment's capture names its order, which is then read through Orders
        v2: the same payload as ``fetch_order``, placed by its own
        ``create_time``.

        Transaction Search reports up to its ``last_refreshed_datetime``, up
        to three hours behind, and refuses a start date past that ("Data for
        the given start date is not available"). What it has not reported yet
        is read from the webhook event list, which PayPal fills as orders are
        approved and paid, whether their webhooks were delivered or not (see
        ``events``). An app without access to that list gets what Transaction
        Search reports; the window's warning already says it may be incomplete.

        Rows read twice, orders with several payments or events, and orders
        found by both are yielded once; orders placed outside the window (paid
        or refunded in it) are left out.
        """
        until = max(end, min(end + _CAPTURE_DELAY, datetime.now(UTC)))
        reported = _Reported(until)
        seen_payments: set[str] = set()
        seen_orders: set[str] = set()

        def placed_inside(orders: Sequence[Order | None]) -> list[Order]:
            return [self._marked(order) for order in orders if order is not None and start <= order.placed_at <= end]

        async with aclosing(self._transactions(start, until, reported)) as pages:
            async for rows in pages:
                payments = [p for p in dict.fromkeys(map(checkout_payment_id, rows)) if p and p not in seen_payments]
                seen_payments.update(payments)
                order_ids = await _each(self._capture_order_id, payments)
                fresh = [o for o in dict.fromkeys(order_ids) if o and o not in seen_orders]
                seen_orders.update(fresh)
                yield placed_inside(await _each(self._order, fresh))
        if reported.until >= until.replace(microsecond=0):  # last_refreshed_datetime is given in whole seconds
            return
        since = max(start, reported.until - _EVENTS_OVERLAP)
        try:
            async with aclosing(self._events(since, until)) as pages:
                async for events in pages:
                    known = _order_events(events, seen_orders, start, end)
                    seen_orders.update(known)
                    missing = [order_id for order_id, order in known.items() if order is None]
                    looked_up = dict(zip(missing, await _each(self._order, missing), strict=True))
                    yield placed_inside([order or looked_up[order_id] for order_id, order in known.items()])
        except _NoEventAccess as refused:
            log.warning(
                "%s: the orders placed after %s, which Transaction Search has not reported yet, are not listed",
                refused.message,
                reported.until.isoformat(),
            )

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Have PayPal verify the delivery, then read it (``webhooks``).

        A delivery is checked against the listener this app registered and, failing that, the one the seller
        entered (``webhook_id``): deliveries to either are the store's.
        """
        ids = dict.fromkeys(
            i for i in (self.state.get("registered_webhook_id"), self.credentials.get("webhook_id")) if i
        )
        if not ids:
            raise WebhookRejected("the store has no PayPal webhook ID to verify deliveries with")
        refusal = None
        for webhook_id in ids:
            try:
                await self._verify(headers, body, webhook_id)
            except WebhookRejected as exc:
                refusal = refusal or exc
            else:
                return read_event(body)
        assert refusal is not None
        raise refusal

    async def _verify(self, headers: Mapping[str, str], body: bytes, webhook_id: str) -> None:
        response = await self._api("POST", _VERIFY_PATH, body=verification_request(headers, body, webhook_id))
        if response.status in (400, 422):
            raise WebhookRejected(f"PayPal could not verify the delivery ({_error_code(response)})")
        verdict = _json(response, "POST", "the webhook verification").get("verification_status")
        if verdict != "SUCCESS":
            raise WebhookRejected(f"PayPal did not verify the delivery's signature (verification_status {verdict!r})")

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """Create the app's listener for ``url`` with the order events, or add the ones it lacks; keep its id."""
        listener = await self._listener(url)
        if listener is None:
            events = [{"name": name} for name in sorted(WEBHOOK_TOPICS)]
            body = json.dumps({"url": url, "event_types": events}).encode()
            listener = await self._write_listener("POST", _WEBHOOKS_PATH, body)
        elif missing := WEBHOOK_TOPICS - _event_names(listener):
            wanted = [{"name": name} for name in sorted(_event_names(listener) | missing)]
            body = json.dumps([{"op": "replace", "path": "/event_types", "value": wanted}]).encode()
            listener = await self._write_listener("PATCH", f"{_WEBHOOKS_PATH}/{listener['id']}", body)
        if self.state.get("registered_webhook_id") != listener["id"]:
            await self.state.set(registered_webhook_id=listener["id"])
        return _registrations(listener, url)

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The order events the app's listener for ``url`` subscribes to (none without a listener)."""
        listener = await self._listener(url)
        return [] if listener is None else _registrations(listener, url)

    async def _listener(self, url: str) -> Mapping[str, Any] | None:
        """The app's webhook for exactly ``url`` (PayPal holds at most one per URL)."""
        response = await self._api("GET", _WEBHOOKS_PATH)
        listeners = _listeners_json(response, "GET").get("webhooks")
        if not isinstance(listeners, list):
            raise PlatformBadResponse(f"GET {response.where} answered without a 'webhooks' list")
        return next((w for w in listeners if isinstance(w, dict) and w.get("url") == url and w.get("id")), None)

    async def _write_listener(self, method: str, path: str, body: bytes) -> Mapping[str, Any]:
        response = await self._api(method, path, body=body)
        listener = _listeners_json(response, method)
        if not isinstance(listener.get("id"), str) or not isinstance(listener.get("event_types"), list):
            raise PlatformBadResponse(f"{method} {response.where} answered without the webhook")
        return listener

    def window_warning(self, start: datetime, end: datetime, now: datetime) -> str | None:
        """Transaction Search lags up to three hours: say from when the window may be incomplete."""
        settled = now - REPORTING_LAG
        if end <= settled:
            return None
        since = max(start, settled).astimezone(UTC)
        shown = f"{since:%H:%M} UTC" if since.date() == now.astimezone(UTC).date() else f"{since:%Y-%m-%d %H:%M} UTC"
        return (
            f"PayPal's reporting can lag up to 3 hours: transactions after {shown} may not be listed yet; "
            "import again later or import them by order ID."
        )

    async def _order(self, order_id: str) -> Order | None:
        response = await self._api("GET", _ORDER_PATH.format(order_id))
        if response.status == 404:
            return None
        order = map_order(_json(response, "GET", f"order {order_id}"))
        if order.order_id != order_id:
            raise PlatformBadResponse(f"GET {response.where} answered with another order ({order.order_id})")
        return order

    async def _capture_order_id(self, transaction_id: str) -> str | None:
        """The Orders v2 id of the capture with this id; ``None`` for no such capture, or one without an order."""
        response = await self._api("GET", _CAPTURE_PATH.format(transaction_id))
        if response.status == 404:
            return None
        return capture_order_id(_json(response, "GET", f"capture {transaction_id}"))

    async def _transactions(
        self, start: datetime, end: datetime, reported: _Reported
    ) -> AsyncGenerator[list[Mapping[str, Any]], None]:
        """Yield pages of the rows of ``[start, end]``, searched in ranges PayPal accepts.

        A range holding more rows than PayPal returns (``RESULTSET_TOO_LARGE``)
        is searched again in halves. ``reported`` is brought down to how far
        the search reaches: a range whose start PayPal has not reported yet
        ends the search there, as every later range starts later still.
        """
        pending = deque(ranges(start, end))
        while pending:
            low, high = pending.popleft()
            try:
                async with aclosing(self._search(low, high, reported)) as pages:
                    async for rows in pages:
                        yield rows
            except _ResultSetTooLarge:
                if high - low <= _SMALLEST_SPLIT:
                    raise
                middle = low + timedelta(seconds=(high - low) // timedelta(seconds=2))
                pending.extendleft([(middle, high), (low, middle)])
            except _NotReportedYet:
                reported.limit(low)
                return

    async def _search(
        self, start: datetime, end: datetime, reported: _Reported
    ) -> AsyncGenerator[list[Mapping[str, Any]], None]:
        """Yield the rows of one search page by page, from ``page=1`` until ``page == total_pages``.

        Page 1 is read alone for ``total_pages``; the next pages are read
        ``page_concurrency`` at a time, on to the ``total_pages`` the last page
        read gave. Pages are offsets into a list that changes while it is read
        (late rows arrive for hours) in an order PayPal does not document, so a
        row can move across a page boundary between two requests. A listing
        of several pages is therefore read again until a reading finds no row
        the earlier ones missed (``_PASSES`` at most); the caller drops rows
        seen twice. Each page brings ``reported`` down to its
        ``last_refreshed_datetime`` (or, if it says none, to the most PayPal's
        reporting is documented to lag), never later than now.
        """

        async def page(number: int) -> tuple[list[Mapping[str, Any]], int]:
            body = await self._search_page(start, end, number)
            now = datetime.now(UTC)
            refreshed = refreshed_at(body)
            reported.limit(min(refreshed, now) if refreshed is not None else now - REPORTING_LAG)
            return read_page(body)

        known: set[str] = set()
        for reading in range(_PASSES):
            missed = False
            read, pages = 0, 1  # page 1 alone, for total_pages
            while read < pages:
                later = pages_ahead(page, read + 1, pages, concurrency=self.page_concurrency)
                async with aclosing(later):
                    async for rows, pages in later:
                        ids = {str(row["transaction_id"]) for row in rows}
                        missed = missed or not ids <= known
                        known |= ids
                        yield rows
                        read += 1
                        if read >= pages:
                            break
            if pages <= 1 or (reading > 0 and not missed):
                return

    async def _search_page(self, start: datetime, end: datetime, page: int) -> Mapping[str, Any]:
        response = await self._api("GET", _SEARCH_PATH, params=search_params(start, end, page))
        if response.status == 403:
            raise PlatformAuthError(
                f"{_shown(response, 'GET', 'the transaction search')}: the app needs Transaction Search enabled "
                "in its PayPal settings"
            )
        if response.status == 400 and not_reported_yet(_error_body(response)):
            raise _NotReportedYet(f"{_shown(response, 'GET', 'the transaction search')}: not reported yet")
        return _json(response, "GET", "the transaction search")

    async def _events(self, start: datetime, end: datetime) -> AsyncGenerator[list[Mapping[str, Any]], None]:
        """Yield the event notifications PayPal made in ``[start, end]``, page by page along the ``next`` links.

        The next page is requested as soon as its link is known, while the
        caller looks up the orders of the page before (like the search's
        ``page_concurrency`` of 2). Raises ``_NoEventAccess`` when PayPal
        refuses the app the list (401/403).
        """
        requested: set[str] = set()
        coming = asyncio.ensure_future(self._events_page(events_params(start, end), None))
        try:
            while True:
                events, following = read_events(await coming)
                if following is None:
                    yield events
                    return
                if following in requested:
                    raise PlatformBadResponse("PayPal's webhook event list links back to a page already read")
                requested.add(following)
                coming = asyncio.ensure_future(self._events_page(None, following))
                yield events
        finally:
            coming.cancel()
            await asyncio.gather(coming, return_exceptions=True)

    async def _events_page(self, params: Mapping[str, str] | None, query: str | None) -> Mapping[str, Any]:
        """One page of the event list: the first by ``params``, a later one by its ``next`` link's ``query``."""
        response = await self._api("GET", EVENTS_PATH, params=params, query=query)
        if response.status in (401, 403):
            raise _NoEventAccess(_shown(response, "GET", "the webhook event list"))
        return _json(response, "GET", "the webhook event list")

    async def _api(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        query: str | None = None,
        body: bytes | None = None,
    ) -> Response:
        """An authorized call; one refused (401, 403) with a kept token is tried once more with a new token.

        PayPal refuses a token that expired or was revoked early (``invalid_token``),
        and one issued before the app was given a permission it now needs.
        ``query`` is a query string sent as it is (PayPal's own, from a link).
        """
        url: str | URL = self._url(path)
        if query is not None:
            url = URL(f"{URL(url)}?{query}", encoded=True)
        token, new = await self._token()
        response = await self._send(method, url, token, params, body)
        if response.status in (401, 403) and not new:
            token, _ = await self._token(refused=token)
            response = await self._send(method, url, token, params, body)
        return response

    async def _send(
        self, method: str, url: str | URL, token: str, params: Mapping[str, str] | None, body: bytes | None
    ) -> Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return await self.http.request(method, url, headers=headers, params=params, data=body, ok=_ANSWERED)

    async def _token(self, *, refused: str | None = None) -> tuple[str, bool]:
        """The kept access token, unless it is about to expire or was ``refused``; else a new one, kept.

        Returns the token and whether it is new. Concurrent lookups share one
        new token: a second caller finds it kept.
        """
        async with self._token_lock:
            kept = self.state.get("access_token")
            kept_until = self.state.get("access_token_usable_until")
            if (
                kept
                and kept != refused
                and self.state.get("access_token_for") == self._token_owner
                and kept_until
                and datetime.fromisoformat(kept_until) > datetime.now(UTC)
            ):
                return kept, False
            token, lifetime = await self._new_token()
            usable_until = datetime.now(UTC) + lifetime - min(_TOKEN_MARGIN, lifetime / 2)
            await self.state.set(
                access_token=token,
                access_token_usable_until=usable_until.isoformat(),
                access_token_for=self._token_owner,
            )
            return token, True

    async def _new_token(self) -> tuple[str, timedelta]:
        """``POST /v1/oauth2/token``: the access token and how long it lasts. Wrong credentials answer 401."""
        response = await self.http.request(
            "POST",
            self._url(_TOKEN_PATH),
            headers={
                "Authorization": aiohttp.encode_basic_auth(
                    self.credentials["client_id"], self.credentials["client_secret"]
                ),
                "Accept": "application/json",
            },
            data={"grant_type": "client_credentials"},
            ok=_ANSWERED,
        )
        body = _json(response, "POST", "an access token")
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not token:
            raise PlatformBadResponse(f"POST {response.where} answered without an 'access_token'")
        if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
            raise PlatformBadResponse(f"POST {response.where} answered without a positive 'expires_in'")
        return token, timedelta(seconds=expires_in)

    def _marked(self, order: Order) -> Order:
        """The order as the store holds it: a sandbox store's are test orders."""
        return replace(order, test_order=True) if self._sandbox else order

    @cached_property
    def _sandbox(self) -> bool:
        """Whether the store's API base URL is PayPal's sandbox."""
        return URL(self._url("")).host in SANDBOX_HOSTS

    @property
    def _token_owner(self) -> str:
        """Whose token is kept: a new client ID or API address needs a new one."""
        return f"{self.credentials['client_id']} {self._url('')}"

    def _url(self, path: str) -> str:
        return f"{self.api_base_url or API_ORIGIN}{path}"


class _Reported:
    """How far Transaction Search has reported: ``until``, brought down by each answer."""

    def __init__(self, until: datetime) -> None:
        self.until = until

    def limit(self, moment: datetime) -> None:
        self.until = min(self.until, moment)


class _ResultSetTooLarge(PlatformLimitExceeded):
    """RESULTSET_TOO_LARGE: the search range holds more transactions than PayPal returns (10,000)."""


class _NotReportedYet(PlatformBadResponse):
    """PayPal's "Data for the given start date is not available": the range starts after what is reported."""


class _NoEventAccess(PlatformAuthError):
    """PayPal refuses the app the webhook event list (its token lacks the webhooks scope)."""


def _order_events(
    events: Sequence[Mapping[str, Any]], seen: set[str], start: datetime, end: datetime
) -> dict[str, Order | None]:
    """The orders a page of events makes known and not ``seen`` yet: each id, with the order if an event carries it.

    An order several events name is kept once (with the order, if any of them
    carries it). An order carried with its creation time outside ``[start,
    end]`` is left out at once, and marked ``seen``, as no event can change when
    it was created.
    """
    known: dict[str, Order | None] = {}
    for found in filter(None, map(event_order, events)):
        if found.order_id in seen:
            continue
        if found.placed_at is not None and not start <= found.placed_at <= end:
            seen.add(found.order_id)
            known.pop(found.order_id, None)
            continue
        known[found.order_id] = known.get(found.order_id) or found.order
    return known


async def _each(lookup: Callable[[str], Awaitable[_T]], keys: Sequence[str]) -> list[_T]:
    """``lookup`` of every key, ``LOOKUPS`` at a time; the results in the keys' order."""
    slots = asyncio.Semaphore(LOOKUPS)

    async def one(key: str) -> _T:
        async with slots:
            return await lookup(key)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(key)) for key in keys]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the first failure, as the core expects one error
    return [task.result() for task in tasks]


def _json(response: Response, method: str, what: str) -> Mapping[str, Any]:
    """The JSON object of a 200, or the error PayPal's answer amounts to."""
    if response.status != 200:
        raise _refusal(response, method, what)
    body = response.json()
    if not isinstance(body, dict):
        raise PlatformBadResponse(f"{method} {response.where} answered {what} with JSON that is not an object")
    return body


def _listeners_json(response: Response, method: str) -> Mapping[str, Any]:
    """A Webhooks Management answer (200 or 201), or the error naming the permission it needs."""
    if response.status in (401, 403):
        raise PlatformAuthError(f"{_shown(response, method, 'the webhook list')}: {_WEBHOOKS_PERMISSION}")
    if response.status == 201:
        body = response.json()
        if isinstance(body, dict):
            return body
    return _json(response, method, "the webhook list")


def _event_names(listener: Mapping[str, Any]) -> set[str]:
    """The events a listener subscribes to; ``*`` stands for every event read."""
    types = listener.get("event_types")
    names = (
        {t["name"] for t in types if isinstance(t, dict) and isinstance(t.get("name"), str)}
        if isinstance(types, list)
        else set()
    )
    return names | WEBHOOK_TOPICS if _EVERY_EVENT in names else names


def _registrations(listener: Mapping[str, Any], url: str) -> list[WebhookRegistration]:
    names = _event_names(listener)
    return [
        WebhookRegistration(
            topic=name,
            url=url,
            active=name in names,
            problem=None if name in names else "PayPal's webhook for this URL does not subscribe to this event",
        )
        for name in sorted(WEBHOOK_TOPICS)
    ]


def _refusal(response: Response, method: str, what: str) -> PlatformError:
    """The error for an answer other than 200, naming PayPal's error code."""
    code = _error_code(response)
    message = _shown(response, method, what, code)
    if response.status in (401, 403):
        return PlatformAuthError(f"{message}: check the store's client ID and secret")
    if response.status == 404:
        return PlatformBadResponse(f"{message}: check the store's API base URL")
    if "RESULTSET_TOO_LARGE" in code:
        return _ResultSetTooLarge(f"{message}: the window holds too many transactions")
    return PlatformBadResponse(message)


def _shown(response: Response, method: str, what: str, code: str | None = None) -> str:
    code = code or _error_code(response)
    return f"PayPal refused {what}: {method} {response.where} answered HTTP {response.status} ({code})"


def _error_body(response: Response) -> Any:
    """The JSON of an error answer, or ``None``."""
    try:
        return json.loads(response.body)
    except ValueError:
        return None


def _error_code(response: Response) -> str:
    """PayPal's error ``name`` (or OAuth ``error``) and the first ``details[].issue``, never values sent."""
    body = _error_body(response)
    if not isinstance(body, dict):
        return "no error code"
    name = body.get("name") or body.get("error")
    details = body.get("details")
    issue = details[0].get("issue") if isinstance(details, list) and details and isinstance(details[0], dict) else None
    parts = [str(part)[:_CODE_LIMIT] for part in (name, issue) if isinstance(part, str) and part]
    return ": ".join(parts) or "no error code"
