"""The subset of Shopify's GraphQL Admin schema that covers orders, executed with graphql-core.

Type and field names follow https://shopify.dev/docs/api/admin-graphql (QueryRoot,
Order, MoneyBag, MoneyV2, MailingAddress, LineItem, OrderSortKeys, ...). Custom
scalars are served as the strings Shopify sends: ``Decimal`` ("11.5"),
``DateTime`` ("2024-01-01T00:00:00Z"), ``UnsignedInt64`` ("148977776").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    parse,
    validate,
)

from .bulk import BulkOperations
from .search import SearchSyntaxError
from .store import OrderStore, PaginationError, line_items_connection, orders_connection, webhooks_connection
from .subscriptions import Subscriptions

CURRENCIES = (
    "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "INR", "JPY", "MXN", "NOK", "NZD",
    "PLN", "SEK", "SGD", "USD", "ZAR",
)  # fmt: skip
COUNTRIES = (
    "AT", "AU", "BE", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IT", "JP", "MX",
    "NL", "NO", "NZ", "PL", "PT", "SE", "SG", "US", "ZA",
)  # fmt: skip

SDL = f"""
schema {{ query: QueryRoot mutation: Mutation }}

scalar DateTime
scalar Decimal
scalar UnsignedInt64

type QueryRoot {{
  order(id: ID!): Order
  orders(first: Int, last: Int, after: String, before: String, query: String,
         sortKey: OrderSortKeys = PROCESSED_AT, reverse: Boolean = false): OrderConnection!
  ordersCount(query: String, limit: Int = 10000): Count
  node(id: ID!): Node
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  shop: Shop!
  webhookSubscriptions(first: Int, last: Int, after: String, before: String, reverse: Boolean = false,
                       topics: [WebhookSubscriptionTopic!], callbackUrl: URL,
                       format: WebhookSubscriptionFormat): WebhookSubscriptionConnection!
}}

type Mutation {{
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!,
                            webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean): BulkOperationRunQueryPayload
}}

interface Node {{ id: ID! }}

type Count {{ count: Int! precision: CountPrecision! }}
enum CountPrecision {{ AT_LEAST EXACT }}

enum BulkOperationType {{ MUTATION QUERY }}
enum BulkOperationStatus {{ CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }}
enum BulkOperationErrorCode {{ ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }}
enum BulkOperationUserErrorCode {{ INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }}

type BulkOperation implements Node {{
  id: ID!
  status: BulkOperationStatus!
  type: BulkOperationType!
  query: String!
  createdAt: DateTime!
  completedAt: DateTime
  errorCode: BulkOperationErrorCode
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
}}
type BulkOperationRunQueryPayload {{ bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }}
type BulkOperationUserError {{ field: [String!] message: String! code: BulkOperationUserErrorCode }}

scalar URL

enum WebhookSubscriptionTopic {{
  APP_UNINSTALLED ORDERS_CANCELLED ORDERS_CREATE ORDERS_PAID ORDERS_UPDATED REFUNDS_CREATE SHOP_UPDATE
}}
enum WebhookSubscriptionFormat {{ JSON XML }}

input WebhookSubscriptionInput {{
  uri: String
  callbackUrl: URL
  format: WebhookSubscriptionFormat
  filter: String
  includeFields: [String!]
}}

type WebhookSubscription {{
  id: ID!
  legacyResourceId: UnsignedInt64!
  topic: WebhookSubscriptionTopic!
  uri: String!
  callbackUrl: URL!
  format: WebhookSubscriptionFormat!
  createdAt: DateTime!
  updatedAt: DateTime!
}}
type WebhookSubscriptionConnection {{
  edges: [WebhookSubscriptionEdge!]! nodes: [WebhookSubscription!]! pageInfo: PageInfo!
}}
type WebhookSubscriptionEdge {{ cursor: String! node: WebhookSubscription! }}
type WebhookSubscriptionCreatePayload {{ userErrors: [UserError!]! webhookSubscription: WebhookSubscription }}
type UserError {{ field: [String!] message: String! }}

type Shop {{
  id: ID!
  name: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  ianaTimezone: String!
}}

enum OrderSortKeys {{
  CREATED_AT CURRENT_TOTAL_PRICE CUSTOMER_NAME DESTINATION FINANCIAL_STATUS FULFILLMENT_STATUS ID
  ORDER_NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT
}}
enum OrderDisplayFinancialStatus {{
  AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED
}}
enum OrderDisplayFulfillmentStatus {{
  FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED
  RESTOCKED SCHEDULED UNFULFILLED
}}
enum OrderCancelReason {{ CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }}
enum CurrencyCode {{ {" ".join(CURRENCIES)} }}
enum CountryCode {{ {" ".join(COUNTRIES)} }}

type PageInfo {{
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}}

type OrderConnection {{ edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }}
type OrderEdge {{ cursor: String! node: Order! }}

type Order implements Node {{
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  createdAt: DateTime!
  processedAt: DateTime!
  updatedAt: DateTime!
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
  closed: Boolean!
  closedAt: DateTime
  confirmed: Boolean!
  test: Boolean!
  email: String
  phone: String
  note: String
  tags: [String!]!
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  totalPriceSet: MoneyBag!
  subtotalPriceSet: MoneyBag
  currentTotalPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  totalDiscountsSet: MoneyBag
  customer: Customer
  billingAddress: MailingAddress
  shippingAddress: MailingAddress
  lineItems(first: Int, last: Int, after: String, before: String, reverse: Boolean = false): LineItemConnection!
}}

type MoneyBag {{ shopMoney: MoneyV2! presentmentMoney: MoneyV2! }}
type MoneyV2 {{ amount: Decimal! currencyCode: CurrencyCode! }}

type Customer {{
  id: ID!
  legacyResourceId: UnsignedInt64!
  firstName: String
  lastName: String
  displayName: String!
  email: String
  phone: String
}}

type MailingAddress {{
  id: ID!
  name: String
  firstName: String
  lastName: String
  company: String
  address1: String
  address2: String
  city: String
  province: String
  provinceCode: String
  country: String
  countryCodeV2: CountryCode
  zip: String
  phone: String
}}

type LineItemConnection {{ edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }}
type LineItemEdge {{ cursor: String! node: LineItem! }}

type LineItem {{
  id: ID!
  name: String!
  title: String!
  quantity: Int!
  sku: String
  variantTitle: String
  vendor: String
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  discountedTotalSet: MoneyBag!
}}
"""


@dataclass(slots=True)
class Context:
    """Per-request state the resolvers read and fill; ``unbounded`` for a bulk query (no page limits)."""

    store: OrderStore
    shop: dict[str, Any]
    subscriptions: Subscriptions
    bulk: BulkOperations | None = None
    version: str = ""
    base_url: str = ""
    unbounded: bool = False
    search: list[dict[str, Any]] = field(default_factory=list)


_GID = re.compile(r"^gid://shopify/(\w+)/(\d+)$")


def _resolve_order(_: None, info: GraphQLResolveInfo[Context], id: str) -> dict[str, Any] | None:
    """An order by gid; ``null`` for an unknown one, an error for a value that is not a gid at all."""
    match = _GID.match(id)
    if match is None:
        raise GraphQLError(f"Invalid global id '{id}'", extensions={"code": "argumentLiteralsIncompatible"})
    order = info.context.store.get(int(match[2])) if match[1] == "Order" else None
    return order.node if order else None


def _resolve_orders(
    _: None, info: GraphQLResolveInfo[Context], *, sortKey: str, reverse: bool, query: str | None = None, **page: Any
) -> dict[str, Any]:
    context: Context = info.context
    try:
        view = context.store.view(query, sortKey, reverse)
        connection = orders_connection(view, **_page_args(page, context))
    except (PaginationError, SearchSyntaxError) as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"}) from exc
    if view.warnings:
        path = [str(key) for key in info.path.as_list()]
        context.search.append({"path": path, "query": query, "parsed": view.parsed, "warnings": view.warnings})
    return connection


def _resolve_line_items(
    order: dict[str, Any], info: GraphQLResolveInfo[Context], *, reverse: bool, **page: Any
) -> dict[str, Any]:
    try:
        return line_items_connection(order["lineItems"], reverse=reverse, **_page_args(page, info.context))
    except PaginationError as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"}) from exc


def _resolve_webhook_subscriptions(
    _: None,
    info: GraphQLResolveInfo[Context],
    *,
    reverse: bool,
    topics: list[str] | None = None,
    callbackUrl: str | None = None,
    format: str | None = None,
    **page: Any,
) -> dict[str, Any]:
    nodes = info.context.subscriptions.nodes(topics, callbackUrl)
    if format is not None:
        nodes = [node for node in nodes if node["format"] == format]
    try:
        return webhooks_connection(nodes, reverse=reverse, **_page_args(page, info.context))
    except PaginationError as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"}) from exc


def _page_args(page: dict[str, Any], context: Context) -> dict[str, Any]:
    if context.unbounded:
        return {"first": None, "last": None, "after": None, "before": None, "bounded": False}
    return {name: page.get(name) for name in ("first", "last", "after", "before")}


def _resolve_orders_count(
    _: None, info: GraphQLResolveInfo[Context], *, limit: int | None, query: str | None = None
) -> dict[str, Any]:
    """How many orders match ``query``, up to ``limit`` (then ``AT_LEAST``; ``null``: no limit)."""
    try:
        count = info.context.store.count(query)
    except SearchSyntaxError as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"}) from exc
    if limit is not None and count > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


def _resolve_node(_: None, info: GraphQLResolveInfo[Context], id: str) -> dict[str, Any] | None:
    context: Context = info.context
    match = _GID.match(id)
    if match is None:
        raise GraphQLError(f"Invalid global id '{id}'", extensions={"code": "argumentLiteralsIncompatible"})
    if match[1] == "Order":
        order = context.store.get(int(match[2]))
        return order.node if order else None
    operation = context.bulk.get(id) if context.bulk and match[1] == "BulkOperation" else None
    return context.bulk.node(operation, context.base_url) if context.bulk and operation else None


def _resolve_current_bulk_operation(_: None, info: GraphQLResolveInfo[Context], type: str) -> dict[str, Any] | None:
    context: Context = info.context
    operation = context.bulk.current() if context.bulk and type == "QUERY" else None
    return context.bulk.node(operation, context.base_url) if context.bulk and operation else None


def _run_bulk_query(
    _: None, info: GraphQLResolveInfo[Context], query: str, groupObjects: bool | None = None
) -> dict[str, Any]:
    """``groupObjects`` defaults to false from 2026-01, to true before."""
    context: Context = info.context
    assert context.bulk is not None
    grouped = groupObjects if groupObjects is not None else context.version < "2026-01"
    return context.bulk.start(query, group_objects=grouped, version=context.version, base_url=context.base_url)


def _node_type(value: dict[str, Any], *_: Any) -> str:
    return "BulkOperation" if value.get("__typename") == "BulkOperation" else "Order"


def _build() -> GraphQLSchema:
    schema = build_schema(SDL)
    root = schema.query_type
    assert root is not None
    root.fields["order"].resolve = _resolve_order
    root.fields["orders"].resolve = _resolve_orders
    root.fields["shop"].resolve = lambda _, info: info.context.shop
    root.fields["ordersCount"].resolve = _resolve_orders_count
    root.fields["node"].resolve = _resolve_node
    root.fields["currentBulkOperation"].resolve = _resolve_current_bulk_operation
    root.fields["webhookSubscriptions"].resolve = _resolve_webhook_subscriptions
    mutation = schema.mutation_type
    assert mutation is not None
    mutation.fields["webhookSubscriptionCreate"].resolve = lambda _, info, topic, webhookSubscription: (
        info.context.subscriptions.create(topic, webhookSubscription)
    )
    mutation.fields["bulkOperationRunQuery"].resolve = _run_bulk_query
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    node.resolve_type = _node_type
    order = schema.get_type("Order")
    assert isinstance(order, GraphQLObjectType)
    order.fields["lineItems"].resolve = _resolve_line_items
    return schema


SCHEMA = _build()


@lru_cache(maxsize=256)
def parse_and_validate(query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parse and validate once per distinct query text: clients repeat the same query for every page."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    return document, tuple(validate(SCHEMA, document))


_UNDEFINED_FIELD = re.compile(r"^Cannot query field '(\w+)' on type '(\w+)'\.")
_UNKNOWN_ARGUMENT = re.compile(r"^Unknown argument '(\w+)' on field '(\w+)\.(\w+)'\.")


def format_error(error: GraphQLError) -> dict[str, Any]:
    """graphql-core's error in the wording and codes of Shopify's (graphql-ruby) server where known."""
    formatted = dict(error.formatted)
    if match := _UNDEFINED_FIELD.match(error.message):
        field_name, type_name = match.groups()
        formatted["message"] = f"Field '{field_name}' doesn't exist on type '{type_name}'"
        formatted["extensions"] = {"code": "undefinedField", "typeName": type_name, "fieldName": field_name}
    elif match := _UNKNOWN_ARGUMENT.match(error.message):
        argument, _, field_name = match.groups()
        formatted["message"] = f"Field '{field_name}' doesn't accept argument '{argument}'"
        formatted["extensions"] = {
            "code": "argumentNotAccepted",
            "name": field_name,
            "typeName": "Field",
            "argumentName": argument,
        }
    elif "extensions" not in formatted:
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
    return formatted
