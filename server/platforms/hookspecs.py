"""The pluggy hooks a platform plugin may implement.

Hooks are synchronous and few. ``register_platforms`` and
``register_demo_emulators`` are called once at start-up and their results
collected from every plugin. The ``order_*`` hooks are broadcast notifications
called after the database commit that made the change; an implementation may
return an awaitable, which the core awaits. A failing notification is logged
and never undoes the change.
"""

from __future__ import annotations

from collections.abc import Awaitable

import pluggy

from .contract import DemoEmulator, PlatformConnector
from .models import Order

PROJECT = "order_import"
ENTRY_POINT_GROUP = "order_import.platforms"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_platforms() -> list[type[PlatformConnector]]:  # type: ignore[empty-body]
    """Return the connector classes this plugin provides.

    Collected from every plugin at start-up; each ``platform_id`` may be claimed
    by one plugin only, or start-up fails naming both distributions.
    """


@hookspec
def register_demo_emulators() -> list[DemoEmulator]:  # type: ignore[empty-body]
    """Return local emulators of this plugin's platforms for ``order-import demo``."""


@hookspec
def order_pending(platform: str, store_id: str, order: Order) -> Awaitable[None] | None:
    """An order became pending (newly imported, or restored from canceled)."""


@hookspec
def order_accepted(platform: str, store_id: str, order: Order, transaction_id: str) -> Awaitable[None] | None:
    """A pending order was accepted; ``transaction_id`` is its Transaction List row."""


@hookspec
def order_canceled(platform: str, store_id: str, order: Order, reason: str | None) -> Awaitable[None] | None:
    """A pending order was canceled by the seller."""
