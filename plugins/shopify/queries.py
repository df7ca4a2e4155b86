"""GraphQL Admin API documents the connector sends, and what each one costs.

Shopify refuses any single query whose *requested* cost exceeds 1,000 points.
The requested cost follows the documented rules: scalars and enums cost 0, an
object 1, and a connection 2 plus ``first`` times the cost of one of its nodes
(so nested connections multiply). ``PageInfo`` is an object and costs 1. Page
sizes below are the largest that keep each query within the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

MAX_QUERY_COST = 1000
MAX_PAGE_SIZE = 250
LINE_ITEMS_PER_ORDER = 5
"""Line items fetched with each order; an order with more gets the rest from ``LINE_ITEMS_QUERY``."""

_MONEY = "shopMoney { amount currencyCode }"

_LINE_ITEM_SELECTION = f"""
  name
  sku
  quantity
  originalUnitPriceSet {{ {_MONEY} }}
  discountedTotalSet {{ {_MONEY} }}
"""

_ORDER_SELECTION = f"""
  id
  legacyResourceId
  name
  createdAt
  email
  displayFinancialStatus
  cancelledAt
  test
  totalPriceSet {{ {_MONEY} }}
  customer {{ firstName lastName displayName email }}
  billingAddress {{ name }}
"""

_LINE_ITEM_FIELDS = f"fragment LineItemFields on LineItem {{{_LINE_ITEM_SELECTION}}}\n"

_ORDER_FIELDS = f"""
fragment OrderFields on Order {{{_ORDER_SELECTION}
  lineItems(first: $lineItems) {{
    nodes {{ ...LineItemFields }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

ORDERS_COUNT_LIMIT = 10_000
"""``ordersCount``'s default limit: a count that reaches it comes with precision ``AT_LEAST``."""
ORDERS_COUNT_QUERY = """
query OrdersCount($query: String!, $limit: Int) {
  ordersCount(query: $query, limit: $limit) { count precision }
}
"""

BULK_RUN_MUTATION = """
mutation BulkOrders($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
"""Starts a bulk query (10 points). ``groupObjects`` is left to the API version's default (false from 2026-01,
the faster output): the reader takes child lines wherever they come."""

BULK_OPERATION_QUERY = """
query BulkOperation($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount rootObjectCount url partialDataUrl }
  }
}
"""
"""One bulk operation's progress (1 point): ``node(id:)`` works in every version, and for an operation that is not
the app's most recent, which ``currentBulkOperation`` would not show."""


def bulk_orders_query(search: str) -> str:
    """The bulk query of the orders matching ``search``: the ``OrderFields`` selection, line items as a nested
    connection (each written as a JSONL line with ``__parentId``). Bulk queries take no variables, so the search is
    a string literal; page sizes are left out, since bulk operations ignore them."""
    literal = json.dumps(search)  # a GraphQL string literal: the same escapes as JSON for these characters
    return f"""{{
  orders(query: {literal}, sortKey: CREATED_AT) {{
    edges {{ node {{{_ORDER_SELECTION}
      lineItems {{ edges {{ node {{{_LINE_ITEM_SELECTION}}} }} }}
    }} }}
  }}
}}"""


SHOP_QUERY = "query Shop { shop { name } }"
"""What ``verify_credentials`` asks: any valid token may read it, a refused one is HTTP 401."""

ORDERS_QUERY = (
    """
query Orders($first: Int!, $after: String, $query: String!, $lineItems: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { ...OrderFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + _ORDER_FIELDS
    + _LINE_ITEM_FIELDS
)

ORDER_QUERY = (
    """
query Order($id: ID!, $lineItems: Int!) {
  order(id: $id) { ...OrderFields }
}
"""
    + _ORDER_FIELDS
    + _LINE_ITEM_FIELDS
)

LINE_ITEMS_QUERY = (
    """
query OrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) {
      nodes { ...LineItemFields }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
    + _LINE_ITEM_FIELDS
)

_LINE_ITEM_COST = 1 + 2 + 2  # the line item, and two MoneyBags holding a MoneyV2 each


def _connection_cost(first: int, node_cost: int) -> int:
    return 2 + first * node_cost + 1  # + pageInfo


def order_cost(line_items: int) -> int:
    """One ``OrderFields`` selection: the order, totalPriceSet.shopMoney, customer, billingAddress, lineItems."""
    return 1 + 2 + 1 + 1 + _connection_cost(line_items, _LINE_ITEM_COST)


def orders_query_cost(first: int, line_items: int = LINE_ITEMS_PER_ORDER) -> int:
    return _connection_cost(first, order_cost(line_items))


ORDERS_QUERY_OVERHEAD = orders_query_cost(0)
"""What an ``ORDERS_QUERY`` costs beside its orders: the connection and its ``pageInfo``."""


def line_items_query_cost(first: int) -> int:
    return 1 + _connection_cost(first, _LINE_ITEM_COST)


def largest_page(cost: Callable[[int], int]) -> int:
    """The largest page size, up to 250, whose query ``cost`` stays within the single-query limit."""
    return max(n for n in range(1, MAX_PAGE_SIZE + 1) if cost(n) <= MAX_QUERY_COST)


ORDERS_PAGE_SIZE = largest_page(orders_query_cost)
ORDER_LINE_ITEMS = largest_page(order_cost)
"""Line items fetched with a single order (``ORDER_QUERY``)."""
LINE_ITEMS_PAGE_SIZE = largest_page(line_items_query_cost)
# A name search expects one match (near matches are possible): a small page keeps it cheap.
NAME_MATCHES_PAGE_SIZE = 5

WEBHOOKS_PAGE_SIZE = 100


def webhook_subscriptions_query(url_field: str) -> str:
    """The app's subscriptions to some topics; ``url_field`` is ``uri`` (2025-10 on) or ``callbackUrl``."""
    return f"""
query WebhookSubscriptions($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) {{
  webhookSubscriptions(first: $first, after: $after, topics: $topics) {{
    nodes {{ id topic {url_field} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""


def webhook_subscription_create(url_field: str) -> str:
    return f"""
mutation WebhookSubscriptionCreate(
  $topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!
) {{
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {{
    webhookSubscription {{ id topic {url_field} }}
    userErrors {{ field message }}
  }}
}}
"""
