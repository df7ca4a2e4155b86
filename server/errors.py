"""Domain errors: expected failures a user can act on, each with its code from ``ErrorCode``.

DomainError
├── InvalidInput        INVALID_INPUT         an argument breaks a rule (``field`` names it)
│   └── DisallowedAddress   ADDRESS_NOT_ALLOWED   a URL the seller gave is not https:// or not public
├── UnknownPlatform     UNKNOWN_PLATFORM      no installed plugin provides the platform
├── StoreNotFound       STORE_NOT_FOUND       no such connected store for this seller
├── StoreMisconfigured  STORE_MISCONFIGURED   the store, as stored, no longer passes its platform's rules
├── NotFound            NOT_FOUND             no such record for this seller
├── OrderNotFound       ORDER_NOT_FOUND       the platform has no order of that reference (a job's outcome)
├── AlreadyDecided      ALREADY_DECIDED       the order was accepted or canceled already (``order``: as it now is)
├── DuplicateStore      DUPLICATE_STORE       the seller has a store of that platform and name
├── CredentialsRejected CREDENTIALS_REJECTED  the platform refused the store's credentials when connecting
├── PaymentNotCaptured  PAYMENT_NOT_CAPTURED  accepting an order not paid (or canceled on the platform), unforced
├── TestOrder           TEST_ORDER            accepting an order the platform marks as a test, unforced
├── OrderChanged        ORDER_CHANGED         the platform canceled or refunded the order since it was imported
├── Unauthenticated     UNAUTHENTICATED       no valid API token
└── Forbidden           FORBIDDEN             the API token may not do this (a read-only token's mutation)

``RateLimited`` (``server.ratelimits``) is a DomainError too. Connectors raise their own
tree (``server.platforms.errors``); every code of both is a member of ``ErrorCode``,
documented in ``docs/errors.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .platforms.codes import ErrorCode

if TYPE_CHECKING:
    from .models import ImportedOrder

__all__ = [
    "AlreadyDecided",
    "CredentialsRejected",
    "DisallowedAddress",
    "DomainError",
    "DuplicateStore",
    "ErrorCode",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "OrderChanged",
    "OrderNotFound",
    "PaymentNotCaptured",
    "StoreMisconfigured",
    "StoreNotFound",
    "TestOrder",
    "Unauthenticated",
    "UnknownPlatform",
]


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL_ERROR  # every subclass names its own

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class DisallowedAddress(InvalidInput):
    """A seller-given URL breaks the address rules (see ``server.outbound``)."""

    code = ErrorCode.ADDRESS_NOT_ALLOWED


class UnknownPlatform(DomainError):
    code = ErrorCode.UNKNOWN_PLATFORM


class StoreNotFound(DomainError):
    code = ErrorCode.STORE_NOT_FOUND


class StoreMisconfigured(DomainError):
    """The store's saved credentials or address no longer pass the rules (a plugin's checks changed, DNS moved).

    The seller fixes it with ``updateStore``; webhooks for it are answered 503 so the platform retries later.
    """

    code = ErrorCode.STORE_MISCONFIGURED


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class OrderNotFound(DomainError):
    """The platform has no order of the reference the seller gave."""

    code = ErrorCode.ORDER_NOT_FOUND


class AlreadyDecided(DomainError):
    code = ErrorCode.ALREADY_DECIDED

    def __init__(self, message: str, *, order: ImportedOrder, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.order = order


class DuplicateStore(DomainError):
    code = ErrorCode.DUPLICATE_STORE


class CredentialsRejected(DomainError):
    """The platform refused the credentials a seller is connecting a store with."""

    code = ErrorCode.CREDENTIALS_REJECTED


class PaymentNotCaptured(DomainError):
    """The order's payment is not captured (not PAID or PARTIALLY_REFUNDED), or the platform canceled it;
    ``acceptImport(force: true)`` accepts it anyway."""

    code = ErrorCode.PAYMENT_NOT_CAPTURED


class TestOrder(DomainError):
    """The platform marks the order as a test or sandbox one; ``acceptImport(force: true)`` accepts it anyway."""

    __test__ = False  # not a pytest class
    code = ErrorCode.TEST_ORDER


class OrderChanged(DomainError):
    """Read again before the decision, the order turned out canceled, refunded or gone on the platform: the
    stored copy now says so (an UPDATED event); the seller looks again before deciding."""

    code = ErrorCode.ORDER_CHANGED


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN
