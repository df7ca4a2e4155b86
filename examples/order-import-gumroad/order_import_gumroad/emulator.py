"""A small emulator of Gumroad's sales API: the conformance kit's ``PlatformDouble`` and the demo's store.

Serves ``GET /v2/sales`` and ``GET /v2/sales/{id}`` as Gumroad documents them
(see the README for sources): the token as ``Authorization: Bearer`` or an
``access_token`` parameter (else 401); ``after``/``before`` dates
(``after <= created_at < before``, UTC days; a malformed one is a 400),
``order_id`` (digits without leading zeros, else 400) and ``page_key``; ten
sales a page, newest first, ``next_page_key``/``next_page_url`` when more
follow; an unknown sale id is HTTP 200 ``{"success": false}``. Throttling is
Rack::Attack's 429 ``Retry later``.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from aiohttp import web

from server.platforms import DemoEmulator
from server.platforms.testing import FaultQueueDouble, SeededOrder, garbage_response, truncated_response

__all__ = ["PAGE_SIZE", "GumroadEmulator", "demo_emulator"]

PAGE_SIZE = 10
DEMO_TOKEN = "gumroad-demo-token-7d41c0e9b2a84f6f"
_CATALOG = (  # (product name, price in cents)
    ("Notion Budget Template", 1200),
    ("Lightroom Presets: Coastal", 2500),
    ("Pixel Font Pack", 900),
    ("Indie Game Soundtrack (FLAC)", 700),
    ("Watercolor Brush Set", 1800),
    ("The Freelancer's Pricing Guide (ebook)", 2900),
)
_BUYERS = ("Ada Okafor", "Ben Ito", "Chloé Moreau", "Diego Castillo", "Elif Yilmaz", "Farah Haddad", "Jun Li")


class GumroadEmulator(FaultQueueDouble):
    """One Gumroad seller's sales; faults are queued and each is consumed by one API request."""

    page_size = PAGE_SIZE

    def __init__(self, *, access_token: str = "gumroad-emulator-token", seed: int = 0) -> None:
        super().__init__()
        self._token = access_token
        self._salt = f"{access_token}:{seed}"
        self._sales: list[dict[str, Any]] = []  # in the order added; the position is Gumroad's internal id

    # --- the seller ----------------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {"access_token": self._token}

    def wrong_credentials(self) -> dict[str, str]:
        return {"access_token": f"{self._token}-revoked"}

    def add_sale(
        self,
        *,
        created_at: datetime,
        price_cents: int,
        product_name: str = "Digital download",
        quantity: int = 1,
        email: str = "buyer@example.com",
        full_name: str | None = None,
        refunded: bool = False,
    ) -> dict[str, Any]:
        """Add one successful sale and return it as the API serves it."""
        number = len(self._sales) + 1
        digest = hashlib.sha256(f"{self._salt}:{number}".encode()).digest()
        sale = {
            "id": base64.urlsafe_b64encode(digest[:16]).decode(),
            "email": email,
            "seller_id": base64.urlsafe_b64encode(hashlib.sha256(self._salt.encode()).digest()[:16]).decode(),
            "created_at": created_at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "product_name": product_name,
            "price": price_cents,
            "gumroad_fee": price_cents // 10,
            "formatted_total_price": f"${Decimal(price_cents).scaleb(-2)}",
            "currency_symbol": "$",
            "refunded": refunded,
            "partially_refunded": False,
            "chargedback": False,
            "purchase_email": email,
            "full_name": full_name,
            "paid": price_cents != 0,
            "order_id": 524_459_000 + 7 * number,
            "quantity": quantity,
        }
        self._sales.append(sale)
        return sale

    def seed_order(self, placed_at: datetime) -> SeededOrder:
        """A paid sale; a seller finds it by its sale id, its order number, or ``#`` and the number."""
        n = len(self._sales) + 1
        sale = self.add_sale(
            created_at=placed_at,
            price_cents=1000 + 37 * n,
            product_name=f"Template pack {n}",
            quantity=1 + n % 2,
            email=f"buyer{n}@example.com",
            full_name=f"Kit Buyer {n}",
        )
        number = str(sale["order_id"])
        return SeededOrder(
            order_id=sale["id"],
            order_number=number,
            references=(sale["id"], number, f"#{number}"),
            placed_at=placed_at.astimezone(UTC).replace(microsecond=placed_at.microsecond // 1000 * 1000),
            total=Decimal(sale["price"]).scaleb(-2),
            currency="USD",
        )

    # --- HTTP ----------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._faulty, self._authorized])
        app.router.add_get("/v2/sales", self._list)
        app.router.add_get("/v2/sales/{id}", self._one)
        return app

    @web.middleware
    async def _faulty(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        fault = await self.take_fault()  # every request consumes one
        if fault and fault.kind == "fail":
            return web.Response(status=fault.status, text=HTTPStatus(fault.status).phrase, headers=fault.retry_headers)
        if fault and fault.kind == "throttle":
            return web.Response(status=429, text="Retry later\n", headers=fault.retry_headers)
        if fault and fault.kind == "garbage":
            return garbage_response("<html><body>502 Bad Gateway</body></html>")
        response: web.StreamResponse = await handler(request)
        if fault and fault.kind == "truncate" and isinstance(response, web.Response):
            return await truncated_response(request, response, headers={"Content-Type": response.content_type})
        return response

    @web.middleware
    async def _authorized(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if (bearer or request.query.get("access_token")) != self._token:
            return web.json_response(
                {"error": "invalid_token", "error_description": "The access token is invalid"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token"'},
            )
        response: web.StreamResponse = await handler(request)
        return response

    async def _one(self, request: web.Request) -> web.Response:
        sale = next((s for s in self._sales if s["id"] == request.match_info["id"]), None)
        if sale is None:
            return web.json_response({"success": False, "message": "The sale was not found."})
        return web.json_response({"success": True, "sale": sale})

    async def _list(self, request: web.Request) -> web.Response:
        query = request.query
        rows = list(enumerate(self._sales))
        for name, keep in (("after", lambda t, d: t >= d), ("before", lambda t, d: t < d)):
            if name in query:
                try:
                    day = datetime.combine(date.fromisoformat(query[name]), datetime.min.time(), UTC)
                except ValueError:
                    return _bad_request(
                        f"Invalid date format provided in field '{name}'. Dates must be in the format YYYY-MM-DD."
                    )
                rows = [(i, s) for i, s in rows if keep(_created(s), day)]
        if order_id := query.get("order_id"):
            if not order_id.isdigit() or str(int(order_id)) != order_id:
                return _bad_request("Invalid order ID.")
            rows = [(i, s) for i, s in rows if str(s["order_id"]) == order_id]
        if page_key := query.get("page_key"):
            cursor = self._decode(page_key)
            if cursor is None:
                return _bad_request("Invalid page_key.")
            last_created, last_index = cursor  # Gumroad's condition: created_at <= ? and id < ?
            rows = [(i, s) for i, s in rows if _created(s) <= last_created and i < last_index]
        rows.sort(key=lambda row: (_created(row[1]), row[0]), reverse=True)
        page = rows[:PAGE_SIZE]
        body: dict[str, Any] = {"success": True, "sales": [s for _, s in page]}
        if len(rows) > PAGE_SIZE:
            index, last = page[-1]
            key = f"{_created(last):%Y%m%d%H%M%S%f}-{last['order_id']}"
            next_query = {k: v for k, v in query.items() if k not in ("access_token", "page_key")}
            body["next_page_key"] = key
            body["next_page_url"] = str(request.rel_url.with_query({**next_query, "page_key": key}))
        return web.json_response(body)

    def _decode(self, page_key: str) -> tuple[datetime, int] | None:
        stamp, _, order_id = page_key.partition("-")
        try:
            created = datetime.strptime(stamp, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        index = next((i for i, s in enumerate(self._sales) if str(s["order_id"]) == order_id), None)
        return None if index is None else (created, index)


def _created(sale: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(sale["created_at"])


def _bad_request(error: str) -> web.Response:
    return web.json_response({"status": 400, "error": error}, status=400)


def demo_emulator() -> DemoEmulator:
    """The Gumroad seller ``order-import demo`` starts: about 30 sales over the 8 hours before ``now``."""
    return DemoEmulator(
        platform_id="gumroad",
        store_name="Demo Gumroad store",
        credentials={"access_token": DEMO_TOKEN},
        make_double=_demo_double,
    )


def _demo_double(now: datetime, seed: int) -> GumroadEmulator:
    rng = random.Random(seed)
    emulator = GumroadEmulator(access_token=DEMO_TOKEN, seed=seed)
    times = sorted(now - timedelta(seconds=rng.randrange(8 * 3600)) for _ in range(30))
    for n, created_at in enumerate(times):  # oldest first, so ids grow with time as on Gumroad
        product, price = rng.choice(_CATALOG)
        quantity = rng.choice((1, 1, 1, 2))
        name = rng.choice(_BUYERS)
        emulator.add_sale(
            created_at=created_at.replace(microsecond=0),
            price_cents=price * quantity,
            product_name=product,
            quantity=quantity,
            email=f"{name.split()[0].lower()}.{n}@example.com",
            full_name=name,
            refunded=n % 11 == 5,
        )
    return emulator
