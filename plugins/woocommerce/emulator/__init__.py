"""An emulator of WooCommerce's REST API v3 orders endpoints, built from WooCommerce's documentation and code.

``GET /wp-json/wc/v3/orders/{id}`` and ``GET /wp-json/wc/v3/orders`` (a bare JSON
array with ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link`` header whose
``prev``/``next`` URLs are built the way ``add_query_arg`` builds them). The
site URL is whatever origin the request reached (the product's ``apiBaseUrl``).

Authentication is ``WC_REST_Authentication``'s: with ``tls`` (the site "is
HTTPS", e.g. behind a TLS-terminating proxy) the key pair is accepted as HTTP
Basic or as ``consumer_key``/``consumer_secret`` query parameters; on every
scheme one-legged OAuth 1.0a (HMAC-SHA1/SHA256, 15-minute timestamps, nonces
never reused) in the query or an ``Authorization: OAuth`` header.
``strip_authorization_header`` plays a host that drops that header. Failures
answer 401 ``woocommerce_rest_authentication_error`` (or ``..._missing_parameter``);
a request without usable credentials is anonymous and gets 401
``woocommerce_rest_cannot_view``.

Listing follows ``WC_REST_Orders_Controller``: ``page``, ``per_page`` (1-100,
default 10), ``offset``, ``order`` (default desc), ``orderby`` (default date),
``status`` (default ``any``: all but trash, and with ``drafts_in_any`` the block
checkout's ``checkout-draft`` orders too), ``search`` (an id, or text in the
addresses, email, phone, item names, and a numbering plugin's number when
``number_searchable``), ``include``/``exclude``, ``after``/``before`` (exclusive)
with ``dates_are_gmt`` as ``WP_Date_Query`` reads them (see ``dates``). Bad
parameters answer 400 ``rest_invalid_param``; an unknown id 404
``woocommerce_rest_shop_order_invalid_id``. Core WooCommerce has no rate limit: the limit is the
host's, and ``rate_limit`` stands in for it (see ``limits``): ``STORE_API_DEFAULT``, 25 requests per
10-second window, the only figures WooCommerce publishes (its Store API limiter's defaults), answered as
a WAF does, 429 with ``Retry-After`` (and ``RateLimit-Retry-After``, ``-Limit``, ``-Remaining``).
``/wp-json/wc/v3/webhooks`` lists, creates and edits webhooks (``hooks``).

Python API for tests::

    emulator = WooCommerceEmulator(
        site_url="https://shop.example.com", consumer_key="ck_...", consumer_secret="cs_...",
        currency="USD", timezone="UTC",        # the site's time zone; set_timezone() changes it
        tls=False,                             # True: accept Basic and query keys (HTTPS site)
        strip_authorization_header=False,      # True: the host drops the Authorization header
        number_format=None,                    # e.g. "WC-{year}-{seq:04d}": a sequential-numbering plugin
        number_searchable=True,                # whether that plugin's numbers match ?search=
        drafts_in_any=True,                    # checkout-draft listed under status=any (WooCommerce < 2026)
        now=lambda: datetime.now(UTC),         # OAuth timestamp checks
        first_id=1000, seed=0,                 # post ids start here and skip like WordPress's
        webhook_secret="...", webhook_id=1,    # the order.created webhook: its secret as stored, its id
        update_webhook_id=None,                # the order.updated webhook's id (default webhook_id + 1)
        key_permissions="read_write",          # the key's permissions: "read" refuses POST/PUT with 401
        rate_limit=None,                       # limits.STORE_API_DEFAULT: 25 requests per 10 s window
        clock=time.monotonic,                  # seconds, drives the rate limit's windows
        latency=None,                          # (0.05, 0.1): each answer 50-100 ms late
    )
    app = emulator.app()
    order = emulator.add_order(created_at=..., status="processing", total="42.50", number=None,
                               line_items=[{"name": "Beanie", "price": "18.00", "quantity": 2}],
                               billing={"first_name": "Ada", "email": "ada@example.com"},
                               currency="EUR", shipping="10.00", refunded="0", paid=None)
    emulator.add_spec(OrderSpec(...))          # every field of an order under control
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)
    emulator.seed_order(placed_at)             # PlatformDouble: a paid order and every reference to it
    emulator.order_webhooks()                  # [(headers, body)]: each order's order.created delivery (webhooks)
    emulator.set_status(order_id, "cancelled") # a new status, date_modified now: an order.updated delivery
    emulator.refund_order(order_id, amount=None, reason="")  # all that remains: "refunded"; order.updated
    emulator.order_change_webhooks()           # [(headers, body)]: the order.updated delivery of each change
    emulator.ping_delivery(webhook_id)         # the unsigned webhook_id=N form post sent when a webhook is saved
    emulator.registered_webhooks()             # the /webhooks records, with secret and failure_count (``hooks``)
    emulator.add_webhook("order.created", "https://elsewhere.example/hook", status="active")
    emulator.fail_deliveries(hook_id)          # 5 failed deliveries in a row: WooCommerce sets it ``disabled``

    # faults, queued in call order, one consumed by each request:
    emulator.fail_next(503, times=1, retry_after=None)  # wp_die JSON (503: maintenance mode)
    emulator.throttle_next(times=1, retry_after=1)      # 429 + Retry-After from the host's WAF
    emulator.garbage_next()                             # 200, PHP notices ahead of the JSON
    emulator.truncate_next()                            # half the body, then the connection closed
    emulator.delay_next(1.5)                            # answer normally after 1.5 s
    emulator.requests                                   # method, path, query, headers; secrets redacted

Webhooks (``webhooks``): ``order.created`` and ``order.updated`` carry the REST resource as ``trim(wp_json_encode())``
with ``X-WC-Webhook-Source``/``-Topic``/``-Resource``/``-Event``/``-Signature``/``-ID``/``-Delivery-ID``;
the signature is base64 HMAC-SHA256 of the body under ``wp_specialchars_decode(secret)``, the delivery
id ``wp_hash(webhook id . second)``. Checkout drafts get no delivery.

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import WooCommerceEmulator
from .demo import demo_emulator
from .orders import Address, LineSpec, OrderSpec, TaxRate

__all__ = ["Address", "LineSpec", "OrderSpec", "TaxRate", "WooCommerceEmulator", "demo_emulator"]
