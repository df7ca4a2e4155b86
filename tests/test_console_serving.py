"""The console's files at ``/``: caching, deep links, headers, and the API's routes kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from server.console_routes import CONTENT_SECURITY_POLICY, console_routes


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
