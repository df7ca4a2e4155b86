"""The connector contract: everything a platform plugin needs, and nothing else of the server.

A plugin is a distribution with an entry point in the group
``order_import.platforms`` naming a module that implements
``register_platforms`` (and optionally the other hooks in ``hookspecs``)::

    from server.platforms import hookimpl

    @hookimpl
    def register_platforms():
        return [MyConnector]

This package imports nothing from the rest of ``server``.
"""

from .codes import ErrorCode
from .contract import Capability, ConnectorState, DemoDouble, DemoEmulator, PlatformConnector
from .errors import (
    AddressNotAllowed,
    ConnectorError,
    InvalidCredentials,
    PlatformAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformLimitExceeded,
    PlatformUnavailable,
    UnsupportedOperation,
)
from .hookspecs import ENTRY_POINT_GROUP, hookimpl
from .http import HttpClient, Response, RetryPolicy, decode_json, parse_retry_after
from .models import Buyer, CredentialField, LineItem, Money, Order, PaymentStatus
from .paging import pages_ahead
from .payload import PayloadReader, clean, join, shorten
from .webhooks import WebhookEvent, WebhookMalformed, WebhookRegistration, WebhookRejected

__all__ = [
    "ENTRY_POINT_GROUP",
    "AddressNotAllowed",
    "Buyer",
    "Capability",
    "ConnectorError",
    "ConnectorState",
    "CredentialField",
    "DemoDouble",
    "DemoEmulator",
    "ErrorCode",
    "HttpClient",
    "InvalidCredentials",
    "LineItem",
    "Money",
    "Order",
    "PayloadReader",
    "PaymentStatus",
    "PlatformAuthError",
    "PlatformBadResponse",
    "PlatformConnector",
    "PlatformError",
    "PlatformLimitExceeded",
    "PlatformUnavailable",
    "Response",
    "RetryPolicy",
    "UnsupportedOperation",
    "WebhookEvent",
    "WebhookMalformed",
    "WebhookRegistration",
    "WebhookRejected",
    "clean",
    "decode_json",
    "hookimpl",
    "join",
    "pages_ahead",
    "parse_retry_after",
    "shorten",
]
