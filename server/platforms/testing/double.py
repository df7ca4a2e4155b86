"""What the conformance kit drives: a stand-in for a platform's API (an emulator or a fake).

A plugin's emulator implements ``PlatformDouble`` so that the kit can seed
orders, inject faults and serve the platform's documented API over real HTTP.

The five fault methods are abstract here: a double must apply them. ``FaultQueueDouble``
(``server.platforms.testing.faults``) implements them with one queue, and ``reshape_next``
too; an emulator subclassing it takes one fault per API request with
``await self.take_fault()`` and answers only the platform's part (its error body, its
throttle signal), with ``garbage_response()`` and ``truncated_response()`` for the rest.

The optional methods have defaults, so a double written for an earlier kit keeps working:
``set_timezone`` is ignored, ``order_webhooks`` and ``order_change_webhooks`` give none, and
``order_webhooks_for``, ``change_order`` and ``reshape_next`` raise ``NotImplementedError``; the
kit then skips the tests that need them, naming the method to add.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from aiohttp import web

__all__ = ["PlatformDouble", "SeededOrder"]


@dataclass(frozen=True, slots=True)
class SeededOrder:
    """An order the double now serves, and what a correct connector must report for it.

    ``references`` holds every form a seller may type to import it (each must
    find it with ``fetch_order``); ``order_id`` is the ``Order.order_id`` the
    connector must return; ``placed_at`` is its creation time (aware).
    """

    order_id: str
    order_number: str
    references: tuple[str, ...]
    placed_at: datetime
    total: Decimal
    currency: str


class PlatformDouble(ABC):
    """A platform's API served locally, with orders and faults under the test's control.

    Faults apply to the next API requests, one fault per request, in the order
    they were queued; requests for OAuth tokens are exempt unless the double
    says otherwise.
    """

    page_size: int
    """How many orders one page of the platform's listing holds for the connector;
    the kit seeds more than two pages' worth to cross page boundaries."""

    webhook_signature_header: ClassVar[str | None] = None
    """The header carrying a delivery's signature, which the kit alters to forge one; ``None``: every
    header named like a signature (``signature``, ``hmac``, ``-sig``)."""

    @abstractmethod
    def app(self) -> web.Application:
        """The aiohttp application serving the platform's API (paths exactly as the real platform's)."""

    @abstractmethod
    def credentials(self) -> Mapping[str, str]:
        """Credentials the double accepts, as a seller would enter them."""

    @abstractmethod
    def wrong_credentials(self) -> Mapping[str, str]:
        """Well-formed credentials the double refuses (a wrong secret)."""

    @abstractmethod
    def seed_order(self, placed_at: datetime) -> SeededOrder:
        """Add a complete, paid order created at ``placed_at`` and return what it should map to."""

    @abstractmethod
    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """Answer the next ``times`` requests with HTTP ``status`` and the platform's error body."""

    @abstractmethod
    def throttle_next(self, times: int = 1) -> None:
        """Answer the next ``times`` requests with the platform's own throttle signal (a short wait)."""

    @abstractmethod
    def garbage_next(self, times: int = 1) -> None:
        """Answer the next ``times`` requests with HTTP 200 and a body that is not JSON."""

    @abstractmethod
    def truncate_next(self, times: int = 1) -> None:
        """Cut the next ``times`` response bodies short (Content-Length larger than what is sent)."""

    @abstractmethod
    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` responses for ``seconds`` before answering."""

    def set_timezone(self, name: str) -> None:
        """Make the store's own time zone ``name`` (IANA) where the platform has one; default: ignore."""

    def order_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """Each held order's signed creation webhook (headers, raw body), oldest first, signed for
        ``credentials()``; empty where the double does not produce webhooks (the default)."""
        return []

    def order_webhooks_for(self, credentials: Mapping[str, str]) -> list[tuple[dict[str, str], bytes]]:
        """``order_webhooks()`` as the platform would send them to a store connected with ``credentials``
        (shaped like ``credentials()``): signed with the secrets in them, whatever they are.

        The kit signs for another store's secrets to check that a connector refuses those deliveries.
        Optional: without it that check is skipped. Platforms that sign with one key of their own,
        whatever the store (eBay), have nothing to implement.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement order_webhooks_for(credentials)")

    def change_order(self, order_id: str) -> None:
        """Change the held order ``order_id`` (a ``SeededOrder.order_id``) after it was placed, as a seller
        does: refund it in full where the platform has refunds, else cancel it. The platform then sends its
        deliveries about the change (``order_change_webhooks``), if it has any.

        Optional: without it the kit does not check how the connector reads those deliveries.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement change_order(order_id)")

    def order_change_webhooks(self) -> list[tuple[dict[str, str], bytes]]:
        """The signed deliveries (headers, raw body) the platform sent about changes to held orders after
        they were placed (an update, a refund, a cancellation), oldest first, signed for ``credentials()``;
        empty where the double does not produce them (the default). A connector reads each as a
        ``WebhookEvent`` with ``updated`` true that leads to the changed order."""
        return []

    def reshape_next(self, transform: Callable[[Any], Any], times: int = 1) -> None:
        """Answer the next ``times`` requests as usual, but with their JSON body passed through
        ``transform`` (the parsed JSON in, the JSON to send out), so the kit can send JSON of the wrong shape.

        Optional: without it the wrong-shape test is skipped. ``FaultQueueDouble`` implements it for every
        request that takes a fault, when its app is served by the kit's ``serve_double``.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement reshape_next(transform, times)")
