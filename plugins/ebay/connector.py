"""The eBay connector, over the Sell Fulfillment API (``/sell/fulfillment/v1``).

Requests carry the seller's User access token (``auth``); one refused with
HTTP 401 (error 1001, "Invalid access token") is renewed once. One order is
``GET /order/{orderId}``; a list of them ``GET /order?orderIds=a,b`` (at most 50
a call); a window is ``GET /order?filter=creationdate:[start..end]`` paged with
``limit`` (at most 200) and ``offset``. eBay requires ``[ ] { } |``
in ``filter`` to be percent-encoded, so the query string is built here and
sent as it is.

Listing traps handled here:

- a ``creationdate`` bound in eBay's future is refused (error 30850): a window
  ending within minutes of now is asked open-ended (``[start..]``) and cut here;
- offset pages shift when the result set changes (a failed payment takes an
  order out, new orders come in), and the order of results is not to be relied
  on: orders are deduplicated, and a pass whose ``total`` fell, or that saw
  fewer distinct orders than ``total``, is run again;
- how far back the search reaches depends on the API version (90 days, now
  two years; error 30830).

Quotas are daily call limits; an exhausted one is HTTP 429 (errorId 2001),
which ``HttpClient`` retries, honouring ``Retry-After`` when eBay sends it (eBay
documents no other wait signal). Webhooks are Notification API deliveries
(``notifications``), verified with a key fetched with an application token.

Registering them (``register_webhooks``) takes two Notification API resources:
a *destination* for the store's webhook URL (app-wide, managed with an
application token; eBay creates it only once the URL answers its challenge with
the store's verification token, and marks it ``MARKED_DOWN`` when deliveries
keep failing) and the seller's ``ORDER_CONFIRMATION`` *subscription* pointing at
it (the seller's token with ``commerce.notification.subscription``; one per
topic and seller).

Changes to an order after it was placed (a cancellation, a refund, a return)
come by no webhook: the Notification API's topics (release notes through
v1.6.7) announce a completed checkout (``ORDER_CONFIRMATION``) and a shipment
(``ITEM_MARKED_SHIPPED``), neither of which changes what an accepted order is
worth; the legacy SOAP Platform Notifications are not used. eBay changes are
seen by the scheduled re-read of recently accepted orders only.

A store on eBay's sandbox (``api.sandbox.ebay.com`` as its API base URL, or a
sandbox keyset, whose App ID reads ``…-SBX-…``) gets its orders marked
``test_order``: the orders carry no such flag themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
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
    PlatformLimitExceeded,
    PlatformUnavailable,
    Response,
    WebhookEvent,
    WebhookRegistration,
    WebhookRejected,
    pages_ahead,
    shorten,
)

from .auth import SUBSCRIPTION_SCOPE, Tokens
from .mapping import map_order
from .notifications import (
    ORDER_CONFIRMATION,
    PUBLIC_KEY_PATH,
    SIGNATURE_HEADER,
    PublicKey,
    read_notification,
    read_signature,
    verify,
)

__all__ = ["API_ORIGIN", "BATCH_SIZE", "ORDER_PATH", "PAGE_SIZE", "SANDBOX_ORIGIN", "EbayConnector"]

API_ORIGIN = "https://api.ebay.com"
SANDBOX_ORIGIN = "https://api.sandbox.ebay.com"
ORDER_PATH = "/sell/fulfillment/v1/order"
PAGE_SIZE = 200
"""The largest ``limit`` getOrders accepts (more is error 31100)."""
BATCH_SIZE = 50
"""The most ids getOrders takes in ``orderIds``."""
MAX_PASSES = 4
"""How many times a window listing is paged through before a result set that keeps changing is given up on."""
LOOKBACK = timedelta(days=2 * 365)
"""The furthest back any API version searches; windows beyond are refused before asking."""
SEARCH_HORIZON = timedelta(days=90)
"""How far back older API versions search (silently): windows beyond get a warning."""
CLOCK_MARGIN = timedelta(minutes=5)
"""A window ending later than this before now is asked open-ended, in case eBay's clock is behind ours."""
KEY_LIFETIME = timedelta(hours=1)
"""How long a notification public key is reused, as eBay recommends."""
DESTINATION_PATH = "/commerce/notification/v1/destination"
SUBSCRIPTION_PATH = "/commerce/notification/v1/subscription"
DESTINATION_NAME = "Order import"
SUBSCRIPTION_PAYLOAD = {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}
LIST_LIMIT = 100
"""The most destinations or subscriptions a page lists."""
MAX_LIST_PAGES = 50
"""A listing longer than this is taken for a ``next`` link that loops."""

_INVALID_ORDER_ID = 32100
_NO_ALERT_CONFIG = 195003
_NOT_AUTHORIZED_FOR_TOPIC = 195011
_CHALLENGE_FAILED = 195020
_DESTINATION_EXISTS = 195021
_SUBSCRIPTION_EXISTS = 195012
_DESTINATION_STATES = {
    "MARKED_DOWN": "eBay marked the endpoint down after failed deliveries",
    "DISABLED": "the endpoint is disabled at eBay",
}
_RANGE_LIMIT = 30830
_ORDER_REFERENCE = re.compile(r"[0-9A-Za-z][0-9A-Za-z!._-]{0,99}")
_BATCHED_REFERENCE = re.compile(r"[0-9]{1,40}(?:[-!][0-9]{1,40}){0,3}")
"""The shapes eBay's order ids take (``12-34567-89012``, ``ItemID-TransactionID``, ``…!…``): sent in ``orderIds``."""
_NOTIFICATION_KEY = "notification_key"


class EbayConnector(PlatformConnector):
    platform_id = "ebay"
    display_name = "eBay"
    order_id_label = "Order number (12-34567-89012) or legacy order ID (item ID-transaction ID)"
    credential_fields = (
        CredentialField("client_id", "App ID (Client ID) of the eBay developer keyset"),
        CredentialField("client_secret", "Cert ID (Client Secret) of the eBay developer keyset", secret=True),
        CredentialField(
            "refresh_token", "The seller's eBay refresh token (from their consent; lasts about 18 months)", secret=True
        ),
        CredentialField(
            "verification_token", "Verification token of the notification endpoint", secret=True, required=False
        ),
    )
    capabilities = frozenset(
        {Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS, Capability.REGISTER_WEBHOOKS}
    )
    # eBay's limits are calls a day, not calls at once, and pages read ahead are pages the total says
    # exist, so they cost no more of the quota; 4 keeps the bursts modest.
    page_concurrency = 4

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also refuse what eBay never issues: spaces, non-ASCII, a ``:`` in the App ID (it ends HTTP Basic's user)."""
        cleaned = super().check_credentials(credentials)
        for spec in cls.credential_fields:
            value = cleaned.get(spec.name)
            if value is None:
                continue
            copied = value.isascii() and value.isprintable() and " " not in value
            if not copied or (spec.name == "client_id" and ":" in value):
                raise InvalidCredentials(
                    f"{spec.label} must be copied exactly as eBay shows it (printable characters, no spaces)",
                    field=spec.name,
                )
        return cleaned

    async def verify_credentials(self) -> None:
        """Mint the seller's access token (app keys and refresh token), then read one order with it (its scopes)."""
        operation = "Checking the credentials"
        response = await self._get(self._url(ORDER_PATH, "limit=1"), operation)
        if response.status != 200:
            raise _refusal(response, operation)

    async def fetch_order(self, reference: str) -> Order | None:
        """Get the order by the number Seller Hub shows (``12-34567-89012``) or its legacy ``ItemID-TransactionID``.

        ``getOrder`` takes both forms; eBay answers an unknown or malformed id
        with HTTP 404 or error 32100. The answer is kept only if it is the
        order asked for.
        """
        wanted = _wanted(reference)
        if not _ORDER_REFERENCE.fullmatch(wanted):
            return None
        operation = f"Fetching order {wanted}"
        response = await self._get(self._url(f"{ORDER_PATH}/{quote(wanted, safe='!')}"), operation)
        if response.status == 404 or (response.status == 400 and _error(response)[0] == _INVALID_ORDER_ID):
            return None
        if response.status != 200:
            raise _refusal(response, operation)
        order = self._order(response.json())
        return order if _is_order(order, wanted) else None

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """``getOrders?orderIds=``, ``BATCH_SIZE`` ids a call; ``getOrder`` where a batch cannot tell.

        An order is kept for a reference that is its ``orderId`` or
        ``legacyOrderId``. A reference that is not shaped like an eBay id, or
        that names only one line of an order the batch returned (an
        ``ItemID-TransactionID``), or whose batch eBay refused as holding an
        invalid id (error 32100), is looked up alone as ``fetch_order`` does.
        """
        batched = {ref: wanted for ref in references if _BATCHED_REFERENCE.fullmatch(wanted := _wanted(ref))}
        alone = [ref for ref in references if ref not in batched]
        found: dict[str, Order] = {}
        ids = list(dict.fromkeys(batched.values()))
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            asked = [ref for ref, w in batched.items() if w in chunk]
            orders = await self._orders_by_id(chunk)
            if orders is None:
                alone += asked
                continue
            for ref in asked:
                exact = [o for o in orders if batched[ref] in (o.order_id, o.raw.get("legacyOrderId"))]
                if exact:
                    found[ref] = exact[0]
                elif any(_is_order(o, batched[ref]) for o in orders):
                    alone.append(ref)
        if alone:
            found |= await super().fetch_orders(alone)
        return found

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Page through ``getOrders`` by creation date; each order created in [start, end] is yielded once."""
        now = datetime.now(UTC)
        if start < now - LOOKBACK:
            raise PlatformLimitExceeded(
                f"Listing orders: eBay lists the orders of the last two years only; {start:%Y-%m-%d} is further back"
            )
        if start > min(end, now):
            return
        search = _creation_filter(start, end if end < now - CLOCK_MARGIN else None)
        seen: set[str] = set()
        for _ in range(MAX_PASSES):
            totals: list[int] = []
            async with aclosing(self._pass(search)) as pages:
                async for payloads, total in pages:
                    totals.append(total)
                    fresh = []
                    for order in map(self._order, payloads):
                        if order.order_id not in seen:
                            seen.add(order.order_id)
                            if start <= order.placed_at <= end:
                                fresh.append(order)
                    yield fresh
            if len(seen) >= totals[-1] and totals == sorted(totals):
                return
        raise PlatformUnavailable(
            f"Listing orders: eBay's result set kept changing while it was paged ({MAX_PASSES} passes); try again later"
        )

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """A Notification API delivery, verified with eBay's public key for its ``kid`` (``notifications``)."""
        signature = read_signature(headers)
        verify(body, signature, await self._public_key(signature.key_id))
        return read_notification(body)

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """An enabled destination for ``url`` and the seller's ORDER_CONFIRMATION subscription on it.

        A destination eBay marked down (or that was disabled, or holds another
        verification token) is updated to ``ENABLED`` with the store's token,
        which eBay checks with a new challenge; a disabled subscription on it
        is enabled. The seller's subscription to another destination is left
        alone: eBay keeps one per topic, so ``url`` is then reported inactive.
        """
        token = self.credentials.get("verification_token")
        if not token:
            raise InvalidCredentials(
                "eBay sends notifications only to an endpoint that answers its challenge with the "
                "verification token: enter the one set for this store's notification endpoint",
                field="verification_token",
            )
        config = {"endpoint": url, "verificationToken": token}
        destination = await self._destination(url)
        if destination is None:
            destination_id = await self._create_destination(url, config)
        else:
            destination_id = str(destination["destinationId"])
            held = destination.get("deliveryConfig")
            if destination.get("status") != "ENABLED" or not isinstance(held, dict) or held != config:
                body = {
                    "name": destination.get("name") or DESTINATION_NAME,
                    "status": "ENABLED",
                    "deliveryConfig": config,
                }
                path = f"{DESTINATION_PATH}/{quote(destination_id, safe='')}"
                await self._notify("PUT", path, "Re-enabling eBay's notification destination", body)
        subscription = await self._order_subscription()
        if subscription is None:
            body = {
                "topicId": ORDER_CONFIRMATION,
                "status": "ENABLED",
                "destinationId": destination_id,
                "payload": SUBSCRIPTION_PAYLOAD,
            }
            await self._notify("POST", SUBSCRIPTION_PATH, f"Subscribing to eBay's {ORDER_CONFIRMATION}", body)
        elif subscription.get("destinationId") == destination_id and subscription.get("status") != "ENABLED":
            path = f"{SUBSCRIPTION_PATH}/{quote(str(subscription['subscriptionId']), safe='')}/enable"
            await self._notify("POST", path, f"Enabling eBay's {ORDER_CONFIRMATION} subscription")
        return await self.webhook_registrations(url)

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The seller's ORDER_CONFIRMATION subscription, if eBay holds one: active when it and ``url``'s
        destination are both ``ENABLED``."""
        destination = await self._destination(url)
        subscription = await self._order_subscription()
        if subscription is None:
            return []
        if destination is None or subscription.get("destinationId") != destination.get("destinationId"):
            elsewhere = "eBay sends this seller's order notifications to another endpoint (one subscription per topic)"
            return [WebhookRegistration(ORDER_CONFIRMATION, url, active=False, problem=elsewhere)]
        problems = [_DESTINATION_STATES.get(str(destination.get("status")), "")]
        if subscription.get("status") != "ENABLED":
            problems.append("the subscription is disabled at eBay")
        problem = "; ".join(p for p in problems if p) or None
        return [WebhookRegistration(ORDER_CONFIRMATION, url, active=problem is None, problem=problem)]

    def webhook_challenge(self, query: Mapping[str, str], endpoint_url: str) -> dict[str, str] | None:
        """eBay proves an endpoint with ``?challenge_code=``: answer SHA-256(code + verification token + URL), hex."""
        code = query.get("challenge_code")
        token = self.credentials.get("verification_token")
        if not code or not token:
            return None
        digest = hashlib.sha256((code + token + endpoint_url).encode()).hexdigest()
        return {"challengeResponse": digest}

    def window_warning(self, start: datetime, end: datetime, now: datetime) -> str | None:
        """Older API versions search the last 90 days only, without saying so."""
        horizon = now - SEARCH_HORIZON
        if start >= horizon:
            return None
        return (
            "eBay's order search may reach back 90 days only (two years in newer API versions): "
            f"orders created before {horizon:%Y-%m-%d %H:%M} UTC may be missing"
        )

    async def _pass(self, search: str) -> AsyncGenerator[tuple[list[Any], int], None]:
        """One pass through the result set: each page's orders and ``total``, in order of offset.

        The first page, read alone, gives the ``total`` and the page size; the
        next offsets are read ``page_concurrency`` at a time, until an empty
        page, or until the pages read cover the ``total`` the last of them
        gave (which grows as orders come in).
        """
        payloads, total = await self._orders_page(search, 0)
        yield payloads, total
        step, read = len(payloads), 1

        def page(number: int) -> Awaitable[tuple[list[Any], int]]:
            return self._orders_page(search, number * step)

        while step and read * step < total:
            later = pages_ahead(page, read, (total - 1) // step, concurrency=self.page_concurrency)
            async with aclosing(later):
                async for payloads, total in later:
                    yield payloads, total
                    read += 1
                    if not payloads or read * step >= total:
                        return

    async def _orders_by_id(self, ids: Sequence[str]) -> list[Order] | None:
        """The orders of one ``getOrders?orderIds=`` call; ``None`` when eBay refuses an id in it (error 32100)."""
        operation = f"Fetching {len(ids)} orders by id"
        response = await self._get(self._url(ORDER_PATH, f"orderIds={quote(','.join(ids), safe=',!')}"), operation)
        if response.status == 400 and _error(response)[0] == _INVALID_ORDER_ID:
            return None
        if response.status != 200:
            raise _refusal(response, operation)
        body = response.json()
        orders = body.get("orders", []) if isinstance(body, dict) else None
        if not isinstance(orders, list):
            raise PlatformBadResponse(f"{operation}: {response.where} answered without an orders list")
        return [self._order(payload) for payload in orders]

    async def _orders_page(self, search: str, offset: int) -> tuple[list[Any], int]:
        """The orders at ``offset`` and the ``total`` of the result set."""
        operation = "Listing orders"
        response = await self._get(
            self._url(ORDER_PATH, f"filter={search}&limit={PAGE_SIZE}&offset={offset}"), operation
        )
        if response.status != 200:
            raise _refusal(response, operation)
        body = response.json()
        orders = body.get("orders", []) if isinstance(body, dict) else None
        total = body.get("total") if isinstance(body, dict) else None
        if not isinstance(orders, list) or not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise PlatformBadResponse(f"{operation}: {response.where} answered without an orders list and a total")
        return orders, total

    async def _destination(self, url: str) -> dict[str, Any] | None:
        """The app's destination whose endpoint is exactly ``url``."""
        for destination in await self._listing(
            DESTINATION_PATH, "destinations", "Listing eBay's notification destinations"
        ):
            config = destination.get("deliveryConfig")
            if isinstance(config, dict) and config.get("endpoint") == url and destination.get("destinationId"):
                return destination
        return None

    async def _order_subscription(self) -> dict[str, Any] | None:
        """The seller's ORDER_CONFIRMATION subscription."""
        for subscription in await self._listing(SUBSCRIPTION_PATH, "subscriptions", "Listing eBay's subscriptions"):
            if subscription.get("topicId") == ORDER_CONFIRMATION and subscription.get("subscriptionId"):
                return subscription
        return None

    async def _create_destination(self, url: str, config: Mapping[str, str]) -> str:
        """``createDestination``; its id from the ``Location`` header (or, if another call made it first, the list)."""
        body = {"name": DESTINATION_NAME, "status": "ENABLED", "deliveryConfig": config}
        response = await self._notify("POST", DESTINATION_PATH, "Creating eBay's notification destination", body)
        if response is None:
            existing = await self._destination(url)
            if existing is None:
                raise PlatformBadResponse(
                    "Creating eBay's notification destination: eBay says it exists but lists none"
                )
            return str(existing["destinationId"])
        location = response.headers.get("Location")
        if not location or not URL(location).name:
            raise PlatformBadResponse(f"Creating eBay's notification destination: {response.where} gave no Location")
        return URL(location).name

    async def _listing(self, path: str, key: str, operation: str) -> list[dict[str, Any]]:
        """Every item of a Notification API listing, following ``next`` (on this store's API origin)."""
        url = self._url(path, f"limit={LIST_LIMIT}")
        listed: list[dict[str, Any]] = []
        for _ in range(MAX_LIST_PAGES):
            response = await self._notification_call("GET", url, operation, subscriptions=path == SUBSCRIPTION_PATH)
            if response.status != 200:
                raise _refusal(response, operation)
            body = response.json()
            items = body.get(key, []) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise PlatformBadResponse(f"{operation}: {response.where} answered without a {key} list")
            listed += [item for item in items if isinstance(item, dict)]
            following = body.get("next")
            if not isinstance(following, str) or not following:
                return listed
            url = self._url(URL(following).path, URL(following).raw_query_string)
        raise PlatformBadResponse(f"{operation}: eBay's listing went on past {MAX_LIST_PAGES} pages")

    async def _notify(self, method: str, path: str, operation: str, body: Any = None) -> Response | None:
        """One Notification API write: its response, or ``None`` when eBay says what it creates exists
        (made by a concurrent call, or by a retry of this one)."""
        url = self._url(path)
        response = await self._notification_call(
            method,
            url,
            operation,
            body,
            subscriptions=not path.startswith(DESTINATION_PATH),
        )
        if response.status in (200, 201, 204):
            return response
        error_id, error = _error(response)
        if error_id in (_DESTINATION_EXISTS, _SUBSCRIPTION_EXISTS):
            return None
        if error_id == _CHALLENGE_FAILED:
            raise PlatformError(
                f"{operation}: eBay could not verify the endpoint ({error}): it must be reachable from eBay and "
                "answer the challenge with this store's verification token"
            )
        if error_id == _NO_ALERT_CONFIG:
            raise PlatformError(
                f"{operation}: the eBay app has no Notification API alert email yet ({error}); "
                "its developer sets one once (updateConfig)"
            )
        raise _refusal(response, operation)

    async def _notification_call(
        self, method: str, url: URL, operation: str, body: Any = None, *, subscriptions: bool
    ) -> Response:
        """A Notification API request: subscriptions with the seller's token, destinations with the app's."""
        mint = self._tokens.subscription_token if subscriptions else self._tokens.app_token
        response = await self._send(url, await mint(), method=method, body=body)
        if response.status == 401:
            response = await self._send(url, await mint(renew=True), method=method, body=body)
        if response.status in (401, 403):
            error_id, error = _error(response)
            needed = (
                f"the seller must connect the store again, granting notification subscriptions ({SUBSCRIPTION_SCOPE})"
                if subscriptions or error_id == _NOT_AUTHORIZED_FOR_TOPIC
                else "the app's keyset must have access to eBay's Notification API"
            )
            raise PlatformAuthError(
                f"{operation}: eBay refused the access token (HTTP {response.status}, {error}); {needed}"
            )
        return response

    async def _get(self, url: URL, operation: str, *, app: bool = False) -> Response:
        """GET with the seller's token (the app's with ``app``): 200, 400 or 404.

        A token refused with 401 (eBay's error 1001, "Invalid access token")
        may have been revoked or have expired early: it is renewed once.
        """
        mint = self._tokens.app_token if app else self._tokens.user_token
        response = await self._send(url, await mint())
        if response.status == 401:
            response = await self._send(url, await mint(renew=True))
        if response.status in (401, 403):
            raise PlatformAuthError(
                f"{operation}: eBay refused the access token (HTTP {response.status}, {_error(response)[1]}); "
                "the seller must connect the store again, granting the Fulfillment API"
            )
        return response

    async def _send(self, url: URL, token: str, *, method: str = "GET", body: Any = None) -> Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if method == "GET":
            return await self.http.request("GET", url, headers=headers, ok=(200, 400, 401, 403))
        ok = (200, 201, 204, 400, 401, 403, 409)
        return await self.http.request(method, url, headers=headers, json_body=body, ok=ok)

    async def _public_key(self, key_id: str) -> PublicKey:
        """The notification key ``key_id``, kept an hour in the store's state (one key at a time)."""
        cached = _saved_key(self.state.get(_NOTIFICATION_KEY), key_id)
        if cached is not None:
            return cached
        url = self._url(f"{PUBLIC_KEY_PATH}/{quote(key_id, safe='')}")
        response = await self._get(url, f"Getting eBay's notification key {key_id}", app=True)
        if response.status != 200:
            raise WebhookRejected(f"the delivery's {SIGNATURE_HEADER} names a key eBay does not have ({key_id!r})")
        key = PublicKey.from_answer(key_id, response.json())
        until = datetime.now(UTC) + KEY_LIFETIME
        saved = {"kid": key_id, "key": key.key, "algorithm": "ECDSA", "digest": key.digest, "until": until.isoformat()}
        await self.state.set(**{_NOTIFICATION_KEY: json.dumps(saved)})
        return key

    def _order(self, payload: Any) -> Order:
        """Map an eBay ``Order``; a sandbox store's are test orders."""
        order = map_order(payload)
        return replace(order, test_order=True) if self._sandbox else order

    @cached_property
    def _sandbox(self) -> bool:
        """Whether the store is on eBay's sandbox: its API base URL, or its keyset (``…-SBX-…`` App ID)."""
        return URL(self._origin).host == URL(SANDBOX_ORIGIN).host or "-SBX-" in self.credentials["client_id"]

    def _url(self, path: str, query: str = "") -> URL:
        """``path`` (and an already encoded ``query``) on eBay's origin, or on ``api_base_url`` when set."""
        return URL(f"{self._origin}{path}" + (f"?{query}" if query else ""), encoded=True)

    @property
    def _origin(self) -> str:
        return self.api_base_url or API_ORIGIN

    @cached_property
    def _tokens(self) -> Tokens:
        return Tokens(self.http, self.state, self._origin, self.credentials)


def _creation_filter(start: datetime, end: datetime | None) -> str:
    """``creationdate:[start..end]`` (``[start..]`` without an end), percent-encoded as eBay requires."""
    upper = _api_time(end, round_up=True) if end is not None else ""
    return quote(f"creationdate:[{_api_time(start)}..{upper}]", safe=":")


def _api_time(moment: datetime, *, round_up: bool = False) -> str:
    """UTC with milliseconds and ``Z``; ``round_up`` keeps an inclusive upper bound inclusive."""
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond % 1000:
        moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _wanted(reference: str) -> str:
    """The id a seller typed, without a leading ``#``."""
    return reference.strip().removeprefix("#").strip()


def _is_order(order: Order, wanted: str) -> bool:
    """Whether ``order`` is the one typed: its id, its legacy id, or (``ItemID-TransactionID``) one of its listings."""
    if wanted in (order.order_id, order.raw.get("legacyOrderId")):
        return True
    item_id, dash, _ = wanted.partition("-")
    return bool(dash) and any(
        isinstance(item, Mapping) and item.get("legacyItemId") == item_id for item in order.raw["lineItems"]
    )


def _saved_key(saved: str | None, key_id: str) -> PublicKey | None:
    """The key kept in the state, if it is ``key_id``'s and still fresh."""
    if not saved:
        return None
    try:
        entry = json.loads(saved)
        if entry["kid"] == key_id and datetime.fromisoformat(entry["until"]) > datetime.now(UTC):
            return PublicKey.from_answer(key_id, entry)
    except (ValueError, TypeError, KeyError, PlatformBadResponse):
        pass
    return None


def _refusal(response: Response, operation: str) -> PlatformError:
    """A 400 or 404 from the Fulfillment API as the contract's error."""
    if response.status == 404:
        return PlatformBadResponse(f"{operation}: {response.where} answered HTTP 404: check the API base URL")
    error_id, error = _error(response)
    if error_id == _RANGE_LIMIT:
        return PlatformLimitExceeded(
            f"{operation}: eBay refused the window ({error}); how far back its order search reaches depends on "
            "the API version"
        )
    return PlatformBadResponse(f"{operation}: {response.where} answered HTTP {response.status} ({error})")


def _error(response: Response) -> tuple[int | None, str]:
    """The ``errorId`` of an eBay error body (``{"errors": [{…}]}``) and how to show it: ``error 1001: message``."""
    try:
        body = response.json()
    except PlatformBadResponse:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    error_id, message = first.get("errorId"), first.get("longMessage") or first.get("message")
    if not isinstance(error_id, int) or isinstance(error_id, bool):
        return None, "no eBay error id"
    text = shorten(message) if isinstance(message, str) else "no message"
    return error_id, f"error {error_id}: {text}"
