"""The console's files at ``/``: caching, deep links, headers, and the API's routes kept apart; GraphiQL's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from server import console_routes as serving
from server.console_routes import (
    CONTENT_SECURITY_POLICY,
    GRAPHIQL_CONTENT_SECURITY_POLICY,
    console_routes,
    graphiql_page,
)
from tests.databases import unavailable

ROOT = Path(__file__).parents[1]


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>')
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


def client(dist: Path) -> TestClient:
    async def api(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("api")

    return TestClient(Starlette(routes=[Route("/graphql", api), *console_routes(dist)]))


@pytest.mark.parametrize("path", ["/", "/import", "/transactions", "/stores/deep/link"])
def test_every_page_path_is_the_app_with_its_policy_and_never_cached(dist, path):
    response = client(dist).get(path)
    assert response.status_code == 200
    assert response.text.startswith("<!doctype html>")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hashed_assets_are_cached_for_good(dist):
    response = client(dist).get("/assets/app-1a2b.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]


@pytest.mark.parametrize("path", ["/assets/missing-0000.js", "/missing.js", "/assets/..%2f..%2fsecret.txt"])
def test_missing_files_are_404_not_the_app(dist, path):
    (dist.parent / "secret.txt").write_text("secret")
    response = client(dist).get(path)
    assert response.status_code == 404
    assert "secret" not in response.text


def test_top_level_files_are_served(dist):
    assert client(dist).get("/favicon.svg").text == "<svg/>"


def test_api_routes_win_over_the_fallback(dist):
    assert client(dist).get("/graphql").text == "api"


def test_an_unbuilt_console_says_how_to_build_it(tmp_path):
    response = client(tmp_path / "nothing").get("/")
    assert response.status_code == 404
    assert "make console" in response.text


# -- GraphiQL: its page (answered at /graphql by the API's view) and its assets ---------------------------------


@pytest.fixture
def graphiql_dist(dist: Path) -> Path:
    (dist / "graphiql" / "assets").mkdir(parents=True)
    (dist / "graphiql" / "graphiql.html").write_text(
        '<!doctype html><div id="graphiql"></div>'
        '<script type="module" src="/graphiql/assets/graphiql-9z8y.js"></script>'
    )
    (dist / "graphiql" / "assets" / "graphiql-9z8y.js").write_text("console.log('graphiql')")
    return dist


def graphiql_client(dist: Path, *, graphiql: bool) -> TestClient:
    async def ide(request):  # type: ignore[no-untyped-def]
        return graphiql_page(dist)

    routes = [Route("/graphql", ide), *console_routes(dist, graphiql=graphiql)]
    return TestClient(Starlette(routes=routes))


def directives(policy: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))}


def test_the_graphiql_page_is_the_build_with_its_own_strict_headers(graphiql_dist):
    response = graphiql_client(graphiql_dist, graphiql=True).get("/graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="graphiql">' in response.text
    assert response.headers["content-security-policy"] == GRAPHIQL_CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_graphiql_policy_is_the_consoles_but_for_inline_styles_and_workers():
    graphiql, console = directives(GRAPHIQL_CONTENT_SECURITY_POLICY), directives(CONTENT_SECURITY_POLICY)
    assert graphiql["script-src"] == "'self'"  # never unsafe-inline nor unsafe-eval for scripts
    assert graphiql["style-src"] == "'self' 'unsafe-inline'"  # Monaco writes <style> and style=""
    assert graphiql["worker-src"] == "'self'"  # Monaco's workers are files of the build: no blob:
    assert graphiql["frame-ancestors"] == "'none'"
    assert console["style-src"] == "'self'" and "worker-src" not in console
    loosened = ("style-src", "worker-src")
    assert {k: v for k, v in graphiql.items() if k not in loosened} == {
        k: v for k, v in console.items() if k not in loosened
    }


def test_the_graphiql_build_and_the_server_send_the_same_policy():
    config = (ROOT / "console" / "vite.graphiql.config.ts").read_text()
    [array] = re.findall(r"GRAPHIQL_CSP = \[(.*?)\]\.join", config, re.S)
    assert "; ".join(re.findall(r'"([^"]+)"', array)) == GRAPHIQL_CONTENT_SECURITY_POLICY


def test_graphiql_assets_are_cached_for_good_when_graphiql_is_on(graphiql_dist):
    response = graphiql_client(graphiql_dist, graphiql=True).get("/graphiql/assets/graphiql-9z8y.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/graphiql/assets/graphiql-9z8y.js", "/graphiql/graphiql.html", "/graphiql.html"])
def test_nothing_of_graphiql_is_served_when_it_is_off(graphiql_dist, path):
    response = graphiql_client(graphiql_dist, graphiql=False).get(path)
    assert response.status_code == 404
    assert "graphiql" not in response.text


def test_graphiql_files_are_not_console_files_even_when_on(graphiql_dist):
    assert graphiql_client(graphiql_dist, graphiql=True).get("/graphiql/graphiql.html").status_code == 404


def test_an_unbuilt_graphiql_says_how_to_build_it(dist):
    response = graphiql_client(dist, graphiql=True).get("/graphql")
    assert response.status_code == 404
    assert "GraphiQL is not built" in response.text and "make console" in response.text
    assert response.headers["content-security-policy"] == GRAPHIQL_CONTENT_SECURITY_POLICY


def test_the_default_folder_is_read_when_called(graphiql_dist, monkeypatch):
    monkeypatch.setattr(serving, "DIST", graphiql_dist)

    async def ide(request):  # type: ignore[no-untyped-def]
        return graphiql_page()

    client = TestClient(Starlette(routes=[Route("/graphql", ide), *console_routes(graphiql=True)]))
    assert '<div id="graphiql">' in client.get("/graphql").text
    assert client.get("/graphiql/assets/graphiql-9z8y.js").text == "console.log('graphiql')"


def test_the_built_graphiql_loads_only_files_of_its_own_build():
    built = serving.DIST / "graphiql"
    if not (built / "graphiql.html").is_file():
        unavailable("GraphiQL is not built (server/console/graphiql/): run `make console`")
    html = (built / "graphiql.html").read_text()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(url.endswith(".js") for url in urls), html
    for url in urls:
        assert url.startswith(("/graphiql/assets/", "data:")), url
        if url.startswith("/graphiql/assets/"):
            assert (built / url.removeprefix("/graphiql/")).is_file(), url
    assert "<style" not in html and "<script>" not in html  # nothing inline: script-src 'self'
    for css in (built / "assets").glob("*.css"):  # fonts as files, since font-src is 'self'
        text = css.read_text()
        assert "data:font" not in text and "data:application/font" not in text, css.name
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", text), css.name
