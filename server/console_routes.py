"""The seller console at ``/``: the built single-page app (``console/``), shipped inside the package.

Hashed assets are cached for a year; ``index.html`` is never cached, so a new
release is picked up on the next load. Any other path a browser asks for gets
``index.html`` (deep links such as ``/transactions``), under a Content-Security-Policy
that allows nothing but this origin.

GraphiQL (``console/graphiql.html``, built into ``graphiql/`` beside the app) is answered at ``/graphql`` to
a browser when it is on (``graphiql_page``), with its assets under ``/graphiql/assets/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

DIST = Path(__file__).parent / "console"  # written by `make console`; shipped in the wheel

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def content_security_policy(**changes: str) -> str:
    """The console's policy, with directives changed or added (``style_src="'self'"`` for ``style-src``)."""
    directives = DIRECTIVES | {name.replace("_", "-"): value for name, value in changes.items()}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def page_headers(policy: str) -> dict[str, str]:
    """A page's headers: its policy, never cached (a new release is picked up at once), no sniffing, no referrer."""
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


CONTENT_SECURITY_POLICY = content_security_policy()
PAGE_HEADERS = page_headers(CONTENT_SECURITY_POLICY)
NOT_BUILT = (
    "The seller console is not built. Build it with `make console` (Node 20 and npm), or use the API at /graphql.\n"
)

GRAPHIQL = Path("graphiql")  # GraphiQL's own build, inside DIST: graphiql.html and assets/
# GraphiQL's editor (Monaco) writes <style> elements and style="" attributes as it runs and has no nonce hook,
# so its page allows inline styles; scripts stay 'self' only, and so do fonts, images and connections, which
# leaves injected CSS nowhere to send anything. Monaco's workers are files of the build: 'self'.
GRAPHIQL_CONTENT_SECURITY_POLICY = content_security_policy(style_src="'self' 'unsafe-inline'", worker_src="'self'")
GRAPHIQL_HEADERS = page_headers(GRAPHIQL_CONTENT_SECURITY_POLICY)
GRAPHIQL_NOT_BUILT = (
    "GraphiQL is not built. Build it with `make console` (or `cd console && npm ci && npm run build`), "
    "or send operations to /graphql with 'Authorization: Bearer <token>'.\n"
)


class HashedAssets(StaticFiles):
    """Vite's ``assets/`` folder: every name carries a content hash, so it may be cached for good."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def graphiql_page(dist: Path | None = None) -> Response:
    """GraphiQL's page, from the build (``DIST`` when not given, read at each call); how to build it when missing."""
    page = (dist or DIST) / GRAPHIQL / "graphiql.html"
    if not page.is_file():
        return PlainTextResponse(GRAPHIQL_NOT_BUILT, status_code=404, headers=GRAPHIQL_HEADERS)
    return FileResponse(page, media_type="text/html", headers=GRAPHIQL_HEADERS)


def console_routes(dist: Path | None = None, *, graphiql: bool = False) -> list[BaseRoute]:
    """``/assets/*``, the app's top-level files (``favicon.svg``), and ``index.html`` for every other GET path;
    with ``graphiql``, GraphiQL's assets at ``/graphiql/assets/*`` too (its page is ``graphiql_page``).

    Mounted last: the API's routes, listed earlier, win. ``dist`` defaults to ``DIST`` as it is at the call.
    """
    dist = dist or DIST
    index = dist / "index.html"
    top_level = {p.name for p in dist.iterdir() if p.is_file()} if dist.is_dir() else set()

    async def page(request: Request) -> Response:
        path = request.path_params["path"]
        if not index.is_file():
            return PlainTextResponse(NOT_BUILT, status_code=404)
        if path in top_level:
            return FileResponse(dist / path, headers=PAGE_HEADERS)
        if "." in path.rsplit("/", 1)[-1]:  # a file the app does not have; deep links carry no extension
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(index, headers=PAGE_HEADERS)

    graphiql_assets = HashedAssets(directory=dist / GRAPHIQL / "assets", check_dir=False)
    return [
        Mount("/assets", app=HashedAssets(directory=dist / "assets", check_dir=False), name="console-assets"),
        *([Mount("/graphiql/assets", app=graphiql_assets, name="graphiql-assets")] if graphiql else []),
        Route("/{path:path}", page, methods=["GET", "HEAD"], name="console"),
    ]
