"""PayPal's error bodies: REST errors (``name``/``message``/``debug_id``/``details``/``links``) and the
OAuth server's RFC 6749 errors (``error``/``error_description``)."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Any

STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema."),
    401: (
        "AUTHENTICATION_FAILURE",
        "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
    ),
    403: ("NOT_AUTHORIZED", "Authorization failed due to insufficient permissions."),
    404: ("RESOURCE_NOT_FOUND", "The specified resource does not exist."),
    409: ("RESOURCE_CONFLICT", "The server has detected a conflict while processing this request."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "The server does not support the request payload's media type."),
    422: (
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
    ),
    429: ("RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting."),
    500: ("INTERNAL_SERVER_ERROR", "An internal server error occurred."),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable."),
}
"""``name`` and ``message`` per status, from the OpenAPI specs' ``error_4xx``/``error_5xx`` schemas
(429 from PayPal's rate-limiting answer)."""

OVERVIEW_LINK = "https://developer.paypal.com/docs/api/overview/#error"


def debug_id() -> str:
    """A correlation id like PayPal's ``debug_id`` (13 hex digits)."""
    return uuid.uuid4().hex[:13]


def rest_error(
    status: int, *, name: str | None = None, message: str | None = None, api: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The REST error body for ``status`` (``name``/``message`` override the status's own); ``api``
    (``orders/v2``...) points the information link at that API's docs."""
    default_name, default_message = STATUS_ERRORS.get(status) or (HTTPStatus(status).name, HTTPStatus(status).phrase)
    name = name or default_name
    body: dict[str, Any] = {"name": name, "message": message or default_message, "debug_id": debug_id(), **extra}
    href = f"https://developer.paypal.com/docs/api/{api}/#error-{name}" if api else OVERVIEW_LINK
    body.setdefault("links", [{"href": href, "rel": "information_link"}])
    return body


def not_found(api: str, *, field: str | None = None, value: str | None = None) -> dict[str, Any]:
    """404 for an unknown id in the path: Orders answers ``issue``/``description`` only, Payments also
    names the path ``field`` and its ``value``."""
    detail = {"field": field, "value": value, "location": "path"} if field else {}
    detail |= {
        "issue": "INVALID_RESOURCE_ID",
        "description": "Specified resource ID does not exist. Please check the resource ID and try again.",
    }
    href = f"https://developer.paypal.com/docs/api/{api}/#error-INVALID_RESOURCE_ID"
    return rest_error(404, details=[detail], links=[{"href": href, "rel": "information_link", "method": "GET"}])


def invalid_query(
    field: str, value: str | None, issue: str, description: str, *, api: str = "transaction-search/v1"
) -> dict[str, Any]:
    """400 INVALID_REQUEST naming the query parameter at fault (the ``error_400``/``error_details`` schemas of
    PayPal's OpenAPI specs)."""
    detail: dict[str, str] = {"field": field}
    if value is not None:
        detail["value"] = value
    detail |= {"location": "query", "issue": issue, "description": description}
    return rest_error(400, api=api, details=[detail])


def oauth_error(error: str, description: str) -> dict[str, str]:
    """The token endpoint's (and bearer check's) error body."""
    return {"error": error, "error_description": description}
