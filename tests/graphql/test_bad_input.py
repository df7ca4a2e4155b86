"""Every argument's bad values give a userError with a stable code, and change nothing."""

from __future__ import annotations

import gc
import inspect

import pytest
from graphql.execution.executor import Executor

import plugins.shopify
from server.api import build_schema
from server.models import ImportedOrder, ImportJob, Store, Transaction
from server.platforms import Capability, CredentialField, PlatformConnector, hookimpl
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_JOBS, IMPORT_ORDERS, PENDING, TRANSACTIONS
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import GraphQLErrors, running_server, settings

UNKNOWN_ID = "7d9c1a52-3f0e-4b8e-9a57-2f1d0c6e4b11"


async def counts() -> tuple[int, ...]:
    return (
        await ImportJob.all().count(),
        await ImportedOrder.all().count(),
        await Transaction.all().count(),
        await Store.all().count(),
    )


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ({}, "INVALID_INPUT", ["orderId"]),
        ({"orderId": "#1001", "hours": 2}, "INVALID_INPUT", ["hours"]),
        ({"orderId": ""}, "INVALID_INPUT", ["orderId"]),
        ({"orderId": "   "}, "INVALID_INPUT", ["orderId"]),
        ({"orderId": "x" * 256}, "INVALID_INPUT", ["orderId"]),
        ({"hours": 0}, "INVALID_INPUT", ["hours"]),
        ({"hours": 7}, "INVALID_INPUT", ["hours"]),
        ({"hours": -1}, "INVALID_INPUT", ["hours"]),
        ({"hours": 24}, "INVALID_INPUT", ["hours"]),
        ({"platform": "amazon", "hours": 1}, "UNKNOWN_PLATFORM", ["platform"]),
        ({"platform": "", "hours": 1}, "UNKNOWN_PLATFORM", ["platform"]),
        ({"store": "not-an-id", "hours": 1}, "STORE_NOT_FOUND", ["store"]),
        ({"store": UNKNOWN_ID, "hours": 1}, "STORE_NOT_FOUND", ["store"]),
    ],
)
async def test_import_orders_rejects_bad_arguments(server, token, store_id, shopify, args, code, field):
    add(shopify, 5)
    before = await counts()

    payload = await server.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store_id, **args}, token=token)

    assert payload["importOrders"]["job"] is None
    [error] = payload["importOrders"]["userErrors"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    assert await counts() == before


class _OtherPlatform:
    """A second platform, so a store can be named under the wrong one."""

    @hookimpl
    def register_platforms(self) -> list[type[PlatformConnector]]:
        class Other(PlatformConnector):
            platform_id = "other"
            display_name = "Other"
            order_id_label = "Order id"
            credential_fields = (CredentialField("key", "Key", secret=True),)
            capabilities = frozenset({Capability.FETCH_ORDER})

            async def fetch_order(self, reference: str) -> None:
                return None

        return [Other]


@pytest.mark.database
async def test_a_store_of_another_platform_is_not_found():
    async with running_server(settings(extra_plugins=(plugins.shopify, _OtherPlatform()))) as server:
        token = await new_token("carol")
        connected = await server.execute(
            CONNECT_STORE,
            {"platform": "other", "name": "O", "credentials": {"key": "k"}, "apiBaseUrl": None},
            token=token,
        )
        other_store = connected["connectStore"]["store"]["id"]
        before = await counts()

        payload = await import_orders(server, token, other_store, hours=1)

        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("STORE_NOT_FOUND", ["store"])]
        by_time = await server.execute(
            IMPORT_ORDERS, {"platform": "other", "store": other_store, "hours": 1}, token=token
        )
        assert [e["code"] for e in by_time["importOrders"]["userErrors"]] == ["INVALID_INPUT"]
        assert await counts() == before


async def test_graphql_types_are_enforced_before_anything_runs(server, token, store_id):
    before = await counts()
    for variables in (
        {"platform": "shopify", "store": store_id, "hours": "two"},
        {"platform": None, "store": store_id},
    ):
        response = await server.post(IMPORT_ORDERS, variables, token=token)
        body = await response.json()
        assert body["errors"] and body.get("data") is None
    assert await counts() == before


@pytest.mark.parametrize("mutation", [ACCEPT, CANCEL])
@pytest.mark.parametrize("bad_id", ["", "nope", UNKNOWN_ID])
async def test_decisions_on_unknown_ids_are_not_found(server, token, mutation, bad_id):
    data = await server.execute(mutation, {"id": bad_id}, token=token)
    [payload] = data.values()
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert payload["importedOrder"] is None


async def test_cancel_reason_is_limited(server, token, store_id, shopify):
    add(shopify, 5)
    await import_orders(server, token, store_id, orderId="#1001")
    [row] = await pending(server, token)

    data = await server.execute(CANCEL, {"id": row["id"], "reason": "x" * 1001}, token=token)

    assert [e["code"] for e in data["cancelImport"]["userErrors"]] == ["INVALID_INPUT"]
    assert [r["status"] for r in await pending(server, token)] == ["PENDING"]


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"platform": "amazon"}, "UNKNOWN_PLATFORM", ["platform"]),
        ({"name": "  "}, "INVALID_INPUT", ["name"]),
        ({"name": "n" * 201}, "INVALID_INPUT", ["name"]),
        ({"credentials": "shpat"}, "INVALID_INPUT", ["credentials"]),
        ({"credentials": ["a"]}, "INVALID_INPUT", ["credentials"]),
        ({"credentials": {"access_token": "shpat_x"}}, "INVALID_INPUT", ["credentials", "shop_domain"]),
        (
            {"credentials": {"shop_domain": "evil example", "access_token": "t"}},
            "INVALID_INPUT",
            ["credentials", "shop_domain"],
        ),
        (
            {"credentials": {"shop_domain": "a.myshopify.com", "access_token": "t", "x": "y"}},
            "INVALID_INPUT",
            ["credentials", "x"],
        ),
        ({"apiBaseUrl": "ftp://example.com"}, "INVALID_INPUT", ["apiBaseUrl"]),
        ({"apiBaseUrl": "not a url"}, "INVALID_INPUT", ["apiBaseUrl"]),
        ({"apiBaseUrl": "https://user:pw@example.com"}, "INVALID_INPUT", ["apiBaseUrl"]),
    ],
)
async def test_connect_store_rejects_bad_arguments(server, token, variables, code, field):
    before = await counts()
    base = {
        "platform": "shopify",
        "name": "Shop",
        "credentials": {"shop_domain": "a.myshopify.com", "access_token": "shpat_secret_value"},
        "apiBaseUrl": None,
    }

    data = await server.execute(CONNECT_STORE, base | variables, token=token)

    assert data["connectStore"]["store"] is None
    [error] = data["connectStore"]["userErrors"]
    assert (error["code"], error["field"]) == (code, field)
    assert "shpat_secret_value" not in error["message"]
    assert await counts() == before


async def test_a_second_store_with_the_same_name_is_refused(server, token, store_id, shopify_url):
    data = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Alice's shop",
            "credentials": {"shop_domain": "other.myshopify.com", "access_token": "t"},
            "apiBaseUrl": shopify_url,
        },
        token=token,
    )
    assert [e["code"] for e in data["connectStore"]["userErrors"]] == ["DUPLICATE_STORE"]


@pytest.mark.parametrize("query", [PENDING, TRANSACTIONS, IMPORT_JOBS])
async def test_list_arguments_are_checked(server, token, query):
    for variables, field in (
        ({"first": 0}, "first"),
        ({"first": -1}, "first"),
        ({"first": 201}, "first"),
        ({"after": "garbage!"}, "after"),
    ):
        with pytest.raises(GraphQLErrors) as raised:
            await server.execute(query, variables, token=token)
        [error] = raised.value.args[0]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": field}
        assert field in error["message"]


async def test_credentials_are_never_readable(server, token, store_id):
    response = await server.post("{ stores { id name apiBaseUrl createdAt platform { id } } }", token=token)
    assert "shpat_test_token" not in (await response.text())
    stored = await Store.get(id=store_id)
    assert "shpat_test_token" not in stored.credentials


async def test_a_refused_argument_does_not_abandon_the_sibling_fields(server, token, monkeypatch):
    abandoned: list[object] = []
    settle = Executor.settle_in_background

    def settled_in_background(self: Executor, pending: list[object]) -> None:  # siblings left behind by an error
        abandoned.extend(pending)
        settle(self, pending)

    monkeypatch.setattr(Executor, "settle_in_background", settled_in_background)
    query = f'{{ pendingImports {{ totalCount }} stores(platform: "{"x" * 65}") {{ id }} }}'

    response = await server.post(query, token=token)

    body = await response.json()
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert abandoned == []  # raised with its siblings, not before them


def test_an_async_resolver_dropped_before_it_is_awaited_leaves_nothing_behind():
    # The executor may drop a field's awaitable unstarted (a sibling failed first and its group was cancelled).
    resolve = build_schema()._schema.query_type.fields["pendingImports"].resolve

    pending = resolve(None, None)

    assert inspect.isawaitable(pending) and not inspect.iscoroutine(pending)
    del pending
    gc.collect()  # a coroutine made at the call would now be reported as never awaited (warnings are errors)
