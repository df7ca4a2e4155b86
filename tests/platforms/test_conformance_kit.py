"""The conformance kit against a tiny made-up platform: it passes a correct connector and fails broken ones readably.

"Tinyshop" is a small REST API served by ``TinyDouble`` (a ``PlatformDouble``);
``TinyConnector`` implements it correctly, and each subclass below breaks it in
one way partners do. Each test writes a partner's test module into a temporary
project and runs pytest on it in-process (``pytester``), in pytest-asyncio's
default strict mode, then checks which kit tests failed and what they said.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from server.platforms import (
    Capability,
    CredentialField,
    LineItem,
    Money,
    Order,
    PaymentStatus,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformConnector,
    PlatformUnavailable,
    Response,
    WebhookEvent,
    WebhookMalformed,
    WebhookRejected,
)
from server.platforms.testing import PlatformDouble, SeededOrder

pytest_plugins = ["pytester"]

# ---------------------------------------------------------------------------
# Tinyshop: the platform double


class TodaysTinyDouble(PlatformDouble):
    """Tinyshop's API: ``GET /api/orders/lookup?ref=`` and ``GET /api/orders?created_min&created_max&page``,
    as a double written for the kit before it tried forged deliveries and wrong shapes.

    ``Authorization: Bearer <api_key>``; times in the store's time zone with
    their offset; window bounds inclusive; four orders a page, oldest first,
    numbered (an order added while a listing is paged shifts the later pages).
    Webhooks: the order as JSON, ``X-Tiny-Signature`` the hex HMAC-SHA256 of the
    body with the store's webhook secret, ``X-Tiny-Delivery`` the delivery's id.
    """

    page_size = 4

    def __init__(self) -> None:
        self.api_key = "tiny-secret-key-0001"
        self.webhook_secret = "tiny-webhook-secret-0001"
        self.zone = ZoneInfo("UTC")
        self.orders: list[dict[str, Any]] = []
        self.faults: deque[tuple[str, int, float, Callable[[Any], Any] | None]] = deque()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/orders/lookup", self._lookup)
        app.router.add_get("/api/orders", self._list)
        return app

    def credentials(self) -> Mapping[str, str]:
        return {"store": "corner-shop", "api_key": self.api_key, "webhook_secret": self.webhook_secret}

    def wrong_credentials(self) -> Mapping[str, str]:
        return {"store": "corner-shop", "api_key": "tiny-wrong-key-9999"}

    def set_timezone(self, name: str) -> None:
        self.zone = ZoneInfo(name)

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        n = 1001 + len(self.orders)
        order = {
            "id": str(7_000_000 + 37 * n),
            "number": f"#{n}",
            "created": placed_at.astimezone(UTC).replace(microsecond=0),
            "total": f"{10 + n % 40}.50",
            "currency": "EUR",
        }
        self.orders.append(order)
        self.orders.sort(key=lambda o: (o["created"], o["id"]))
        # the expected values are written here, not computed with the connector's code
        return SeededOrder(
            order_id=order["id"],
            order_number=order["number"],
            references=(order["number"], str(n), order["id"]),
            placed_at=order["created"],
            total=Decimal(order["total"]),
            currency="EUR",
        )

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        return self._deliveries(self.webhook_secret)

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self.faults.extend([("fail", status, 0.0, None)] * times)

    def throttle_next(self, times: int = 1) -> None:
        self.faults.extend([("fail", 429, 0.0, None)] * times)

    def garbage_next(self, times: int = 1) -> None:
        self.faults.extend([("garbage", 200, 0.0, None)] * times)

    def truncate_next(self, times: int = 1) -> None:
        self.faults.extend([("truncate", 200, 0.0, None)] * times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        self.faults.extend([("delay", 200, seconds, None)] * times)

    def _deliveries(self, secret: str) -> list[tuple[dict[str, str], bytes]]:
        deliveries = []
        for order in self.orders:
            body = json.dumps({"event": "order.created", "order": self._payload(order)}).encode()
            signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {"X-Tiny-Delivery": f"dlv-{order['id']}", "X-Tiny-Signature": signature}
            deliveries.append((headers, body))
        return deliveries

    def _payload(self, order: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": order["id"],
            "number": order["number"],
            "created_at": order["created"].astimezone(self.zone).isoformat(),
            "created_ts": int(order["created"].timestamp()),
            "status": order.get("status", "paid"),
            "total": order["total"],
            "currency": order["currency"],
            "lines": [{"name": "Teapot", "qty": 1, "price": order["total"], "currency": order["currency"]}],
        }

    async def _lookup(self, request: web.Request) -> web.StreamResponse:
        ref = request.query.get("ref", "")
        found = [o for o in self.orders if ref in (o["id"], o["number"], o["number"].lstrip("#"))]
        return await self._answer(request, {"order": self._payload(found[0])} if found else None)

    async def _list(self, request: web.Request) -> web.StreamResponse:
        try:
            low, high = (datetime.fromisoformat(request.query[k]) for k in ("created_min", "created_max"))
            page = int(request.query.get("page", "1"))
        except (KeyError, ValueError):
            return web.json_response({"error": "created_min and created_max need ISO times with offsets"}, status=400)
        if low.utcoffset() is None or high.utcoffset() is None or page < 1:
            return web.json_response({"error": "created_min and created_max need ISO times with offsets"}, status=400)
        matching = [o for o in self.orders if low <= o["created"] <= high]
        chunk = matching[(page - 1) * self.page_size : page * self.page_size]
        more = page * self.page_size < len(matching)
        return await self._answer(request, {"orders": [self._payload(o) for o in chunk], "has_more": more})

    async def _answer(self, request: web.Request, body: dict[str, Any] | None) -> web.StreamResponse:
        kind, status, seconds, transform = self.faults.popleft() if self.faults else ("", 0, 0.0, None)
        if kind == "fail":
            headers = {"Retry-After": "0"} if status == 429 else {}
            return web.json_response({"error": "try again later"}, status=status, headers=headers)
        if kind == "garbage":
            return web.Response(text="<html>Bad gateway</html>", content_type="text/html")
        await asyncio.sleep(seconds)
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"error": "unauthorized"}, status=401)
        if body is None:
            return web.json_response({"error": "not found"}, status=404)
        if kind == "truncate":
            data = json.dumps(body).encode()
            response = web.StreamResponse(headers={"Content-Type": "application/json"})
            response.content_length = len(data)
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            assert request.transport is not None
            request.transport.close()
            return response
        return web.json_response(body if transform is None else transform(body))


class TinyDouble(TodaysTinyDouble):
    """Tinyshop's double with the kit's optional methods: deliveries for any store's secret, reshaped answers
    (applied by the double itself: it is no ``FaultQueueDouble``), refunds and their ``order.updated`` deliveries."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[dict[str, Any]] = []

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        return self._deliveries(credentials["webhook_secret"])

    def change_order(self, order_id: str) -> None:
        order = next(o for o in self.orders if o["id"] == order_id)
        order["status"] = "refunded"
        self.changes.append(self._payload(order))

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        deliveries = []
        for n, order in enumerate(self.changes, 1):
            body = json.dumps({"event": "order.updated", "order": order}).encode()
            signature = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            deliveries.append(({"X-Tiny-Delivery": f"dlv-change-{n}", "X-Tiny-Signature": signature}, body))
        return deliveries

    def reshape_next(self, transform: Callable[[Any], Any], times: int = 1) -> None:
        self.faults.extend([("reshape", 200, 0.0, transform)] * times)


# ---------------------------------------------------------------------------
# The correct connector, and connectors broken the ways partners break them


class TinyConnector(PlatformConnector):
    platform_id = "tinyshop"
    display_name = "Tinyshop"
    order_id_label = "Order number (#1001) or id"
    credential_fields = (
        CredentialField("store", "Store"),
        CredentialField("api_key", "API key", secret=True),
        CredentialField("webhook_secret", "Webhook secret", secret=True, required=False),
    )
    capabilities = frozenset({Capability.FETCH_ORDER, Capability.LIST_ORDERS_CREATED, Capability.WEBHOOKS})

    async def fetch_order(self, reference: str) -> Order | None:
        response = await self.get("/api/orders/lookup", {"ref": reference})
        return None if response.status == 404 else self.order(self.field(self.body(response), "order", dict))

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Numbered pages: an order added meanwhile shifts the later ones, so orders already listed are left out."""
        seen: set[str] = set()
        page = 1
        while True:
            body = self.body(await self.get("/api/orders", {**self.window(start, end), "page": str(page)}))
            yield self.unseen([self.order(raw) for raw in self.field(body, "orders", list)], seen)
            if not self.field(body, "has_more", bool):
                return
            page += 1

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        self.verify(headers, body)
        delivery = headers.get("X-Tiny-Delivery")
        try:
            payload = json.loads(body)
            topic, order = self.field(payload, "event", str), self.order(self.field(payload, "order", dict))
        except (ValueError, PlatformBadResponse):
            raise WebhookMalformed("Tinyshop sent a delivery without a readable order") from None
        if not delivery:
            raise WebhookMalformed("Tinyshop sent a delivery without X-Tiny-Delivery")
        return WebhookEvent(delivery_id=delivery, topic=topic, order=order, updated=topic == "order.updated")

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        secret = self.credentials.get("webhook_secret", "")
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not secret or not hmac.compare_digest(headers.get("X-Tiny-Signature", "").encode(), expected.encode()):
            raise WebhookRejected("the delivery's X-Tiny-Signature is missing or wrong")

    async def get(self, path: str, params: dict[str, str]) -> Response:
        headers = {"Authorization": f"Bearer {self.credentials['api_key']}"}
        return await self.http.request("GET", f"{self.api_base_url}{path}", headers=headers, params=params)

    def window(self, start: datetime, end: datetime) -> dict[str, str]:
        return {"created_min": start.isoformat(), "created_max": end.isoformat()}

    def unseen(self, orders: list[Order], seen: set[str]) -> list[Order]:
        fresh = [o for o in orders if o.order_id not in seen]
        seen.update(o.order_id for o in orders)
        return fresh

    def body(self, response: Response) -> dict[str, Any]:
        body = response.json()
        if response.status != 200 or not isinstance(body, dict):
            raise PlatformBadResponse(f"{response.where} answered HTTP {response.status}")
        return body

    def field(self, payload: Any, name: str, kind: type) -> Any:
        """``payload[name]``, which must be a ``kind``: anything else is an answer the connector cannot read."""
        value = payload.get(name) if isinstance(payload, dict) else None
        if not isinstance(value, kind):
            raise PlatformBadResponse(f"Tinyshop sent {name!r} that is not a {kind.__name__}")
        return value

    def order(self, raw: dict[str, Any]) -> Order:
        currency = self.field(raw, "currency", str)
        return Order(
            order_id=self.field(raw, "id", str),
            order_number=self.field(raw, "number", str),
            placed_at=self.created(raw),
            total=self.money(self.field(raw, "total", str), currency),
            payment_status=PaymentStatus.PAID if raw.get("status") == "paid" else PaymentStatus.UNKNOWN,
            line_items=tuple(
                LineItem(
                    self.field(line, "name", str),
                    self.field(line, "qty", int),
                    self.money(self.field(line, "price", str), self.field(line, "currency", str)),
                    self.money(self.field(line, "price", str), self.field(line, "currency", str)),
                )
                for line in self.field(raw, "lines", list)
            ),
            raw=raw,
        )

    def created(self, raw: dict[str, Any]) -> datetime:
        return self.placed_at(self.field(raw, "created_at", str))

    def placed_at(self, text: str) -> datetime:
        return datetime.fromisoformat(text)

    def money(self, amount: str, currency: str) -> Money:
        return Money(Decimal(amount), currency)


class DropsLastOfPage(TinyConnector):
    """Slices each full page one short."""

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        async for page in super().orders_created(start, end):
            yield page[:-1] if len(page) == TinyDouble.page_size else page


class RepeatsPageBoundary(TinyConnector):
    """Starts each page again from the previous page's last order."""

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        last: list[Order] = []
        async for page in super().orders_created(start, end):
            yield last + page
            last = page[-1:]


class ExclusiveEnd(TinyConnector):
    """Treats the window's end as exclusive."""

    def window(self, start: datetime, end: datetime) -> dict[str, str]:
        return {"created_min": start.isoformat(), "created_max": (end - timedelta(seconds=1)).isoformat()}


class ReadsLocalTimeAsUtc(TinyConnector):
    """Drops the store's UTC offset from order times."""

    def placed_at(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)


class FloatMoney(TinyConnector):
    def money(self, amount: str, currency: str) -> Money:
        return Money(float(amount), currency)  # type: ignore[arg-type]


class NaiveTimes(TinyConnector):
    def placed_at(self, text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=None)


class LinesInAnotherCurrency(TinyConnector):
    def order(self, raw: dict[str, Any]) -> Order:
        return super().order({**raw, "lines": [{**line, "currency": "USD"} for line in raw["lines"]]})


class ReturnsPayloads(TinyConnector):
    """Yields the platform's dicts instead of mapping them."""

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        async for page in super().orders_created(start, end):
            yield [dict(order.raw) for order in page]  # type: ignore[misc]


class AnotherOrderWhenUnknown(TinyConnector):
    """Falls back to the most recent order when the lookup finds nothing."""

    async def fetch_order(self, reference: str) -> Order | None:
        if (order := await super().fetch_order(reference)) is not None:
            return order
        now = datetime.now(UTC)
        async for page in self.orders_created(now - timedelta(days=2), now):
            if page:
                return page[-1]
        return None


class KeysBatchByOrderId(TinyConnector):
    """Keys the orders of a batch by their order id, not by the reference each was asked for with."""

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        return {order.order_id: order for order in (await super().fetch_orders(references)).values()}


class LeaksSecret(TinyConnector):
    async def get(self, path: str, params: dict[str, str]) -> Response:
        try:
            return await super().get(path, params)
        except PlatformAuthError:
            raise PlatformAuthError(f"Tinyshop refused API key {self.credentials['api_key']}") from None


class RefusalIsNotFound(TinyConnector):
    """Reads the platform's refusal as "no such order" and as an empty listing."""

    async def fetch_order(self, reference: str) -> Order | None:
        try:
            return await super().fetch_order(reference)
        except PlatformAuthError:
            return None

    async def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        try:
            async for page in super().orders_created(start, end):
                yield page
        except PlatformAuthError:
            return


class SwallowsOutages(TinyConnector):
    """Answers "nothing found" when the platform is down."""

    async def fetch_order(self, reference: str) -> Order | None:
        try:
            return await super().fetch_order(reference)
        except PlatformUnavailable:
            return None


class UnmarkedSecret(TinyConnector):
    credential_fields = (CredentialField("store", "Store"), CredentialField("api_key", "API key"))


class UnknownPaymentStatus(TinyConnector):
    def order(self, raw: dict[str, Any]) -> Order:
        return super().order({**raw, "status": "settled"})


class FetchOnly(TinyConnector):
    capabilities = frozenset({Capability.FETCH_ORDER})
    orders_created = PlatformConnector.orders_created  # type: ignore[assignment]
    parse_webhook = PlatformConnector.parse_webhook


class AcceptsAnySignature(TinyConnector):
    """Reads every delivery without checking its signature."""

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        if "X-Tiny-Signature" not in headers:
            raise WebhookRejected("the delivery is not signed")


class ChangesAsNewOrders(TinyConnector):
    """Reads a delivery about a refund as if it announced a new order."""

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        event = await super().parse_webhook(headers, body)
        return WebhookEvent(delivery_id=event.delivery_id, topic=event.topic, order=event.order)


class NewOrdersAsChanges(TinyConnector):
    """Marks every delivery as a change, new orders included."""

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        event = await super().parse_webhook(headers, body)
        return WebhookEvent(delivery_id=event.delivery_id, topic=event.topic, order=event.order, updated=True)


class TrustsTheShape(TinyConnector):
    """Indexes the platform's JSON as documented, trusting every member to be there with its type."""

    def field(self, payload: Any, name: str, kind: type) -> Any:
        return payload[name]


class PagesByOffsetAlone(TinyConnector):
    """Yields every numbered page as it comes, so an order added meanwhile repeats the one before the shift."""

    def unseen(self, orders: list[Order], seen: set[str]) -> list[Order]:
        return orders


class ReadsUnixTimeAsLocal(TinyConnector):
    """Reads ``created_ts`` with ``datetime.fromtimestamp``, which gives local wall time, and calls it UTC."""

    def created(self, raw: dict[str, Any]) -> datetime:
        return datetime.fromtimestamp(self.field(raw, "created_ts", int)).replace(tzinfo=UTC)


# ---------------------------------------------------------------------------
# Running the kit as a partner does


def _partner_module(*connectors: str, double: str = "TinyDouble") -> str:
    """A partner's test module: one suite subclass per connector, named ``Test<Connector>``, against ``double``."""
    lines = [
        "from server.platforms.testing import ConnectorConformanceSuite",
        "from tests.platforms import test_conformance_kit as tiny",
    ]
    for name in connectors:
        lines += [
            "",
            "",
            f"class Test{name}(ConnectorConformanceSuite):",
            f"    connector_class = tiny.{name}",
            "    timezones = ('UTC', 'Asia/Kolkata')",
            "    timeout_seconds = 0.15",
            "",
            "    def make_double(self):",
            f"        return tiny.{double}()",
        ]
    return "\n".join(lines) + "\n"


Results = dict[str, tuple[str, str]]
"""``{"Test<Connector>::<test id>": (outcome, failure text)}``"""


def _run(
    pytester: pytest.Pytester,
    *connectors: str,
    args: tuple[str, ...] = (),
    warnings: str = "error",
    double: str = "TinyDouble",
) -> Results:
    """Run the kit against ``connectors`` (each served by ``double``) in a partner's project, in process."""
    # pytest-asyncio in its default strict mode: the kit marks its own async tests.
    pytester.makeini(f"[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = {warnings}\n")
    pytester.makepyfile(test_partner=_partner_module(*connectors, double=double))
    recorder = pytester.inline_run("-p", "no:cacheprovider", *args)
    results: Results = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        key = report.nodeid.split("::", 1)[1]
        if report.outcome != "passed" and results.get(key, ("passed",))[0] == "passed":
            results[key] = (report.outcome, report.longreprtext)
        else:
            results.setdefault(key, ("passed", ""))
    assert results, "the partner module ran no tests"
    return results


def _outcomes(results: Results, cls: str, outcome: str) -> dict[str, str]:
    """``{test id: text}`` of the tests of ``Test<cls>`` with ``outcome``."""
    prefix = f"Test{cls}::"
    return {k.removeprefix(prefix): t for k, (o, t) in results.items() if k.startswith(prefix) and o == outcome}


def test_a_correct_connector_passes_every_test(pytester: pytest.Pytester) -> None:
    results = _run(pytester, "TinyConnector")
    assert _outcomes(results, "TinyConnector", "failed") == {}
    # it has no verify_credentials (test_kit_verify_credentials); it does not register webhooks, and says so
    assert list(_outcomes(results, "TinyConnector", "skipped")) == [VERIFY]
    assert UNDECLARED in _outcomes(results, "TinyConnector", "passed")
    assert len(_outcomes(results, "TinyConnector", "passed")) == 47  # with two time zones


def test_a_double_written_for_the_earlier_kit_skips_what_it_lacks_naming_the_method(pytester: pytest.Pytester) -> None:
    results = _run(pytester, "TinyConnector", double="TodaysTinyDouble")
    assert _outcomes(results, "TinyConnector", "failed") == {}
    skipped = _outcomes(results, "TinyConnector", "skipped")
    assert sorted(skipped) == sorted(
        [
            VERIFY,
            f"{FORGED}[another-stores-secret]",
            f"{WRONG_SHAPE}[fetch_order]",
            f"{WRONG_SHAPE}[orders_created]",
            CHANGES,
        ]
    )
    assert (
        "TodaysTinyDouble does not implement order_webhooks_for(credentials)"
        in skipped[f"{FORGED}[another-stores-secret]"]
    )
    assert (
        "TodaysTinyDouble does not implement reshape_next(transform, times)" in skipped[f"{WRONG_SHAPE}[fetch_order]"]
    )
    assert "TodaysTinyDouble does not implement change_order(order_id)" in skipped[CHANGES]


EDGES = "test_orders_created_includes_the_window_edges"
IN_ZONE = "test_orders_created_in_the_store_time_zone"
EXACTLY_ONCE = "test_orders_created_lists_every_order_exactly_once_across_pages"
BY_REFERENCE = "test_fetch_order_finds_every_reference"
UNKNOWN = "test_fetch_order_returns_none_for_an_unknown_reference"
BATCH = "test_fetch_orders_finds_exactly_the_known_references"
AUTH = "test_wrong_credentials_raise_platform_auth_error"
WEBHOOK = "test_parse_webhook_reads_the_platforms_deliveries"
NORMALIZED = "test_returned_orders_are_normalized"
PERSISTENT = "test_persistent_fault_is_reported"
TRANSIENT = "test_transient_fault_is_retried"
FORGED = "test_parse_webhook_refuses_forged_deliveries"
CHANGES = "test_parse_webhook_marks_change_deliveries"
WRONG_SHAPE = "test_wrong_shaped_json_is_a_bad_response"
MID_LISTING = "test_orders_created_lists_an_order_added_mid_listing_once"
LOCAL_TIME = "test_times_read_the_same_under_another_local_time_zone"
UNDECLARED = "test_undeclared_operations_raise_unsupported_operation"
VERIFY = "test_verify_credentials_tells_right_from_wrong"

BROKEN: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    # connector: (-k expressions of the kit tests run against it, {test id that must fail: what its message says})
    "DropsLastOfPage": (
        (EXACTLY_ONCE, EDGES, IN_ZONE, BY_REFERENCE),
        {
            EXACTLY_ONCE: "missed 2 of the 11 orders inside the window: order '7037259' (#1007, placed",
            f"{EDGES}[whole-seconds]": "1s before the end (2 pages, page sizes [3, 1])",
            f"{EDGES}[fractional-seconds]": "missed 1 of the 5 orders inside the window",
            f"{IN_ZONE}[UTC]": "1s after the store's midnight in UTC",
            f"{IN_ZONE}[Asia/Kolkata]": "1s after the store's midnight in Asia/Kolkata",
        },
    ),
    "RepeatsPageBoundary": (
        (EXACTLY_ONCE, EDGES),
        {
            EXACTLY_ONCE: (
                "order '7037259' (#1007) appeared 2 times, on pages 1 and 2 (2 orders repeated; "
                "page sizes [4, 5, 4]); every order must appear exactly once"
            ),
            f"{EDGES}[whole-seconds]": "appeared 2 times, on pages 1 and 2 (1 order repeated; page sizes [4, 2])",
            f"{EDGES}[fractional-seconds]": "appeared 2 times, on pages 1 and 2",
        },
    ),
    "ExclusiveEnd": (
        (EXACTLY_ONCE, EDGES, IN_ZONE),
        {
            f"{EDGES}[whole-seconds]": "missed 1 of the 5 orders inside the window: order '7037222' (#1006, placed",
            f"{EDGES}[fractional-seconds]": ") at the window's end (1 page, page sizes [4])",
            f"{IN_ZONE}[UTC]": "at the window's end in UTC",
            f"{IN_ZONE}[Asia/Kolkata]": "at the window's end in Asia/Kolkata",
        },
    ),
    "ReadsLocalTimeAsUtc": (
        (IN_ZONE,),
        {f"{IN_ZONE}[Asia/Kolkata]": "returned order '7037074' (#1002) with placed_at"},
    ),
    "FloatMoney": (
        (BY_REFERENCE,),
        {
            BY_REFERENCE: (
                "fetch_order('#1001') raised ValueError: Money.amount must be a finite Decimal, got 11.5; "
                "operations may raise only server.platforms errors (ConnectorError subclasses)"
            )
        },
    ),
    "NaiveTimes": (
        (NORMALIZED,),
        {
            f"{NORMALIZED}[fetch_order]": "raised ValueError: Order.placed_at must be timezone-aware",
            f"{NORMALIZED}[orders_created]": "raised ValueError: Order.placed_at must be timezone-aware",
        },
    ),
    "LinesInAnotherCurrency": (
        (NORMALIZED,),
        {
            f"{NORMALIZED}[fetch_order]": (
                "fetch_order('#1001') returned order '7037037' (#1001), which breaks the Order invariants: "
                "line item 1 unit_price is in USD, the order's total in EUR"
            ),
            f"{NORMALIZED}[orders_created]": "(page 1, item 1), which breaks the Order invariants: line item 1",
        },
    ),
    "ReturnsPayloads": (
        (NORMALIZED,),
        {f"{NORMALIZED}[orders_created]": "returned a dict (page 1, item 1) instead of a server.platforms.Order"},
    ),
    "AnotherOrderWhenUnknown": (
        (UNKNOWN, BY_REFERENCE),
        {
            UNKNOWN: (
                "fetch_order('#9999') returned order '7037111' (#1003); the platform has no order '#9999', "
                "so it must return None (never another order)"
            )
        },
    ),
    "KeysBatchByOrderId": ((BATCH,), {BATCH: "returned the keys ['7037037']; expected exactly"}),
    "LeaksSecret": (
        (AUTH,),
        {
            f"{AUTH}[fetch_order]": (
                "fetch_order('#1001') raised PlatformAuthError whose message contains the value of secret "
                "credential 'api_key': 'Tinyshop refused API key <api_key>'"
            ),
            f"{AUTH}[orders_created]": "raised PlatformAuthError whose message contains the value of secret",
        },
    ),
    "RefusalIsNotFound": (
        (AUTH,),
        {
            f"{AUTH}[fetch_order]": (
                "fetch_order('#1001') returned None with wrong_credentials(); expected PlatformAuthError"
            ),
            f"{AUTH}[orders_created]": "returned 0 orders with wrong_credentials(); expected PlatformAuthError",
        },
    ),
    "SwallowsOutages": (
        (f"{PERSISTENT} and fetch_order",),
        {
            f"{PERSISTENT}[fetch_order-http-503-every-attempt]": (
                "fetch_order('#1001') returned None after the double's HTTP 503 on all 3 attempts; "
                "expected PlatformUnavailable"
            ),
            f"{PERSISTENT}[fetch_order-throttled-every-attempt]": (
                "after the double's throttle signal on all 3 attempts"
            ),
            f"{PERSISTENT}[fetch_order-truncated-every-attempt]": "expected PlatformUnavailable or PlatformBadResponse",
            f"{PERSISTENT}[fetch_order-timeout-every-attempt]": (
                "returned None after the double's answers held past the client timeout on all 3 attempts"
            ),
        },
    ),
    "AcceptsAnySignature": (
        (FORGED,),
        {
            f"{FORGED}[tampered-body]": (
                "its body changed under the same headers>) raised WebhookMalformed: Tinyshop sent a delivery "
                "without a readable order; expected WebhookRejected"
            ),
            f"{FORGED}[altered-signature]": "its signature altered>) was accepted (WebhookEvent(",
            f"{FORGED}[another-stores-secret]": (
                "signed with another store's secret>) was accepted (WebhookEvent(delivery_id='dlv-7037037'"
            ),
        },
    ),
    "ChangesAsNewOrders": (
        (CHANGES, WEBHOOK),
        {
            CHANGES: (
                "parse_webhook(<change delivery 1 of 2>) returned updated=False; a delivery about a change to an "
                "order must set WebhookEvent.updated"
            )
        },
    ),
    "NewOrdersAsChanges": (
        (WEBHOOK, CHANGES),
        {WEBHOOK: "returned updated=True; the delivery announces a new order, so WebhookEvent.updated must be False"},
    ),
    "TrustsTheShape": (
        (WRONG_SHAPE,),
        {
            f"{WRONG_SHAPE}[fetch_order]": (
                "with order removed in the double's answer, fetch_order('#1001') raised KeyError: 'order'; "
                "operations may raise only server.platforms errors"
            ),
            f"{WRONG_SHAPE}[orders_created]": "with orders removed in the double's answer, orders_created(",
        },
    ),
    "PagesByOffsetAlone": (
        (MID_LISTING,),
        {
            f"{MID_LISTING}[oldest]": (
                "with an order added at the window's start after page 1: order '7037222' (#1006) appeared 2 times, "
                "on pages 1 and 2 (1 order repeated; page sizes [4, 4, 4]); every order must appear exactly once"
            )
        },
    ),
    "ReadsUnixTimeAsLocal": (
        (LOCAL_TIME,),
        {
            f"{LOCAL_TIME}[fetch_order]": (
                "fetch_order('#1001') returned order '7037037' (#1001) under TZ=Asia/Kathmandu with placed_at"
            ),
            f"{LOCAL_TIME}[orders_created]": "under TZ=Asia/Kathmandu returned order '7037074' (#1002) with placed_at",
        },
    ),
    "UnmarkedSecret": (
        ("test_declares_its_platform", AUTH),
        {
            "test_declares_its_platform": (
                "UnmarkedSecret: credential field 'api_key' holds the secret the double's wrong_credentials() "
                "change, but is not marked secret=True"
            )
        },
    ),
}


def test_broken_connectors_fail_the_tests_they_break_with_readable_messages(pytester: pytest.Pytester) -> None:
    selection = " or ".join(f"(Test{cls} and ({' or '.join(tests)}))" for cls, (tests, _) in BROKEN.items())
    results = _run(pytester, *BROKEN, args=("-k", selection))
    wrong = []
    for cls, (_, expected) in BROKEN.items():
        failed = _outcomes(results, cls, "failed")
        if sorted(failed) != sorted(expected):
            wrong.append(f"{cls}: failed {sorted(failed)}, expected {sorted(expected)}")
        for test, message in expected.items():
            if test in failed and message not in " ".join(failed[test].split()):
                wrong.append(f"{cls}::{test} does not say {message!r}:\n{failed[test]}")
    assert wrong == []


def test_a_secret_in_a_failure_is_masked_everywhere_in_the_report(pytester: pytest.Pytester) -> None:
    results = _run(pytester, "LeaksSecret", args=("-k", AUTH))
    failed = _outcomes(results, "LeaksSecret", "failed")
    assert len(failed) == 2
    assert not any(TinyDouble().wrong_credentials()["api_key"] in text for text in failed.values())


def test_undeclared_capabilities_skip_their_tests_and_must_be_unsupported(pytester: pytest.Pytester) -> None:
    results = _run(pytester, "FetchOnly", args=("-k", "not timeout"))
    skipped = _outcomes(results, "FetchOnly", "skipped")
    assert _outcomes(results, "FetchOnly", "failed") == {}
    assert "test_undeclared_operations_raise_unsupported_operation" in _outcomes(results, "FetchOnly", "passed")
    assert sorted(skipped) == sorted(
        [
            f"{IN_ZONE}[Asia/Kolkata]",
            f"{IN_ZONE}[UTC]",
            f"{EDGES}[fractional-seconds]",
            f"{EDGES}[whole-seconds]",
            EXACTLY_ONCE,
            f"{PERSISTENT}[orders_created-garbage-every-attempt]",
            f"{PERSISTENT}[orders_created-http-503-every-attempt]",
            f"{PERSISTENT}[orders_created-throttled-every-attempt]",
            f"{PERSISTENT}[orders_created-truncated-every-attempt]",
            f"{NORMALIZED}[orders_created]",
            f"{TRANSIENT}[orders_created-http-503-twice]",
            f"{TRANSIENT}[orders_created-throttled-twice]",
            f"{TRANSIENT}[orders_created-truncated-once]",
            f"{AUTH}[orders_created]",
            f"{MID_LISTING}[oldest]",
            f"{MID_LISTING}[newest]",
            f"{LOCAL_TIME}[orders_created]",
            f"{WRONG_SHAPE}[orders_created]",
            WEBHOOK,
            CHANGES,
            *(f"{FORGED}[{forgery}]" for forgery in ("unsigned", "tampered-body", "altered-signature")),
            f"{FORGED}[another-stores-secret]",
            VERIFY,
        ]
    )
    assert all("FetchOnly does not declare Capability." in text for test, text in skipped.items() if test != VERIFY)


def test_soft_checks_warn_and_fail_once_escalated(pytester: pytest.Pytester) -> None:
    warning = (
        "ConformanceWarning: fetch_order('#1001') returned order '7037037' (#1001), a paid order, "
        "with payment_status UNKNOWN; expected PAID"
    )
    results = _run(pytester, "UnknownPaymentStatus", args=("-k", BY_REFERENCE), warnings="default")
    assert _outcomes(results, "UnknownPaymentStatus", "passed") == {BY_REFERENCE: ""}
    escalate = ("-W", "error::server.platforms.testing.ConformanceWarning")
    results = _run(pytester, "UnknownPaymentStatus", args=("-k", BY_REFERENCE, *escalate), warnings="default")
    assert warning in _outcomes(results, "UnknownPaymentStatus", "failed")[BY_REFERENCE]


def test_a_suite_without_its_connector_says_what_to_set(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        test_partner="""
        from server.platforms.testing import ConnectorConformanceSuite

        class TestForgotten(ConnectorConformanceSuite):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "declares")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*TestForgotten.connector_class is None; set it to your PlatformConnector subclass*"])
