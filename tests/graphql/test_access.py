"""Who may call what: tokens, sellers isolated from each other, CORS, health."""

from __future__ import annotations

import pytest

from tests.conftest import new_token
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_JOB, IMPORTED_ORDER, PENDING, TRANSACTIONS
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import running_server, settings


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer nope", "Basic b2k=", "Bearer oi_unknown"])
async def test_requests_without_a_valid_token_get_401(server, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await server.session.post(server.graphql_url, json={"query": "{ platforms { id } }"}, headers=headers)
    body = await response.json()
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphiql_opens_in_a_browser_without_a_token(server):
    response = await server.session.get(server.graphql_url, headers={"Accept": "text/html"})
    assert response.status == 200
    assert "graphiql" in (await response.text()).lower()


@pytest.mark.parametrize(
    "params",
    [
        {"query": "{ platforms { id } }"},
        {"query": "{ __schema { types { name } } }"},
        {"query": 'mutation { cancelImport(id: "x") { userErrors { code } } }'},
        {"operationName": "x"},
    ],
)
@pytest.mark.parametrize("accept", ["text/html", "text/html,application/json", "*/*", "application/json"])
async def test_no_operation_runs_over_get_without_a_token(server, params, accept):
    response = await server.session.get(server.graphql_url, params=params, headers={"Accept": accept})
    assert response.status == 401
    assert "platforms" not in await response.text()


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_graphql_answers_no_method_without_a_token(server, method):
    response = await server.session.request(method, server.graphql_url, params={"query": "{ platforms { id } }"})
    assert response.status in (401, 405)
    assert "shopify" not in await response.text()


async def test_queries_work_over_get_with_a_token(server, token):
    response = await server.session.get(
        server.graphql_url, params={"query": "{ platforms { id } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert (await response.json()) == {"data": {"platforms": [{"id": "shopify"}]}}


async def test_healthz_needs_no_token(server):
    response = await server.session.get(f"{server.url}/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}


async def test_another_sellers_records_answer_as_not_found(server, token, store_id, shopify):
    add(shopify, 5)
    job = (await import_orders(server, token, store_id, orderId="#1001"))["job"]
    [row] = await pending(server, token)
    bob = await new_token("bob")

    assert (await server.execute("{ stores { id } }", token=bob)) == {"stores": []}
    assert (await server.execute(PENDING, {}, token=bob))["pendingImports"]["totalCount"] == 0
    assert (await server.execute(IMPORTED_ORDER, {"id": row["id"]}, token=bob)) == {"importedOrder": None}
    assert (await server.execute(IMPORT_JOB, {"id": job["id"]}, token=bob)) == {"importJob": None}
    for mutation in (ACCEPT, CANCEL):
        data = await server.execute(mutation, {"id": row["id"]}, token=bob)
        [payload] = data.values()
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
        assert payload["importedOrder"] is None
    stolen = await import_orders(server, bob, store_id, hours=1)
    assert [e["code"] for e in stolen["userErrors"]] == ["STORE_NOT_FOUND"]
    accepted = (await server.execute(ACCEPT, {"id": row["id"]}, token=token))["acceptImport"]
    assert accepted["userErrors"] == []
    assert (await server.execute(TRANSACTIONS, {}, token=bob))["transactions"]["totalCount"] == 0


@pytest.mark.database
async def test_cors_allows_only_the_configured_origins():
    async with running_server(settings(cors_origins=("https://console.example.com",))) as server:
        allowed = await server.session.options(
            server.graphql_url,
            headers={"Origin": "https://console.example.com", "Access-Control-Request-Method": "POST"},
        )
        refused = await server.session.options(
            server.graphql_url,
            headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://console.example.com"
        assert "Access-Control-Allow-Origin" not in refused.headers


async def test_unexpected_errors_are_masked(server, token, monkeypatch, caplog):
    from server.services import stores

    async def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(stores, "list_stores", broken)
    response = await server.post("{ stores { id } }", token=token)
    body = await response.json()

    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "exception": "RuntimeError"}
    assert "SELECT" not in await response.text()
    assert [r.levelname for r in caplog.records if r.name == "order_import.graphql"] == ["ERROR"]
