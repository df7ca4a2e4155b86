"""The one error vocabulary: every code a client of order-import can see.

A ``userError.code``, an ``ImportJob.errorCode``, a GraphQL error's
``extensions.code`` and the ``code`` of a non-200 answer of the webhook and
``/graphql`` routes are all members of ``ErrorCode``. The values are the
contract's strings (``code`` stays a ``String`` in the schema), so a member
compares equal to its string. Each code is raised through one exception class
(``server.errors`` for the core, ``server.platforms.errors`` for connectors);
what each means and what a client does about it is ``docs/errors.md``.

It lives in the connector contract because connectors raise coded errors too;
it imports nothing.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorCode"]


class ErrorCode(StrEnum):
    """A code a client can see; its value is the contract's string (see ``docs/errors.md``)."""

    # The request itself (nothing ran)
    BAD_REQUEST = "BAD_REQUEST"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    # The seller's arguments and records
    INVALID_INPUT = "INVALID_INPUT"
    ADDRESS_NOT_ALLOWED = "ADDRESS_NOT_ALLOWED"
    UNKNOWN_PLATFORM = "UNKNOWN_PLATFORM"
    STORE_NOT_FOUND = "STORE_NOT_FOUND"
    STORE_MISCONFIGURED = "STORE_MISCONFIGURED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE_STORE = "DUPLICATE_STORE"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    CREDENTIALS_REJECTED = "CREDENTIALS_REJECTED"
    # Decisions (the payment guard)
    PAYMENT_NOT_CAPTURED = "PAYMENT_NOT_CAPTURED"
    TEST_ORDER = "TEST_ORDER"
    ORDER_CHANGED = "ORDER_CHANGED"
    # Import jobs
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    INTERRUPTED = "INTERRUPTED"
    # Connectors and platforms
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    UNSUPPORTED_OPERATION = "UNSUPPORTED_OPERATION"
    PLATFORM_ERROR = "PLATFORM_ERROR"
    PLATFORM_AUTH = "PLATFORM_AUTH"
    PLATFORM_UNAVAILABLE = "PLATFORM_UNAVAILABLE"
    PLATFORM_BAD_RESPONSE = "PLATFORM_BAD_RESPONSE"
    PLATFORM_LIMIT = "PLATFORM_LIMIT"
    # Webhook deliveries
    WEBHOOK_REJECTED = "WEBHOOK_REJECTED"
    WEBHOOK_MALFORMED = "WEBHOOK_MALFORMED"
    # Anything else: a bug, logged, its details never shown
    INTERNAL_ERROR = "INTERNAL_ERROR"
