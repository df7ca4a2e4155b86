"""The WooCommerce connector, over the REST API v3 of the seller's WordPress site.

Requests go to ``{site_url}/wp-json/wc/v3/...``; a store's ``apiBaseUrl``
replaces the site URL's scheme, host, port and path, and its scheme decides
the authentication (``auth``). WooCommerce core has no rate limit of its own:
hosts and firewalls answer 429 or 503, with ``Retry-After`` (honoured by
``HttpClient``) or WooCommerce's ``RateLimit-Retry-After``.

Time filters are sent as naive UTC with ``dates_are_gmt=true`` (WooCommerce
5.4+), which compares them with the GMT creation date: without it they are
compared with the site's local time, and WordPress reads a ``Z`` or an offset
by converting the value to the site's time zone first.

Order webhooks are registered through ``/webhooks`` with the store's webhook
secret, so deliveries pass the signature check: ``order.created`` for new
orders and ``order.updated`` for changes to them (a store registered before it
read changes gets the missing one at the next check). WooCommerce sets a webhook
``disabled`` after 5 failed deliveries in a row: ``register_webhooks`` sets it
``active`` again. A ``paused`` one is the seller's choice and is left alone.
Managing webhooks needs a Read/Write key of a user who may manage WooCommerce.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import aiohttp
from yarl import URL

from server.platforms import (
    Capability,
    CredentialField,
    InvalidCredentials,
    Order,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformConnector,
    PlatformUnavailable,
    Response,
    WebhookEvent,
    WebhookRegistration,
    pages_ahead,
    parse_retry_after,
    shorten,
)

from .auth import AuthMode, auth_mode, oauth1_query
from .mapping import is_draft, map_order
from .webhooks import ORDER_CREATED, ORDER_UPDATED, read_webhook

__all__ = ["API_PATH", "PAGE_SIZE", "WooCommerceConnector"]

API_PATH = "wp-json/wc/v3"
PAGE_SIZE = 100
"""The largest ``per_page`` the API accepts."""
MAX_RELISTS = 3
"""How many times a window listing starts over when the result set changes while it pages."""

_ORDER_ID = re.compile(r"[1-9][0-9]{0,18}")
_HOST = re.compile(r"[a-z0-9.:-]+")
_KEY_PREFIXES = {"consumer_key": "ck_", "consumer_secret": "cs_"}
_FLAGS = {"true": True, "yes": True, "1": True, "on": True, "false": False, "no": False, "0": False, "off": False}
_ANSWERS = (200, 201, 301, 302, 303, 307, 308, 400)
_WEBHOOK_TOPICS = {ORDER_CREATED: "Order import: order created", ORDER_UPDATED: "Order import: order updated"}
"""The topics ``parse_webhook`` reads, and the name of the webhook made for each."""
_WEBHOOK_PERMISSION = "managing webhooks needs a Read/Write REST API key of a user who can manage WooCommerce"
_NO_ROUTE_CODE = "rest_no_route"
_HEADER_HINT = (
    "; if the keys are right, the host may drop the Authorization header: turn on query-string authentication"
)


class _Counts(NamedTuple):
    """What a listing page says about the whole result set (``X-WP-Total``, ``X-WP-TotalPages``)."""

    total: int | None
    pages: int


class WooCommerceConnector(PlatformConnector):
    platform_id = "woocommerce"
    display_name = "WooCommerce"
    order_id_label = "Order number (1001, WC-2024-0001) or order ID"
    credential_fields = (
        CredentialField("site_url", "Store URL (the WordPress site address)", url=True),
        CredentialField("consumer_key", "REST API consumer key (ck_…)", secret=True),
        CredentialField("consumer_secret", "REST API consumer secret (cs_…)", secret=True),
        CredentialField(
            "query_string_auth",
            "Send the keys in the query string (true/false), for hosts that drop the Authorization header",
            required=False,
        ),
        CredentialField(
            "webhook_secret",
            "Webhook secret (the Secret field of the webhook under Settings › Advanced › Webhooks)",
            secret=True,
            required=False,
        ),
    )
    capabilities = frozenset(
        {Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS, Capability.REGISTER_WEBHOOKS}
    )
    # WooCommerce core sets no rate limit, but every page of 100 orders is a heavy PHP request on the
    # seller's own host, often a shared one with a few PHP workers that also serve the shop: 3 at once.
    page_concurrency = 3

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Also normalize the site URL and the flag, and check the keys' documented ``ck_``/``cs_`` prefixes."""
        cleaned = super().check_credentials(credentials)
        cleaned["site_url"] = _site_url(cleaned["site_url"])
        for name, prefix in _KEY_PREFIXES.items():
            value = cleaned[name]
            # WooCommerce's keys start with ck_/cs_, but hosts and plugins issue others: only what cannot be a
            # key (unprintable, spaced) or is plainly the other key is refused here; the site judges the rest.
            swapped = value.startswith(next(p for p in _KEY_PREFIXES.values() if p != prefix))
            if swapped or not value.isascii() or not value.isprintable() or " " in value:
                label = next(f.label for f in cls.credential_fields if f.name == name)
                raise InvalidCredentials(
                    f"{label} must be the value WooCommerce shows under Settings › Advanced › REST API "
                    f"(it starts with {prefix})",
                    field=name,
                )
        if "query_string_auth" in cleaned:
            flag = _FLAGS.get(cleaned["query_string_auth"].lower())
            if flag is None:
                raise InvalidCredentials("Query-string authentication must be true or false", field="query_string_auth")
            cleaned["query_string_auth"] = "true" if flag else "false"
        if "webhook_secret" in cleaned:
            # Kept as typed: a secret WordPress generated can start or end with a space, and it is signed with them.
            cleaned["webhook_secret"] = credentials["webhook_secret"]
        return cleaned

    async def verify_credentials(self) -> None:
        """``GET /orders?per_page=1``: the keys must be allowed to read orders, as every import does."""
        operation = "Checking the REST API keys"
        _order_list(await self._get("orders", {"per_page": "1"}, operation), operation)

    async def fetch_order(self, reference: str) -> Order | None:
        """Find an order by its number (``1001``, ``#1001``, ``WC-2024-0001``) or its id.

        A number that a numbering plugin made differs from the id, so an
        integer is tried as an id, and then as a number unless the order with
        that id also carries it; an exact number match wins over an id match.
        Draft orders of the block checkout are never returned.
        """
        typed = _typed(reference)
        if not typed:
            return None
        by_id = await self._order_by_id(typed) if _ORDER_ID.fullmatch(typed) else None
        if by_id is not None and _number_key(by_id.order_number) == _number_key(typed):
            return by_id
        return await self._order_by_number(typed) or by_id

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """Integer references looked up as ids together (``GET /orders?include=…``), then as ``fetch_order`` does.

        ``include`` takes ids only. A reference whose order by id carries it as
        its number (every order does unless a numbering plugin is active) is
        settled; the others are searched by number, ``lookups_in_flight`` at a
        time, and keep the order by id when no number matches.
        """
        typed = {ref: _typed(ref) for ref in references}
        by_id = await self._orders_by_ids([t for t in dict.fromkeys(typed.values()) if _ORDER_ID.fullmatch(t)])
        found = {ref: by_id[t] for ref, t in typed.items() if t in by_id and _number_key(by_id[t].order_number) == t}
        rest = [ref for ref, t in typed.items() if t and ref not in found]
        slots = asyncio.Semaphore(self.lookups_in_flight)

        async def by_number(ref: str) -> Order | None:
            async with slots:
                return await self._order_by_number(typed[ref])

        searched = await asyncio.gather(*(by_number(ref) for ref in rest), return_exceptions=True)
        for ref, result in zip(rest, searched, strict=True):
            if isinstance(result, BaseException):
                raise result  # the first failure in the references' order
            if order := result or by_id.get(typed[ref]):
                found[ref] = order
        return found

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Page through ``GET /orders`` by creation date, oldest first, each order yielded once.

        ``after``/``before`` are exclusive and to the second, so the window is
        widened by a second on each side and the answers re-checked on
        ``date_created_gmt``. Page 1 says how many pages there are; the rest
        are fetched ``page_concurrency`` at a time. Pages are numbered: if the
        result set changes while paging (``X-WP-Total``/``X-WP-TotalPages``
        differ from page 1's), orders may have shifted across pages, so the
        listing starts over, skipping the orders already yielded.
        """
        query = {
            "after": _api_time(start - timedelta(seconds=1)),
            "before": _api_time(end + timedelta(seconds=1)),
            "dates_are_gmt": "true",
            "status": "any",
            "orderby": "date",
            "order": "asc",
            "per_page": str(PAGE_SIZE),
        }
        seen: set[str] = set()

        async def listing_page(number: int) -> tuple[list[Mapping[str, Any]], _Counts]:
            response = await self._get("orders", {**query, "page": str(number)}, "Listing orders")
            return _order_list(response, "Listing orders"), _counts(response)

        def fresh(payloads: list[Mapping[str, Any]]) -> list[Order]:
            kept: list[Order] = []
            for order in (map_order(p) for p in payloads if not is_draft(p)):
                if order.order_id not in seen and start <= order.placed_at <= end:
                    seen.add(order.order_id)
                    kept.append(order)
            return kept

        for _ in range(MAX_RELISTS + 1):
            payloads, first = await listing_page(1)
            yield fresh(payloads)
            if not payloads:
                return
            later = pages_ahead(listing_page, 2, first.pages, concurrency=self.page_concurrency)
            async with aclosing(later):
                async for payloads, counts in later:
                    yield fresh(payloads)
                    if counts != first:
                        break  # the result set changed: orders may have moved across pages
                    if not payloads:
                        return
                else:
                    return  # every page read, and the result set never changed
        raise PlatformUnavailable(
            f"Listing orders: the orders kept changing while they were paged ({MAX_RELISTS} relists); try again later"
        )

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """``order.created`` and ``order.updated`` (a change) carry the whole REST order; other topics and the
        ping carry nothing."""
        return read_webhook(headers, body, self.credentials.get("webhook_secret"))

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """Create each missing topic's webhook to ``url``; set one WooCommerce disabled ``active`` again."""
        secret = self.credentials.get("webhook_secret")
        if not secret:
            raise InvalidCredentials(
                "Set the webhook secret first: WooCommerce signs each delivery with it", field="webhook_secret"
            )
        hooks = await self._webhooks(url)
        for topic, name in _WEBHOOK_TOPICS.items():
            hook = hooks.get(topic)
            if hook is None:
                body = {"name": name, "topic": topic, "delivery_url": url, "secret": secret}
                hooks[topic] = await self._write_webhook("POST", "webhooks", body, f"Creating the {topic} webhook")
            elif hook.get("status") == "disabled":
                path, body = f"webhooks/{hook.get('id')}", {"status": "active", "secret": secret}
                hooks[topic] = await self._write_webhook("PUT", path, body, f"Re-activating the {topic} webhook")
        return [_registration(hook) for hook in hooks.values()]

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The site's webhooks to exactly ``url`` for the topics read, active, paused or disabled."""
        return [_registration(hook) for hook in (await self._webhooks(url)).values()]

    async def _webhooks(self, url: str) -> dict[str, Mapping[str, Any]]:
        """By topic, the webhook to ``url``: an active one before a paused one before a disabled one."""
        found: list[Mapping[str, Any]] = []
        operation = "Listing the webhooks"
        page = 1
        while True:
            query = {"per_page": str(PAGE_SIZE), "page": str(page), "status": "all"}
            response = await self._webhook_request("GET", "webhooks", query, operation)
            hooks = _order_list(response, operation, "webhooks")
            found += [h for h in hooks if h.get("delivery_url") == url and h.get("topic") in _WEBHOOK_TOPICS]
            if not hooks or page >= _counts(response).pages:
                break
            page += 1
        rank = {"active": 0, "paused": 1}
        by_topic: dict[str, Mapping[str, Any]] = {}
        for hook in sorted(found, key=lambda hook: rank.get(str(hook.get("status")), 2)):
            by_topic.setdefault(hook["topic"], hook)
        return by_topic

    async def _write_webhook(
        self, method: str, path: str, body: Mapping[str, str], operation: str
    ) -> Mapping[str, Any]:
        response = await self._webhook_request(method, path, {}, operation, body)
        if response.status == 404:
            raise _no_api(response, operation)
        hook = response.json()
        if not isinstance(hook, dict):
            raise PlatformBadResponse(f"{operation}: {response.where} answered without a webhook object")
        return hook

    async def _webhook_request(
        self, method: str, path: str, params: Mapping[str, str], operation: str, body: Any = None
    ) -> Response:
        try:
            return await self._request(method, path, params, operation, body, ok=(*_ANSWERS, 401, 403))
        except PlatformAuthError as exc:
            raise PlatformAuthError(f"{exc.message} ({_WEBHOOK_PERMISSION})") from None

    async def _order_by_id(self, order_id: str) -> Order | None:
        """``GET /orders/{id}``, or ``None`` when there is no such (non-draft) order.

        WooCommerce answers a missing order with a 404 whose error code is
        ``woocommerce_rest_shop_order_invalid_id``; a 404 without an error code
        or with ``rest_no_route`` means the API itself is not there.
        """
        response = await self._get(f"orders/{order_id}", {}, f"Fetching order {order_id}")
        if response.status == 404:
            if _wp_error(response)[0] not in (None, _NO_ROUTE_CODE):
                return None
            raise _no_api(response, f"Fetching order {order_id}")
        payload = response.json()
        if not isinstance(payload, dict):
            raise PlatformBadResponse(f"Fetching order {order_id}: {response.where} answered without an order object")
        if is_draft(payload):
            return None
        found = map_order(payload)
        return found if found.order_id == order_id else None

    async def _orders_by_ids(self, ids: list[str]) -> dict[str, Order]:
        """The non-draft orders among ``ids``, by id: ``include`` with ``status=any``, a page of ids a request.

        ``status=any`` leaves trashed orders out while ``GET /orders/{id}``
        finds them, so the ids it does not return are asked again with
        ``status=trash``.
        """
        found: dict[str, Order] = {}
        for status in ("any", "trash"):
            wanted = [order_id for order_id in ids if order_id not in found]
            for start in range(0, len(wanted), PAGE_SIZE):
                chunk = wanted[start : start + PAGE_SIZE]
                query = {"include": ",".join(chunk), "status": status, "per_page": str(PAGE_SIZE)}
                response = await self._get("orders", query, "Fetching orders by id")
                for order in (map_order(p) for p in _order_list(response, "Fetching orders by id") if not is_draft(p)):
                    if order.order_id in chunk:
                        found[order.order_id] = order
        return found

    async def _order_by_number(self, number: str) -> Order | None:
        """Search orders for ``number``; keep only an exact, non-draft match (search also matches ids, emails...)."""
        query = {"search": number, "status": "any", "per_page": str(PAGE_SIZE)}
        wanted = _number_key(number)
        page = 1
        while True:
            response = await self._get("orders", {**query, "page": str(page)}, "Searching orders by number")
            payloads = _order_list(response, "Searching orders by number")
            for payload in payloads:
                if not is_draft(payload) and _number_key(payload.get("number")) == wanted:
                    return map_order(payload)
            if not payloads or page >= _counts(response).pages:
                return None
            page += 1

    async def _get(self, path: str, params: Mapping[str, str], operation: str) -> Response:
        return await self._request("GET", path, params, operation)

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, str],
        operation: str,
        body: Any = None,
        *,
        ok: tuple[int, ...] = _ANSWERS,
    ) -> Response:
        """Send with the store's authentication; a 401 or 403 in ``ok`` is raised with WordPress's error code."""
        url = URL(f"{self.api_base_url or self.credentials['site_url']}/{API_PATH}/{path}")
        mode = auth_mode(url, query_string_auth=self.credentials.get("query_string_auth") == "true")
        try:
            response = await self._send(method, url, params, mode, body, ok)
            if response.status in (401, 403):
                where = f"{response.where} answered HTTP {response.status}"
                raise PlatformAuthError(f"{where} ({_error_text(response)})")
        except PlatformAuthError as exc:
            hint = {
                AuthMode.BASIC: _HEADER_HINT,
                AuthMode.OAUTH1: " (OAuth 1.0a over plain HTTP: also check this server's clock)",
            }.get(mode, "")
            raise PlatformAuthError(f"{operation}: {exc.message}{hint}") from None
        return _checked(response, operation)

    async def _send(
        self, method: str, url: URL, params: Mapping[str, str], mode: AuthMode, body: Any, ok: tuple[int, ...]
    ) -> Response:
        key, secret = self.credentials["consumer_key"], self.credentials["consumer_secret"]
        headers = {"Accept": "application/json"}
        query: Mapping[str, str] | Callable[[], Mapping[str, str]]
        if mode is AuthMode.BASIC:
            headers["Authorization"] = aiohttp.encode_basic_auth(key, secret)
            query = params
        elif mode is AuthMode.QUERY_STRING:
            query = {**params, "consumer_key": key, "consumer_secret": secret}
        else:

            def query() -> Mapping[str, str]:
                # Signed afresh for every attempt: WooCommerce refuses a nonce it has seen.
                return oauth1_query(
                    method,
                    url,
                    params,
                    consumer_key=key,
                    consumer_secret=secret,
                    timestamp=int(time.time()),
                    nonce=secrets.token_hex(16),
                )

        return await self.http.request(
            method,
            url,
            headers=headers,
            params=query,
            json_body=body,
            ok=ok,
            wait_header=_rate_limit_wait,
        )


def _checked(response: Response, operation: str) -> Response:
    """The response if it is an answer (200, 201 or 404); WooCommerce's refusals as exceptions."""
    if response.status in (200, 201, 404):
        return response
    if response.status == 400:
        raise PlatformBadResponse(f"{operation}: {response.where} answered HTTP 400 ({_error_text(response)})")
    location = URL(response.headers.get("Location", ""))
    shown = location.with_user(None).with_query(None).with_fragment(None).human_repr() or "another address"
    raise PlatformBadResponse(
        f"{operation}: {response.where} redirected to {shown} (HTTP {response.status}): "
        "use the address the site redirects to as the store URL"
    )


def _no_api(response: Response, operation: str) -> PlatformBadResponse:
    return PlatformBadResponse(
        f"{operation}: {response.where} answered HTTP 404 ({_error_text(response)}): check the store URL, "
        "that WooCommerce is active and that WordPress uses pretty permalinks"
    )


def _order_list(response: Response, operation: str, kind: str = "orders") -> list[Mapping[str, Any]]:
    """The listing's objects (orders, or ``kind``)."""
    if response.status == 404:
        raise _no_api(response, operation)
    payload = response.json()
    if not isinstance(payload, list) or not all(isinstance(p, dict) for p in payload):
        raise PlatformBadResponse(f"{operation}: {response.where} answered without a list of {kind}")
    return payload


def _registration(hook: Mapping[str, Any]) -> WebhookRegistration:
    status = hook.get("status")
    problems = {
        "paused": "paused in WooCommerce (Settings › Advanced › Webhooks): set it Active to receive orders",
        "disabled": "disabled by WooCommerce after failed deliveries",
    }
    return WebhookRegistration(
        topic=str(hook.get("topic")),
        url=str(hook.get("delivery_url")),
        active=status == "active",
        problem=problems.get(str(status)),
    )


def _counts(response: Response) -> _Counts:
    """``X-WP-Total`` and ``X-WP-TotalPages``, which the API sends with every listing page."""
    pages = _header_count(response, "X-WP-TotalPages")
    if pages is None:
        raise PlatformBadResponse(f"{response.where} answered a listing without the X-WP-TotalPages header")
    return _Counts(_header_count(response, "X-WP-Total"), pages)


def _header_count(response: Response, header: str) -> int | None:
    value = response.headers.get(header)
    if value is None:
        return None
    if not value.strip().isdigit():
        raise PlatformBadResponse(f"{response.where} answered a {header} header that is not a number")
    return int(value)


def _rate_limit_wait(response: Response) -> float | None:
    """WooCommerce's own wait signal (Store API rate limiting), for a 429/503 without ``Retry-After``."""
    return parse_retry_after(response.headers.get("RateLimit-Retry-After"))


def _error_text(response: Response) -> str:
    """``code: message`` of a WordPress REST error body, shortened."""
    code, message = _wp_error(response)
    if code is None:
        return "no WordPress REST error code"
    text = shorten(message)
    return f"{code}: {text}" if text else code


def _wp_error(response: Response) -> tuple[str | None, str]:
    """``code`` and ``message`` of a WordPress REST error body (``{"code", "message", "data"}``)."""
    try:
        body = response.json()
    except PlatformBadResponse:
        return None, ""
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        return None, ""
    message = body.get("message")
    return body["code"], " ".join(message.split()) if isinstance(message, str) else ""


def _site_url(value: str) -> str:
    """``https://shop.example.com`` or ``http://example.com/shop``: scheme (https by default), host, port, path."""
    try:
        url = URL(value if "://" in value else f"https://{value}")
        host = url.raw_host or ""
    except ValueError:
        url, host = None, ""
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not _HOST.fullmatch(host)
        or url.user is not None
        or url.query_string
        or url.fragment
    ):
        raise InvalidCredentials(
            "Store URL must be the WordPress site address, such as https://shop.example.com", field="site_url"
        )
    segments = [s for s in url.path.split("/") if s]
    if "wp-json" in segments:  # a pasted API address: keep the site part
        segments = segments[: segments.index("wp-json")]
    site = URL.build(scheme=url.scheme, host=host, port=url.explicit_port, path="/" + "/".join(segments))
    return str(site).rstrip("/")


def _api_time(moment: datetime) -> str:
    """Naive UTC to the second, as ``dates_are_gmt=true`` expects (a ``Z`` would be converted to site time)."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _typed(reference: str) -> str:
    """What the seller typed, without spaces and a leading ``#``."""
    return reference.strip().removeprefix("#").strip()


def _number_key(value: Any) -> str:
    """An order number as sellers type and plugins write it: trimmed, without ``#``, case-insensitive."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip().removeprefix("#").strip().casefold() if isinstance(value, str) else ""
