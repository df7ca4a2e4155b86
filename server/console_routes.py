"""The seller console at ``/``: the built single-page app (``console/``), shipped inside the package.

Hashed assets are cached for a year; ``index.html`` is never cached, so a new
release is picked up on the next load. Any other path a browser asks for gets
``index.html`` (deep links such as ``/transactions``), under a Content-Security-Policy
that allows nothing but this origin.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

DIST = Path(__file__).parent / "console"  # written by `make console`; shipped in the wheel

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
NOT_BUILT = (
    "The seller console is not built. Build it with `make console` (Node 20 and npm), or use the API at /graphql.\n"
)


class HashedAssets(StaticFiles):
    """Vite's ``assets/`` folder: every name carries a content hash, so it may be cached for good."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def console_routes(dist: Path = DIST) -> list[BaseRoute]:
    """``/assets/*``, the app's top-level files (``favicon.svg``), and ``index.html`` for every other GET path.

    Mounted last: the API's routes, listed earlier, win.
    """
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

    return [
        Mount("/assets", app=HashedAssets(directory=dist / "assets", check_dir=False), name="console-assets"),
        Route("/{path:path}", page, methods=["GET", "HEAD"], name="console"),
    ]
