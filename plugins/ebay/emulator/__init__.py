"""An emulator of eBay's Sell Fulfillment API (orders), its order notifications and OAuth, built from eBay's docs.

Routes, as on ``https://api.ebay.com`` (sandbox ``https://api.sandbox.ebay.com``):

- ``POST /identity/v1/oauth2/token``: ``Authorization: Basic base64(client_id:client_secret)``,
  form ``grant_type=refresh_token&refresh_token=...&scope=...`` -> ``{"access_token",
  "expires_in": 7200, "token_type": "User Access Token"}``; a wrong client is 401
  ``invalid_client``, a wrong refresh token 400 ``invalid_grant``. ``grant_type=client_credentials``
  (``scope=https://api.ebay.com/oauth/api_scope``, the default) gives an ``"Application Access Token"``.
- ``GET /sell/fulfillment/v1/order/{orderId}`` (``Authorization: Bearer <token>``): the
  ``Order``, by the ``NN-NNNNN-NNNNN`` id or, for a single-line order, the legacy
  ``ItemID-TransactionID``; unknown: 404, malformed: 400, both errorId 32100.
- ``GET /sell/fulfillment/v1/order?filter=creationdate:%5Bstart..end%5D&limit=&offset=``:
  ``{href, total, next?, prev?, limit, offset, orders}``, newest first (as eBay answers),
  ``limit`` 1-200 (default 50), filters as in ``query``; ``orderIds=a,b`` (at most 50, else
  errorId 30900; any id form, a malformed one refused as by getOrder) ignores every other
  parameter. Only orders whose checkout is complete are served.
- ``GET /commerce/notification/v1/public_key/{public_key_id}`` (an Application access token;
  a User token is 403, none 401): ``{"key": "-----BEGIN PUBLIC KEY-----...-----END PUBLIC KEY-----",
  "algorithm": "ECDSA", "digest": "SHA1"}`` for the ``kid`` of the emulator's notifications; unknown: 404.
- ``GET/POST /commerce/notification/v1/destination``, ``GET/PUT …/destination/{id}`` (an Application
  access token) and ``GET/POST /commerce/notification/v1/subscription``, ``GET …/subscription/{id}``,
  ``POST …/subscription/{id}/enable`` (the seller's token with ``commerce.notification.subscription``):
  destinations and the seller's subscriptions as ``subscriptions`` documents them, endpoint challenge
  included (``verify_endpoints=False`` skips it, for endpoints nobody serves).
- ``order_webhooks()``: the Notification API's ``ORDER_CONFIRMATION`` deliveries, one per line item of
  each order whose checkout is complete, ``X-EBAY-SIGNATURE`` = base64 ``{"alg": "ecdsa", "kid",
  "signature", "digest": "SHA1"}``, ECDSA (P-256) with SHA1 over the compact JSON body (see ``notifications``).

A missing, unknown or expired token gets 401 errorId 1001 "Invalid access token"; a
spent quota 429 errorId 2001 "Too many requests."; other refusals eBay's error envelope.
eBay's limits are daily call quotas, no per-second rate: ``daily_calls`` (e.g.
``limits.DEFAULT_DAILY_CALLS``, 5,000, a new keyset's default) counts the API calls of each Pacific-time
day (``now``), the token endpoint's apart, and refuses the rest of the day with that 429 (no
``Retry-After``: eBay documents none).

Python API for tests::

    emulator = EbayEmulator(
        seller_username="emulated_seller", client_id=..., client_secret=..., refresh_token=...,
        scopes=DEFAULT_SCOPES, currency="USD",
        now=lambda: datetime.now(UTC),   # token expiry, "future" and two-year checks, default window
        token_lifetime=7200, history_years=2, newest_first=True, seed=0,
        alert_email="alerts@example.com",   # None: the app set no /config (createDestination: 409 195003)
        verify_endpoints=True,
        daily_calls=None,                # calls a Pacific day (limits.DEFAULT_DAILY_CALLS: 5,000); None: no quota
        latency=None,                    # (0.05, 0.1): each answer 50-100 ms late
    )
    app = emulator.app()                 # aiohttp web.Application
    order = emulator.add_order(
        created_at=datetime(...),        # aware; kept to the millisecond
        line_items=[{"title": "Mug", "price": "16.00", "quantity": 2, "sku": "MUG-1",
                     "shipping": "4.95", "sales_tax": "2.32", "variation": {"Color": "Blue"}}],
        currency="USD", payment_status="PAID", fulfillment_status="NOT_STARTED",
        cancel_state="NONE_REQUESTED", buyer={"username": ..., "full_name": ..., "email": ...},
        order_id=None, legacy_order_id=None, sales_record_reference=None,
        checkout_complete=True,          # False: held back until complete_checkout(order_id)
    )                                    # -> the order as getOrder serves it
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)
    emulator.seed_order(placed_at)       # PlatformDouble: -> SeededOrder
    emulator.revoke_consent()            # refresh and user access tokens stop working
    emulator.refund_order(order_id, amount=None)   # all still due: FULLY_REFUNDED (no notification: changes)
    emulator.cancel_order(order_id)      # cancelState CANCELED, by the seller (no notification either)
    emulator.order_webhooks()            # ORDER_CONFIRMATION deliveries: [(headers, raw body)], oldest first
    emulator.public_key_id               # the kid those deliveries are signed under
    emulator.token_requests              # token endpoint hits, refused ones included
    emulator.requests                    # method, path, query, headers, form, json; secrets redacted
    emulator.destinations, emulator.subscriptions          # as eBay lists them
    emulator.add_destination(endpoint, verification_token=..., status="ENABLED")   # -> id
    emulator.add_subscription(destination_id, topic="ORDER_CONFIRMATION", status="ENABLED")  # -> id
    emulator.mark_down(endpoint)         # eBay's answer to failing deliveries: the destination is MARKED_DOWN
    emulator.disable_subscription(id); emulator.delete_subscription(id)
    emulator.notification_writes         # logged POST/PUT requests to destinations and subscriptions

    # faults, queued in call order, each consumed by one API request (Fulfillment or Notification):
    emulator.fail_next(503, times=1, retry_after=None)
    emulator.throttle_next(times=1)      # 429, errorId 2001
    emulator.garbage_next()              # 200 with an HTML body
    emulator.truncate_next()             # half the body, Content-Length of all of it
    emulator.delay_next(1.5)             # answer normally after 1.5 s

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import EbayEmulator, demo_emulator

__all__ = ["EbayEmulator", "demo_emulator"]
