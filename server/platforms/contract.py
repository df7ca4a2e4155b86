"""The connector base class every platform plugin subclasses.

A connector class describes its platform (class attributes) and fetches orders
(async methods). The core creates one instance per store and operation with the
store's credentials, an ``HttpClient`` and the store's optional ``api_base_url``;
instances hold no state the core relies on between calls, except caches the
connector keeps for itself (tokens, store currency).
"""

from __future__ import annotations

import asyncio
import enum
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from aiohttp import web

from .errors import InvalidCredentials, UnsupportedOperation
from .http import HttpClient
from .models import CredentialField, Order
from .webhooks import WebhookEvent, WebhookRegistration

__all__ = ["Capability", "ConnectorState", "DemoDouble", "DemoEmulator", "PlatformConnector"]

SaveState = Callable[[dict[str, str]], Awaitable[None]]


class Capability(enum.Enum):
    """Operations a connector offers; the core and the conformance kit check them."""

    FETCH_ORDER = "fetch_order"
    LIST_ORDERS_CREATED = "list_orders_created"
    WEBHOOKS = "webhooks"
    REGISTER_WEBHOOKS = "register_webhooks"


class ConnectorState:
    """Small values a connector keeps for a store between operations, encrypted at rest by the core.

    For what the platform hands out and later expects back: an OAuth access
    token and its expiry, a refreshed token, the store's currency. Never for
    orders. ``set`` stores the new values at once, so they survive the
    process; a connector built without a store (tests) keeps them in memory.
    """

    def __init__(self, values: Mapping[str, str] | None = None, save: SaveState | None = None) -> None:
        self._values = dict(values or {})
        self._save = save

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    async def set(self, **values: str | None) -> None:
        """Set (or, with ``None``, remove) values and persist them."""
        for key, value in values.items():
            if value is None:
                self._values.pop(key, None)
            else:
                self._values[key] = value
        if self._save is not None:
            await self._save(dict(self._values))


class PlatformConnector(ABC):
    """Base class of a platform connector.

    Class attributes (all required):

    - ``platform_id``: the key users pass as ``platform`` ("shopify"); lowercase.
    - ``display_name``: what a client shows ("Shopify").
    - ``order_id_label``: what sellers type to import one order.
    - ``credential_fields``: the values a seller enters to connect a store; the
      shop domain or store id is one of them.
    - ``capabilities``: the operations below that this connector implements.

    Operations raise ``platforms.errors`` exceptions only; anything else is
    treated by the core as a bug in the connector.
    """

    platform_id: ClassVar[str]
    display_name: ClassVar[str]
    order_id_label: ClassVar[str]
    credential_fields: ClassVar[tuple[CredentialField, ...]]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    page_concurrency: ClassVar[int] = 1
    """How many listing pages the connector may request at once (see ``paging.pages_ahead``), within
    the platform's rate limits; offset-paginated APIs can go above 1."""

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        http: HttpClient,
        api_base_url: str | None = None,
        state: ConnectorState | None = None,
    ) -> None:
        self.credentials = self.check_credentials(credentials)
        self.http = http
        self.api_base_url = api_base_url.rstrip("/") if api_base_url else None
        self.state = state if state is not None else ConnectorState()

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> dict[str, str]:
        """Return the credentials reduced to the declared fields, or raise ``InvalidCredentials``.

        The default checks that required fields are non-blank strings and that
        no undeclared field is present. Override to add format checks (call
        ``super()`` first).
        """
        declared = {f.name: f for f in cls.credential_fields}
        unknown = sorted(set(credentials) - set(declared))
        if unknown:
            raise InvalidCredentials(f"unknown credential field {unknown[0]!r}", field=unknown[0])
        cleaned: dict[str, str] = {}
        for name, spec in declared.items():
            value = credentials.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if spec.required:
                    raise InvalidCredentials(f"{spec.label} is required", field=name)
                continue
            if not isinstance(value, str):
                raise InvalidCredentials(f"{spec.label} must be a string", field=name)
            cleaned[name] = value.strip()
        return cleaned

    async def verify_credentials(self) -> None:
        """Prove the credentials work with one cheap, read-only request to the platform (optional).

        Raise ``PlatformAuthError`` when the platform refuses them: the core
        then refuses to connect the store (userError ``CREDENTIALS_REJECTED``).
        Any other error (the platform is down, times out, answers oddly) lets
        the store connect unchecked. Called before a store is connected and
        when its credentials or ``api_base_url`` change. The default checks
        nothing.
        """
        return None

    @abstractmethod
    async def fetch_order(self, reference: str) -> Order | None:
        """Fetch one order by what the seller typed (trimmed, non-empty).

        Accept every form the platform's sellers see (number, name, internal
        id). Return ``None`` when the platform has no such order, whatever its
        status; never return a different order.
        """

    lookups_in_flight: ClassVar[int] = 4
    """How many ``fetch_order`` calls the default ``fetch_orders`` makes at once."""

    async def fetch_orders(self, references: Sequence[str]) -> dict[str, Order]:
        """Fetch several orders at once (1 to 100 distinct references, each as ``fetch_order`` takes it).

        Return the orders found, keyed by the reference given for each; a
        reference the platform lacks is left out. Override with the platform's
        batch lookup where it has one (fewer requests against its rate limit).
        The default calls ``fetch_order`` ``lookups_in_flight`` at a time; the
        first failure, in the references' order, is raised.
        """
        found: dict[str, Order] = {}
        for start in range(0, len(references), self.lookups_in_flight):
            group = references[start : start + self.lookups_in_flight]
            results = await asyncio.gather(*(self.fetch_order(ref) for ref in group), return_exceptions=True)
            for ref, result in zip(group, results, strict=True):
                if isinstance(result, BaseException):
                    raise result
                if result is not None:
                    found[ref] = result
        return found

    def orders_created(self, start: datetime, end: datetime) -> AsyncIterator[list[Order]]:
        """Yield pages of the orders created between ``start`` and ``end`` (aware UTC, inclusive).

        Pages are yielded as they arrive so the core can store each before the
        next is fetched. Returning orders just outside the range is harmless:
        the core re-checks ``placed_at``. Every order in the range must appear,
        across all pages, exactly once, even when orders arrive during the listing.
        """
        raise UnsupportedOperation(f"{self.platform_id} cannot list orders by creation time")

    async def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verify one webhook delivery over its raw ``body`` and read it.

        ``headers`` is case-insensitive. Raise ``WebhookRejected`` when the
        platform's signature is missing or wrong (compare in constant time),
        ``WebhookMalformed`` when a signed body cannot be read. The secrets
        needed are credential fields of the store. A delivery that needs no
        signature by the platform's own rules (WooCommerce's creation ping)
        returns an event with neither order nor reference.
        """
        raise UnsupportedOperation(f"{self.platform_id} does not receive webhooks")

    async def register_webhooks(self, url: str) -> list[WebhookRegistration]:
        """Make the platform send this store's order webhooks to ``url`` (capability ``REGISTER_WEBHOOKS``).

        Create each subscription the connector's ``parse_webhook`` reads that the platform lacks for
        ``url``; re-create or re-activate one it deleted or disabled after failed deliveries; leave
        subscriptions to other URLs alone. Safe to call again: an existing active subscription is kept,
        never duplicated. Return what the platform then holds for ``url`` (``webhook_registrations``).
        Raise ``PlatformAuthError`` when the credentials may not manage webhooks, ``UnsupportedOperation``
        when the platform has no API for it (the default).
        """
        raise UnsupportedOperation(f"{self.display_name} webhooks are set up in its own dashboard, not by this app")

    async def webhook_registrations(self, url: str) -> list[WebhookRegistration]:
        """The order webhook subscriptions the platform holds for ``url``, active or not, one per topic."""
        raise UnsupportedOperation(f"{self.display_name} does not list its webhook subscriptions to this app")

    def webhook_challenge(self, query: Mapping[str, str], endpoint_url: str) -> dict[str, str] | None:
        """Answer a platform's GET that proves the webhook endpoint (eBay's ``challenge_code``).

        ``query`` is the GET's query string and ``endpoint_url`` the URL it was
        sent to, without the query. Return the JSON body to answer with, or
        ``None`` when the request is not a challenge (answered 404).
        """
        return None

    def window_warning(self, start: datetime, end: datetime, now: datetime) -> str | None:
        """What the seller should know about importing this window, or ``None``.

        For platforms whose listing lags (PayPal's reporting can be hours
        behind), say which part of the window may still be incomplete. The core
        shows it on the import job.
        """
        return None


class DemoDouble(Protocol):
    """What the demo needs of an emulator: the app serving the platform's API.

    An emulator that can also produce the platform's signed order webhooks
    implements ``order_webhooks() -> list[tuple[dict[str, str], bytes]]``
    (headers and raw body of each order's creation delivery, oldest first,
    signed with the demo credentials); the demo then delivers some of them to
    the server and "loses" the rest, which an import recovers.
    """

    def app(self) -> web.Application: ...


@dataclass(frozen=True, slots=True)
class DemoEmulator:
    """A local stand-in for a platform's API, started by ``order-import demo``.

    ``make_double(now, seed)`` returns an emulator serving the platform's
    documented API with realistic orders created over the eight hours before
    ``now``, the same for the same seed. The store is reached with
    ``credentials`` and the emulator's URL as ``apiBaseUrl``.
    """

    platform_id: str
    store_name: str
    credentials: Mapping[str, str]
    make_double: Callable[[datetime, int], DemoDouble]
