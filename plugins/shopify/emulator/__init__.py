"""An emulator of Shopify's GraphQL Admin API for orders, built from Shopify's documentation.

``POST /admin/api/{version}/graphql.json`` (version ``YYYY-MM`` with MM in 01/04/07/10,
else 404) with header ``X-Shopify-Access-Token`` (missing or wrong: 401
``{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}``)
and a JSON body ``{"query", "variables", "operationName"}`` (unusable: 400
``{"errors": {"query": "Required parameter missing or invalid"}}``). Queries run for real
with graphql-core against a subset of the Admin schema: ``order(id:)``, ``orders(first,
last, after, before, query, sortKey, reverse)``, ``shop``, ``webhookSubscriptions(first,
after, topics, callbackUrl, format)``, ``ordersCount(query, limit)``, ``node(id:)`` and
``currentBulkOperation``, and the mutations ``webhookSubscriptionCreate`` (see ``subscriptions``) and
``bulkOperationRunQuery``, whose JSONL file is served under ``/bulk-operation-results/`` (see ``bulk``).
Every answer carries
``extensions.cost`` (requested and actual cost, leaky-bucket ``throttleStatus``); a query
costing more than what the bucket holds gets THROTTLED, one above 1000 points
MAX_COST_EXCEEDED, both with HTTP 200 and nothing executed. The bucket defaults to a Standard
store's: 2,000 points refilled at 100 a second.

Python API for tests::

    emulator = ShopifyEmulator(
        shop_domain="demo-shop.myshopify.com", access_token="shpat_emulator", currency="USD",
        name_prefix="#", bucket_size=2000.0, restore_rate=100.0,   # a Standard store
        bulk_startup=1.0, bulk_objects_per_second=2000.0,        # how long bulk operations run (``bulk``)
        latency=None,                          # (low, high): every answer that many seconds late
        clock=time.monotonic,                  # seconds, drives the bucket refill
        now=lambda: datetime.now(UTC),         # "now" in searches, caps cancelledAt/updatedAt
        timezone="UTC",                        # Shop.ianaTimezone; a bare date in a search is a day there
        access_scopes=frozenset({"read_orders"}),  # without read_orders, order topics cannot be subscribed
    )
    app = emulator.app()                       # aiohttp web.Application
    order = emulator.add_order(
        created_at=datetime(...),              # aware; stored to the second
        total="59.90",                         # default: the lines' sum (the gap to it becomes tax or discount)
        financial_status="PAID",               # an OrderDisplayFinancialStatus value
        email="a@example.com", customer=("Ada", "Lovelace"),   # customer=None: guest, no addresses
        line_items=[{"title": "Mug", "price": "16.00", "quantity": 2,
                     "sku": "MUG-1", "variant_title": "Blue", "vendor": "Kiln House"}],
        cancelled=False, closed=False, test=False, name=None,  # name default: prefix + 1001, 1002, ...
    )                                          # -> the order as served: order["id"], ["name"], ["legacyResourceId"]
    emulator.add_random_orders(10_000, start=..., end=..., seed=0)   # realistic, totals consistent with lines

    emulator.order_webhooks()                  # [(headers, body)]: each order's signed orders/create delivery
    emulator.refund_order(order["legacyResourceId"], amount=None)  # all that remains: REFUNDED (else PARTIALLY_)
    emulator.cancel_order(order["legacyResourceId"])               # cancelled (CUSTOMER) and closed
    emulator.order_change_webhooks()           # the signed refunds/create and orders/updated deliveries of changes

    emulator.webhook_subscriptions()           # what webhookSubscriptions serves, oldest first
    emulator.add_webhook_subscription("ORDERS_CREATE", "https://elsewhere.example/hook")
    emulator.fail_deliveries(uri, topic="ORDERS_CREATE")  # 8 failed in a row: Shopify deletes the subscription

    # faults, queued in call order, each consumed by one GraphQL request:
    emulator.fail_next(503, times=1, retry_after=2.0)  # HTTP status with Shopify's error body
    emulator.throttle_next()        # THROTTLED, currentlyAvailable just under the query's cost
    emulator.garbage_next()         # 200 with an HTML body
    emulator.truncate_next()        # half the body, Content-Length of all of it, connection closed
    emulator.delay_next(1.5)        # answer normally after 1.5 s
    emulator.requests               # every request: method, path, headers (token redacted), json
    emulator.throttled              # how many queries the cost bucket refused (THROTTLED)
    emulator.order_nodes()          # every stored order, oldest first

    # bulk operations (``bulk``):
    emulator.bulk_operations()                      # each as node(id:) serves it, oldest first
    emulator.add_running_bulk_operation()           # one the app started elsewhere, running until:
    emulator.finish_bulk_operations()
    emulator.fail_next_bulk_operation("TIMEOUT", partial=0.5)  # FAILED; half its lines at partialDataUrl

``ShopifyEmulator`` is the conformance kit's ``PlatformDouble`` for Shopify: ``page_size`` (250,
the most ``first`` allows), ``credentials()`` / ``wrong_credentials()`` (the shop domain with the
right or a refused token), ``seed_order(placed_at)`` (a paid two-line order with a customer; its
references are the name with and without "#", the numeric id and the gid),
``set_timezone(name)`` (the shop's ``ianaTimezone``) and ``change_order(order_id)`` (a full refund).

``demo_emulator()`` returns the ``DemoEmulator`` that ``order-import demo`` serves.
"""

from .app import ShopifyEmulator, demo_emulator

__all__ = ["ShopifyEmulator", "demo_emulator"]
