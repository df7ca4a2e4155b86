"""An emulator of BigCommerce's Orders v2 REST API, built from BigCommerce's documentation.

Served under ``/stores/{store_hash}/v2`` (the default origin is https://api.bigcommerce.com):

- ``GET /orders/{id}``: one order (``fees`` included; ``include=consignments.line_items`` with
  ``consignment_structure=object`` embeds up to 50 line items). Unknown id: 404
  ``[{"status": 404, "message": "The requested resource was not found."}]``. Archived and
  Incomplete orders are found here too.
- ``GET /orders``: ``min_/max_date_created`` and ``min_/max_date_modified`` (RFC 2822 or ISO 8601,
  both bounds inclusive; without an offset, in the store's time zone), ``min_/max_id``,
  ``min_/max_total``, ``status_id``, ``is_deleted``, ``customer_id``, ``email``, ``cart_id``,
  ``payment_method``, ``channel_id``, ``external_order_id``; ``sort=field[:asc|:desc]`` (default id
  ascending); ``page`` and ``limit`` (default 50, above 250 a 413). Without ``status_id`` Incomplete
  (status 0) orders are left out; without ``is_deleted=true`` archived ones are. An empty page is
  ``204 No Content`` with no body. Bad values: 400 with the v2 error array.
- ``GET /orders``, like ``GET /orders/{id}``, embeds each order's line items (at most 50 a consignment)
  with ``include=consignments.line_items``, as Get All Orders documents.
- ``GET /orders/{id}/products``: the line items, paged the same way (default 50, max 250, 204 past the end).
- ``GET /orders/count``: ``{"statuses": [...], "count": n}`` for the listing's filters (the same
  orders, Incomplete ones included: their number is the status 0 entry's ``count``).

Auth is the ``X-Auth-Token`` header (missing, wrong, or another store's hash: 401 with a v2 error
array); ``X-Auth-Client`` is accepted and ignored. Answers are JSON only when ``Accept`` asks for
it, XML otherwise. Every answer carries ``X-Rate-Limit-Time-Window-Ms``, ``-Time-Reset-Ms``,
``-Requests-Quota`` and ``-Requests-Left``; past the quota (per fixed window) the answer is 429 with
them. Money is 4-decimal strings, dates RFC 2822 in UTC, as in the documented examples.

Python API for tests::

    emulator = BigCommerceEmulator(
        store_hash="s7k3m9q2xw", access_token="...", client_id="...",
        client_secret="...",                   # the app's client secret: the webhook signing key
        store_id=None,                         # the numeric store id webhooks carry (default: from the hash)
        currency="USD",                        # the store's default (and transactional) currency
        display_currency=None,                 # e.g. "EUR": orders shown in euros, paid in USD
        quota=150, window=30.0,                # requests per window (seconds)
        throttle_reset_ms=100,                 # what throttle_next() reports
        clock=time.monotonic,                  # seconds, drives the quota windows
        now=lambda: datetime.now(UTC),         # default creation time, modification time of changes
        timezone="UTC",                        # the store's time zone (also set_timezone(name))
        latency=None,                          # (0.05, 0.1): each answer 50-100 ms late
    )
    order = emulator.add_order(
        created_at=datetime(...), lines=[{"name": "Mug", "price": "16.00", "quantity": 2, "sku": "MUG"}],
        buyer=Buyer(first_name="Ada", last_name="Lovelace", email="ada@example.com", customer_id=7),
        status_id=11, shipping="7.95", tax_rate="0.0825", discount="0",
        currency=None, display_currency=None, exchange_rate="1",
        is_deleted=False, order_id=None, external_order_id=None,
    )                                          # -> the order as served (order["id"] counts up from 100)
    emulator.add_spec(OrderSpec(...))         # an order exactly as specified (Buyer, LineSpec, currencies...)
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)
    emulator.products_of(order["id"])         # its line items as /products serves them
    emulator.archive_order(order["id"]); emulator.set_status(order["id"], 4)   # a status: statusUpdated
    emulator.refund_order(order["id"], amount=None)   # refund/created, then Refunded (4) or Partially Refunded (14)
    emulator.seed_order(placed_at)             # PlatformDouble: a paid order and what it must map to
    emulator.order_webhooks()                  # [(headers, body)]: each order's store/order/created callback
    emulator.order_change_webhooks()           # the statusUpdated and refund/created callbacks of each change

    # faults, queued in call order, each consumed by one API request:
    emulator.fail_next(503, times=1, retry_after=None)  # that status with the v2 error body (Retry-After if given)
    emulator.throttle_next()                   # 429, Requests-Left 0, Time-Reset-Ms = throttle_reset_ms
    emulator.garbage_next()                    # 200 with an HTML body
    emulator.truncate_next()                   # half the body, Content-Length of all of it, connection closed
    emulator.delay_next(1.5)                   # answer normally after 1.5 s
    emulator.requests                          # every request: method, path, query, headers (token redacted)

Webhooks (``webhooks``): ``store/order/created`` is the thin ``{scope, store_id, data: {type, id}, hash,
created_at, producer}``, signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by the client
secret); Incomplete and archived orders have one too. ``store/order/statusUpdated`` (``data.status``) and
``store/order/refund/created`` (``data.refund``) are signed the same way.

Webhook subscriptions (``hooks``): ``GET/POST /v3/hooks`` and ``GET/PUT/DELETE /v3/hooks/{id}`` under
``/stores/{store_hash}``, JSON only, the API account's own hooks only; ``destination`` must be https on port
443 (422 otherwise). ``emulator.hooks.deactivate(url)`` sets ``is_active`` false on each hook to ``url``, as
BigCommerce does after about 48 hours of failed deliveries; ``emulator.hooks.add(scope, url, now=...,
client_id=...)`` adds one as another API account would; ``emulator.hooks.hooks`` holds them all.
``emulator.orders_scope = False`` makes the API account one without the Orders scope (403 on v2 and v3).

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import BigCommerceEmulator
from .demo import demo_emulator
from .orders import Buyer, LineSpec, OrderSpec

__all__ = ["BigCommerceEmulator", "Buyer", "LineSpec", "OrderSpec", "demo_emulator"]
