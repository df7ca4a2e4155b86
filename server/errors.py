"""Domain errors: expected failures a user can act on, each with a stable code.

DomainError
├── InvalidInput       INVALID_INPUT      an argument breaks a rule (``field`` names it)
│   └── DisallowedAddress  ADDRESS_NOT_ALLOWED  a URL the seller gave is not https:// or not public
├── UnknownPlatform    UNKNOWN_PLATFORM   no installed plugin provides the platform
├── StoreNotFound      STORE_NOT_FOUND    no such store for this seller
├── NotFound           NOT_FOUND          no such record for this seller
├── AlreadyDecided     ALREADY_DECIDED    the imported order was accepted or canceled already (``order``: as it now is)
├── DuplicateStore     DUPLICATE_STORE    the seller has a store of that platform and name
├── Unauthenticated    UNAUTHENTICATED    no valid API token
└── Forbidden          FORBIDDEN          the API token may not do this (a read-only token's mutation)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ImportedOrder


class DomainError(Exception):
    code = "ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class DisallowedAddress(InvalidInput):
    """A seller-given URL breaks the address rules (see ``server.outbound``)."""

    code = "ADDRESS_NOT_ALLOWED"


class UnknownPlatform(DomainError):
    code = "UNKNOWN_PLATFORM"


class StoreNotFound(DomainError):
    code = "STORE_NOT_FOUND"


class NotFound(DomainError):
    code = "NOT_FOUND"


class AlreadyDecided(DomainError):
    code = "ALREADY_DECIDED"

    def __init__(self, message: str, *, order: ImportedOrder, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.order = order


class DuplicateStore(DomainError):
    code = "DUPLICATE_STORE"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"
