"""The pluggy hooks a platform plugin may implement.

Hooks are few and called through pluggy's hook callers, so ``tryfirst``,
``trylast``, wrappers and tracing work as pluggy documents them.
``register_platforms`` and ``register_demo_emulators`` are called once at
start-up, each plugin's answer on its own so that it keeps its origin.

The ``order_*`` hooks are notifications, called once per change after the
database commit that made it, whatever path made it (an import, the seller, a
webhook, a disconnect), after the pending-list event. An implementation may be
``async def`` (or return an awaitable): the core awaits each one on its own, so
a failing one is logged and the others still run. A synchronous implementation
that raises is logged too, but pluggy stops that call there: the plugins after
it in call order miss that one notification. Nothing a hook does undoes the
change. ``store_id`` is order-import's id of the store (a UUID string, what
``Store.id`` is in the API), not the platform's shop id.
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
def order_accepted(
    platform: str, store_id: str, order: Order, transaction_id: str, source: str
) -> Awaitable[None] | None:
    """A pending order entered the Transaction List; ``transaction_id`` is its row there.

    ``source`` says who settled it: ``"seller"`` (``acceptImport``) or ``"webhook"`` (the platform's
    webhook listed the order while it was pending). An implementation may leave ``source`` out of
    its parameters (pluggy passes only the arguments it names).
    """


@hookspec
def order_canceled(platform: str, store_id: str, order: Order, reason: str | None) -> Awaitable[None] | None:
    """A pending order was canceled: by the seller, or because its store was disconnected
    (``reason`` "store disconnected")."""
