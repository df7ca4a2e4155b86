"""Who may call what: tokens, sellers isolated from each other, CORS, health."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from server import console_routes, demo
from server.app import create_app
from server.console_routes import GRAPHIQL_CONTENT_SECURITY_POLICY
from server.settings import Settings, SettingsError
from tests.conftest import new_token
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_JOB, IMPORTED_ORDER, PENDING, TRANSACTIONS
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.support import TEST_SETTINGS, running_server, settings


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer nope", "Basic b2k=", "Bearer oi_unknown"])
async def test_requests_without_a_valid_token_get_401(server, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await server.session.post(server.graphql_url, json={"query": "{ platforms { id } }"}, headers=headers)
    body = await response.json()
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture
def built_graphiql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the console's build, GraphiQL included (tests/browser/test_graphiql.py uses the real one)."""
    (tmp_path / "graphiql" / "assets").mkdir(parents=True)
    (tmp_path / "graphiql" / "graphiql.html").write_text(
        '<!doctype html><title>GraphiQL</title><div id="graphiql"></div>'
        '<script type="module" src="/graphiql/assets/graphiql-1a2b.js"></script>'
    )
    (tmp_path / "graphiql" / "assets" / "graphiql-1a2b.js").write_text("console.log('graphiql')")
    monkeypatch.setattr(console_routes, "DIST", tmp_path)
    return tmp_path


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT])
async def test_graphiql_opens_in_a_browser_without_a_token(built_graphiql, server, accept):  # the build, then the app
    response = await server.session.get(server.graphql_url, headers={"Accept": accept})
    assert response.status == 200
    assert response.content_type == "text/html"
    assert await response.text() == (built_graphiql / "graphiql" / "graphiql.html").read_text()  # not a CDN page
    policy = response.headers["Content-Security-Policy"]
    assert policy == GRAPHIQL_CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-cache"
    asset = await server.session.get(f"{server.url}/graphiql/assets/graphiql-1a2b.js")
    assert asset.status == 200
    assert await asset.text() == "console.log('graphiql')"
    assert asset.headers["X-Content-Type-Options"] == "nosniff"


async def test_graphiql_without_its_build_says_how_to_build_it(server, tmp_path, monkeypatch):
    monkeypatch.setattr(console_routes, "DIST", tmp_path / "not-built")
    response = await server.session.get(server.graphql_url, headers={"Accept": BROWSER_ACCEPT})
    assert response.status == 404
    assert "make console" in await response.text()
    assert response.headers["Content-Security-Policy"] == GRAPHIQL_CONTENT_SECURITY_POLICY


@pytest.mark.database
async def test_graphiql_off_is_404_and_operations_still_work(built_graphiql):
    async with running_server(settings(graphiql=False)) as server:
        page = await server.session.get(server.graphql_url, headers={"Accept": BROWSER_ACCEPT})
        assert page.status == 404
        assert "graphiql" not in (await page.text()).lower()
        asset = await server.session.get(f"{server.url}/graphiql/assets/graphiql-1a2b.js")
        assert asset.status == 404
        assert "graphiql" not in await asset.text()

        token = await new_token("alice")
        query = {"query": "{ platforms { id } }"}
        for accept in ("application/json", BROWSER_ACCEPT):
            response = await server.session.get(
                server.graphql_url, params=query, headers={"Authorization": f"Bearer {token}", "Accept": accept}
            )
            assert (await response.json()) == {"data": {"platforms": [{"id": "shopify"}]}}
        assert (await server.execute(query["query"], token=token)) == {"platforms": [{"id": "shopify"}]}
        refused = await server.session.get(server.graphql_url, params=query, headers={"Accept": BROWSER_ACCEPT})
        assert refused.status == 401
        assert "shopify" not in await refused.text()


def graphiql_setting(value: str | None) -> Settings:
    env = {"ORDER_IMPORT_DATABASE_URL": "sqlite://:memory:"}
    return Settings.from_env(env if value is None else env | {"ORDER_IMPORT_GRAPHIQL": value})


@pytest.mark.parametrize(("value", "on"), [(None, False), ("", False), ("0", False), (" 1 ", True), ("1", True)])
def test_serve_has_graphiql_only_when_the_setting_says_1(value, on):
    assert graphiql_setting(value).graphiql is on


@pytest.mark.parametrize("value", ["true", "yes", "on", "2"])
def test_a_mistyped_graphiql_setting_is_refused(value):
    with pytest.raises(SettingsError, match="ORDER_IMPORT_GRAPHIQL must be 1"):
        graphiql_setting(value)


async def test_the_demo_always_serves_graphiql(monkeypatch):
    class Started(Exception):
        pass

    seen: list[Settings] = []

    def create_app(settings: Settings) -> None:
        seen.append(settings)
        raise Started

    monkeypatch.setattr(demo, "create_app", create_app)
    with socket.socket() as listener, pytest.raises(Started):
        listener.bind(("127.0.0.1", 0))
        await demo.run_demo(graphiql_setting("0"), host="127.0.0.1", listener=listener)
    assert [s.graphiql for s in seen] == [True]


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


OPEN_WITHOUT_TOKEN = {"/healthz", "/{path:path}", "/assets", "/graphiql/assets"}  # liveness, the console's files


async def test_every_route_and_method_without_a_token_runs_nothing(server, token, store_id):
    """Walk the app's own routes: only liveness and the console's files answer without a token."""
    routes = [getattr(route, "path", "") for route in create_app(TEST_SETTINGS).routes]
    assert "/graphql" in routes and "/webhooks/{platform}/{store}" in routes
    for path in routes:
        url = server.url + path.replace("{path:path}", "import").replace("{platform}", "shopify").replace(
            "{store}", store_id
        )
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
            for accept in ("application/json", "text/html"):
                response = await server.session.request(
                    method, url, params={"query": "{ stores { id } }"}, headers={"Accept": accept}, data=b"{}"
                )
                body = await response.text()
                assert response.status < 500, (method, path, response.status)
                assert store_id not in body, (method, path)
                if response.status < 300 and path not in OPEN_WITHOUT_TOKEN:
                    assert path == "/graphql" and accept == "text/html" and method == "GET", (method, path)
                    assert '"data"' not in body


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
