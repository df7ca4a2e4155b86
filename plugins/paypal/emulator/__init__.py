"""An emulator of PayPal's REST API for orders, built from PayPal's documentation and samples.

Paths are PayPal's (the product reaches them through ``apiBaseUrl`` in place of
``https://api-m.paypal.com``):

- ``POST /v1/oauth2/token``: HTTP Basic ``client_id:secret`` and form ``grant_type=client_credentials``
  give ``{scope, access_token, token_type: "Bearer", app_id, expires_in: 32400, nonce}``; the same token
  comes back (with its remaining ``expires_in``) until it expires. Wrong client: 401
  ``{"error": "invalid_client", "error_description": "Client Authentication failed"}``.
- Every other path needs ``Authorization: Bearer <token>``: none, 401 ``AUTHENTICATION_FAILURE``;
  unknown or expired, 401 ``{"error": "invalid_token", "error_description": "Access Token not found in cache"}``.
- ``GET /v2/checkout/orders/{id}``: the Orders v2 order (``purchase_units[].payments.captures[]``);
  unknown id, 404 ``RESOURCE_NOT_FOUND`` / ``INVALID_RESOURCE_ID``.
- ``GET /v2/payments/captures/{id}``: the capture, its order at ``supplementary_data.related_ids.order_id``.
- ``GET /v1/reporting/transactions``: Transaction Search (see ``search``): rows are transactions, not
  orders; with ``reporting_lag`` set, rows appear only once reporting is refreshed past them
  (``last_refreshed_datetime``, ``refreshed_at()``): a ``start_date`` after that is 400 ``INVALID_REQUEST``
  "Data for the given start date is not available." with ``details: []`` and ``links: []``; an ``end_date``
  after it answers up to it (``end_date`` in the body says so). ``reporting_refresh`` refreshes in steps
  (hourly: times end in ``:59:59`` and a 3 h lag is 2-3 h, as PayPal's).
- ``GET /v1/notifications/webhooks-events`` (also with a trailing ``/``): the app's event notifications,
  newest first, delivered or not, listed as soon as they happen (see ``events``): ``page_size`` (1-300,
  default 10), ``start_time``/``end_time`` (RFC 3339, inclusive, on ``create_time``), ``event_type``,
  ``transaction_id`` (the resource's id); ``{"events": [...], "count": n}`` plus ``links: [{rel: "next"}]``
  while more remain; an unusable parameter is 400 ``INVALID_REQUEST`` with ``details[{field, value,
  location: "query", issue, description}]``.
- ``POST /v1/notifications/verify-webhook-signature``: ``{auth_algo, cert_url, transmission_id,
  transmission_sig, transmission_time, webhook_id, webhook_event}`` gives ``{"verification_status":
  "SUCCESS"}`` for a delivery of ``order_webhooks()`` or ``order_change_webhooks()`` passed on unchanged
  (``webhook_event`` exactly as received: its CRC32 is signed), else ``FAILURE``; an unusable request is
  400 ``VALIDATION_ERROR``.
- ``GET/POST /v1/notifications/webhooks``, ``GET/PATCH/DELETE /v1/notifications/webhooks/{id}``: the app's
  webhook listeners (see ``registry``); ``emulator.listeners.add(url, [event names])`` and ``.delete(id)``
  (someone deleted it in the dashboard), ``.webhooks`` holds them; ``emulator.webhooks_permitted = False``
  answers them 403 ``NOT_AUTHORIZED``.
- Throttling is 429 ``{"name": "RATE_LIMIT_REACHED", ...}``, when injected or, with ``requests_per_minute``
  set, past that many API requests in any 60 s (with ``Retry-After``). PayPal publishes no limit; the
  stand-in ``limits.REQUESTS_PER_MINUTE`` (600) is explained in ``limits``.

Python API for tests::

    emulator = PayPalEmulator(
        client_id="...", client_secret="...",      # defaults work; credentials() returns them
        merchant_id="XZXSPECPDZHZU", merchant_email="sb-merchant@business.example.com",
        webhook_id="5GP028458E2496506",            # the listener's webhook id; credentials() returns it
        timezone="UTC",                            # the account's zone: Transaction Search dates use it
        reporting_lag=None,                        # timedelta: rows hidden until now - lag; None: no lag at all
        reporting_refresh=None,                    # timedelta: refreshed in such steps (hourly: 2-3 h for a 3 h lag)
        token_lifetime=timedelta(seconds=32400), transaction_search_enabled=True,
        now=lambda: datetime.now(UTC), seed=0,     # clock (token expiry, lag); ids and seeded orders
        requests_per_minute=None,                  # limits.REQUESTS_PER_MINUTE (600): the stand-in limit
        clock=time.monotonic,                      # seconds, drives that limit
        latency=None,                              # (0.05, 0.1): each answer 50-100 ms late
    )
    app = emulator.app()                           # aiohttp web.Application
    order = emulator.add_order(
        created_at=datetime(...),                  # aware; kept to the second
        items=[{"name": "Mug", "price": "16.00", "quantity": 2, "sku": "MUG-1", "tax": "1.28"}],
        total=None, currency="USD", shipping="0",  # total: check against items, or the only item's price
        status="COMPLETED",                        # an Orders v2 status; only COMPLETED has a capture
        capture_status=None, captured_after=timedelta(0),
        refund=None, refunded_after=timedelta(hours=2),   # a refund adds a T1107 row with its own id
        buyer=("John", "Doe"), email=None, address=None,  # buyer=None: no payer details
        invoice_id=None, custom_id=None, description=None, order_id=None, capture_id=None,
        display_row=False,                         # also a non-balance-affecting row with the capture's id
        webhook_lost=False,                        # its webhooks never arrived: not in order_webhooks()
    )                                              # -> PayPalOrder: .id, .capture.id, .total, ...
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)
    emulator.seed_order(placed_at)                 # -> SeededOrder(order_id=order id, order_number=capture id)
    emulator.set_timezone("America/Los_Angeles")
    emulator.order_webhooks()                      # PAYMENT.CAPTURE.COMPLETED deliveries: [(headers, body)]
    emulator.refund_order(order.id, amount=None)   # all that remains: capture REFUNDED (else PARTIALLY_REFUNDED)
    emulator.order_change_webhooks()               # PAYMENT.CAPTURE.REFUNDED deliveries, one per refund
    emulator.refreshed_at()                        # Transaction Search's last_refreshed_datetime (or None)

    # faults, queued in call order, each consumed by one API request (token requests are exempt):
    emulator.fail_next(503, times=1, retry_after=None)  # PayPal's error body for the status
    emulator.throttle_next(times=1, retry_after=None)   # 429 RATE_LIMIT_REACHED
    emulator.garbage_next(); emulator.truncate_next(); emulator.delay_next(1.5)
    emulator.requests           # every request: method, path, query, headers and form, secrets redacted
    emulator.token_requests     # how many token requests arrived

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import PayPalEmulator
from .demo import demo_emulator

__all__ = ["PayPalEmulator", "demo_emulator"]
