"""An emulator of Ecwid's REST API v3 for orders, built from Ecwid's documentation.

Routes (the product reaches them as ``{apiBaseUrl}/api/v3/{storeId}/...``; the real origin
is ``https://app.ecwid.com``), GET only:

- ``/api/v3/{storeId}/orders/{orderId}``: one order by its ``id`` (with the store's prefix
  and suffix, e.g. ``SALE-G01ZG``), its ``internalId``, or its id without prefix/suffix;
  unknown: 404 ``{"errorMessage": "Order with specified ID was not found.", "errorCode":
  "ORDER_NOT_FOUND"}``. Unfinished orders are found too.
- ``/api/v3/{storeId}/orders``: ``{total, count, offset, limit, items}``, newest first;
  ``ids`` (any id form, comma-separated), ``createdFrom``/``createdTo`` and
  ``updatedFrom``/``updatedTo`` (unix seconds or ``yyyy-MM-dd HH:mm:ss Z``,
  ``yyyy-MM-dd HH:mm:ss``, ``yyyy-MM-dd`` as UTC; inclusive), ``paymentStatus`` and
  ``fulfillmentStatus`` (comma-separated), ``email``, ``offset``, ``limit`` (default and
  maximum 100; more is served as 100). Unfinished orders (``INCOMPLETE``) are left out
  unless ``paymentStatus`` asks for them. A malformed value: 400 ``WRONG_PARAMETER``.
- ``/api/v3/{storeId}/profile``: the store profile; the currency is
  ``formatsAndUnits.currency`` (orders carry none), also ``timezone`` and
  ``orderNumberPrefix``/``orderNumberSuffix``.

Auth: ``Authorization: Bearer secret_...``. A missing or wrong token, or another store's
id in the path: 403 ``{"errorMessage": "Invalid access token in the request.",
"errorCode": "INVALID_API_TOKEN"}``. The ``?token=`` parameter was discontinued in March
2025 and is ignored unless ``accept_query_token=True``. Rate limit: ``requests_per_minute``
(600) per token in any 60 s; beyond it 429 ``RATE_LIMITED`` with ``Retry-After: N``.

Python API for tests::

    emulator = EcwidEmulator(
        store_id=81453027, token="secret_...", currency="USD",     # currency: profile only
        client_secret="...",                   # the app's client secret: webhook signatures
        unfinished_webhooks=True,              # unfinished orders announce unfinished_order.created
        order_prefix="", order_suffix="",      # e.g. "SALE-": ids become "SALE-K8XTQ"
        timezone="UTC", requests_per_minute=600, accept_query_token=False,
        clock=time.monotonic,                  # seconds, drives the rate limit
        now=lambda: datetime.now(UTC),         # caps updateDate
        seed=0,                                # order ids and seeded orders
        latency=None,                          # (0.05, 0.1): each answer 50-100 ms late
    )
    app = emulator.app()                       # aiohttp web.Application
    order = emulator.add_order(
        created_at=datetime(...),              # aware; stored to the second
        total="59.90",                         # default: lines + shipping + tax - coupon
        payment_status="PAID",                 # or INCOMPLETE (unfinished), REFUNDED, ...
        fulfillment_status="AWAITING_PROCESSING",
        email="a@example.com", buyer=("Ada", "Lovelace"),
        lines=[{"name": "Mug", "price": "16.00", "quantity": 2, "sku": "MUG-1"}],
        shipping="6.95", tax_rate="0.08", coupon=("WELCOME5", "5"),
        uid="G01ZG", prefix="SALE-", suffix=None, internal_id=None,
    )                                          # -> the payload: order["id"], ["internalId"]
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)
    emulator.seed_order(placed_at)             # PlatformDouble: a paid order -> SeededOrder
    emulator.order_webhooks()                  # [(headers, body)]: each order's creation event (webhooks)
    emulator.set_statuses(order["id"], payment="CANCELLED", fulfillment=None)  # an order.updated event (changes)
    emulator.refund_order(order["id"], amount=None, reason="")  # all that remains: REFUNDED; order.updated
    emulator.order_change_webhooks()           # [(headers, body)]: the order.updated event of each change
    emulator.set_timezone("Asia/Kolkata")      # the profile's time zone; API times stay UTC

    # faults, queued in call order, each consumed by one API request:
    emulator.fail_next(503, times=1, retry_after=None)   # status with Ecwid's error body
    emulator.throttle_next(times=1, retry_after=1)       # 429 RATE_LIMITED, Retry-After
    emulator.garbage_next()         # 200 with an HTML body
    emulator.truncate_next()        # half the body, Content-Length of all of it, connection closed
    emulator.delay_next(1.5)        # answer normally after 1.5 s
    emulator.requests               # method, path, query, headers (token redacted)

Webhooks (``webhooks``): ``{eventId, eventCreated, storeId, entityId, eventType, data}`` with
``order.created`` data ``{orderId, newPaymentStatus, newFulfillmentStatus}`` (``unfinished_order.created``
with ``{orderId, cartId}`` for an unfinished order), ``order.updated`` data ``{orderId, oldPaymentStatus,
newPaymentStatus, oldFulfillmentStatus, newFulfillmentStatus}``, ``X-Ecwid-Webhook-Signature`` = base64
HMAC-SHA256 of ``"{eventCreated}.{eventId}"`` under the app's client secret.

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import EcwidEmulator, demo_emulator

__all__ = ["EcwidEmulator", "demo_emulator"]
