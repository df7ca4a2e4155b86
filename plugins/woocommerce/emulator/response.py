"""What WordPress and the hosts in front of it send back: REST JSON, ``wp_die`` pages, WAF throttling, breakage."""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web

__all__ = [
    "SECRET_HEADERS",
    "SECRET_PARAMS",
    "dumps",
    "garbage",
    "json_response",
    "maintenance",
    "throttled",
]

SECRET_PARAMS = frozenset({"consumer_secret", "oauth_signature"})
SECRET_HEADERS = frozenset({"authorization"})
_PHP_NOTICE = (
    b"<br />\n<b>Deprecated</b>:  Creation of dynamic property WC_Gateway_Legacy::$order_button_text is deprecated"
    b" in <b>/var/www/html/wp-content/plugins/legacy-gateway/gateway.php</b> on line <b>48</b><br />\n"
)
_WAF_PAGE = (
    "<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1>"
    "<p>You have sent too many requests in a given amount of time. Please slow down.</p></body></html>"
)
_DIE_MESSAGES = {
    500: ("internal_server_error", "<p>There has been a critical error on this website.</p>"),
    503: ("wp_die", "Briefly unavailable for scheduled maintenance. Check back in a minute."),
}


def dumps(payload: Any) -> bytes:
    """``wp_json_encode`` without options: compact, ASCII only, slashes escaped as ``\\/``."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def json_response(
    body: bytes | dict[str, Any], origin: str, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A REST answer with WordPress's headers; a pagination ``Link`` replaces the API-root one."""
    response = web.Response(
        body=body if isinstance(body, bytes) else dumps(body),
        status=status,
        headers={
            "Content-Type": "application/json; charset=UTF-8",
            "X-Robots-Tag": "noindex",
            "Link": f'<{origin}/wp-json/>; rel="https://api.w.org/"',
            "X-Content-Type-Options": "nosniff",
            "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
        },
    )
    response.headers.update(headers or {})
    return response


def maintenance(status: int, headers: Mapping[str, str]) -> web.Response:
    """``wp_die`` as JSON: a fatal error (500), maintenance mode (503), or any other status."""
    code, message = _DIE_MESSAGES.get(status, ("wp_die", HTTPStatus(status).phrase))
    body = {"code": code, "message": message, "data": {"status": status}, "additional_errors": []}
    return web.Response(
        body=dumps(body), status=status, content_type="application/json", charset="UTF-8", headers=headers
    )


def throttled(headers: Mapping[str, str]) -> web.Response:
    return web.Response(text=_WAF_PAGE, status=429, content_type="text/html", headers=headers)


def garbage(body: bytes) -> web.Response:
    """The answer with PHP notices printed ahead of it: a 200 that is not JSON."""
    return web.Response(body=_PHP_NOTICE + body, content_type="application/json", charset="UTF-8")
