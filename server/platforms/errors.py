"""Errors a connector raises. Each carries a stable ``code`` the product reports.

ConnectorError              PLATFORM_ERROR         (raised bare: a platform fault of no kind below)
├── InvalidCredentials      INVALID_CREDENTIALS    credentials fail the connector's own checks
├── UnsupportedOperation    UNSUPPORTED_OPERATION  the connector does not offer this operation
├── AddressNotAllowed       ADDRESS_NOT_ALLOWED    the core refused to connect to a non-public address
└── PlatformError           PLATFORM_ERROR         the platform could not give a usable answer
    ├── PlatformAuthError       PLATFORM_AUTH          credentials refused (401/403)
    ├── PlatformUnavailable     PLATFORM_UNAVAILABLE   429/5xx/timeouts past the retries
    ├── PlatformBadResponse     PLATFORM_BAD_RESPONSE  a body that cannot be read or mapped
    └── PlatformLimitExceeded   PLATFORM_LIMIT         the platform refuses the request's scope

Codes are members of ``ErrorCode`` (``codes``), the product's one error vocabulary.
Messages never contain credentials: they name the operation, the URL path and
the platform's status or error code, nothing else.
"""

from __future__ import annotations

from .codes import ErrorCode

__all__ = [
    "AddressNotAllowed",
    "ConnectorError",
    "InvalidCredentials",
    "PlatformAuthError",
    "PlatformBadResponse",
    "PlatformError",
    "PlatformLimitExceeded",
    "PlatformUnavailable",
    "UnsupportedOperation",
]


class ConnectorError(Exception):
    """Base of every error a connector raises; ``code`` is what the product reports."""

    code: ErrorCode = ErrorCode.PLATFORM_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidCredentials(ConnectorError):
    """The credentials fail the connector's own checks; ``field`` names the credential."""

    code = ErrorCode.INVALID_CREDENTIALS


class UnsupportedOperation(ConnectorError):
    """The connector does not offer this operation (see ``capabilities``)."""

    code = ErrorCode.UNSUPPORTED_OPERATION


class AddressNotAllowed(ConnectorError):
    """The core refused to connect: the host resolves to a loopback, private or otherwise non-public address.

    Raised by ``HttpClient`` at once, never retried: the address will not become allowed by waiting.
    """

    code = ErrorCode.ADDRESS_NOT_ALLOWED


class PlatformError(ConnectorError):
    """The platform could not give a usable answer."""


class PlatformAuthError(PlatformError):
    """The platform refused the credentials (HTTP 401/403 or its own access error)."""

    code = ErrorCode.PLATFORM_AUTH


class PlatformUnavailable(PlatformError):
    """429, 5xx, timeouts or broken connections persisted past the retries."""

    code = ErrorCode.PLATFORM_UNAVAILABLE


class PlatformBadResponse(PlatformError):
    """The platform answered with something that cannot be read or mapped."""

    code = ErrorCode.PLATFORM_BAD_RESPONSE


class PlatformLimitExceeded(PlatformError):
    """The platform refuses the request's scope (too costly, too far back, too many rows)."""

    code = ErrorCode.PLATFORM_LIMIT
