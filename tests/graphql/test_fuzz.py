"""Fuzzing: queries and mutations generated from schema.graphql, sent over HTTP to a running server.

Also the operations a client sends (these tests'), with generated variables: wrong variables are GraphQL
errors naming them. Whatever is asked, the server never answers 500 or INTERNAL_ERROR, and the database
keeps its invariants: every accepted import has exactly one Transaction List row, every imported
transaction its accepted import, and every finished job its finishing time. Hypothesis is bounded and
derandomized, so CI runs the same examples every time; it runs in a worker thread while the server runs
in the test's event loop.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import graphql
import hypothesis_graphql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.models import ImportedOrder, ImportJob, ImportStatus, JobStatus, Transaction, TransactionSource
from tests.conftest import CONNECT_STORE
from tests.graphql.queries import (
    ACCEPT,
    CANCEL,
    DISCONNECT_STORE,
    IMPORT_JOB,
    IMPORT_JOBS,
    IMPORT_ORDERS,
    IMPORTED_ORDER,
    PENDING,
    STORES,
    TRANSACTIONS,
    UPDATE_STORE,
)
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import Server

SCHEMA = (Path(__file__).parents[2] / "schema.graphql").read_text()
EXAMPLES = 150  # per root type, and for the operations with variables
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
OPERATIONS = [
    ACCEPT,
    CANCEL,
    CONNECT_STORE,
    DISCONNECT_STORE,
    IMPORT_JOB,
    IMPORT_JOBS,
    IMPORT_ORDERS,
    IMPORTED_ORDER,
    PENDING,
    STORES,
    TRANSACTIONS,
    UPDATE_STORE,
]


def node(value: Any) -> graphql.ValueNode:
    """A GraphQL literal for a JSON-like value."""
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if isinstance(value, str):
        return graphql.StringValueNode(value=value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(node(v) for v in value))
    fields = tuple(graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=node(v)) for k, v in value.items())
    return graphql.ObjectValueNode(fields=fields)


class Values:
    """Values that reach past the first check: real ids, platform ids, order numbers, URLs, credentials."""

    def __init__(self, ids: list[str], words: list[str], credentials: list[dict[str, str]]) -> None:
        text = st.text(max_size=40)
        self.json = st.recursive(
            st.none() | st.booleans() | st.integers(-(2**64), 2**64) | text | st.sampled_from(words),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(text | st.sampled_from(words), inner, max_size=4)
            ),
            max_leaves=8,
        )
        keys = st.sampled_from(["shop_domain", "access_token", "api_version", "webhook_secret", "site_url", "x"])
        self.ids = st.one_of(st.sampled_from(ids), text)
        self.strings = st.one_of(st.sampled_from(words), text, st.just("x" * 300))
        self.credentials = st.one_of(
            st.sampled_from(credentials),
            st.dictionaries(keys, st.one_of(text, st.sampled_from(words), st.integers()), max_size=5),
        )

    def scalars(self) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
        """For hypothesis-graphql: literals of each scalar."""
        return {
            "ID": self.ids.map(node),
            "String": self.strings.map(node),
            "JSON": st.one_of(self.credentials, self.json).map(node),
            "DateTime": st.one_of(st.just("2026-01-01T00:00:00Z"), st.text(max_size=30)).map(node),
            "Decimal": st.one_of(st.just("1.00"), st.text(max_size=30)).map(node),
        }

    def variables(self, operation: str) -> st.SearchStrategy[dict[str, Any]]:
        """Any JSON for each of the operation's variables, often of the right kind, sometimes left out."""
        [definition] = graphql.parse(operation).definitions
        assert isinstance(definition, graphql.OperationDefinitionNode)
        names = [d.variable.name.value for d in definition.variable_definitions]
        value = st.one_of(
            self.ids, self.strings, self.credentials, st.integers(-10, 300), st.floats(allow_nan=False), self.json
        )
        return st.fixed_dictionaries({}, optional={name: value for name in names})


def post(url: str, token: str, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as refused:
        status, raw = refused.code, refused.read()
        refused.close()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def check(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> None:
    status, body = post(url, token, query, variables or {})
    assert status != 500, (query, variables, body)
    errors = (body or {}).get("errors") or ()
    internal = [e for e in errors if (e.get("extensions") or {}).get("code") == "INTERNAL_ERROR"]
    assert not internal, (query, variables, internal)


def fuzz(url: str, token: str, values: Values) -> None:
    """Run in a worker thread: blocking HTTP while the server goes on in the test's loop."""

    @FUZZ
    @given(hypothesis_graphql.queries(SCHEMA, custom_scalars=values.scalars()))
    def queries(query: str) -> None:
        check(url, token, query)

    @FUZZ
    @given(hypothesis_graphql.mutations(SCHEMA, custom_scalars=values.scalars()))
    def mutations(query: str) -> None:
        check(url, token, query)

    @FUZZ
    @given(st.sampled_from(OPERATIONS).flatmap(lambda op: st.tuples(st.just(op), values.variables(op))))
    def operations(operation: tuple[str, dict[str, Any]]) -> None:
        check(url, token, *operation)

    queries()
    mutations()
    operations()


async def seed(server: Server, token: str, store_id: str, shopify: Any, shopify_url: str) -> tuple[list, list]:
    """Pending, accepted and canceled imports and a finished job; the ids and words the fuzzer picks from."""
    orders = [add(shopify, minutes) for minutes in (5, 15, 25, 35)]
    job = (await import_orders(server, token, store_id, hours=1))["job"]
    first, second, *rest = await pending(server, token)
    accepted = (await server.execute(ACCEPT, {"id": first["id"]}, token=token))["acceptImport"]
    assert accepted["userErrors"] == []
    assert (await server.execute(CANCEL, {"id": second["id"]}, token=token))["cancelImport"]["userErrors"] == []
    ids = [store_id, job["id"], first["id"], second["id"], accepted["transaction"]["id"], str(uuid.uuid4()), "1"]
    ids += [row["id"] for row in rest]
    words = ["shopify", "woocommerce", "", " ", shopify_url, "https://127.0.0.1:1", "http://169.254.169.254"]
    words += [o["name"] for o in orders] + [o["legacyResourceId"] for o in orders]
    return ids, words


async def test_generated_operations_never_fail_internally(server, token, store_id, shopify, shopify_url):
    ids, words = await seed(server, token, store_id, shopify, shopify_url)
    credentials = [{"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}]

    await asyncio.to_thread(fuzz, server.graphql_url, token, Values(ids, words, credentials))

    for _ in range(100):  # a job still running finishes within job_wait_seconds
        if not await ImportJob.filter(status=JobStatus.RUNNING).exists():
            break
        await asyncio.sleep(0.1)
    assert not await ImportJob.filter(status=JobStatus.RUNNING).exists()
    assert not await ImportJob.filter(status__in=(JobStatus.FAILED, JobStatus.SUCCEEDED), finished_at=None).exists()
    for order in await ImportedOrder.filter(status=ImportStatus.ACCEPTED):
        listed = await Transaction.filter(store_id=order.store_id, order_id=order.order_id)
        assert [t.id for t in listed] == [order.transaction_id], order.order_id
    for transaction in await Transaction.filter(source=TransactionSource.IMPORT):
        imports = await ImportedOrder.filter(transaction_id=transaction.id, status=ImportStatus.ACCEPTED).count()
        assert imports == 1, transaction.order_id
